//! The ledger state machine: in-memory account state, the idempotency index, open reservations.
//!
//! `apply_*` take a batch and the batch's `now` (nanoseconds, from the caller's clock) and return
//! one result per event plus the records that were created. They are deterministic: the same state,
//! batch and `now` give the same results, which is what lets a store replay its journal.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use crate::result::{CreateAccountResult, CreateTransferResult};
use crate::types::{Account, AccountFlags, PendingStatus, Transfer, TransferFlags};
use table::{IdTable, TransferIndex};

pub(crate) type Map<K, V> = HashMap<K, V, foldhash::fast::RandomState>;

/// Nanoseconds in a second, for timeouts.
pub const NANOS_PER_SECOND: u64 = 1_000_000_000;

/// The latest `now` the ledger accepts (about the year 2554, less room for the events of
/// batches after it): timestamps count nanoseconds in a `u64` and must never overflow.
pub const TIMESTAMP_MAX: u64 = u64::MAX - (1 << 32);

/// How many events ahead the batch loop warms the cache (see `apply_batch`).
const WARM_EVENTS: usize = 64;

/// The most events one batch may hold (TigerBeetle's 8,190 less one, as the workload).
pub const BATCH_EVENTS_MAX: usize = 8_189;

/// A committed transfer's position in commit order: 0 for the first transfer ever applied.
/// Stores keep transfer bodies addressed by it; the ledger keeps only the position.
pub type TransferSeq = u64;

/// Gives the ledger the bodies of committed transfers it asks for (see
/// [`Ledger::transfers_to_prefetch`]). Stores fetch them before the batch, so applying a batch
/// never does I/O.
pub trait TransferBodies {
    /// The body of the committed transfer at `seq`, if the caller fetched it.
    fn transfer(&self, seq: TransferSeq) -> Option<Transfer>;
}

impl TransferBodies for [Transfer] {
    fn transfer(&self, seq: TransferSeq) -> Option<Transfer> {
        usize::try_from(seq)
            .ok()
            .and_then(|index| self.get(index))
            .copied()
    }
}

impl TransferBodies for Vec<Transfer> {
    fn transfer(&self, seq: TransferSeq) -> Option<Transfer> {
        self.as_slice().transfer(seq)
    }
}

impl TransferBodies for BTreeMap<TransferSeq, Transfer> {
    fn transfer(&self, seq: TransferSeq) -> Option<Transfer> {
        self.get(&seq).copied()
    }
}

/// Which events of a batch reuse a committed transfer's id: see [`Ledger::prefetch`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Prefetch {
    transfers_count: u64,
    hits: Vec<Option<TransferSeq>>,
    pending_hits: Vec<Option<TransferSeq>>,
}

impl Prefetch {
    /// The positions of the committed transfers whose bodies the batch needs, sorted, once each.
    pub fn seqs(&self) -> Vec<TransferSeq> {
        let hits = self.hits.iter().chain(&self.pending_hits);
        let mut seqs: Vec<TransferSeq> = hits.flatten().copied().collect();
        seqs.sort_unstable();
        seqs.dedup();
        seqs
    }
}

/// An account record aligned to cache lines, so the 128 bytes take exactly two.
#[derive(Clone, Copy, Debug, Default)]
#[repr(align(64))]
struct AccountCell(Account);

/// What the ledger remembers of a pending transfer while it is open.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct OpenPending {
    debit_account_id: u128,
    credit_account_id: u128,
    amount: u128,
    ledger: u32,
    code: u16,
    flags: TransferFlags,
    /// 0: never expires.
    expires_at: u64,
    user_data_128: u128,
    user_data_64: u64,
    user_data_32: u32,
}

impl OpenPending {
    /// What a post or void is checked against, from the reservation's stored body.
    fn from_body(body: &Transfer) -> OpenPending {
        OpenPending {
            debit_account_id: body.debit_account_id,
            credit_account_id: body.credit_account_id,
            amount: body.amount,
            ledger: body.ledger,
            code: body.code,
            flags: body.flags,
            expires_at: 0,
            user_data_128: body.user_data_128,
            user_data_64: body.user_data_64,
            user_data_32: body.user_data_32,
        }
    }
}

/// Whether `linked` flags form chains (requests) or are ignored (journal replay).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Chains {
    Linked,
    Unlinked,
}

