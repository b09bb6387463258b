//! The service bench: many small requests over loopback.
//!
//! A server runs in this process on `127.0.0.1:0` over a fresh data directory, into which
//! the demo corridor is loaded first. Clients, one thread and one keep-alive HTTP/1.1
//! connection each, send single-transfer requests for a fixed time (1 client, then 16),
//! then one client sends batches through the same endpoint, then 16 clients read accounts,
//! then 16 clients with an analyst's token read the dashboard's overview, then a trade
//! report. Beside them, in the same run, the same single transfers are applied through the
//! library directly (the embedded store, one batch per transfer, as a caller without the
//! service's merging would), and so are the batches. Every request's answer is checked
//! (`ok` for every transfer, 200 for every read). Bounded in time; stops by itself.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::Path;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use serde_json::{json, Value};

use corridor_api::{Role, ServeConfig, TokenStore};
use corridor_ledger::{Account, Transfer};
use corridor_store::LedgerStore;
use corridor_store_embedded::{EmbeddedConfig, EmbeddedStore, SNAPSHOT_INTERVAL_TRANSFERS};

use crate::{round_to, BenchError};

/// The dashboard's overview (its defaults: the first target's corridor, the last year).
const OVERVIEW_PATH: &str = "/api/v1/dashboard/overview";
/// A year's Iran–Iraq trade by border crossing.
const REPORT_PATH: &str =
    "/api/v1/trade/report?reporter=IRN&partner=IRQ&by=solar-year&from=1403&to=1403&group=crossing";

/// What to run.
#[derive(Clone, Debug)]
pub struct ServiceBenchConfig {
    /// Seconds per measured run.
    pub seconds: f64,
    /// Accounts transfers move between.
    pub accounts: u32,
    /// Transfers per request in the batch run.
    pub batch: usize,
}

fn unexpected(what: impl std::fmt::Display) -> BenchError {
    BenchError::Unexpected(what.to_string())
}

/// A keep-alive HTTP/1.1 connection.
struct Client {
    reader: BufReader<TcpStream>,
    writer: TcpStream,
    token: String,
    host: String,
}

impl Client {
    fn connect(addr: SocketAddr, token: &str) -> Result<Client, BenchError> {
        let stream = TcpStream::connect(addr).map_err(unexpected)?;
        stream.set_nodelay(true).map_err(unexpected)?;
        let writer = stream.try_clone().map_err(unexpected)?;
        Ok(Client {
            reader: BufReader::new(stream),
            writer,
            token: token.to_owned(),
            host: addr.to_string(),
        })
    }

    /// One request; the status and the body.
    fn send(&mut self, method: &str, path: &str, body: &str) -> Result<(u16, String), BenchError> {
        let request = format!(
            "{method} {path} HTTP/1.1\r\nhost: {}\r\nauthorization: Bearer {}\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{body}",
            self.host,
            self.token,
            body.len()
        );
        self.writer
            .write_all(request.as_bytes())
            .map_err(unexpected)?;
        let mut line = String::new();
        self.reader.read_line(&mut line).map_err(unexpected)?;
        let status: u16 = line
            .get(9..12)
            .and_then(|s| s.parse().ok())
            .ok_or_else(|| unexpected(format!("bad status line {line:?}")))?;
        let mut length = 0_usize;
        loop {
            line.clear();
            self.reader.read_line(&mut line).map_err(unexpected)?;
            let header = line.trim_end();
            if header.is_empty() {
                break;
            }
            if let Some((name, value)) = header.split_once(':') {
                if name.eq_ignore_ascii_case("content-length") {
                    length = value.trim().parse().map_err(unexpected)?;
                }
            }
        }
        let mut body = vec![0_u8; length];
        self.reader.read_exact(&mut body).map_err(unexpected)?;
        Ok((status, String::from_utf8_lossy(&body).into_owned()))
    }
}

/// A client thread's requests and the latency of each, in microseconds.
type ClientRun = std::thread::JoinHandle<Result<(u64, Vec<u64>), BenchError>>;

/// Waits for every client thread; their requests added up, their latencies together.
fn join_clients(handles: Vec<ClientRun>) -> Result<(u64, Vec<u64>), BenchError> {
    let mut requests = 0;
    let mut latencies = Vec::new();
    for handle in handles {
        let (n, mut l) = handle
            .join()
            .map_err(|_| unexpected("a client thread panicked"))??;
        requests += n;
        latencies.append(&mut l);
    }
    Ok((requests, latencies))
}

