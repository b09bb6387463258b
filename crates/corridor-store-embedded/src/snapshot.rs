//! Snapshots: the whole ledger state and the journal length it covers, so that reopening reads
//! the snapshot and replays only the journal written after it.
//!
//! Layout (little-endian): `magic u32 | version u32 | journal_length u64 | timestamp_last u64 |
//! transfers_count u64 | accounts_count u64 | reservations_count u64 | resolutions_count u64`,
//! then the accounts (each a 128-byte record, its history length and positions), the index
//! (`transfers_count` entries of id u128 and position u64), the reservations, the resolutions,
//! `batches_count u64` and the journal's batch table, and last a crc32c of everything before
//! it. Large parts are read in blocks and restored as they are read, with no second copy in
//! memory. Written to a temporary file, synced, renamed over the old snapshot, and the
//! directory synced: a crash leaves either the old snapshot or the new one, never a mix.

use std::fs::{self, File};
use std::io::{BufReader, BufWriter, Read, Write};
use std::path::Path;

use corridor_ledger::{
    Account, ImageHeader, ImageVisitor, Ledger, LedgerBuilder, PendingStatus, Reservation,
    TransferFlags, TransferSeq,
};
use corridor_store::StoreError;

use crate::journal::BatchLocation;
use corridor_store::codec::{self, RECORD_BYTES};

const MAGIC: u32 = 0x504e_5343; // "CSNP"
const VERSION: u32 = 2;

/// Bytes of one index entry.
const INDEXED_BYTES: usize = 24;
/// Index entries read per block.
const INDEXED_BLOCK: usize = 1 << 16;

/// A snapshot read back: the ledger, the batch table and the journal length it covers.
pub(crate) struct Loaded {
    pub(crate) ledger: Ledger,
    pub(crate) batches: Vec<BatchLocation>,
    pub(crate) journal_length: u64,
}

/// Writes `bytes` through a running checksum.
struct CrcWriter<W> {
    inner: W,
    crc: u32,
    error: Option<std::io::Error>,
}

impl<W: Write> CrcWriter<W> {
    fn put(&mut self, bytes: &[u8]) {
        if self.error.is_some() {
            return;
        }
        self.crc = crc32c::crc32c_append(self.crc, bytes);
        if let Err(error) = self.inner.write_all(bytes) {
            self.error = Some(error);
        }
    }
}

impl<W: Write> ImageVisitor for CrcWriter<W> {
    fn header(&mut self, header: &ImageHeader) {
        for field in [
            header.timestamp_last,
            header.transfers_count,
            header.accounts_count,
            header.reservations_count,
            header.resolutions_count,
        ] {
            self.put(&field.to_le_bytes());
        }
    }
    fn account(&mut self, account: &Account, history: &[TransferSeq]) {
        let mut bytes = [0; RECORD_BYTES];
        codec::encode_account(account, &mut bytes);
        self.put(&bytes);
        self.put(&(history.len() as u64).to_le_bytes());
        for seq in history {
            self.put(&seq.to_le_bytes());
        }
    }
    fn indexed(&mut self, id: u128, seq: TransferSeq) {
        let mut bytes = [0; INDEXED_BYTES];
        bytes[..16].copy_from_slice(&id.to_le_bytes());
        bytes[16..].copy_from_slice(&seq.to_le_bytes());
        self.put(&bytes);
    }
    fn reservation(&mut self, r: &Reservation) {
        for field in [r.id, r.debit_account_id, r.credit_account_id, r.amount] {
            self.put(&field.to_le_bytes());
        }
        self.put(&r.ledger.to_le_bytes());
        self.put(&r.code.to_le_bytes());
        self.put(&r.flags.bits().to_le_bytes());
        self.put(&r.expires_at.to_le_bytes());
        self.put(&r.user_data_128.to_le_bytes());
        self.put(&r.user_data_64.to_le_bytes());
        self.put(&r.user_data_32.to_le_bytes());
    }
    fn resolution(&mut self, id: u128, status: PendingStatus) {
        let (kind, timestamp) = match status {
            PendingStatus::Pending => unreachable!("resolutions are resolved"),
            PendingStatus::Posted { timestamp } => (1u8, timestamp),
            PendingStatus::Voided { timestamp } => (2, timestamp),
            PendingStatus::Expired { timestamp } => (3, timestamp),
        };
        self.put(&id.to_le_bytes());
        self.put(&[kind]);
        self.put(&timestamp.to_le_bytes());
    }
}

