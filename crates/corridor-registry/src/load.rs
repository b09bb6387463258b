//! Loading figures: one transaction per file, revisions, duplicates, the summary table.

use std::borrow::Cow;
use std::collections::HashMap;

use corridor_import::{FigureSource, SourceKind, TradePeriod, TradeRecord};
use corridor_sql::{Database, Executor, Value};
use rusqlite::Connection;

use crate::{codes, Backend, RegistryError};

/// A source of figures: who publishes them and what kind of figure they are.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SourceSpec {
    /// The source's name, e.g. `UN Comtrade`, `IRICA`, `Iran-Iraq Joint Chamber of Commerce`.
    pub name: String,
    /// The kind of figure.
    pub kind: SourceKind,
    /// Where the figure was published, when known.
    pub url: Option<String>,
}

/// What is being loaded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LoadSpec {
    /// The file's name, as errors and provenance show it.
    pub file: String,
    /// The file's format (`comtrade`, `customs`, `services`, `figures`).
    pub format: String,
    /// The revision of the data: a later revision (compared as text, so ISO dates order
    /// correctly) replaces what an earlier one gave for the same source, reporter and period;
    /// an earlier one is skipped. Loads without a revision use the empty string.
    pub revision: String,
    /// The source of every record, unless a record names its own.
    pub source: Option<SourceSpec>,
    /// When the load ran (recorded, never used in decisions).
    pub loaded_at: String,
}

/// What a load did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LoadReport {
    /// The load's number in the registry (0 when it changed nothing and was rolled back).
    pub load_id: i64,
    /// Records offered.
    pub read: u64,
    /// New figures stored.
    pub loaded: u64,
    /// Records equal to a figure already stored (a duplicated row, or a file loaded again).
    pub duplicates: u64,
    /// Records skipped because the registry holds a later revision of their period.
    pub superseded: u64,
    /// Figures of an earlier revision deleted because this load replaces their period.
    pub replaced: u64,
    /// Records the caller rejected as invalid (`--skip-invalid`).
    pub rejected: u64,
    /// When the same file (same digest and revision) was loaded before: that load's number.
    /// Nothing was changed.
    pub already_loaded: Option<i64>,
}

/// Most sums a load holds in memory before adding them into the database (a handful in unit
/// tests, so that the property tests go through the flushes too).
const SUMS_HELD_MAX: usize = if cfg!(test) { 3 } else { 100_000 };

/// The key of a period's revision: source, reporter, first and last day.
type UnitKey = (i64, Cow<'static, str>, i64, i64);

/// The key of a `flow_sum` row.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
struct SumKey {
    source_id: i64,
    reporter: Cow<'static, str>,
    first_day: i64,
    last_day: i64,
    partner: Cow<'static, str>,
    flow: &'static str,
    trade: &'static str,
    level: i64,
    group: String,
    crossing: String,
}

/// The load's connection, inside its transaction.
enum LoadConn<'r> {
    Sqlite {
        conn: &'r Connection,
        /// The insert, prepared once: looking it up in the statement cache per row costs
        /// more than binding it.
        insert: Box<rusqlite::CachedStatement<'r>>,
    },
    /// Held for the whole load: nothing else uses the registry meanwhile.
    Postgres(std::cell::RefMut<'r, Database>),
}

impl LoadConn<'_> {
    fn exec(&mut self) -> &mut dyn Executor {
        match self {
            LoadConn::Sqlite { conn, .. } => conn,
            LoadConn::Postgres(db) => &mut **db,
        }
    }
}

/// A load in progress: one database transaction. [`Load::finish`] commits it; dropping it
/// unfinished (an error, a rejected file) rolls everything back.
pub struct Load<'r> {
    conn: LoadConn<'r>,
    spec: LoadSpec,
    load_id: i64,
    default_source: Option<i64>,
    sources: HashMap<String, i64>,
    units: HashMap<UnitKey, bool>,
    /// The last period admitted or skipped: consecutive rows mostly share it.
    last_unit: Option<(UnitKey, bool)>,
    /// The last period seen, with its days and label: consecutive rows mostly share it.
    last_period: Option<(TradePeriod, i64, i64, String)>,
    /// The seldom-changing columns bound to the insert by the last row: source, reporter,
    /// classification, period.
    last_steady: Option<(i64, Cow<'static, str>, String, String)>,
    sums: HashMap<SumKey, (i128, i64), foldhash::fast::RandomState>,
    /// PostgreSQL: figures waiting to go in together, as one multi-row insert.
    buffer: Vec<Buffered>,
    report: LoadReport,
    open: bool,
}

