//! Contracts paid on crossing: the book (tables `contract` and `shipment`, beside the
//! clearing runs, in `DIR/clearing.sqlite` or the ledger's PostgreSQL schema), and what the
//! CLI (`corridor contract ...`) and the service (`/api/v1/contracts`) share: reading the
//! files, checking them against the book and the crossings, and each contract's history.
//! The ledger's side is `corridor_settlement::contracts`.

use std::collections::{BTreeMap, BTreeSet};

use corridor_calendar::GregorianDate;
use corridor_core::{Currency, Money};
use corridor_import::{ContractRow, ContractsReader, CustomsReader, Declaration};
use corridor_ledger::PendingStatus;
use corridor_settlement::contracts::{
    register, ship, ContractError, ContractRecord, Registered, ShipmentRecord, Shipped,
};
use corridor_sql::{Executor, Row, Value};
use corridor_store::LedgerStore;
use serde::Serialize;
use utoipa::ToSchema;

use crate::clearing::{ClearingStore, ClearingStoreError};

/// The crossings every declaration is checked against: the shipped reference registry.
fn crossings() -> Result<&'static corridor_crossings::Crossings, String> {
    corridor_crossings::Crossings::reference_shared()
}

/// The crossing's id for a name as a declaration writes it (either side's name, an alias).
pub fn crossing_id(name: &str) -> Option<String> {
    crossings()
        .ok()?
        .find(name)
        .map(|crossing| crossing.id.clone())
}

