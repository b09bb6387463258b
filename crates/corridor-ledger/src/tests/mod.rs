//! Ledger tests: one scenario helper for examples, and property tests on random workloads.

use crate::{
    Account, AccountFlags, CreateAccountResult, CreateTransferResult, Ledger, PendingStatus,
    Transfer, TransferFlags, NANOS_PER_SECOND,
};

const LEDGER_USD: u32 = 840;

fn account(id: u128, flags: AccountFlags) -> Account {
    Account {
        id,
        ledger: LEDGER_USD,
        code: 1,
        flags,
        ..Account::default()
    }
}

fn transfer(id: u128, debit: u128, credit: u128, amount: u128) -> Transfer {
    Transfer {
        id,
        debit_account_id: debit,
        credit_account_id: credit,
        amount,
        ledger: LEDGER_USD,
        code: 1,
        ..Transfer::default()
    }
}

fn flagged(mut transfer: Transfer, flags: TransferFlags) -> Transfer {
    transfer.flags = flags;
    transfer
}

fn resolve(id: u128, pending_id: u128, amount: u128, flags: TransferFlags) -> Transfer {
    Transfer {
        id,
        pending_id,
        amount,
        flags,
        ..Transfer::default()
    }
}

/// A ledger with accounts 1 and 2 (unbounded), 3 (debits bounded by credits), 4 (credits bounded
/// by debits), all on one ledger, and account 9 on another ledger.
fn setup() -> Ledger {
    let mut ledger = Ledger::new();
    let mut other = account(9, AccountFlags::NONE);
    other.ledger = 978;
    let outcome = ledger.apply_accounts(
        1,
        &[
            account(1, AccountFlags::NONE),
            account(2, AccountFlags::NONE),
            account(3, AccountFlags::DEBITS_MUST_NOT_EXCEED_CREDITS),
            account(4, AccountFlags::CREDITS_MUST_NOT_EXCEED_DEBITS),
            other,
        ],
    );
    assert!(outcome.results.iter().all(|r| r.is_ok()));
    ledger
}

/// A ledger with the bodies of its committed transfers, as a store would keep them.
struct Harness {
    ledger: Ledger,
    bodies: Vec<Transfer>,
}

impl std::ops::Deref for Harness {
    type Target = Ledger;
    fn deref(&self) -> &Ledger {
        &self.ledger
    }
}

impl Harness {
    /// Applies `events` as one batch at `now` and checks each result by name, then the
    /// invariants.
    #[track_caller]
    fn check(&mut self, now: u64, events: &[Transfer], expected: &[&str]) {
        let outcome = apply_both_ways(&mut self.ledger, now, events, &self.bodies);
        let results: Vec<&str> = outcome.results.iter().map(|r| r.as_str()).collect();
        assert_eq!(results, expected);
        self.ledger.check_invariants().unwrap();
        self.bodies.extend(outcome.created);
        assert_eq!(self.bodies.len() as u64, self.ledger.transfers_count());
    }

    fn balances(&self, id: u128) -> [u128; 4] {
        let a = self.ledger.account(id).unwrap();
        [
            a.debits_pending,
            a.debits_posted,
            a.credits_pending,
            a.credits_posted,
        ]
    }
}

/// Applies a batch the way a store does (prefetch, then only the prefetched bodies) and the
/// way an in-memory caller does (every body at hand), and checks both give the same outcome and
/// the same ledger. A body the prefetch forgot would panic in the first.
pub(super) fn apply_both_ways(
    ledger: &mut Ledger,
    now: u64,
    events: &[Transfer],
    bodies: &[Transfer],
) -> crate::BatchOutcome<CreateTransferResult, Transfer> {
    let mut at_hand = ledger.clone();
    let prefetch = ledger.prefetch(events);
    let fetched: std::collections::BTreeMap<u64, Transfer> = prefetch
        .seqs()
        .into_iter()
        .map(|seq| (seq, bodies[usize::try_from(seq).unwrap()]))
        .collect();
    let outcome = ledger.apply_prefetched(now, events, &prefetch, &fetched);
    let other = at_hand.apply_transfers(now, events, &bodies.to_vec());
    assert_eq!(outcome, other, "prefetched and at-hand application differ");
    assert_eq!(ledger.accounts_sorted(), at_hand.accounts_sorted());
    assert_eq!(ledger.transfers_count(), at_hand.transfers_count());
    outcome
}

