//! `create_transfer`: validation in precedence order, then the commit. Every check happens
//! before the first change, so a failed event leaves the state as it was.

use super::table::Probe;
use super::{pair_mut, BatchScratch, Ledger, OpenPending, TransferHint, Undo, NANOS_PER_SECOND};
use crate::result::CreateTransferResult;
use crate::types::{Account, AccountFlags, PendingStatus, Transfer, TransferFlags};

type R = CreateTransferResult;

impl Ledger {
    pub(super) fn create_transfer(
        &mut self,
        event: &Transfer,
        scratch: &mut BatchScratch<'_, Transfer>,
        hint: TransferHint,
    ) -> CreateTransferResult {
        if event.timestamp != 0 {
            return R::TimestampMustBeZero;
        }
        if event.flags.has_reserved_bits() {
            return R::ReservedFlag;
        }
        if event.id == 0 {
            return R::IdMustNotBeZero;
        }
        if event.id == u128::MAX {
            return R::IdMustNotBeIntMax;
        }
        // One probe of the idempotency index serves the duplicate check and, for a plain
        // transfer, the insert at the end.
        let vacant = match self.transfer_index.probe_hashed(event.id, hint.id_hash) {
            Probe::Vacant(slot) => slot,
            Probe::Found(seq) => {
                // A post of "the full amount" (0) matches only a post of the full reservation.
                let reserved = scratch.resolved_pending(&self.transfer_index, event.pending_id);
                let reserved = reserved.map(|pending| pending.amount);
                return transfer_exists_result(event, &scratch.body(seq), reserved);
            }
        };
        if let Some(result) = check_flags(event.flags) {
            return result;
        }
        let flags = event.flags;
        if flags.contains(TransferFlags::POST_PENDING)
            || flags.contains(TransferFlags::VOID_PENDING)
        {
            return self.resolve_pending(event, scratch);
        }
        if let Some(result) = check_plain_fields(event) {
            return result;
        }
        // One lookup per account, for the checks and the commit alike (accounts differ: checked).
        let debit_place = self.hinted_place(event.debit_account_id, hint.debit);
        let credit_place = self.hinted_place(event.credit_account_id, hint.credit);
        debug_assert_eq!(debit_place, self.account_place(event.debit_account_id));
        debug_assert_eq!(credit_place, self.account_place(event.credit_account_id));
        let Some(debit_place) = debit_place else {
            return R::DebitAccountNotFound;
        };
        let Some(credit_place) = credit_place else {
            return R::CreditAccountNotFound;
        };
        let [debit, credit] = pair_mut(&mut self.accounts, [debit_place, credit_place]);
        if let Some(result) = check_accounts(event, debit, credit) {
            return result;
        }
        let amount = balanced_amount(event, debit, credit);
        if let Some(result) = check_overflows(flags, amount, debit, credit) {
            return result;
        }
        let timestamp = self
            .timestamp_last
            .checked_add(1)
            .expect("timestamp fits u64");
        let expires_at = match expiry(flags, event.timeout, timestamp) {
            Ok(expires_at) => expires_at,
            Err(result) => return result,
        };
        if let Some(result) = check_bounds(amount, debit, credit) {
            return result;
        }
        // Committed from here on: nothing below can fail.
        let seq = self.transfers_count;
        if scratch.in_chain {
            scratch.undo.push(Undo::AccountChanged(debit_place, *debit));
            scratch
                .undo
                .push(Undo::AccountChanged(credit_place, *credit));
        }
        apply_plain(flags, amount, debit, credit);
        self.history_log.push((debit_place, seq));
        self.history_log.push((credit_place, seq));
        scratch.record(Undo::HistoryPushed(debit_place));
        scratch.record(Undo::HistoryPushed(credit_place));
        if flags.contains(TransferFlags::PENDING) {
            let open = OpenPending {
                debit_account_id: event.debit_account_id,
                credit_account_id: event.credit_account_id,
                amount,
                ledger: event.ledger,
                code: event.code,
                flags,
                expires_at,
                user_data_128: event.user_data_128,
                user_data_64: event.user_data_64,
                user_data_32: event.user_data_32,
            };
            self.pending_open.insert(event.id, open);
            if expires_at != 0 {
                self.expiry_queue.insert((expires_at, event.id));
            }
            scratch.record(Undo::PendingOpened {
                id: event.id,
                expires_at,
            });
        }
        self.transfer_index
            .insert_vacant(vacant, event.id, hint.id_hash, seq);
        scratch.created.push(Transfer {
            amount,
            timestamp,
            ..*event
        });
        self.transfer_indexed(event.id, timestamp, scratch);
        R::Ok
    }

