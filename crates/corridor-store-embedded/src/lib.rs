//! The embedded ledger store: the default backend, nothing to install.
//!
//! The ledger's state lives in memory (the pure state machine of `corridor-ledger`); what it
//! decides is appended to a checksummed journal, one record and one `fdatasync` per batch,
//! before the batch's results are returned. Snapshots of the whole state let a reopen replay
//! only the journal's tail. Transfer bodies stay on disk in the journal and are read by offset
//! when a retry or a lookup needs them, so memory holds accounts, the idempotency index and
//! open reservations, not every transfer.
//!
//! Files under the store's directory: `journal` (append-only), `snapshot` (replaced
//! atomically), `lock` (held while open, so two processes never write one store).
//!
//! Why a journal of our own rather than a crate: the record is one positioned write of
//! fixed-size bodies plus a CRC, and the guarantees we need (fsync per batch, torn-tail
//! detection, reads by offset for transfer bodies) are exactly what the file system gives
//! with `pwrite`/`fdatasync`/`pread`. The general-purpose crates (embedded key-value stores,
//! write-ahead-log crates) add an index or a page cache we would duplicate, and none exposes
//! the record offsets we use as the transfers' addresses.

#![deny(clippy::float_arithmetic)]

mod journal;
mod snapshot;

use std::collections::BTreeMap;
use std::fs::{self, File, OpenOptions};
use std::io::{BufReader, Seek, SeekFrom};
use std::path::{Path, PathBuf};

use corridor_ledger::{
    Account, Balances, CreateAccountResult, CreateTransferResult, Ledger, PendingStatus, Transfer,
    TransferSeq,
};
use corridor_store::{HistoryQuery, LedgerStore, Persistence, StateMachineStore, StoreError};

use crate::journal::{BatchLocation, Journal, Record, Scanned};

/// The default snapshot interval: at most 2 million transfers to replay after a crash,
/// which keeps reopening a 10-million-transfer ledger under 5 seconds on the development
/// machine (snapshot load about 3 s, replay about 1 s per million).
pub const SNAPSHOT_INTERVAL_TRANSFERS: u64 = 2_000_000;

/// On close, a snapshot is taken when at least this many events were journaled after the last
/// one: replaying fewer at the next open takes well under a second.
pub const CLOSE_SNAPSHOT_EVENTS_MIN: u64 = 100_000;

/// How to open an embedded store.
#[derive(Clone, Debug)]
pub struct EmbeddedConfig {
    /// The store's directory, created if missing.
    pub dir: PathBuf,
    /// Take a snapshot after this many transfers have been journaled since the last one.
    pub snapshot_interval_transfers: u64,
}

/// The journal as the state machine store's persistence.
pub struct JournalPersistence {
    journal: Journal,
    /// Accounts and transfers journaled after the last snapshot (replayed ones included).
    events_since_snapshot: u64,
    transfers_since_snapshot: u64,
}

impl Persistence for JournalPersistence {
    fn read_transfers(
        &mut self,
        seqs: &[TransferSeq],
    ) -> Result<BTreeMap<TransferSeq, Transfer>, StoreError> {
        seqs.iter()
            .map(|&seq| Ok((seq, self.journal.read_transfer(seq)?)))
            .collect()
    }

    fn persist_accounts(&mut self, timestamp: u64, created: &[Account]) -> Result<(), StoreError> {
        self.journal.append_accounts(timestamp, created)?;
        self.events_since_snapshot += created.len() as u64;
        Ok(())
    }

    fn persist_transfers(
        &mut self,
        timestamp: u64,
        seq_first: TransferSeq,
        created: &[Transfer],
    ) -> Result<(), StoreError> {
        self.journal
            .append_transfers(timestamp, seq_first, created)?;
        self.transfers_since_snapshot += created.len() as u64;
        self.events_since_snapshot += created.len() as u64;
        Ok(())
    }
}

/// What opening found, for the operator.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct OpenReport {
    /// Whether a snapshot was loaded.
    pub snapshot_loaded: bool,
    /// Journal records replayed after the snapshot.
    pub records_replayed: u64,
    /// Accounts and transfers in those records.
    pub events_replayed: u64,
    /// Bytes of an incomplete last write that were cut off.
    pub torn_bytes_truncated: u64,
}

