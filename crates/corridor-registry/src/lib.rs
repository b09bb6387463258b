//! The trade registry: every trade figure Corridor knows, with its source, in SQLite (the
//! embedded default) or PostgreSQL (a schema several servers share); the loads that brought
//! them; the targets analysts follow; and the reports over them.
//!
//! # Design
//!
//! - **One transaction per file.** [`Registry::begin_load`] opens it; [`Load::add`] stores
//!   records as the caller streams them from a reader; [`Load::finish`] commits. Any error,
//!   or dropping the load, rolls everything back: a file is loaded whole or not at all.
//! - **A figure's identity** is its source, reporter, period, partner, flow, goods or
//!   services, commodity, breakdown, reference, crossing and transport mode. Loading a figure
//!   again (a duplicated row, the same file twice, an overlapping file) stores nothing; the
//!   same figure with another value is a conflict that rejects the load.
//! - **Revisions.** A load has a revision (text; ISO dates order correctly). For each
//!   source, reporter and period, the registry remembers the revision it holds: a later one
//!   replaces all of that period's figures, an earlier one is skipped.
//! - **Reports read a summary.** Each load keeps `flow_sum` in step: whole figures (not
//!   breakdowns) added up per source, reporter, period, partner, flow, goods or services,
//!   level, chapter or EBOPS code, and crossing. That is all any report groups on, and it is
//!   much smaller than the figures themselves. A report that does not show the codes has
//!   the summary added up over them (and over the crossings) in SQL ([`ReportShape`]);
//!   [`report`] computes reports from the rows in Rust: periods of either calendar, the
//!   choice of source by precedence, shares, growth and records.
//! - **Two backends, one set of statements.** Every statement is written once for both
//!   engines through `corridor_sql`, and the migrations state both engines' SQL side by
//!   side. The one engine-specific path is SQLite's insert of a figure, which rebinds only
//!   the columns that changed since the previous row (binding is a good part of its cost).
//! - **Time** is kept as days since 1970-01-01 (first and last day of a figure's period),
//!   so figures given by day, Gregorian month or Solar Hijri month all place themselves in
//!   any report period that contains them.
#![deny(clippy::float_arithmetic)]
#![deny(missing_docs)]

mod codes;
pub mod demo;
mod error;
mod ingest;
mod load;
pub mod progress;
pub mod reconcile;
pub mod report;
mod schema;
pub mod target;

use std::path::Path;

use std::cell::RefCell;

use corridor_import::SourceKind;
use corridor_sql::{Database, Executor, Value};
use rusqlite::Connection;

pub use codes::WORLD;
pub use error::RegistryError;
pub use ingest::{ingest, Format, IngestError, RejectSink};
pub use load::{Load, LoadReport, LoadSpec, SourceSpec};
pub use target::{Target, TargetSpan, TargetSpec};

/// The statement that adds up the rows `filtered` selects over the columns `shape` drops.
fn shaped(filtered: &str, shape: ReportShape) -> String {
    // PostgreSQL refuses a constant in GROUP BY: a column dropped is left out of it.
    let (crossing, kept) = if shape.keep_crossing {
        ("crossing", ", crossing")
    } else {
        ("''", "")
    };
    format!(
        "WITH kept AS ({filtered})
         SELECT source_id, reporter, partner, flow, trade, level, CAST('' AS TEXT),
                CAST({crossing} AS TEXT), first_day, last_day,
                CAST(SUM(value_cents) AS BIGINT), CAST(SUM(figures) AS BIGINT)
         FROM kept
         GROUP BY source_id, reporter, partner, flow, trade, level, first_day, last_day{kept}"
    )
}

/// The registry, on one SQLite database or one PostgreSQL schema.
#[derive(Debug)]
pub struct Registry {
    backend: Backend,
}

#[derive(Debug)]
pub(crate) enum Backend {
    Sqlite(Connection),
    /// In a cell: reads take `&Registry`, and the client needs `&mut` to run a statement.
    Postgres(Box<RefCell<Database>>),
}

/// A source as registered.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Source {
    /// Its number in the registry.
    pub id: i64,
    /// Its name.
    pub name: String,
    /// The kind of figures it publishes.
    pub kind: SourceKind,
    /// Where it publishes, when known.
    pub url: Option<String>,
}