fn fresh() -> Harness {
    Harness {
        ledger: setup(),
        bodies: Vec::new(),
    }
}

#[test]
fn plain_transfer_moves_posted_balances() {
    let mut ledger = fresh();
    ledger.check(10, &[transfer(100, 1, 2, 500)], &["ok"]);
    assert_eq!(ledger.balances(1), [0, 500, 0, 0]);
    assert_eq!(ledger.balances(2), [0, 0, 0, 500]);
}

#[test]
fn retry_answers_exists_and_conflicts_name_the_field() {
    let mut ledger = fresh();
    ledger.check(10, &[transfer(100, 1, 2, 500)], &["ok"]);
    ledger.check(
        20,
        &[
            transfer(100, 1, 2, 500),
            transfer(100, 1, 2, 501),
            transfer(100, 2, 1, 500),
            transfer(100, 1, 4, 500),
            Transfer {
                user_data_64: 7,
                ..transfer(100, 1, 2, 500)
            },
            Transfer {
                code: 2,
                ..transfer(100, 1, 2, 500)
            },
            flagged(transfer(100, 1, 2, 500), TransferFlags::PENDING),
        ],
        &[
            "exists",
            "exists_with_different_amount",
            "exists_with_different_debit_account_id",
            "exists_with_different_credit_account_id",
            "exists_with_different_user_data_64",
            "exists_with_different_code",
            "exists_with_different_flags",
        ],
    );
    assert_eq!(ledger.balances(1), [0, 500, 0, 0]);
}

#[test]
fn duplicate_within_one_batch_is_exists() {
    let mut ledger = fresh();
    ledger.check(
        10,
        &[transfer(100, 1, 2, 5), transfer(100, 1, 2, 5)],
        &["ok", "exists"],
    );
    assert_eq!(ledger.balances(2), [0, 0, 0, 5]);
}

#[test]
fn validation_results_in_precedence_order() {
    let mut ledger = fresh();
    ledger.check(
        10,
        &[
            Transfer {
                timestamp: 1,
                ..transfer(0, 1, 1, 0)
            },
            flagged(transfer(0, 1, 1, 0), TransferFlags::from_bits(1 << 12)),
            transfer(0, 1, 2, 5),
            transfer(u128::MAX, 1, 2, 5),
            flagged(
                transfer(101, 1, 2, 5),
                TransferFlags::PENDING.with(TransferFlags::POST_PENDING),
            ),
            transfer(102, 0, 2, 5),
            transfer(103, 1, 0, 5),
            transfer(104, 1, 1, 5),
            Transfer {
                pending_id: 7,
                ..transfer(105, 1, 2, 5)
            },
            Transfer {
                timeout: 7,
                ..transfer(106, 1, 2, 5)
            },
            flagged(transfer(107, 1, 2, 5), TransferFlags::CLOSING_DEBIT),
            transfer(108, 1, 2, 0),
            Transfer {
                ledger: 0,
                ..transfer(109, 1, 2, 5)
            },
            Transfer {
                code: 0,
                ..transfer(110, 1, 2, 5)
            },
            transfer(111, 77, 2, 5),
            transfer(112, 1, 77, 5),
            transfer(113, 1, 9, 5),
            Transfer {
                ledger: 978,
                ..transfer(114, 1, 2, 5)
            },
            transfer(115, 3, 1, 5),
            transfer(116, 1, 4, 5),
        ],
        &[
            "timestamp_must_be_zero",
            "reserved_flag",
            "id_must_not_be_zero",
            "id_must_not_be_int_max",
            "flags_are_mutually_exclusive",
            "debit_account_id_must_not_be_zero",
            "credit_account_id_must_not_be_zero",
            "accounts_must_be_different",
            "pending_id_must_be_zero",
            "timeout_reserved_for_pending_transfer",
            "closing_transfer_must_be_pending",
            "amount_must_not_be_zero",
            "ledger_must_not_be_zero",
            "code_must_not_be_zero",
            "debit_account_not_found",
            "credit_account_not_found",
            "accounts_must_have_the_same_ledger",
            "transfer_must_have_the_same_ledger_as_accounts",
            "exceeds_credits",
            "exceeds_debits",
        ],
    );
    assert_eq!(ledger.transfers_count(), 0);
}

