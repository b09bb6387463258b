//! Lookups, invariant checks, and the image a store snapshots and restores.

use std::collections::BTreeMap;

use super::{AccountCell, InvariantViolation, Ledger, LedgerTotals, OpenPending, TransferSeq};
use crate::types::{Account, AccountFlags, PendingStatus, Transfer, TransferFlags};

/// An open reservation as a snapshot stores it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Reservation {
    /// The pending transfer's id.
    pub id: u128,
    /// Its debit account.
    pub debit_account_id: u128,
    /// Its credit account.
    pub credit_account_id: u128,
    /// The amount reserved.
    pub amount: u128,
    /// Its ledger.
    pub ledger: u32,
    /// Its code.
    pub code: u16,
    /// Its flags.
    pub flags: TransferFlags,
    /// When it expires (0: never).
    pub expires_at: u64,
    /// Its user data, inherited by a post or void that gives none.
    pub user_data_128: u128,
    /// Its user data.
    pub user_data_64: u64,
    /// Its user data.
    pub user_data_32: u32,
}

/// Balances of one account at a point in time.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Balances {
    /// Pending debits.
    pub debits_pending: u128,
    /// Posted debits.
    pub debits_posted: u128,
    /// Pending credits.
    pub credits_pending: u128,
    /// Posted credits.
    pub credits_posted: u128,
}

impl Ledger {
    /// The account with this id.
    pub fn account(&self, id: u128) -> Option<Account> {
        self.account_place(id).map(|place| self.accounts[place].0)
    }

    /// Every account, sorted by id.
    pub fn accounts_sorted(&self) -> Vec<Account> {
        let mut accounts: Vec<Account> = self.accounts.iter().map(|cell| cell.0).collect();
        accounts.sort_unstable_by_key(|account| account.id);
        accounts
    }

    /// How many accounts exist.
    pub fn accounts_count(&self) -> u64 {
        self.accounts.len() as u64
    }

    /// How many transfers were committed; also the position the next one gets.
    pub fn transfers_count(&self) -> u64 {
        self.transfers_count
    }

    /// The timestamp of the last batch or event.
    pub fn timestamp_last(&self) -> u64 {
        self.timestamp_last
    }

    /// Where the transfer with this id sits in commit order.
    pub fn transfer_seq(&self, id: u128) -> Option<TransferSeq> {
        self.transfer_index.get(id)
    }

    /// The positions of the transfers that touched the account, oldest first.
    pub fn account_history(&self, id: u128) -> Option<&[TransferSeq]> {
        self.account_place(id)
            .map(|place| self.histories[place].as_slice())
    }

    /// Where a pending transfer stands; `None` when `id` is not a pending transfer.
    pub fn pending_status(&self, id: u128) -> Option<PendingStatus> {
        if self.pending_open.contains_key(&id) {
            return Some(PendingStatus::Pending);
        }
        self.pending_resolved.get(&id).copied()
    }

    /// Debits and credits summed per ledger. `Err` if a sum overflows 128 bits.
    pub fn totals(&self) -> Result<BTreeMap<u32, LedgerTotals>, InvariantViolation> {
        let mut totals: BTreeMap<u32, LedgerTotals> = BTreeMap::new();
        for AccountCell(account) in &self.accounts {
            let entry = totals.entry(account.ledger).or_default();
            let overflow =
                || InvariantViolation(format!("ledger {} totals overflow", account.ledger));
            entry.debits_pending = entry
                .debits_pending
                .checked_add(account.debits_pending)
                .ok_or_else(overflow)?;
            entry.debits_posted = entry
                .debits_posted
                .checked_add(account.debits_posted)
                .ok_or_else(overflow)?;
            entry.credits_pending = entry
                .credits_pending
                .checked_add(account.credits_pending)
                .ok_or_else(overflow)?;
            entry.credits_posted = entry
                .credits_posted
                .checked_add(account.credits_posted)
                .ok_or_else(overflow)?;
        }
        Ok(totals)
    }

