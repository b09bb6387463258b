//! Payment on crossing: a trade contract reserves the payer's money for the exporter, the
//! goods' crossing (a customs declaration naming the contract) pays it, and the deadline
//! passing without a crossing frees it.
//!
//! - **At contract** ([`register`]): a *pending* ledger transfer from the payer's account
//!   (a restricted pool, say) to the payee's, for the contract's amount, whose timeout ends
//!   at the start of the day after the deadline (UTC). The ledger itself releases it then
//!   (its status becomes expired): the funds are free again.
//! - **At crossing** ([`ship`]): the reservation is *posted* for the declared value, at most
//!   what is still reserved. A partial shipment posts part, and in the same linked chain a
//!   new reservation holds the rest until the same deadline, so a contract can be paid by
//!   several shipments. A declaration after the reservation was released, or for goods that
//!   crossed after the deadline, posts nothing and says so in the contract's history.
//! - **Exactly once.** Every transfer's id is a digest of the contract and the declaration,
//!   so loading a file again, or again after a crash between the ledger and the book, finds
//!   the transfers there and changes nothing. Within a file, declarations are applied in
//!   order of crossing date, then id: the file's row order does not matter.
//! - **All or nothing.** A file is checked whole first (unknown contract, unknown crossing,
//!   a crossing before the contract's date, a currency that is not the contract's: each
//!   names the file, line and field); the ledger's transfers of a file are one linked chain.
//!
//! The caller keeps the book (contracts and what each declaration did) and hands in what it
//! holds; these functions say what to add to it.

use std::collections::{BTreeMap, BTreeSet};

use corridor_calendar::GregorianDate;
use corridor_core::{Currency, Money};
use corridor_import::{ContractRow, Declaration};
use corridor_ledger::{Account, CreateTransferResult, PendingStatus, Transfer, TransferFlags};
use corridor_store::{LedgerStore, StoreError};
use sha2::{Digest, Sha256};

use crate::post::{account_id, ledger_of, party_account, Holder};

/// Transfer code of a contract's reservation, of what is still reserved after a partial
/// shipment, and of the payments that post them (the ledger has a posting carry its
/// reservation's code).
pub const CODE_CONTRACT_RESERVATION: u16 = 21;

/// Nanoseconds in a day.
const DAY_NANOS: u64 = 86_400 * 1_000_000_000;

/// Why contracts or declarations could not be applied. Nothing was changed.
#[derive(Debug, thiserror::Error)]
pub enum ContractError {
    /// A row is wrong: which file, line and field, and why.
    #[error("{input} line {line}, field {field}: {value:?} {reason}")]
    Input {
        /// The file.
        input: String,
        /// Its 1-based line.
        line: u64,
        /// The column.
        field: &'static str,
        /// The value found.
        value: String,
        /// What is wrong with it.
        reason: String,
    },
    /// The ledger refused a transfer of the file.
    #[error("{input} line {line}: the ledger refused {what}: {result}; nothing was changed")]
    Refused {
        /// The file.
        input: String,
        /// The row's line.
        line: u64,
        /// What was refused.
        what: String,
        /// The ledger's result.
        result: CreateTransferResult,
    },
    /// More transfers than one linked chain may hold.
    #[error("{input}: {count} transfers are more than one batch holds ({max}); split the file")]
    TooLarge {
        /// The file.
        input: String,
        /// Transfers needed.
        count: usize,
        /// The limit.
        max: usize,
    },
    /// The ledger failed.
    #[error("the ledger: {0}")]
    Store(#[from] StoreError),
}

/// A contract as the book keeps it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ContractRecord {
    /// The contract's id.
    pub id: String,
    /// Who pays.
    pub payer: String,
    /// Who is paid.
    pub payee: String,
    /// The amount reserved at contract.
    pub amount: Money,
    /// When it was made.
    pub date: GregorianDate,
    /// The last day the goods may cross.
    pub deadline: GregorianDate,
    /// The goods' HS code, when given.
    pub hs_code: Option<String>,
    /// The crossing expected, when given.
    pub crossing: Option<String>,
    /// What it is for.
    pub description: Option<String>,
    /// The reservation holding what is still to pay (the contract's first, or the one a
    /// partial shipment made); `None` when nothing was reserved.
    pub reservation: Option<u128>,
    /// What that reservation holds, in minor units.
    pub reserved_minor: i128,
    /// What crossings have paid so far, in minor units.
    pub paid_minor: i128,
    /// When the reservation is released if the goods do not cross (ledger nanoseconds).
    pub expires_at: u64,
    /// When it was registered (ledger nanoseconds).
    pub registered_at: u64,
    /// What registering did, in words.
    pub note: String,
}