#[test]
fn bounded_accounts_accept_what_they_hold() {
    let mut ledger = fresh();
    ledger.check(10, &[transfer(100, 1, 3, 50)], &["ok"]);
    ledger.check(
        20,
        &[
            transfer(101, 3, 2, 30),
            transfer(102, 3, 2, 21),
            transfer(103, 3, 2, 20),
        ],
        &["ok", "exceeds_credits", "ok"],
    );
    assert_eq!(ledger.balances(3), [0, 50, 0, 50]);
}

#[test]
fn linked_chain_fails_together_and_leaves_no_trace() {
    let mut ledger = fresh();
    let linked = TransferFlags::LINKED;
    ledger.check(
        10,
        &[
            flagged(transfer(100, 1, 2, 5), linked),
            flagged(transfer(101, 2, 3, 5), linked),
            transfer(102, 3, 2, 99),
            transfer(103, 1, 2, 1),
        ],
        &[
            "linked_event_failed",
            "linked_event_failed",
            "exceeds_credits",
            "ok",
        ],
    );
    assert_eq!(ledger.balances(1), [0, 1, 0, 0]);
    assert_eq!(ledger.balances(3), [0, 0, 0, 0]);
    assert_eq!(ledger.transfer_seq(100), None);
    // The failed ids are free: the same chain with a good last step now succeeds.
    ledger.check(
        20,
        &[
            flagged(transfer(100, 1, 2, 5), linked),
            transfer(101, 2, 3, 5),
        ],
        &["ok", "ok"],
    );
}

#[test]
fn chain_failing_in_the_middle_fails_the_rest_of_the_chain() {
    let mut ledger = fresh();
    let linked = TransferFlags::LINKED;
    ledger.check(
        10,
        &[
            flagged(transfer(100, 1, 2, 5), linked),
            flagged(transfer(101, 1, 77, 5), linked),
            flagged(transfer(102, 1, 2, 5), linked),
            transfer(103, 1, 2, 5),
            transfer(104, 1, 2, 5),
        ],
        &[
            "linked_event_failed",
            "credit_account_not_found",
            "linked_event_failed",
            "linked_event_failed",
            "ok",
        ],
    );
}

#[test]
fn open_chain_at_batch_end() {
    let mut ledger = fresh();
    let linked = TransferFlags::LINKED;
    ledger.check(
        10,
        &[
            transfer(99, 1, 2, 1),
            flagged(transfer(100, 1, 2, 5), linked),
            flagged(transfer(101, 1, 2, 5), linked),
        ],
        &["ok", "linked_event_failed", "linked_event_chain_open"],
    );
    assert_eq!(ledger.balances(1), [0, 1, 0, 0]);
}

#[test]
fn pending_then_post_part_releases_the_rest() {
    let mut ledger = fresh();
    ledger.check(
        10,
        &[flagged(transfer(100, 1, 2, 500), TransferFlags::PENDING)],
        &["ok"],
    );
    assert_eq!(ledger.balances(1), [500, 0, 0, 0]);
    ledger.check(
        20,
        &[
            resolve(101, 100, 501, TransferFlags::POST_PENDING),
            Transfer {
                debit_account_id: 2,
                ..resolve(101, 100, 300, TransferFlags::POST_PENDING)
            },
            resolve(101, 100, 300, TransferFlags::POST_PENDING),
            resolve(102, 100, 0, TransferFlags::VOID_PENDING),
            resolve(103, 100, 0, TransferFlags::POST_PENDING),
            resolve(104, 999, 0, TransferFlags::POST_PENDING),
            resolve(105, 101, 0, TransferFlags::POST_PENDING),
        ],
        &[
            "exceeds_pending_transfer_amount",
            "pending_transfer_has_different_debit_account_id",
            "ok",
            "pending_transfer_already_posted",
            "pending_transfer_already_posted",
            "pending_transfer_not_found",
            "pending_transfer_not_pending",
        ],
    );
    assert_eq!(ledger.balances(1), [0, 300, 0, 0]);
    assert_eq!(ledger.balances(2), [0, 0, 0, 300]);
    assert!(matches!(
        ledger.pending_status(100),
        Some(PendingStatus::Posted { .. })
    ));
}

