//! Embedded store tests: conformance, reopen, snapshots, torn and corrupt journals, locking.

use std::fs::OpenOptions;
use std::io::Write;
use std::path::Path;

use corridor_store::testsuite::{apply_workload, random_workload};
use corridor_store::{LedgerStore, MemoryStore, StoreError};

use crate::{EmbeddedConfig, EmbeddedStore};

fn open(dir: &Path, snapshot_interval_transfers: u64) -> EmbeddedStore {
    EmbeddedStore::open(EmbeddedConfig {
        dir: dir.to_path_buf(),
        snapshot_interval_transfers,
    })
    .expect("open store")
}

/// The error opening the store in `dir` fails with (the test fails if it opens).
fn open_error(dir: &Path) -> StoreError {
    let config = EmbeddedConfig {
        dir: dir.to_path_buf(),
        snapshot_interval_transfers: 1,
    };
    EmbeddedStore::open(config)
        .err()
        .expect("opening the store fails")
}

#[test]
fn embedded_store_conforms() {
    let root = tempfile::tempdir().unwrap();
    let mut count = 0;
    corridor_store::testsuite::run_all(&mut || {
        count += 1;
        Box::new(open(&root.path().join(count.to_string()), 1_000_000)) as Box<dyn LedgerStore>
    });
}

/// Applies the first part of a workload, reopens (with or without a clean close), applies the
/// rest, and compares everything with the in-memory reference that never closed.
fn check_reopen(seed: u64, snapshot_interval_transfers: u64, clean_close: bool) {
    let dir = tempfile::tempdir().unwrap();
    let workload = random_workload(seed, 9, 60);
    let (first, second) = workload.batches.split_at(30);
    let mut reference = MemoryStore::in_memory();
    let mut expected = apply_workload(&mut reference, &workload);
    let mut store = open(dir.path(), snapshot_interval_transfers);
    let head = corridor_store::testsuite::Workload {
        accounts: workload.accounts.clone(),
        batches: first.to_vec(),
    };
    let mut got = apply_workload(&mut store, &head);
    if clean_close {
        store.close().unwrap();
    } else {
        drop(store);
    }
    let mut store = open(dir.path(), snapshot_interval_transfers);
    store.check_invariants().unwrap();
    for (now, events) in second {
        let results = store.create_transfers(*now, events).unwrap();
        got.push(results.iter().map(|r| r.as_str()).collect());
    }
    assert_eq!(got, expected);
    assert_eq!(store.accounts().unwrap(), reference.accounts().unwrap());
    let ids: Vec<u128> = workload
        .batches
        .iter()
        .flat_map(|(_, e)| e.iter().map(|t| t.id))
        .collect();
    assert_eq!(
        store.lookup_transfers(&ids).unwrap(),
        reference.lookup_transfers(&ids).unwrap()
    );
    expected.clear();
}

#[test]
fn reopen_without_snapshot_replays_the_journal() {
    for seed in 0..4 {
        check_reopen(seed, u64::MAX, false);
    }
}

#[test]
fn reopen_from_snapshots_and_journal_tail() {
    for seed in 0..4 {
        check_reopen(seed, 50, false);
        check_reopen(seed, 50, true);
    }
}

#[test]
fn close_snapshots_only_after_a_long_tail() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = open(dir.path(), u64::MAX);
    apply_workload(&mut store, &random_workload(7, 5, 10));
    store.close().unwrap();
    // A short tail: replayed at the next open rather than snapshotted.
    let store = open(dir.path(), u64::MAX);
    assert!(!store.open_report().snapshot_loaded);
    let replayed = store.open_report().events_replayed;
    assert!(replayed > 0 && replayed < crate::CLOSE_SNAPSHOT_EVENTS_MIN);
    drop(store);
    // A long one: snapshotted on close, so the next open replays nothing.
    let mut store = open(dir.path(), u64::MAX);
    let accounts: Vec<corridor_ledger::Account> = (1..=crate::CLOSE_SNAPSHOT_EVENTS_MIN as u128)
        .map(|id| corridor_ledger::Account {
            id: 1_000_000 + id,
            ledger: 1,
            code: 1,
            ..Default::default()
        })
        .collect();
    for chunk in accounts.chunks(corridor_ledger::BATCH_EVENTS_MAX) {
        store.create_accounts(5, chunk).unwrap();
    }
    store.close().unwrap();
    let store = open(dir.path(), u64::MAX);
    assert!(store.open_report().snapshot_loaded);
    assert_eq!(store.open_report().records_replayed, 0);
}

fn journal_len(dir: &Path) -> u64 {
    std::fs::metadata(dir.join("journal")).unwrap().len()
}