impl ContractRecord {
    /// Whether `row` states the same terms.
    fn same_terms(&self, row: &ContractRow) -> bool {
        self.payer == row.payer
            && self.payee == row.payee
            && self.amount == row.amount
            && self.date == row.date
            && self.deadline == row.deadline
    }
}

/// What one declaration did, as the book keeps it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ShipmentRecord {
    /// The declaration's id.
    pub declaration: String,
    /// The contract it ships goods for.
    pub contract: String,
    /// Where the goods crossed (the crossing's id).
    pub crossing: String,
    /// When.
    pub crossed_on: GregorianDate,
    /// The declared value, in the contract's currency's minor units.
    pub declared_minor: i128,
    /// What it paid, in minor units (0 when it paid nothing).
    pub posted_minor: i128,
    /// The payment's transfer, when there is one.
    pub payment: Option<u128>,
    /// The new reservation for the rest, after a partial shipment.
    pub rest: Option<u128>,
    /// When it was applied (ledger nanoseconds).
    pub applied_at: u64,
    /// What it did, in words.
    pub outcome: String,
    /// The file and line it came from.
    pub source: String,
}

/// The id of a contract's first reservation.
pub fn reservation_id(contract: &str) -> u128 {
    digest(&[b"corridor/contract/reserve/v1\0", contract.as_bytes()])
}

/// The ids of the payment a declaration makes and of the reservation of the rest.
pub fn shipment_ids(contract: &str, declaration: &str) -> (u128, u128) {
    let length = (contract.len() as u64).to_be_bytes();
    let parts =
        |tag: &'static [u8]| digest(&[tag, &length, contract.as_bytes(), declaration.as_bytes()]);
    (
        parts(b"corridor/contract/pay/v1\0"),
        parts(b"corridor/contract/rest/v1\0"),
    )
}

/// The `user_data_128` of a contract's transfers: finds them by contract.
pub fn contract_key(contract: &str) -> u128 {
    digest(&[b"corridor/contract/v1\0", contract.as_bytes()])
}

fn digest(parts: &[&[u8]]) -> u128 {
    let mut hasher = Sha256::new();
    for part in parts {
        hasher.update(part);
    }
    let bytes = hasher.finalize();
    let mut id = [0_u8; 16];
    id.copy_from_slice(&bytes[..16]);
    u128::from_be_bytes(id).clamp(1, u128::MAX - 1)
}

/// When a contract's reservation is released: the start (UTC) of the day after its deadline.
pub fn expiry_of(deadline: GregorianDate) -> u64 {
    u64::try_from(deadline.days_since_epoch() + 1)
        .unwrap_or(0)
        .saturating_mul(DAY_NANOS)
}

/// The ledger's timeout (whole seconds, rounded up, at least 1) for a reservation made at
/// `now` that must last until `expires_at`; `None` when that time has passed.
fn timeout(now: u64, expires_at: u64) -> Option<u32> {
    if expires_at <= now {
        return None;
    }
    let seconds = (expires_at - now).div_ceil(1_000_000_000);
    Some(u32::try_from(seconds).unwrap_or(u32::MAX).max(1))
}

fn input_error(
    input: &str,
    line: u64,
    field: &'static str,
    value: &str,
    reason: impl Into<String>,
) -> ContractError {
    ContractError::Input {
        input: input.to_owned(),
        line,
        field,
        value: value.to_owned(),
        reason: reason.into(),
    }
}

/// What [`register`] did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Registered {
    /// Contracts to add to the book.
    pub new: Vec<ContractRecord>,
    /// Contracts already in the book with the same terms (nothing done).
    pub already: Vec<String>,
}