    /// Checks the invariants: per ledger, debits equal credits (pending and posted apart); no
    /// account breaks its bound; the pending balances are exactly the open reservations.
    pub fn check_invariants(&self) -> Result<(), InvariantViolation> {
        // Each account's balances fit in 128 bits, but a ledger's sum over many accounts
        // need not: the sums are kept in 256 bits (a low half and a count of carries).
        let mut sums: BTreeMap<u32, [Wide; 4]> = BTreeMap::new();
        for AccountCell(account) in &self.accounts {
            let entry = sums.entry(account.ledger).or_default();
            entry[0].add(account.debits_pending);
            entry[1].add(account.credits_pending);
            entry[2].add(account.debits_posted);
            entry[3].add(account.credits_posted);
        }
        for (ledger, [debits_pending, credits_pending, debits_posted, credits_posted]) in sums {
            if debits_pending != credits_pending {
                return Err(InvariantViolation(format!(
                    "ledger {ledger}: debits_pending {debits_pending} != credits_pending {credits_pending}"
                )));
            }
            if debits_posted != credits_posted {
                return Err(InvariantViolation(format!(
                    "ledger {ledger}: debits_posted {debits_posted} != credits_posted {credits_posted}"
                )));
            }
        }
        for AccountCell(account) in &self.accounts {
            check_bounds(account)?;
        }
        self.check_reservations()
    }

    fn check_reservations(&self) -> Result<(), InvariantViolation> {
        let mut reserved: BTreeMap<u128, (u128, u128)> = BTreeMap::new();
        for open in self.pending_open.values() {
            let debit = reserved.entry(open.debit_account_id).or_default();
            debit.0 = debit.0.saturating_add(open.amount);
            let credit = reserved.entry(open.credit_account_id).or_default();
            credit.1 = credit.1.saturating_add(open.amount);
        }
        for AccountCell(account) in &self.accounts {
            let (debits, credits) = reserved.get(&account.id).copied().unwrap_or_default();
            if account.debits_pending != debits || account.credits_pending != credits {
                return Err(InvariantViolation(format!(
                    "account {}: pending balances {}/{} but open reservations {}/{}",
                    account.id, account.debits_pending, account.credits_pending, debits, credits
                )));
            }
        }
        let queued = self
            .pending_open
            .values()
            .filter(|open| open.expires_at != 0)
            .count();
        if queued != self.expiry_queue.len() {
            return Err(InvariantViolation(format!(
                "{queued} reservations with a timeout but {} in the expiry queue",
                self.expiry_queue.len()
            )));
        }
        Ok(())
    }

    /// The balances of `account` as they stood after every event with a timestamp up to
    /// `timestamp`, computed from its history. `transfers` yields the account's transfers in
    /// history order (as [`Ledger::account_history`] lists them); the caller may stop early.
    pub fn balances_as_of(
        &self,
        account_id: u128,
        timestamp: u64,
        transfers: impl IntoIterator<Item = Transfer>,
    ) -> Balances {
        let mut balances = Balances::default();
        // Open reservations of this account: id -> (amount, whether the account is debited).
        let mut reserved: BTreeMap<u128, (u128, bool)> = BTreeMap::new();
        for transfer in transfers {
            if transfer.timestamp > timestamp {
                break;
            }
            let debit = transfer.debit_account_id == account_id;
            let flags = transfer.flags;
            if flags.contains(TransferFlags::PENDING) {
                reserved.insert(transfer.id, (transfer.amount, debit));
                add_pending(&mut balances, debit, transfer.amount);
                continue;
            }
            if flags.contains(TransferFlags::POST_PENDING)
                || flags.contains(TransferFlags::VOID_PENDING)
            {
                let (amount, _) = reserved.remove(&transfer.pending_id).unwrap_or_default();
                sub_pending(&mut balances, debit, amount);
                if flags.contains(TransferFlags::VOID_PENDING) {
                    continue;
                }
            }
            if debit {
                balances.debits_posted = balances.debits_posted.saturating_add(transfer.amount);
            } else {
                balances.credits_posted = balances.credits_posted.saturating_add(transfer.amount);
            }
        }
        for (id, (amount, debit)) in reserved {
            let expired = matches!(
                self.pending_resolved.get(&id),
                Some(PendingStatus::Expired { timestamp: released }) if *released <= timestamp
            );
            if expired {
                sub_pending(&mut balances, debit, amount);
            }
        }
        balances
    }
}

