//! Random workloads for tests: accounts on two ledgers with and without bounds, then batches
//! of every kind of transfer, valid and invalid (unknown accounts, reused ids, exact retries,
//! linked chains, reservations that expire, posts and voids of anything). Shared by the
//! ledger's property tests and the stores' conformance suite, so both exercise the same cases.

use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};

use crate::{Account, AccountFlags, Transfer, TransferFlags, NANOS_PER_SECOND};

/// A random workload: accounts, then batches of transfers, each batch with its `now`.
#[derive(Debug, Clone)]
pub struct Workload {
    /// Created first, in one batch.
    pub accounts: Vec<Account>,
    /// `(now, events)`.
    pub batches: Vec<(u64, Vec<Transfer>)>,
}

/// A workload from `seed`: `accounts_count` accounts, then `batches_count` batches.
pub fn random_workload(seed: u64, accounts_count: u128, batches_count: usize) -> Workload {
    let mut rng = SmallRng::seed_from_u64(seed);
    let accounts = (1..=accounts_count)
        .map(|id| {
            let flags = match rng.gen_range(0..4) {
                0 => AccountFlags::DEBITS_MUST_NOT_EXCEED_CREDITS,
                1 => AccountFlags::CREDITS_MUST_NOT_EXCEED_DEBITS,
                _ => AccountFlags::NONE,
            };
            let ledger = if id % 5 == 0 { 2 } else { 1 };
            Account {
                id,
                ledger,
                code: 1,
                flags,
                ..Account::default()
            }
        })
        .collect();
    let mut now = 1_000;
    let mut next_id = 1_000u128;
    let mut batches = Vec::new();
    for _ in 0..batches_count {
        now += if rng.gen_bool(0.2) {
            rng.gen_range(1..4) * NANOS_PER_SECOND
        } else {
            1_000
        };
        let size = rng.gen_range(1..40);
        let mut events = Vec::with_capacity(size);
        for _ in 0..size {
            // Now and then an exact retry of an earlier event, as a client resends a batch.
            let earlier: Vec<&Transfer> = batches
                .iter()
                .flat_map(|(_, e): &(u64, Vec<Transfer>)| e)
                .collect();
            if !earlier.is_empty() && rng.gen_bool(0.05) {
                let retry = *earlier[rng.gen_range(0..earlier.len())];
                events.push(retry);
            } else {
                events.push(random_transfer(&mut rng, accounts_count, &mut next_id));
            }
        }
        batches.push((now, events));
    }
    Workload { accounts, batches }
}

fn random_transfer(rng: &mut SmallRng, accounts_count: u128, next_id: &mut u128) -> Transfer {
    let account = |rng: &mut SmallRng| {
        if rng.gen_bool(0.03) {
            accounts_count + 1
        } else {
            rng.gen_range(1..=accounts_count)
        }
    };
    // Reuse an earlier id now and then, to exercise `exists` and its conflicts.
    let id = if *next_id > 1_000 && rng.gen_bool(0.08) {
        rng.gen_range(1_000..*next_id)
    } else {
        *next_id += 1;
        *next_id
    };
    let mut transfer = Transfer {
        id,
        debit_account_id: account(rng),
        credit_account_id: account(rng),
        amount: rng.gen_range(0..200),
        ledger: 1,
        code: 1,
        ..Transfer::default()
    };
    let mut flags = TransferFlags::NONE;
    match rng.gen_range(0..10) {
        0..=1 => {
            flags = TransferFlags::PENDING;
            transfer.timeout = rng.gen_range(0..3);
        }
        2 | 3 => {
            flags = if rng.gen_bool(0.7) {
                TransferFlags::POST_PENDING
            } else {
                TransferFlags::VOID_PENDING
            };
            transfer.pending_id = rng.gen_range(1_000..=*next_id);
            transfer.debit_account_id = 0;
            transfer.credit_account_id = 0;
            transfer.ledger = 0;
            transfer.code = 0;
            transfer.amount = if rng.gen_bool(0.5) {
                0
            } else {
                rng.gen_range(0..100)
            };
        }
        4 => flags = TransferFlags::BALANCING_DEBIT,
        5 => flags = TransferFlags::BALANCING_CREDIT,
        6 if rng.gen_bool(0.1) => {
            flags = TransferFlags::PENDING.with(TransferFlags::CLOSING_CREDIT)
        }
        _ => {}
    }
    if rng.gen_bool(0.25) {
        flags = flags.with(TransferFlags::LINKED);
    }
    transfer.flags = flags;
    transfer
}