    /// Indexes a transfer whose balances and histories are applied.
    fn index_transfer(&mut self, transfer: Transfer, scratch: &mut BatchScratch<'_, Transfer>) {
        self.transfer_index
            .insert_next(transfer.id, self.transfers_count);
        scratch.created.push(transfer);
        self.transfer_indexed(transfer.id, transfer.timestamp, scratch);
    }

    /// Completes the commit of a transfer just put in the index at the next position and
    /// in `created`.
    #[inline]
    fn transfer_indexed(
        &mut self,
        id: u128,
        timestamp: u64,
        scratch: &mut BatchScratch<'_, Transfer>,
    ) {
        self.transfers_count = self.transfers_count.checked_add(1).expect("count fits u64");
        scratch.record(Undo::TransferIndexed(id));
        self.timestamp_last = timestamp;
    }

    /// Indexes a transfer whose balances are applied, and appends it to both histories.
    fn commit_transfer(&mut self, transfer: Transfer, scratch: &mut BatchScratch<'_, Transfer>) {
        let seq = self.transfers_count;
        for account_id in [transfer.debit_account_id, transfer.credit_account_id] {
            let place = self.account_place(account_id).expect("account exists");
            self.history_log.push((place, seq));
            scratch.record(Undo::HistoryPushed(place));
        }
        self.index_transfer(transfer, scratch);
    }

    /// A `post_pending` or `void_pending` event.
    fn resolve_pending(
        &mut self,
        event: &Transfer,
        scratch: &mut BatchScratch<'_, Transfer>,
    ) -> CreateTransferResult {
        let post = event.flags.contains(TransferFlags::POST_PENDING);
        if let Some(result) = check_resolve_fields(event) {
            return result;
        }
        let Some(&open) = self.pending_open.get(&event.pending_id) else {
            return self.pending_not_open_result(event, scratch);
        };
        if let Some(result) = check_against_pending(event, &open) {
            return result;
        }
        let amount = if !post || event.amount == 0 {
            open.amount
        } else {
            event.amount
        };
        let timestamp = self.timestamp_next();
        if open.expires_at != 0 && open.expires_at <= timestamp {
            return R::PendingTransferExpired;
        }
        let debit = self
            .account(open.debit_account_id)
            .expect("reserved account");
        let credit = self
            .account(open.credit_account_id)
            .expect("reserved account");
        if post {
            // A closed account takes no posting, not even of the reservation that closed it:
            // only a void (which reopens it) or the expiry of that reservation.
            if debit.flags.contains(AccountFlags::CLOSED) {
                return R::DebitAccountAlreadyClosed;
            }
            if credit.flags.contains(AccountFlags::CLOSED) {
                return R::CreditAccountAlreadyClosed;
            }
            if debit.debits_posted.checked_add(amount).is_none() {
                return R::OverflowsDebitsPosted;
            }
            if credit.credits_posted.checked_add(amount).is_none() {
                return R::OverflowsCreditsPosted;
            }
        }
        // User data left at 0 is inherited from the reservation.
        let transfer = Transfer {
            debit_account_id: open.debit_account_id,
            credit_account_id: open.credit_account_id,
            amount,
            ledger: open.ledger,
            code: open.code,
            user_data_128: inherit(event.user_data_128, open.user_data_128),
            user_data_64: inherit(event.user_data_64, open.user_data_64),
            user_data_32: inherit(event.user_data_32, open.user_data_32),
            timestamp,
            ..*event
        };
        self.commit_resolution(transfer, open, scratch);
        R::Ok
    }

