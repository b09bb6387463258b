//! Property tests: random corridor workloads with every kind of event, valid and invalid.

use std::collections::BTreeMap;

use crate::testing::{random_workload, Workload};
use crate::{Account, AccountFlags, CreateTransferResult, Ledger, Transfer, TransferFlags};
use proptest::prelude::*;

/// Everything a run produced, for the checks.
struct Run {
    ledger: Ledger,
    bodies: Vec<Transfer>,
    outcomes: Vec<(u64, Vec<CreateTransferResult>, Vec<Transfer>)>,
    /// After each batch: the timestamp of its last event and every account's balances.
    balances_after: Vec<(u64, BTreeMap<u128, [u128; 4]>)>,
    account_created: Vec<Account>,
    account_batch_timestamp: u64,
}

fn balances_of(ledger: &Ledger) -> BTreeMap<u128, [u128; 4]> {
    ledger
        .accounts_sorted()
        .into_iter()
        .map(|a| {
            (
                a.id,
                [
                    a.debits_pending,
                    a.debits_posted,
                    a.credits_pending,
                    a.credits_posted,
                ],
            )
        })
        .collect()
}

fn run(workload: &Workload) -> Run {
    let mut ledger = Ledger::new();
    let accounts = ledger.apply_accounts(1, &workload.accounts);
    assert!(accounts.results.iter().all(|r| r.is_ok()));
    let mut run = Run {
        ledger,
        bodies: Vec::new(),
        outcomes: Vec::new(),
        balances_after: Vec::new(),
        account_created: accounts.created,
        account_batch_timestamp: accounts.timestamp,
    };
    for (now, events) in &workload.batches {
        let outcome = super::apply_both_ways(&mut run.ledger, *now, events, &run.bodies);
        run.ledger.check_invariants().unwrap();
        assert_eq!(outcome.results.len(), events.len());
        for (event, result) in events.iter().zip(&outcome.results) {
            if result.is_ok() {
                assert!(outcome.created.iter().any(|t| t.id == event.id));
            }
        }
        assert_eq!(
            outcome.created.len(),
            outcome.results.iter().filter(|r| r.is_ok()).count(),
            "one record per ok event"
        );
        run.bodies.extend(outcome.created.iter().copied());
        run.balances_after
            .push((run.ledger.timestamp_last(), balances_of(&run.ledger)));
        run.outcomes
            .push((outcome.timestamp, outcome.results, outcome.created));
    }
    run
}

fn check_replay(run: &Run) {
    let mut replica = Ledger::new();
    replica
        .replay_accounts(run.account_batch_timestamp, &run.account_created)
        .unwrap();
    let mut bodies = Vec::new();
    for (timestamp, _, created) in &run.outcomes {
        replica
            .replay_transfers(*timestamp, created, &bodies)
            .unwrap();
        bodies.extend(created.iter().copied());
    }
    assert_eq!(balances_of(&replica), balances_of(&run.ledger));
    assert_eq!(replica.timestamp_last(), run.ledger.timestamp_last());
    for transfer in &run.bodies {
        assert_eq!(
            replica.pending_status(transfer.id),
            run.ledger.pending_status(transfer.id)
        );
    }
}

fn check_retries_are_exists(run: &mut Run, workload: &Workload) {
    // Every event that was applied, retried in one batch (chains stay whole: a chain never
    // spans batches). Beside it, a copy of the ledger takes an empty batch at the same time, so
    // reservations that expire meanwhile expire in both.
    let mut applied = Vec::new();
    for ((_, events), (_, results, _)) in workload.batches.iter().zip(&run.outcomes) {
        // Whole chains (or single events) whose every event is in the ledger now.
        let mut group = Vec::new();
        let mut group_in_ledger = true;
        for (event, result) in events.iter().zip(results) {
            group.push(*event);
            group_in_ledger &= result.is_ok() || *result == CreateTransferResult::Exists;
            if !event.flags.contains(TransferFlags::LINKED) {
                if group_in_ledger {
                    applied.append(&mut group);
                }
                group.clear();
                group_in_ledger = true;
            }
        }
    }

    let mut control = run.ledger.clone();
    let now = run.ledger.timestamp_last() + 1;
    let _ = control.apply_transfers(now, &[], &run.bodies);
    let outcome = super::apply_both_ways(&mut run.ledger, now, &applied, &run.bodies);
    for result in &outcome.results {
        assert_eq!(*result, CreateTransferResult::Exists);
    }
    assert!(outcome.created.is_empty());
    assert_eq!(run.ledger.transfers_count(), control.transfers_count());
    assert_eq!(balances_of(&run.ledger), balances_of(&control));
}