#[test]
fn void_releases_everything() {
    let mut ledger = fresh();
    ledger.check(
        10,
        &[flagged(transfer(100, 1, 2, 500), TransferFlags::PENDING)],
        &["ok"],
    );
    ledger.check(
        20,
        &[
            resolve(101, 100, 499, TransferFlags::VOID_PENDING),
            resolve(101, 100, 500, TransferFlags::VOID_PENDING),
            resolve(102, 100, 0, TransferFlags::POST_PENDING),
        ],
        &[
            "pending_transfer_has_different_amount",
            "ok",
            "pending_transfer_already_voided",
        ],
    );
    assert_eq!(ledger.balances(1), [0, 0, 0, 0]);
}

#[test]
fn timeout_expires_the_reservation() {
    let mut ledger = fresh();
    let pending = Transfer {
        timeout: 2,
        ..flagged(transfer(100, 1, 3, 0), TransferFlags::PENDING)
    };
    ledger.check(
        10,
        &[
            transfer(90, 1, 3, 10),
            Transfer {
                amount: 10,
                ..pending
            },
        ],
        &["ok", "ok"],
    );
    let pending_two = Transfer {
        id: 101,
        amount: 10,
        timeout: 2,
        ..flagged(transfer(0, 3, 2, 0), TransferFlags::PENDING)
    };
    ledger.check(
        20,
        &[pending_two, transfer(102, 3, 2, 1)],
        &["ok", "exceeds_credits"],
    );
    let later = 20 + 3 * NANOS_PER_SECOND;
    ledger.check(
        later,
        &[
            resolve(103, 101, 0, TransferFlags::POST_PENDING),
            transfer(104, 3, 2, 10),
        ],
        &["pending_transfer_expired", "ok"],
    );
    assert!(
        matches!(ledger.pending_status(101), Some(PendingStatus::Expired { timestamp }) if timestamp == later)
    );
    // Both reservations on account 3 expired; only the posted transfers remain.
    assert_eq!(ledger.balances(3), [0, 10, 0, 10]);
}

#[test]
fn balancing_debit_moves_at_most_the_balance() {
    let mut ledger = fresh();
    ledger.check(10, &[transfer(100, 1, 3, 70)], &["ok"]);
    ledger.check(
        20,
        &[flagged(
            transfer(101, 3, 2, 100),
            TransferFlags::BALANCING_DEBIT,
        )],
        &["ok"],
    );
    assert_eq!(ledger.balances(3), [0, 70, 0, 70]);
    ledger.check(
        30,
        &[
            flagged(transfer(101, 3, 2, 100), TransferFlags::BALANCING_DEBIT),
            flagged(transfer(101, 3, 2, 60), TransferFlags::BALANCING_DEBIT),
        ],
        &["exists", "exists_with_different_amount"],
    );
}

#[test]
fn closing_transfer_closes_and_void_reopens() {
    let mut ledger = fresh();
    let closing = TransferFlags::PENDING.with(TransferFlags::CLOSING_DEBIT);
    ledger.check(10, &[flagged(transfer(100, 1, 2, 1), closing)], &["ok"]);
    ledger.check(
        20,
        &[transfer(101, 1, 2, 1), transfer(102, 2, 1, 1)],
        &[
            "debit_account_already_closed",
            "credit_account_already_closed",
        ],
    );
    ledger.check(
        30,
        &[resolve(103, 100, 0, TransferFlags::VOID_PENDING)],
        &["ok"],
    );
    ledger.check(40, &[transfer(101, 1, 2, 1)], &["ok"]);
    // Posting a closing reservation is refused: only a void reopens, nothing posts.
    let closing_credit = TransferFlags::PENDING.with(TransferFlags::CLOSING_CREDIT);
    ledger.check(
        50,
        &[flagged(transfer(104, 1, 2, 1), closing_credit)],
        &["ok"],
    );
    ledger.check(
        60,
        &[resolve(105, 104, 0, TransferFlags::POST_PENDING)],
        &["credit_account_already_closed"],
    );
}