/// Latencies in microseconds: p50 and p99 in milliseconds.
fn percentiles(latencies: &mut [u64]) -> (f64, f64) {
    if latencies.is_empty() {
        return (0.0, 0.0);
    }
    latencies.sort_unstable();
    let at = |p: f64| {
        let index = ((latencies.len() as f64 - 1.0) * p).round() as usize;
        latencies[index.min(latencies.len() - 1)] as f64 / 1000.0
    };
    (round_to(at(0.50), 3), round_to(at(0.99), 3))
}

fn transfer_body(transfers: &[(u128, u32, u32)]) -> String {
    let list: Vec<Value> = transfers
        .iter()
        .map(|(id, debit, credit)| {
            json!({ "id": id.to_string(), "debit_account_id": debit.to_string(),
                    "credit_account_id": credit.to_string(), "amount": "1", "ledger": 840, "code": 1 })
        })
        .collect();
    json!({ "transfers": list }).to_string()
}

/// The pair of accounts for transfer `n` of client `k`: spread over all accounts.
fn pair(k: u64, n: u64, accounts: u32) -> (u32, u32) {
    let mixed = (k.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ n.wrapping_mul(0xC2B2_AE3D_27D4_EB4F))
        .rotate_left(17);
    let accounts = u64::from(accounts.max(2));
    let debit = mixed % accounts;
    let credit = (debit + 1 + (mixed >> 32) % (accounts - 1)) % accounts;
    (debit as u32 + 1, credit as u32 + 1)
}

/// `clients` threads sending requests of `per_request` transfers for `seconds`; returns
/// (requests, transfers, seconds, latencies in µs).
fn transfer_run(
    addr: SocketAddr,
    token: &str,
    clients: u64,
    per_request: usize,
    seconds: f64,
    accounts: u32,
    id_base: u128,
) -> Result<(u64, u64, f64, Vec<u64>), BenchError> {
    // Enough prepared bodies for 400,000 transfers a second.
    let prepared = if per_request > 1 {
        (seconds * 400_000.0 / per_request as f64).ceil() as u64
    } else {
        0
    };
    let barrier = std::sync::Arc::new(std::sync::Barrier::new(clients as usize + 1));
    let handles: Vec<_> = (0..clients)
        .map(|k| {
            let token = token.to_owned();
            let barrier = barrier.clone();
            std::thread::spawn(move || -> Result<(u64, Vec<u64>), BenchError> {
                let mut client = Client::connect(addr, &token)?;
                let mut latencies = Vec::new();
                let mut n: u64 = 0;
                let body_of = |n: u64| {
                    let transfers: Vec<(u128, u32, u32)> = (0..per_request)
                        .map(|j| {
                            let seq = n * per_request as u64 + j as u64;
                            let (debit, credit) = pair(k, seq, accounts);
                            (
                                id_base + u128::from(k) * 1_000_000_000 + u128::from(seq) + 1,
                                debit,
                                credit,
                            )
                        })
                        .collect::<Vec<_>>();
                    transfer_body(&transfers)
                };
                // Large bodies are made before the clock starts, so that the client's JSON
                // does not compete with the server for this machine's two cores.
                let ready: Vec<String> = if per_request > 1 {
                    (0..prepared).map(body_of).collect()
                } else {
                    Vec::new()
                };
                barrier.wait();
                let deadline = Instant::now() + Duration::from_secs_f64(seconds);
                while Instant::now() < deadline {
                    let body = match ready.get(n as usize) {
                        Some(body) => body.clone(),
                        None if per_request > 1 => break,
                        None => body_of(n),
                    };
                    let sent = Instant::now();
                    let (status, answer) = client.send("POST", "/api/v1/transfers", &body)?;
                    latencies.push(sent.elapsed().as_micros() as u64);
                    let oks = answer.matches("\"result\":\"ok\"").count();
                    if status != 200 || oks != per_request {
                        return Err(unexpected(format!(
                            "a transfer request failed: {status} {answer}"
                        )));
                    }
                    n += 1;
                }
                Ok((n, latencies))
            })
        })
        .collect();
    barrier.wait();
    let started = Instant::now();
    let (requests, latencies) = join_clients(handles)?;
    let elapsed = started.elapsed().as_secs_f64();
    Ok((requests, requests * per_request as u64, elapsed, latencies))
}

