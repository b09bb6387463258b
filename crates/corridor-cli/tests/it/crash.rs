//! Crash tests: `corridor ledger apply` killed with SIGKILL at seeded moments, many times,
//! then restarted. After each kill the store must open (its invariants are checked on open),
//! debits must equal credits, every result printed before the kill must still hold, and in the
//! end the ledger must equal one built without crashes.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::Stdio;
use std::sync::mpsc;
use std::time::Duration;

use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};

use corridor_bench::workload::{Workload, WorkloadConfig};
use corridor_cli::jsonl::render_event;
use corridor_ledger::Event;

use crate::{accounts, assert_balanced, corridor};

/// Writes a corridor workload as JSON lines: accounts, then transfers (a fifth two-phase).
fn write_workload(path: &Path) -> usize {
    let mut workload = Workload::new(WorkloadConfig {
        accounts: 200,
        transfers: 12_000,
        batch: 8_189,
        hot_accounts: None,
        pending_percent: 20,
        seed: 42,
    });
    let mut lines: Vec<String> = workload
        .accounts()
        .into_iter()
        .map(|a| render_event(&Event::CreateAccount(a)))
        .collect();
    while let Some(batch) = workload.next_batch() {
        lines.extend(
            batch
                .into_iter()
                .map(|t| render_event(&Event::CreateTransfer(t))),
        );
    }
    std::fs::write(path, lines.join("\n") + "\n").unwrap();
    lines.len()
}

/// When an `apply` run is killed.
#[derive(Clone, Copy, Debug)]
enum Kill {
    /// After this long, wherever the run is (before its first answer, or after its last).
    After(Duration),
    /// Once it has printed this many lines: mid-run, however fast or slow the machine.
    AfterLines(usize),
}

/// One `apply` run, killed as `kill` says (or left to finish with `None`); returns the
/// complete result lines it printed, as index -> result.
fn apply_run(data: &Path, file: &Path, kill: Option<Kill>) -> BTreeMap<u64, String> {
    let mut child = corridor()
        .args(["ledger", "apply", "--batch", "250", "--data"])
        .arg(data)
        .arg(file)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let (sender, receiver) = mpsc::channel();
    let reader = std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            let Ok(line) = line else { break };
            if sender.send(line).is_err() {
                break;
            }
        }
    });
    let mut lines = Vec::new();
    match kill {
        Some(Kill::After(delay)) => {
            std::thread::sleep(delay);
            let _ = child.kill(); // SIGKILL on Unix
        }
        Some(Kill::AfterLines(count)) => {
            while let Ok(line) = receiver.recv() {
                lines.push(line);
                if lines.len() >= count {
                    break;
                }
            }
            let _ = child.kill();
        }
        None => {}
    }
    let status = child.wait().unwrap();
    reader.join().unwrap();
    if kill.is_none() {
        assert!(status.success());
    }
    lines.extend(receiver.try_iter());
    lines
        .into_iter()
        .filter_map(|line| {
            // A line cut by the kill is not a promise; only whole JSON lines count.
            let value: serde_json::Value = serde_json::from_str(&line).ok()?;
            Some((
                value["index"].as_u64()?,
                value["result"].as_str()?.to_owned(),
            ))
        })
        .collect()
}

#[test]
fn killed_apply_loses_nothing_acknowledged_and_doubles_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("events.jsonl");
    let events_count = write_workload(&file);

    let reference_dir = dir.path().join("reference");
    let reference = apply_run(&reference_dir, &file, None);
    assert_eq!(reference.len(), events_count);
    let expected_accounts = accounts(&reference_dir);

    // How long a whole run takes, to spread the kills over it.
    let started = std::time::Instant::now();
    let timing_dir = dir.path().join("timing");
    apply_run(&timing_dir, &file, None);
    let run_micros = u64::try_from(started.elapsed().as_micros())
        .unwrap()
        .max(1_000);

    let data = dir.path().join("crashed");
    let mut rng = SmallRng::seed_from_u64(7);
    let mut acknowledged_ok: BTreeMap<u64, ()> = BTreeMap::new();
    let mut kills_with_progress = 0;
    for round in 0..30 {
        // Every other kill after a number of answers, the rest at any moment of a run.
        let kill = if round % 2 == 0 {
            Kill::AfterLines(rng.gen_range(1..events_count / 2))
        } else {
            Kill::After(Duration::from_micros(rng.gen_range(0..run_micros)))
        };
        let printed = apply_run(&data, &file, Some(kill));
        for (index, result) in &printed {
            // What was applied before must answer `exists` now, never `ok` again.
            if acknowledged_ok.contains_key(index) {
                assert_eq!(
                    result, "exists",
                    "round {round}: event {index} applied twice"
                );
            }
            if result == "ok" {
                acknowledged_ok.insert(*index, ());
            }
        }
        kills_with_progress += usize::from(!printed.is_empty() && printed.len() < events_count);
        let now = accounts(&data);
        assert_balanced(&now);
    }
    assert!(
        kills_with_progress >= 5,
        "too few kills landed mid-run: {kills_with_progress}"
    );
    let last = apply_run(&data, &file, None);
    assert_eq!(last.len(), events_count);
    for index in acknowledged_ok.keys() {
        assert_eq!(last[index], "exists", "acknowledged event {index} was lost");
    }
    for (index, result) in &last {
        let first = &reference[index];
        let consistent = result == first || (result == "exists" && first == "ok");
        assert!(
            consistent,
            "event {index}: {result} now, {first} without crashes"
        );
    }
    assert_eq!(accounts(&data), expected_accounts);
}