/// One row of the summary: whole figures of one source added up.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Figure {
    /// The source's number (see [`Registry::sources`]).
    pub source_id: i64,
    /// The reporter (ISO alpha-3 or an aggregate code).
    pub reporter: String,
    /// The partner (ISO alpha-3, [`WORLD`], or an aggregate code).
    pub partner: String,
    /// `X`, `M`, `RX` or `RM`.
    pub flow: String,
    /// `goods`, `services` or `combined`.
    pub trade: String,
    /// 0 for totals; 2, 4 or 6 for HS codes; 1 for EBOPS codes below the total.
    pub level: i64,
    /// The HS chapter, the EBOPS code, or `TOTAL`.
    pub group: String,
    /// The crossing, or empty.
    pub crossing: String,
    /// The first day of the period (days since 1970-01-01).
    pub first_day: i64,
    /// The last day of the period.
    pub last_day: i64,
    /// The value in US cents.
    pub value_cents: i128,
    /// How many figures were added up.
    pub figures: i64,
}

/// Which summary rows to read.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FigureFilter {
    /// Only these reporters (all if empty).
    pub reporters: Vec<String>,
    /// Only these partners (all if empty).
    pub partners: Vec<String>,
    /// Only these flows, as stored (`X`, `M`, ...; all if empty).
    pub flows: Vec<String>,
    /// Only these kinds of trade, as stored (`goods`, `services`, `combined`; all if empty).
    pub trades: Vec<String>,
    /// Only periods that end on or before this day.
    pub until_day: Option<i64>,
    /// For a report that does not group by code: the rows added up in the database (see
    /// [`report::TradeQuery::report_filter`]). `None`: the summary rows as stored.
    pub shape: Option<ReportShape>,
}

/// A report that does not group by chapter or EBOPS code: [`Registry::figures`] then adds
/// up the rows in the database over the codes (and over the crossings, unless the report
/// groups by them). Fewer rows leave the database and the report is the same: the rows
/// added up share their source, period, partner, flow, kind of trade and level of detail,
/// everything the report chooses by, and a report that does not show the codes only ever
/// adds them up.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ReportShape {
    /// Keep the crossing; otherwise rows are added up across crossings too and their
    /// `crossing` is empty. A row's `group` is empty either way.
    pub keep_crossing: bool,
}

/// A load as recorded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LoadRecord {
    /// Its number.
    pub id: i64,
    /// The file's name.
    pub file: String,
    /// Its format.
    pub format: String,
    /// The SHA-256 of its content.
    pub digest: String,
    /// Its revision.
    pub revision: String,
    /// When it ran.
    pub loaded_at: String,
    /// What it did.
    pub report: LoadReport,
}

impl Registry {
    /// Opens (creating if needed) the registry at `path` and brings its schema up to date.
    pub fn open(path: &Path) -> Result<Registry, RegistryError> {
        let conn = Connection::open(path)?;
        Registry::setup(conn)
    }

    /// Opens (creating if needed) the registry at `target`: a SQLite file, or a PostgreSQL
    /// schema (tables `source`, `load`, `revision`, `flow`, `flow_sum`, `target`).
    pub fn open_target(target: &corridor_sql::Target) -> Result<Registry, RegistryError> {
        match target {
            corridor_sql::Target::Sqlite(path) => Registry::open(path),
            corridor_sql::Target::Postgres { .. } => {
                let mut db = Database::open(target, "registry")?;
                db.transaction(|tx| -> Result<(), RegistryError> {
                    schema::adopt_and_check(tx)?;
                    corridor_sql::migrate_in(tx, schema::COMPONENT, schema::MIGRATIONS)?;
                    Ok(())
                })?;
                Ok(Registry {
                    backend: Backend::Postgres(Box::new(RefCell::new(db))),
                })
            }
        }
    }

    /// A registry in memory, for tests.
    pub fn open_in_memory() -> Result<Registry, RegistryError> {
        Registry::setup(Connection::open_in_memory()?)
    }