/// A journaled batch that did not replay to the same records: the journal and the code that
/// wrote it disagree.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReplayError {
    /// The batch's timestamp.
    pub timestamp: u64,
    /// What differed.
    pub detail: String,
}

impl std::fmt::Display for ReplayError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "batch at timestamp {} does not replay: {}",
            self.timestamp, self.detail
        )
    }
}

impl std::error::Error for ReplayError {}

fn check_replay<R: Copy + Eq + std::fmt::Debug, E: PartialEq + std::fmt::Debug>(
    timestamp: u64,
    outcome: &BatchOutcome<R, E>,
    records: &[E],
) -> Result<(), ReplayError> {
    if outcome.timestamp != timestamp {
        let detail = format!("batch timestamp came out as {}", outcome.timestamp);
        return Err(ReplayError { timestamp, detail });
    }
    if outcome.created != records {
        let index = outcome
            .created
            .iter()
            .zip(records)
            .position(|(a, b)| a != b);
        let detail = format!(
            "{} of {} records came out, first difference at {index:?}; results {:?}",
            outcome.created.len(),
            records.len(),
            outcome.results
        );
        return Err(ReplayError { timestamp, detail });
    }
    Ok(())
}

/// One change made while applying a linked chain, undone if the chain fails.
#[derive(Clone, Debug)]
enum Undo {
    AccountCreated(u128),
    /// The account at this place, as it was.
    AccountChanged(usize, Account),
    TransferIndexed(u128),
    /// A position pushed on the history of the account at this place.
    HistoryPushed(usize),
    PendingOpened {
        id: u128,
        expires_at: u64,
    },
    PendingResolved {
        id: u128,
        open: OpenPending,
    },
}

/// The outcome of applying a batch.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BatchOutcome<R, T> {
    /// The timestamp of the batch: reservations that expired by it were released first.
    pub timestamp: u64,
    /// One result per event, in batch order.
    pub results: Vec<R>,
    /// The records created, in commit order, with their ledger-assigned timestamps.
    pub created: Vec<T>,
    /// How many reservations expired at the start of the batch.
    pub expired: u64,
}

impl<R, T> BatchOutcome<R, T> {
    /// Whether the batch changed the ledger (created something or released reservations), so a
    /// store must make it durable.
    pub fn changed_state(&self) -> bool {
        !self.created.is_empty() || self.expired > 0
    }
}

/// Debits and credits of one ledger, summed over its accounts.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct LedgerTotals {
    /// Sum of `debits_pending`.
    pub debits_pending: u128,
    /// Sum of `debits_posted`.
    pub debits_posted: u128,
    /// Sum of `credits_pending`.
    pub credits_pending: u128,
    /// Sum of `credits_posted`.
    pub credits_posted: u128,
}

/// A broken ledger invariant, found by [`Ledger::check_invariants`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InvariantViolation(pub String);

impl std::fmt::Display for InvariantViolation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// The ledger's state.
#[derive(Clone, Debug, Default)]
pub struct Ledger {
    /// Account id to the account's place in `accounts` and `histories`.
    account_index: IdTable,
    /// Accounts in creation order (a place is never reused: accounts are only ever added,
    /// and a rolled-back chain removes the last ones).
    accounts: Vec<AccountCell>,
    /// Per account place, the positions of the transfers that touched it, in time order.
    histories: Vec<Vec<TransferSeq>>,
    /// History entries of the batch being applied (account place, position), appended to
    /// `histories` when the batch ends; empty between batches. A rolled-back chain drops its
    /// entries from the end of this log, and the appends, which touch memory of accounts
    /// all over the ledger, run in one tight loop rather than among the batch's other work.
    history_log: Vec<(usize, TransferSeq)>,
    /// The idempotency index: transfer id to position.
    transfer_index: TransferIndex,
    transfers_count: u64,
    pending_open: Map<u128, OpenPending>,
    pending_resolved: Map<u128, PendingStatus>,
    expiry_queue: BTreeSet<(u64, u128)>,
    timestamp_last: u64,
}

#[derive(Clone, Copy)]
struct ChainStart {
    index: usize,
    created_len: usize,
    timestamp_last: u64,
    transfers_count: u64,
}

