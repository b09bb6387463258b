//! The clearing cycle's input files: parties, obligations (invoices) and liquidity, as CSV
//! (formats in `docs/formats/clearing-files.md`).

use std::io::Read;

use corridor_calendar::GregorianDate;
use corridor_core::{Currency, Money};
use corridor_reference::{HsCode, HsEdition};

use crate::table::{optional, required, ColumnSpec, Table, TableRow};
use crate::ImportError;

/// The kinds of party, as files write them.
pub const PARTY_KINDS: [&str; 5] = [
    "central-bank",
    "bank",
    "trader",
    "restricted-pool",
    "clearing-agent",
];

/// One party of a clearing cycle.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PartyRow {
    /// The 1-based line of the row.
    pub line: u64,
    /// The party's id, as the obligations name it.
    pub id: String,
    /// Its country, ISO 3166-1 alpha-3.
    pub country: &'static str,
    /// Its kind, one of [`PARTY_KINDS`].
    pub kind: &'static str,
    /// Its name.
    pub name: Option<String>,
}

/// One obligation: a debtor owes a creditor an amount, due on a day.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ObligationRow {
    /// The 1-based line of the row.
    pub line: u64,
    /// The obligation's id.
    pub id: String,
    /// Who owes.
    pub debtor: String,
    /// Who is owed.
    pub creditor: String,
    /// How much, more than zero, with no more decimals than the currency has.
    pub amount: Money,
    /// When it is due (read in the row's calendar).
    pub due: GregorianDate,
    /// The HS code of the goods paid for (HS2022 or HS2017), when given.
    pub hs_code: Option<HsCode>,
    /// The client's reference.
    pub reference: Option<String>,
}

/// What a party can pay in cash this cycle, in one currency.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LiquidityRow {
    /// The 1-based line of the row.
    pub line: u64,
    /// The party.
    pub party: String,
    /// The amount, zero or more.
    pub amount: Money,
}

const PARTY_COLUMNS: [ColumnSpec; 4] = [
    required("id"),
    required("country"),
    required("kind"),
    optional("name"),
];

const OBLIGATION_COLUMNS: [ColumnSpec; 9] = [
    required("id"),
    required("debtor"),
    required("creditor"),
    required("amount"),
    required("currency"),
    required("due_date"),
    optional("calendar"),
    optional("hs_code"),
    optional("reference"),
];

const LIQUIDITY_COLUMNS: [ColumnSpec; 3] =
    [required("party"), required("amount"), required("currency")];

/// Reads a parties file: `id,country,kind[,name]`.
#[derive(Debug)]
pub struct PartiesReader<R> {
    table: Table<R>,
}

/// Reads an obligations file: `id,debtor,creditor,amount,currency,due_date` with optional
/// `calendar` (of `due_date`: `gregorian`, the default, or `solar-hijri`), `hs_code` and
/// `reference`.
#[derive(Debug)]
pub struct ObligationsReader<R> {
    table: Table<R>,
}

/// Reads a liquidity file: `party,amount,currency`.
#[derive(Debug)]
pub struct LiquidityReader<R> {
    table: Table<R>,
}

impl<R: Read> PartiesReader<R> {
    /// Reads and checks the header. `input` names the source in errors.
    pub fn new(input: impl Into<String>, reader: R) -> Result<Self, ImportError> {
        Ok(PartiesReader {
            table: Table::new(input.into(), reader, &PARTY_COLUMNS)?,
        })
    }
}

impl<R: Read> ObligationsReader<R> {
    /// Reads and checks the header. `input` names the source in errors.
    pub fn new(input: impl Into<String>, reader: R) -> Result<Self, ImportError> {
        Ok(ObligationsReader {
            table: Table::new(input.into(), reader, &OBLIGATION_COLUMNS)?,
        })
    }
}

impl<R: Read> LiquidityReader<R> {
    /// Reads and checks the header. `input` names the source in errors.
    pub fn new(input: impl Into<String>, reader: R) -> Result<Self, ImportError> {
        Ok(LiquidityReader {
            table: Table::new(input.into(), reader, &LIQUIDITY_COLUMNS)?,
        })
    }
}

impl<R: Read> Iterator for PartiesReader<R> {
    type Item = Result<PartyRow, ImportError>;

    fn next(&mut self) -> Option<Self::Item> {
        Some(self.table.next_row()?.and_then(|row| {
            let country = row.country(1, false)?.alpha3.unwrap_or_default();
            let kind_text = row.require(2)?;
            let kind = PARTY_KINDS
                .into_iter()
                .find(|kind| kind.eq_ignore_ascii_case(&kind_text))
                .ok_or_else(|| {
                    row.invalid(
                        2,
                        &kind_text,
                        "is not a kind of party (central-bank, bank, trader, restricted-pool, clearing-agent)",
                    )
                })?;
            Ok(PartyRow {
                line: row.line(),
                id: row.require(0)?.into_owned(),
                country,
                kind,
                name: row.text(3),
            })
        }))
    }
}

impl<R: Read> Iterator for ObligationsReader<R> {
    type Item = Result<ObligationRow, ImportError>;

    fn next(&mut self) -> Option<Self::Item> {
        Some(self.table.next_row()?.and_then(|row| obligation(&row)))
    }
}

