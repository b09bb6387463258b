//! Parties and clearing runs: the service's side of `corridor clear`.
//!
//! A run is submitted with its inputs (the same CSV formats as the CLI's files, as text),
//! read and checked by the same code ([`corridor_settlement::cycle`]), cleared, and kept in
//! `DIR/clearing.sqlite` (or the PostgreSQL schema the servers of a ledger share) with its
//! inputs, totals and report. Its id is a digest of the
//! method and the inputs, so submitting the same cycle twice finds the run already there.
//! Posting a run rebuilds its plan from the kept inputs (clearing is deterministic), checks
//! that the plan's id is the one recorded, and posts it through the ledger's writer thread:
//! all or nothing, and a second post changes nothing.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::{Arc, Mutex};

use corridor_sql::{Database, Executor, Migration, Row, SqlError, Target, Value};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use utoipa::ToSchema;

use corridor_clearing::{ClearingResult, PartyKind};
use corridor_core::Money;
use corridor_settlement::cycle::{
    self, describe_cycles, method_name, Cleared, Cycle, CycleError, CycleInput, MethodChoice,
    Named, Report,
};
use corridor_settlement::post::{post_plan, PostError, PostOutcome};

use crate::error::ApiError;

/// Why the clearing store failed.
#[derive(Debug, thiserror::Error)]
pub enum ClearingStoreError {
    /// The database failed.
    #[error("the clearing store: {0}")]
    Sql(#[from] SqlError),
    /// A stored value could not be read back.
    #[error("the clearing store holds a bad value: {0}")]
    Corrupt(String),
}

/// A party as the service keeps it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PartyRecord {
    /// Its id, as obligations name it.
    pub id: String,
    /// Its country (ISO 3166 alpha-3).
    pub country: String,
    /// `central-bank`, `bank`, `restricted-pool`, `clearing-agent` or `trader`.
    pub kind: String,
    /// Its name for people.
    pub name: Option<String>,
}

/// One currency's totals of a run, in minor units as decimal strings.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct CurrencyTotals {
    /// ISO 4217 code.
    pub currency: String,
    /// Digits after the decimal point.
    pub exponent: u8,
    /// Every obligation added up.
    pub debt: String,
    /// Discharged by any means.
    pub discharged: String,
    /// Discharged without cash.
    pub offset: String,
    /// Paid from restricted pools.
    pub pooled: String,
    /// Still owed.
    pub remaining: String,
    /// Cash that moved.
    pub cash_moved: String,
    /// Cash that crossed the border.
    pub cash_cross_border: String,
    /// The share of the debt discharged without cash, in basis points.
    pub saved_bp: i64,
}

/// One pool's use in a run.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct PoolTotals {
    /// The pool's id (a party).
    pub pool: String,
    /// The pool's name, when its party has one.
    pub pool_name: Option<String>,
    /// Who is paid the charges.
    pub owner: String,
    /// The pool's currency.
    pub currency: String,
    /// Its digits after the decimal point.
    pub exponent: u8,
    /// What it could pay, in minor units.
    pub amount: String,
    /// What it paid.
    pub paid: String,
    /// What it has left.
    pub left: String,
    /// The currency debtors were charged in.
    pub charge_currency: String,
    /// Its digits after the decimal point.
    pub charge_exponent: u8,
    /// What debtors were charged.
    pub charged: String,
    /// Eligible debt it could not pay.
    pub unpaid_eligible: String,
}

/// A clearing run, without its report.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct RunSummary {
    /// `run-` and 16 hexadecimal digits: a digest of the method and the inputs.
    pub id: String,
    /// When it was run (UTC, `YYYY-MM-DDTHH:MM:SSZ`).
    pub created_at: String,
    /// The method of the plan (the last method run).
    pub method: String,
    /// Parties in the cycle.
    pub parties: usize,
    /// Obligations in the cycle.
    pub obligations: usize,
    /// The settlement plan's id (32 hexadecimal digits).
    pub plan: String,
    /// Whether the plan has been posted to the ledger.
    pub posted: bool,
    /// Per currency (the clearing currency, when rates were fixed).
    pub currencies: Vec<CurrencyTotals>,
    /// Per pool, for a plan with pools.
    pub pools: Vec<PoolTotals>,
}

