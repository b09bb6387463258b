//! PostgreSQL itself restarted under a running `corridor serve`: clients get retryable
//! errors while it is down, the server reopens the ledger by itself, and no acknowledged
//! transfer is lost. A test binary of its own, with one test: cargo runs test binaries one
//! after another, so no other test is using the server while it restarts.
//!
//! Needs `CORRIDOR_TEST_DATABASE_URL` and a local cluster that `pg_ctlcluster` can restart
//! (Debian's PostgreSQL, as `.ci/run` starts it); otherwise it says why it is skipped.
#![allow(clippy::unwrap_used)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

fn skip(why: &str) {
    let _ = writeln!(
        std::io::stderr(),
        "skipped postgres_restarts_under_a_running_server: {why}"
    );
}

/// The version and name of the local cluster listening on `port`, from `pg_lsclusters`.
fn local_cluster(port: &str) -> Option<(String, String)> {
    let output = Command::new("pg_lsclusters")
        .arg("--no-header")
        .output()
        .ok()?;
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .find_map(|line| {
            let fields: Vec<&str> = line.split_whitespace().collect();
            (fields.len() >= 4 && fields[2] == port && fields[3] == "online")
                .then(|| (fields[0].to_owned(), fields[1].to_owned()))
        })
}

fn request(addr: &str, method: &str, path: &str, token: &str, body: Option<Value>) -> (u16, Value) {
    let Ok(mut stream) = TcpStream::connect(addr) else {
        return (0, Value::Null);
    };
    let body = body.map(|b| b.to_string()).unwrap_or_default();
    let _ = write!(
        stream,
        "{method} {path} HTTP/1.1\r\nhost: x\r\nauthorization: Bearer {token}\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
        body.len()
    );
    let mut response = String::new();
    if stream.read_to_string(&mut response).is_err() || response.len() < 12 {
        return (0, Value::Null);
    }
    let status = response[9..12].parse().unwrap_or(0);
    let json = response.split_once("\r\n\r\n").map_or("", |(_, b)| b);
    (status, serde_json::from_str(json).unwrap_or(Value::Null))
}

#[test]
fn postgres_restarts_under_a_running_server() {
    let url = match std::env::var("CORRIDOR_TEST_DATABASE_URL") {
        Ok(url) if !url.is_empty() => url,
        _ => return skip("CORRIDOR_TEST_DATABASE_URL is not set"),
    };
    let port = url
        .rsplit_once(':')
        .and_then(|(_, rest)| rest.split('/').next())
        .unwrap_or("5432")
        .to_owned();
    let Some((version, cluster)) = local_cluster(&port) else {
        return skip(&format!(
            "no local cluster on port {port} that pg_ctlcluster can restart"
        ));
    };
    let schema = format!(
        "corridor_restart_{}_{}",
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos()
    );
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().to_str().unwrap();
    let corridor = env!("CARGO_BIN_EXE_corridor");
    let token = Command::new(corridor)
        .args(["token", "create", "--role", "operator", "--data", data])
        .env("CORRIDOR_DATABASE_URL", &url)
        .env("CORRIDOR_DATABASE_SCHEMA", &schema)
        .output()
        .unwrap();
    let token = String::from_utf8(token.stdout).unwrap().trim().to_owned();
    let mut server = Command::new(corridor)
        .args(["serve", "--addr", "127.0.0.1:0", "--data", data])
        .env("CORRIDOR_DATABASE_URL", &url)
        .env("CORRIDOR_DATABASE_SCHEMA", &schema)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(server.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let addr = line
        .trim()
        .strip_prefix("listening on http://")
        .unwrap()
        .to_owned();
    let until_ok = |method: &str, path: &str, body: Option<Value>| {
        let deadline = Instant::now() + Duration::from_secs(60);
        let mut unavailable = 0;
        loop {
            let (status, answer) = request(&addr, method, path, &token, body.clone());
            if status == 200 {
                return (answer, unavailable);
            }
            assert!(
                status == 503 && answer["code"] == "unavailable",
                "{status} {answer}: while PostgreSQL is down the answer is a retryable 503"
            );
            unavailable += 1;
            assert!(Instant::now() < deadline, "never answered: {answer}");
            std::thread::sleep(Duration::from_millis(100));
        }
    };
    until_ok(
        "POST",
        "/api/v1/accounts",
        Some(json!({ "accounts": [
            { "id": "1", "ledger": 840, "code": 1 }, { "id": "2", "ledger": 840, "code": 1 }
        ]})),
    );
    let transfer = |id: u32| {
        json!({ "transfers": [ { "id": id.to_string(), "debit_account_id": "1",
            "credit_account_id": "2", "amount": "7", "ledger": 840, "code": 1 } ] })
    };
    for id in 1..=20 {
        until_ok("POST", "/api/v1/transfers", Some(transfer(id)));
    }
    let restarted = Command::new("pg_ctlcluster")
        .args(["--skip-systemctl-redirect", &version, &cluster, "restart"])
        .status()
        .unwrap();
    assert!(restarted.success(), "pg_ctlcluster restart");
    let mut unavailable = 0;
    for id in 21..=40 {
        let (answer, seen) = until_ok("POST", "/api/v1/transfers", Some(transfer(id)));
        let result = answer["results"][0]["result"].as_str().unwrap().to_owned();
        assert!(result == "ok" || result == "exists", "{answer}");
        unavailable += seen;
    }
    assert!(unavailable >= 1, "the restart was noticed");
    let (account, _) = until_ok("GET", "/api/v1/accounts/2", None);
    // Each of the 40 applied exactly once.
    assert_eq!(account["credits_posted"], "280", "{account}");
    let _ = Command::new("kill").arg(server.id().to_string()).status();
    let _ = server.wait();
    if let Ok(mut client) = postgres::Client::connect(&url, postgres::NoTls) {
        let _ = client.batch_execute(&format!("DROP SCHEMA IF EXISTS \"{schema}\" CASCADE"));
    }
}
