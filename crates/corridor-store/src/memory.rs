//! The in-memory backend: nothing survives the process. For tests and the state machine bench.

use std::collections::BTreeMap;

use corridor_ledger::{Account, Ledger, Transfer, TransferSeq};

use crate::{Persistence, StateMachineStore, StoreError};

/// Keeps transfer bodies in a vector indexed by position.
#[derive(Debug, Default)]
pub struct MemoryPersistence {
    transfers: Vec<Transfer>,
}

impl Persistence for MemoryPersistence {
    fn read_transfers(
        &mut self,
        seqs: &[TransferSeq],
    ) -> Result<BTreeMap<TransferSeq, Transfer>, StoreError> {
        seqs.iter()
            .map(|&seq| {
                usize::try_from(seq)
                    .ok()
                    .and_then(|index| self.transfers.get(index))
                    .map(|transfer| (seq, *transfer))
                    .ok_or_else(|| StoreError::Corrupt(format!("no transfer at position {seq}")))
            })
            .collect()
    }

    fn persist_accounts(
        &mut self,
        _timestamp: u64,
        _created: &[Account],
    ) -> Result<(), StoreError> {
        Ok(())
    }

    fn persist_transfers(
        &mut self,
        _timestamp: u64,
        seq_first: TransferSeq,
        created: &[Transfer],
    ) -> Result<(), StoreError> {
        assert_eq!(
            seq_first,
            self.transfers.len() as u64,
            "transfers persist in order"
        );
        self.transfers.extend_from_slice(created);
        Ok(())
    }
}

/// The in-memory ledger store.
pub type MemoryStore = StateMachineStore<MemoryPersistence>;

impl MemoryStore {
    /// An empty in-memory ledger.
    pub fn in_memory() -> MemoryStore {
        StateMachineStore::new(Ledger::new(), MemoryPersistence::default())
    }
}

#[cfg(test)]
mod tests {
    use crate::LedgerStore;

    #[test]
    fn memory_store_conforms() {
        crate::testsuite::run_all(&mut || {
            Box::new(super::MemoryStore::in_memory()) as Box<dyn LedgerStore>
        });
    }
}