#[test]
fn torn_last_write_is_cut_off_and_everything_before_survives() {
    let dir = tempfile::tempdir().unwrap();
    let workload = random_workload(3, 6, 12);
    let mut store = open(dir.path(), u64::MAX);
    apply_workload(&mut store, &workload);
    let accounts = store.accounts().unwrap();
    drop(store);
    let good = journal_len(dir.path());
    // A record whose header arrived but whose body did not, as a crash mid-write leaves it.
    let journal = std::fs::read(dir.path().join("journal")).unwrap();
    let mut file = OpenOptions::new()
        .append(true)
        .open(dir.path().join("journal"))
        .unwrap();
    file.write_all(&journal[..32 + 200]).unwrap();
    drop(file);
    let mut store = open(dir.path(), u64::MAX);
    assert_eq!(store.open_report().torn_bytes_truncated, 232);
    assert_eq!(journal_len(dir.path()), good);
    assert_eq!(store.accounts().unwrap(), accounts);
    drop(store);
    // Zeros where the file system extended the file before the data came.
    let mut file = OpenOptions::new()
        .append(true)
        .open(dir.path().join("journal"))
        .unwrap();
    file.write_all(&[0; 4096]).unwrap();
    drop(file);
    let mut store = open(dir.path(), u64::MAX);
    assert_eq!(store.open_report().torn_bytes_truncated, 4096);
    assert_eq!(store.accounts().unwrap(), accounts);
}

#[test]
fn corruption_before_the_end_stops_the_open() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = open(dir.path(), u64::MAX);
    apply_workload(&mut store, &random_workload(5, 6, 12));
    drop(store);
    let path = dir.path().join("journal");
    let mut bytes = std::fs::read(&path).unwrap();
    bytes[32 + 5] ^= 0x40; // inside the first record's body
    std::fs::write(&path, &bytes).unwrap();
    let error = open_error(dir.path());
    assert!(
        matches!(error, StoreError::Corrupt(ref m) if m.contains("checksum")),
        "{error}"
    );
}

#[test]
fn corrupt_snapshot_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = open(dir.path(), u64::MAX);
    apply_workload(&mut store, &random_workload(5, 6, 12));
    store.snapshot().unwrap();
    drop(store);
    let path = dir.path().join("snapshot");
    let mut bytes = std::fs::read(&path).unwrap();
    let middle = bytes.len() / 2;
    bytes[middle] ^= 1;
    std::fs::write(&path, &bytes).unwrap();
    let error = open_error(dir.path());
    assert!(matches!(error, StoreError::Corrupt(_)), "{error}");
}

#[test]
fn a_second_process_cannot_open_the_same_store() {
    let dir = tempfile::tempdir().unwrap();
    let _store = open(dir.path(), u64::MAX);
    let error = open_error(dir.path());
    assert!(matches!(error, StoreError::Locked(_)), "{error}");
}

/// Whatever prefix of the journal survives a crash (the file cut at any byte), the store opens
/// with exactly the batches that were whole in it: the state after the last of them.
#[test]
fn journal_cut_anywhere_reopens_at_the_last_whole_batch() {
    let dir = tempfile::tempdir().unwrap();
    let source = dir.path().join("source");
    let workload = random_workload(11, 8, 40);
    let mut store = open(&source, u64::MAX);
    store.create_accounts(1, &workload.accounts).unwrap();
    // The journal's length and the ledger's accounts after each batch.
    let mut states = vec![(journal_len(&source), store.accounts().unwrap())];
    for (now, events) in &workload.batches {
        store.create_transfers(*now, events).unwrap();
        states.push((journal_len(&source), store.accounts().unwrap()));
    }
    drop(store);
    let journal = std::fs::read(source.join("journal")).unwrap();
    let mut rng = <rand::rngs::SmallRng as rand::SeedableRng>::seed_from_u64(5);
    let mut cuts: Vec<u64> = (0..40)
        .map(|_| rand::Rng::gen_range(&mut rng, 0..=journal.len() as u64))
        .collect();
    cuts.extend(states.iter().map(|(length, _)| *length));
    for cut in cuts {
        let copy = dir.path().join(format!("cut-{cut}"));
        std::fs::create_dir_all(&copy).unwrap();
        std::fs::write(
            copy.join("journal"),
            &journal[..usize::try_from(cut).unwrap()],
        )
        .unwrap();
        let expected = states.iter().rev().find(|(length, _)| *length <= cut);
        let mut reopened = open(&copy, u64::MAX);
        reopened.check_invariants().unwrap();
        match expected {
            Some((length, accounts)) => {
                assert_eq!(&reopened.accounts().unwrap(), accounts, "cut at {cut}");
                assert_eq!(
                    journal_len(&copy),
                    *length,
                    "cut at {cut}: torn tail removed"
                );
            }
            None => assert!(reopened.accounts().unwrap().is_empty(), "cut at {cut}"),
        }
        drop(reopened);
        std::fs::remove_dir_all(&copy).unwrap();
    }
}

#[test]
fn snapshot_header_announcing_too_much_is_refused_without_allocating_it() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = open(dir.path(), u64::MAX);
    apply_workload(&mut store, &random_workload(5, 6, 12));
    store.snapshot().unwrap();
    drop(store);
    let path = dir.path().join("snapshot");
    let mut bytes = std::fs::read(&path).unwrap();
    // transfers_count sits after magic, version, journal_length and timestamp_last.
    bytes[24..32].copy_from_slice(&(u64::MAX / 2).to_le_bytes());
    std::fs::write(&path, &bytes).unwrap();
    let error = open_error(dir.path());
    assert!(
        matches!(error, StoreError::Corrupt(ref m) if m.contains("announces")),
        "{error}"
    );
}
