//! [`StateMachineStore`]: the pure ledger in memory, made durable by a [`Persistence`].

use std::collections::BTreeMap;

use corridor_ledger::{
    Account, Balances, CreateAccountResult, CreateTransferResult, Ledger, PendingStatus, Transfer,
    TransferSeq, BATCH_EVENTS_MAX, TIMESTAMP_MAX,
};

use crate::{LedgerStore, StoreError};

/// Where a [`StateMachineStore`] keeps what the ledger decided.
pub trait Persistence {
    /// The bodies of committed transfers, by position.
    fn read_transfers(
        &mut self,
        seqs: &[TransferSeq],
    ) -> Result<BTreeMap<TransferSeq, Transfer>, StoreError>;

    /// Makes a batch of created accounts durable (the batch's timestamp with its records).
    fn persist_accounts(&mut self, timestamp: u64, created: &[Account]) -> Result<(), StoreError>;

    /// Makes a batch of created transfers durable; the first has position `seq_first`.
    /// `created` may be empty when the batch only released expired reservations.
    fn persist_transfers(
        &mut self,
        timestamp: u64,
        seq_first: TransferSeq,
        created: &[Transfer],
    ) -> Result<(), StoreError>;
}

/// A page of an account's history: transfers with `timestamp_min <= timestamp <=
/// timestamp_max`, oldest first (newest first if `reversed`), at most `limit`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct HistoryQuery {
    /// The account.
    pub account_id: u128,
    /// Lowest timestamp included.
    pub timestamp_min: u64,
    /// Highest timestamp included.
    pub timestamp_max: u64,
    /// Most transfers returned.
    pub limit: u32,
    /// Newest first.
    pub reversed: bool,
}

impl HistoryQuery {
    /// The most transfers one page may hold.
    pub const LIMIT_MAX: u32 = 8_189;

    /// The first `limit` transfers of an account, oldest first.
    pub fn first(account_id: u128, limit: u32) -> HistoryQuery {
        HistoryQuery {
            account_id,
            timestamp_min: 0,
            timestamp_max: u64::MAX,
            limit,
            reversed: false,
        }
    }
}

/// The state machine in memory over a persistence.
pub struct StateMachineStore<P> {
    ledger: Ledger,
    persistence: P,
    poisoned: Option<String>,
}

impl<P: Persistence> StateMachineStore<P> {
    /// A store over a rebuilt (or empty) ledger and its persistence.
    pub fn new(ledger: Ledger, persistence: P) -> StateMachineStore<P> {
        StateMachineStore {
            ledger,
            persistence,
            poisoned: None,
        }
    }

    /// The ledger's state.
    pub fn ledger(&self) -> &Ledger {
        &self.ledger
    }

    /// The persistence, for backend housekeeping (snapshots, sync).
    pub fn persistence_mut(&mut self) -> &mut P {
        &mut self.persistence
    }

    /// The ledger and the persistence together.
    pub fn parts_mut(&mut self) -> (&Ledger, &mut P) {
        (&self.ledger, &mut self.persistence)
    }

    fn check_usable(&self, now: u64, events_count: usize) -> Result<(), StoreError> {
        if let Some(reason) = &self.poisoned {
            return Err(StoreError::Poisoned(reason.clone()));
        }
        if now > TIMESTAMP_MAX {
            return Err(StoreError::InvalidRequest(format!(
                "the clock reads {now} ns, past the last timestamp the ledger takes ({TIMESTAMP_MAX})"
            )));
        }
        if events_count > BATCH_EVENTS_MAX {
            return Err(StoreError::InvalidRequest(format!(
                "a batch holds at most {BATCH_EVENTS_MAX} events, not {events_count}"
            )));
        }
        Ok(())
    }

    fn poison_on_error(&mut self, result: Result<(), StoreError>) -> Result<(), StoreError> {
        if let Err(error) = &result {
            self.poisoned = Some(error.to_string());
        }
        result
    }

    fn read_seqs(&mut self, seqs: &[TransferSeq]) -> Result<Vec<Transfer>, StoreError> {
        let bodies = self.persistence.read_transfers(seqs)?;
        seqs.iter()
            .map(|seq| {
                bodies.get(seq).copied().ok_or_else(|| {
                    StoreError::Corrupt(format!("transfer at position {seq} was not returned"))
                })
            })
            .collect()
    }

    /// The timestamp of the transfer at `seq`.
    fn timestamp_at(&mut self, seq: TransferSeq) -> Result<u64, StoreError> {
        Ok(self.read_seqs(&[seq])?[0].timestamp)
    }

    /// The first index in `history` whose transfer has a timestamp `>= timestamp`.
    fn history_partition(
        &mut self,
        history: &[TransferSeq],
        timestamp: u64,
    ) -> Result<usize, StoreError> {
        let (mut low, mut high) = (0, history.len());
        while low < high {
            let middle = low + (high - low) / 2;
            if self.timestamp_at(history[middle])? < timestamp {
                low = middle + 1;
            } else {
                high = middle;
            }
        }
        Ok(low)
    }
}

impl<P: Persistence> LedgerStore for StateMachineStore<P> {
    fn create_accounts(
        &mut self,
        now: u64,
        events: &[Account],
    ) -> Result<Vec<CreateAccountResult>, StoreError> {
        self.check_usable(now, events.len())?;
        let outcome = self.ledger.apply_accounts(now, events);
        if outcome.changed_state() {
            let persisted = self
                .persistence
                .persist_accounts(outcome.timestamp, &outcome.created);
            self.poison_on_error(persisted)?;
        }
        Ok(outcome.results)
    }