/// The inputs of a run, as submitted: the CLI's file formats as text.
#[derive(Clone, Debug, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RunInputs {
    /// `netting`, `multilateral`, `setoff`, `setoff+liquidity` or `pool` (default `setoff`,
    /// or `pool` when pools are given).
    #[serde(default)]
    pub method: Option<String>,
    /// The obligations, CSV (`id,debtor,creditor,amount,currency,due_date,calendar,hs_code,reference`);
    /// default: every obligation submitted and not yet in a run (`POST /api/v1/obligations`).
    #[serde(default)]
    pub obligations: Option<String>,
    /// The parties, CSV (`id,country,kind,name`); default: the parties the service keeps,
    /// or, when it keeps none, those the obligations name.
    #[serde(default)]
    pub parties: Option<String>,
    /// Restricted pools, CSV.
    #[serde(default)]
    pub pools: Option<String>,
    /// Rates fixed for the cycle, CSV (`from,to,rate`).
    #[serde(default)]
    pub fx: Option<String>,
    /// Each party's liquidity, CSV (`party,amount,currency`).
    #[serde(default)]
    pub liquidity: Option<String>,
}

impl RunInputs {
    fn method_choice(&self) -> Result<MethodChoice, ApiError> {
        match &self.method {
            None if self.pools.is_some() => Ok(MethodChoice::Pool),
            None => Ok(MethodChoice::Setoff),
            Some(name) => match MethodChoice::from_name(name) {
                Some(MethodChoice::All) | None => Err(ApiError::BadRequest(format!(
                    "method {name:?}: give netting, multilateral, setoff, setoff+liquidity or pool"
                ))),
                Some(choice) => Ok(choice),
            },
        }
    }

    /// The run's id: a digest of the method and every input.
    fn run_id(&self, method: MethodChoice, parties: &str) -> String {
        let mut digest = Sha256::new();
        digest.update(b"corridor/run/v1\0");
        let name = match method {
            MethodChoice::Netting => "netting",
            MethodChoice::Multilateral => "multilateral",
            MethodChoice::Setoff => "setoff",
            MethodChoice::SetoffLiquidity => "setoff+liquidity",
            MethodChoice::Pool => "pool",
            MethodChoice::All => "all",
        };
        digest.update(name.as_bytes());
        for part in [
            self.obligations.as_deref(),
            Some(parties),
            self.pools.as_deref(),
            self.fx.as_deref(),
            self.liquidity.as_deref(),
        ] {
            match part {
                Some(text) => {
                    digest.update([1]);
                    digest.update((text.len() as u64).to_be_bytes());
                    digest.update(text.as_bytes());
                }
                None => digest.update([0]),
            }
        }
        let bytes = digest.finalize();
        let hex: String = bytes[..8].iter().map(|b| format!("{b:02x}")).collect();
        format!("run-{hex}")
    }
}

/// A run read back, with what explaining and posting need.
struct StoredRun {
    summary: RunSummary,
    inputs: RunInputs,
    /// The parties CSV the run used (submitted or the service's).
    parties: String,
}