#[test]
fn overflow_is_a_result_not_a_wrap() {
    let mut ledger = fresh();
    ledger.check(10, &[transfer(100, 1, 2, u128::MAX)], &["ok"]);
    ledger.check(20, &[transfer(101, 1, 2, 1)], &["overflows_debits_posted"]);
    let pending = Transfer {
        timeout: u32::MAX,
        ..flagged(transfer(102, 2, 1, 1), TransferFlags::PENDING)
    };
    ledger.check(
        crate::TIMESTAMP_MAX - 10,
        &[pending],
        &["overflows_timeout"],
    );
}

#[test]
fn account_results_in_precedence_order() {
    let mut ledger = Ledger::new();
    let both = AccountFlags::DEBITS_MUST_NOT_EXCEED_CREDITS
        .with(AccountFlags::CREDITS_MUST_NOT_EXCEED_DEBITS);
    let outcome = ledger.apply_accounts(
        5,
        &[
            Account {
                timestamp: 3,
                ..account(1, AccountFlags::NONE)
            },
            account(0, AccountFlags::NONE),
            account(1, both),
            Account {
                debits_posted: 1,
                ..account(1, AccountFlags::NONE)
            },
            Account {
                ledger: 0,
                ..account(1, AccountFlags::NONE)
            },
            Account {
                code: 0,
                ..account(1, AccountFlags::NONE)
            },
            account(1, AccountFlags::NONE),
            account(1, AccountFlags::NONE),
            Account {
                code: 2,
                ..account(1, AccountFlags::NONE)
            },
        ],
    );
    let results: Vec<&str> = outcome.results.iter().map(|r| r.as_str()).collect();
    assert_eq!(
        results,
        [
            "timestamp_must_be_zero",
            "id_must_not_be_zero",
            "flags_are_mutually_exclusive",
            "debits_posted_must_be_zero",
            "ledger_must_not_be_zero",
            "code_must_not_be_zero",
            "ok",
            "exists",
            "exists_with_different_code",
        ]
    );
    assert_eq!(outcome.created.len(), 1);
    assert_eq!(outcome.created[0].timestamp, 6);
}

#[test]
fn result_names_round_trip_and_are_unique() {
    let mut seen = std::collections::BTreeSet::new();
    for result in CreateTransferResult::ALL {
        assert_eq!(
            CreateTransferResult::from_name(result.as_str()),
            Some(*result)
        );
        assert!(seen.insert(result.as_str()));
    }
    for result in CreateAccountResult::ALL {
        assert_eq!(
            CreateAccountResult::from_name(result.as_str()),
            Some(*result)
        );
    }
}

#[test]
fn timestamps_strictly_increase_and_never_go_back() {
    let mut ledger = fresh();
    ledger.check(
        1_000,
        &[transfer(100, 1, 2, 1), transfer(101, 1, 2, 1)],
        &["ok", "ok"],
    );
    // A clock that goes backwards does not move timestamps backwards.
    ledger.check(5, &[transfer(102, 1, 2, 1)], &["ok"]);
    let bodies = ledger.bodies.clone();
    let stamps: Vec<u64> = bodies.iter().map(|t| t.timestamp).collect();
    assert!(
        stamps.windows(2).all(|pair| pair[0] < pair[1]),
        "{stamps:?}"
    );
    assert!(stamps[0] > 1_000);
}

mod property;

#[test]
fn retried_chain_answers_exists_for_every_event() {
    let mut ledger = fresh();
    let chain = [
        flagged(transfer(100, 1, 2, 5), TransferFlags::LINKED),
        transfer(101, 2, 1, 3),
    ];
    ledger.check(10, &chain, &["ok", "ok"]);
    ledger.check(20, &chain, &["exists", "exists"]);
    // A chain that retries one event and fails on another keeps `exists` for the retry.
    let mixed = [
        flagged(transfer(100, 1, 2, 5), TransferFlags::LINKED),
        transfer(102, 1, 77, 3),
    ];
    ledger.check(30, &mixed, &["exists", "credit_account_not_found"]);
    assert_eq!(ledger.balances(1), [0, 5, 0, 3]);
}