fn add_pending(balances: &mut Balances, debit: bool, amount: u128) {
    if debit {
        balances.debits_pending = balances.debits_pending.saturating_add(amount);
    } else {
        balances.credits_pending = balances.credits_pending.saturating_add(amount);
    }
}

fn sub_pending(balances: &mut Balances, debit: bool, amount: u128) {
    if debit {
        balances.debits_pending = balances.debits_pending.saturating_sub(amount);
    } else {
        balances.credits_pending = balances.credits_pending.saturating_sub(amount);
    }
}

fn check_bounds(account: &Account) -> Result<(), InvariantViolation> {
    let debits = account.debits_pending.saturating_add(account.debits_posted);
    let credits = account
        .credits_pending
        .saturating_add(account.credits_posted);
    if account
        .flags
        .contains(AccountFlags::DEBITS_MUST_NOT_EXCEED_CREDITS)
        && debits > account.credits_posted
    {
        return Err(InvariantViolation(format!(
            "account {} debits exceed credits",
            account.id
        )));
    }
    if account
        .flags
        .contains(AccountFlags::CREDITS_MUST_NOT_EXCEED_DEBITS)
        && credits > account.debits_posted
    {
        return Err(InvariantViolation(format!(
            "account {} credits exceed debits",
            account.id
        )));
    }
    Ok(())
}

/// The parts of a ledger's state a snapshot holds, handed back by [`Ledger::restore`].
#[derive(Debug, Default)]
pub struct LedgerImage {
    /// The last assigned timestamp.
    pub timestamp_last: u64,
    /// How many transfers were committed.
    pub transfers_count: u64,
    /// Accounts with their histories.
    pub accounts: Vec<(Account, Vec<TransferSeq>)>,
    /// The idempotency index: transfer id and position.
    pub transfer_index: Vec<(u128, TransferSeq)>,
    /// Open reservations.
    pub reservations: Vec<Reservation>,
    /// Resolved pending transfers.
    pub resolutions: Vec<(u128, PendingStatus)>,
}

impl Ledger {
    /// Visits the whole state in the form [`Ledger::restore`] takes back (any order).
    pub fn visit_image(&self, visitor: &mut dyn ImageVisitor) {
        visitor.header(&ImageHeader {
            timestamp_last: self.timestamp_last,
            transfers_count: self.transfers_count,
            accounts_count: self.accounts.len() as u64,
            reservations_count: self.pending_open.len() as u64,
            resolutions_count: self.pending_resolved.len() as u64,
        });
        for (AccountCell(account), history) in self.accounts.iter().zip(&self.histories) {
            visitor.account(account, history);
        }
        for (id, seq) in self.transfer_index.iter() {
            visitor.indexed(id, seq);
        }
        for (&id, open) in &self.pending_open {
            visitor.reservation(&Reservation {
                id,
                debit_account_id: open.debit_account_id,
                credit_account_id: open.credit_account_id,
                amount: open.amount,
                ledger: open.ledger,
                code: open.code,
                flags: open.flags,
                expires_at: open.expires_at,
                user_data_128: open.user_data_128,
                user_data_64: open.user_data_64,
                user_data_32: open.user_data_32,
            });
        }
        for (&id, &status) in &self.pending_resolved {
            visitor.resolution(id, status);
        }
    }

    /// Rebuilds a ledger from a snapshot image and checks its invariants.
    pub fn restore(image: LedgerImage) -> Result<Ledger, InvariantViolation> {
        let mut builder = Ledger::builder(&ImageHeader {
            timestamp_last: image.timestamp_last,
            transfers_count: image.transfers_count,
            accounts_count: image.accounts.len() as u64,
            reservations_count: image.reservations.len() as u64,
            resolutions_count: image.resolutions.len() as u64,
        });
        for (account, history) in image.accounts {
            builder.account(account, history)?;
        }
        for (id, seq) in image.transfer_index {
            builder.indexed(id, seq)?;
        }
        for reservation in image.reservations {
            builder.reservation(&reservation)?;
        }
        for (id, status) in image.resolutions {
            builder.resolution(id, status)?;
        }
        builder.finish()
    }

