//! The clearing cycle's input files: parties, obligations (invoices) and liquidity, as CSV
//! (formats in `docs/formats/clearing-files.md`).

use std::io::Read;

use corridor_calendar::GregorianDate;
use corridor_core::{Currency, Money, Rate};
use corridor_reference::{country_by_alpha3, hs_lookup, HsCode, HsEdition, HsLevel};

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

/// Reads a whole obligations CSV file held in memory (the format of [`ObligationsReader`]),
/// on up to `threads` threads: the rows are cut into parts at line ends outside quoted
/// fields, each part is read on its own thread, and the rows come back in file order with
/// their line numbers. The first bad row in file order is the error returned, as reading
/// the file in one go would.
pub fn read_obligations(
    input: &str,
    bytes: &[u8],
    threads: usize,
) -> Result<Vec<ObligationRow>, ImportError> {
    let header_end = line_end(bytes, 0).map_or(bytes.len(), |end| end + 1);
    let (header, body) = bytes.split_at(header_end);
    // Cut points: line ends outside quotes (an even number of quotes before them), near
    // equal shares of the body.
    let parts = threads.clamp(1, 64);
    let mut cuts = vec![0_usize];
    for k in 1..parts {
        let target = body.len() * k / parts;
        let from = (*cuts.last().unwrap_or(&0)).max(target);
        if let Some(end) = line_end(body, from) {
            if end + 1 < body.len() {
                cuts.push(end + 1);
            }
        }
    }
    cuts.push(body.len());
    cuts.dedup();
    let read_part = |start: usize, end: usize| -> Result<Vec<ObligationRow>, ImportError> {
        let line_offset = body[..start].iter().filter(|&&b| b == b'\n').count() as u64;
        let reader = header.chain(&body[start..end]);
        let mut table = Table::part(input.to_owned(), reader, &OBLIGATION_COLUMNS, line_offset)?;
        let mut rows = Vec::new();
        while let Some(row) = table.next_row() {
            rows.push(row.and_then(|row| obligation(&row))?);
        }
        Ok(rows)
    };
    let results: Vec<Result<Vec<ObligationRow>, ImportError>> = if cuts.len() <= 2 {
        vec![read_part(0, body.len())]
    } else {
        std::thread::scope(|scope| {
            let handles: Vec<_> = cuts
                .windows(2)
                .skip(1)
                .map(|pair| {
                    let (start, end) = (pair[0], pair[1]);
                    scope.spawn(move || read_part(start, end))
                })
                .collect();
            let mut results = vec![read_part(cuts[0], cuts[1])];
            for handle in handles {
                results.push(handle.join().unwrap_or_else(|_| {
                    Err(ImportError::Json {
                        input: input.to_owned(),
                        line: 0,
                        message: "a reading thread failed".to_owned(),
                    })
                }));
            }
            results
        })
    };
    let mut rows = Vec::new();
    for part in results {
        rows.extend(part?);
    }
    Ok(rows)
}