    fn commit_resolution(
        &mut self,
        transfer: Transfer,
        open: OpenPending,
        scratch: &mut BatchScratch<'_, Transfer>,
    ) {
        let [debit_place, credit_place] = self.reserved_places(&open);
        let [debit, credit] = pair_mut(&mut self.accounts, [debit_place, credit_place]);
        scratch.record(Undo::AccountChanged(debit_place, *debit));
        scratch.record(Undo::AccountChanged(credit_place, *credit));
        release(&open, debit, credit);
        let status = if transfer.flags.contains(TransferFlags::POST_PENDING) {
            // Posting moves (part of) the reservation into the posted balances.
            let flags = open.flags.without(TransferFlags::PENDING);
            apply_plain(flags, transfer.amount, debit, credit);
            close_accounts(open.flags, debit, credit);
            PendingStatus::Posted {
                timestamp: transfer.timestamp,
            }
        } else {
            PendingStatus::Voided {
                timestamp: transfer.timestamp,
            }
        };
        self.pending_open
            .remove(&transfer.pending_id)
            .expect("reservation is open");
        if open.expires_at != 0 {
            assert!(self
                .expiry_queue
                .remove(&(open.expires_at, transfer.pending_id)));
        }
        self.pending_resolved.insert(transfer.pending_id, status);
        scratch.record(Undo::PendingResolved {
            id: transfer.pending_id,
            open,
        });
        scratch.resolved_in_batch.insert(transfer.pending_id, open);
        self.commit_transfer(transfer, scratch);
    }

    /// Why a post or void names no open reservation. For a reservation already resolved,
    /// the checks against it come first, in precedence order.
    fn pending_not_open_result(
        &self,
        event: &Transfer,
        scratch: &BatchScratch<'_, Transfer>,
    ) -> CreateTransferResult {
        let status = match self.pending_resolved.get(&event.pending_id) {
            Some(PendingStatus::Posted { .. }) => R::PendingTransferAlreadyPosted,
            Some(PendingStatus::Voided { .. }) => R::PendingTransferAlreadyVoided,
            Some(PendingStatus::Expired { .. }) => R::PendingTransferExpired,
            Some(PendingStatus::Pending) => unreachable!("resolved map holds resolutions only"),
            None if self.transfer_index.contains(event.pending_id) => {
                return R::PendingTransferNotPending
            }
            None => return R::PendingTransferNotFound,
        };
        let resolved = scratch.resolved_pending(&self.transfer_index, event.pending_id);
        resolved
            .and_then(|pending| check_against_pending(event, &pending))
            .unwrap_or(status)
    }
}

/// A post or void's own value, or the reservation's when it gives the default (0).
fn inherit<T: PartialEq + Default>(given: T, reserved: T) -> T {
    if given == T::default() {
        reserved
    } else {
        given
    }
}

/// Ledger and closed-account checks of a new transfer.
fn check_accounts(
    event: &Transfer,
    debit: &Account,
    credit: &Account,
) -> Option<CreateTransferResult> {
    let result = if debit.ledger != credit.ledger {
        R::AccountsMustHaveTheSameLedger
    } else if event.ledger != debit.ledger {
        R::TransferMustHaveTheSameLedgerAsAccounts
    } else if debit.flags.contains(AccountFlags::CLOSED) {
        R::DebitAccountAlreadyClosed
    } else if credit.flags.contains(AccountFlags::CLOSED) {
        R::CreditAccountAlreadyClosed
    } else {
        return None;
    };
    Some(result)
}