/// A figure waiting in [`Load::buffer`].
struct Buffered {
    line: u64,
    value: i64,
    value_usd_cents: i128,
    /// The insert's 27 parameters.
    params: Vec<Value>,
    /// `FIND_FLOW`'s 12 parameters, to tell a duplicate from a conflict.
    find: Vec<Value>,
    /// The summary row it adds to, for a whole figure.
    sum: Option<SumKey>,
}

/// Figures sent to PostgreSQL in one statement (a handful in unit tests, so that the
/// property tests go through several flushes).
const BUFFERED_MAX: usize = if cfg!(test) { 3 } else { 1_000 };

/// Summary rows added in one statement (12 parameters each: within both engines' limits).
const SUMS_PER_STATEMENT: usize = if cfg!(test) { 2 } else { 1_000 };
/// The columns of a summary row as a load adds it.
const SUM_COLUMNS: usize = 12;

/// Appends the parameters of `rows` rows of `width` columns to a multi-row `VALUES`:
/// `(?1, ?2), (?3, ?4)`.
fn push_rows(sql: &mut String, rows: usize, width: usize) {
    for row in 0..rows {
        sql.push_str(if row == 0 { "(" } else { ", (" });
        for column in 0..width {
            if column > 0 {
                sql.push_str(", ");
            }
            sql.push_str(&format!("?{}", row * width + column + 1));
        }
        sql.push(')');
    }
}

/// The statement that adds `rows` summary rows into `flow_sum`: each a new row, or added to
/// the row of the same key.
fn add_sums_sql(rows: usize) -> String {
    let mut sql = String::from(
        "INSERT INTO flow_sum (source_id, reporter, first_day, last_day, partner, flow, trade,
                               level, grp, crossing, value_cents, figures) VALUES ",
    );
    push_rows(&mut sql, rows, SUM_COLUMNS);
    sql.push_str(
        " ON CONFLICT (reporter, source_id, first_day, last_day, partner, flow, trade, level,
                      grp, crossing)
         DO UPDATE SET value_cents = flow_sum.value_cents + excluded.value_cents,
                       figures = flow_sum.figures + excluded.figures",
    );
    sql
}

/// The columns of `flow` a load inserts, in `INSERT_FLOW`'s order.
const FLOW_COLUMNS: &str = "load_id, line, source_id, reporter, partner, flow, trade, commodity, \
    level, classification, calendar, period, first_day, last_day, value_cents, original_minor, \
    original_currency, net_weight_kg, quantity_milli, quantity_unit, crossing, transport, \
    breakdown, reference, url, published, note";

impl std::fmt::Debug for Load<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Load")
            .field("spec", &self.spec)
            .field("load_id", &self.load_id)
            .field("report", &self.report)
            .finish_non_exhaustive()
    }
}

const INSERT_FLOW: &str = "INSERT INTO flow (
    load_id, line, source_id, reporter, partner, flow, trade, commodity, level, classification,
    calendar, period, first_day, last_day, value_cents, original_minor, original_currency,
    net_weight_kg, quantity_milli, quantity_unit, crossing, transport, breakdown, reference,
    url, published, note
) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19,
          ?20, ?21, ?22, ?23, ?24, ?25, ?26, ?27)
ON CONFLICT DO NOTHING";

const FIND_FLOW: &str =
    "SELECT f.value_cents, l.file, f.line FROM flow f JOIN load l ON l.id = f.load_id
WHERE f.source_id = ?1 AND f.reporter = ?2 AND f.first_day = ?3 AND f.last_day = ?4
  AND f.partner = ?5 AND f.flow = ?6 AND f.trade = ?7 AND f.commodity = ?8
  AND f.breakdown = ?9 AND f.reference = ?10 AND f.crossing = ?11 AND f.transport = ?12";

