//! Accounts and transfers as JSON lines and as readable tables. Every number is a decimal
//! string in JSON, because 128-bit numbers do not survive JSON readers that use doubles (and
//! one rule for all fields is easier to consume than one per field).

use serde_json::{json, Value};

use corridor_ledger::{Account, PendingStatus, Transfer};

/// One account as a JSON object.
pub fn account_json(account: &Account) -> Value {
    json!({
        "id": account.id.to_string(),
        "ledger": account.ledger.to_string(),
        "code": account.code.to_string(),
        "flags": account.flags.names().collect::<Vec<_>>(),
        "debits_pending": account.debits_pending.to_string(),
        "debits_posted": account.debits_posted.to_string(),
        "credits_pending": account.credits_pending.to_string(),
        "credits_posted": account.credits_posted.to_string(),
        "user_data_128": account.user_data_128.to_string(),
        "user_data_64": account.user_data_64.to_string(),
        "user_data_32": account.user_data_32.to_string(),
        "timestamp": account.timestamp.to_string(),
    })
}

/// A transfer with, for a pending one, where it stands.
pub type TransferWithStatus = (Transfer, Option<PendingStatus>);

/// Where a pending transfer stands, and since when (0 while pending).
fn status_parts(status: Option<PendingStatus>) -> Option<(&'static str, u64)> {
    status.map(|status| match status {
        PendingStatus::Pending => ("pending", 0),
        PendingStatus::Posted { timestamp } => ("posted", timestamp),
        PendingStatus::Voided { timestamp } => ("voided", timestamp),
        PendingStatus::Expired { timestamp } => ("expired", timestamp),
    })
}

/// An account's posted credits less its posted debits, signed.
fn net_posted(account: &Account) -> String {
    if account.credits_posted >= account.debits_posted {
        (account.credits_posted - account.debits_posted).to_string()
    } else {
        format!("-{}", account.debits_posted - account.credits_posted)
    }
}

/// One transfer as a JSON object; a pending one says where it stands (`status`, and
/// `status_timestamp` once posted, voided or expired).
pub fn transfer_json((transfer, status): &TransferWithStatus) -> Value {
    let mut value = transfer_fields(transfer);
    if let (Some((name, since)), Value::Object(object)) = (status_parts(*status), &mut value) {
        object.insert("status".into(), name.into());
        if since != 0 {
            object.insert("status_timestamp".into(), since.to_string().into());
        }
    }
    value
}

fn transfer_fields(transfer: &Transfer) -> Value {
    json!({
        "id": transfer.id.to_string(),
        "debit_account_id": transfer.debit_account_id.to_string(),
        "credit_account_id": transfer.credit_account_id.to_string(),
        "amount": transfer.amount.to_string(),
        "pending_id": transfer.pending_id.to_string(),
        "ledger": transfer.ledger.to_string(),
        "code": transfer.code.to_string(),
        "flags": transfer.flags.names().collect::<Vec<_>>(),
        "timeout": transfer.timeout.to_string(),
        "user_data_128": transfer.user_data_128.to_string(),
        "user_data_64": transfer.user_data_64.to_string(),
        "user_data_32": transfer.user_data_32.to_string(),
        "timestamp": transfer.timestamp.to_string(),
    })
}

/// Lays out rows under a header, each column as wide as its widest cell; numbers right-aligned.
pub fn table(header: &[&str], rows: &[Vec<String>]) -> String {
    let mut widths: Vec<usize> = header.iter().map(|h| h.len()).collect();
    for row in rows {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(cell.chars().count());
        }
    }
    let mut out = String::new();
    let line = |cells: &mut dyn Iterator<Item = String>, out: &mut String| {
        let cells: Vec<String> = cells.collect();
        let mut text = String::new();
        for (index, (cell, width)) in cells.iter().zip(&widths).enumerate() {
            if index > 0 {
                text.push_str("  ");
            }
            let digits = cell.strip_prefix('-').unwrap_or(cell);
            let numeric = digits.starts_with(|c: char| c.is_ascii_digit())
                && digits
                    .chars()
                    .all(|c| c.is_ascii_digit() || ",.%".contains(c));
            if numeric {
                text.push_str(&format!("{cell:>width$}"));
            } else {
                text.push_str(&format!("{cell:<width$}"));
            }
        }
        out.push_str(text.trim_end());
        out.push('\n');
    };
    line(&mut header.iter().map(|h| h.to_string()), &mut out);
    for row in rows {
        line(&mut row.iter().cloned(), &mut out);
    }
    out
}

/// Accounts as a table, with the net posted balance (credits less debits).
pub fn accounts_table(accounts: &[Account]) -> String {
    let rows: Vec<Vec<String>> = accounts
        .iter()
        .map(|a| {
            vec![
                a.id.to_string(),
                a.ledger.to_string(),
                a.code.to_string(),
                net_posted(a),
                a.debits_pending.to_string(),
                a.debits_posted.to_string(),
                a.credits_pending.to_string(),
                a.credits_posted.to_string(),
                a.flags.names().collect::<Vec<_>>().join(","),
            ]
        })
        .collect();
    table(
        &[
            "id",
            "ledger",
            "code",
            "net_posted",
            "debits_pending",
            "debits_posted",
            "credits_pending",
            "credits_posted",
            "flags",
        ],
        &rows,
    )
}

/// Transfers as a table; pending ones with where they stand.
pub fn transfers_table(transfers: &[TransferWithStatus]) -> String {
    let rows: Vec<Vec<String>> = transfers
        .iter()
        .map(|(t, status)| {
            vec![
                t.timestamp.to_string(),
                t.id.to_string(),
                t.debit_account_id.to_string(),
                t.credit_account_id.to_string(),
                t.amount.to_string(),
                if t.pending_id == 0 {
                    String::new()
                } else {
                    t.pending_id.to_string()
                },
                t.flags.names().collect::<Vec<_>>().join(","),
                status_parts(*status).map_or(String::new(), |(name, _)| name.to_owned()),
            ]
        })
        .collect();
    table(
        &[
            "timestamp",
            "id",
            "debit",
            "credit",
            "amount",
            "pending_id",
            "flags",
            "status",
        ],
        &rows,
    )
}
