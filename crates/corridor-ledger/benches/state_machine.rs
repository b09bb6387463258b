//! Criterion benchmark of the state machine alone: batches of 8,189 plain transfers between
//! 10,000 accounts, applied in memory with no store. The baseline beside it is a batch of
//! the same size that fails validation at the first check (`accounts_must_be_different`), so
//! the ratio shows what the full validation and commit path costs over a bare pass.

use criterion::{criterion_group, criterion_main, BatchSize, Criterion, Throughput};

use corridor_ledger::{Account, Ledger, Transfer, BATCH_EVENTS_MAX};

const ACCOUNTS: u128 = 10_000;

fn ledger_with_accounts() -> Ledger {
    let mut ledger = Ledger::new();
    let accounts: Vec<Account> = (1..=ACCOUNTS)
        .map(|id| Account {
            id,
            ledger: 1,
            code: 1,
            ..Account::default()
        })
        .collect();
    for chunk in accounts.chunks(BATCH_EVENTS_MAX) {
        let outcome = ledger.apply_accounts(1, chunk);
        assert!(outcome.results.iter().all(|r| r.is_ok()));
    }
    ledger
}

fn batch(first_id: u128, same_account: bool) -> Vec<Transfer> {
    let mut state = first_id as u64 | 1;
    (0..BATCH_EVENTS_MAX as u128)
        .map(|i| {
            // xorshift: cheap, deterministic account choice.
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            let debit = 1 + u128::from(state) % ACCOUNTS;
            let credit = if same_account {
                debit
            } else {
                1 + (debit % ACCOUNTS)
            };
            Transfer {
                id: first_id + i,
                debit_account_id: debit,
                credit_account_id: credit,
                amount: 10,
                ledger: 1,
                code: 1,
                ..Transfer::default()
            }
        })
        .collect()
}

fn state_machine(c: &mut Criterion) {
    let mut group = c.benchmark_group("state_machine");
    group.throughput(Throughput::Elements(BATCH_EVENTS_MAX as u64));
    let no_bodies: Vec<Transfer> = Vec::new();
    let mut next_id = 1_000_000u128;
    group.bench_function("apply_8189_transfers", |b| {
        b.iter_batched(
            || {
                next_id += BATCH_EVENTS_MAX as u128;
                (ledger_with_accounts(), batch(next_id, false))
            },
            |(mut ledger, events)| ledger.apply_transfers(2, &events, &no_bodies),
            BatchSize::LargeInput,
        )
    });
    group.bench_function("baseline_rejected_8189_transfers", |b| {
        b.iter_batched(
            || (ledger_with_accounts(), batch(1, true)),
            |(mut ledger, events)| ledger.apply_transfers(2, &events, &no_bodies),
            BatchSize::LargeInput,
        )
    });
    group.finish();
}

mod group {
    #![allow(missing_docs)]
    use super::*;
    criterion_group!(benches, state_machine);
}

criterion_main!(group::benches);