/// Why a contracts or declarations file was not applied. Nothing was changed.
#[derive(Debug, thiserror::Error)]
pub enum ContractFileError {
    /// The file could not be read: names the file, line and column.
    #[error("{0}")]
    Read(#[from] corridor_import::ImportError),
    /// A row does not fit the book or the ledger.
    #[error("{0}")]
    Contract(#[from] ContractError),
    /// The book failed.
    #[error("{0}")]
    Store(#[from] ClearingStoreError),
    /// The crossings registry could not be loaded.
    #[error("the crossings registry: {0}")]
    Crossings(String),
}

/// Reads a contracts file whole (the first bad row stops it).
pub fn read_contracts(input: &str, text: &str) -> Result<Vec<ContractRow>, ContractFileError> {
    let mut rows = Vec::new();
    for row in ContractsReader::new(input, text.as_bytes())? {
        rows.push(row?);
    }
    Ok(rows)
}

/// Reads a customs declarations file whole, with the contract each names.
pub fn read_declarations(input: &str, text: &str) -> Result<Vec<Declaration>, ContractFileError> {
    let mut reader = CustomsReader::new(input, text.as_bytes())?;
    let mut rows = Vec::new();
    while let Some(row) = reader.next_declaration() {
        rows.push(row?);
    }
    Ok(rows)
}

/// What registering a file did.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct RegisterReport {
    /// Contracts registered now.
    pub registered: Vec<String>,
    /// Of those, the ones whose deadline had passed (nothing reserved).
    pub not_reserved: Vec<String>,
    /// Contracts registered before with the same terms (nothing done).
    pub already: Vec<String>,
}

/// What applying a declarations file did.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct ShipReport {
    /// Each declaration applied now and what it did.
    pub applied: Vec<ShipmentView>,
    /// Declarations applied before (nothing done).
    pub already: Vec<String>,
    /// Declarations that name no contract (not payments).
    pub without_contract: usize,
}

/// Registers a contracts file: checked whole against the book, reserved in the ledger as one
/// chain, then written to the book. Loading it again changes nothing.
pub fn register_file(
    ledger: &mut dyn LedgerStore,
    store: &mut ClearingStore,
    input: &str,
    text: &str,
    now: &mut dyn FnMut() -> u64,
) -> Result<RegisterReport, ContractFileError> {
    let rows = read_contracts(input, text)?;
    let known = store.contracts_named(rows.iter().map(|r| r.id.as_str()))?;
    let registered = register(ledger, input, &rows, &known, now)?;
    store.record_registered(&registered)?;
    Ok(register_report(&registered))
}

/// What [`register_file`] reports for what `register` did.
pub(crate) fn register_report(registered: &Registered) -> RegisterReport {
    RegisterReport {
        registered: registered.new.iter().map(|c| c.id.clone()).collect(),
        not_reserved: registered
            .new
            .iter()
            .filter(|c| c.reservation.is_none())
            .map(|c| c.id.clone())
            .collect(),
        already: registered.already.clone(),
    }
}

/// Applies a customs declarations file: each declaration naming a contract pays it when
/// its goods crossed in time (see `corridor_settlement::contracts::ship`).
pub fn ship_file(
    ledger: &mut dyn LedgerStore,
    store: &mut ClearingStore,
    input: &str,
    text: &str,
    now: &mut dyn FnMut() -> u64,
) -> Result<ShipReport, ContractFileError> {
    let declarations = read_declarations(input, text)?;
    let (contracts, applied) = store.book_for(&declarations)?;
    crossings().map_err(ContractFileError::Crossings)?;
    let shipped = ship(
        ledger,
        input,
        &declarations,
        &contracts,
        &applied,
        &crossing_id,
        now,
    )?;
    store.record_shipped(&shipped)?;
    Ok(ship_report(&shipped, &contracts))
}

/// What [`ship_file`] reports for what `ship` did.
pub(crate) fn ship_report(
    shipped: &Shipped,
    contracts: &BTreeMap<String, ContractRecord>,
) -> ShipReport {
    ShipReport {
        applied: shipped
            .new
            .iter()
            .map(|s| {
                let currency = contracts
                    .get(&s.contract)
                    .map_or(Currency::USD, |c| c.amount.currency());
                ShipmentView::of(s, currency)
            })
            .collect(),
        already: shipped.already.clone(),
        without_contract: shipped.without_contract,
    }
}

fn hex(id: Option<u128>) -> Value {
    id.map_or(Value::Null, |id| Value::Text(format!("{id:032x}")))
}

fn unhex(text: Option<String>) -> Result<Option<u128>, ClearingStoreError> {
    text.map(|t| {
        u128::from_str_radix(&t, 16)
            .map_err(|_| ClearingStoreError::Corrupt(format!("transfer id {t:?}")))
    })
    .transpose()
}

fn minor(text: &str) -> Result<i128, ClearingStoreError> {
    text.parse()
        .map_err(|_| ClearingStoreError::Corrupt(format!("amount {text:?}")))
}

fn date(text: &str) -> Result<GregorianDate, ClearingStoreError> {
    text.parse()
        .map_err(|_| ClearingStoreError::Corrupt(format!("date {text:?}")))
}

fn nanos(value: u64) -> Value {
    Value::Integer(i64::try_from(value).unwrap_or(i64::MAX))
}

const CONTRACT_COLUMNS: &str = "id, payer, payee, amount_minor, currency, date, deadline, hs_code, \
     crossing, description, reservation, reserved_minor, paid_minor, expires_at, registered_at, note";

fn contract_of(row: &Row) -> Result<ContractRecord, ClearingStoreError> {
    let currency = Currency::from_code(&row.text(4)?)
        .map_err(|e| ClearingStoreError::Corrupt(e.to_string()))?;
    Ok(ContractRecord {
        id: row.text(0)?,
        payer: row.text(1)?,
        payee: row.text(2)?,
        amount: Money::from_minor(minor(&row.text(3)?)?, currency),
        date: date(&row.text(5)?)?,
        deadline: date(&row.text(6)?)?,
        hs_code: row.opt_text(7)?,
        crossing: row.opt_text(8)?,
        description: row.opt_text(9)?,
        reservation: unhex(row.opt_text(10)?)?,
        reserved_minor: minor(&row.text(11)?)?,
        paid_minor: minor(&row.text(12)?)?,
        expires_at: u64::try_from(row.i64(13)?).unwrap_or(0),
        registered_at: u64::try_from(row.i64(14)?).unwrap_or(0),
        note: row.text(15)?,
    })
}

const SHIPMENT_COLUMNS: &str = "declaration, contract, crossing, crossed_on, declared_minor, \
     posted_minor, payment, rest, applied_at, outcome, source";

fn shipment_of(row: &Row) -> Result<ShipmentRecord, ClearingStoreError> {
    Ok(ShipmentRecord {
        declaration: row.text(0)?,
        contract: row.text(1)?,
        crossing: row.text(2)?,
        crossed_on: date(&row.text(3)?)?,
        declared_minor: minor(&row.text(4)?)?,
        posted_minor: minor(&row.text(5)?)?,
        payment: unhex(row.opt_text(6)?)?,
        rest: unhex(row.opt_text(7)?)?,
        applied_at: u64::try_from(row.i64(8)?).unwrap_or(0),
        outcome: row.text(9)?,
        source: row.text(10)?,
    })
}

fn upsert_contract(tx: &mut dyn Executor, c: &ContractRecord) -> Result<(), ClearingStoreError> {
    tx.execute(
        &format!(
            "INSERT INTO contract ({CONTRACT_COLUMNS})
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)
             ON CONFLICT (id) DO UPDATE SET reservation = ?11, reserved_minor = ?12,
                 paid_minor = ?13"
        ),
        &[
            Value::from(&c.id),
            Value::from(&c.payer),
            Value::from(&c.payee),
            Value::from(c.amount.amount_minor().to_string()),
            Value::from(c.amount.currency().code()),
            Value::from(c.date.to_string()),
            Value::from(c.deadline.to_string()),
            Value::from(c.hs_code.as_ref()),
            Value::from(c.crossing.as_ref()),
            Value::from(c.description.as_ref()),
            hex(c.reservation),
            Value::from(c.reserved_minor.to_string()),
            Value::from(c.paid_minor.to_string()),
            nanos(c.expires_at),
            nanos(c.registered_at),
            Value::from(&c.note),
        ],
    )?;
    Ok(())
}