/// `clients` threads sending `GET` requests for `seconds`, client `k`'s request `n` to
/// `path(k, n)`; every answer must be 200. Returns (requests, seconds, latencies in µs).
fn get_run(
    addr: SocketAddr,
    token: &str,
    clients: u64,
    seconds: f64,
    path: impl Fn(u64, u64) -> String + Clone + Send + 'static,
) -> Result<(u64, f64, Vec<u64>), BenchError> {
    let started = Instant::now();
    let deadline = started + Duration::from_secs_f64(seconds);
    let handles: Vec<_> = (0..clients)
        .map(|k| {
            let token = token.to_owned();
            let path = path.clone();
            std::thread::spawn(move || -> Result<(u64, Vec<u64>), BenchError> {
                let mut client = Client::connect(addr, &token)?;
                let mut latencies = Vec::new();
                let mut n = 0_u64;
                while Instant::now() < deadline {
                    let target = path(k, n);
                    let sent = Instant::now();
                    let (status, answer) = client.send("GET", &target, "")?;
                    latencies.push(sent.elapsed().as_micros() as u64);
                    if status != 200 {
                        return Err(unexpected(format!(
                            "a read of {target} failed: {status} {answer}"
                        )));
                    }
                    n += 1;
                }
                Ok((n, latencies))
            })
        })
        .collect();
    let (requests, latencies) = join_clients(handles)?;
    Ok((requests, started.elapsed().as_secs_f64(), latencies))
}

/// One `GET` of `path` before a run: 200, and the body is what `check` wants.
fn probe(
    addr: SocketAddr,
    token: &str,
    path: &str,
    check: impl Fn(&Value) -> bool,
) -> Result<(), BenchError> {
    let (status, answer) = Client::connect(addr, token)?.send("GET", path, "")?;
    let body: Value = serde_json::from_str(&answer).unwrap_or(Value::Null);
    if status != 200 || !check(&body) {
        return Err(unexpected(format!(
            "{path} did not answer as expected: {status} {answer}"
        )));
    }
    Ok(())
}

/// The library directly: the embedded store, `per_batch` transfers per batch, for `seconds`.
/// Returns (transfers, seconds, latency of each batch in µs).
fn library_run(
    dir: &Path,
    per_batch: usize,
    seconds: f64,
    accounts: u32,
) -> Result<(u64, f64, Vec<u64>), BenchError> {
    let mut store = EmbeddedStore::open(EmbeddedConfig {
        dir: dir.to_path_buf(),
        snapshot_interval_transfers: SNAPSHOT_INTERVAL_TRANSFERS,
    })?;
    let now = || {
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| u64::try_from(d.as_nanos()).unwrap_or(u64::MAX))
    };
    let list: Vec<Account> = (1..=accounts)
        .map(|id| Account {
            id: u128::from(id),
            ledger: 840,
            code: 1,
            ..Account::default()
        })
        .collect();
    for chunk in list.chunks(8000) {
        store.create_accounts(now(), chunk)?;
    }
    let started = Instant::now();
    let deadline = started + Duration::from_secs_f64(seconds);
    let mut applied = 0_u64;
    let mut n = 0_u64;
    let mut latencies = Vec::new();
    while Instant::now() < deadline {
        let batch: Vec<Transfer> = (0..per_batch)
            .map(|_| {
                n += 1;
                let (debit, credit) = pair(0, n, accounts);
                Transfer {
                    id: u128::from(n),
                    debit_account_id: u128::from(debit),
                    credit_account_id: u128::from(credit),
                    amount: 1,
                    ledger: 840,
                    code: 1,
                    ..Transfer::default()
                }
            })
            .collect();
        let sent = Instant::now();
        let results = store.create_transfers(now(), &batch)?;
        latencies.push(sent.elapsed().as_micros() as u64);
        if results.iter().any(|r| !r.is_ok()) {
            return Err(unexpected("a library transfer failed"));
        }
        applied += batch.len() as u64;
    }
    let elapsed = started.elapsed().as_secs_f64();
    store.close()?;
    Ok((applied, elapsed, latencies))
}