/// The clearing store's tables, for SQLite and PostgreSQL alike.
pub(crate) const MIGRATIONS: &[Migration] = &[
    Migration {
        version: 1,
        name: "parties, obligations and runs",
        sqlite: "CREATE TABLE IF NOT EXISTS party (
                id TEXT PRIMARY KEY,
                country TEXT NOT NULL,
                kind TEXT NOT NULL,
                name TEXT
             );
             CREATE TABLE IF NOT EXISTS run (
                seq INTEGER PRIMARY KEY AUTOINCREMENT,
                id TEXT NOT NULL UNIQUE,
                created_at TEXT NOT NULL,
                summary TEXT NOT NULL,
                inputs TEXT NOT NULL,
                parties TEXT NOT NULL,
                report TEXT NOT NULL,
                posted INTEGER NOT NULL DEFAULT 0
             );
             CREATE TABLE IF NOT EXISTS obligation (
                id TEXT PRIMARY KEY,
                debtor TEXT NOT NULL,
                creditor TEXT NOT NULL,
                amount TEXT NOT NULL,
                currency TEXT NOT NULL,
                due TEXT NOT NULL,
                hs_code TEXT,
                reference TEXT,
                submitted_by TEXT NOT NULL,
                run TEXT
             );
             CREATE INDEX IF NOT EXISTS obligation_open ON obligation (run, id)",
        postgres: "CREATE TABLE IF NOT EXISTS party (
                id TEXT PRIMARY KEY,
                country TEXT NOT NULL,
                kind TEXT NOT NULL,
                name TEXT
             );
             CREATE TABLE IF NOT EXISTS run (
                seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                id TEXT NOT NULL UNIQUE,
                created_at TEXT NOT NULL,
                summary TEXT NOT NULL,
                inputs TEXT NOT NULL,
                parties TEXT NOT NULL,
                report TEXT NOT NULL,
                posted BIGINT NOT NULL DEFAULT 0
             );
             CREATE TABLE IF NOT EXISTS obligation (
                id TEXT PRIMARY KEY,
                debtor TEXT NOT NULL,
                creditor TEXT NOT NULL,
                amount TEXT NOT NULL,
                currency TEXT NOT NULL,
                due TEXT NOT NULL,
                hs_code TEXT,
                reference TEXT,
                submitted_by TEXT NOT NULL,
                run TEXT
             );
             CREATE INDEX IF NOT EXISTS obligation_open ON obligation (run, id)",
    },
    Migration {
        version: 2,
        name: "contracts paid on crossing",
        sqlite: "CREATE TABLE contract (
                id TEXT PRIMARY KEY,
                payer TEXT NOT NULL,
                payee TEXT NOT NULL,
                amount_minor TEXT NOT NULL,
                currency TEXT NOT NULL,
                date TEXT NOT NULL,
                deadline TEXT NOT NULL,
                hs_code TEXT,
                crossing TEXT,
                description TEXT,
                reservation TEXT,
                reserved_minor TEXT NOT NULL,
                paid_minor TEXT NOT NULL,
                expires_at INTEGER NOT NULL,
                registered_at INTEGER NOT NULL,
                note TEXT NOT NULL
             );
             CREATE INDEX contract_payer ON contract (payer);
             CREATE INDEX contract_payee ON contract (payee);
             CREATE TABLE shipment (
                declaration TEXT PRIMARY KEY,
                contract TEXT NOT NULL REFERENCES contract (id),
                crossing TEXT NOT NULL,
                crossed_on TEXT NOT NULL,
                declared_minor TEXT NOT NULL,
                posted_minor TEXT NOT NULL,
                payment TEXT,
                rest TEXT,
                applied_at INTEGER NOT NULL,
                outcome TEXT NOT NULL,
                source TEXT NOT NULL
             );
             CREATE INDEX shipment_contract ON shipment (contract, applied_at)",
        postgres: "CREATE TABLE contract (
                id TEXT PRIMARY KEY,
                payer TEXT NOT NULL,
                payee TEXT NOT NULL,
                amount_minor TEXT NOT NULL,
                currency TEXT NOT NULL,
                date TEXT NOT NULL,
                deadline TEXT NOT NULL,
                hs_code TEXT,
                crossing TEXT,
                description TEXT,
                reservation TEXT,
                reserved_minor TEXT NOT NULL,
                paid_minor TEXT NOT NULL,
                expires_at BIGINT NOT NULL,
                registered_at BIGINT NOT NULL,
                note TEXT NOT NULL
             );
             CREATE INDEX contract_payer ON contract (payer);
             CREATE INDEX contract_payee ON contract (payee);
             CREATE TABLE shipment (
                declaration TEXT PRIMARY KEY,
                contract TEXT NOT NULL REFERENCES contract (id),
                crossing TEXT NOT NULL,
                crossed_on TEXT NOT NULL,
                declared_minor TEXT NOT NULL,
                posted_minor TEXT NOT NULL,
                payment TEXT,
                rest TEXT,
                applied_at BIGINT NOT NULL,
                outcome TEXT NOT NULL,
                source TEXT NOT NULL
             );
             CREATE INDEX shipment_contract ON shipment (contract, applied_at)",
    },
];

/// Parties and runs, in `DIR/clearing.sqlite` or a PostgreSQL schema.
#[derive(Debug)]
pub struct ClearingStore {
    pub(crate) db: Database,
}

/// The clearing store shared by handlers.
pub(crate) type SharedClearing = Arc<Mutex<ClearingStore>>;

fn corrupt(error: serde_json::Error) -> ClearingStoreError {
    ClearingStoreError::Corrupt(error.to_string())
}

fn summary_of_row(
    row: &Row,
    summary: usize,
    posted: usize,
) -> Result<RunSummary, ClearingStoreError> {
    let mut parsed: RunSummary = serde_json::from_str(&row.text(summary)?).map_err(corrupt)?;
    parsed.posted = row.bool(posted)?;
    Ok(parsed)
}

impl ClearingStore {
    /// Opens (creating if needed) the store in the SQLite file at `path`.
    pub fn open(path: &Path) -> Result<ClearingStore, ClearingStoreError> {
        ClearingStore::open_target(&Target::Sqlite(path.to_owned()))
    }

    /// Opens (creating if needed) the store at `target`.
    pub fn open_target(target: &Target) -> Result<ClearingStore, ClearingStoreError> {
        let mut db = Database::open(target, "clearing")?;
        db.migrate("clearing", MIGRATIONS)?;
        Ok(ClearingStore { db })
    }