/// Moves a checked transfer's amount into the balances (pending or posted) and closes
/// accounts for a closing reservation.
fn apply_plain(flags: TransferFlags, amount: u128, debit: &mut Account, credit: &mut Account) {
    if flags.contains(TransferFlags::PENDING) {
        debit.debits_pending = debit.debits_pending.checked_add(amount).expect("checked");
        credit.credits_pending = credit.credits_pending.checked_add(amount).expect("checked");
        close_accounts(flags, debit, credit);
    } else {
        debit.debits_posted = debit.debits_posted.checked_add(amount).expect("checked");
        credit.credits_posted = credit.credits_posted.checked_add(amount).expect("checked");
    }
}

/// Closes the accounts a closing transfer names.
fn close_accounts(flags: TransferFlags, debit: &mut Account, credit: &mut Account) {
    if flags.contains(TransferFlags::CLOSING_DEBIT) {
        debit.flags = debit.flags.with(AccountFlags::CLOSED);
    }
    if flags.contains(TransferFlags::CLOSING_CREDIT) {
        credit.flags = credit.flags.with(AccountFlags::CLOSED);
    }
}

/// Takes an open reservation out of both accounts' pending balances, and reopens the
/// accounts a closing reservation had closed.
pub(super) fn release(open: &OpenPending, debit: &mut Account, credit: &mut Account) {
    debit.debits_pending = debit
        .debits_pending
        .checked_sub(open.amount)
        .expect("reserved");
    credit.credits_pending = credit
        .credits_pending
        .checked_sub(open.amount)
        .expect("reserved");
    if open.flags.contains(TransferFlags::CLOSING_DEBIT) {
        debit.flags = debit.flags.without(AccountFlags::CLOSED);
    }
    if open.flags.contains(TransferFlags::CLOSING_CREDIT) {
        credit.flags = credit.flags.without(AccountFlags::CLOSED);
    }
}

/// Flags that exclude each other.
fn check_flags(flags: TransferFlags) -> Option<CreateTransferResult> {
    let phases = [
        TransferFlags::PENDING,
        TransferFlags::POST_PENDING,
        TransferFlags::VOID_PENDING,
    ];
    if phases.iter().filter(|flag| flags.contains(**flag)).count() > 1 {
        return Some(R::FlagsAreMutuallyExclusive);
    }
    let resolves =
        flags.contains(TransferFlags::POST_PENDING) || flags.contains(TransferFlags::VOID_PENDING);
    let shaping = [
        TransferFlags::BALANCING_DEBIT,
        TransferFlags::BALANCING_CREDIT,
        TransferFlags::CLOSING_DEBIT,
        TransferFlags::CLOSING_CREDIT,
    ];
    if resolves && shaping.iter().any(|flag| flags.contains(*flag)) {
        return Some(R::FlagsAreMutuallyExclusive);
    }
    None
}

/// Field checks of a transfer that is not a post or void.
fn check_plain_fields(event: &Transfer) -> Option<CreateTransferResult> {
    let result = if event.debit_account_id == 0 {
        R::DebitAccountIdMustNotBeZero
    } else if event.debit_account_id == u128::MAX {
        R::DebitAccountIdMustNotBeIntMax
    } else if event.credit_account_id == 0 {
        R::CreditAccountIdMustNotBeZero
    } else if event.credit_account_id == u128::MAX {
        R::CreditAccountIdMustNotBeIntMax
    } else if event.debit_account_id == event.credit_account_id {
        R::AccountsMustBeDifferent
    } else if event.pending_id != 0 {
        R::PendingIdMustBeZero
    } else if !event.flags.contains(TransferFlags::PENDING) && event.timeout != 0 {
        R::TimeoutReservedForPendingTransfer
    } else if !event.flags.contains(TransferFlags::PENDING)
        && (event.flags.contains(TransferFlags::CLOSING_DEBIT)
            || event.flags.contains(TransferFlags::CLOSING_CREDIT))
    {
        R::ClosingTransferMustBePending
    } else if event.amount == 0
        && !event.flags.contains(TransferFlags::BALANCING_DEBIT)
        && !event.flags.contains(TransferFlags::BALANCING_CREDIT)
    {
        R::AmountMustNotBeZero
    } else if event.ledger == 0 {
        R::LedgerMustNotBeZero
    } else if event.code == 0 {
        R::CodeMustNotBeZero
    } else {
        return None;
    };
    Some(result)
}

