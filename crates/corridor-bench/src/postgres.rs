//! The ledger on PostgreSQL, measured beside the straightforward alternative a user might
//! write: `pgbench` running `pgbench/transfer.sql` (one transaction per transfer, two balance
//! rows updated, one transfer row inserted) at 1, 4 and 16 clients, on the same server in
//! the same run. Both commit durably (the server's `synchronous_commit`).

use std::process::Command;
use std::time::Instant;

use corridor_store_postgres::PostgresConfig;
use serde_json::{json, Value};

use crate::{measure, now_nanos, BenchBackend, BenchError, BenchResult, WorkloadConfig};

/// The pgbench script, kept beside the bench.
const SCRIPT: &str = include_str!("../pgbench/transfer.sql");

fn unexpected(what: impl std::fmt::Display) -> BenchError {
    BenchError::Unexpected(what.to_string())
}

pub(crate) fn connect(url: &str) -> Result<postgres::Client, BenchError> {
    postgres::Client::connect(url, postgres::NoTls)
        .map_err(|e| unexpected(format!("connect to PostgreSQL: {e}")))
}

/// Drops a bench's `schema` and everything in it, as far as it can: the bench's answer
/// stands whether or not the cleanup succeeds.
pub(crate) fn drop_schema(client: &mut postgres::Client, schema: &str) {
    let _ = client.batch_execute(&format!("DROP SCHEMA IF EXISTS \"{schema}\" CASCADE"));
}

/// Corridor's PostgreSQL store on the workload, in a fresh schema dropped afterwards.
pub fn run_postgres(
    config: &WorkloadConfig,
    url: &str,
    show_progress: bool,
) -> Result<BenchResult, BenchError> {
    let schema = format!("corridor_bench_{}", now_nanos());
    let store_config = PostgresConfig {
        url: url.to_owned(),
        schema: schema.clone(),
    };
    let outcome = (|| {
        let (mut store, _) = corridor_store_postgres::open(&store_config)?;
        let mut result = measure(BenchBackend::Postgres, &mut store, config, show_progress)?;
        drop(store);
        let started = Instant::now();
        let (store, _) = corridor_store_postgres::open(&store_config)?;
        let reopen = started.elapsed().as_secs_f64();
        drop(store);
        result.reopen_seconds = Some((reopen, reopen));
        Ok(result)
    })();
    drop_schema(&mut connect(url)?, &schema);
    outcome
}

/// One pgbench run.
#[derive(Clone, Debug)]
pub struct PgbenchRun {
    /// Concurrent clients.
    pub clients: u32,
    /// Transfers (transactions) a second.
    pub transfers_per_second: f64,
    /// Mean latency, milliseconds.
    pub latency_ms: f64,
}

/// Runs the pgbench script for `seconds` with `clients`, on `accounts` accounts, every
/// transfer debiting account 1 when `hot`.
pub fn run_pgbench(
    url: &str,
    accounts: u64,
    clients: u32,
    seconds: u32,
    hot: bool,
) -> Result<PgbenchRun, BenchError> {
    let schema = format!("corridor_pgbench_{}", now_nanos());
    let mut client = connect(url)?;
    client
        .batch_execute(&format!(
            "CREATE SCHEMA \"{schema}\";
             CREATE TABLE \"{schema}\".bench_account (id bigint PRIMARY KEY, balance bigint NOT NULL);
             CREATE TABLE \"{schema}\".bench_transfer (id bigserial PRIMARY KEY, debit bigint NOT NULL,
                 credit bigint NOT NULL, amount bigint NOT NULL);
             INSERT INTO \"{schema}\".bench_account SELECT g, 0 FROM generate_series(1, {accounts}) g;"
        ))
        .map_err(|e| unexpected(format!("prepare the pgbench tables: {e}")))?;
    let script = std::env::temp_dir().join(format!("{schema}.sql"));
    let outcome = (|| {
        std::fs::write(&script, SCRIPT)?;
        let output = Command::new("pgbench")
            .args([
                "--no-vacuum",
                "--client",
                &clients.to_string(),
                "--jobs",
                &clients.min(2).to_string(),
                "--time",
                &seconds.to_string(),
                "--define",
                &format!("accounts={accounts}"),
                "--define",
                &format!("hot={}", u8::from(hot)),
                "--file",
            ])
            .arg(&script)
            .arg(url)
            .env("PGOPTIONS", format!("-c search_path={schema}"))
            .output()
            .map_err(|e| unexpected(format!("run pgbench (Debian's postgresql package): {e}")))?;
        let text = String::from_utf8_lossy(&output.stdout).into_owned();
        if !output.status.success() {
            return Err(unexpected(format!(
                "pgbench failed: {}{text}",
                String::from_utf8_lossy(&output.stderr)
            )));
        }
        let number_after = |label: &str| -> Option<f64> {
            let line = text.lines().find(|l| l.starts_with(label))?;
            line[label.len()..].split_whitespace().next()?.parse().ok()
        };
        Ok(PgbenchRun {
            clients,
            transfers_per_second: number_after("tps = ")
                .ok_or_else(|| unexpected(format!("no tps in pgbench's output: {text}")))?,
            latency_ms: number_after("latency average = ").unwrap_or(0.0),
        })
    })();
    let _ = std::fs::remove_file(&script);
    drop_schema(&mut client, &schema);
    outcome
}