    /// Adds or replaces parties, all or none.
    pub fn put_parties(&mut self, parties: &[PartyRecord]) -> Result<(), ClearingStoreError> {
        self.db.transaction(|tx| {
            for party in parties {
                tx.execute(
                    "INSERT INTO party (id, country, kind, name) VALUES (?1, ?2, ?3, ?4)
                     ON CONFLICT (id) DO UPDATE SET country = ?2, kind = ?3, name = ?4",
                    &[
                        Value::from(&party.id),
                        Value::from(&party.country),
                        Value::from(&party.kind),
                        Value::from(party.name.as_ref()),
                    ],
                )?;
            }
            Ok(())
        })
    }

    /// Every party, by id.
    pub fn parties(&mut self) -> Result<Vec<PartyRecord>, ClearingStoreError> {
        let rows = self
            .db
            .query("SELECT id, country, kind, name FROM party ORDER BY id", &[])?;
        let mut parties = Vec::with_capacity(rows.len());
        for row in rows {
            parties.push(PartyRecord {
                id: row.text(0)?,
                country: row.text(1)?,
                kind: row.text(2)?,
                name: row.opt_text(3)?,
            });
        }
        Ok(parties)
    }

    /// The newest runs first, at most `limit`.
    pub fn runs(&mut self, limit: usize) -> Result<Vec<RunSummary>, ClearingStoreError> {
        let rows = self.db.query(
            "SELECT summary, posted FROM run ORDER BY seq DESC LIMIT ?1",
            &[Value::Integer(i64::try_from(limit).unwrap_or(i64::MAX))],
        )?;
        rows.iter().map(|row| summary_of_row(row, 0, 1)).collect()
    }

    fn stored(&mut self, id: &str) -> Result<Option<StoredRun>, ClearingStoreError> {
        let Some(row) = self.db.query_opt(
            "SELECT summary, inputs, parties, posted FROM run WHERE id = ?1",
            &[Value::from(id)],
        )?
        else {
            return Ok(None);
        };
        Ok(Some(StoredRun {
            summary: summary_of_row(&row, 0, 3)?,
            inputs: serde_json::from_str(&row.text(1)?).map_err(corrupt)?,
            parties: row.text(2)?,
        }))
    }

    /// The report of run `id` (the JSON of `corridor clear --format json`).
    pub fn report(&mut self, id: &str) -> Result<Option<String>, ClearingStoreError> {
        self.db
            .query_opt("SELECT report FROM run WHERE id = ?1", &[Value::from(id)])?
            .map(|row| row.text(0))
            .transpose()
            .map_err(ClearingStoreError::from)
    }

    /// Keeps a run; `false` when a run with its id is already kept (nothing changes).
    fn add_run(
        &mut self,
        summary: &RunSummary,
        inputs: &RunInputs,
        parties: &str,
        report: &str,
        submitted: &[String],
    ) -> Result<bool, ClearingStoreError> {
        let text = serde_json::to_string(summary).map_err(corrupt)?;
        let inputs = serde_json::to_string(inputs).map_err(corrupt)?;
        self.db.transaction(|tx| {
            let added = tx.execute(
                "INSERT INTO run (id, created_at, summary, inputs, parties, report)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT (id) DO NOTHING",
                &[
                    Value::from(&summary.id),
                    Value::from(&summary.created_at),
                    Value::from(text),
                    Value::from(inputs),
                    Value::from(parties),
                    Value::from(report),
                ],
            )?;
            if added == 1 {
                for obligation in submitted {
                    tx.execute(
                        "UPDATE obligation SET run = ?1 WHERE id = ?2 AND run IS NULL",
                        &[Value::from(&summary.id), Value::from(obligation)],
                    )?;
                }
            }
            Ok(added == 1)
        })
    }

    /// The submitted obligations: open only (not yet in a run) or all, of one party (as
    /// debtor or creditor) or every party's, by id.
    pub fn obligations(
        &mut self,
        party: Option<&str>,
        open_only: bool,
    ) -> Result<Vec<ObligationRecord>, ClearingStoreError> {
        let rows = self.db.query(
            "SELECT id, debtor, creditor, amount, currency, due, hs_code, reference, submitted_by, run
             FROM obligation
             WHERE (CAST(?1 AS TEXT) IS NULL OR debtor = ?1 OR creditor = ?1)
               AND (?2 = 0 OR run IS NULL)
             ORDER BY id",
            &[Value::from(party), Value::from(open_only)],
        )?;
        let mut obligations = Vec::with_capacity(rows.len());
        for row in rows {
            obligations.push(ObligationRecord {
                id: row.text(0)?,
                debtor: row.text(1)?,
                creditor: row.text(2)?,
                amount: row.text(3)?,
                currency: row.text(4)?,
                due_date: row.text(5)?,
                hs_code: row.opt_text(6)?,
                reference: row.opt_text(7)?,
                submitted_by: row.text(8)?,
                run: row.opt_text(9)?,
            });
        }
        Ok(obligations)
    }