/// Registers contracts: checks the whole file (a contract registered before with other
/// terms, an id twice, a payer without an account in the currency, or one whose available
/// balance cannot cover its contracts each stop it, naming the line and field), then
/// reserves each new contract's amount in one linked chain. A contract whose deadline has
/// passed is kept with nothing reserved. `known` is the book's record of the file's ids.
pub fn register(
    ledger: &mut dyn LedgerStore,
    input: &str,
    rows: &[ContractRow],
    known: &BTreeMap<String, ContractRecord>,
    now_nanos: &mut dyn FnMut() -> u64,
) -> Result<Registered, ContractError> {
    let mut seen = BTreeSet::new();
    let mut outcome = Registered::default();
    let mut fresh = Vec::new();
    for row in rows {
        if !seen.insert(row.id.as_str()) {
            return Err(input_error(
                input,
                row.line,
                "contract",
                &row.id,
                "is in the file twice",
            ));
        }
        match known.get(&row.id) {
            Some(record) if record.same_terms(row) => outcome.already.push(row.id.clone()),
            Some(_) => return Err(input_error(
                input,
                row.line,
                "contract",
                &row.id,
                "was registered before with other terms (payer, payee, amount, date or deadline)",
            )),
            None => fresh.push(row),
        }
    }
    let now = now_nanos();
    // Payers' accounts must exist and cover what their contracts reserve.
    let mut needed: BTreeMap<(String, Currency), (i128, u64)> = BTreeMap::new();
    for row in &fresh {
        if timeout(now, expiry_of(row.deadline)).is_some() {
            let entry = needed
                .entry((row.payer.clone(), row.amount.currency()))
                .or_insert((0, row.line));
            entry.0 += row.amount.amount_minor();
        }
    }
    for ((payer, currency), (amount, line)) in &needed {
        let id = account_id(&Holder::Party(payer.clone()), *currency);
        let found = ledger.lookup_accounts(&[id])?;
        let Some(account) = found.first() else {
            return Err(input_error(
                input,
                *line,
                "payer",
                payer,
                format!("has no {} account in the ledger", currency.code()),
            ));
        };
        if let Some(available) = available(account) {
            if available < *amount {
                return Err(input_error(
                    input,
                    *line,
                    "amount",
                    &Money::from_minor(*amount, *currency).format_plain(),
                    format!(
                        "is more than {payer}'s available {} {} (its contracts in this file together)",
                        Money::from_minor(available, *currency).format_plain(),
                        currency.code()
                    ),
                ));
            }
        }
    }
    let mut transfers = Vec::new();
    let mut lines = Vec::new();
    for row in &fresh {
        let expires_at = expiry_of(row.deadline);
        let currency = row.amount.currency();
        let mut record = ContractRecord {
            id: row.id.clone(),
            payer: row.payer.clone(),
            payee: row.payee.clone(),
            amount: row.amount,
            date: row.date,
            deadline: row.deadline,
            hs_code: row.hs_code.map(|code| code.to_string()),
            crossing: row.crossing.clone(),
            description: row.description.clone(),
            reservation: None,
            reserved_minor: 0,
            paid_minor: 0,
            expires_at,
            registered_at: now,
            note: String::new(),
        };
        match timeout(now, expires_at) {
            None => {
                record.note = format!(
                    "registered after its deadline {}: nothing reserved",
                    row.deadline
                );
            }
            Some(seconds) => {
                let id = reservation_id(&row.id);
                record.reservation = Some(id);
                record.reserved_minor = row.amount.amount_minor();
                record.note = format!(
                    "reserved {} {} from {} for {} until the end of {}",
                    row.amount.format_plain(),
                    currency.code(),
                    row.payer,
                    row.payee,
                    row.deadline
                );
                transfers.push(Transfer {
                    id,
                    debit_account_id: account_id(&Holder::Party(row.payer.clone()), currency),
                    credit_account_id: account_id(&Holder::Party(row.payee.clone()), currency),
                    amount: u128::try_from(row.amount.amount_minor()).unwrap_or(0),
                    user_data_128: contract_key(&row.id),
                    timeout: seconds,
                    ledger: ledger_of(currency),
                    code: CODE_CONTRACT_RESERVATION,
                    flags: TransferFlags::PENDING,
                    ..Transfer::default()
                });
                lines.push((row.line, format!("the reservation of contract {}", row.id)));
            }
        }
        outcome.new.push(record);
    }
    // The payees' accounts, made if missing (after every check above passed).
    let payees: BTreeSet<(String, Currency)> = fresh
        .iter()
        .map(|row| (row.payee.clone(), row.amount.currency()))
        .collect();
    let accounts: Vec<Account> = payees
        .iter()
        .map(|(payee, currency)| party_account(payee, *currency))
        .collect();
    apply(ledger, input, &accounts, transfers, &lines, now_nanos)?;
    Ok(outcome)
}