/// One obligation from a row of the obligations format, CSV or JSON.
fn obligation(row: &TableRow<'_>) -> Result<ObligationRow, ImportError> {
    let calendar = row.calendar(6)?;
    Ok(ObligationRow {
        line: row.line(),
        id: row.require(0)?.into_owned(),
        debtor: row.require(1)?.into_owned(),
        creditor: row.require(2)?.into_owned(),
        amount: money(row, 3, 4, false)?,
        due: row.date(5, calendar)?,
        hs_code: match row.get(7) {
            Some(_) => Some(row.hs_code(7, &HsEdition::ALL)?),
            None => None,
        },
        reference: row.text(8),
    })
}

/// Reads an obligations file in JSON lines: one object per line with the CSV format's
/// columns as keys, e.g. `{"id":"17","debtor":"IR-IMP","creditor":"IQ-EXP",
/// "amount":"1250.75","currency":"USD","due_date":"2024-05-01"}`. Values are strings, or
/// numbers written as the amount is (never with an exponent), or null for "not given".
/// Blank lines are skipped. Errors name the line and the key.
#[derive(Debug)]
pub struct ObligationsJsonReader<R> {
    input: String,
    lines: std::io::Lines<std::io::BufReader<R>>,
    line: u64,
}

impl<R: Read> ObligationsJsonReader<R> {
    /// Reads from `reader`; `input` names the source in errors.
    pub fn new(input: impl Into<String>, reader: R) -> Self {
        ObligationsJsonReader {
            input: input.into(),
            lines: std::io::BufRead::lines(std::io::BufReader::new(reader)),
            line: 0,
        }
    }

    fn error(&self, message: String) -> ImportError {
        ImportError::Json {
            input: self.input.clone(),
            line: self.line,
            message,
        }
    }

    fn parse(&self, text: &str) -> Result<ObligationRow, ImportError> {
        let value: serde_json::Value =
            serde_json::from_str(text).map_err(|e| self.error(format!("not JSON: {e}")))?;
        let serde_json::Value::Object(object) = value else {
            return Err(self.error("not a JSON object".to_owned()));
        };
        let mut record = csv::ByteRecord::new();
        let mut positions = vec![None; OBLIGATION_COLUMNS.len()];
        for (key, value) in &object {
            let Some(column) = OBLIGATION_COLUMNS.iter().position(|spec| spec.name == key) else {
                let accepted: Vec<&str> = OBLIGATION_COLUMNS.iter().map(|spec| spec.name).collect();
                return Err(self.error(format!(
                    "unknown key {key:?} (accepted: {})",
                    accepted.join(", ")
                )));
            };
            let text = match value {
                serde_json::Value::String(text) => text.clone(),
                serde_json::Value::Number(number) => number.to_string(),
                serde_json::Value::Null => String::new(),
                _ => {
                    return Err(self.error(format!(
                        "key {key:?}: expected a string or a number, not {value}"
                    )))
                }
            };
            positions[column] = Some(record.len());
            record.push_field(text.as_bytes());
        }
        let missing: Vec<&str> = OBLIGATION_COLUMNS
            .iter()
            .zip(&positions)
            .filter(|(spec, position)| spec.required && position.is_none())
            .map(|(spec, _)| spec.name)
            .collect();
        if !missing.is_empty() {
            return Err(self.error(format!("missing keys: {}", missing.join(", "))));
        }
        let row = TableRow::from_parts(
            &self.input,
            self.line,
            &record,
            &OBLIGATION_COLUMNS,
            &positions,
        );
        obligation(&row)
    }
}

impl<R: Read> Iterator for ObligationsJsonReader<R> {
    type Item = Result<ObligationRow, ImportError>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            let text = match self.lines.next()? {
                Ok(text) => text,
                Err(e) => {
                    self.line += 1;
                    let error = self.error(format!("cannot read: {e}"));
                    return Some(Err(error));
                }
            };
            self.line += 1;
            if text.trim().is_empty() {
                continue;
            }
            return Some(self.parse(&text));
        }
    }
}

impl<R: Read> Iterator for LiquidityReader<R> {
    type Item = Result<LiquidityRow, ImportError>;

    fn next(&mut self) -> Option<Self::Item> {
        Some(self.table.next_row()?.and_then(|row| {
            Ok(LiquidityRow {
                line: row.line(),
                party: row.require(0)?.into_owned(),
                amount: money(&row, 1, 2, true)?,
            })
        }))
    }
}

/// An amount in units of its currency ("1250.75", "1,250.75"), never more decimals than the
/// currency has; more than zero, or zero or more where `zero_allowed`.
fn money(
    row: &TableRow<'_>,
    amount: usize,
    currency: usize,
    zero_allowed: bool,
) -> Result<Money, ImportError> {
    let code = row.require(currency)?;
    let currency_value = Currency::from_code(&code)
        .map_err(|_| row.invalid(currency, &code, "is not an ISO 4217 currency code"))?;
    let text = row.require(amount)?;
    let money = Money::parse_amount(&text, currency_value).map_err(|_| {
        row.invalid(
            amount,
            &text,
            "is not an amount of the currency (digits, optional ',' thousands separators, at most the currency's decimals)",
        )
    })?;
    let minimum = if zero_allowed { 0 } else { 1 };
    if money.amount_minor() < minimum {
        let reason = if zero_allowed {
            "is negative"
        } else {
            "is not more than zero"
        };
        return Err(row.invalid(amount, &text, reason));
    }
    Ok(money)
}
