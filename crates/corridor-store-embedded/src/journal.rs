//! The append-only journal: one checksummed record per batch that changed the ledger.
//!
//! Record layout (little-endian):
//!
//! ```text
//! magic u32 | kind u8 | reserved [u8; 3] | count u32 | crc32c u32 | timestamp u64 | seq_first u64
//! count × 128-byte account or transfer records
//! ```
//!
//! The checksum covers the whole record with the checksum field zeroed. A record is written
//! with one positioned write and made durable with one `fdatasync` before its batch's results
//! are returned (one sync per batch: the batch is the group commit). On open, a record that is
//! cut short or fails its checksum at the very end of the file is a write that never completed
//! (nothing was acknowledged for it) and is cut off; anything bad before the end is corruption
//! and stops the open.

use std::fs::File;
use std::io::Read;
use std::os::unix::fs::FileExt;

use corridor_ledger::{Account, Transfer, TransferSeq};
use corridor_store::StoreError;

use corridor_store::codec::{self, RECORD_BYTES};

const MAGIC: u32 = 0x4e52_4a43; // "CJRN"
pub(crate) const HEADER_BYTES: usize = 32;
const KIND_ACCOUNTS: u8 = 1;
const KIND_TRANSFERS: u8 = 2;

/// Where a journaled batch of transfers sits in the file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct BatchLocation {
    /// Position of the batch's first transfer.
    pub(crate) seq_first: TransferSeq,
    /// File offset of the first transfer body.
    pub(crate) body_offset: u64,
    /// Transfers in the batch.
    pub(crate) count: u32,
}

/// One decoded journal record.
pub(crate) enum Record {
    Accounts {
        timestamp: u64,
        accounts: Vec<Account>,
    },
    Transfers {
        timestamp: u64,
        seq_first: TransferSeq,
        transfers: Vec<Transfer>,
    },
}

/// The journal file, opened for appending and positioned reads.
pub(crate) struct Journal {
    file: File,
    path: String,
    length: u64,
    batches: Vec<BatchLocation>,
    buffer: Vec<u8>,
}

impl Journal {
    /// A journal over `file` whose valid records end at `length`, with its batch table.
    pub(crate) fn new(
        file: File,
        path: String,
        length: u64,
        batches: Vec<BatchLocation>,
    ) -> Journal {
        Journal {
            file,
            path,
            length,
            batches,
            buffer: Vec::new(),
        }
    }

    /// The journal file.
    pub(crate) fn file(&self) -> &File {
        &self.file
    }

    /// The journal's path, for messages.
    pub(crate) fn path(&self) -> &str {
        &self.path
    }

    /// Bytes of valid records.
    pub(crate) fn length(&self) -> u64 {
        self.length
    }

    /// The table of transfer batches.
    pub(crate) fn batches(&self) -> &[BatchLocation] {
        &self.batches
    }

    /// Appends a batch of accounts and syncs it.
    pub(crate) fn append_accounts(
        &mut self,
        timestamp: u64,
        accounts: &[Account],
    ) -> Result<(), StoreError> {
        self.start_record(KIND_ACCOUNTS, accounts.len(), timestamp, 0);
        for account in accounts {
            let mut bytes = [0; RECORD_BYTES];
            codec::encode_account(account, &mut bytes);
            self.buffer.extend_from_slice(&bytes);
        }
        self.finish_record()
    }

    /// Appends a batch of transfers, the first at position `seq_first`, and syncs it.
    pub(crate) fn append_transfers(
        &mut self,
        timestamp: u64,
        seq_first: TransferSeq,
        transfers: &[Transfer],
    ) -> Result<(), StoreError> {
        let expected = self
            .batches
            .last()
            .map_or(0, |b| b.seq_first + u64::from(b.count));
        assert_eq!(
            seq_first, expected,
            "transfer batches are journaled in order"
        );
        self.start_record(KIND_TRANSFERS, transfers.len(), timestamp, seq_first);
        let body_offset = self.length + HEADER_BYTES as u64;
        for transfer in transfers {
            let mut bytes = [0; RECORD_BYTES];
            codec::encode_transfer(transfer, &mut bytes);
            self.buffer.extend_from_slice(&bytes);
        }
        self.finish_record()?;
        if !transfers.is_empty() {
            let count = u32::try_from(transfers.len()).expect("batch size fits u32");
            self.batches.push(BatchLocation {
                seq_first,
                body_offset,
                count,
            });
        }
        Ok(())
    }

    fn start_record(&mut self, kind: u8, count: usize, timestamp: u64, seq_first: u64) {
        let count = u32::try_from(count).expect("batch size fits u32");
        self.buffer.clear();
        self.buffer.extend_from_slice(&MAGIC.to_le_bytes());
        self.buffer.extend_from_slice(&[kind, 0, 0, 0]);
        self.buffer.extend_from_slice(&count.to_le_bytes());
        self.buffer.extend_from_slice(&[0; 4]);
        self.buffer.extend_from_slice(&timestamp.to_le_bytes());
        self.buffer.extend_from_slice(&seq_first.to_le_bytes());
        assert_eq!(self.buffer.len(), HEADER_BYTES);
    }

    fn finish_record(&mut self) -> Result<(), StoreError> {
        let crc = crc32c::crc32c(&self.buffer);
        self.buffer[12..16].copy_from_slice(&crc.to_le_bytes());
        self.file
            .write_all_at(&self.buffer, self.length)
            .map_err(|e| StoreError::io(format!("append to {}", self.path), e))?;
        self.file
            .sync_data()
            .map_err(|e| StoreError::io(format!("sync {}", self.path), e))?;
        self.length += self.buffer.len() as u64;
        Ok(())
    }

