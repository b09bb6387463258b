//! Corridor's double-entry ledger state machine.
//!
//! The ledger keeps accounts with four balances (debits and credits, each pending and posted)
//! and applies batches of events: `create_account` and `create_transfer`. Every event gets its
//! own result, `ok` or one named reason ([`CreateAccountResult`], [`CreateTransferResult`], in
//! descending precedence). The model follows TigerBeetle's: client-chosen 128-bit ids that are
//! idempotency keys, linked chains that succeed or fail together, two-phase transfers
//! (pending, then post or void, or expiry after a timeout), balancing transfers, balance bounds.
//!
//! The crate is pure: no I/O, no clock, no randomness. Time comes in as the batch's `now`; the
//! bodies of old transfers come in through [`TransferBodies`], fetched by the store before the
//! batch. So the same state, batch and `now` always give the same results, and a store can
//! rebuild the state by replaying what it journaled.
//!
//! Invariants, checked by [`Ledger::check_invariants`] and by the property tests: per ledger, the
//! sum of debits equals the sum of credits (pending and posted apart); no account breaks its
//! bound; pending balances are exactly the open reservations; a transfer id is applied at most
//! once; a failed event or linked chain leaves no trace.

#![deny(clippy::float_arithmetic)]

mod ledger;
mod result;
mod types;

#[cfg(any(test, feature = "testing"))]
pub mod testing;

pub use ledger::{
    Balances, BatchOutcome, ImageHeader, ImageVisitor, InvariantViolation, Ledger, LedgerBuilder,
    LedgerImage, LedgerTotals, Prefetch, ReplayError, Reservation, TransferBodies, TransferSeq,
    BATCH_EVENTS_MAX, NANOS_PER_SECOND, TIMESTAMP_MAX,
};
pub use result::{CreateAccountResult, CreateTransferResult};
pub use types::{Account, AccountFlags, Event, PendingStatus, Transfer, TransferFlags};

#[cfg(test)]
mod tests;