/// The kinds of event a batch can hold: accounts or transfers (a batch holds one kind).
trait BatchEvent: Copy {
    type Result: Copy + Eq;
    const OK: Self::Result;
    const LINKED_EVENT_FAILED: Self::Result;
    const LINKED_EVENT_CHAIN_OPEN: Self::Result;
    const EXISTS: Self::Result;
    fn is_linked(&self) -> bool;
    fn event_id(&self) -> u128;
    /// Whether a record with this id is in the ledger.
    fn is_committed(ledger: &Ledger, id: u128) -> bool;
    /// What [`BatchEvent::warm`] found out ahead, handed to [`BatchEvent::execute`].
    type Hint: Copy + Default;
    /// Touches what applying `events` will look up, to bring it into the cache, and sets
    /// `hints` (one per event) to what it computed on the way that stays true until the
    /// events are applied.
    fn warm(events: &[Self], ledger: &Ledger, hints: &mut [Self::Hint]);
    fn execute(
        &self,
        ledger: &mut Ledger,
        scratch: &mut BatchScratch<'_, Self>,
        hint: Self::Hint,
    ) -> Self::Result;
}

/// What the batch loop looks up for a transfer ahead of applying it. The places stay true for
/// the whole batch: a batch of transfers adds or removes no account.
#[derive(Clone, Copy, Default)]
struct TransferHint {
    /// The hash of the transfer's id in the idempotency index.
    id_hash: u64,
    /// The places where its debit and credit accounts are, if they exist: candidates, found by
    /// fingerprint, which [`Ledger::hinted_place`] checks.
    debit: Option<usize>,
    credit: Option<usize>,
}

/// Scratch state of one batch: the records created so far and the open chain's undo log.
struct BatchScratch<'a, E> {
    bodies: &'a dyn TransferBodies,
    /// The event being applied.
    current: usize,
    /// Per event: where its reservation's body is, when a post or void may need it although
    /// the reservation is no longer open (from [`Prefetch`]). `None` when every committed
    /// body is at hand, so any can be looked up through the index.
    pending_hits: Option<&'a [Option<TransferSeq>]>,
    /// Reservations resolved (posted, voided, expired) in this batch, for later events of the
    /// batch that name them.
    resolved_in_batch: Map<u128, OpenPending>,
    seq_first: TransferSeq,
    created: Vec<E>,
    undo: Vec<Undo>,
    in_chain: bool,
}

impl<E> BatchScratch<'_, E> {
    fn record(&mut self, undo: Undo) {
        if self.in_chain {
            self.undo.push(undo);
        }
    }
}

impl BatchScratch<'_, Transfer> {
    /// A resolved reservation as it was when it was open, if this batch can know it: resolved
    /// in this batch, or its body prefetched, or created in this batch. `index` is the
    /// ledger's idempotency index.
    fn resolved_pending(&self, index: &TransferIndex, pending_id: u128) -> Option<OpenPending> {
        if let Some(open) = self.resolved_in_batch.get(&pending_id) {
            return Some(*open);
        }
        let seq = match self.pending_hits {
            Some(hits) => hits
                .get(self.current)
                .copied()
                .flatten()
                .or_else(|| index.get(pending_id).filter(|seq| *seq >= self.seq_first)),
            None => index.get(pending_id),
        };
        let body = self.body(seq?);
        (body.id == pending_id && body.flags.contains(TransferFlags::PENDING))
            .then(|| OpenPending::from_body(&body))
    }

    /// The body of a committed transfer: created in this batch, or prefetched by the store.
    fn body(&self, seq: TransferSeq) -> Transfer {
        if seq >= self.seq_first {
            let index = usize::try_from(seq - self.seq_first).expect("batch index fits usize");
            self.created[index]
        } else {
            self.bodies
                .transfer(seq)
                .expect("the store prefetches the bodies of every id the batch reuses")
        }
    }
}

impl BatchEvent for Account {
    type Result = CreateAccountResult;
    const OK: CreateAccountResult = CreateAccountResult::Ok;
    const LINKED_EVENT_FAILED: CreateAccountResult = CreateAccountResult::LinkedEventFailed;
    const LINKED_EVENT_CHAIN_OPEN: CreateAccountResult = CreateAccountResult::LinkedEventChainOpen;
    const EXISTS: CreateAccountResult = CreateAccountResult::Exists;

    fn is_linked(&self) -> bool {
        self.flags.contains(AccountFlags::LINKED)
    }

