//! Fixed 128-byte little-endian encodings of accounts and transfers, as TigerBeetle lays them
//! out. The layout is part of the on-disk format: changing it needs a new format version.

use corridor_ledger::{Account, AccountFlags, Transfer, TransferFlags};

/// Bytes of one encoded account or transfer.
pub const RECORD_BYTES: usize = 128;

/// Writes fields one after another into a fixed buffer.
struct Writer<'a> {
    bytes: &'a mut [u8],
    at: usize,
}

impl Writer<'_> {
    fn put(&mut self, field: &[u8]) {
        self.bytes[self.at..self.at + field.len()].copy_from_slice(field);
        self.at += field.len();
    }
}

/// Reads fields one after another from a fixed buffer.
struct Reader<'a> {
    bytes: &'a [u8; RECORD_BYTES],
    at: usize,
}

impl Reader<'_> {
    fn take<const N: usize>(&mut self) -> [u8; N] {
        let mut field = [0; N];
        field.copy_from_slice(&self.bytes[self.at..self.at + N]);
        self.at += N;
        field
    }
    fn u128(&mut self) -> u128 {
        u128::from_le_bytes(self.take())
    }
    fn u64(&mut self) -> u64 {
        u64::from_le_bytes(self.take())
    }
    fn u32(&mut self) -> u32 {
        u32::from_le_bytes(self.take())
    }
    fn u16(&mut self) -> u16 {
        u16::from_le_bytes(self.take())
    }
}

/// Encodes a transfer into `out` (128 bytes).
pub fn encode_transfer(transfer: &Transfer, out: &mut [u8; RECORD_BYTES]) {
    let mut w = Writer { bytes: out, at: 0 };
    w.put(&transfer.id.to_le_bytes());
    w.put(&transfer.debit_account_id.to_le_bytes());
    w.put(&transfer.credit_account_id.to_le_bytes());
    w.put(&transfer.amount.to_le_bytes());
    w.put(&transfer.pending_id.to_le_bytes());
    w.put(&transfer.user_data_128.to_le_bytes());
    w.put(&transfer.user_data_64.to_le_bytes());
    w.put(&transfer.user_data_32.to_le_bytes());
    w.put(&transfer.timeout.to_le_bytes());
    w.put(&transfer.ledger.to_le_bytes());
    w.put(&transfer.code.to_le_bytes());
    w.put(&transfer.flags.bits().to_le_bytes());
    w.put(&transfer.timestamp.to_le_bytes());
    assert_eq!(w.at, RECORD_BYTES);
}

/// Decodes a transfer written by [`encode_transfer`].
pub fn decode_transfer(bytes: &[u8; RECORD_BYTES]) -> Transfer {
    let mut r = Reader { bytes, at: 0 };
    let transfer = Transfer {
        id: r.u128(),
        debit_account_id: r.u128(),
        credit_account_id: r.u128(),
        amount: r.u128(),
        pending_id: r.u128(),
        user_data_128: r.u128(),
        user_data_64: r.u64(),
        user_data_32: r.u32(),
        timeout: r.u32(),
        ledger: r.u32(),
        code: r.u16(),
        flags: TransferFlags::from_bits(r.u16()),
        timestamp: r.u64(),
    };
    assert_eq!(r.at, RECORD_BYTES);
    transfer
}

/// Encodes an account into `out` (128 bytes).
pub fn encode_account(account: &Account, out: &mut [u8; RECORD_BYTES]) {
    let mut w = Writer { bytes: out, at: 0 };
    w.put(&account.id.to_le_bytes());
    w.put(&account.debits_pending.to_le_bytes());
    w.put(&account.debits_posted.to_le_bytes());
    w.put(&account.credits_pending.to_le_bytes());
    w.put(&account.credits_posted.to_le_bytes());
    w.put(&account.user_data_128.to_le_bytes());
    w.put(&account.user_data_64.to_le_bytes());
    w.put(&account.user_data_32.to_le_bytes());
    w.put(&[0; 4]);
    w.put(&account.ledger.to_le_bytes());
    w.put(&account.code.to_le_bytes());
    w.put(&account.flags.bits().to_le_bytes());
    w.put(&account.timestamp.to_le_bytes());
    assert_eq!(w.at, RECORD_BYTES);
}

/// Decodes an account written by [`encode_account`].
pub fn decode_account(bytes: &[u8; RECORD_BYTES]) -> Account {
    let mut r = Reader { bytes, at: 0 };
    let id = r.u128();
    let debits_pending = r.u128();
    let debits_posted = r.u128();
    let credits_pending = r.u128();
    let credits_posted = r.u128();
    let user_data_128 = r.u128();
    let user_data_64 = r.u64();
    let user_data_32 = r.u32();
    let _reserved = r.u32();
    let account = Account {
        id,
        debits_pending,
        debits_posted,
        credits_pending,
        credits_posted,
        user_data_128,
        user_data_64,
        user_data_32,
        ledger: r.u32(),
        code: r.u16(),
        flags: AccountFlags::from_bits(r.u16()),
        timestamp: r.u64(),
    };
    assert_eq!(r.at, RECORD_BYTES);
    account
}

/// Views a slice of exactly 128 bytes as a record.
pub fn record(bytes: &[u8]) -> &[u8; RECORD_BYTES] {
    bytes.try_into().expect("a record is 128 bytes")
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn transfer_round_trips(id: u128, debit: u128, credit: u128, amount: u128, pending: u128,
            ud128: u128, ud64: u64, ud32: u32, timeout: u32, ledger: u32, code: u16, flags: u16,
            timestamp: u64) {
            let transfer = Transfer { id, debit_account_id: debit, credit_account_id: credit,
                amount, pending_id: pending, user_data_128: ud128, user_data_64: ud64,
                user_data_32: ud32, timeout, ledger, code, flags: TransferFlags::from_bits(flags),
                timestamp };
            let mut bytes = [0; RECORD_BYTES];
            encode_transfer(&transfer, &mut bytes);
            prop_assert_eq!(decode_transfer(&bytes), transfer);
        }

        #[test]
        fn account_round_trips(id: u128, dp: u128, dq: u128, cp: u128, cq: u128, ud128: u128,
            ud64: u64, ud32: u32, ledger: u32, code: u16, flags: u16, timestamp: u64) {
            let account = Account { id, debits_pending: dp, debits_posted: dq, credits_pending: cp,
                credits_posted: cq, user_data_128: ud128, user_data_64: ud64, user_data_32: ud32,
                ledger, code, flags: AccountFlags::from_bits(flags), timestamp };
            let mut bytes = [0; RECORD_BYTES];
            encode_account(&account, &mut bytes);
            prop_assert_eq!(decode_account(&bytes), account);
        }
    }
}