/// Corridor on PostgreSQL beside pgbench at 1, 4 and 16 clients, as JSON.
pub fn compare(
    config: &WorkloadConfig,
    url: &str,
    pgbench_seconds: u32,
    show_progress: bool,
) -> Result<Value, BenchError> {
    let corridor = run_postgres(config, url, show_progress)?;
    let hot = config.hot_accounts == Some(1);
    let mut runs = Vec::new();
    for clients in [1, 4, 16] {
        runs.push(run_pgbench(
            url,
            config.accounts,
            clients,
            pgbench_seconds,
            hot,
        )?);
    }
    let best = runs
        .iter()
        .map(|r| r.transfers_per_second)
        .fold(0.0_f64, f64::max);
    let rate = corridor.transfers_per_sec();
    let corridor_json: Value = serde_json::from_str(&corridor.to_json())
        .map_err(|e| unexpected(format!("the result's JSON: {e}")))?;
    Ok(json!({
        "bench": "the ledger on PostgreSQL beside one transaction per transfer (pgbench)",
        "workload": if hot { "hot: every transfer debits one account" } else { "uniform" },
        "corridor": corridor_json,
        "pgbench": runs.iter().map(|r| json!({
            "clients": r.clients,
            "transfers_per_second": (r.transfers_per_second).round(),
            "latency_ms": r.latency_ms,
        })).collect::<Vec<_>>(),
        "ratio_corridor_over_best_pgbench": ((rate / best.max(f64::MIN_POSITIVE)) * 100.0).round() / 100.0,
    }))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use std::io::Write;

    use super::*;

    /// The comparison runs end to end on a small workload (the script included); needs
    /// `CORRIDOR_TEST_DATABASE_URL` and Debian's `pgbench`.
    #[test]
    fn the_comparison_runs_end_to_end() {
        let Ok(url) = std::env::var("CORRIDOR_TEST_DATABASE_URL") else {
            let _ = writeln!(
                std::io::stderr(),
                "skipped the_comparison_runs_end_to_end: CORRIDOR_TEST_DATABASE_URL is not set"
            );
            return;
        };
        let config = WorkloadConfig {
            accounts: 100,
            transfers: 20_000,
            batch: 1_000,
            hot_accounts: Some(1),
            pending_percent: 10,
            seed: 3,
        };
        let report = compare(&config, &url, 1, false).unwrap();
        assert_eq!(report["corridor"]["transfers"], 20_000);
        let runs = report["pgbench"].as_array().unwrap();
        assert_eq!(runs.len(), 3);
        assert!(runs
            .iter()
            .all(|r| r["transfers_per_second"].as_f64().unwrap() > 0.0));
        assert!(report["ratio_corridor_over_best_pgbench"].as_f64().unwrap() > 0.0);
    }
}