    fn event_id(&self) -> u128 {
        self.id
    }

    fn is_committed(ledger: &Ledger, id: u128) -> bool {
        ledger.account_place(id).is_some()
    }

    type Hint = ();

    fn warm(events: &[Account], ledger: &Ledger, _hints: &mut [()]) {
        let index = &ledger.account_index;
        let touched = events.iter().fold(0, |touched, event| {
            touched ^ index.warm(index.hash(event.id))
        });
        std::hint::black_box(touched);
    }

    fn execute(
        &self,
        ledger: &mut Ledger,
        scratch: &mut BatchScratch<'_, Account>,
        _hint: (),
    ) -> Self::Result {
        ledger.create_account(self, scratch)
    }
}

impl BatchEvent for Transfer {
    type Result = CreateTransferResult;
    const OK: CreateTransferResult = CreateTransferResult::Ok;
    const LINKED_EVENT_FAILED: CreateTransferResult = CreateTransferResult::LinkedEventFailed;
    const LINKED_EVENT_CHAIN_OPEN: CreateTransferResult =
        CreateTransferResult::LinkedEventChainOpen;
    const EXISTS: CreateTransferResult = CreateTransferResult::Exists;

    fn is_linked(&self) -> bool {
        self.flags.contains(TransferFlags::LINKED)
    }

    fn event_id(&self) -> u128 {
        self.id
    }

    fn is_committed(ledger: &Ledger, id: u128) -> bool {
        ledger.transfer_index.contains(id)
    }

    type Hint = TransferHint;

    fn warm(events: &[Transfer], ledger: &Ledger, hints: &mut [TransferHint]) {
        // First the idempotency index, the one large table, in a loop of loads that do not
        // depend on each other: the processor keeps many of their misses in flight at once.
        let index = &ledger.transfer_index;
        for (hint, event) in hints.iter_mut().zip(events) {
            hint.id_hash = index.hash(event.id);
        }
        let mut touched = 0;
        for hint in hints.iter() {
            touched ^= index.warm(hint.id_hash);
        }
        std::hint::black_box(touched);
        // Then the accounts, in the same way: the lines of the account index where their
        // probes start; then their places, by fingerprint (the probes branch on what they
        // read, so they come once those lines are in; the ids, in the records, are compared
        // when the event is applied); then both cache lines of each record.
        let accounts = &ledger.account_index;
        let mut hashes = [(0, 0); WARM_EVENTS];
        let mut touched = 0;
        for (hashes, event) in hashes.iter_mut().zip(events) {
            *hashes = (
                accounts.hash(event.debit_account_id),
                accounts.hash(event.credit_account_id),
            );
            touched ^= accounts.warm(hashes.0) ^ accounts.warm(hashes.1);
        }
        std::hint::black_box(touched);
        for (hint, (debit, credit)) in hints.iter_mut().zip(hashes) {
            hint.debit = accounts.candidate(debit).map(|place| place as usize);
            hint.credit = accounts.candidate(credit).map(|place| place as usize);
        }
        let touch = |place: usize| {
            let account = &ledger.accounts[place].0;
            account.debits_pending ^ u128::from(account.flags.bits())
        };
        let mut touched = 0;
        for hint in hints.iter() {
            if let Some(place) = hint.debit {
                touched ^= touch(place);
            }
            if let Some(place) = hint.credit {
                touched ^= touch(place);
            }
        }
        std::hint::black_box(touched);
    }

    fn execute(
        &self,
        ledger: &mut Ledger,
        scratch: &mut BatchScratch<'_, Transfer>,
        hint: TransferHint,
    ) -> Self::Result {
        ledger.create_transfer(self, scratch, hint)
    }
}

impl Ledger {
    /// An empty ledger.
    pub fn new() -> Ledger {
        Ledger::default()
    }

    /// An empty ledger with room for `accounts` accounts and `transfers` transfers before its
    /// tables grow (growing a large table copies it, and pauses that batch).
    pub fn with_capacity(accounts: u64, transfers: u64) -> Ledger {
        let mut ledger = Ledger::default();
        ledger.reserve_accounts(accounts);
        ledger
            .transfer_index
            .reserve(usize::try_from(transfers).unwrap_or(0));
        ledger
    }