impl<'r> Load<'r> {
    pub(crate) fn begin(backend: &'r Backend, spec: LoadSpec) -> Result<Load<'r>, RegistryError> {
        let conn = match backend {
            Backend::Sqlite(conn) => {
                let insert = Box::new(conn.prepare_cached(INSERT_FLOW)?);
                conn.execute_batch("BEGIN IMMEDIATE")?;
                LoadConn::Sqlite { conn, insert }
            }
            Backend::Postgres(db) => {
                let mut db = db.try_borrow_mut().map_err(|_| RegistryError::Corrupt {
                    table: "load",
                    row: String::new(),
                    reason: "another load is in progress on this connection".to_owned(),
                })?;
                db.begin()?;
                LoadConn::Postgres(db)
            }
        };
        // From here on, dropping `load` rolls the transaction back.
        let mut load = Load {
            conn,
            spec,
            load_id: 0,
            default_source: None,
            sources: HashMap::new(),
            units: HashMap::new(),
            last_unit: None,
            last_period: None,
            last_steady: None,
            sums: HashMap::default(),
            buffer: Vec::new(),
            report: LoadReport::default(),
            open: true,
        };
        let row = load.conn.exec().query_opt(
            "INSERT INTO load (file, format, digest, revision, loaded_at)
             VALUES (?1, ?2, '', ?3, ?4) RETURNING id",
            &[
                Value::from(&load.spec.file),
                Value::from(&load.spec.format),
                Value::from(&load.spec.revision),
                Value::from(&load.spec.loaded_at),
            ],
        )?;
        load.load_id = row.map(|row| row.i64(0)).transpose()?.unwrap_or_default();
        if let LoadConn::Sqlite { insert, .. } = &mut load.conn {
            insert.raw_bind_parameter(1, load.load_id)?;
        }
        if let Some(source) = load.spec.source.clone() {
            load.default_source =
                Some(load.source_id(&source.name, source.kind, source.url.as_deref(), 0)?);
        }
        Ok(load)
    }

    /// The id of `source`, registering it on first use.
    fn source_id(
        &mut self,
        name: &str,
        kind: SourceKind,
        url: Option<&str>,
        line: u64,
    ) -> Result<i64, RegistryError> {
        if let Some(&id) = self.sources.get(name) {
            return Ok(id);
        }
        let found = match self.conn.exec().query_opt(
            "SELECT id, kind FROM source WHERE name = ?1",
            &[Value::from(name)],
        )? {
            Some(row) => Some((row.i64(0)?, row.text(1)?)),
            None => None,
        };
        let id = match found {
            Some((id, registered)) if registered == kind.name() => id,
            Some((_, registered)) => {
                return Err(RegistryError::SourceKindMismatch {
                    file: self.spec.file.clone(),
                    line,
                    name: name.to_owned(),
                    registered,
                    given: kind.name().to_owned(),
                })
            }
            None => self
                .conn
                .exec()
                .query_opt(
                    "INSERT INTO source (name, kind, url) VALUES (?1, ?2, ?3) RETURNING id",
                    &[
                        Value::from(name),
                        Value::from(kind.name()),
                        Value::from(url),
                    ],
                )?
                .map(|row| row.i64(0))
                .transpose()?
                .unwrap_or_default(),
        };
        self.sources.insert(name.to_owned(), id);
        Ok(id)
    }

    /// Whether records of this period should be stored (after replacing an earlier
    /// revision), or skipped because a later revision is stored.
    fn admit(&mut self, key: UnitKey) -> Result<bool, RegistryError> {
        if let Some((last, admit)) = &self.last_unit {
            if *last == key {
                return Ok(*admit);
            }
        }
        let admit = self.admit_unit(key.clone())?;
        self.last_unit = Some((key, admit));
        Ok(admit)
    }

    fn admit_unit(&mut self, key: UnitKey) -> Result<bool, RegistryError> {
        if let Some(&admit) = self.units.get(&key) {
            return Ok(admit);
        }
        let (source_id, reporter, first_day, last_day) = &key;
        let unit = [
            Value::Integer(*source_id),
            Value::from(&**reporter),
            Value::Integer(*first_day),
            Value::Integer(*last_day),
        ];
        let stored = self
            .conn
            .exec()
            .query_opt(
                "SELECT revision FROM revision
                 WHERE source_id = ?1 AND reporter = ?2 AND first_day = ?3 AND last_day = ?4",
                &unit,
            )?
            .map(|row| row.text(0))
            .transpose()?;
        let revision = &self.spec.revision;
        let admit = match stored {
            Some(stored) if stored > *revision => false,
            Some(stored) if stored == *revision => true,
            stored => {
                if stored.is_some() {
                    let deleted = self.conn.exec().execute(
                        "DELETE FROM flow WHERE source_id = ?1 AND reporter = ?2
                         AND first_day = ?3 AND last_day = ?4",
                        &unit,
                    )?;
                    self.conn.exec().execute(
                        "DELETE FROM flow_sum WHERE source_id = ?1 AND reporter = ?2
                         AND first_day = ?3 AND last_day = ?4",
                        &unit,
                    )?;
                    self.report.replaced += deleted;
                }
                let mut row = unit.to_vec();
                row.push(Value::from(revision));
                row.push(Value::Integer(self.load_id));
                self.conn.exec().execute(
                    "INSERT INTO revision
                     (source_id, reporter, first_day, last_day, revision, load_id)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6)
                     ON CONFLICT (source_id, reporter, first_day, last_day)
                     DO UPDATE SET revision = excluded.revision, load_id = excluded.load_id",
                    &row,
                )?;
                true
            }
        };
        self.units.insert(key, admit);
        Ok(admit)
    }