/// docs/ledger-results.md lists every result, in precedence order, and nothing else.
#[test]
fn results_table_documents_every_result_in_order() {
    let doc = include_str!("../../../../docs/ledger-results.md");
    let names = |section: &str| -> Vec<String> {
        let start = doc.find(section).expect("section");
        let rest = &doc[start + section.len()..];
        let end = rest.find("\n## ").unwrap_or(rest.len());
        rest[..end]
            .lines()
            .filter_map(|line| line.strip_prefix("| `"))
            .map(|line| line[..line.find('`').unwrap()].to_owned())
            .collect()
    };
    let accounts: Vec<&str> = CreateAccountResult::ALL
        .iter()
        .map(|r| r.as_str())
        .collect();
    let transfers: Vec<&str> = CreateTransferResult::ALL
        .iter()
        .map(|r| r.as_str())
        .collect();
    assert_eq!(names("## create_account"), accounts);
    assert_eq!(names("## create_transfer"), transfers);
}

#[test]
fn failed_chain_does_not_report_exists_for_what_it_rolled_back() {
    let mut ledger = fresh();
    let linked = TransferFlags::LINKED;
    ledger.check(
        10,
        &[
            flagged(transfer(100, 1, 2, 5), linked),
            flagged(transfer(100, 1, 2, 5), linked),
            transfer(101, 1, 77, 5),
        ],
        &[
            "linked_event_failed",
            "linked_event_failed",
            "credit_account_not_found",
        ],
    );
    assert_eq!(ledger.transfer_seq(100), None);
    let mut accounts = Ledger::new();
    let chained = account(5, AccountFlags::LINKED);
    let outcome = accounts.apply_accounts(1, &[chained, chained, account(0, AccountFlags::NONE)]);
    let results: Vec<&str> = outcome.results.iter().map(|r| r.as_str()).collect();
    assert_eq!(
        results,
        [
            "linked_event_failed",
            "linked_event_failed",
            "id_must_not_be_zero"
        ]
    );
    assert!(accounts.account(5).is_none());
}

#[test]
fn post_retry_with_amount_zero_must_match_the_full_reservation() {
    let mut ledger = fresh();
    ledger.check(
        10,
        &[flagged(transfer(100, 1, 2, 100), TransferFlags::PENDING)],
        &["ok"],
    );
    ledger.check(
        20,
        &[resolve(101, 100, 40, TransferFlags::POST_PENDING)],
        &["ok"],
    );
    ledger.check(
        30,
        &[
            resolve(101, 100, 0, TransferFlags::POST_PENDING),
            resolve(101, 100, 40, TransferFlags::POST_PENDING),
        ],
        &["exists_with_different_amount", "exists"],
    );
    // A full post retried with 0 is the same request.
    ledger.check(
        40,
        &[flagged(transfer(102, 1, 2, 70), TransferFlags::PENDING)],
        &["ok"],
    );
    ledger.check(
        50,
        &[resolve(103, 102, 0, TransferFlags::POST_PENDING)],
        &["ok"],
    );
    ledger.check(
        60,
        &[resolve(103, 102, 0, TransferFlags::POST_PENDING)],
        &["exists"],
    );
}

#[test]
fn resolved_reservation_is_checked_before_already_posted() {
    let mut ledger = fresh();
    ledger.check(
        10,
        &[flagged(transfer(100, 1, 2, 100), TransferFlags::PENDING)],
        &["ok"],
    );
    ledger.check(
        20,
        &[resolve(101, 100, 0, TransferFlags::POST_PENDING)],
        &["ok"],
    );
    ledger.check(
        30,
        &[
            Transfer {
                debit_account_id: 2,
                ..resolve(102, 100, 0, TransferFlags::POST_PENDING)
            },
            Transfer {
                code: 9,
                ..resolve(103, 100, 0, TransferFlags::VOID_PENDING)
            },
            resolve(104, 100, 500, TransferFlags::POST_PENDING),
            resolve(105, 100, 0, TransferFlags::POST_PENDING),
        ],
        &[
            "pending_transfer_has_different_debit_account_id",
            "pending_transfer_has_different_code",
            "exceeds_pending_transfer_amount",
            "pending_transfer_already_posted",
        ],
    );
    // The same within one batch: reserve, void, then post with a wrong amount.
    ledger.check(
        40,
        &[
            flagged(transfer(110, 1, 2, 10), TransferFlags::PENDING),
            resolve(111, 110, 0, TransferFlags::VOID_PENDING),
            resolve(112, 110, 11, TransferFlags::POST_PENDING),
            resolve(113, 110, 0, TransferFlags::POST_PENDING),
        ],
        &[
            "ok",
            "ok",
            "exceeds_pending_transfer_amount",
            "pending_transfer_already_voided",
        ],
    );
    // And for a reservation that expired as the batch started.
    let expiring = Transfer {
        timeout: 1,
        ..flagged(transfer(120, 1, 2, 10), TransferFlags::PENDING)
    };
    ledger.check(50, &[expiring], &["ok"]);
    ledger.check(
        50 + 2 * NANOS_PER_SECOND,
        &[
            resolve(121, 120, 11, TransferFlags::POST_PENDING),
            resolve(122, 120, 0, TransferFlags::POST_PENDING),
        ],
        &[
            "exceeds_pending_transfer_amount",
            "pending_transfer_expired",
        ],
    );
}