    /// Makes room for `accounts` more accounts.
    fn reserve_accounts(&mut self, accounts: u64) {
        let accounts = usize::try_from(accounts).unwrap_or(0);
        let cells = &self.accounts;
        self.account_index
            .reserve(accounts, |place| cells[place as usize].0.id);
        self.accounts.reserve(accounts);
        self.histories.reserve(accounts);
    }

    /// The place of the account with this id in `accounts` and `histories`.
    #[inline]
    fn account_place(&self, id: u128) -> Option<usize> {
        let cells = &self.accounts;
        self.account_index
            .get(id, |place| cells[place as usize].0.id)
            .map(|place| place as usize)
    }

    /// The place of the account with this id, given the candidate a [`TransferHint`] holds.
    #[inline(always)]
    fn hinted_place(&self, id: u128, candidate: Option<usize>) -> Option<usize> {
        match candidate {
            Some(place) if self.accounts[place].0.id == id => Some(place),
            // Another id with the same fingerprint: look again.
            Some(_) => self.account_place(id),
            None => None,
        }
    }

    /// Applies a batch of `create_account` events at time `now` (nanoseconds).
    pub fn apply_accounts(
        &mut self,
        now: u64,
        events: &[Account],
    ) -> BatchOutcome<CreateAccountResult, Account> {
        let no_bodies: Vec<Transfer> = Vec::new();
        self.apply_batch(now, events, None, &no_bodies, Chains::Linked)
    }

    /// Applies a batch of `create_transfer` events at time `now` (nanoseconds), for callers that
    /// can give any committed transfer's body (such as one held in memory).
    pub fn apply_transfers(
        &mut self,
        now: u64,
        events: &[Transfer],
        bodies: &dyn TransferBodies,
    ) -> BatchOutcome<CreateTransferResult, Transfer> {
        // Every body is at hand, so nothing needs fetching first.
        self.apply_batch(now, events, None, bodies, Chains::Linked)
    }

    /// Applies a batch of `create_transfer` events at time `now` (nanoseconds) after
    /// [`Ledger::prefetch`]: `bodies` must hold the transfers of [`Prefetch::seqs`], and nothing
    /// may have been applied since the prefetch.
    pub fn apply_prefetched(
        &mut self,
        now: u64,
        events: &[Transfer],
        prefetch: &Prefetch,
        bodies: &dyn TransferBodies,
    ) -> BatchOutcome<CreateTransferResult, Transfer> {
        assert_eq!(
            prefetch.transfers_count, self.transfers_count,
            "prefetch is current"
        );
        assert_eq!(
            prefetch.hits.len(),
            events.len(),
            "prefetch is for this batch"
        );
        self.apply_batch(
            now,
            events,
            Some(&prefetch.pending_hits),
            bodies,
            Chains::Linked,
        )
    }

    /// Looks up which events of a batch reuse the id of a committed transfer, so the caller can
    /// fetch those bodies (to tell `exists` from `exists_with_different_*`) before applying.
    pub fn prefetch(&self, events: &[Transfer]) -> Prefetch {
        let hits: Vec<Option<TransferSeq>> = events
            .iter()
            .map(|event| self.transfer_index.get(event.id))
            .collect();
        // A post or void needs its reservation's body only off the common path: when it is a
        // retry (to compare amounts) or when the reservation is no longer open (to check the
        // event against it before answering already posted, voided or expired). Reservations
        // that expire as the batch starts are kept in memory for that batch.
        let pending_hits = events
            .iter()
            .zip(&hits)
            .map(|(event, hit)| {
                let resolves = event.flags.contains(TransferFlags::POST_PENDING)
                    || event.flags.contains(TransferFlags::VOID_PENDING);
                let needed = resolves
                    && (hit.is_some() || !self.pending_open.contains_key(&event.pending_id));
                needed
                    .then(|| self.transfer_index.get(event.pending_id))
                    .flatten()
            })
            .collect();
        Prefetch {
            transfers_count: self.transfers_count,
            hits,
            pending_hits,
        }
    }

    /// Re-applies accounts a store journaled (the `created` of an earlier outcome, at its
    /// `timestamp`) and checks that they come out identical.
    pub fn replay_accounts(
        &mut self,
        timestamp: u64,
        records: &[Account],
    ) -> Result<(), ReplayError> {
        let events: Vec<Account> = records
            .iter()
            .map(|a| Account { timestamp: 0, ..*a })
            .collect();
        let no_bodies: Vec<Transfer> = Vec::new();
        let outcome = self.apply_batch(timestamp, &events, None, &no_bodies, Chains::Unlinked);
        check_replay(timestamp, &outcome, records)
    }

