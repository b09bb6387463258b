//! The PostgreSQL store against a real server: the conformance suite every backend passes,
//! reopening after a clean close and after a crash, the sequencer's lock, the migrations.
//! They need `CORRIDOR_TEST_DATABASE_URL`; without it they say they are skipped and pass
//! nothing else. With it, they must reach the database or fail.
#![allow(clippy::unwrap_used)]

use std::io::Write;

use corridor_store::testsuite::{apply_workload, random_workload, Workload};
use corridor_store::{LedgerStore, MemoryStore, StoreError};
use corridor_store_postgres::{open, PostgresConfig, PostgresStore};

/// The test database, or `None` (and a line saying so) when none is configured.
fn database_url(test: &str) -> Option<String> {
    match std::env::var("CORRIDOR_TEST_DATABASE_URL") {
        Ok(url) if !url.is_empty() => Some(url),
        _ => {
            let _ = writeln!(
                std::io::stderr(),
                "skipped {test}: CORRIDOR_TEST_DATABASE_URL is not set"
            );
            None
        }
    }
}

/// A schema of its own for each store a test opens, dropped when the guard goes.
struct Schema {
    url: String,
    name: String,
}

impl Schema {
    fn new(url: &str) -> Schema {
        let mut bytes = [0_u8; 8];
        getrandom::getrandom(&mut bytes).unwrap();
        let name = format!(
            "corridor_test_{}",
            bytes.iter().map(|b| format!("{b:02x}")).collect::<String>()
        );
        Schema {
            url: url.to_owned(),
            name,
        }
    }

    fn config(&self) -> PostgresConfig {
        PostgresConfig {
            url: self.url.clone(),
            schema: self.name.clone(),
        }
    }

    fn open(&self) -> PostgresStore {
        open(&self.config()).unwrap().0
    }
}

impl Drop for Schema {
    fn drop(&mut self) {
        if let Ok(mut client) = postgres::Client::connect(&self.url, postgres::NoTls) {
            let _ =
                client.batch_execute(&format!("DROP SCHEMA IF EXISTS \"{}\" CASCADE", self.name));
        }
    }
}

#[test]
fn the_postgres_store_conforms() {
    let Some(url) = database_url("the_postgres_store_conforms") else {
        return;
    };
    let mut schemas = Vec::new();
    corridor_store::testsuite::run_all(&mut || {
        let schema = Schema::new(&url);
        let store = schema.open();
        schemas.push(schema);
        Box::new(store) as Box<dyn LedgerStore>
    });
}

/// Applies the first part of a workload, reopens (after dropping the store, as a crash
/// leaves it: nothing but what was committed), applies the rest, and compares everything
/// with the in-memory reference that never stopped.
#[test]
fn a_reopened_store_continues_exactly_where_it_stopped() {
    let Some(url) = database_url("a_reopened_store_continues_exactly_where_it_stopped") else {
        return;
    };
    for seed in 0..3 {
        let schema = Schema::new(&url);
        let workload = random_workload(seed, 9, 60);
        let (first, second) = workload.batches.split_at(30);
        let mut reference = MemoryStore::in_memory();
        let expected = apply_workload(&mut reference, &workload);
        let mut store = schema.open();
        let head = Workload {
            accounts: workload.accounts.clone(),
            batches: first.to_vec(),
        };
        let mut got = apply_workload(&mut store, &head);
        drop(store);
        let (mut store, report) = open(&schema.config()).unwrap();
        // One row per batch that changed something: the accounts', and up to thirty more.
        assert!((2..=31).contains(&report.batches), "{report:?}");
        store.check_invariants().unwrap();
        for (now, events) in second {
            let results = store.create_transfers(*now, events).unwrap();
            got.push(results.iter().map(|r| r.as_str()).collect());
        }
        assert_eq!(got, expected, "seed {seed}");
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
        // Every transfer that was applied before the reopen is known after it: applying
        // any of them again is an `exists` of some kind, never a second `ok`.
        let applied: Vec<_> = workload
            .batches
            .iter()
            .zip(expected.iter().skip(1))
            .flat_map(|((_, events), results)| events.iter().zip(results.iter()))
            .filter(|(event, result)| {
                **result == "ok"
                    && event.flags.bits() & corridor_ledger::TransferFlags::LINKED.bits() == 0
            })
            .map(|(event, _)| *event)
            .collect();
        assert!(!applied.is_empty());
        let now = workload.batches.last().map_or(0, |(now, _)| *now) + 1;
        for chunk in applied.chunks(100) {
            for result in store.create_transfers(now, chunk).unwrap() {
                assert!(
                    result.as_str().starts_with("exists"),
                    "seed {seed}: {result:?}"
                );
            }
        }
    }
}

#[test]
fn one_process_at_a_time_is_the_ledgers_sequencer() {
    let Some(url) = database_url("one_process_at_a_time_is_the_ledgers_sequencer") else {
        return;
    };
    let schema = Schema::new(&url);
    let store = schema.open();
    match open(&schema.config()) {
        Err(StoreError::Locked(what)) => assert!(what.contains(&schema.name), "{what}"),
        other => panic!(
            "a second opener must be refused, got {:?}",
            other.map(|(_, r)| r)
        ),
    }
    drop(store);
    // Once the first is gone, the next may open it.
    let (_, report) = open(&schema.config()).unwrap();
    assert_eq!(report.batches, 0);
}

#[test]
fn an_unreachable_database_is_an_error_not_a_hang() {
    if database_url("an_unreachable_database_is_an_error_not_a_hang").is_none() {
        return;
    }
    let config = PostgresConfig {
        url: "postgres://corridor:secret@127.0.0.1:1/nowhere?connect_timeout=2".to_owned(),
        schema: "corridor".to_owned(),
    };
    let error = open(&config).err().unwrap().to_string();
    assert!(error.contains("connect to PostgreSQL"), "{error}");
    assert!(
        !error.contains("secret"),
        "the password is not shown: {error}"
    );
}

#[test]
fn a_bad_schema_name_is_refused() {
    let config = PostgresConfig {
        url: "postgres://127.0.0.1:1/x".to_owned(),
        schema: "Robert'); DROP TABLE".to_owned(),
    };
    assert!(matches!(open(&config), Err(StoreError::InvalidRequest(_))));
}

/// The same random workloads on the embedded store and on PostgreSQL: every result code and
/// every balance the same.
#[test]
fn postgres_and_the_embedded_store_agree_on_random_workloads() {
    let Some(url) = database_url("postgres_and_the_embedded_store_agree_on_random_workloads")
    else {
        return;
    };
    for seed in 10..14 {
        let schema = Schema::new(&url);
        let dir = tempfile::tempdir().unwrap();
        let mut embedded =
            corridor_store_embedded::EmbeddedStore::open(corridor_store_embedded::EmbeddedConfig {
                dir: dir.path().join("ledger"),
                snapshot_interval_transfers: 1_000,
            })
            .unwrap();
        let mut postgres = schema.open();
        let workload = random_workload(seed, 12, 80);
        let on_embedded = apply_workload(&mut embedded, &workload);
        let on_postgres = apply_workload(&mut postgres, &workload);
        assert_eq!(on_postgres, on_embedded, "seed {seed}");
        assert_eq!(
            postgres.accounts().unwrap(),
            embedded.accounts().unwrap(),
            "seed {seed}"
        );
    }
}