/// The position of the first line end at or after `from` that is outside quoted fields,
/// counting quotes from the start of `bytes` (a doubled quote inside a field counts twice,
/// so the parity still tells inside from outside).
fn line_end(bytes: &[u8], from: usize) -> Option<usize> {
    let quotes_before = bytes[..from.min(bytes.len())]
        .iter()
        .filter(|&&b| b == b'"')
        .count();
    let mut inside = quotes_before % 2 == 1;
    for (k, &b) in bytes.iter().enumerate().skip(from) {
        match b {
            b'"' => inside = !inside,
            b'\n' if !inside => return Some(k),
            _ => {}
        }
    }
    None
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
pub(crate) fn money(
    row: &TableRow<'_>,
    amount: usize,
    currency: usize,
    zero_allowed: bool,
) -> Result<Money, ImportError> {
    let currency_value = self::currency(row, currency)?;
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

/// One restricted pool's rules for a clearing cycle: what it may pay, for whom, to whom.
///
/// A pool is a party (of kind `restricted-pool`) holding funds that may only pay certain
/// obligations: for example an exporting country's energy revenues held at a bank in the
/// importing country, which may pay that country's exporters of basic goods on behalf of
/// the exporting country's importers. The debtor is charged in `charge_currency` at `rate`,
/// and the charge goes to `owner`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PoolRow {
    /// The 1-based line of the row.
    pub line: u64,
    /// The pool: the id of the party that holds the funds.
    pub pool: String,
    /// The party that the debtors' charges go to (the funds' owner, in the debtors' country).
    pub owner: String,
    /// What the pool may pay this cycle, in the pool's currency; zero or more.
    pub amount: Money,
    /// The currency debtors are charged in.
    pub charge_currency: Currency,
    /// One unit of the pool's currency costs the debtor `rate` units of `charge_currency`.
    pub rate: Rate,
    /// The rate as written, for reports.
    pub rate_text: String,
    /// The debtors' countries (ISO 3166-1 alpha-3); empty: the owner's country.
    pub debtor_countries: Vec<&'static str>,
    /// The creditors' countries; at least one.
    pub creditor_countries: Vec<&'static str>,
    /// The creditors' kinds (from [`PARTY_KINDS`]); empty: any.
    pub creditor_kinds: Vec<&'static str>,
    /// The debtors it may pay for, by party id; empty: any in `debtor_countries`.
    pub debtors: Vec<String>,
    /// The goods it may pay for: HS chapters or headings; empty: any obligation, with or
    /// without goods. When given, an obligation without an HS code is not eligible.
    pub goods: Vec<HsCode>,
    /// The basic goods, paid first among obligations due the same day: HS chapters or
    /// headings.
    pub basic_goods: Vec<HsCode>,
}

/// One exchange rate fixed for the cycle: one unit of `from` is worth `rate` units of `to`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FxRow {
    /// The 1-based line of the row.
    pub line: u64,
    /// The currency converted from.
    pub from: Currency,
    /// The currency converted to.
    pub to: Currency,
    /// Units of `to` per unit of `from`.
    pub rate: Rate,
    /// The rate as written.
    pub rate_text: String,
}

const POOL_COLUMNS: [ColumnSpec; 12] = [
    required("pool"),
    required("owner"),
    required("amount"),
    required("currency"),
    required("charge_currency"),
    required("rate"),
    optional("debtor_countries"),
    required("creditor_countries"),
    optional("creditor_kinds"),
    optional("debtors"),
    optional("goods"),
    optional("basic_goods"),
];

const FX_COLUMNS: [ColumnSpec; 3] = [required("from"), required("to"), required("rate")];

/// Reads a pools file: `pool,owner,amount,currency,charge_currency,rate,creditor_countries`
/// with optional `debtor_countries`, `creditor_kinds`, `debtors`, `goods` and
/// `basic_goods`; lists are separated by spaces.
#[derive(Debug)]
pub struct PoolsReader<R> {
    table: Table<R>,
}

/// Reads an exchange-rates file: `from,to,rate`.
#[derive(Debug)]
pub struct FxReader<R> {
    table: Table<R>,
}

impl<R: Read> PoolsReader<R> {
    /// Reads and checks the header. `input` names the source in errors.
    pub fn new(input: impl Into<String>, reader: R) -> Result<Self, ImportError> {
        Ok(PoolsReader {
            table: Table::new(input.into(), reader, &POOL_COLUMNS)?,
        })
    }
}

impl<R: Read> FxReader<R> {
    /// Reads and checks the header. `input` names the source in errors.
    pub fn new(input: impl Into<String>, reader: R) -> Result<Self, ImportError> {
        Ok(FxReader {
            table: Table::new(input.into(), reader, &FX_COLUMNS)?,
        })
    }
}

impl<R: Read> Iterator for PoolsReader<R> {
    type Item = Result<PoolRow, ImportError>;

    fn next(&mut self) -> Option<Self::Item> {
        Some(self.table.next_row()?.and_then(|row| pool(&row)))
    }
}

impl<R: Read> Iterator for FxReader<R> {
    type Item = Result<FxRow, ImportError>;