    /// Re-applies transfers a store journaled (the `created` of an earlier outcome, at its
    /// `timestamp`) and checks that they come out identical.
    ///
    /// Journaled records all succeeded, so they are applied one by one, chains ignored: a
    /// chain whose other events were retries (`exists`) was journaled only in part.
    pub fn replay_transfers(
        &mut self,
        timestamp: u64,
        records: &[Transfer],
        bodies: &dyn TransferBodies,
    ) -> Result<(), ReplayError> {
        let events: Vec<Transfer> = records
            .iter()
            .map(|t| Transfer { timestamp: 0, ..*t })
            .collect();
        // Journaled records are all new and all succeeded, so they need no old bodies.
        let outcome = self.apply_batch(timestamp, &events, None, bodies, Chains::Unlinked);
        check_replay(timestamp, &outcome, records)
    }

    fn apply_batch<E: BatchEvent>(
        &mut self,
        now: u64,
        events: &[E],
        pending_hits: Option<&[Option<TransferSeq>]>,
        bodies: &dyn TransferBodies,
        chains: Chains,
    ) -> BatchOutcome<E::Result, E> {
        assert!(
            events.len() <= BATCH_EVENTS_MAX,
            "batch of {} events",
            events.len()
        );
        let (timestamp, expired) = self.begin_batch(now);
        let expired_count = expired.len() as u64;
        let mut scratch = BatchScratch {
            bodies,
            current: 0,
            pending_hits,
            resolved_in_batch: expired.into_iter().collect(),
            seq_first: self.transfers_count,
            created: Vec::with_capacity(events.len()),
            undo: Vec::new(),
            in_chain: false,
        };
        let mut results = Vec::with_capacity(events.len());
        let mut chain: Option<ChainStart> = None;
        let mut chain_broken = false;
        let mut hints = [E::Hint::default(); WARM_EVENTS];
        for (index, event) in events.iter().enumerate() {
            // Every WARM_EVENTS events, touch what the next ones will look up, in tight loops
            // of reads that do not depend on each other, so the processor fetches their cache
            // lines in parallel and the probes while applying find them in cache; what the
            // warming computes on the way (hashes, account places) comes back as hints.
            if index % WARM_EVENTS == 0 {
                let ahead = &events[index..(index + WARM_EVENTS).min(events.len())];
                E::warm(ahead, self, &mut hints[..ahead.len()]);
            }
            let linked = chains == Chains::Linked && event.is_linked();
            let chain_open_at_end = linked && index + 1 == events.len();
            if linked && chain.is_none() {
                chain = Some(ChainStart {
                    index,
                    created_len: scratch.created.len(),
                    timestamp_last: self.timestamp_last,
                    transfers_count: self.transfers_count,
                });
                scratch.in_chain = true;
                assert!(!chain_broken);
            }
            scratch.current = index;
            let result = if chain_open_at_end {
                E::LINKED_EVENT_CHAIN_OPEN
            } else if chain_broken {
                E::LINKED_EVENT_FAILED
            } else {
                event.execute(self, &mut scratch, hints[index % WARM_EVENTS])
            };
            results.push(result);
            // An identical retry (`exists`) does not break a chain: what it names is already in
            // the ledger, so a retried chain answers `exists` for every event. When a chain
            // fails, its `exists` results stay, since those events are (and stay) applied.
            if result != E::OK && result != E::EXISTS {
                if let Some(start) = chain {
                    if !chain_broken {
                        chain_broken = true;
                        self.rollback(&mut scratch, start);
                        // `exists` stays only for what is still in the ledger: a repeat of an
                        // event created earlier in this chain was rolled back with it.
                        for offset in start.index..index {
                            let still_there = results[offset] == E::EXISTS
                                && E::is_committed(self, events[offset].event_id());
                            if !still_there {
                                results[offset] = E::LINKED_EVENT_FAILED;
                            }
                        }
                    }
                }
            }
            if chain.is_some() && (!linked || chain_open_at_end) {
                chain = None;
                chain_broken = false;
                scratch.in_chain = false;
                scratch.undo.clear();
            }
        }
        self.append_history_log();
        BatchOutcome {
            timestamp,
            results,
            created: scratch.created,
            expired: expired_count,
        }
    }