/// Writes a snapshot of `ledger` covering the journal up to `journal_length`.
pub(crate) fn write(
    dir: &Path,
    ledger: &Ledger,
    batches: &[BatchLocation],
    journal_length: u64,
) -> Result<(), StoreError> {
    let temporary = dir.join("snapshot.tmp");
    let target = dir.join("snapshot");
    let shown = temporary.display().to_string();
    let file =
        File::create(&temporary).map_err(|e| StoreError::io(format!("create {shown}"), e))?;
    let mut out = CrcWriter {
        inner: BufWriter::with_capacity(1 << 20, file),
        crc: 0,
        error: None,
    };
    out.put(&MAGIC.to_le_bytes());
    out.put(&VERSION.to_le_bytes());
    out.put(&journal_length.to_le_bytes());
    ledger.visit_image(&mut out);
    out.put(&(batches.len() as u64).to_le_bytes());
    for batch in batches {
        out.put(&batch.seq_first.to_le_bytes());
        out.put(&batch.body_offset.to_le_bytes());
        out.put(&batch.count.to_le_bytes());
    }
    let crc = out.crc;
    out.put(&crc.to_le_bytes());
    if let Some(error) = out.error.take() {
        return Err(StoreError::io(format!("write {shown}"), error));
    }
    let file = out
        .inner
        .into_inner()
        .map_err(|e| StoreError::io(format!("write {shown}"), e.into_error()))?;
    file.sync_all()
        .map_err(|e| StoreError::io(format!("sync {shown}"), e))?;
    fs::rename(&temporary, &target).map_err(|e| StoreError::io(format!("rename {shown}"), e))?;
    sync_dir(dir)
}

/// Syncs a directory so a rename or a new file in it is durable.
pub(crate) fn sync_dir(dir: &Path) -> Result<(), StoreError> {
    File::open(dir)
        .and_then(|d| d.sync_all())
        .map_err(|e| StoreError::io(format!("sync directory {}", dir.display()), e))
}

/// Reads a running checksum along with the bytes.
struct CrcReader<R> {
    inner: R,
    crc: u32,
    path: String,
}

impl<R: Read> CrcReader<R> {
    fn take<const N: usize>(&mut self) -> Result<[u8; N], StoreError> {
        let mut bytes = [0; N];
        self.inner.read_exact(&mut bytes).map_err(|e| {
            if e.kind() == std::io::ErrorKind::UnexpectedEof {
                StoreError::Corrupt(format!("{}: cut short", self.path))
            } else {
                StoreError::io(format!("read {}", self.path), e)
            }
        })?;
        self.crc = crc32c::crc32c_append(self.crc, &bytes);
        Ok(bytes)
    }
    /// Fills `buffer` (a block of records) and adds it to the checksum.
    fn fill(&mut self, buffer: &mut [u8]) -> Result<(), StoreError> {
        self.inner.read_exact(buffer).map_err(|e| {
            if e.kind() == std::io::ErrorKind::UnexpectedEof {
                StoreError::Corrupt(format!("{}: cut short", self.path))
            } else {
                StoreError::io(format!("read {}", self.path), e)
            }
        })?;
        self.crc = crc32c::crc32c_append(self.crc, buffer);
        Ok(())
    }

    fn u8(&mut self) -> Result<u8, StoreError> {
        Ok(self.take::<1>()?[0])
    }
    fn u16(&mut self) -> Result<u16, StoreError> {
        Ok(u16::from_le_bytes(self.take()?))
    }
    fn u32(&mut self) -> Result<u32, StoreError> {
        Ok(u32::from_le_bytes(self.take()?))
    }
    fn u64(&mut self) -> Result<u64, StoreError> {
        Ok(u64::from_le_bytes(self.take()?))
    }
    fn u128(&mut self) -> Result<u128, StoreError> {
        Ok(u128::from_le_bytes(self.take()?))
    }
}