/// The embedded ledger store.
pub struct EmbeddedStore {
    inner: StateMachineStore<JournalPersistence>,
    dir: PathBuf,
    config: EmbeddedConfig,
    report: OpenReport,
    snapshot_error: Option<String>,
    _lock: File,
}

impl EmbeddedStore {
    /// Opens (or creates) the store in `config.dir`: loads the snapshot, replays the journal
    /// after it, cuts off a torn last write, and checks the invariants.
    pub fn open(config: EmbeddedConfig) -> Result<EmbeddedStore, StoreError> {
        let dir = config.dir.clone();
        let shown = dir.display().to_string();
        fs::create_dir_all(&dir).map_err(|e| StoreError::io(format!("create {shown}"), e))?;
        let lock = lock_dir(&dir)?;
        let loaded = snapshot::read(&dir)?;
        let journal_path = dir.join("journal");
        let journal_shown = journal_path.display().to_string();
        let existed = journal_path.exists();
        let file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&journal_path)
            .map_err(|e| StoreError::io(format!("open {journal_shown}"), e))?;
        if !existed {
            snapshot::sync_dir(&dir)?;
        }
        let mut report = OpenReport {
            snapshot_loaded: loaded.is_some(),
            ..OpenReport::default()
        };
        let (mut ledger, batches, start) = match loaded {
            Some(loaded) => (loaded.ledger, loaded.batches, loaded.journal_length),
            None => (Ledger::new(), Vec::new(), 0),
        };
        let mut journal = Journal::new(file, journal_shown, start, batches);
        replay(&mut journal, &mut ledger, &mut report)?;
        ledger
            .check_invariants()
            .map_err(|v| StoreError::Corrupt(v.0))?;
        let persistence = JournalPersistence {
            journal,
            events_since_snapshot: report.events_replayed,
            transfers_since_snapshot: 0,
        };
        let inner = StateMachineStore::new(ledger, persistence);
        Ok(EmbeddedStore {
            inner,
            dir,
            config,
            report,
            snapshot_error: None,
            _lock: lock,
        })
    }

    /// What opening found.
    pub fn open_report(&self) -> OpenReport {
        self.report
    }

    /// The ledger's state.
    pub fn ledger(&self) -> &Ledger {
        self.inner.ledger()
    }

    /// Writes a snapshot of the current state now.
    pub fn snapshot(&mut self) -> Result<(), StoreError> {
        let (ledger, persistence) = self.inner.parts_mut();
        let length = persistence.journal.length();
        snapshot::write(&self.dir, ledger, persistence.journal.batches(), length)?;
        persistence.transfers_since_snapshot = 0;
        persistence.events_since_snapshot = 0;
        Ok(())
    }

    /// The last failed automatic snapshot, if any (the batches themselves were durable).
    pub fn snapshot_error(&self) -> Option<&str> {
        self.snapshot_error.as_deref()
    }

    /// Closes the store, first taking a snapshot if the journal written since the last one is
    /// long enough to slow the next open down ([`CLOSE_SNAPSHOT_EVENTS_MIN`] events). A short
    /// tail is cheaper to replay than the whole state is to write.
    pub fn close(mut self) -> Result<(), StoreError> {
        if self.inner.persistence_mut().events_since_snapshot >= CLOSE_SNAPSHOT_EVENTS_MIN {
            self.snapshot()?;
        }
        Ok(())
    }

    fn snapshot_if_due(&mut self) {
        let due = self.inner.persistence_mut().transfers_since_snapshot
            >= self.config.snapshot_interval_transfers;
        if due {
            self.snapshot_error = self.snapshot().err().map(|error| error.to_string());
        }
    }
}

fn lock_dir(dir: &Path) -> Result<File, StoreError> {
    let path = dir.join("lock");
    let shown = path.display().to_string();
    let file = OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(false)
        .open(&path)
        .map_err(|e| StoreError::io(format!("open {shown}"), e))?;
    match file.try_lock() {
        Ok(()) => Ok(file),
        Err(fs::TryLockError::WouldBlock) => Err(StoreError::Locked(dir.display().to_string())),
        Err(fs::TryLockError::Error(e)) => Err(StoreError::io(format!("lock {shown}"), e)),
    }
}