/// One client process sending single-transfer requests at a fixed rate (open loop), over
/// `connections` connections: each request is due at its scheduled time, and its latency
/// counts from then (a late send is not forgiven). Returns (requests, seconds, latencies).
fn paced_run(
    addr: SocketAddr,
    token: &str,
    rate: f64,
    connections: u64,
    seconds: f64,
    accounts: u32,
    id_base: u128,
) -> Result<(u64, f64, Vec<u64>), BenchError> {
    let started = Instant::now();
    let per_connection = rate / connections as f64;
    let total = (seconds * per_connection) as u64;
    let handles: Vec<_> = (0..connections)
        .map(|k| {
            let token = token.to_owned();
            std::thread::spawn(move || -> Result<(u64, Vec<u64>), BenchError> {
                let mut client = Client::connect(addr, &token)?;
                // Connections start staggered across one interval.
                let interval = Duration::from_secs_f64(1.0 / per_connection);
                let offset = interval.mul_f64(k as f64 / connections as f64);
                let mut latencies = Vec::with_capacity(total as usize);
                for n in 0..total {
                    let due = started + offset + interval.mul_f64(n as f64);
                    let (debit, credit) = pair(k + 100, n, accounts);
                    let body = transfer_body(&[(
                        id_base + u128::from(k) * 1_000_000_000 + u128::from(n) + 1,
                        debit,
                        credit,
                    )]);
                    if let Some(wait) = due.checked_duration_since(Instant::now()) {
                        std::thread::sleep(wait);
                    }
                    let (status, answer) = client.send("POST", "/api/v1/transfers", &body)?;
                    latencies.push(due.elapsed().as_micros() as u64);
                    if status != 200 || !answer.contains("\"result\":\"ok\"") {
                        return Err(unexpected(format!(
                            "a transfer request failed: {status} {answer}"
                        )));
                    }
                }
                Ok((total, latencies))
            })
        })
        .collect();
    let (requests, latencies) = join_clients(handles)?;
    Ok((requests, started.elapsed().as_secs_f64(), latencies))
}