impl ClearingStore {
    /// The contracts of the book with these ids.
    pub fn contracts_named<'a>(
        &mut self,
        ids: impl Iterator<Item = &'a str>,
    ) -> Result<BTreeMap<String, ContractRecord>, ClearingStoreError> {
        let mut found = BTreeMap::new();
        let sql = format!("SELECT {CONTRACT_COLUMNS} FROM contract WHERE id = ?1");
        for id in ids.collect::<BTreeSet<_>>() {
            if let Some(row) = self.db.query_opt(&sql, &[Value::from(id)])? {
                let record = contract_of(&row)?;
                found.insert(record.id.clone(), record);
            }
        }
        Ok(found)
    }

    /// What applying `declarations` needs from the book: their contracts, and which of
    /// them were applied before.
    #[allow(clippy::type_complexity)]
    fn book_for(
        &mut self,
        declarations: &[Declaration],
    ) -> Result<(BTreeMap<String, ContractRecord>, BTreeSet<String>), ClearingStoreError> {
        let contracts =
            self.contracts_named(declarations.iter().filter_map(|d| d.contract.as_deref()))?;
        let mut applied = BTreeSet::new();
        for declaration in declarations {
            let Some(id) = &declaration.record.reference else {
                continue;
            };
            if self
                .db
                .query_opt(
                    "SELECT 1 FROM shipment WHERE declaration = ?1",
                    &[Value::from(id)],
                )?
                .is_some()
            {
                applied.insert(id.clone());
            }
        }
        Ok((contracts, applied))
    }

    /// Writes what registering did, in one transaction.
    pub(crate) fn record_registered(
        &mut self,
        registered: &Registered,
    ) -> Result<(), ClearingStoreError> {
        self.db.transaction(|tx| {
            for contract in &registered.new {
                upsert_contract(tx, contract)?;
            }
            Ok(())
        })
    }

    /// Writes what applying declarations did, in one transaction.
    pub(crate) fn record_shipped(&mut self, shipped: &Shipped) -> Result<(), ClearingStoreError> {
        self.db.transaction(|tx| {
            for s in &shipped.new {
                tx.execute(
                    &format!(
                        "INSERT INTO shipment ({SHIPMENT_COLUMNS})
                         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)
                         ON CONFLICT (declaration) DO NOTHING"
                    ),
                    &[
                        Value::from(&s.declaration),
                        Value::from(&s.contract),
                        Value::from(&s.crossing),
                        Value::from(s.crossed_on.to_string()),
                        Value::from(s.declared_minor.to_string()),
                        Value::from(s.posted_minor.to_string()),
                        hex(s.payment),
                        hex(s.rest),
                        nanos(s.applied_at),
                        Value::from(&s.outcome),
                        Value::from(&s.source),
                    ],
                )?;
            }
            for contract in &shipped.contracts {
                upsert_contract(tx, contract)?;
            }
            Ok(())
        })
    }

    /// Every contract, by id; only those `party` pays or is paid by, when given.
    pub fn contracts(
        &mut self,
        party: Option<&str>,
    ) -> Result<Vec<ContractRecord>, ClearingStoreError> {
        let rows = self.db.query(
            &format!(
                "SELECT {CONTRACT_COLUMNS} FROM contract
                 WHERE CAST(?1 AS TEXT) IS NULL OR payer = ?1 OR payee = ?1 ORDER BY id"
            ),
            &[Value::from(party)],
        )?;
        rows.iter().map(contract_of).collect()
    }

    /// The shipments of every contract `party` pays or is paid by (of every contract, when
    /// `None`), by contract, each contract's in the order they were applied: one query for
    /// a whole listing rather than one per contract.
    pub fn shipments_by_contract(
        &mut self,
        party: Option<&str>,
    ) -> Result<BTreeMap<String, Vec<ShipmentRecord>>, ClearingStoreError> {
        let rows = self.db.query(
            &format!(
                "SELECT {SHIPMENT_COLUMNS} FROM shipment
                 WHERE contract IN (SELECT id FROM contract
                                    WHERE CAST(?1 AS TEXT) IS NULL OR payer = ?1 OR payee = ?1)
                 ORDER BY contract, applied_at, declaration"
            ),
            &[Value::from(party)],
        )?;
        let mut by_contract: BTreeMap<String, Vec<ShipmentRecord>> = BTreeMap::new();
        for row in &rows {
            let shipment = shipment_of(row)?;
            by_contract
                .entry(shipment.contract.clone())
                .or_default()
                .push(shipment);
        }
        Ok(by_contract)
    }

    /// A contract's shipments, in the order they were applied.
    pub fn shipments(&mut self, contract: &str) -> Result<Vec<ShipmentRecord>, ClearingStoreError> {
        let rows = self.db.query(
            &format!(
                "SELECT {SHIPMENT_COLUMNS} FROM shipment WHERE contract = ?1
                 ORDER BY applied_at, declaration"
            ),
            &[Value::from(contract)],
        )?;
        rows.iter().map(shipment_of).collect()
    }
}