/// Reads the snapshot in `dir`, if there is one.
pub(crate) fn read(dir: &Path) -> Result<Option<Loaded>, StoreError> {
    let path = dir.join("snapshot");
    let shown = path.display().to_string();
    let file = match File::open(&path) {
        Ok(file) => file,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(error) => return Err(StoreError::io(format!("open {shown}"), error)),
    };
    let mut input = CrcReader {
        inner: BufReader::with_capacity(1 << 20, file),
        crc: 0,
        path: shown.clone(),
    };
    let corrupt = |what: &str| StoreError::Corrupt(format!("{shown}: {what}"));
    if input.u32()? != MAGIC || input.u32()? != VERSION {
        return Err(corrupt("not a snapshot of this version"));
    }
    let journal_length = input.u64()?;
    let header = ImageHeader {
        timestamp_last: input.u64()?,
        transfers_count: input.u64()?,
        accounts_count: input.u64()?,
        reservations_count: input.u64()?,
        resolutions_count: input.u64()?,
    };
    // The checksum is checked only at the end: before sizing anything by the header, check
    // that the file can hold what the header announces.
    let file_length = input
        .inner
        .get_ref()
        .metadata()
        .map_err(|e| StoreError::io(format!("stat {shown}"), e))?
        .len();
    let least_bytes = header
        .transfers_count
        .checked_mul(INDEXED_BYTES as u64)
        .and_then(|index| index.checked_add(header.accounts_count.checked_mul(136)?));
    if least_bytes.is_none_or(|bytes| bytes > file_length) {
        return Err(corrupt("its header announces more than the file holds"));
    }
    let invalid = |v: corridor_ledger::InvariantViolation| corrupt(&v.0);
    let mut builder = Ledger::builder(&header);
    for _ in 0..header.accounts_count {
        let (account, history) = read_account(&mut input, header.transfers_count)?;
        builder.account(account, history).map_err(invalid)?;
    }
    read_index(&mut input, header.transfers_count, &mut builder)?;
    for _ in 0..header.reservations_count {
        builder
            .reservation(&read_reservation(&mut input)?)
            .map_err(invalid)?;
    }
    for _ in 0..header.resolutions_count {
        let id = input.u128()?;
        let kind = input.u8()?;
        let timestamp = input.u64()?;
        let status = match kind {
            1 => PendingStatus::Posted { timestamp },
            2 => PendingStatus::Voided { timestamp },
            3 => PendingStatus::Expired { timestamp },
            _ => return Err(corrupt("unknown resolution kind")),
        };
        builder.resolution(id, status).map_err(invalid)?;
    }
    let batches_count = input.u64()?;
    let mut batches = Vec::new();
    for _ in 0..batches_count {
        batches.push(BatchLocation {
            seq_first: input.u64()?,
            body_offset: input.u64()?,
            count: input.u32()?,
        });
    }
    let crc = input.crc;
    if input.u32()? != crc {
        return Err(corrupt("checksum mismatch"));
    }
    let ledger = builder.finish().map_err(invalid)?;
    Ok(Some(Loaded {
        ledger,
        batches,
        journal_length,
    }))
}

/// Reads the index in large blocks, restoring each entry as it comes.
fn read_index<R: Read>(
    input: &mut CrcReader<R>,
    count: u64,
    builder: &mut LedgerBuilder,
) -> Result<(), StoreError> {
    let mut block = vec![0u8; INDEXED_BLOCK * INDEXED_BYTES];
    let mut left = count;
    while left > 0 {
        let entries = usize::try_from(left.min(INDEXED_BLOCK as u64)).expect("a block fits");
        let bytes = &mut block[..entries * INDEXED_BYTES];
        input.fill(bytes)?;
        for entry in bytes.chunks_exact(INDEXED_BYTES) {
            let id = u128::from_le_bytes(entry[..16].try_into().expect("16 bytes"));
            let seq = u64::from_le_bytes(entry[16..].try_into().expect("8 bytes"));
            builder
                .indexed(id, seq)
                .map_err(|v| StoreError::Corrupt(format!("{}: {}", input.path, v.0)))?;
        }
        left -= entries as u64;
    }
    Ok(())
}

fn read_account<R: Read>(
    input: &mut CrcReader<R>,
    transfers_count: u64,
) -> Result<(Account, Vec<TransferSeq>), StoreError> {
    let bytes: [u8; RECORD_BYTES] = input.take()?;
    let account = codec::decode_account(&bytes);
    // The checksum is checked only at the end, so bound the length before allocating: an
    // account's history holds at most every transfer.
    let length = input.u64()?;
    if length > transfers_count {
        let what = format!(
            "{}: account {} has a history of {length}",
            input.path, account.id
        );
        return Err(StoreError::Corrupt(what));
    }
    let length = usize::try_from(length).expect("bounded by the transfer count");
    let mut bytes = vec![0u8; length * 8];
    input.fill(&mut bytes)?;
    let history = bytes
        .chunks_exact(8)
        .map(|b| u64::from_le_bytes(b.try_into().expect("8 bytes")))
        .collect();
    Ok((account, history))
}

fn read_reservation<R: Read>(input: &mut CrcReader<R>) -> Result<Reservation, StoreError> {
    Ok(Reservation {
        id: input.u128()?,
        debit_account_id: input.u128()?,
        credit_account_id: input.u128()?,
        amount: input.u128()?,
        ledger: input.u32()?,
        code: input.u16()?,
        flags: TransferFlags::from_bits(input.u16()?),
        expires_at: input.u64()?,
        user_data_128: input.u128()?,
        user_data_64: input.u64()?,
        user_data_32: input.u32()?,
    })
}