fn check_history(run: &Run) {
    for account in run.ledger.accounts_sorted() {
        let history = run.ledger.account_history(account.id).unwrap();
        let transfers = || {
            history
                .iter()
                .map(|&seq| run.bodies[usize::try_from(seq).unwrap()])
        };
        assert!(transfers()
            .all(|t| t.debit_account_id == account.id || t.credit_account_id == account.id));
        for (timestamp, balances) in &run.balances_after {
            let as_of = run
                .ledger
                .balances_as_of(account.id, *timestamp, transfers());
            let got = [
                as_of.debits_pending,
                as_of.debits_posted,
                as_of.credits_pending,
                as_of.credits_posted,
            ];
            assert_eq!(
                got, balances[&account.id],
                "account {} as of {timestamp}",
                account.id
            );
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn invariants_replay_idempotency_and_history(seed in any::<u64>(), accounts in 2u128..12, batches in 1usize..25) {
        let workload = random_workload(seed, accounts, batches);
        let mut run = run(&workload);
        check_replay(&run);
        check_history(&run);
        check_retries_are_exists(&mut run, &workload);
        run.ledger.check_invariants().unwrap();
    }

    #[test]
    fn snapshot_image_restores_the_same_ledger(seed in any::<u64>(), batches in 1usize..15) {
        let workload = random_workload(seed, 8, batches);
        let run = run(&workload);
        let image = image_of(&run.ledger);
        let restored = Ledger::restore(image).unwrap();
        prop_assert_eq!(balances_of(&restored), balances_of(&run.ledger));
        prop_assert_eq!(restored.transfers_count(), run.ledger.transfers_count());
        // The restored ledger goes on exactly as the original.
        let mut original = run.ledger.clone();
        let mut restored = restored;
        let more = random_workload(seed ^ 1, 8, 3);
        let mut bodies = run.bodies.clone();
        for (now, events) in &more.batches {
            let now = now + run.ledger.timestamp_last();
            let a = original.apply_transfers(now, events, &bodies);
            let b = restored.apply_transfers(now, events, &bodies);
            bodies.extend(a.created.iter().copied());
            prop_assert_eq!(a, b);
        }
    }
}

pub(super) fn image_of(ledger: &Ledger) -> crate::LedgerImage {
    struct Collect(crate::LedgerImage);
    impl crate::ImageVisitor for Collect {
        fn header(&mut self, header: &crate::ImageHeader) {
            self.0.timestamp_last = header.timestamp_last;
            self.0.transfers_count = header.transfers_count;
        }
        fn account(&mut self, account: &Account, history: &[u64]) {
            self.0.accounts.push((*account, history.to_vec()));
        }
        fn indexed(&mut self, id: u128, seq: u64) {
            self.0.transfer_index.push((id, seq));
        }
        fn reservation(&mut self, reservation: &crate::Reservation) {
            self.0.reservations.push(*reservation);
        }
        fn resolution(&mut self, id: u128, status: crate::PendingStatus) {
            self.0.resolutions.push((id, status));
        }
    }
    let mut collect = Collect(crate::LedgerImage::default());
    ledger.visit_image(&mut collect);
    collect.0
}

/// The generator must reach the interesting results, or the properties above prove little.
#[test]
fn workload_reaches_every_kind_of_result() {
    let mut seen = std::collections::BTreeSet::new();
    for seed in 0..40 {
        let run = run(&random_workload(seed, 6, 25));
        for (_, results, _) in &run.outcomes {
            seen.extend(results.iter().map(|r| r.as_str()));
        }
    }
    for expected in [
        "ok",
        "exists",
        "linked_event_failed",
        "exceeds_credits",
        "exceeds_debits",
        "pending_transfer_already_posted",
        "pending_transfer_already_voided",
        "pending_transfer_expired",
        "pending_transfer_not_pending",
        "exceeds_pending_transfer_amount",
        "debit_account_not_found",
        "accounts_must_have_the_same_ledger",
    ] {
        assert!(
            seen.contains(expected),
            "{expected} never produced; saw {seen:?}"
        );
    }
}

/// Any field values at all, reserved flag bits included: the state machine answers every
/// event with a result, never panics, and keeps its invariants.
fn arbitrary_transfer() -> impl Strategy<Value = Transfer> {
    let small_id = prop_oneof![Just(0u128), 1u128..12, Just(u128::MAX), any::<u128>()];
    let amount = prop_oneof![Just(0u128), 1u128..1_000, Just(u128::MAX), any::<u128>()];
    (
        (
            small_id.clone(),
            small_id.clone(),
            small_id.clone(),
            small_id,
        ),
        (
            amount,
            any::<u16>(),
            any::<u32>(),
            prop_oneof![Just(1u32), Just(2u32), any::<u32>()],
        ),
        (
            prop_oneof![Just(1u16), any::<u16>()],
            any::<u64>(),
            prop_oneof![Just(0u64), any::<u64>()],
        ),
    )
        .prop_map(
            |((id, debit, credit, pending), (amount, flags, timeout, ledger), (code, ud, ts))| {
                Transfer {
                    id,
                    debit_account_id: debit,
                    credit_account_id: credit,
                    pending_id: pending,
                    amount,
                    flags: TransferFlags::from_bits(flags),
                    timeout,
                    ledger,
                    code,
                    user_data_64: ud,
                    timestamp: ts,
                    ..Transfer::default()
                }
            },
        )
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn fuzz_any_events_keep_the_invariants(
        batches in proptest::collection::vec(
            (0..=crate::TIMESTAMP_MAX, proptest::collection::vec(arbitrary_transfer(), 0..40)),
            1..8,
        )
    ) {
        let mut ledger = Ledger::new();
        let accounts: Vec<Account> = (1..=10)
            .map(|id| Account {
                id,
                ledger: 1 + u32::from(id > 8),
                code: 1,
                flags: if id % 3 == 0 { AccountFlags::DEBITS_MUST_NOT_EXCEED_CREDITS } else { AccountFlags::NONE },
                ..Account::default()
            })
            .collect();
        let _ = ledger.apply_accounts(1, &accounts);
        let mut bodies: Vec<Transfer> = Vec::new();
        for (now, events) in batches {
            let outcome = ledger.apply_transfers(now, &events, &bodies);
            prop_assert_eq!(outcome.results.len(), events.len());
            bodies.extend(outcome.created);
            prop_assert!(ledger.check_invariants().is_ok(), "{:?}", ledger.check_invariants());
        }
    }
}
