//! `corridor serve` as a process: tokens from the CLI, requests over a socket, graceful
//! shutdown on SIGTERM, and no acknowledged transfer lost when the process is killed.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Stdio};

use serde_json::{json, Value};

use crate::{accounts, corridor, run};

struct Server {
    child: Child,
    addr: String,
}

fn start(data: &std::path::Path) -> Server {
    start_with(data, &[])
}

/// Starts `corridor serve` with these environment variables and waits until it listens.
fn start_with(data: &std::path::Path, envs: &[(&str, &str)]) -> Server {
    let mut child = corridor()
        .args([
            "serve",
            "--addr",
            "127.0.0.1:0",
            "--data",
            data.to_str().unwrap(),
        ])
        .envs(envs.iter().copied())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let addr = line
        .trim()
        .strip_prefix("listening on http://")
        .unwrap_or_else(|| panic!("unexpected first line {line:?}"))
        .to_owned();
    Server { child, addr }
}

/// One HTTP/1.1 request; the status and the JSON body.
fn request(addr: &str, method: &str, path: &str, token: &str, body: Option<Value>) -> (u16, Value) {
    let mut stream = TcpStream::connect(addr).unwrap();
    let body = body.map(|b| b.to_string()).unwrap_or_default();
    write!(
        stream,
        "{method} {path} HTTP/1.1\r\nhost: {addr}\r\nauthorization: Bearer {token}\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    let status: u16 = response[9..12].parse().unwrap();
    let json = response
        .split_once("\r\n\r\n")
        .map(|(_, body)| body)
        .unwrap_or("");
    (status, serde_json::from_str(json).unwrap_or(Value::Null))
}

fn token(data: &std::path::Path, role: &str) -> String {
    token_with(data, role, &[])
}

/// A token made by `corridor token create` with these environment variables (the database).
fn token_with(data: &std::path::Path, role: &str, envs: &[(&str, &str)]) -> String {
    let output = corridor()
        .args([
            "token",
            "create",
            "--role",
            role,
            "--data",
            data.to_str().unwrap(),
        ])
        .envs(envs.iter().copied())
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap().trim().to_owned()
}

fn signal(child: &Child, name: &str) {
    let status = std::process::Command::new("kill")
        .args([name, &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
}

fn transfer(id: u32) -> Value {
    json!({ "transfers": [ { "id": id.to_string(), "debit_account_id": "1", "credit_account_id": "2", "amount": "7", "ledger": 840, "code": 1 } ] })
}

#[test]
fn the_service_keeps_every_acknowledged_transfer_through_sigterm_and_sigkill() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path();
    let operator = token(data, "operator");
    let analyst = token(data, "analyst");

    let mut server = start(data);
    let (status, _) = request(&server.addr, "GET", "/health", "", None);
    assert_eq!(status, 200);
    let (status, answer) = request(
        &server.addr,
        "POST",
        "/api/v1/accounts",
        &operator,
        Some(json!({ "accounts": [
            { "id": "1", "ledger": 840, "code": 1 }, { "id": "2", "ledger": 840, "code": 1 }
        ]})),
    );
    assert_eq!(status, 200, "{answer}");
    let (status, answer) = request(&server.addr, "GET", "/api/v1/accounts", &analyst, None);
    assert_eq!((status, answer["code"].as_str()), (403, Some("forbidden")));
    for id in 1..=20 {
        let (status, answer) = request(
            &server.addr,
            "POST",
            "/api/v1/transfers",
            &operator,
            Some(transfer(id)),
        );
        assert_eq!(
            (status, answer["results"][0]["result"].as_str()),
            (200, Some("ok")),
            "{answer}"
        );
    }
    // SIGTERM: the service stops cleanly and the ledger holds all twenty.
    signal(&server.child, "-TERM");
    let exit = server.child.wait().unwrap();
    assert!(exit.success(), "{exit:?}");
    let credited = |data: &std::path::Path| {
        accounts(data)
            .into_iter()
            .find(|a| a["id"] == "2")
            .map(|a| a["credits_posted"].clone())
    };
    assert_eq!(credited(data), Some(json!("140")));

    // Again, then SIGKILL: every transfer acknowledged before the kill is there.
    server = start(data);
    let mut acknowledged = 20;
    for id in 21..=40 {
        let (status, _) = request(
            &server.addr,
            "POST",
            "/api/v1/transfers",
            &operator,
            Some(transfer(id)),
        );
        assert_eq!(status, 200);
        acknowledged += 1;
    }
    signal(&server.child, "-KILL");
    let _ = server.child.wait();
    assert_eq!(credited(data), Some(json!((acknowledged * 7).to_string())));

    // A revoked token is refused by a running server.
    server = start(data);
    let id = operator.split('_').nth(1).unwrap().to_owned();
    let output = run(&["token", "revoke", &id, "--data", data.to_str().unwrap()]);
    assert!(output.status.success());
    // The server rereads its tokens twice a second: within seconds, however busy the
    // machine, the token is refused.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(15);
    let (status, answer) = loop {
        let (status, answer) = request(&server.addr, "GET", "/api/v1/accounts", &operator, None);
        if status != 200 || std::time::Instant::now() > deadline {
            break (status, answer);
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    };
    assert_eq!(
        (status, answer["code"].as_str()),
        (401, Some("unauthenticated")),
        "{answer}"
    );
    signal(&server.child, "-TERM");
    assert!(server.child.wait().unwrap().success());
}

#[test]
fn a_kill_during_load_loses_no_acknowledged_transfer() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path();
    let operator = token(data, "operator");
    let mut server = start(data);
    let acknowledged = kill_during_load(&mut server, &operator, || {});
    // Restarted, the ledger holds every acknowledged transfer (its invariants are checked
    // when it opens), and each exactly once.
    let mut server = start(data);
    check_acknowledged(&mut server, &operator, &acknowledged);
}

/// Waits until the clients have counted `count` acknowledged transfers in `acks`, or 30 s
/// have passed (the caller's own checks then say the load did not run).
fn wait_for_acknowledgements(acks: &std::sync::atomic::AtomicUsize, count: usize) {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    while acks.load(std::sync::atomic::Ordering::Relaxed) < count
        && std::time::Instant::now() < deadline
    {
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
}

/// Creates accounts 1 and 2, then eight clients send single transfers as fast as they can;
/// `before_kill` runs while they do, then the server is killed with SIGKILL. Returns the
/// ids each client got `ok` for.
fn kill_during_load(server: &mut Server, operator: &str, before_kill: impl FnOnce()) -> Vec<u32> {
    let (status, _) = request(
        &server.addr,
        "POST",
        "/api/v1/accounts",
        operator,
        Some(json!({ "accounts": [
            { "id": "1", "ledger": 840, "code": 1 }, { "id": "2", "ledger": 840, "code": 1 }
        ]})),
    );
    assert_eq!(status, 200);
    // Eight clients send single transfers as fast as they can; the server is killed while
    // they do. Each client records the ids it got `ok` for.
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let acks = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let clients: Vec<_> = (0..8_u32)
        .map(|k| {
            let addr = server.addr.clone();
            let operator = operator.to_owned();
            let stop = stop.clone();
            let acks = acks.clone();
            std::thread::spawn(move || {
                let mut acknowledged = Vec::new();
                let mut n = 0_u32;
                while !stop.load(std::sync::atomic::Ordering::Relaxed) && n < 5_000 {
                    n += 1;
                    let id = k * 100_000 + n;
                    let Ok(mut stream) = TcpStream::connect(&addr) else { break };
                    let body = transfer(id).to_string();
                    let sent = write!(
                        stream,
                        "POST /api/v1/transfers HTTP/1.1\r\nhost: x\r\nauthorization: Bearer {operator}\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                        body.len()
                    );
                    if sent.is_err() {
                        break;
                    }
                    let mut response = String::new();
                    if stream.read_to_string(&mut response).is_err() {
                        break;
                    }
                    if response.starts_with("HTTP/1.1 200") && response.contains("\"result\":\"ok\"") {
                        acknowledged.push(id);
                        acks.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    } else if response.is_empty() {
                        break;
                    }
                }
                acknowledged
            })
        })
        .collect();
    // Killed mid-load: once the load is well under way, however slow the machine.
    wait_for_acknowledgements(&acks, 200);
    before_kill();
    signal(&server.child, "-KILL");
    let _ = server.child.wait();
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    let acknowledged: Vec<u32> = clients
        .into_iter()
        .flat_map(|c| c.join().unwrap())
        .collect();
    assert!(
        acknowledged.len() > 10,
        "the load ran: {} acknowledged",
        acknowledged.len()
    );

    acknowledged
}

/// Every acknowledged transfer is in the ledger `server` serves, then stops it.
fn check_acknowledged(server: &mut Server, operator: &str, acknowledged: &[u32]) {
    for id in acknowledged {
        let (status, answer) = request(
            &server.addr,
            "GET",
            &format!("/api/v1/transfers/{id}"),
            operator,
            None,
        );
        assert_eq!(
            status, 200,
            "acknowledged transfer {id} is missing: {answer}"
        );
    }
    let (_, account) = request(&server.addr, "GET", "/api/v1/accounts/2", operator, None);
    let credited: u64 = account["credits_posted"].as_str().unwrap().parse().unwrap();
    // Transfers applied but not acknowledged (answered after the kill) may exist too.
    assert!(credited >= 7 * acknowledged.len() as u64);
    signal(&server.child, "-TERM");
    assert!(server.child.wait().unwrap().success());
}

/// Two servers on one PostgreSQL ledger: one is the sequencer, the other forwards to it.
/// Eight clients send transfers to both, each transfer twice (a retry, to either server);
/// the sequencer is killed with SIGKILL mid-run, and the other takes over by itself. Every
/// acknowledged transfer is there, and each transfer is applied at most once. Needs
/// `CORRIDOR_TEST_DATABASE_URL`.
#[test]
fn two_servers_share_a_postgres_ledger_and_one_takes_over_losing_nothing() {
    let url = match std::env::var("CORRIDOR_TEST_DATABASE_URL") {
        Ok(url) if !url.is_empty() => url,
        _ => {
            let _ = writeln!(
                std::io::stderr(),
                "skipped two_servers_share_a_postgres_ledger_and_one_takes_over_losing_nothing: CORRIDOR_TEST_DATABASE_URL is not set"
            );
            return;
        }
    };
    let schema = crate::unique_schema("corridor_failover");
    // Each server has a data directory of its own, as on separate machines: the ledger,
    // the tokens and the clearing tables are all in PostgreSQL, which they share.
    let (dir_a, dir_b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let envs = [
        ("CORRIDOR_DATABASE_URL", url.as_str()),
        ("CORRIDOR_DATABASE_SCHEMA", schema.as_str()),
    ];
    let operator = token_with(tempfile::tempdir().unwrap().path(), "operator", &envs);
    let admin = token_with(tempfile::tempdir().unwrap().path(), "admin", &envs);
    let mut servers = [
        start_with(dir_a.path(), &envs),
        start_with(dir_b.path(), &envs),
    ];
    // Which one is the sequencer: the one whose address the ledger advertises.
    let mut client = postgres::Client::connect(&url, postgres::NoTls).unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    let sequencer = loop {
        let row = client
            .query_opt(
                &format!("SELECT address FROM \"{schema}\".corridor_sequencer"),
                &[],
            )
            .ok()
            .flatten();
        if let Some(row) = row {
            let address: String = row.get(0);
            break servers.iter().position(|s| s.addr == address).unwrap();
        }
        assert!(
            std::time::Instant::now() < deadline,
            "no sequencer advertised"
        );
        std::thread::sleep(std::time::Duration::from_millis(100));
    };
    let standby = 1 - sequencer;
    // Through the standby: forwarded to the sequencer.
    let (status, answer) = request(
        &servers[standby].addr,
        "POST",
        "/api/v1/accounts",
        &operator,
        Some(json!({ "accounts": [
            { "id": "1", "ledger": 840, "code": 1 }, { "id": "2", "ledger": 840, "code": 1 }
        ]})),
    );
    assert_eq!(status, 200, "{answer}");
    // Parties kept through the standby are in PostgreSQL, for whichever server serves next.
    let (status, answer) = request(
        &servers[standby].addr,
        "POST",
        "/api/v1/parties",
        &admin,
        Some(
            json!({ "csv": "id,country,kind,name\nCBI,IRN,central-bank,Central Bank of Iran\nTBI,IRQ,bank,Trade Bank of Iraq\n" }),
        ),
    );
    assert_eq!(status, 200, "{answer}");
    let addresses: Vec<String> = servers.iter().map(|s| s.addr.clone()).collect();
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let acks = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let clients: Vec<_> = (0..8_u32)
        .map(|k| {
            let addresses = addresses.clone();
            let operator = operator.clone();
            let (stop, acks) = (stop.clone(), acks.clone());
            std::thread::spawn(move || {
                let mut acknowledged = Vec::new();
                let mut sent = Vec::new();
                let mut n = 0_u32;
                while !stop.load(std::sync::atomic::Ordering::Relaxed) && n < 300 {
                    n += 1;
                    let id = k * 100_000 + n;
                    sent.push(id);
                    // Each transfer twice, to either server: the second is a retry.
                    for attempt in 0..2_u32 {
                        let address = &addresses[((k + n + attempt) % 2) as usize];
                        let Ok(mut stream) = TcpStream::connect(address) else {
                            continue;
                        };
                        let body = transfer(id).to_string();
                        if write!(
                            stream,
                            "POST /api/v1/transfers HTTP/1.1\r\nhost: x\r\nauthorization: Bearer {operator}\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                            body.len()
                        )
                        .is_err()
                        {
                            continue;
                        }
                        let mut response = String::new();
                        if stream.read_to_string(&mut response).is_err() {
                            continue;
                        }
                        if response.starts_with("HTTP/1.1 200")
                            && (response.contains("\"result\":\"ok\"")
                                || response.contains("\"result\":\"exists\""))
                        {
                            acknowledged.push(id);
                            acks.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                        }
                    }
                }
                (sent, acknowledged)
            })
        })
        .collect();
    // Killed mid-load, once the load is under way however slow the machine; the clients
    // go on for two seconds more, through the takeover.
    wait_for_acknowledgements(&acks, 60);
    signal(&servers[sequencer].child, "-KILL");
    let _ = servers[sequencer].child.wait();
    std::thread::sleep(std::time::Duration::from_secs(2));
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    let mut sent = Vec::new();
    let mut acknowledged = Vec::new();
    for client in clients {
        let (s, a) = client.join().unwrap();
        sent.extend(s);
        acknowledged.extend(a);
    }
    acknowledged.sort_unstable();
    acknowledged.dedup();
    assert!(
        acknowledged.len() > 10,
        "the load ran: {}",
        acknowledged.len()
    );
    let survivor = &mut servers[standby];
    // The survivor took over by itself: it answers from the ledger.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    loop {
        let (status, _) = request(&survivor.addr, "GET", "/api/v1/accounts/2", &operator, None);
        if status == 200 {
            break;
        }
        assert!(std::time::Instant::now() < deadline, "no takeover");
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    let mut present = 0_u64;
    for id in &sent {
        let (status, _) = request(
            &survivor.addr,
            "GET",
            &format!("/api/v1/transfers/{id}"),
            &operator,
            None,
        );
        assert!(status == 200 || status == 404, "{status}");
        if status == 200 {
            present += 1;
        } else {
            assert!(
                acknowledged.binary_search(id).is_err(),
                "acknowledged transfer {id} is missing"
            );
        }
    }
    let (_, account) = request(&survivor.addr, "GET", "/api/v1/accounts/2", &operator, None);
    let credited: u64 = account["credits_posted"].as_str().unwrap().parse().unwrap();
    assert_eq!(credited, 7 * present, "every transfer applied at most once");
    // The survivor, with its own data directory, knows the token (it just answered) and
    // the parties kept before the takeover.
    let (status, parties) = request(&survivor.addr, "GET", "/api/v1/parties", &operator, None);
    assert_eq!(status, 200, "{parties}");
    let ids: Vec<&str> = parties["parties"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["CBI", "TBI"], "{parties}");
    // A token revoked through the CLI is refused by the survivor within seconds.
    let listed = corridor()
        .args(["token", "list", "--data", dir_a.path().to_str().unwrap()])
        .envs(envs.iter().copied())
        .output()
        .unwrap();
    assert!(listed.status.success());
    let id = operator.split('_').nth(1).unwrap().to_owned();
    assert!(String::from_utf8_lossy(&listed.stdout).contains(&id));
    let revoked = corridor()
        .args([
            "token",
            "revoke",
            &id,
            "--data",
            dir_b.path().to_str().unwrap(),
        ])
        .envs(envs.iter().copied())
        .output()
        .unwrap();
    assert!(
        revoked.status.success(),
        "{}",
        String::from_utf8_lossy(&revoked.stderr)
    );
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    loop {
        let (status, _) = request(&survivor.addr, "GET", "/api/v1/accounts/2", &operator, None);
        if status == 401 {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the revocation never took effect"
        );
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    signal(&survivor.child, "-TERM");
    assert!(survivor.child.wait().unwrap().success());
    let _ = client.batch_execute(&format!("DROP SCHEMA IF EXISTS \"{schema}\" CASCADE"));
}

/// The sequencer's connection to PostgreSQL is cut (as by a PostgreSQL restart): requests
/// get a clear retryable error, the server reopens the ledger by itself, and every transfer,
/// retried until acknowledged, is applied exactly once. Needs `CORRIDOR_TEST_DATABASE_URL`.
#[test]
fn a_cut_postgres_connection_is_retryable_and_the_server_recovers_by_itself() {
    let url = match std::env::var("CORRIDOR_TEST_DATABASE_URL") {
        Ok(url) if !url.is_empty() => url,
        _ => {
            let _ = writeln!(
                std::io::stderr(),
                "skipped a_cut_postgres_connection_is_retryable_and_the_server_recovers_by_itself: CORRIDOR_TEST_DATABASE_URL is not set"
            );
            return;
        }
    };
    let schema = crate::unique_schema("corridor_cut");
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path();
    let envs = [
        ("CORRIDOR_DATABASE_URL", url.as_str()),
        ("CORRIDOR_DATABASE_SCHEMA", schema.as_str()),
    ];
    let operator = token_with(data, "operator", &envs);
    let mut server = start_with(data, &envs);
    // A server on PostgreSQL listens at once and serves once it holds the ledger.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    while request(&server.addr, "GET", "/ready", &operator, None).0 != 200 {
        assert!(std::time::Instant::now() < deadline, "never ready");
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    let (status, _) = request(
        &server.addr,
        "POST",
        "/api/v1/accounts",
        &operator,
        Some(json!({ "accounts": [
            { "id": "1", "ledger": 840, "code": 1 }, { "id": "2", "ledger": 840, "code": 1 }
        ]})),
    );
    assert_eq!(status, 200);
    let mut unavailable = 0;
    let mut send_until_acknowledged = |id: u32| {
        for _ in 0..200 {
            let (status, answer) = request(
                &server.addr,
                "POST",
                "/api/v1/transfers",
                &operator,
                Some(transfer(id)),
            );
            if status == 200 {
                let result = answer["results"][0]["result"].as_str().unwrap().to_owned();
                assert!(result == "ok" || result == "exists", "{id}: {answer}");
                return;
            }
            assert_eq!(
                (status, answer["code"].as_str()),
                (503, Some("unavailable")),
                "{answer}"
            );
            unavailable += 1;
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
        panic!("transfer {id} was never acknowledged");
    };
    for id in 1..=20 {
        send_until_acknowledged(id);
    }
    let mut client = postgres::Client::connect(&url, postgres::NoTls).unwrap();
    let cut: i64 = client
        .query_one(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = $1",
            &[&format!("corridor {schema}")],
        )
        .unwrap()
        .get(0);
    assert_eq!(cut, 1, "the sequencer's connection was cut");
    for id in 21..=60 {
        send_until_acknowledged(id);
    }
    assert!(unavailable >= 1, "the cut was noticed");
    let (status, account) = request(&server.addr, "GET", "/api/v1/accounts/2", &operator, None);
    assert_eq!(status, 200);
    // Each of the 60 applied exactly once.
    assert_eq!(account["credits_posted"], "420", "{account}");
    let (status, _) = request(&server.addr, "GET", "/ready", &operator, None);
    assert_eq!(status, 200);
    signal(&server.child, "-TERM");
    assert!(server.child.wait().unwrap().success());
    let _ = client.batch_execute(&format!("DROP SCHEMA IF EXISTS \"{schema}\" CASCADE"));
}
