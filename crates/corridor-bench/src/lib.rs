//! The ledger benchmark: a corridor workload applied to a backend, timed per batch, beside the
//! plain-SQLite baseline measured in the same run. `corridor ledger bench` prints its JSON.
//!
//! Only the store calls are timed: the workload is generated batch by batch outside the clock.
//! Peak memory is the process's high-water mark (reset before each run on Linux).

mod baseline;
pub mod clearing;
pub mod postgres;
pub mod service;
pub mod trade;
pub mod workload;

use std::path::Path;
use std::time::Instant;

use corridor_ledger::{Account, CreateAccountResult, Ledger, Transfer, BATCH_EVENTS_MAX};
use corridor_store::{LedgerStore, MemoryStore, StoreError};
use corridor_store_embedded::{EmbeddedConfig, EmbeddedStore};

pub use baseline::SqliteBaseline;
pub use workload::{Workload, WorkloadConfig, WorkloadCounts};

/// What to measure.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BenchBackend {
    /// The state machine alone, in memory: no persistence, no transfer bodies kept.
    Memory,
    /// The in-memory store: the state machine plus transfer bodies kept in memory.
    MemoryStore,
    /// The embedded journal store, durable.
    Embedded,
    /// The plain SQLite schema, durable.
    SqliteBaseline,
    /// The PostgreSQL store, durable (run by [`postgres::run_postgres`]).
    Postgres,
}

impl BenchBackend {
    fn name(self) -> &'static str {
        match self {
            BenchBackend::Memory => "memory",
            BenchBackend::MemoryStore => "memory-store",
            BenchBackend::Embedded => "embedded",
            BenchBackend::SqliteBaseline => "sqlite-baseline",
            BenchBackend::Postgres => "postgres",
        }
    }
}

/// The workload options.
pub type BenchConfig = WorkloadConfig;