    /// Starts rebuilding a ledger part by part, in the order [`Ledger::visit_image`] gives
    /// the parts (so a store can restore while it reads, without a second copy in memory).
    pub fn builder(header: &ImageHeader) -> LedgerBuilder {
        let mut ledger = Ledger {
            timestamp_last: header.timestamp_last,
            transfers_count: header.transfers_count,
            ..Ledger::default()
        };
        ledger.reserve_accounts(header.accounts_count);
        ledger
            .transfer_index
            .reserve(usize::try_from(header.transfers_count).unwrap_or(0));
        let words = usize::try_from(header.transfers_count.div_ceil(64)).unwrap_or(0);
        LedgerBuilder {
            ledger,
            seen: vec![0; words],
        }
    }
}

/// The scalar state of a ledger image and the size of each of its parts.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ImageHeader {
    /// The last assigned timestamp.
    pub timestamp_last: u64,
    /// How many transfers were committed (and index entries follow).
    pub transfers_count: u64,
    /// How many accounts follow.
    pub accounts_count: u64,
    /// How many open reservations follow.
    pub reservations_count: u64,
    /// How many resolutions follow.
    pub resolutions_count: u64,
}

/// Rebuilds a ledger part by part, checking each part as it comes (see [`Ledger::builder`]).
#[derive(Debug)]
pub struct LedgerBuilder {
    ledger: Ledger,
    /// One bit per transfer position already indexed.
    seen: Vec<u64>,
}

impl LedgerBuilder {
    /// Adds an account and its history.
    pub fn account(
        &mut self,
        account: Account,
        history: Vec<TransferSeq>,
    ) -> Result<(), InvariantViolation> {
        let count = self.ledger.transfers_count;
        if history.iter().any(|&seq| seq >= count) || history.windows(2).any(|w| w[0] >= w[1]) {
            return corrupt(format!(
                "account {} has a history out of order or range",
                account.id
            ));
        }
        let ledger = &mut self.ledger;
        if account.id == 0 {
            return corrupt("account 0".into());
        }
        if ledger.account_place(account.id).is_some() {
            return corrupt(format!("account {} listed twice", account.id));
        }
        let place = ledger.accounts.len() as u64;
        ledger.accounts.push(AccountCell(account));
        let cells = &ledger.accounts;
        ledger
            .account_index
            .insert(account.id, place, |place| cells[place as usize].0.id);
        ledger.histories.push(history);
        Ok(())
    }

    /// Adds an entry of the idempotency index: each position once, each below the count.
    pub fn indexed(&mut self, id: u128, seq: TransferSeq) -> Result<(), InvariantViolation> {
        let count = self.ledger.transfers_count;
        let word = usize::try_from(seq / 64)
            .ok()
            .and_then(|i| self.seen.get_mut(i));
        let Some(word) = word.filter(|_| seq < count) else {
            return corrupt(format!("transfer {id} at position {seq}, past the count"));
        };
        let bit = 1u64 << (seq % 64);
        if id == 0 {
            return corrupt(format!("transfer 0 at position {seq}"));
        }
        if *word & bit != 0 || !self.ledger.transfer_index.restore(id, seq, count) {
            return corrupt(format!("transfer {id} or position {seq} indexed twice"));
        }
        *word |= bit;
        Ok(())
    }