    /// Stores one record, from the load's source, or from `source` when the record names its
    /// own (figures files give one per row, with where and when it was published).
    pub fn add(
        &mut self,
        record: &TradeRecord,
        source: Option<&FigureSource>,
    ) -> Result<(), RegistryError> {
        self.report.read += 1;
        let line = record.line;
        let source_id = match source {
            Some(source) => {
                self.source_id(&source.name, source.kind, source.url.as_deref(), line)?
            }
            None => self.default_source.ok_or_else(|| RegistryError::NoSource {
                file: self.spec.file.clone(),
                line,
            })?,
        };
        let published = source.and_then(|s| s.published).map(|day| day.to_string());
        let reporter = codes::country(record.reporter);
        let (first_day, last_day, period_label) = match &self.last_period {
            Some((period, first, last, label)) if *period == record.period => {
                (*first, *last, label.clone())
            }
            _ => {
                let first = record.period.first_day().days_since_epoch();
                let last = record.period.last_day().days_since_epoch();
                let label = codes::period_label(record.period);
                self.last_period = Some((record.period, first, last, label.clone()));
                (first, last, label)
            }
        };
        if !self.admit((source_id, reporter.clone(), first_day, last_day))? {
            self.report.superseded += 1;
            return Ok(());
        }
        let value = self.fits(record.value_usd_cents, line, "value in cents")?;
        let original = match record.original_value {
            Some(money) => Some((
                self.fits(money.amount_minor(), line, "original value")?,
                money.currency().code().to_owned(),
            )),
            None => None,
        };
        let partner = codes::country(record.partner);
        let flow = codes::flow(record.flow);
        let trade = codes::trade(record.trade_type);
        let (commodity, level) = codes::commodity(&record.commodity);
        let crossing = record.crossing.as_deref().unwrap_or_default();
        let transport = record.transport_mode.as_deref().unwrap_or_default();
        let reference = record.reference.as_deref().unwrap_or_default();
        let net_weight = match record.net_weight_kg {
            Some(kg) => Some(self.fits(i128::from(kg), line, "net weight")?),
            None => None,
        };
        // Declarations are separate facts whatever the detail of their codes: summed at the
        // chapter, so that no report mistakes a 4-digit one for the total of a 6-digit one.
        let sum_level = if reference.is_empty() {
            level
        } else {
            level.min(2)
        };
        let sum_key = |reporter: Cow<'static, str>, partner: Cow<'static, str>| {
            record.breakdown.is_empty().then(|| SumKey {
                source_id,
                reporter,
                first_day,
                last_day,
                partner,
                flow,
                trade,
                level: sum_level,
                group: codes::group(&record.commodity),
                crossing: crossing.to_owned(),
            })
        };
        let find = || {
            vec![
                Value::Integer(source_id),
                Value::from(&*reporter),
                Value::Integer(first_day),
                Value::Integer(last_day),
                Value::from(&*partner),
                Value::from(flow),
                Value::from(trade),
                Value::from(&commodity),
                Value::from(&record.breakdown),
                Value::from(reference),
                Value::from(crossing),
                Value::from(transport),
            ]
        };
        match &mut self.conn {
            LoadConn::Sqlite { insert, .. } => {
                // Columns that change seldom from one row to the next (source, reporter,
                // period, classification) are bound again only when they change: SQLite keeps
                // a statement's bindings between executions, and binding is a good part of an
                // insert's cost.
                let steady = source.is_none()
                    && self
                        .last_steady
                        .as_ref()
                        .is_some_and(|(id, r, class, label)| {
                            *id == source_id
                                && *r == reporter
                                && *class == record.classification
                                && *label == period_label
                        });
                if !steady {
                    insert.raw_bind_parameter(3, source_id)?;
                    insert.raw_bind_parameter(4, &*reporter)?;
                    insert.raw_bind_parameter(10, &record.classification)?;
                    insert.raw_bind_parameter(11, codes::calendar(record.period.calendar()))?;
                    insert.raw_bind_parameter(12, &period_label)?;
                    insert.raw_bind_parameter(13, first_day)?;
                    insert.raw_bind_parameter(14, last_day)?;
                    insert.raw_bind_parameter(25, source.and_then(|s| s.url.as_deref()))?;
                    insert.raw_bind_parameter(26, &published)?;
                    insert.raw_bind_parameter(27, source.and_then(|s| s.note.as_deref()))?;
                    // A row with its own source (and citation) is never taken as steady for
                    // the next.
                    self.last_steady = source.is_none().then(|| {
                        (
                            source_id,
                            reporter.clone(),
                            record.classification.clone(),
                            period_label.clone(),
                        )
                    });
                }
                insert.raw_bind_parameter(2, line as i64)?;
                insert.raw_bind_parameter(5, &*partner)?;
                insert.raw_bind_parameter(6, flow)?;
                insert.raw_bind_parameter(7, trade)?;
                insert.raw_bind_parameter(8, &commodity)?;
                insert.raw_bind_parameter(9, level)?;
                insert.raw_bind_parameter(15, value)?;
                insert.raw_bind_parameter(16, original.as_ref().map(|(minor, _)| *minor))?;
                insert.raw_bind_parameter(
                    17,
                    original.as_ref().map(|(_, currency)| currency.as_str()),
                )?;
                insert.raw_bind_parameter(18, net_weight)?;
                insert.raw_bind_parameter(19, record.quantity.as_ref().map(|q| q.milli))?;
                insert.raw_bind_parameter(20, record.quantity.as_ref().map(|q| q.unit.as_str()))?;
                insert.raw_bind_parameter(21, crossing)?;
                insert.raw_bind_parameter(22, transport)?;
                insert.raw_bind_parameter(23, &record.breakdown)?;
                insert.raw_bind_parameter(24, reference)?;
                if insert.raw_execute()? == 0 {
                    self.not_inserted(&find(), line, value, record.value_usd_cents)
                } else {
                    let key = sum_key(reporter.clone(), partner.clone());
                    self.inserted(key, value)
                }
            }
            LoadConn::Postgres(_) => {
                let params = vec![
                    Value::Integer(self.load_id),
                    Value::Integer(line as i64),
                    Value::Integer(source_id),
                    Value::from(&*reporter),
                    Value::from(&*partner),
                    Value::from(flow),
                    Value::from(trade),
                    Value::from(&commodity),
                    Value::Integer(level),
                    Value::from(&record.classification),
                    Value::from(codes::calendar(record.period.calendar())),
                    Value::from(&period_label),
                    Value::Integer(first_day),
                    Value::Integer(last_day),
                    Value::Integer(value),
                    Value::from(original.as_ref().map(|(minor, _)| *minor)),
                    Value::from(original.as_ref().map(|(_, currency)| currency.as_str())),
                    Value::from(net_weight),
                    Value::from(record.quantity.as_ref().map(|q| q.milli)),
                    Value::from(record.quantity.as_ref().map(|q| q.unit.as_str())),
                    Value::from(crossing),
                    Value::from(transport),
                    Value::from(&record.breakdown),
                    Value::from(reference),
                    Value::from(source.and_then(|s| s.url.as_deref())),
                    Value::from(published.as_deref()),
                    Value::from(source.and_then(|s| s.note.as_deref())),
                ];
                let buffered = Buffered {
                    line,
                    value,
                    value_usd_cents: record.value_usd_cents,
                    params,
                    find: find(),
                    sum: sum_key(reporter.clone(), partner.clone()),
                };
                self.buffer.push(buffered);
                if self.buffer.len() >= BUFFERED_MAX {
                    self.flush_buffer()?;
                }
                Ok(())
            }
        }
    }