/// Field checks of a post or void, before the pending transfer is looked up.
fn check_resolve_fields(event: &Transfer) -> Option<CreateTransferResult> {
    let result = if event.debit_account_id == u128::MAX {
        R::DebitAccountIdMustNotBeIntMax
    } else if event.credit_account_id == u128::MAX {
        R::CreditAccountIdMustNotBeIntMax
    } else if event.debit_account_id != 0 && event.debit_account_id == event.credit_account_id {
        R::AccountsMustBeDifferent
    } else if event.pending_id == 0 {
        R::PendingIdMustNotBeZero
    } else if event.pending_id == u128::MAX {
        R::PendingIdMustNotBeIntMax
    } else if event.pending_id == event.id {
        R::PendingIdMustBeDifferent
    } else if event.timeout != 0 {
        R::TimeoutReservedForPendingTransfer
    } else {
        return None;
    };
    Some(result)
}

/// A post or void may leave accounts, ledger and code at 0 (inherited); if given, they must
/// match the reservation. A post may not exceed it; a void names 0 or the reserved amount.
fn check_against_pending(event: &Transfer, open: &OpenPending) -> Option<CreateTransferResult> {
    let result = if event.debit_account_id != 0 && event.debit_account_id != open.debit_account_id {
        R::PendingTransferHasDifferentDebitAccountId
    } else if event.credit_account_id != 0 && event.credit_account_id != open.credit_account_id {
        R::PendingTransferHasDifferentCreditAccountId
    } else if event.ledger != 0 && event.ledger != open.ledger {
        R::PendingTransferHasDifferentLedger
    } else if event.code != 0 && event.code != open.code {
        R::PendingTransferHasDifferentCode
    } else if event.amount > open.amount {
        R::ExceedsPendingTransferAmount
    } else if event.flags.contains(TransferFlags::VOID_PENDING)
        && event.amount != 0
        && event.amount < open.amount
    {
        R::PendingTransferHasDifferentAmount
    } else {
        return None;
    };
    Some(result)
}

/// The amount a transfer moves: the requested amount, or less for a balancing transfer.
fn balanced_amount(event: &Transfer, debit: &Account, credit: &Account) -> u128 {
    let mut amount = event.amount;
    if event.flags.contains(TransferFlags::BALANCING_DEBIT) {
        let debits = debit.debits_posted.saturating_add(debit.debits_pending);
        amount = amount.min(debit.credits_posted.saturating_sub(debits));
    }
    if event.flags.contains(TransferFlags::BALANCING_CREDIT) {
        let credits = credit.credits_posted.saturating_add(credit.credits_pending);
        amount = amount.min(credit.debits_posted.saturating_sub(credits));
    }
    amount
}

/// The expiry time of a pending transfer with a timeout (0: none).
fn expiry(flags: TransferFlags, timeout: u32, timestamp: u64) -> Result<u64, CreateTransferResult> {
    if !flags.contains(TransferFlags::PENDING) || timeout == 0 {
        return Ok(0);
    }
    u64::from(timeout)
        .checked_mul(NANOS_PER_SECOND)
        .and_then(|nanos| timestamp.checked_add(nanos))
        .ok_or(R::OverflowsTimeout)
}

