//! Integration tests of the `corridor` binary: the real process, its files and its output.

#![allow(clippy::unwrap_used)]

mod apply;
mod clear;
mod contract;
mod crash;
mod crossings;
mod date;
mod serve;
mod simulate;
mod tidy;
mod trade;

use std::path::Path;
use std::process::{Command, Output};

/// The `corridor` binary built for these tests.
pub(crate) fn corridor() -> Command {
    Command::new(env!("CARGO_BIN_EXE_corridor"))
}

/// A PostgreSQL schema name no other test (in this run or an earlier one) has used:
/// `prefix`, the process id and the time in nanoseconds.
pub(crate) fn unique_schema(prefix: &str) -> String {
    format!(
        "{prefix}_{}_{}",
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos()
    )
}

/// Runs `corridor` with `args` and returns its output.
pub(crate) fn run(args: &[&str]) -> Output {
    corridor().args(args).output().expect("run corridor")
}

/// Every account of the ledger in `data`, as JSON values, without ledger-assigned timestamps.
pub(crate) fn accounts(data: &Path) -> Vec<serde_json::Value> {
    let output = run(&[
        "ledger",
        "accounts",
        "--json",
        "--data",
        data.to_str().unwrap(),
    ]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout)
        .unwrap()
        .lines()
        .map(|line| {
            let mut value: serde_json::Value = serde_json::from_str(line).unwrap();
            value.as_object_mut().unwrap().remove("timestamp");
            value
        })
        .collect()
}

/// Checks debits equal credits per ledger over `accounts` (pending and posted apart).
pub(crate) fn assert_balanced(accounts: &[serde_json::Value]) {
    use std::collections::BTreeMap;
    let mut sums: BTreeMap<u64, [u128; 4]> = BTreeMap::new();
    for account in accounts {
        let field = |name: &str| account[name].as_str().unwrap().parse::<u128>().unwrap();
        let ledger: u64 = account["ledger"].as_str().unwrap().parse().unwrap();
        let sum = sums.entry(ledger).or_default();
        sum[0] += field("debits_pending");
        sum[1] += field("credits_pending");
        sum[2] += field("debits_posted");
        sum[3] += field("credits_posted");
    }
    for (ledger, [debits_pending, credits_pending, debits_posted, credits_posted]) in sums {
        assert_eq!(debits_pending, credits_pending, "ledger {ledger} pending");
        assert_eq!(debits_posted, credits_posted, "ledger {ledger} posted");
    }
}
