//! A ledger that reopens itself after its durable store fails.
//!
//! When a write to PostgreSQL fails (the server restarted, the connection was cut), the state
//! machine stops: its memory may be ahead of what is durable, so it refuses everything until
//! it is reopened. [`Recovering`] does that by itself: the failed request is answered with
//! an error (retryable: the batch may or may not have committed, and a retry with the same
//! ids is applied at most once), the store is dropped (releasing its connection and the
//! sequencer's lock), and the next request reopens it, replaying what is durable, at most
//! every [`REOPEN_EVERY`]. Until it is open again, requests are answered `unavailable`.

use std::time::{Duration, Instant};

use corridor_ledger::{
    Account, Balances, CreateAccountResult, CreateTransferResult, PendingStatus, Transfer,
};
use corridor_store::{HistoryQuery, LedgerStore, StoreError};

/// The least time between two attempts to reopen.
pub const REOPEN_EVERY: Duration = Duration::from_millis(250);

/// Opens the store again.
pub type Reopen<S> = Box<dyn FnMut() -> Result<S, StoreError> + Send>;

/// A store that reopens itself after a failed write.
pub struct Recovering<S> {
    store: Option<S>,
    reopen: Reopen<S>,
    last_attempt: Option<Instant>,
}

impl<S: LedgerStore> Recovering<S> {
    /// `store`, reopened by `reopen` when it fails.
    pub fn new(store: S, reopen: Reopen<S>) -> Recovering<S> {
        Recovering {
            store: Some(store),
            reopen,
            last_attempt: None,
        }
    }

    fn call<T>(
        &mut self,
        work: impl FnOnce(&mut S) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        if self.store.is_none() {
            let due = self
                .last_attempt
                .is_none_or(|at| at.elapsed() >= REOPEN_EVERY);
            if !due {
                return Err(StoreError::Poisoned(
                    "the ledger is reopening after a failed write; retry".to_owned(),
                ));
            }
            self.last_attempt = Some(Instant::now());
            match (self.reopen)() {
                Ok(store) => {
                    tracing::info!("the ledger reopened after a failed write");
                    self.store = Some(store);
                }
                Err(error) => {
                    tracing::warn!(%error, "reopening the ledger failed; will retry");
                    return Err(StoreError::Poisoned(format!(
                        "the ledger is reopening after a failed write ({error}); retry"
                    )));
                }
            }
        }
        let Some(store) = self.store.as_mut() else {
            return Err(StoreError::Poisoned("the ledger is closed".to_owned()));
        };
        let result = work(store);
        if let Err(error @ (StoreError::Io { .. } | StoreError::Poisoned(_))) = &result {
            tracing::error!(%error, "the ledger's store failed; it will be reopened");
            // Dropping it closes its connection, so its lock is free for the reopen.
            self.store = None;
            self.last_attempt = None;
        }
        result
    }
}

impl<S: LedgerStore> LedgerStore for Recovering<S> {
    fn create_accounts(
        &mut self,
        now: u64,
        events: &[Account],
    ) -> Result<Vec<CreateAccountResult>, StoreError> {
        self.call(|s| s.create_accounts(now, events))
    }

    fn create_transfers(
        &mut self,
        now: u64,
        events: &[Transfer],
    ) -> Result<Vec<CreateTransferResult>, StoreError> {
        self.call(|s| s.create_transfers(now, events))
    }

    fn lookup_accounts(&mut self, ids: &[u128]) -> Result<Vec<Account>, StoreError> {
        self.call(|s| s.lookup_accounts(ids))
    }

    fn lookup_transfers(&mut self, ids: &[u128]) -> Result<Vec<Transfer>, StoreError> {
        self.call(|s| s.lookup_transfers(ids))
    }

    fn accounts(&mut self) -> Result<Vec<Account>, StoreError> {
        self.call(|s| s.accounts())
    }

    fn account_transfers(
        &mut self,
        query: &HistoryQuery,
    ) -> Result<Option<Vec<Transfer>>, StoreError> {
        self.call(|s| s.account_transfers(query))
    }

    fn account_balances_as_of(
        &mut self,
        account_id: u128,
        timestamp: u64,
    ) -> Result<Option<Balances>, StoreError> {
        self.call(|s| s.account_balances_as_of(account_id, timestamp))
    }

    fn pending_status(&mut self, id: u128) -> Result<Option<PendingStatus>, StoreError> {
        self.call(|s| s.pending_status(id))
    }

    fn check_invariants(&mut self) -> Result<(), StoreError> {
        self.call(|s| s.check_invariants())
    }
}