    /// A figure was stored: count it and add it to its summary row.
    fn inserted(&mut self, sum: Option<SumKey>, value: i64) -> Result<(), RegistryError> {
        self.report.loaded += 1;
        if let Some(key) = sum {
            let sum = self.sums.entry(key).or_insert((0, 0));
            sum.0 += i128::from(value);
            sum.1 += 1;
            if self.sums.len() >= SUMS_HELD_MAX {
                self.flush_sums()?;
            }
        }
        Ok(())
    }

    /// A figure with the same identity is stored: the same value is a duplicate, another a
    /// conflict that rejects the load.
    fn not_inserted(
        &mut self,
        find: &[Value],
        line: u64,
        value: i64,
        value_usd_cents: i128,
    ) -> Result<(), RegistryError> {
        let found = self
            .conn
            .exec()
            .query_opt(FIND_FLOW, find)?
            .ok_or_else(|| RegistryError::Corrupt {
                table: "flow",
                row: format!("{}:{line}", self.spec.file),
                reason: "a figure neither inserted nor found".to_owned(),
            })?;
        let (other_value, other_file, other_line) = (found.i64(0)?, found.text(1)?, found.i64(2)?);
        if other_value != value {
            return Err(RegistryError::Conflict {
                file: self.spec.file.clone(),
                line,
                value: value_usd_cents,
                other_file,
                other_line: other_line.unsigned_abs(),
                other_value: i128::from(other_value),
            });
        }
        self.report.duplicates += 1;
        Ok(())
    }