#[test]
fn void_above_the_reservation_exceeds_it_and_user_data_is_inherited() {
    let mut ledger = fresh();
    let reserved = Transfer {
        user_data_64: 77,
        ..flagged(transfer(100, 1, 2, 100), TransferFlags::PENDING)
    };
    ledger.check(10, &[reserved], &["ok"]);
    ledger.check(
        20,
        &[
            resolve(101, 100, 101, TransferFlags::VOID_PENDING),
            resolve(101, 100, 99, TransferFlags::VOID_PENDING),
            resolve(101, 100, 100, TransferFlags::VOID_PENDING),
        ],
        &[
            "exceeds_pending_transfer_amount",
            "pending_transfer_has_different_amount",
            "ok",
        ],
    );
    let void = ledger.bodies.last().copied().unwrap();
    assert_eq!(void.user_data_64, 77);
    ledger.check(
        30,
        &[resolve(101, 100, 100, TransferFlags::VOID_PENDING)],
        &["exists"],
    );
}

#[test]
fn overflow_checks_come_before_the_timeout_check() {
    let mut ledger = fresh();
    ledger.check(
        10,
        &[flagged(
            transfer(100, 1, 2, u128::MAX),
            TransferFlags::PENDING,
        )],
        &["ok"],
    );
    let late = crate::TIMESTAMP_MAX - 10;
    let pending = Transfer {
        timeout: u32::MAX,
        ..flagged(transfer(101, 1, 2, 1), TransferFlags::PENDING)
    };
    ledger.check(late, &[pending], &["overflows_debits_pending"]);
    // A reservation must leave room to be posted: posted balances are checked too.
    let mut posted = fresh();
    posted.check(10, &[transfer(100, 1, 2, u128::MAX)], &["ok"]);
    posted.check(
        20,
        &[flagged(transfer(101, 1, 2, 1), TransferFlags::PENDING)],
        &["overflows_debits_posted"],
    );
}

#[test]
fn image_with_an_index_entry_past_the_count_is_corrupt() {
    let mut ledger = fresh();
    ledger.check(10, &[transfer(100, 1, 2, 5)], &["ok"]);
    let mut image = property::image_of(&ledger.ledger);
    assert!(Ledger::restore(property::image_of(&ledger.ledger)).is_ok());
    // The one position is 0; 63 is past the count but within the first word of positions.
    image.transfer_index = vec![(100, 63)];
    let error = Ledger::restore(image).expect_err("position past the count");
    assert!(error.0.contains("past the count"), "{}", error.0);
}

#[test]
fn a_ledger_whose_sums_pass_128_bits_still_balances() {
    // Each account's balances fit in 128 bits; the ledger's sums over three pairs do not.
    let mut ledger = Ledger::new();
    let accounts: Vec<Account> = (1..=6).map(|id| account(id, AccountFlags::NONE)).collect();
    let outcome = ledger.apply_accounts(1, &accounts);
    assert!(outcome.results.iter().all(|r| r.is_ok()));
    let big = u128::MAX / 2 + 1;
    let transfers = [
        transfer(11, 1, 2, big),
        transfer(12, 3, 4, big),
        transfer(13, 5, 6, big),
    ];
    let outcome = ledger.apply_transfers(2, &transfers, &Vec::<Transfer>::new());
    assert!(
        outcome.results.iter().all(|r| r.is_ok()),
        "{:?}",
        outcome.results
    );
    assert!(
        ledger.check_invariants().is_ok(),
        "{:?}",
        ledger.check_invariants()
    );
}
