//! The backend conformance suite: scenarios every [`LedgerStore`] must pass with the same
//! answers. A backend's tests call [`run_all`] with a function that opens a fresh, empty store.
//! [`random_workload`] (the ledger's own test workload) drives the differential scenarios.

use corridor_ledger::{Account, AccountFlags, Balances, CreateTransferResult, Transfer};

pub use corridor_ledger::testing::{random_workload, Workload};

use crate::{HistoryQuery, LedgerStore, MemoryStore};

/// Opens a fresh, empty store of the backend under test.
pub type OpenFresh<'a> = &'a mut dyn FnMut() -> Box<dyn LedgerStore>;

/// Runs every scenario against fresh stores from `open`.
pub fn run_all(open: OpenFresh<'_>) {
    results_by_name(open());
    lookups_and_history(open());
    for seed in 0..8 {
        same_as_memory(open(), seed);
    }
}

/// Applies a workload and returns every result, by name.
pub fn apply_workload(store: &mut dyn LedgerStore, workload: &Workload) -> Vec<Vec<&'static str>> {
    let accounts = store
        .create_accounts(1, &workload.accounts)
        .expect("create accounts");
    let mut results = vec![accounts.iter().map(|r| r.as_str()).collect()];
    for (now, events) in &workload.batches {
        let batch = store
            .create_transfers(*now, events)
            .expect("create transfers");
        results.push(batch.iter().map(|r| r.as_str()).collect());
        store
            .check_invariants()
            .expect("invariants hold after every batch");
    }
    results
}

fn results_by_name(mut store: Box<dyn LedgerStore>) {
    let account = |id, flags| Account {
        id,
        ledger: 1,
        code: 1,
        flags,
        ..Account::default()
    };
    let results = store
        .create_accounts(
            10,
            &[
                account(1, AccountFlags::NONE),
                account(2, AccountFlags::DEBITS_MUST_NOT_EXCEED_CREDITS),
            ],
        )
        .expect("create accounts");
    assert!(results.iter().all(|r| r.is_ok()));
    let transfer = |id, debit, credit, amount| Transfer {
        id,
        debit_account_id: debit,
        credit_account_id: credit,
        amount,
        ledger: 1,
        code: 1,
        ..Transfer::default()
    };
    let results = store
        .create_transfers(
            20,
            &[
                transfer(10, 1, 2, 100),
                transfer(11, 2, 1, 101),
                transfer(10, 1, 2, 100),
            ],
        )
        .expect("create transfers");
    assert_eq!(
        results,
        [
            CreateTransferResult::Ok,
            CreateTransferResult::ExceedsCredits,
            CreateTransferResult::Exists
        ]
    );
    // A retry in a later batch reads the stored body back to compare it.
    let results = store
        .create_transfers(30, &[transfer(10, 1, 2, 100), transfer(10, 1, 2, 99)])
        .expect("create transfers");
    assert_eq!(
        results,
        [
            CreateTransferResult::Exists,
            CreateTransferResult::ExistsWithDifferentAmount
        ]
    );
    let accounts = store.lookup_accounts(&[2, 1, 3]).expect("lookup");
    assert_eq!(accounts.iter().map(|a| a.id).collect::<Vec<_>>(), [2, 1]);
    assert_eq!(accounts[0].credits_posted, 100);
    assert_eq!(accounts[1].debits_posted, 100);
}

fn lookups_and_history(mut store: Box<dyn LedgerStore>) {
    let accounts: Vec<Account> = (1..=3)
        .map(|id| Account {
            id,
            ledger: 1,
            code: 1,
            ..Account::default()
        })
        .collect();
    store.create_accounts(1, &accounts).expect("accounts");
    let mut stamps = Vec::new();
    for batch in 0..10u128 {
        let events: Vec<Transfer> = (0..5u128)
            .map(|i| Transfer {
                id: 100 + batch * 10 + i,
                debit_account_id: 1 + (i % 2),
                credit_account_id: 3,
                amount: 1 + i,
                ledger: 1,
                code: 1,
                ..Transfer::default()
            })
            .collect();
        let now = 1_000 * (u64::try_from(batch).expect("small") + 1);
        store.create_transfers(now, &events).expect("transfers");
        let found = store
            .lookup_transfers(&[100 + batch * 10 + 4])
            .expect("lookup");
        stamps.push(found[0].timestamp);
    }
    let all = store
        .account_transfers(&HistoryQuery::first(3, 1_000))
        .expect("history");
    let all = all.expect("account exists");
    assert_eq!(all.len(), 50);
    assert!(all
        .windows(2)
        .all(|pair| pair[0].timestamp < pair[1].timestamp));
    let page = HistoryQuery {
        timestamp_min: all[10].timestamp,
        limit: 7,
        ..HistoryQuery::first(3, 7)
    };
    let page = store
        .account_transfers(&page)
        .expect("page")
        .expect("exists");
    assert_eq!(page, all[10..17]);
    let newest = HistoryQuery {
        reversed: true,
        ..HistoryQuery::first(3, 3)
    };
    let newest = store
        .account_transfers(&newest)
        .expect("page")
        .expect("exists");
    assert_eq!(newest, [all[49], all[48], all[47]]);
    assert!(store
        .account_transfers(&HistoryQuery::first(77, 5))
        .expect("query")
        .is_none());
    // Balances as of the end of the fifth batch: five batches of 1+2+3+4+5 credited to 3.
    let as_of = store
        .account_balances_as_of(3, stamps[4])
        .expect("as of")
        .expect("exists");
    assert_eq!(
        as_of,
        Balances {
            credits_posted: 75,
            ..Balances::default()
        }
    );
    let now = store
        .account_balances_as_of(3, u64::MAX)
        .expect("as of")
        .expect("exists");
    assert_eq!(now.credits_posted, 150);
    assert_eq!(store.account_balances_as_of(3, 0).expect("as of"), None);
}

/// The backend answers exactly as the in-memory reference does, and no transfer it stored
/// ever changes afterwards.
fn same_as_memory(mut store: Box<dyn LedgerStore>, seed: u64) {
    let workload = random_workload(seed, 9, 40);
    let mut reference = MemoryStore::in_memory();
    let expected = apply_workload(&mut reference, &workload);
    store
        .create_accounts(1, &workload.accounts)
        .expect("create accounts");
    let mut got = vec![expected[0].clone()];
    let mut stored: Vec<Transfer> = Vec::new();
    for (now, events) in &workload.batches {
        let results = store
            .create_transfers(*now, events)
            .expect("create transfers");
        got.push(results.iter().map(|r| r.as_str()).collect());
        let applied: Vec<u128> = events
            .iter()
            .zip(&results)
            .filter(|(_, result)| result.is_ok())
            .map(|(event, _)| event.id)
            .collect();
        stored.extend(store.lookup_transfers(&applied).expect("lookup"));
        store
            .check_invariants()
            .expect("invariants hold after every batch");
    }
    assert_eq!(got, expected, "seed {seed}");
    assert_eq!(
        store.accounts().expect("accounts"),
        reference.accounts().expect("accounts")
    );
    let ids: Vec<u128> = stored.iter().map(|t| t.id).collect();
    assert_eq!(
        store.lookup_transfers(&ids).expect("lookup"),
        stored,
        "stored transfers changed"
    );
    assert_eq!(reference.lookup_transfers(&ids).expect("lookup"), stored);
    for id in ids {
        let status = store.pending_status(id).expect("status");
        assert_eq!(
            status,
            reference.pending_status(id).expect("status"),
            "transfer {id}"
        );
    }
}