    /// PostgreSQL: inserts the buffered figures in one statement (one round trip for up to
    /// [`BUFFERED_MAX`] figures), then settles each in order: stored (its line came back) or
    /// a duplicate or conflict of one stored before.
    fn flush_buffer(&mut self) -> Result<(), RegistryError> {
        let rows = std::mem::take(&mut self.buffer);
        if rows.is_empty() {
            return Ok(());
        }
        let mut lines = std::collections::HashSet::with_capacity(rows.len());
        let distinct = rows.iter().all(|row| lines.insert(row.line));
        let inserted: std::collections::HashSet<i64> = if distinct {
            let width = rows[0].params.len();
            let mut sql = format!("INSERT INTO flow ({FLOW_COLUMNS}) VALUES ");
            push_rows(&mut sql, rows.len(), width);
            let params: Vec<Value> = rows
                .iter()
                .flat_map(|row| row.params.iter().cloned())
                .collect();
            sql.push_str(" ON CONFLICT DO NOTHING RETURNING line");
            self.conn
                .exec()
                .query(&sql, &params)?
                .iter()
                .map(|row| row.i64(0))
                .collect::<Result<_, _>>()?
        } else {
            // Two records of one line: one at a time, so that each is told apart.
            for row in rows {
                if self.conn.exec().execute(INSERT_FLOW, &row.params)? == 1 {
                    self.inserted(row.sum, row.value)?;
                } else {
                    self.not_inserted(&row.find, row.line, row.value, row.value_usd_cents)?;
                }
            }
            return Ok(());
        };
        for row in rows {
            if inserted.contains(&(row.line as i64)) {
                self.inserted(row.sum, row.value)?;
            } else {
                self.not_inserted(&row.find, row.line, row.value, row.value_usd_cents)?;
            }
        }
        Ok(())
    }

    /// Counts a record the caller rejected (and wrote to its reject file).
    pub fn reject(&mut self) {
        self.report.read += 1;
        self.report.rejected += 1;
    }

    /// The counts so far.
    pub fn report(&self) -> &LoadReport {
        &self.report
    }

    fn fits(&self, value: i128, line: u64, what: &'static str) -> Result<i64, RegistryError> {
        i64::try_from(value).map_err(|_| RegistryError::TooLarge {
            file: self.spec.file.clone(),
            line,
            what,
            value,
        })
    }