/// Replays the journal from its current length (the snapshot's end) into `ledger`.
fn replay(
    journal: &mut Journal,
    ledger: &mut Ledger,
    report: &mut OpenReport,
) -> Result<(), StoreError> {
    let path = journal.path().to_owned();
    let mut file = journal
        .file()
        .try_clone()
        .map_err(|e| StoreError::io(format!("open {path}"), e))?;
    let file_length = file
        .metadata()
        .map_err(|e| StoreError::io(format!("stat {path}"), e))?
        .len();
    let mut offset = journal.length();
    if offset > file_length {
        return Err(StoreError::Corrupt(format!(
            "{path} is shorter than its snapshot says"
        )));
    }
    file.seek(SeekFrom::Start(offset))
        .map_err(|e| StoreError::io(format!("seek {path}"), e))?;
    let mut reader = BufReader::with_capacity(1 << 20, file);
    let no_bodies: Vec<Transfer> = Vec::new();
    loop {
        match journal::scan_next(&mut reader, offset, file_length, &path)? {
            Scanned::End => break,
            Scanned::TornTail => {
                report.torn_bytes_truncated = file_length - offset;
                journal.truncate(offset)?;
                break;
            }
            Scanned::Record(record, next) => {
                let corrupt = |e: corridor_ledger::ReplayError| {
                    StoreError::Corrupt(format!("{path} at byte {offset}: {e}"))
                };
                let events = match record {
                    Record::Accounts {
                        timestamp,
                        accounts,
                    } => {
                        ledger
                            .replay_accounts(timestamp, &accounts)
                            .map_err(corrupt)?;
                        accounts.len()
                    }
                    Record::Transfers {
                        timestamp,
                        seq_first,
                        transfers,
                    } => {
                        if seq_first != ledger.transfers_count() {
                            return Err(StoreError::Corrupt(format!(
                                "{path} at byte {offset}: batch starts at transfer {seq_first}, \
                                 expected {}",
                                ledger.transfers_count()
                            )));
                        }
                        ledger
                            .replay_transfers(timestamp, &transfers, &no_bodies)
                            .map_err(corrupt)?;
                        if !transfers.is_empty() {
                            let count = u32::try_from(transfers.len()).expect("batch fits u32");
                            let body_offset = offset + journal::HEADER_BYTES as u64;
                            journal.push_batch(BatchLocation {
                                seq_first,
                                body_offset,
                                count,
                            });
                        }
                        transfers.len()
                    }
                };
                report.records_replayed += 1;
                report.events_replayed += events as u64;
                offset = next;
                journal.set_length(offset);
            }
        }
    }
    Ok(())
}

impl LedgerStore for EmbeddedStore {
    fn create_accounts(
        &mut self,
        now: u64,
        events: &[Account],
    ) -> Result<Vec<CreateAccountResult>, StoreError> {
        self.inner.create_accounts(now, events)
    }

    fn create_transfers(
        &mut self,
        now: u64,
        events: &[Transfer],
    ) -> Result<Vec<CreateTransferResult>, StoreError> {
        let results = self.inner.create_transfers(now, events)?;
        self.snapshot_if_due();
        Ok(results)
    }

    fn lookup_accounts(&mut self, ids: &[u128]) -> Result<Vec<Account>, StoreError> {
        self.inner.lookup_accounts(ids)
    }

    fn lookup_transfers(&mut self, ids: &[u128]) -> Result<Vec<Transfer>, StoreError> {
        self.inner.lookup_transfers(ids)
    }

    fn accounts(&mut self) -> Result<Vec<Account>, StoreError> {
        self.inner.accounts()
    }

    fn account_transfers(
        &mut self,
        query: &HistoryQuery,
    ) -> Result<Option<Vec<Transfer>>, StoreError> {
        self.inner.account_transfers(query)
    }

    fn account_balances_as_of(
        &mut self,
        account_id: u128,
        timestamp: u64,
    ) -> Result<Option<Balances>, StoreError> {
        self.inner.account_balances_as_of(account_id, timestamp)
    }

    fn pending_status(&mut self, id: u128) -> Result<Option<PendingStatus>, StoreError> {
        self.inner.pending_status(id)
    }

    fn check_invariants(&mut self) -> Result<(), StoreError> {
        self.inner.check_invariants()
    }
}

#[cfg(test)]
mod tests;
