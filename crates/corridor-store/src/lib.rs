//! The ledger's storage boundary.
//!
//! [`LedgerStore`] is what the CLI, the service and the tests talk to: apply a batch, look
//! things up. Every backend gives the same answers for the same calls; the conformance suite
//! (feature `testsuite`) checks that, and a backend's own tests call it.
//!
//! Backends that keep the ledger's state in memory (the in-memory store here, the embedded
//! journal store) share [`StateMachineStore`]: it runs the pure state machine and hands what it
//! decided to a [`Persistence`], which makes it durable before the results are returned. If
//! persisting fails, the store refuses further work ([`StoreError::Poisoned`]): the in-memory
//! state is ahead of what is durable, and only reopening (which replays what is durable) is
//! safe. So a failed batch is never half-applied.

#![deny(clippy::float_arithmetic)]

pub mod codec;
mod error;
mod machine;
mod memory;
#[cfg(feature = "testsuite")]
pub mod testsuite;

pub use error::StoreError;
pub use machine::{HistoryQuery, Persistence, StateMachineStore};
pub use memory::{MemoryPersistence, MemoryStore};

use corridor_ledger::{
    Account, Balances, CreateAccountResult, CreateTransferResult, PendingStatus, Transfer,
};

/// A ledger behind a storage backend.
pub trait LedgerStore {
    /// Applies a batch of `create_account` events at `now` (nanoseconds). When it returns, the
    /// batch is durable.
    fn create_accounts(
        &mut self,
        now: u64,
        events: &[Account],
    ) -> Result<Vec<CreateAccountResult>, StoreError>;

    /// Applies a batch of `create_transfer` events at `now` (nanoseconds). When it returns, the
    /// batch is durable.
    fn create_transfers(
        &mut self,
        now: u64,
        events: &[Transfer],
    ) -> Result<Vec<CreateTransferResult>, StoreError>;

    /// The accounts with these ids, in the order asked; ids not found are left out.
    fn lookup_accounts(&mut self, ids: &[u128]) -> Result<Vec<Account>, StoreError>;

    /// The transfers with these ids, in the order asked; ids not found are left out.
    fn lookup_transfers(&mut self, ids: &[u128]) -> Result<Vec<Transfer>, StoreError>;

    /// Every account, by id.
    fn accounts(&mut self) -> Result<Vec<Account>, StoreError>;

    /// A page of an account's transfers in time order. `None` if the account does not exist.
    fn account_transfers(
        &mut self,
        query: &HistoryQuery,
    ) -> Result<Option<Vec<Transfer>>, StoreError>;

    /// An account's balances after every event up to `timestamp`. `None` if the account did
    /// not exist then.
    fn account_balances_as_of(
        &mut self,
        account_id: u128,
        timestamp: u64,
    ) -> Result<Option<Balances>, StoreError>;

    /// Where a pending transfer stands (pending, posted, voided, expired); `None` when `id`
    /// is not a pending transfer.
    fn pending_status(&mut self, id: u128) -> Result<Option<PendingStatus>, StoreError>;

    /// Checks the ledger's invariants.
    fn check_invariants(&mut self) -> Result<(), StoreError>;
}