    /// Adds an open reservation (after the accounts and the index).
    pub fn reservation(&mut self, reservation: &Reservation) -> Result<(), InvariantViolation> {
        let ledger = &mut self.ledger;
        let known = reservation.debit_account_id != reservation.credit_account_id
            && ledger.account_place(reservation.debit_account_id).is_some()
            && ledger
                .account_place(reservation.credit_account_id)
                .is_some()
            && ledger.transfer_index.contains(reservation.id);
        if !known {
            return corrupt(format!(
                "reservation {} names unknown records",
                reservation.id
            ));
        }
        let open = OpenPending {
            debit_account_id: reservation.debit_account_id,
            credit_account_id: reservation.credit_account_id,
            amount: reservation.amount,
            ledger: reservation.ledger,
            code: reservation.code,
            flags: reservation.flags,
            expires_at: reservation.expires_at,
            user_data_128: reservation.user_data_128,
            user_data_64: reservation.user_data_64,
            user_data_32: reservation.user_data_32,
        };
        if open.expires_at != 0 {
            ledger
                .expiry_queue
                .insert((open.expires_at, reservation.id));
        }
        if ledger.pending_open.insert(reservation.id, open).is_some() {
            return corrupt(format!("reservation {} listed twice", reservation.id));
        }
        Ok(())
    }

    /// Adds a resolved reservation (after the open ones).
    pub fn resolution(
        &mut self,
        id: u128,
        status: PendingStatus,
    ) -> Result<(), InvariantViolation> {
        let ledger = &mut self.ledger;
        let open_too = ledger.pending_open.contains_key(&id);
        if status == PendingStatus::Pending || open_too || !ledger.transfer_index.contains(id) {
            return corrupt(format!(
                "resolution of {id} is not one of a closed reservation"
            ));
        }
        if ledger.pending_resolved.insert(id, status).is_some() {
            return corrupt(format!("resolution of {id} listed twice"));
        }
        Ok(())
    }

    /// The rebuilt ledger, once every position is indexed and the invariants hold.
    pub fn finish(self) -> Result<Ledger, InvariantViolation> {
        if self.ledger.transfer_index.len() as u64 != self.ledger.transfers_count {
            return corrupt("index size differs from transfer count".into());
        }
        self.ledger.check_invariants()?;
        Ok(self.ledger)
    }
}

fn corrupt<T>(what: String) -> Result<T, InvariantViolation> {
    Err(InvariantViolation(what))
}

/// Receives a ledger's state, part by part (see [`Ledger::visit_image`]).
pub trait ImageVisitor {
    /// The scalar state and how many of each part follow, visited first. The parts then come
    /// in this order: accounts, the index (`transfers_count` entries), reservations,
    /// resolutions.
    fn header(&mut self, header: &ImageHeader);
    /// One account and its history.
    fn account(&mut self, account: &Account, history: &[TransferSeq]);
    /// One entry of the idempotency index.
    fn indexed(&mut self, id: u128, seq: TransferSeq);
    /// One open reservation.
    fn reservation(&mut self, reservation: &Reservation);
    /// One resolved pending transfer.
    fn resolution(&mut self, id: u128, status: PendingStatus);
}

/// A sum of `u128`s in 256 bits: `carries * 2^128 + low`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct Wide {
    low: u128,
    carries: u128,
}

impl Wide {
    fn add(&mut self, value: u128) {
        let (low, carried) = self.low.overflowing_add(value);
        self.low = low;
        // At most one carry per account, and there are far fewer than 2^128 accounts.
        self.carries = self.carries.saturating_add(u128::from(carried));
    }
}

impl std::fmt::Display for Wide {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.carries == 0 {
            write!(f, "{}", self.low)
        } else {
            write!(f, "{} * 2^128 + {}", self.carries, self.low)
        }
    }
}

#[cfg(test)]
mod wide_tests {
    use super::Wide;

    #[test]
    fn sums_past_128_bits_compare_exactly() {
        let mut a = Wide::default();
        let mut b = Wide::default();
        for value in [u128::MAX, u128::MAX, 5] {
            a.add(value);
        }
        for value in [u128::MAX - 1, 3, u128::MAX, 3] {
            b.add(value);
        }
        // Both are 2 * (2^128 - 1) + 5 = 2^129 + 3.
        assert_eq!(a, b);
        assert_eq!(a.to_string(), "2 * 2^128 + 3");
        b.add(1);
        assert_ne!(a, b);
        // The same low half with a different number of carries is a different sum.
        let mut c = Wide::default();
        c.add(3);
        assert_ne!(a, c);
    }
}