    fn next(&mut self) -> Option<Self::Item> {
        Some(self.table.next_row()?.and_then(|row| {
            let from = currency(&row, 0)?;
            let to = currency(&row, 1)?;
            if from == to {
                let text = row.require(1)?;
                return Err(row.invalid(1, &text, "is the same currency as `from`"));
            }
            let (rate, rate_text) = rate(&row, 2)?;
            Ok(FxRow {
                line: row.line(),
                from,
                to,
                rate,
                rate_text,
            })
        }))
    }
}

fn pool(row: &TableRow<'_>) -> Result<PoolRow, ImportError> {
    let (rate, rate_text) = rate(row, 5)?;
    let countries = |column: usize| -> Result<Vec<&'static str>, ImportError> {
        list(row, column)
            .into_iter()
            .map(|code| {
                country_by_alpha3(&code)
                    .map(|country| country.alpha3())
                    .ok_or_else(|| {
                        row.invalid(column, &code, "is not an ISO 3166-1 alpha-3 country code")
                    })
            })
            .collect()
    };
    let creditor_countries = countries(7)?;
    if creditor_countries.is_empty() {
        return Err(row.invalid(7, "", "names no country"));
    }
    let creditor_kinds = list(row, 8)
        .into_iter()
        .map(|text| {
            PARTY_KINDS
                .into_iter()
                .find(|kind| kind.eq_ignore_ascii_case(&text))
                .ok_or_else(|| {
                    row.invalid(
                        8,
                        &text,
                        "is not a kind of party (central-bank, bank, trader, restricted-pool, clearing-agent)",
                    )
                })
        })
        .collect::<Result<Vec<_>, _>>()?;
    let goods = |column: usize| -> Result<Vec<HsCode>, ImportError> {
        list(row, column)
            .into_iter()
            .map(|text| {
                let code = HsCode::parse(&text).ok().filter(|code| {
                    code.level() != HsLevel::Subheading
                        && HsEdition::ALL
                            .iter()
                            .any(|edition| hs_lookup(*edition, code).is_some())
                });
                code.ok_or_else(|| {
                    row.invalid(
                        column,
                        &text,
                        "is not an HS chapter or heading (2 or 4 digits) of HS2017 or HS2022",
                    )
                })
            })
            .collect()
    };
    Ok(PoolRow {
        line: row.line(),
        pool: row.require(0)?.into_owned(),
        owner: row.require(1)?.into_owned(),
        amount: money(row, 2, 3, true)?,
        charge_currency: currency(row, 4)?,
        rate,
        rate_text,
        debtor_countries: countries(6)?,
        creditor_countries,
        creditor_kinds,
        debtors: list(row, 9),
        goods: goods(10)?,
        basic_goods: goods(11)?,
    })
}

/// The space-separated items of an optional column; empty when not given.
fn list(row: &TableRow<'_>, column: usize) -> Vec<String> {
    row.get(column)
        .map(|text| text.split_whitespace().map(str::to_owned).collect())
        .unwrap_or_default()
}

fn currency(row: &TableRow<'_>, column: usize) -> Result<Currency, ImportError> {
    let code = row.require(column)?;
    Currency::from_code(&code)
        .map_err(|_| row.invalid(column, &code, "is not an ISO 4217 currency code"))
}

/// A positive decimal rate (`1310`, `0.000763`, at most 18 decimals), exactly.
fn rate(row: &TableRow<'_>, column: usize) -> Result<(Rate, String), ImportError> {
    let text = row.require(column)?;
    let bad = || {
        row.invalid(
            column,
            &text,
            "is not a positive decimal rate (digits, an optional '.' and at most 18 decimals)",
        )
    };
    let (whole, fraction) = text.split_once('.').unwrap_or((&text, ""));
    let digits_only = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if whole.is_empty() || !digits_only(whole) || !digits_only(fraction) || fraction.len() > 18 {
        return Err(bad());
    }
    let digits = format!("{whole}{fraction}");
    let numerator: u128 = digits.parse().map_err(|_| bad())?;
    let denominator = 10_u128.pow(u32::try_from(fraction.len()).map_err(|_| bad())?);
    let rate = Rate::new(numerator, denominator).map_err(|_| bad())?;
    Ok((rate, text.into_owned()))
}
