//! The baseline: the plain double-entry schema a user would write in SQLite, driven from Rust,
//! batched the same way (one transaction per batch), durable (WAL with `synchronous=FULL`).
//! It supports what the workload uses: payments, bounded pools, reservations, post and void.

use std::path::Path;

use rusqlite::{params, Connection, OptionalExtension};

use corridor_ledger::{Account, AccountFlags, Transfer, TransferFlags};

/// A ledger in plain SQLite tables.
pub struct SqliteBaseline {
    connection: Connection,
}

/// Amounts as SQLite integers (the workload's amounts fit in 63 bits).
fn amount(value: u128) -> i64 {
    i64::try_from(value).unwrap_or(i64::MAX)
}

fn id_bytes(id: u128) -> [u8; 16] {
    id.to_be_bytes()
}

impl SqliteBaseline {
    /// Creates the schema in a new database file.
    pub fn create(path: &Path) -> rusqlite::Result<SqliteBaseline> {
        let connection = Connection::open(path)?;
        connection.execute_batch(
            "PRAGMA journal_mode = WAL;
             PRAGMA synchronous = FULL;
             CREATE TABLE accounts (
                 id BLOB PRIMARY KEY,
                 ledger INTEGER NOT NULL,
                 code INTEGER NOT NULL,
                 bounded INTEGER NOT NULL,
                 debits_pending INTEGER NOT NULL DEFAULT 0,
                 debits_posted INTEGER NOT NULL DEFAULT 0,
                 credits_pending INTEGER NOT NULL DEFAULT 0,
                 credits_posted INTEGER NOT NULL DEFAULT 0
             ) WITHOUT ROWID;
             CREATE TABLE transfers (
                 id BLOB PRIMARY KEY,
                 debit_account_id BLOB NOT NULL,
                 credit_account_id BLOB NOT NULL,
                 amount INTEGER NOT NULL,
                 pending_id BLOB,
                 ledger INTEGER NOT NULL,
                 code INTEGER NOT NULL,
                 flags INTEGER NOT NULL,
                 state INTEGER NOT NULL DEFAULT 0,
                 timestamp INTEGER NOT NULL
             ) WITHOUT ROWID;
             CREATE INDEX transfers_debit ON transfers (debit_account_id, timestamp);
             CREATE INDEX transfers_credit ON transfers (credit_account_id, timestamp);",
        )?;
        Ok(SqliteBaseline { connection })
    }

    /// Inserts accounts in one transaction.
    pub fn create_accounts(&mut self, accounts: &[Account]) -> rusqlite::Result<()> {
        let transaction = self.connection.transaction()?;
        {
            let mut insert = transaction.prepare_cached(
                "INSERT INTO accounts (id, ledger, code, bounded) VALUES (?1, ?2, ?3, ?4)",
            )?;
            for account in accounts {
                let bounded = account
                    .flags
                    .contains(AccountFlags::DEBITS_MUST_NOT_EXCEED_CREDITS);
                insert.execute(params![
                    id_bytes(account.id),
                    account.ledger,
                    account.code,
                    bounded
                ])?;
            }
        }
        transaction.commit()
    }

    /// Applies a batch in one transaction; returns how many transfers were applied.
    pub fn create_transfers(
        &mut self,
        timestamp: u64,
        transfers: &[Transfer],
    ) -> rusqlite::Result<u64> {
        let transaction = self.connection.transaction()?;
        let mut applied = 0;
        for (offset, transfer) in transfers.iter().enumerate() {
            let timestamp = i64::try_from(timestamp).unwrap_or(i64::MAX) + offset as i64;
            if apply_one(&transaction, transfer, timestamp)? {
                applied += 1;
            }
        }
        transaction.commit()?;
        Ok(applied)
    }
}

/// One transfer with savepoint semantics: all its statements or none.
fn apply_one(
    transaction: &rusqlite::Transaction<'_>,
    transfer: &Transfer,
    timestamp: i64,
) -> rusqlite::Result<bool> {
    let resolves = transfer.flags.contains(TransferFlags::POST_PENDING)
        || transfer.flags.contains(TransferFlags::VOID_PENDING);
    let (debit, credit, amount_value) = if resolves {
        let pending: Option<(Vec<u8>, Vec<u8>, i64)> = transaction
            .prepare_cached(
                "UPDATE transfers SET state = ?2 WHERE id = ?1 AND state = 0 AND (flags & 2) != 0
                 RETURNING debit_account_id, credit_account_id, amount",
            )?
            .query_row(
                params![
                    id_bytes(transfer.pending_id),
                    if transfer.flags.contains(TransferFlags::POST_PENDING) {
                        1
                    } else {
                        2
                    }
                ],
                |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)),
            )
            .optional()?;
        let Some((debit, credit, reserved)) = pending else {
            return Ok(false);
        };
        let release = "UPDATE accounts SET debits_pending = debits_pending - ?2 WHERE id = ?1";
        transaction
            .prepare_cached(release)?
            .execute(params![debit, reserved])?;
        let release = "UPDATE accounts SET credits_pending = credits_pending - ?2 WHERE id = ?1";
        transaction
            .prepare_cached(release)?
            .execute(params![credit, reserved])?;
        if transfer.flags.contains(TransferFlags::VOID_PENDING) {
            insert_transfer(transaction, transfer, &debit, &credit, reserved, timestamp)?;
            return Ok(true);
        }
        (debit, credit, reserved)
    } else {
        (
            id_bytes(transfer.debit_account_id).to_vec(),
            id_bytes(transfer.credit_account_id).to_vec(),
            amount(transfer.amount),
        )
    };
    let pending = transfer.flags.contains(TransferFlags::PENDING);
    let debit_column = if pending {
        "debits_pending"
    } else {
        "debits_posted"
    };
    let credit_column = if pending {
        "credits_pending"
    } else {
        "credits_posted"
    };
    // A bounded account takes the debit only if it stays within its credits.
    let debited = transaction
        .prepare_cached(&format!(
            "UPDATE accounts SET {debit_column} = {debit_column} + ?2 WHERE id = ?1
             AND (bounded = 0 OR debits_pending + debits_posted + ?2 <= credits_posted)"
        ))?
        .execute(params![debit, amount_value])?;
    if debited == 0 && !resolves {
        return Ok(false);
    }
    transaction
        .prepare_cached(&format!(
            "UPDATE accounts SET {credit_column} = {credit_column} + ?2 WHERE id = ?1"
        ))?
        .execute(params![credit, amount_value])?;
    insert_transfer(
        transaction,
        transfer,
        &debit,
        &credit,
        amount_value,
        timestamp,
    )?;
    Ok(true)
}

fn insert_transfer(
    transaction: &rusqlite::Transaction<'_>,
    transfer: &Transfer,
    debit: &[u8],
    credit: &[u8],
    amount_value: i64,
    timestamp: i64,
) -> rusqlite::Result<()> {
    let pending_id = (transfer.pending_id != 0).then(|| id_bytes(transfer.pending_id).to_vec());
    transaction
        .prepare_cached(
            "INSERT INTO transfers (id, debit_account_id, credit_account_id, amount, pending_id,
             ledger, code, flags, timestamp) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        )?
        .execute(params![
            id_bytes(transfer.id),
            debit,
            credit,
            amount_value,
            pending_id,
            transfer.ledger,
            transfer.code,
            transfer.flags.bits(),
            timestamp
        ])?;
    Ok(())
}
