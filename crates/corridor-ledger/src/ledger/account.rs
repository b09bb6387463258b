//! `create_account`: validation in precedence order, then the insert.

use super::{AccountCell, BatchScratch, Ledger, Undo};
use crate::ledger::table::Probe;
use crate::result::CreateAccountResult;
use crate::types::{Account, AccountFlags};

impl Ledger {
    pub(super) fn create_account(
        &mut self,
        event: &Account,
        scratch: &mut BatchScratch<'_, Account>,
    ) -> CreateAccountResult {
        use CreateAccountResult as R;
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
        let cells = &self.accounts;
        let vacant = match self
            .account_index
            .probe(event.id, |place| cells[place as usize].0.id)
        {
            Probe::Found(place) => {
                let place = usize::try_from(place).expect("account place fits usize");
                return account_exists_result(event, &self.accounts[place].0);
            }
            Probe::Vacant(slot) => slot,
        };
        if event
            .flags
            .contains(AccountFlags::DEBITS_MUST_NOT_EXCEED_CREDITS)
            && event
                .flags
                .contains(AccountFlags::CREDITS_MUST_NOT_EXCEED_DEBITS)
        {
            return R::FlagsAreMutuallyExclusive;
        }
        if event.debits_pending != 0 {
            return R::DebitsPendingMustBeZero;
        }
        if event.debits_posted != 0 {
            return R::DebitsPostedMustBeZero;
        }
        if event.credits_pending != 0 {
            return R::CreditsPendingMustBeZero;
        }
        if event.credits_posted != 0 {
            return R::CreditsPostedMustBeZero;
        }
        if event.ledger == 0 {
            return R::LedgerMustNotBeZero;
        }
        if event.code == 0 {
            return R::CodeMustNotBeZero;
        }
        let account = Account {
            timestamp: self.timestamp_next(),
            ..*event
        };
        let place = self.accounts.len() as u64;
        self.accounts.push(AccountCell(account));
        let cells = &self.accounts;
        let hash = self.account_index.hash(account.id);
        self.account_index
            .insert_vacant(vacant, account.id, hash, place, |place| {
                cells[place as usize].0.id
            });
        self.histories.push(Vec::new());
        scratch.record(Undo::AccountCreated(account.id));
        scratch.created.push(account);
        self.timestamp_last = account.timestamp;
        R::Ok
    }
}

/// Compares a retried account with the one stored under its id. The `closed` flag is state the
/// ledger sets, so it is not compared.
fn account_exists_result(event: &Account, existing: &Account) -> CreateAccountResult {
    use CreateAccountResult as R;
    if event.flags.without(AccountFlags::CLOSED) != existing.flags.without(AccountFlags::CLOSED) {
        return R::ExistsWithDifferentFlags;
    }
    if event.user_data_128 != existing.user_data_128 {
        return R::ExistsWithDifferentUserData128;
    }
    if event.user_data_64 != existing.user_data_64 {
        return R::ExistsWithDifferentUserData64;
    }
    if event.user_data_32 != existing.user_data_32 {
        return R::ExistsWithDifferentUserData32;
    }
    if event.ledger != existing.ledger {
        return R::ExistsWithDifferentLedger;
    }
    if event.code != existing.code {
        return R::ExistsWithDifferentCode;
    }
    R::Exists
}