    /// Keeps submitted obligations, all or none. One submitted before with the same fields
    /// is counted as already there; one with the same id and other fields stops the
    /// submission (`Err(id)`). Two servers taking the same obligation at once: one inserts
    /// it, the other finds it (the insert does nothing on a conflict) and compares.
    pub fn submit_obligations(
        &mut self,
        obligations: &[ObligationRecord],
    ) -> Result<Result<(usize, usize), String>, ClearingStoreError> {
        /// Rolls the transaction back when an obligation differs from the one kept.
        enum Stop {
            Differs(String),
            Store(ClearingStoreError),
        }
        impl From<SqlError> for Stop {
            fn from(error: SqlError) -> Stop {
                Stop::Store(error.into())
            }
        }
        let outcome = self.db.transaction(|tx| {
            let (mut added, mut existing) = (0, 0);
            for o in obligations {
                let inserted = tx.execute(
                    "INSERT INTO obligation
                     (id, debtor, creditor, amount, currency, due, hs_code, reference, submitted_by)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) ON CONFLICT (id) DO NOTHING",
                    &[
                        Value::from(&o.id),
                        Value::from(&o.debtor),
                        Value::from(&o.creditor),
                        Value::from(&o.amount),
                        Value::from(&o.currency),
                        Value::from(&o.due_date),
                        Value::from(o.hs_code.as_ref()),
                        Value::from(o.reference.as_ref()),
                        Value::from(&o.submitted_by),
                    ],
                )?;
                if inserted == 1 {
                    added += 1;
                    continue;
                }
                let row = tx.query_opt(
                    "SELECT debtor, creditor, amount, currency, due, hs_code, reference
                     FROM obligation WHERE id = ?1",
                    &[Value::from(&o.id)],
                )?;
                let Some(row) = row else {
                    return Err(Stop::Store(ClearingStoreError::Corrupt(format!(
                        "obligation {} neither inserted nor found",
                        o.id
                    ))));
                };
                let fields: Vec<Option<String>> =
                    (0..7).map(|i| row.opt_text(i)).collect::<Result<_, _>>()?;
                let given = [
                    Some(&o.debtor),
                    Some(&o.creditor),
                    Some(&o.amount),
                    Some(&o.currency),
                    Some(&o.due_date),
                    o.hs_code.as_ref(),
                    o.reference.as_ref(),
                ];
                if !fields.iter().map(Option::as_ref).eq(given) {
                    return Err(Stop::Differs(o.id.clone()));
                }
                existing += 1;
            }
            Ok((added, existing))
        });
        match outcome {
            Ok(counts) => Ok(Ok(counts)),
            Err(Stop::Differs(id)) => Ok(Err(id)),
            Err(Stop::Store(error)) => Err(error),
        }
    }

    fn mark_posted(&mut self, id: &str) -> Result<(), ClearingStoreError> {
        self.db.execute(
            "UPDATE run SET posted = 1 WHERE id = ?1",
            &[Value::from(id)],
        )?;
        Ok(())
    }
}

impl From<ClearingStoreError> for ApiError {
    fn from(error: ClearingStoreError) -> ApiError {
        ApiError::Internal(error.to_string())
    }
}

impl From<CycleError> for ApiError {
    fn from(error: CycleError) -> ApiError {
        match error {
            CycleError::Solve(error) => ApiError::Internal(format!("set-off: {error}")),
            other => ApiError::BadRequest(other.to_string()),
        }
    }
}

/// A submitted obligation, as kept: amounts as plain decimals in their currency.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, ToSchema)]
pub struct ObligationRecord {
    /// Its id, unique across submissions.
    pub id: String,
    /// Who owes.
    pub debtor: String,
    /// Who is owed.
    pub creditor: String,
    /// The amount, a plain decimal (`412500000.000`).
    pub amount: String,
    /// ISO 4217.
    pub currency: String,
    /// The due date (Gregorian).
    pub due_date: String,
    /// The HS code of the goods, when given.
    pub hs_code: Option<String>,
    /// The contract or invoice.
    pub reference: Option<String>,
    /// The token that submitted it.
    pub submitted_by: String,
    /// The run that cleared it; null while open.
    pub run: Option<String>,
}