    /// Reads the bodies of committed transfers by position.
    pub(crate) fn read_transfer(&self, seq: TransferSeq) -> Result<Transfer, StoreError> {
        let index = self.batches.partition_point(|batch| batch.seq_first <= seq);
        let batch = index
            .checked_sub(1)
            .map(|i| self.batches[i])
            .filter(|batch| seq < batch.seq_first + u64::from(batch.count))
            .ok_or_else(|| {
                StoreError::Corrupt(format!("no journaled transfer at position {seq}"))
            })?;
        let offset = batch.body_offset + (seq - batch.seq_first) * RECORD_BYTES as u64;
        let mut bytes = [0; RECORD_BYTES];
        self.file
            .read_exact_at(&mut bytes, offset)
            .map_err(|e| StoreError::io(format!("read {} at {offset}", self.path), e))?;
        Ok(codec::decode_transfer(&bytes))
    }

    /// Cuts the file back to `length` (after a torn tail) and syncs.
    pub(crate) fn truncate(&mut self, length: u64) -> Result<(), StoreError> {
        self.file
            .set_len(length)
            .and_then(|()| self.file.sync_all())
            .map_err(|e| StoreError::io(format!("truncate {}", self.path), e))?;
        self.length = length;
        Ok(())
    }

    /// Remembers a transfer batch found while scanning.
    pub(crate) fn push_batch(&mut self, location: BatchLocation) {
        self.batches.push(location);
    }

    /// Sets the valid length found while scanning.
    pub(crate) fn set_length(&mut self, length: u64) {
        self.length = length;
    }
}

/// What the scanner found at one position.
pub(crate) enum Scanned {
    /// A whole, valid record and the offset just after it.
    Record(Record, u64),
    /// The clean end of the journal.
    End,
    /// A record cut short or failing its checksum, with nothing valid after it.
    TornTail,
}

/// Reads records one after another from `reader`, which starts at `offset`.
pub(crate) fn scan_next(
    reader: &mut impl Read,
    offset: u64,
    file_length: u64,
    path: &str,
) -> Result<Scanned, StoreError> {
    if offset == file_length {
        return Ok(Scanned::End);
    }
    let mut header = [0u8; HEADER_BYTES];
    if file_length - offset < HEADER_BYTES as u64 {
        return Ok(Scanned::TornTail);
    }
    read_exact(reader, &mut header, path, offset)?;
    let field = |at: usize| u32::from_le_bytes(header[at..at + 4].try_into().expect("4 bytes"));
    let count = u64::from(field(8));
    let record_bytes = HEADER_BYTES as u64 + count * RECORD_BYTES as u64;
    let kind = header[4];
    let known = field(0) == MAGIC && (kind == KIND_ACCOUNTS || kind == KIND_TRANSFERS);
    if !known || offset + record_bytes > file_length {
        // A header that is not one, or a record longer than the file: only acceptable as the
        // remains of the last write.
        let zeros = header.iter().all(|byte| *byte == 0);
        return tail_or_corrupt(reader, offset, file_length, path, known || !zeros, known);
    }
    let mut record = vec![0u8; usize::try_from(record_bytes).expect("record fits memory")];
    record[..HEADER_BYTES].copy_from_slice(&header);
    read_exact(reader, &mut record[HEADER_BYTES..], path, offset)?;
    let crc_stored = field(12);
    record[12..16].copy_from_slice(&[0; 4]);
    if crc32c::crc32c(&record) != crc_stored {
        if offset + record_bytes == file_length {
            return Ok(Scanned::TornTail);
        }
        return Err(StoreError::Corrupt(format!(
            "{path}: record at byte {offset} fails its checksum"
        )));
    }
    let timestamp = u64::from_le_bytes(header[16..24].try_into().expect("8 bytes"));
    let seq_first = u64::from_le_bytes(header[24..32].try_into().expect("8 bytes"));
    let bodies = record[HEADER_BYTES..]
        .chunks_exact(RECORD_BYTES)
        .map(codec::record);
    let decoded = if kind == KIND_ACCOUNTS {
        Record::Accounts {
            timestamp,
            accounts: bodies.map(codec::decode_account).collect(),
        }
    } else {
        let transfers = bodies.map(codec::decode_transfer).collect();
        Record::Transfers {
            timestamp,
            seq_first,
            transfers,
        }
    };
    Ok(Scanned::Record(decoded, offset + record_bytes))
}

/// Whether the bytes from `offset` to the end are what a torn last write leaves: a record cut
/// short, or zeros where the file system extended the file before the data arrived.
fn tail_or_corrupt(
    reader: &mut impl Read,
    offset: u64,
    file_length: u64,
    path: &str,
    header_nonzero: bool,
    header_known: bool,
) -> Result<Scanned, StoreError> {
    if header_known {
        return Ok(Scanned::TornTail);
    }
    if header_nonzero {
        return Err(StoreError::Corrupt(format!(
            "{path}: no valid record at byte {offset}"
        )));
    }
    let mut rest = Vec::new();
    reader
        .read_to_end(&mut rest)
        .map_err(|e| StoreError::io(format!("read {path} after byte {offset}"), e))?;
    let remaining = file_length - offset - HEADER_BYTES as u64;
    if rest.len() as u64 == remaining && rest.iter().all(|byte| *byte == 0) {
        return Ok(Scanned::TornTail);
    }
    Err(StoreError::Corrupt(format!(
        "{path}: no valid record at byte {offset}"
    )))
}

fn read_exact(
    reader: &mut impl Read,
    buffer: &mut [u8],
    path: &str,
    offset: u64,
) -> Result<(), StoreError> {
    reader
        .read_exact(buffer)
        .map_err(|e| StoreError::io(format!("read {path} at byte {offset}"), e))
}