/// Why a bench failed.
#[derive(Debug, thiserror::Error)]
pub enum BenchError {
    /// The ledger store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The baseline failed.
    #[error("sqlite baseline: {0}")]
    Sqlite(#[from] rusqlite::Error),
    /// Preparing the bench directory failed.
    #[error("{0}")]
    Io(#[from] std::io::Error),
    /// A result did not come out as the workload expects.
    #[error("{0}")]
    Unexpected(String),
}

/// The figures of one run.
#[derive(Clone, Debug)]
pub struct BenchResult {
    /// Backend name.
    pub backend: &'static str,
    /// The workload options.
    pub config: WorkloadConfig,
    /// Transfers applied.
    pub transfers: u64,
    /// Seconds spent in store calls.
    pub seconds: f64,
    /// Batch latency percentiles, milliseconds.
    pub p50_ms: f64,
    /// 99th percentile.
    pub p99_ms: f64,
    /// Peak resident memory of the process, MiB.
    pub peak_rss_mb: Option<f64>,
    /// What the workload held.
    pub counts: WorkloadCounts,
    /// Seconds to reopen the store afterwards (embedded only): after a clean close, and after a
    /// crash (no final snapshot, so the journal tail is replayed).
    pub reopen_seconds: Option<(f64, f64)>,
}

impl BenchResult {
    /// Transfers per second.
    pub fn transfers_per_sec(&self) -> f64 {
        self.transfers as f64 / self.seconds.max(f64::MIN_POSITIVE)
    }

    /// The result as one JSON object.
    pub fn to_json(&self) -> String {
        let reopen = match self.reopen_seconds {
            Some((clean, crash)) => {
                format!(r#","reopen_seconds":{clean:.3},"reopen_after_crash_seconds":{crash:.3}"#)
            }
            None => String::new(),
        };
        let rss = self
            .peak_rss_mb
            .map_or("null".to_owned(), |mb| format!("{mb:.1}"));
        let c = &self.counts;
        format!(
            concat!(
                r#"{{"backend":"{}","accounts":{},"transfers":{},"batch":{},"hot_accounts":{},"#,
                r#""pending_percent":{},"seconds":{:.3},"transfers_per_sec":{:.0},"#,
                r#""p50_ms":{:.3},"p99_ms":{:.3},"peak_rss_mb":{},"#,
                r#""workload":{{"plain":{},"pending":{},"posted":{},"voided":{},"funding":{}}}{}}}"#
            ),
            self.backend,
            self.config.accounts,
            self.transfers,
            self.config.batch,
            self.config
                .hot_accounts
                .map_or("null".to_owned(), |k| k.to_string()),
            self.config.pending_percent,
            self.seconds,
            self.transfers_per_sec(),
            self.p50_ms,
            self.p99_ms,
            rss,
            c.plain,
            c.pending,
            c.posted,
            c.voided,
            c.funding,
            reopen
        )
    }
}

/// Runs a Python `script` (`python3 -c`) with `args`, for a comparison with another tool
/// (`tool`, installed with `python3 -m pip install {package}`), and reads the one JSON
/// object it prints.
pub(crate) fn run_python(
    tool: &str,
    package: &str,
    script: &str,
    args: &[&std::ffi::OsStr],
) -> Result<serde_json::Value, BenchError> {
    let output = std::process::Command::new("python3")
        .args(["-c", script])
        .args(args)
        .output()
        .map_err(|e| BenchError::Unexpected(format!("run python3 for {tool}: {e}")))?;
    if !output.status.success() {
        return Err(BenchError::Unexpected(format!(
            "{tool} (python3 -m pip install {package}) failed: {}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        )));
    }
    serde_json::from_slice(&output.stdout)
        .map_err(|e| BenchError::Unexpected(format!("read {tool}'s output: {e}")))
}

/// `value` rounded to `places` decimals, for the printed figures.
pub(crate) fn round_to(value: f64, places: i32) -> f64 {
    let scale = 10f64.powi(places);
    (value * scale).round() / scale
}

/// Resets the process's peak-memory mark, so each run reports its own peak (Linux).
pub(crate) fn reset_peak_rss() {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

/// The process's peak resident memory in MiB (Linux).
pub(crate) fn peak_rss_mb() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|line| line.starts_with("VmHWM:"))?;
    let kib: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib / 1024.0)
}

fn now_nanos() -> u64 {
    let since = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default();
    u64::try_from(since.as_nanos()).unwrap_or(u64::MAX)
}

/// Something the bench can drive.
trait BenchTarget {
    fn create_accounts(&mut self, accounts: &[Account]) -> Result<(), BenchError>;
    /// Applies a batch; returns how many transfers were applied.
    fn create_transfers(&mut self, transfers: &[Transfer]) -> Result<u64, BenchError>;
}

/// The workload's accounts must all be created; anything else means the bench is broken.
fn all_created(results: &[CreateAccountResult]) -> Result<(), BenchError> {
    match results.iter().find(|result| !result.is_ok()) {
        Some(result) => Err(BenchError::Unexpected(format!(
            "creating accounts: {result}"
        ))),
        None => Ok(()),
    }
}

impl<S: LedgerStore> BenchTarget for S {
    fn create_accounts(&mut self, accounts: &[Account]) -> Result<(), BenchError> {
        all_created(&LedgerStore::create_accounts(self, now_nanos(), accounts)?)
    }

    fn create_transfers(&mut self, transfers: &[Transfer]) -> Result<u64, BenchError> {
        let results = LedgerStore::create_transfers(self, now_nanos(), transfers)?;
        Ok(results.iter().filter(|result| result.is_ok()).count() as u64)
    }
}

/// The state machine alone: no persistence, no transfer bodies kept. The workload never
/// reuses an id, so the ledger never asks for an old body (it would panic if it did).
struct StateMachineOnly {
    ledger: Ledger,
}

impl BenchTarget for StateMachineOnly {
    fn create_accounts(&mut self, accounts: &[Account]) -> Result<(), BenchError> {
        all_created(&self.ledger.apply_accounts(now_nanos(), accounts).results)
    }

    fn create_transfers(&mut self, transfers: &[Transfer]) -> Result<u64, BenchError> {
        let no_bodies: Vec<Transfer> = Vec::new();
        let outcome = self
            .ledger
            .apply_transfers(now_nanos(), transfers, &no_bodies);
        Ok(outcome
            .results
            .iter()
            .filter(|result| result.is_ok())
            .count() as u64)
    }
}

impl BenchTarget for SqliteBaseline {
    fn create_accounts(&mut self, accounts: &[Account]) -> Result<(), BenchError> {
        Ok(SqliteBaseline::create_accounts(self, accounts)?)
    }

    fn create_transfers(&mut self, transfers: &[Transfer]) -> Result<u64, BenchError> {
        Ok(SqliteBaseline::create_transfers(
            self,
            now_nanos(),
            transfers,
        )?)
    }
}

/// Runs one backend on one workload. Stores go in a fresh directory under `root`, removed after.
pub fn run(
    backend: BenchBackend,
    config: &WorkloadConfig,
    root: &Path,
    show_progress: bool,
) -> Result<BenchResult, BenchError> {
    if config.batch == 0 || config.batch > BATCH_EVENTS_MAX {
        return Err(BenchError::Unexpected(format!(
            "batch must be 1..={BATCH_EVENTS_MAX}"
        )));
    }
    let dir = root.join(format!("{}-{}", backend.name(), now_nanos()));
    std::fs::create_dir_all(&dir)?;
    reset_peak_rss();
    let result = match backend {
        BenchBackend::Memory => {
            let mut ledger = StateMachineOnly {
                ledger: Ledger::with_capacity(config.accounts, config.transfers),
            };
            measure(backend, &mut ledger, config, show_progress)
        }
        BenchBackend::MemoryStore => measure(
            backend,
            &mut MemoryStore::in_memory(),
            config,
            show_progress,
        ),
        BenchBackend::Embedded => run_embedded(config, &dir, show_progress),
        BenchBackend::SqliteBaseline => {
            let mut baseline = SqliteBaseline::create(&dir.join("baseline.sqlite"))?;
            measure(backend, &mut baseline, config, show_progress)
        }
        BenchBackend::Postgres => Err(BenchError::Unexpected(
            "the PostgreSQL bench needs a database: postgres::run_postgres".to_owned(),
        )),
    };
    let _ = std::fs::remove_dir_all(&dir);
    result
}

fn run_embedded(
    config: &WorkloadConfig,
    dir: &Path,
    show_progress: bool,
) -> Result<BenchResult, BenchError> {
    let store_config = EmbeddedConfig {
        dir: dir.join("ledger"),
        snapshot_interval_transfers: corridor_store_embedded::SNAPSHOT_INTERVAL_TRANSFERS,
    };
    let mut store = EmbeddedStore::open(store_config.clone())?;
    let mut result = measure(BenchBackend::Embedded, &mut store, config, show_progress)?;
    if let Some(error) = store.snapshot_error() {
        return Err(BenchError::Unexpected(format!(
            "automatic snapshot failed: {error}"
        )));
    }
    // Reopen as after a crash: no final snapshot, so the tail since the last one is replayed.
    drop(store);
    let started = Instant::now();
    let store = EmbeddedStore::open(store_config.clone())?;
    let crash = started.elapsed().as_secs_f64();
    store.close()?;
    let started = Instant::now();
    let mut store = EmbeddedStore::open(store_config)?;
    let clean = started.elapsed().as_secs_f64();
    store.check_invariants()?;
    drop(store);
    result.reopen_seconds = Some((clean, crash));
    Ok(result)
}

/// Applies the workload (accounts first, untimed), timing each transfer batch.
fn measure(
    backend: BenchBackend,
    target: &mut dyn BenchTarget,
    config: &WorkloadConfig,
    show_progress: bool,
) -> Result<BenchResult, BenchError> {
    let mut workload = Workload::new(config.clone());
    for chunk in workload.accounts().chunks(BATCH_EVENTS_MAX) {
        target.create_accounts(chunk)?;
    }
    let progress = if show_progress {
        let bar = indicatif::ProgressBar::new(config.transfers);
        let template = format!(
            "{} {{bar:40}} {{pos}}/{{len}} transfers ({{per_sec}})",
            backend.name()
        );
        if let Ok(style) = indicatif::ProgressStyle::with_template(&template) {
            bar.set_style(style);
        }
        bar
    } else {
        indicatif::ProgressBar::hidden()
    };
    let mut latencies_ns: Vec<u64> = Vec::new();
    let mut transfers = 0u64;
    let mut applied = 0u64;
    let mut busy = std::time::Duration::ZERO;
    while let Some(batch) = workload.next_batch() {
        let started = Instant::now();
        applied += target.create_transfers(&batch)?;
        let elapsed = started.elapsed();
        busy += elapsed;
        latencies_ns.push(u64::try_from(elapsed.as_nanos()).unwrap_or(u64::MAX));
        transfers += batch.len() as u64;
        progress.set_position(transfers);
    }
    progress.finish_and_clear();
    if applied != transfers {
        return Err(BenchError::Unexpected(format!(
            "{} applied {applied} of {transfers} transfers; the workload expects all to succeed",
            backend.name()
        )));
    }
    latencies_ns.sort_unstable();
    let percentile = |p: f64| {
        let index = ((latencies_ns.len() as f64 - 1.0) * p).round() as usize;
        latencies_ns.get(index).map_or(0.0, |ns| *ns as f64 / 1e6)
    };
    Ok(BenchResult {
        backend: backend.name(),
        config: config.clone(),
        transfers,
        seconds: busy.as_secs_f64(),
        p50_ms: percentile(0.50),
        p99_ms: percentile(0.99),
        peak_rss_mb: peak_rss_mb(),
        counts: workload.counts,
        reopen_seconds: None,
    })
}

/// One goal of the canonical suite.
struct Goal {
    name: &'static str,
    backend: BenchBackend,
    config: WorkloadConfig,
    transfers_per_sec_min: u64,
    /// The baseline runs the same workload, cut to this many transfers to keep the suite short
    /// (SQLite only slows down as its tables grow, so the cut flatters the baseline).
    baseline_transfers: u64,
}

fn goals(seed: u64) -> Vec<Goal> {
    let config = |accounts, transfers, batch, hot_accounts, pending_percent| WorkloadConfig {
        accounts,
        transfers,
        batch,
        hot_accounts,
        pending_percent,
        seed,
    };
    let full = BATCH_EVENTS_MAX;
    vec![
        Goal {
            name: "state_machine_in_memory",
            backend: BenchBackend::Memory,
            config: config(10_000, 2_000_000, full, None, 0),
            transfers_per_sec_min: 5_000_000,
            baseline_transfers: 1_000_000,
        },
        Goal {
            name: "embedded_10k_accounts_2m_transfers",
            backend: BenchBackend::Embedded,
            config: config(10_000, 2_000_000, full, None, 0),
            transfers_per_sec_min: 390_000,
            baseline_transfers: 1_000_000,
        },
        Goal {
            name: "embedded_1m_accounts_10m_transfers",
            backend: BenchBackend::Embedded,
            config: config(1_000_000, 10_000_000, full, None, 0),
            transfers_per_sec_min: 227_000,
            baseline_transfers: 1_000_000,
        },
        Goal {
            name: "embedded_hot_pool",
            backend: BenchBackend::Embedded,
            config: config(10_000, 2_000_000, full, Some(1), 0),
            transfers_per_sec_min: 400_000,
            baseline_transfers: 1_000_000,
        },
        Goal {
            name: "embedded_30_percent_two_phase",
            backend: BenchBackend::Embedded,
            config: config(10_000, 2_000_000, full, None, 30),
            transfers_per_sec_min: 180_000,
            baseline_transfers: 1_000_000,
        },
        Goal {
            name: "embedded_batches_of_100",
            backend: BenchBackend::Embedded,
            config: config(10_000, 500_000, 100, None, 0),
            transfers_per_sec_min: 57_000,
            baseline_transfers: 100_000,
        },
    ]
}

/// Runs every goal beside its baseline and returns one JSON document.
pub fn run_canonical(root: &Path, seed: u64, show_progress: bool) -> Result<String, BenchError> {
    let mut runs = Vec::new();
    for goal in goals(seed) {
        let result = run(goal.backend, &goal.config, root, show_progress)?;
        let baseline_config = WorkloadConfig {
            transfers: goal.baseline_transfers,
            ..goal.config.clone()
        };
        let baseline = run(
            BenchBackend::SqliteBaseline,
            &baseline_config,
            root,
            show_progress,
        )?;
        let ratio =
            result.transfers_per_sec() / baseline.transfers_per_sec().max(f64::MIN_POSITIVE);
        let meets = result.transfers_per_sec() >= goal.transfers_per_sec_min as f64;
        runs.push(format!(
            r#"{{"name":"{}","goal_transfers_per_sec":{},"meets_goal":{meets},"ratio_to_baseline":{ratio:.2},"result":{},"baseline":{}}}"#,
            goal.name,
            goal.transfers_per_sec_min,
            result.to_json(),
            baseline.to_json()
        ));
    }
    let _ = std::fs::remove_dir(root);
    Ok(format!("{{\"runs\":[\n{}\n]}}", runs.join(",\n")))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn small(hot_accounts: Option<u64>, pending_percent: u8) -> WorkloadConfig {
        WorkloadConfig {
            accounts: 50,
            transfers: 3_000,
            batch: 250,
            hot_accounts,
            pending_percent,
            seed: 9,
        }
    }

    #[test]
    fn every_backend_applies_the_whole_workload() {
        let root = std::env::temp_dir().join(format!("corridor-bench-test-{}", std::process::id()));
        for backend in [
            BenchBackend::Memory,
            BenchBackend::MemoryStore,
            BenchBackend::Embedded,
            BenchBackend::SqliteBaseline,
        ] {
            for config in [small(None, 0), small(Some(1), 0), small(None, 30)] {
                // `run` fails unless every transfer of the workload was applied.
                let result = run(backend, &config, &root, false).unwrap();
                assert_eq!(result.transfers, 3_000, "{}", backend.name());
                let c = result.counts;
                assert_eq!(c.plain + c.pending + c.posted + c.voided + c.funding, 3_000);
                if config.pending_percent > 0 {
                    assert!(c.pending > 300 && c.posted > 100 && c.voided > 10, "{c:?}");
                }
                let json = result.to_json();
                assert!(
                    json.contains(&format!(r#""backend":"{}""#, backend.name())),
                    "{json}"
                );
            }
        }
        let _ = std::fs::remove_dir_all(&root);
    }

    #[test]
    fn hot_pool_workload_debits_the_pool() {
        let mut workload = Workload::new(small(Some(1), 0));
        let pool = workload.accounts()[1];
        assert_eq!(pool.code, workload::CODE_POOL);
        let batch = workload.next_batch().unwrap();
        assert!(batch[1..].iter().all(|t| t.debit_account_id == pool.id));
    }
}
