//! The in-memory backend: nothing survives the process. For tests and the state machine bench.

use std::collections::BTreeMap;

use corridor_ledger::{Account, Ledger, Transfer, TransferSeq};

use crate::{Persistence, StateMachineStore, StoreError};

/// Keeps transfer bodies in memory, one vector per batch (so growing never copies old
/// batches), found by position through the batches' first positions.
#[derive(Debug, Default)]
pub struct MemoryPersistence {
    batches: Vec<(TransferSeq, Vec<Transfer>)>,
    transfers_count: u64,
}

impl MemoryPersistence {
    fn transfer(&self, seq: TransferSeq) -> Option<Transfer> {
        let index = self
            .batches
            .partition_point(|(first, _)| *first <= seq)
            .checked_sub(1)?;
        let (first, transfers) = &self.batches[index];
        transfers.get(usize::try_from(seq - first).ok()?).copied()
    }
}

impl Persistence for MemoryPersistence {
    fn read_transfers(
        &mut self,
        seqs: &[TransferSeq],
    ) -> Result<BTreeMap<TransferSeq, Transfer>, StoreError> {
        seqs.iter()
            .map(|&seq| {
                self.transfer(seq)
                    .map(|transfer| (seq, transfer))
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
            seq_first, self.transfers_count,
            "transfers persist in order"
        );
        if !created.is_empty() {
            self.batches.push((seq_first, created.to_vec()));
            self.transfers_count += created.len() as u64;
        }
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