/// Reads obligations as the CLI's obligations file, every row checked; `allowed(line,
/// debtor, creditor)` may refuse a row (a participant's must name its party).
pub(crate) fn read_obligations(
    text: &str,
    submitted_by: &str,
    allowed: &dyn Fn(u64, &str, &str) -> Result<(), ApiError>,
) -> Result<Vec<ObligationRecord>, ApiError> {
    let rows = corridor_import::ObligationsReader::new("obligations", text.as_bytes())
        .map_err(|e| ApiError::BadRequest(e.to_string()))?;
    let mut seen = std::collections::HashSet::new();
    let mut records = Vec::new();
    for row in rows {
        let row = row.map_err(|e| ApiError::BadRequest(e.to_string()))?;
        allowed(row.line, &row.debtor, &row.creditor)?;
        if !seen.insert(row.id.clone()) {
            return Err(ApiError::BadRequest(format!(
                "obligations line {}, column id: {:?} is given twice",
                row.line, row.id
            )));
        }
        records.push(ObligationRecord {
            id: row.id,
            debtor: row.debtor,
            creditor: row.creditor,
            amount: row.amount.format_plain(),
            currency: row.amount.currency().code().to_owned(),
            due_date: row.due.to_string(),
            hs_code: row.hs_code.map(|c| c.as_str().to_owned()),
            reference: row.reference,
            submitted_by: submitted_by.to_owned(),
            run: None,
        });
    }
    if records.is_empty() {
        return Err(ApiError::BadRequest("obligations: no rows".to_owned()));
    }
    Ok(records)
}

/// Obligations as the CLI's obligations file.
pub(crate) fn obligations_csv(obligations: &[ObligationRecord]) -> String {
    let mut text =
        String::from("id,debtor,creditor,amount,currency,due_date,calendar,hs_code,reference\n");
    for o in obligations {
        text.push_str(&format!(
            "{},{},{},{},{},{},,{},{}\n",
            quoted(&o.id),
            quoted(&o.debtor),
            quoted(&o.creditor),
            quoted(&o.amount),
            quoted(&o.currency),
            quoted(&o.due_date),
            quoted(o.hs_code.as_deref().unwrap_or("")),
            quoted(o.reference.as_deref().unwrap_or(""))
        ));
    }
    text
}

/// A CSV field, quoted.
fn quoted(field: &str) -> String {
    format!("\"{}\"", field.replace('"', "\"\""))
}

/// The parties as the CLI's parties file.
pub(crate) fn parties_csv(parties: &[PartyRecord]) -> String {
    let mut text = String::from("id,country,kind,name\n");
    for party in parties {
        text.push_str(&format!(
            "{},{},{},{}\n",
            quoted(&party.id),
            quoted(&party.country),
            quoted(&party.kind),
            quoted(party.name.as_deref().unwrap_or(""))
        ));
    }
    text
}

fn kind_name(kind: PartyKind) -> &'static str {
    match kind {
        PartyKind::CentralBank => "central-bank",
        PartyKind::Bank => "bank",
        PartyKind::RestrictedPool => "restricted-pool",
        PartyKind::ClearingAgent => "clearing-agent",
        PartyKind::Trader => "trader",
    }
}

/// The parties of a parties CSV, read and checked as the CLI reads them.
pub fn read_parties(name: &str, text: &str) -> Result<Vec<PartyRecord>, ApiError> {
    let rows = corridor_import::PartiesReader::new(name, text.as_bytes())
        .map_err(|e| ApiError::BadRequest(e.to_string()))?;
    let mut parties = Vec::new();
    for row in rows {
        let row = row.map_err(|e| ApiError::BadRequest(e.to_string()))?;
        parties.push(PartyRecord {
            id: row.id,
            country: row.country.to_owned(),
            kind: kind_name(cycle::parse_kind(row.kind)).to_owned(),
            name: row.name,
        });
    }
    Ok(parties)
}

/// A cleared cycle: its inputs, the cycle and the result of the plan's method.
struct Run {
    cycle: Cycle,
    cleared: Cleared,
}

impl Run {
    fn result(&self) -> Result<&ClearingResult, ApiError> {
        self.cleared
            .results
            .last()
            .ok_or_else(|| ApiError::Internal("no method was run".to_owned()))
    }
}

fn clear_inputs<'a>(inputs: &'a RunInputs, parties: &str) -> Result<Run, ApiError> {
    let method = inputs.method_choice()?;
    let named = |name: &'static str, text: &'a Option<String>| {
        text.as_ref().map(|text| Named {
            name,
            bytes: text.as_bytes(),
        })
    };
    let cycle = cycle::read_cycle(&CycleInput {
        obligations: Named {
            name: "obligations",
            bytes: inputs.obligations.as_deref().unwrap_or("").as_bytes(),
        },
        obligations_json_lines: false,
        parties: (!parties.is_empty()).then_some(Named {
            name: "parties",
            bytes: parties.as_bytes(),
        }),
        fx: named("fx", &inputs.fx),
        pools: named("pools", &inputs.pools),
        liquidity: named("liquidity", &inputs.liquidity),
        threads: 1,
    })?;
    let cleared = cycle::clear(&cycle, method)?;
    Ok(Run { cycle, cleared })
}