    fn create_transfers(
        &mut self,
        now: u64,
        events: &[Transfer],
    ) -> Result<Vec<CreateTransferResult>, StoreError> {
        self.check_usable(now, events.len())?;
        let prefetch = self.ledger.prefetch(events);
        let bodies = self.persistence.read_transfers(&prefetch.seqs())?;
        let seq_first = self.ledger.transfers_count();
        let outcome = self
            .ledger
            .apply_prefetched(now, events, &prefetch, &bodies);
        if outcome.changed_state() {
            let persisted =
                self.persistence
                    .persist_transfers(outcome.timestamp, seq_first, &outcome.created);
            self.poison_on_error(persisted)?;
        }
        Ok(outcome.results)
    }

    fn lookup_accounts(&mut self, ids: &[u128]) -> Result<Vec<Account>, StoreError> {
        Ok(ids
            .iter()
            .filter_map(|id| self.ledger.account(*id))
            .collect())
    }

    fn lookup_transfers(&mut self, ids: &[u128]) -> Result<Vec<Transfer>, StoreError> {
        let seqs: Vec<TransferSeq> = ids
            .iter()
            .filter_map(|id| self.ledger.transfer_seq(*id))
            .collect();
        self.read_seqs(&seqs)
    }

    fn accounts(&mut self) -> Result<Vec<Account>, StoreError> {
        Ok(self.ledger.accounts_sorted())
    }

    fn account_transfers(
        &mut self,
        query: &HistoryQuery,
    ) -> Result<Option<Vec<Transfer>>, StoreError> {
        if query.limit > HistoryQuery::LIMIT_MAX {
            return Err(StoreError::InvalidRequest(format!(
                "a page holds at most {} transfers, not {}",
                HistoryQuery::LIMIT_MAX,
                query.limit
            )));
        }
        let Some(history) = self.ledger.account_history(query.account_id) else {
            return Ok(None);
        };
        let history = history.to_vec();
        let start = self.history_partition(&history, query.timestamp_min)?;
        let end = match query.timestamp_max.checked_add(1) {
            Some(after) => self.history_partition(&history, after)?,
            None => history.len(),
        };
        let range = &history[start..end.max(start)];
        let limit = usize::try_from(query.limit).unwrap_or(usize::MAX);
        let page: Vec<TransferSeq> = if query.reversed {
            range.iter().rev().take(limit).copied().collect()
        } else {
            range.iter().take(limit).copied().collect()
        };
        self.read_seqs(&page).map(Some)
    }

    fn account_balances_as_of(
        &mut self,
        account_id: u128,
        timestamp: u64,
    ) -> Result<Option<Balances>, StoreError> {
        let Some(account) = self.ledger.account(account_id) else {
            return Ok(None);
        };
        if account.timestamp > timestamp {
            return Ok(None);
        }
        let history = self
            .ledger
            .account_history(account_id)
            .unwrap_or_default()
            .to_vec();
        let end = match timestamp.checked_add(1) {
            Some(after) => self.history_partition(&history, after)?,
            None => history.len(),
        };
        let transfers = self.read_seqs(&history[..end])?;
        Ok(Some(
            self.ledger.balances_as_of(account_id, timestamp, transfers),
        ))
    }

    fn pending_status(&mut self, id: u128) -> Result<Option<PendingStatus>, StoreError> {
        Ok(self.ledger.pending_status(id))
    }

    fn check_invariants(&mut self) -> Result<(), StoreError> {
        self.ledger
            .check_invariants()
            .map_err(|violation| StoreError::Corrupt(violation.0))
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use corridor_ledger::{Account, Ledger, Transfer, TransferSeq};

    use crate::{LedgerStore, Persistence, StateMachineStore, StoreError};

    /// Fails every write after the first `writes_ok`.
    struct FailingPersistence {
        writes_ok: u32,
    }

    impl Persistence for FailingPersistence {
        fn read_transfers(
            &mut self,
            _seqs: &[TransferSeq],
        ) -> Result<BTreeMap<TransferSeq, Transfer>, StoreError> {
            Ok(BTreeMap::new())
        }
        fn persist_accounts(&mut self, _: u64, _: &[Account]) -> Result<(), StoreError> {
            self.write()
        }
        fn persist_transfers(&mut self, _: u64, _: u64, _: &[Transfer]) -> Result<(), StoreError> {
            self.write()
        }
    }

    impl FailingPersistence {
        fn write(&mut self) -> Result<(), StoreError> {
            if self.writes_ok == 0 {
                return Err(StoreError::io("append", std::io::Error::other("disk full")));
            }
            self.writes_ok -= 1;
            Ok(())
        }
    }

    #[test]
    fn a_failed_write_poisons_the_store_until_reopened() {
        let mut store = StateMachineStore::new(Ledger::new(), FailingPersistence { writes_ok: 1 });
        let accounts: Vec<Account> = (1..=2)
            .map(|id| Account {
                id,
                ledger: 1,
                code: 1,
                ..Account::default()
            })
            .collect();
        store.create_accounts(1, &accounts).unwrap();
        let transfer = Transfer {
            id: 9,
            debit_account_id: 1,
            credit_account_id: 2,
            amount: 5,
            ledger: 1,
            code: 1,
            ..Transfer::default()
        };
        let error = store.create_transfers(2, &[transfer]).unwrap_err();
        assert!(matches!(error, StoreError::Io { .. }), "{error}");
        let error = store.create_transfers(3, &[]).unwrap_err();
        assert!(
            matches!(error, StoreError::Poisoned(ref m) if m.contains("disk full")),
            "{error}"
        );
        assert!(matches!(
            store.create_accounts(3, &[]),
            Err(StoreError::Poisoned(_))
        ));
    }
}