/// What an account may still pay when it must not go below zero; `None` when it may.
fn available(account: &Account) -> Option<i128> {
    use corridor_ledger::AccountFlags;
    if !account
        .flags
        .contains(AccountFlags::DEBITS_MUST_NOT_EXCEED_CREDITS)
    {
        return None;
    }
    let credits = i128::try_from(account.credits_posted).unwrap_or(i128::MAX);
    let debits = i128::try_from(account.debits_posted.saturating_add(account.debits_pending))
        .unwrap_or(i128::MAX);
    Some(credits - debits)
}

/// Creates missing accounts, then the transfers as one linked chain (new ids only: a
/// transfer already in the ledger, from a load interrupted before the book was written, is
/// left out and counts as done).
fn apply(
    ledger: &mut dyn LedgerStore,
    input: &str,
    accounts: &[Account],
    transfers: Vec<Transfer>,
    lines: &[(u64, String)],
    now_nanos: &mut dyn FnMut() -> u64,
) -> Result<(), ContractError> {
    let ids: Vec<u128> = transfers.iter().map(|t| t.id).collect();
    let present: BTreeSet<u128> = ledger
        .lookup_transfers(&ids)?
        .into_iter()
        .map(|t| t.id)
        .collect();
    let (mut chain, mut chain_lines) = (Vec::new(), Vec::new());
    for (transfer, line) in transfers.into_iter().zip(lines) {
        if !present.contains(&transfer.id) {
            chain.push(transfer);
            chain_lines.push(line.clone());
        }
    }
    if chain.is_empty() {
        return Ok(());
    }
    let max = corridor_ledger::BATCH_EVENTS_MAX;
    if chain.len() > max {
        return Err(ContractError::TooLarge {
            input: input.to_owned(),
            count: chain.len(),
            max,
        });
    }
    if !accounts.is_empty() {
        ledger.create_accounts(now_nanos(), accounts)?;
    }
    let last = chain.len() - 1;
    for transfer in &mut chain[..last] {
        transfer.flags = transfer.flags.with(TransferFlags::LINKED);
    }
    let results = ledger.create_transfers(now_nanos(), &chain)?;
    let failed = results.iter().enumerate().find(|(_, result)| {
        !matches!(
            result,
            CreateTransferResult::Ok | CreateTransferResult::LinkedEventFailed
        )
    });
    if let Some((index, result)) = failed {
        let (line, what) = chain_lines[index].clone();
        return Err(ContractError::Refused {
            input: input.to_owned(),
            line,
            what,
            result: *result,
        });
    }
    Ok(())
}

/// What [`ship`] did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Shipped {
    /// Declarations to add to the book, in the order they were applied.
    pub new: Vec<ShipmentRecord>,
    /// Contracts as they stand after them, to update in the book.
    pub contracts: Vec<ContractRecord>,
    /// Declarations the book had already (nothing done).
    pub already: Vec<String>,
    /// Declarations that name no contract (not payments; nothing done).
    pub without_contract: usize,
}

/// A declaration checked against the book.
struct Checked<'a> {
    declaration: &'a Declaration,
    id: String,
    contract: String,
    crossing: String,
    crossed_on: GregorianDate,
    declared_minor: i128,
}