    fn setup(mut conn: Connection) -> Result<Registry, RegistryError> {
        // A rollback journal rather than WAL: a load is one transaction that mostly adds new
        // pages, which a rollback journal does not copy, while WAL writes every page twice
        // (log, then checkpoint): 25 % faster on a 10-million-row load. The price is that a
        // long load blocks readers once its changes spill from the cache; the service (one
        // writer, many readers) may prefer WAL. FULL syncs at every commit, so a committed
        // load survives a power cut, and an interrupted one is rolled back on the next open.
        conn.pragma_update(None, "journal_mode", "TRUNCATE")?;
        conn.pragma_update(None, "synchronous", "FULL")?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        // Up to 1 GiB of page cache: a load's working set stays in memory (the index pages it
        // appends to), whatever the file's size.
        conn.pragma_update(None, "cache_size", -1_048_576)?;
        conn.busy_timeout(std::time::Duration::from_secs(30))?;
        {
            let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
            let mut exec: &Connection = &tx;
            schema::adopt_and_check(&mut exec)?;
            corridor_sql::migrate_in(&mut exec, schema::COMPONENT, schema::MIGRATIONS)?;
            tx.commit()?;
        }
        Ok(Registry {
            backend: Backend::Sqlite(conn),
        })
    }

    /// Runs `f` on the registry's database.
    pub(crate) fn with_db<T>(
        &self,
        f: impl FnOnce(&mut dyn Executor) -> Result<T, RegistryError>,
    ) -> Result<T, RegistryError> {
        match &self.backend {
            Backend::Sqlite(conn) => {
                let mut exec: &Connection = conn;
                f(&mut exec)
            }
            Backend::Postgres(db) => {
                let mut db = db.try_borrow_mut().map_err(|_| RegistryError::Corrupt {
                    table: "registry",
                    row: String::new(),
                    reason: "the registry is in use by a load".to_owned(),
                })?;
                f(&mut *db)
            }
        }
    }

