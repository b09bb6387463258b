//! `corridor ledger apply`, `accounts` and `transfers` end to end.

use crate::{accounts, assert_balanced, corridor, run};
use std::io::Write;
use std::process::Stdio;

const EVENTS: &str = r#"{"op":"create_account","id":"1","ledger":840,"code":3,"flags":["debits_must_not_exceed_credits"]}
{"op":"create_account","id":2,"ledger":840,"code":4}
{"op":"create_account","id":3,"ledger":840,"code":1}

{"op":"create_transfer","id":10,"debit_account_id":3,"credit_account_id":1,"amount":"1000000","ledger":840,"code":11}
{"op":"create_transfer","id":11,"debit_account_id":1,"credit_account_id":2,"amount":"250075","ledger":840,"code":10,"flags":["pending"],"timeout":3600}
{"op":"create_transfer","id":12,"pending_id":11,"amount":200000,"flags":["post_pending"]}
{"op":"create_transfer","id":13,"debit_account_id":1,"credit_account_id":2,"amount":"9999999","ledger":840,"code":10}
"#;

fn apply_stdin(data: &str, input: &str) -> std::process::Output {
    let mut child = corridor()
        .args(["ledger", "apply", "--data", data, "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

fn results(output: &std::process::Output) -> Vec<String> {
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .map(|line| {
            let value: serde_json::Value = serde_json::from_str(line).unwrap();
            format!(
                "{}:{}",
                value["id"].as_str().unwrap(),
                value["result"].as_str().unwrap()
            )
        })
        .collect()
}

#[test]
fn apply_prints_one_result_per_event_and_retries_answer_exists() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().to_str().unwrap();
    let output = apply_stdin(data, EVENTS);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(
        results(&output),
        [
            "1:ok",
            "2:ok",
            "3:ok",
            "10:ok",
            "11:ok",
            "12:ok",
            "13:exceeds_credits"
        ]
    );
    let again = apply_stdin(data, EVENTS);
    assert_eq!(
        results(&again),
        [
            "1:exists",
            "2:exists",
            "3:exists",
            "10:exists",
            "11:exists",
            "12:exists",
            "13:exceeds_credits"
        ]
    );
    let accounts = accounts(dir.path());
    assert_balanced(&accounts);
    assert_eq!(accounts[0]["debits_posted"], "200000");
    assert_eq!(accounts[0]["credits_posted"], "1000000");
    assert_eq!(accounts[1]["credits_posted"], "200000");
    let history = run(&[
        "ledger",
        "transfers",
        "--data",
        data,
        "--account",
        "1",
        "--json",
    ]);
    let ids: Vec<String> = String::from_utf8_lossy(&history.stdout)
        .lines()
        .map(|l| {
            serde_json::from_str::<serde_json::Value>(l).unwrap()["id"]
                .as_str()
                .unwrap()
                .to_owned()
        })
        .collect();
    assert_eq!(ids, ["10", "11", "12"]);
    let lookup = run(&[
        "ledger",
        "transfers",
        "--data",
        data,
        "--id",
        "12",
        "--json",
    ]);
    let found: serde_json::Value = serde_json::from_slice(&lookup.stdout).unwrap();
    assert_eq!(found["pending_id"], "11");
    assert_eq!(found["amount"], "200000");
    let reservation = run(&[
        "ledger",
        "transfers",
        "--data",
        data,
        "--id",
        "11",
        "--json",
    ]);
    let reservation: serde_json::Value = serde_json::from_slice(&reservation.stdout).unwrap();
    assert_eq!(reservation["status"], "posted");
    assert_eq!(reservation["status_timestamp"], found["timestamp"]);
    let table = run(&["ledger", "accounts", "--data", data]);
    let table = String::from_utf8_lossy(&table.stdout);
    assert!(
        table.lines().next().unwrap().contains("net_posted"),
        "{table}"
    );
    let row = ["3", "840", "1", "-1000000"];
    assert!(
        table.lines().any(|l| l.split_whitespace().take(4).eq(row)),
        "{table}"
    );
    let missing = run(&["ledger", "transfers", "--data", data, "--id", "99"]);
    assert!(String::from_utf8_lossy(&missing.stderr).contains("no transfer with id 99"));
}

#[test]
fn bad_line_applies_nothing_and_names_line_and_field() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().to_str().unwrap();
    let bad = format!("{EVENTS}{{\"op\":\"create_transfer\",\"id\":14,\"debit_account_id\":1}}\n");
    let output = apply_stdin(data, &bad);
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("line 9, field `credit_account_id`: missing"),
        "{stderr}"
    );
    assert!(output.stdout.is_empty());
    // Nothing was applied: the ledger has no accounts.
    assert!(accounts(dir.path()).is_empty());
    let file = dir.path().join("events.jsonl");
    std::fs::write(
        &file,
        "{\"op\":\"create_account\",\"id\":0,\"ledger\":1,\"code\":1}\n",
    )
    .unwrap();
    let output = run(&["ledger", "apply", "--data", data, file.to_str().unwrap()]);
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("events.jsonl: line 1, field `id`: an id must not be zero"),
        "{stderr}"
    );
    let output = run(&[
        "ledger",
        "apply",
        "--data",
        data,
        "/nonexistent/events.jsonl",
    ]);
    assert!(String::from_utf8_lossy(&output.stderr).contains("open /nonexistent/events.jsonl"));
}