fn minor(money: Money) -> String {
    money.amount_minor().to_string()
}

fn summary_of(
    id: String,
    created_at: String,
    run: &Run,
    names: &BTreeMap<String, Option<String>>,
) -> Result<(RunSummary, String), ApiError> {
    let result = run.result()?;
    let cycle = &run.cycle;
    let cycles = match &run.cleared.setoff {
        Some(setoff) if cycle.network.obligations().len() <= cycle::EXPLAIN_ALL_LIMIT => {
            describe_cycles(&cycle.network, setoff, 0..cycle.network.obligations().len())
        }
        _ => BTreeMap::new(),
    };
    let report = Report {
        cycle,
        cycles: &cycles,
    };
    let plan = report.plan(result);
    let mut text = Vec::new();
    report
        .write_json(&mut text, result)
        .map_err(|e| ApiError::Internal(format!("write the report: {e}")))?;
    let text = String::from_utf8(text)
        .map_err(|e| ApiError::Internal(format!("write the report: {e}")))?;
    let summary = RunSummary {
        id,
        created_at,
        method: method_name(result.method).to_owned(),
        parties: cycle.network.parties().len(),
        obligations: cycle.network.obligations().len(),
        plan: format!("{:032x}", plan.id),
        posted: false,
        currencies: result
            .totals
            .iter()
            .map(|t| CurrencyTotals {
                currency: t.currency.code().to_owned(),
                exponent: t.currency.scale(),
                debt: minor(t.debt),
                discharged: minor(t.discharged),
                offset: minor(t.offset),
                pooled: minor(t.pooled),
                remaining: minor(t.remaining),
                cash_moved: minor(t.cash_moved),
                cash_cross_border: minor(t.cash_cross_border),
                saved_bp: t.saved_bp,
            })
            .collect(),
        pools: result
            .pools
            .iter()
            .map(|u| {
                let pool = &cycle.pools[u.pool];
                PoolTotals {
                    pool: pool.pool.clone(),
                    pool_name: names.get(&pool.pool).cloned().flatten(),
                    owner: pool.owner.clone(),
                    currency: u.available.currency().code().to_owned(),
                    exponent: u.available.currency().scale(),
                    amount: minor(u.available),
                    paid: minor(u.paid),
                    left: (u.available.amount_minor() - u.paid.amount_minor()).to_string(),
                    charge_currency: u.charged.currency().code().to_owned(),
                    charge_exponent: u.charged.currency().scale(),
                    charged: minor(u.charged),
                    unpaid_eligible: minor(u.unpaid_eligible),
                }
            })
            .collect(),
    };
    Ok((summary, text))
}

/// What submitting a run did.
#[derive(Debug)]
pub struct Submitted {
    /// The run.
    pub summary: RunSummary,
    /// Whether it is new (false: the same cycle was submitted before).
    pub created: bool,
}

/// Clears a cycle and keeps the run. The parties are those given, else the store's.
pub fn submit_run(
    store: &mut ClearingStore,
    inputs: RunInputs,
    created_at: String,
) -> Result<Submitted, ApiError> {
    let known = store.parties()?;
    let parties = match &inputs.parties {
        Some(text) => text.clone(),
        None if known.is_empty() => String::new(),
        None => parties_csv(&known),
    };
    let mut inputs = inputs;
    // Without obligations, the open ones submitted: their ids are marked with the run.
    let mut submitted = Vec::new();
    if inputs.obligations.is_none() {
        let open = store.obligations(None, true)?;
        if open.is_empty() {
            return Err(ApiError::BadRequest(
                "no obligations: give obligations, or submit some first (POST /api/v1/obligations)"
                    .to_owned(),
            ));
        }
        inputs.obligations = Some(obligations_csv(&open));
        submitted = open.into_iter().map(|o| o.id).collect();
    }
    let method = inputs.method_choice()?;
    let id = inputs.run_id(method, &parties);
    if let Some(stored) = store.stored(&id)? {
        return Ok(Submitted {
            summary: stored.summary,
            created: false,
        });
    }
    let run = clear_inputs(&inputs, &parties)?;
    let names: BTreeMap<String, Option<String>> = run
        .cycle
        .network
        .parties()
        .iter()
        .map(|p| (p.id.clone(), p.name.clone()))
        .collect();
    let (summary, report) = summary_of(id, created_at, &run, &names)?;
    let created = store.add_run(&summary, &inputs, &parties, &report, &submitted)?;
    Ok(Submitted { summary, created })
}