/// One step of a contract's history.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct HistoryEvent {
    /// When (UTC, `YYYY-MM-DDTHH:MM:SSZ`).
    pub at: String,
    /// `registered`, `shipment` or `released`.
    pub event: String,
    /// The amount it moved or held, as a decimal in the contract's currency.
    pub amount: Option<String>,
    /// What happened, in words.
    pub detail: String,
}

/// A shipment as shown.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct ShipmentView {
    /// The customs declaration.
    pub declaration: String,
    /// The contract.
    pub contract: String,
    /// The crossing's id.
    pub crossing: String,
    /// The day the goods crossed.
    pub crossed_on: String,
    /// Declared, as a decimal in the contract's currency.
    pub declared: String,
    /// Paid, as a decimal in the contract's currency.
    pub paid: String,
    /// What it did.
    pub outcome: String,
    /// File and line.
    pub source: String,
}

impl ShipmentView {
    fn of(s: &ShipmentRecord, currency: Currency) -> ShipmentView {
        ShipmentView {
            declaration: s.declaration.clone(),
            contract: s.contract.clone(),
            crossing: s.crossing.clone(),
            crossed_on: s.crossed_on.to_string(),
            declared: Money::from_minor(s.declared_minor, currency).format_plain(),
            paid: Money::from_minor(s.posted_minor, currency).format_plain(),
            outcome: s.outcome.clone(),
            source: s.source.clone(),
        }
    }
}

/// A contract as shown: its terms, where it stands, and its history.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct ContractView {
    /// Its id.
    pub id: String,
    /// Who pays.
    pub payer: String,
    /// Who is paid.
    pub payee: String,
    /// The contract's amount, a decimal.
    pub amount: String,
    /// ISO 4217.
    pub currency: String,
    /// When it was made.
    pub date: String,
    /// The last day the goods may cross.
    pub deadline: String,
    /// The goods' HS code.
    pub hs_code: Option<String>,
    /// The crossing expected.
    pub crossing: Option<String>,
    /// What it is for.
    pub description: Option<String>,
    /// `reserved`, `partly paid`, `paid`, `released` (the deadline passed) or `not reserved`.
    pub status: String,
    /// Still reserved, a decimal.
    pub reserved: String,
    /// Paid so far, a decimal.
    pub paid: String,
    /// What was freed when the deadline passed, a decimal.
    pub released: String,
    /// The steps, oldest first.
    pub history: Vec<HistoryEvent>,
}

/// `nanos` since 1970 as `YYYY-MM-DDTHH:MM:SSZ`.
fn moment(nanos: u64) -> String {
    let seconds = nanos / 1_000_000_000;
    let day = i64::try_from(seconds / 86_400).unwrap_or(0);
    let rest = seconds % 86_400;
    let date = GregorianDate::from_days_since_epoch(day)
        .map_or_else(|_| "?".to_owned(), |d| d.to_string());
    format!(
        "{date}T{:02}:{:02}:{:02}Z",
        rest / 3600,
        rest % 3600 / 60,
        rest % 60
    )
}