    /// Starts loading a file: everything added to the returned [`Load`] is one transaction.
    pub fn begin_load(&mut self, spec: LoadSpec) -> Result<Load<'_>, RegistryError> {
        Load::begin(&self.backend, spec)
    }

    /// Every registered source, by number.
    pub fn sources(&self) -> Result<Vec<Source>, RegistryError> {
        let rows = self.with_db(|db| {
            Ok(db.query("SELECT id, name, kind, url FROM source ORDER BY id", &[])?)
        })?;
        let mut sources = Vec::new();
        for row in rows {
            let (id, name, kind, url) = (row.i64(0)?, row.text(1)?, row.text(2)?, row.opt_text(3)?);
            let kind = SourceKind::from_name(&kind).ok_or_else(|| RegistryError::Corrupt {
                table: "source",
                row: id.to_string(),
                reason: format!("unknown kind {kind:?}"),
            })?;
            sources.push(Source {
                id,
                name,
                kind,
                url,
            });
        }
        Ok(sources)
    }

    /// Every load, oldest first (including loads of files loaded again, which change nothing
    /// and are not recorded).
    pub fn loads(&self) -> Result<Vec<LoadRecord>, RegistryError> {
        let rows = self.with_db(|db| {
            Ok(db.query(
                "SELECT id, file, format, digest, revision, loaded_at, rows_read, rows_loaded,
                        rows_duplicate, rows_superseded, rows_replaced, rows_rejected
                 FROM load ORDER BY id",
                &[],
            )?)
        })?;
        let mut loads = Vec::with_capacity(rows.len());
        for row in rows {
            let count = |index: usize| row.i64(index).map(i64::unsigned_abs);
            loads.push(LoadRecord {
                id: row.i64(0)?,
                file: row.text(1)?,
                format: row.text(2)?,
                digest: row.text(3)?,
                revision: row.text(4)?,
                loaded_at: row.text(5)?,
                report: LoadReport {
                    load_id: row.i64(0)?,
                    read: count(6)?,
                    loaded: count(7)?,
                    duplicates: count(8)?,
                    superseded: count(9)?,
                    replaced: count(10)?,
                    rejected: count(11)?,
                    already_loaded: None,
                },
            });
        }
        Ok(loads)
    }

    /// How many figures are stored (whole figures and breakdowns).
    pub fn figure_count(&self) -> Result<u64, RegistryError> {
        self.count("SELECT COUNT(*) FROM flow")
    }

    fn count(&self, sql: &str) -> Result<u64, RegistryError> {
        let row = self.with_db(|db| Ok(db.query_opt(sql, &[])?))?;
        Ok(row.map_or(Ok(0), |row| row.i64(0))?.unsigned_abs())
    }

    /// The summary rows that match `filter`, added up in the database over the columns its
    /// [`ReportShape`], if any, drops.
    pub fn figures(&self, filter: &FigureFilter) -> Result<Vec<Figure>, RegistryError> {
        let mut sql = String::from(
            "SELECT source_id, reporter, partner, flow, trade, level, grp, crossing,
                    first_day, last_day, value_cents, figures
             FROM flow_sum WHERE 1 = 1",
        );
        let mut values: Vec<Value> = Vec::new();
        for (column, list) in [
            ("reporter", &filter.reporters),
            ("partner", &filter.partners),
            ("flow", &filter.flows),
            ("trade", &filter.trades),
        ] {
            if !list.is_empty() {
                // Numbered parameters, as both engines take them.
                let marks: Vec<String> = (values.len() + 1..=values.len() + list.len())
                    .map(|n| format!("?{n}"))
                    .collect();
                sql.push_str(&format!(" AND {column} IN ({})", marks.join(", ")));
                values.extend(list.iter().cloned().map(Value::Text));
            }
        }
        if let Some(day) = filter.until_day {
            values.push(Value::Integer(day));
            sql.push_str(&format!(" AND last_day <= ?{}", values.len()));
        }
        if let Some(shape) = filter.shape {
            sql = shaped(&sql, shape);
        }
        let rows = self.with_db(|db| Ok(db.query(&sql, &values)?))?;
        let mut figures = Vec::with_capacity(rows.len());
        for row in rows {
            figures.push(Figure {
                source_id: row.i64(0)?,
                reporter: row.text(1)?,
                partner: row.text(2)?,
                flow: row.text(3)?,
                trade: row.text(4)?,
                level: row.i64(5)?,
                group: row.text(6)?,
                crossing: row.text(7)?,
                first_day: row.i64(8)?,
                last_day: row.i64(9)?,
                value_cents: i128::from(row.i64(10)?),
                figures: row.i64(11)?,
            });
        }
        Ok(figures)
    }

    /// Checks that the summary equals the figures added up again from scratch: the
    /// registry's one invariant a report depends on. Returns the number of summary rows.
    pub fn check_summary(&self) -> Result<u64, RegistryError> {
        let mismatches = self.count(
            "WITH fresh AS (
                 SELECT source_id, reporter, first_day, last_day, partner, flow, trade,
                        CASE WHEN reference <> '' AND level > 2 THEN 2 ELSE level END AS level,
                        CASE WHEN level = 0 THEN 'TOTAL'
                             WHEN trade = 'goods' THEN substr(commodity, 1, 2)
                             ELSE commodity END AS grp,
                        crossing, CAST(SUM(value_cents) AS BIGINT) AS value_cents,
                        COUNT(*) AS figures
                 FROM flow WHERE breakdown = ''
                 GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10),
             kept AS (
                 SELECT source_id, reporter, first_day, last_day, partner, flow, trade, level,
                        grp, crossing, value_cents, figures FROM flow_sum)
             SELECT (SELECT COUNT(*) FROM (SELECT * FROM fresh EXCEPT SELECT * FROM kept) AS a)
                  + (SELECT COUNT(*) FROM (SELECT * FROM kept EXCEPT SELECT * FROM fresh) AS b)",
        )?;
        if mismatches != 0 {
            return Err(RegistryError::Corrupt {
                table: "flow_sum",
                row: format!("{mismatches} rows"),
                reason: "the summary differs from the figures it adds up".to_owned(),
            });
        }
        self.count("SELECT COUNT(*) FROM flow_sum")
    }

    /// A number that changes when another connection (a `corridor trade load` beside a
    /// running service, another server) commits to the registry. With a count of this
    /// connection's own writes, it tells a cache whether the registry changed. On SQLite,
    /// its `data_version`; on PostgreSQL, the newest load's number and the targets' count
    /// and newest number (a load or a target's change is all that changes the registry).
    pub fn data_version(&self) -> Result<i64, RegistryError> {
        let sql = match &self.backend {
            Backend::Sqlite(_) => "PRAGMA data_version",
            Backend::Postgres(_) => {
                "SELECT (SELECT COALESCE(MAX(id), 0) FROM load) * 1000003
                      + (SELECT COUNT(*) FROM target) * 1009
                      + (SELECT COALESCE(MAX(id), 0) FROM target)"
            }
        };
        let row = self.with_db(|db| Ok(db.query_opt(sql, &[])?))?;
        Ok(row.map_or(Ok(0), |row| row.i64(0))?)
    }
}

#[cfg(test)]
mod tests;