/// Runs the bench in `dir` (which it fills) and returns the JSON it prints.
pub fn run_service(dir: &Path, config: &ServiceBenchConfig) -> Result<Value, BenchError> {
    let data = dir.join("service");
    std::fs::create_dir_all(&data).map_err(unexpected)?;
    let now_seconds = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    // The demo corridor, for the dashboard's reads: trade figures and targets in the
    // registry, and one clearing plan posted to the ledger (its accounts' ids are digests,
    // apart from the bench's accounts 1..=accounts).
    let mut now_nanos = || {
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| u64::try_from(d.as_nanos()).unwrap_or(u64::MAX))
    };
    corridor_api::demo::load_demo(&data, "2026-01-01T00:00:00Z", &mut now_nanos)
        .map_err(unexpected)?;
    let (token, analyst) = TokenStore::open(&data.join("service.sqlite"))
        .and_then(|mut store| {
            let (_, operator) = store.create(Role::Operator, None, None, now_seconds)?;
            let (_, analyst) = store.create(Role::Analyst, None, None, now_seconds)?;
            Ok((operator, analyst))
        })
        .map_err(unexpected)?;

    let (ready_tx, ready_rx) = std::sync::mpsc::channel();
    let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
    let mut serve_config = ServeConfig::new(data.clone(), SocketAddr::from(([127, 0, 0, 1], 0)));
    // One token drives every client here: no per-token limit.
    serve_config.rate_limit = 0;
    let server = std::thread::spawn(move || {
        corridor_api::serve_until(
            serve_config,
            move |addr| {
                let _ = ready_tx.send(addr);
            },
            async move {
                let _ = stop_rx.await;
            },
        )
    });
    let addr = ready_rx
        .recv_timeout(Duration::from_secs(30))
        .map_err(|_| unexpected("the server did not start"))?;

    // Accounts.
    let mut setup = Client::connect(addr, &token)?;
    for chunk in (1..=config.accounts).collect::<Vec<_>>().chunks(8000) {
        let list: Vec<Value> = chunk
            .iter()
            .map(|id| json!({ "id": id.to_string(), "ledger": 840, "code": 1 }))
            .collect();
        let (status, answer) = setup.send(
            "POST",
            "/api/v1/accounts",
            &json!({ "accounts": list }).to_string(),
        )?;
        if status != 200 {
            return Err(unexpected(format!(
                "creating accounts failed: {status} {answer}"
            )));
        }
    }
    drop(setup);

    let seconds = config.seconds;
    let mut runs = Vec::new();
    let mut single = Vec::new();
    for (k, clients) in [1_u64, 16].into_iter().enumerate() {
        let (requests, _, elapsed, mut latencies) = transfer_run(
            addr,
            &token,
            clients,
            1,
            seconds,
            config.accounts,
            (k as u128 + 1) << 64,
        )?;
        let (p50, p99) = percentiles(&mut latencies);
        let rate = requests as f64 / elapsed;
        single.push(rate);
        runs.push(json!({
            "run": format!("single-transfer requests, {clients} client(s)"),
            "clients": clients, "requests": requests, "requests_per_second": round_to(rate, 0),
            "p50_ms": p50, "p99_ms": p99,
        }));
    }
    // One client at the goal's rate, open loop, over 8 connections.
    let (requests, elapsed, mut latencies) = paced_run(
        addr,
        &token,
        5_750.0,
        8,
        seconds,
        config.accounts,
        4_u128 << 64,
    )?;
    let (p50, p99) = percentiles(&mut latencies);
    let paced_rate = requests as f64 / elapsed;
    let paced_p99 = p99;
    runs.push(json!({
        "run": "single-transfer requests from one client at 5,750 per second (open loop, 8 connections)",
        "requests": requests, "requests_per_second": round_to(paced_rate, 0), "p50_ms": p50, "p99_ms": p99,
    }));
    // Batches from one client, then from two: one request's JSON is read while the other's
    // batch is applied.
    let mut batch_rates = [0.0_f64; 2];
    for (clients, rate) in [1_u64, 2].into_iter().zip(batch_rates.iter_mut()) {
        let (requests, transfers, elapsed, mut latencies) = transfer_run(
            addr,
            &token,
            clients,
            config.batch,
            seconds,
            config.accounts,
            (8 + u128::from(clients)) << 64,
        )?;
        let (p50, p99) = percentiles(&mut latencies);
        *rate = transfers as f64 / elapsed;
        runs.push(json!({
            "run": format!("batches of {} transfers, {clients} client(s)", config.batch),
            "requests": requests, "transfers_per_second": round_to(*rate, 0), "p50_ms": p50, "p99_ms": p99,
        }));
    }
    let [batch_rate, batch_rate_2] = batch_rates;
    let accounts = config.accounts;
    let (reads, elapsed, mut latencies) = get_run(addr, &token, 16, seconds, move |k, n| {
        format!("/api/v1/accounts/{}", pair(k, n, accounts).0)
    })?;
    let (p50, p99) = percentiles(&mut latencies);
    runs.push(json!({
        "run": "account reads, 16 clients", "requests": reads,
        "requests_per_second": round_to(reads as f64 / elapsed, 0), "p50_ms": p50, "p99_ms": p99,
    }));
    // The dashboard's trade reads over the demo corridor, as an analyst. A probe first, so
    // that a run does not measure an empty answer.
    let has_rows = |key: &'static str| {
        move |body: &Value| body[key].as_array().is_some_and(|rows| !rows.is_empty())
    };
    for (name, path, key) in [
        ("overview reads", OVERVIEW_PATH, "months"),
        ("trade report reads", REPORT_PATH, "rows"),
    ] {
        probe(addr, &analyst, path, has_rows(key))?;
        let (reads, elapsed, mut latencies) =
            get_run(addr, &analyst, 16, seconds, move |_, _| path.to_owned())?;
        let (p50, p99) = percentiles(&mut latencies);
        runs.push(json!({
            "run": format!("{name}, 16 clients"), "requests": reads,
            "requests_per_second": round_to(reads as f64 / elapsed, 0), "p50_ms": p50, "p99_ms": p99,
        }));
    }
    let _ = stop_tx.send(());
    server
        .join()
        .map_err(|_| unexpected("the server thread panicked"))?
        .map_err(unexpected)?;

    // The library directly, in the same run.
    let (applied, elapsed, mut latencies) =
        library_run(&dir.join("library-single"), 1, seconds, config.accounts)?;
    let library_single = applied as f64 / elapsed;
    let (library_single_p50, library_single_p99) = percentiles(&mut latencies);
    let (applied, elapsed, _) = library_run(
        &dir.join("library-batch"),
        config.batch,
        seconds,
        config.accounts,
    )?;
    let library_batch = applied as f64 / elapsed;

    Ok(json!({
        "bench": "service: many small requests over loopback, beside the library",
        "seconds_per_run": seconds,
        "runs": runs,
        "library_one_transfer_per_batch_per_second": round_to(library_single, 0),
        "library_one_transfer_per_batch_p50_ms": library_single_p50,
        "library_one_transfer_per_batch_p99_ms": library_single_p99,
        "library_batches_transfers_per_second": round_to(library_batch, 0),
        "ratio_16_clients_single_requests_over_library_single": round_to(single[1] / library_single, 2),
        "ratio_batch_endpoint_over_library_batches": round_to(batch_rate / library_batch, 2),
        "ratio_batch_endpoint_2_clients_over_library_batches": round_to(batch_rate_2 / library_batch, 2),
        "goals_met": {
            "16_clients": single[1] >= 10_400.0,
            "1_client_rate_and_p99": paced_rate >= 5_750.0 * 0.98 && paced_p99 <= 2.0,
        },
        "goals": {
            "16_clients_requests_per_second": 10_400,
            "1_client_requests_per_second": 5_750,
            "1_client_p99_ms": 2.0,
        },
    }))
}