/// A contract with its history; `status` is the ledger's word on its reservation.
pub fn history_view(
    contract: &ContractRecord,
    shipments: &[ShipmentRecord],
    status: Option<PendingStatus>,
) -> ContractView {
    let currency = contract.amount.currency();
    let text = |minor: i128| Money::from_minor(minor, currency).format_plain();
    let mut history = vec![HistoryEvent {
        at: moment(contract.registered_at),
        event: "registered".to_owned(),
        amount: contract
            .reservation
            .map(|_| text(contract.amount.amount_minor())),
        detail: contract.note.clone(),
    }];
    for s in shipments {
        history.push(HistoryEvent {
            at: moment(s.applied_at),
            event: "shipment".to_owned(),
            amount: Some(text(s.posted_minor)),
            detail: format!(
                "declaration {} ({}), crossed {} on {}: {}",
                s.declaration, s.source, s.crossing, s.crossed_on, s.outcome
            ),
        });
    }
    let mut released = 0;
    let mut reserved = contract.reserved_minor;
    match status {
        Some(PendingStatus::Expired { timestamp }) if reserved > 0 => {
            released = reserved;
            reserved = 0;
            history.push(HistoryEvent {
                at: moment(timestamp),
                event: "released".to_owned(),
                amount: Some(text(released)),
                detail: format!(
                    "the deadline {} passed without a crossing for it: voided, the funds are free again",
                    contract.deadline
                ),
            });
        }
        Some(PendingStatus::Voided { timestamp }) if reserved > 0 => {
            released = reserved;
            reserved = 0;
            history.push(HistoryEvent {
                at: moment(timestamp),
                event: "released".to_owned(),
                amount: Some(text(released)),
                detail: "voided".to_owned(),
            });
        }
        _ => {}
    }
    let status = if contract.reservation.is_none() && contract.paid_minor == 0 {
        "not reserved"
    } else if released > 0 {
        "released"
    } else if reserved == 0 {
        "paid"
    } else if contract.paid_minor > 0 {
        "partly paid"
    } else {
        "reserved"
    };
    ContractView {
        id: contract.id.clone(),
        payer: contract.payer.clone(),
        payee: contract.payee.clone(),
        amount: text(contract.amount.amount_minor()),
        currency: currency.code().to_owned(),
        date: contract.date.to_string(),
        deadline: contract.deadline.to_string(),
        hs_code: contract.hs_code.clone(),
        crossing: contract.crossing.clone(),
        description: contract.description.clone(),
        status: status.to_owned(),
        reserved: text(reserved),
        paid: text(contract.paid_minor),
        released: text(released),
        history,
    }
}

/// Every contract (of `party`, when given) with its history, the ledger asked for the
/// status of each one's reservation.
pub fn contract_views(
    ledger: &mut dyn LedgerStore,
    store: &mut ClearingStore,
    party: Option<&str>,
) -> Result<Vec<ContractView>, ContractFileError> {
    let mut shipments = store.shipments_by_contract(party)?;
    let mut views = Vec::new();
    for contract in store.contracts(party)? {
        let own = shipments.remove(&contract.id).unwrap_or_default();
        views.push(view_with(ledger, &contract, &own)?);
    }
    Ok(views)
}

/// Contract `id` with its history, when there is one and `party` (when given) pays or is
/// paid by it.
pub fn contract_view(
    ledger: &mut dyn LedgerStore,
    store: &mut ClearingStore,
    id: &str,
    party: Option<&str>,
) -> Result<Option<ContractView>, ContractFileError> {
    let Some(contract) = store.contracts_named(std::iter::once(id))?.remove(id) else {
        return Ok(None);
    };
    if party.is_some_and(|party| contract.payer != party && contract.payee != party) {
        return Ok(None);
    }
    let shipments = store.shipments(&contract.id)?;
    Ok(Some(view_with(ledger, &contract, &shipments)?))
}

/// A contract's view: its `shipments` from the book, its reservation's status from the
/// ledger.
fn view_with(
    ledger: &mut dyn LedgerStore,
    contract: &ContractRecord,
    shipments: &[ShipmentRecord],
) -> Result<ContractView, ContractFileError> {
    let status = match contract.reservation {
        Some(id) => ledger
            .pending_status(id)
            .map_err(|e| ContractFileError::Contract(ContractError::Store(e)))?,
        None => None,
    };
    Ok(history_view(contract, shipments, status))
}