    /// Appends the batch's history entries to the accounts' histories (see `history_log`).
    fn append_history_log(&mut self) {
        let histories = &mut self.histories;
        for &(place, seq) in &self.history_log {
            histories[place].push(seq);
        }
        self.history_log.clear();
    }

    /// Assigns the batch its timestamp and releases the reservations that expired by then.
    fn begin_batch(&mut self, now: u64) -> (u64, Vec<(u128, OpenPending)>) {
        assert!(
            now <= TIMESTAMP_MAX,
            "the store refuses clocks past TIMESTAMP_MAX"
        );
        let timestamp = now.max(self.timestamp_next());
        let mut expired = Vec::new();
        while let Some(&(expires_at, id)) = self.expiry_queue.first() {
            if expires_at > timestamp {
                break;
            }
            self.expiry_queue.pop_first();
            let open = self
                .pending_open
                .remove(&id)
                .expect("queued reservation is open");
            self.release_reservation(&open);
            self.pending_resolved
                .insert(id, PendingStatus::Expired { timestamp });
            expired.push((id, open));
        }
        self.timestamp_last = timestamp;
        (timestamp, expired)
    }

    /// Releases an expired reservation.
    fn release_reservation(&mut self, open: &OpenPending) {
        let places = self.reserved_places(open);
        let [debit, credit] = pair_mut(&mut self.accounts, places);
        transfer::release(open, debit, credit);
    }

    /// The places of a reservation's debit and credit accounts.
    fn reserved_places(&self, open: &OpenPending) -> [usize; 2] {
        [open.debit_account_id, open.credit_account_id]
            .map(|id| self.account_place(id).expect("reserved account exists"))
    }

    /// Undoes every change of the chain that started at `start`.
    fn rollback<E>(&mut self, scratch: &mut BatchScratch<'_, E>, start: ChainStart) {
        while let Some(undo) = scratch.undo.pop() {
            match undo {
                Undo::AccountCreated(id) => {
                    let cells = &self.accounts;
                    let place = self
                        .account_index
                        .remove(id, |place| cells[place as usize].0.id);
                    let last = self.accounts.len().checked_sub(1);
                    assert_eq!(
                        place,
                        last.map(|last| last as u64),
                        "created account is last"
                    );
                    self.accounts.pop();
                    self.histories.pop();
                }
                Undo::AccountChanged(place, account) => {
                    self.accounts[place].0 = account;
                }
                Undo::TransferIndexed(id) => {
                    self.transfer_index.remove_last(id);
                }
                Undo::HistoryPushed(place) => {
                    let (logged, _) = self.history_log.pop().expect("history entry exists");
                    assert_eq!(logged, place, "history entries undone in reverse order");
                }
                Undo::PendingOpened { id, expires_at } => {
                    self.pending_open
                        .remove(&id)
                        .expect("opened reservation exists");
                    if expires_at != 0 {
                        assert!(self.expiry_queue.remove(&(expires_at, id)));
                    }
                }
                Undo::PendingResolved { id, open } => {
                    self.pending_resolved
                        .remove(&id)
                        .expect("resolution exists");
                    if open.expires_at != 0 {
                        assert!(self.expiry_queue.insert((open.expires_at, id)));
                    }
                    assert!(self.pending_open.insert(id, open).is_none());
                }
            }
        }
        scratch.created.truncate(start.created_len);
        self.timestamp_last = start.timestamp_last;
        self.transfers_count = start.transfers_count;
    }

    /// The timestamp the next committed event gets.
    fn timestamp_next(&self) -> u64 {
        self.timestamp_last
            .checked_add(1)
            .expect("timestamp fits u64")
    }
}

/// The accounts at two places, which differ (a transfer's debit and credit accounts).
#[inline]
fn pair_mut(accounts: &mut [AccountCell], places: [usize; 2]) -> [&mut Account; 2] {
    let [debit, credit] = accounts
        .get_disjoint_mut(places)
        .expect("a transfer's accounts differ");
    [&mut debit.0, &mut credit.0]
}

mod account;
mod query;
mod table;
mod transfer;

pub use query::{Balances, ImageHeader, ImageVisitor, LedgerBuilder, LedgerImage, Reservation};