#[test]
fn balances_as_of_a_past_timestamp() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().to_str().unwrap();
    let first = EVENTS.lines().take(6).collect::<Vec<_>>().join("\n");
    assert!(apply_stdin(data, &first).status.success());
    let history = run(&[
        "ledger",
        "transfers",
        "--data",
        data,
        "--account",
        "1",
        "--json",
    ]);
    let last: serde_json::Value = serde_json::from_str(
        String::from_utf8_lossy(&history.stdout)
            .lines()
            .last()
            .unwrap(),
    )
    .unwrap();
    let then = last["timestamp"].as_str().unwrap().to_owned();
    assert!(apply_stdin(data, EVENTS).status.success());
    let output = run(&[
        "ledger", "accounts", "--data", data, "--id", "1", "--as-of", &then, "--json",
    ]);
    let account: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    // At that time 11 was only reserved: nothing posted from account 1 yet.
    assert_eq!(account["debits_pending"], "250075");
    assert_eq!(account["debits_posted"], "0");
}

#[test]
fn bench_prints_one_json_object_with_its_figures() {
    let dir = tempfile::tempdir().unwrap();
    for backend in ["memory", "embedded", "sqlite-baseline"] {
        let output = run(&[
            "ledger",
            "bench",
            "--backend",
            backend,
            "--accounts",
            "20",
            "--transfers",
            "2000",
            "--batch",
            "100",
            "--pending-percent",
            "30",
            "--data",
            dir.path().to_str().unwrap(),
            "--json",
        ]);
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        let figures: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
        assert_eq!(figures["backend"], backend);
        assert_eq!(figures["transfers"], 2000);
        for key in [
            "seconds",
            "transfers_per_sec",
            "p50_ms",
            "p99_ms",
            "peak_rss_mb",
        ] {
            assert!(
                figures[key].as_f64().is_some_and(|v| v > 0.0),
                "{key}: {figures}"
            );
        }
    }
}

/// `corridor ledger apply` and `accounts` on PostgreSQL give exactly the embedded store's
/// answers, and a second apply of the same events applies nothing. Needs
/// `CORRIDOR_TEST_DATABASE_URL`; without it the test says it is skipped.
#[test]
fn postgres_and_embedded_give_the_same_answers() {
    let url = match std::env::var("CORRIDOR_TEST_DATABASE_URL") {
        Ok(url) if !url.is_empty() => url,
        _ => {
            let _ = writeln!(
                std::io::stderr(),
                "skipped postgres_and_embedded_give_the_same_answers: CORRIDOR_TEST_DATABASE_URL is not set"
            );
            return;
        }
    };
    let schema = crate::unique_schema("corridor_cli_test");
    let on_postgres = |args: &[&str], input: &str| {
        let mut child = corridor()
            .args(args)
            .env("CORRIDOR_DATABASE_URL", &url)
            .env("CORRIDOR_DATABASE_SCHEMA", &schema)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        child
            .stdin
            .take()
            .unwrap()
            .write_all(input.as_bytes())
            .unwrap();
        child.wait_with_output().unwrap()
    };
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().to_str().unwrap();
    let embedded = apply_stdin(data, EVENTS);
    let postgres = on_postgres(&["ledger", "apply", "--data", data, "-"], EVENTS);
    assert!(
        postgres.status.success(),
        "{}",
        String::from_utf8_lossy(&postgres.stderr)
    );
    assert_eq!(results(&postgres), results(&embedded));
    // The accounts agree, field by field (timestamps included: the same batches at the
    // same clock would give the same ones, so they are left out like everywhere else).
    let listed = on_postgres(&["ledger", "accounts", "--json", "--data", data], "");
    assert!(listed.status.success());
    let strip = |text: &[u8]| -> Vec<serde_json::Value> {
        String::from_utf8_lossy(text)
            .lines()
            .map(|line| {
                let mut value: serde_json::Value = serde_json::from_str(line).unwrap();
                value.as_object_mut().unwrap().remove("timestamp");
                value
            })
            .collect()
    };
    let postgres_accounts = strip(&listed.stdout);
    assert_eq!(postgres_accounts, accounts(dir.path()));
    assert_balanced(&postgres_accounts);
    // Again: every event was applied once already; both stores say so alike.
    let again = on_postgres(&["ledger", "apply", "--data", data, "-"], EVENTS);
    let embedded_again = apply_stdin(data, EVENTS);
    assert_eq!(results(&again), results(&embedded_again));
    assert!(
        results(&again).iter().all(|r| !r.ends_with(":ok")),
        "{:?}",
        results(&again)
    );
    let relisted = on_postgres(&["ledger", "accounts", "--json", "--data", data], "");
    assert_eq!(strip(&relisted.stdout), postgres_accounts);
    if let Ok(mut client) = postgres::Client::connect(&url, postgres::NoTls) {
        let _ = client.batch_execute(&format!("DROP SCHEMA IF EXISTS \"{schema}\" CASCADE"));
    }
}