/// One obligation of a run, explained.
#[derive(Serialize, ToSchema)]
pub struct ObligationExplained {
    /// The run.
    pub run: String,
    /// The obligation's id.
    pub id: String,
    /// Who owes.
    pub debtor: String,
    /// Who is owed.
    pub creditor: String,
    /// The amount, in its currency, as a plain decimal (`412500000.000`).
    pub amount: String,
    /// Its currency.
    pub currency: String,
    /// Discharged without cash.
    pub offset: String,
    /// Paid from pools.
    pub pooled: String,
    /// Paid in cash.
    pub cash: String,
    /// Still owed.
    pub remaining: String,
    /// The set-off cycles through it and its pool payments, for people.
    pub path: Vec<String>,
}

/// Explains obligation `obligation` of run `id`; `visible` says whether the caller may see
/// an obligation between these debtor and creditor.
pub(crate) fn explain(
    store: &mut ClearingStore,
    id: &str,
    obligation: &str,
    visible: &dyn Fn(&str, &str) -> bool,
) -> Result<ObligationExplained, ApiError> {
    let stored = store
        .stored(id)?
        .ok_or_else(|| ApiError::NotFound(format!("no run {id}")))?;
    let run = clear_inputs(&stored.inputs, &stored.parties)?;
    let network = &run.cycle.network;
    let missing = || ApiError::NotFound(format!("run {id} has no obligation {obligation:?}"));
    let i = network.obligation_index(obligation).ok_or_else(missing)?;
    let o = &network.obligations()[i];
    if !visible(&o.debtor, &o.creditor) {
        return Err(missing());
    }
    let cycles = match &run.cleared.setoff {
        Some(setoff) => describe_cycles(network, setoff, [i]),
        None => BTreeMap::new(),
    };
    let report = Report {
        cycle: &run.cycle,
        cycles: &cycles,
    };
    let result = run.result()?;
    let entry = report.obligation_json(result, i);
    Ok(ObligationExplained {
        run: id.to_owned(),
        id: entry.id.to_owned(),
        debtor: o.debtor.clone(),
        creditor: o.creditor.clone(),
        amount: entry.amount,
        currency: entry.currency,
        offset: entry.offset,
        pooled: entry.pooled,
        cash: entry.cash,
        remaining: entry.remaining,
        path: entry.path,
    })
}

/// The plan of run `id`, rebuilt from its inputs and checked against the recorded plan id.
pub(crate) fn plan_of(
    store: &mut ClearingStore,
    id: &str,
) -> Result<corridor_settlement::post::Plan, ApiError> {
    let stored = store
        .stored(id)?
        .ok_or_else(|| ApiError::NotFound(format!("no run {id}")))?;
    let run = clear_inputs(&stored.inputs, &stored.parties)?;
    let cycles = BTreeMap::new();
    let report = Report {
        cycle: &run.cycle,
        cycles: &cycles,
    };
    let plan = report.plan(run.result()?);
    let rebuilt = format!("{:032x}", plan.id);
    if rebuilt != stored.summary.plan {
        return Err(ApiError::Internal(format!(
            "run {id}'s plan came out as {rebuilt}, not {} as recorded: nothing posted",
            stored.summary.plan
        )));
    }
    Ok(plan)
}

/// What posting a run did.
#[derive(Serialize, ToSchema)]
pub struct Posted {
    /// The run.
    pub run: String,
    /// The plan's id.
    pub plan: String,
    /// `posted`, or `already_posted` (nothing changed).
    pub outcome: String,
    /// The plan's transfers.
    pub transfers: usize,
}

/// Posts `plan` (of run `id`) to `store` and marks the run posted.
pub fn post_run(
    ledger: &mut dyn corridor_store::LedgerStore,
    plan: &corridor_settlement::post::Plan,
    now: &mut dyn FnMut() -> u64,
) -> Result<PostOutcome, PostError> {
    post_plan(ledger, plan, now)
}

/// Records that run `id` was posted, and says what was done.
pub(crate) fn posted(
    store: &mut ClearingStore,
    id: &str,
    plan: u128,
    outcome: &PostOutcome,
) -> Result<Posted, ApiError> {
    store.mark_posted(id)?;
    let (text, transfers) = match outcome {
        PostOutcome::Posted { transfers, .. } => ("posted", *transfers),
        PostOutcome::AlreadyPosted { transfers } => ("already_posted", *transfers),
    };
    Ok(Posted {
        run: id.to_owned(),
        plan: format!("{plan:032x}"),
        outcome: text.to_owned(),
        transfers,
    })
}