/// Overflow checks of a new (not post/void) transfer, TigerBeetle's order: a reservation must
/// also leave room to be posted later.
fn check_overflows(
    flags: TransferFlags,
    amount: u128,
    debit: &Account,
    credit: &Account,
) -> Option<CreateTransferResult> {
    let overflows = |balance: u128| balance.checked_add(amount).is_none();
    let pending = flags.contains(TransferFlags::PENDING);
    let result = if pending && overflows(debit.debits_pending) {
        R::OverflowsDebitsPending
    } else if pending && overflows(credit.credits_pending) {
        R::OverflowsCreditsPending
    } else if overflows(debit.debits_posted) {
        R::OverflowsDebitsPosted
    } else if overflows(credit.credits_posted) {
        R::OverflowsCreditsPosted
    } else if debit
        .debits_pending
        .checked_add(debit.debits_posted)
        .is_none_or(overflows)
    {
        R::OverflowsDebits
    } else if credit
        .credits_pending
        .checked_add(credit.credits_posted)
        .is_none_or(overflows)
    {
        R::OverflowsCredits
    } else {
        return None;
    };
    Some(result)
}

/// Bound checks of a new transfer, after the overflow checks (so the sums fit).
fn check_bounds(amount: u128, debit: &Account, credit: &Account) -> Option<CreateTransferResult> {
    let debits = debit.debits_pending + debit.debits_posted + amount;
    let credits = credit.credits_pending + credit.credits_posted + amount;
    if debit
        .flags
        .contains(AccountFlags::DEBITS_MUST_NOT_EXCEED_CREDITS)
        && debits > debit.credits_posted
    {
        return Some(R::ExceedsCredits);
    }
    if credit
        .flags
        .contains(AccountFlags::CREDITS_MUST_NOT_EXCEED_DEBITS)
        && credits > credit.debits_posted
    {
        return Some(R::ExceedsDebits);
    }
    None
}

/// Compares a retried transfer with the one stored under its id. `reserved`: for a post,
/// the amount its reservation held, if known.
fn transfer_exists_result(
    event: &Transfer,
    existing: &Transfer,
    reserved: Option<u128>,
) -> CreateTransferResult {
    let flags = event.flags;
    let resolves =
        flags.contains(TransferFlags::POST_PENDING) || flags.contains(TransferFlags::VOID_PENDING);
    let inherited = |given: u128, stored: u128| (resolves && given == 0) || given == stored;
    let balancing = flags.contains(TransferFlags::BALANCING_DEBIT)
        || flags.contains(TransferFlags::BALANCING_CREDIT);
    let post = flags.contains(TransferFlags::POST_PENDING);
    let amount_matches = if post && event.amount == 0 {
        reserved.is_none_or(|reserved| reserved == existing.amount)
    } else if resolves {
        event.amount == 0 || event.amount == existing.amount
    } else if balancing {
        event.amount >= existing.amount
    } else {
        event.amount == existing.amount
    };
    if flags != existing.flags {
        R::ExistsWithDifferentFlags
    } else if event.pending_id != existing.pending_id {
        R::ExistsWithDifferentPendingId
    } else if event.timeout != existing.timeout {
        R::ExistsWithDifferentTimeout
    } else if !inherited(event.debit_account_id, existing.debit_account_id) {
        R::ExistsWithDifferentDebitAccountId
    } else if !inherited(event.credit_account_id, existing.credit_account_id) {
        R::ExistsWithDifferentCreditAccountId
    } else if !amount_matches {
        R::ExistsWithDifferentAmount
    } else if !inherited(event.user_data_128, existing.user_data_128) {
        R::ExistsWithDifferentUserData128
    } else if !inherited(event.user_data_64.into(), existing.user_data_64.into()) {
        R::ExistsWithDifferentUserData64
    } else if !inherited(event.user_data_32.into(), existing.user_data_32.into()) {
        R::ExistsWithDifferentUserData32
    } else if !inherited(u128::from(event.ledger), u128::from(existing.ledger)) {
        R::ExistsWithDifferentLedger
    } else if !inherited(u128::from(event.code), u128::from(existing.code)) {
        R::ExistsWithDifferentCode
    } else {
        R::Exists
    }
}