    /// Adds the sums gathered so far into `flow_sum` and forgets them, so that a load's
    /// memory stays bounded however many distinct sums a file has. [`SUMS_PER_STATEMENT`]
    /// sums go in one statement, one round trip on PostgreSQL rather than one each (on the
    /// trade bench's monthly rows that saved little: few sums per figure). The keys are
    /// distinct, so no statement updates a row twice.
    fn flush_sums(&mut self) -> Result<(), RegistryError> {
        let sums: Vec<_> = self.sums.drain().collect();
        let mut params = Vec::with_capacity(SUMS_PER_STATEMENT.min(sums.len()) * SUM_COLUMNS);
        for chunk in sums.chunks(SUMS_PER_STATEMENT) {
            params.clear();
            for (key, (value, figures)) in chunk {
                let value = i64::try_from(*value).map_err(|_| RegistryError::TooLarge {
                    file: self.spec.file.clone(),
                    line: 0,
                    what: "sum of values in cents",
                    value: *value,
                })?;
                params.extend([
                    Value::Integer(key.source_id),
                    Value::from(&*key.reporter),
                    Value::Integer(key.first_day),
                    Value::Integer(key.last_day),
                    Value::from(&*key.partner),
                    Value::from(key.flow),
                    Value::from(key.trade),
                    Value::Integer(key.level),
                    Value::from(&key.group),
                    Value::from(&key.crossing),
                    Value::Integer(value),
                    Value::Integer(*figures),
                ]);
            }
            self.conn
                .exec()
                .execute(&add_sums_sql(chunk.len()), &params)?;
        }
        Ok(())
    }

    /// Commits the load. `digest` identifies the file's content (a SHA-256 in hex): if the
    /// same content was loaded before with the same revision, the load changed nothing and is
    /// rolled back, and the report says which load it repeats.
    pub fn finish(mut self, digest: &str) -> Result<LoadReport, RegistryError> {
        self.flush_buffer()?;
        let earlier = self
            .conn
            .exec()
            .query_opt(
                "SELECT id FROM load WHERE digest = ?1 AND revision = ?2 AND format = ?3
                 ORDER BY id LIMIT 1",
                &[
                    Value::from(digest),
                    Value::from(&self.spec.revision),
                    Value::from(&self.spec.format),
                ],
            )?
            .map(|row| row.i64(0))
            .transpose()?;
        if let Some(earlier) = earlier {
            if self.report.loaded == 0 && self.report.replaced == 0 {
                self.rollback()?;
                let mut report = std::mem::take(&mut self.report);
                report.already_loaded = Some(earlier);
                return Ok(report);
            }
        }
        self.flush_sums()?;
        let report = &self.report;
        let count = |n: u64| Value::Integer(i64::try_from(n).unwrap_or(i64::MAX));
        let row = [
            Value::Integer(self.load_id),
            Value::from(digest),
            count(report.read),
            count(report.loaded),
            count(report.duplicates),
            count(report.superseded),
            count(report.replaced),
            count(report.rejected),
        ];
        self.conn.exec().execute(
            "UPDATE load SET digest = ?2, rows_read = ?3, rows_loaded = ?4, rows_duplicate = ?5,
                 rows_superseded = ?6, rows_replaced = ?7, rows_rejected = ?8
             WHERE id = ?1",
            &row,
        )?;
        if let LoadConn::Postgres(db) = &mut self.conn {
            // The planner's statistics of the summary, renewed with the load that changed
            // it: with none (a new registry) or old ones it adds a report up by sorting on
            // disk, seven times slower than by hashing (210 ms against 30 on the demo).
            // Inside the transaction, so that it fails with the load or not at all.
            db.batch("ANALYZE flow_sum")?;
        }
        self.open = false;
        match &mut self.conn {
            LoadConn::Sqlite { conn, .. } => conn.execute_batch("COMMIT")?,
            LoadConn::Postgres(db) => db.commit()?,
        }
        let mut report = std::mem::take(&mut self.report);
        report.load_id = self.load_id;
        Ok(report)
    }

    fn rollback(&mut self) -> Result<(), RegistryError> {
        if self.open {
            self.open = false;
            match &mut self.conn {
                LoadConn::Sqlite { conn, .. } => conn.execute_batch("ROLLBACK")?,
                LoadConn::Postgres(db) => db.rollback()?,
            }
        }
        Ok(())
    }
}

impl Drop for Load<'_> {
    fn drop(&mut self) {
        // An unfinished load leaves no trace. If the rollback itself fails, the database rolls
        // the transaction back when the connection closes; there is nothing better to do here.
        let _ = self.rollback();
    }
}