/// Applies customs declarations that name contracts: checks the whole file first (each
/// declaration's contract must be in `contracts`, its crossing known to `crossing_id`
/// (which gives the crossing's id for a name), its date not before the contract's, its
/// value in the contract's currency (or in US dollars for a contract in dollars), and the
/// same declaration id never names two contracts), then pays each in order of crossing
/// date and id, and posts the ledger's side as one linked chain.
pub fn ship(
    ledger: &mut dyn LedgerStore,
    input: &str,
    declarations: &[Declaration],
    contracts: &BTreeMap<String, ContractRecord>,
    applied: &BTreeSet<String>,
    crossing_id: &dyn Fn(&str) -> Option<String>,
    now_nanos: &mut dyn FnMut() -> u64,
) -> Result<Shipped, ContractError> {
    let mut outcome = Shipped::default();
    let mut checked = Vec::new();
    let mut named: BTreeMap<String, String> = BTreeMap::new();
    for declaration in declarations {
        let record = &declaration.record;
        let line = record.line;
        let Some(contract_id) = &declaration.contract else {
            outcome.without_contract += 1;
            continue;
        };
        let id = record.reference.clone().unwrap_or_default();
        if let Some(other) = named.insert(id.clone(), contract_id.clone()) {
            if &other != contract_id {
                return Err(input_error(
                    input,
                    line,
                    "declaration",
                    &id,
                    format!("names contract {contract_id} here and {other} on another line"),
                ));
            }
        }
        let Some(contract) = contracts.get(contract_id) else {
            return Err(input_error(
                input,
                line,
                "contract",
                contract_id,
                "is not a registered contract (register it first: corridor contract register)",
            ));
        };
        let written = record.crossing.clone().unwrap_or_default();
        if written.is_empty() {
            return Err(input_error(
                input,
                line,
                "crossing",
                "",
                "is empty: a shipment that pays a contract must say where it crossed",
            ));
        }
        let Some(crossing) = crossing_id(&written) else {
            return Err(input_error(
                input,
                line,
                "crossing",
                &written,
                "is not a known crossing",
            ));
        };
        let crossed_on = record.period.first_day();
        if crossed_on < contract.date {
            return Err(input_error(
                input,
                line,
                "date",
                &crossed_on.to_string(),
                format!(
                    "is before contract {}'s date {}",
                    contract.id, contract.date
                ),
            ));
        }
        let currency = contract.amount.currency();
        let declared = match record.original_value {
            Some(value) if value.currency() == currency => value.amount_minor(),
            _ if currency.code() == "USD" => record.value_usd_cents,
            Some(value) => {
                return Err(input_error(
                    input,
                    line,
                    "currency",
                    value.currency().code(),
                    format!(
                        "is not contract {}'s currency {}",
                        contract.id,
                        currency.code()
                    ),
                ))
            }
            None => {
                return Err(input_error(
                    input,
                    line,
                    "currency",
                    "USD",
                    format!(
                        "is not contract {}'s currency {}",
                        contract.id,
                        currency.code()
                    ),
                ))
            }
        };
        if declared <= 0 {
            return Err(input_error(
                input,
                line,
                "value",
                &declared.to_string(),
                "is not more than zero",
            ));
        }
        if applied.contains(&id) {
            outcome.already.push(id);
            continue;
        }
        // The same declaration twice in a file (a repeated row): applied once, as the
        // first of its rows says.
        if checked.iter().any(|c: &Checked<'_>| c.id == id) {
            continue;
        }
        checked.push(Checked {
            declaration,
            id,
            contract: contract_id.clone(),
            crossing,
            crossed_on,
            declared_minor: declared,
        });
    }
    // Crossing date, then id: the file's row order does not change what is paid.
    checked.sort_by(|a, b| (a.crossed_on, &a.id).cmp(&(b.crossed_on, &b.id)));

    let now = now_nanos();
    let mut states: BTreeMap<String, ContractRecord> = BTreeMap::new();
    let mut transfers = Vec::new();
    let mut lines = Vec::new();
    for item in &checked {
        let contract = match states.get(&item.contract) {
            Some(state) => state.clone(),
            None => contracts
                .get(&item.contract)
                .cloned()
                .ok_or_else(|| input_error(input, 0, "contract", &item.contract, "vanished"))?,
        };
        let mut state = contract.clone();
        let line = item.declaration.record.line;
        let (payment, rest) = shipment_ids(&item.contract, &item.id);
        let mut shipment = ShipmentRecord {
            declaration: item.id.clone(),
            contract: item.contract.clone(),
            crossing: item.crossing.clone(),
            crossed_on: item.crossed_on,
            declared_minor: item.declared_minor,
            posted_minor: 0,
            payment: None,
            rest: None,
            applied_at: now,
            outcome: String::new(),
            source: format!("{input}:{line}"),
        };
        let currency = contract.amount.currency();
        let money = |minor: i128| {
            format!(
                "{} {}",
                Money::from_minor(minor, currency).format_plain(),
                currency.code()
            )
        };
        let status = match state.reservation {
            Some(id) if state.reserved_minor > 0 => {
                // A reservation made in this file is pending by construction; one this
                // declaration's own payment posted (a load interrupted after the ledger and
                // before the book) is taken up again: the chain leaves out what is there.
                if transfers.iter().any(|t: &Transfer| t.id == id)
                    || !ledger.lookup_transfers(&[payment])?.is_empty()
                {
                    Some(PendingStatus::Pending)
                } else {
                    ledger.pending_status(id)?
                }
            }
            _ => None,
        };
        if item.crossed_on > contract.deadline {
            shipment.outcome = format!(
                "crossed on {} after the deadline {}: nothing paid",
                item.crossed_on, contract.deadline
            );
        } else if state.reserved_minor <= 0 && state.paid_minor > 0 {
            shipment.outcome = format!(
                "the contract was paid in full before ({}): nothing paid",
                money(state.paid_minor)
            );
        } else if matches!(status, Some(PendingStatus::Pending))
            && now >= contract.expires_at
            && ledger.lookup_transfers(&[payment])?.is_empty()
        {
            // The ledger releases it with its next batch; this one would find it gone.
            shipment.outcome =
                "the reservation was released at the deadline before this declaration came: nothing paid"
                    .to_owned();
        } else if !matches!(status, Some(PendingStatus::Pending)) {
            shipment.outcome = match status {
                Some(PendingStatus::Expired { .. }) => {
                    "the reservation was released at the deadline before this declaration came: nothing paid"
                        .to_owned()
                }
                Some(PendingStatus::Voided { .. }) => {
                    "the reservation was voided: nothing paid".to_owned()
                }
                _ => "nothing is reserved for this contract: nothing paid".to_owned(),
            };
        } else if let Some(pending) = state.reservation {
            let post = item.declared_minor.min(state.reserved_minor);
            let left = state.reserved_minor - post;
            let accounts = (
                account_id(&Holder::Party(contract.payer.clone()), currency),
                account_id(&Holder::Party(contract.payee.clone()), currency),
            );
            transfers.push(Transfer {
                id: payment,
                debit_account_id: accounts.0,
                credit_account_id: accounts.1,
                amount: u128::try_from(post).unwrap_or(0),
                pending_id: pending,
                user_data_128: contract_key(&item.contract),
                ledger: ledger_of(currency),
                code: CODE_CONTRACT_RESERVATION,
                flags: TransferFlags::POST_PENDING,
                ..Transfer::default()
            });
            lines.push((line, format!("the payment of declaration {}", item.id)));
            shipment.posted_minor = post;
            shipment.payment = Some(payment);
            state.paid_minor += post;
            state.reserved_minor = 0;
            state.reservation = None;
            if left > 0 {
                match timeout(now, contract.expires_at) {
                    Some(seconds) => {
                        transfers.push(Transfer {
                            id: rest,
                            debit_account_id: accounts.0,
                            credit_account_id: accounts.1,
                            amount: u128::try_from(left).unwrap_or(0),
                            user_data_128: contract_key(&item.contract),
                            timeout: seconds,
                            ledger: ledger_of(currency),
                            code: CODE_CONTRACT_RESERVATION,
                            flags: TransferFlags::PENDING,
                            ..Transfer::default()
                        });
                        lines.push((
                            line,
                            format!("the reservation of the rest of contract {}", item.contract),
                        ));
                        shipment.rest = Some(rest);
                        state.reservation = Some(rest);
                        state.reserved_minor = left;
                        shipment.outcome = format!(
                            "paid {} at {}; {} still reserved until the end of {}",
                            money(post),
                            item.crossing,
                            money(left),
                            contract.deadline
                        );
                    }
                    None => {
                        shipment.outcome = format!(
                            "paid {} at {}; the rest ({}) is free again (the deadline has passed)",
                            money(post),
                            item.crossing,
                            money(left)
                        );
                    }
                }
            } else {
                shipment.outcome = if item.declared_minor > post {
                    format!(
                        "paid {} at {} (declared {}, at most what was reserved); the contract is paid in full",
                        money(post),
                        item.crossing,
                        money(item.declared_minor)
                    )
                } else {
                    format!(
                        "paid {} at {}; the contract is paid in full",
                        money(post),
                        item.crossing
                    )
                };
            }
        }
        states.insert(item.contract.clone(), state);
        outcome.new.push(shipment);
    }
    apply(ledger, input, &[], transfers, &lines, now_nanos)?;
    outcome.contracts = states.into_values().collect();
    Ok(outcome)
}
