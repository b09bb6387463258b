//! The trade registry: every trade figure Corridor knows, with its source, in SQLite; the
//! loads that brought them; the targets analysts follow; and the reports over them.
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
//!   much smaller than the figures themselves. [`report`] computes reports from it in Rust:
//!   periods of either calendar, the choice of source by precedence, shares, growth and
//!   records.
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

use corridor_import::SourceKind;
use rusqlite::Connection;

pub use codes::WORLD;
pub use error::RegistryError;
pub use ingest::{ingest, Format, IngestError, RejectSink};
pub use load::{Load, LoadReport, LoadSpec, SourceSpec};
pub use target::{Target, TargetSpan, TargetSpec};

/// The registry, on one SQLite database.
#[derive(Debug)]
pub struct Registry {
    conn: Connection,
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
        schema::migrate(&mut conn)?;
        Ok(Registry { conn })
    }

    /// Starts loading a file: everything added to the returned [`Load`] is one transaction.
    pub fn begin_load(&mut self, spec: LoadSpec) -> Result<Load<'_>, RegistryError> {
        Load::begin(&self.conn, spec)
    }

    /// Every registered source, by number.
    pub fn sources(&self) -> Result<Vec<Source>, RegistryError> {
        let mut statement = self
            .conn
            .prepare("SELECT id, name, kind, url FROM source ORDER BY id")?;
        let rows = statement.query_map([], |row| {
            Ok((
                row.get::<_, i64>(0)?,
                row.get::<_, String>(1)?,
                row.get::<_, String>(2)?,
                row.get::<_, Option<String>>(3)?,
            ))
        })?;
        let mut sources = Vec::new();
        for row in rows {
            let (id, name, kind, url) = row?;
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
        let mut statement = self.conn.prepare(
            "SELECT id, file, format, digest, revision, loaded_at, rows_read, rows_loaded,
                    rows_duplicate, rows_superseded, rows_replaced, rows_rejected
             FROM load ORDER BY id",
        )?;
        let rows = statement.query_map([], |row| {
            let count = |index: usize| row.get::<_, i64>(index).map(i64::unsigned_abs);
            Ok(LoadRecord {
                id: row.get(0)?,
                file: row.get(1)?,
                format: row.get(2)?,
                digest: row.get(3)?,
                revision: row.get(4)?,
                loaded_at: row.get(5)?,
                report: LoadReport {
                    load_id: row.get(0)?,
                    read: count(6)?,
                    loaded: count(7)?,
                    duplicates: count(8)?,
                    superseded: count(9)?,
                    replaced: count(10)?,
                    rejected: count(11)?,
                    already_loaded: None,
                },
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// How many figures are stored (whole figures and breakdowns).
    pub fn figure_count(&self) -> Result<u64, RegistryError> {
        let count: i64 = self
            .conn
            .query_row("SELECT COUNT(*) FROM flow", [], |row| row.get(0))?;
        Ok(count.unsigned_abs())
    }

    /// The summary rows that match `filter`.
    pub fn figures(&self, filter: &FigureFilter) -> Result<Vec<Figure>, RegistryError> {
        let mut sql = String::from(
            "SELECT source_id, reporter, partner, flow, trade, level, grp, crossing,
                    first_day, last_day, value_cents, figures
             FROM flow_sum WHERE 1 = 1",
        );
        let mut values: Vec<rusqlite::types::Value> = Vec::new();
        for (column, list) in [
            ("reporter", &filter.reporters),
            ("partner", &filter.partners),
            ("flow", &filter.flows),
            ("trade", &filter.trades),
        ] {
            if !list.is_empty() {
                let marks = vec!["?"; list.len()].join(", ");
                sql.push_str(&format!(" AND {column} IN ({marks})"));
                values.extend(list.iter().cloned().map(rusqlite::types::Value::Text));
            }
        }
        if let Some(day) = filter.until_day {
            sql.push_str(" AND last_day <= ?");
            values.push(rusqlite::types::Value::Integer(day));
        }
        let mut statement = self.conn.prepare(&sql)?;
        let rows = statement.query_map(rusqlite::params_from_iter(values), |row| {
            Ok(Figure {
                source_id: row.get(0)?,
                reporter: row.get(1)?,
                partner: row.get(2)?,
                flow: row.get(3)?,
                trade: row.get(4)?,
                level: row.get(5)?,
                group: row.get(6)?,
                crossing: row.get(7)?,
                first_day: row.get(8)?,
                last_day: row.get(9)?,
                value_cents: i128::from(row.get::<_, i64>(10)?),
                figures: row.get(11)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Checks that the summary equals the figures added up again from scratch: the
    /// registry's one invariant a report depends on. Returns the number of summary rows.
    pub fn check_summary(&self) -> Result<u64, RegistryError> {
        let mismatches: i64 = self.conn.query_row(
            "WITH fresh AS (
                 SELECT source_id, reporter, first_day, last_day, partner, flow, trade,
                        CASE WHEN reference <> '' AND level > 2 THEN 2 ELSE level END AS level,
                        CASE WHEN level = 0 THEN 'TOTAL'
                             WHEN trade = 'goods' THEN substr(commodity, 1, 2)
                             ELSE commodity END AS grp,
                        crossing, SUM(value_cents) AS value_cents, COUNT(*) AS figures
                 FROM flow WHERE breakdown = ''
                 GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10),
             kept AS (
                 SELECT source_id, reporter, first_day, last_day, partner, flow, trade, level,
                        grp, crossing, value_cents, figures FROM flow_sum)
             SELECT (SELECT COUNT(*) FROM (SELECT * FROM fresh EXCEPT SELECT * FROM kept))
                  + (SELECT COUNT(*) FROM (SELECT * FROM kept EXCEPT SELECT * FROM fresh))",
            [],
            |row| row.get(0),
        )?;
        if mismatches != 0 {
            return Err(RegistryError::Corrupt {
                table: "flow_sum",
                row: format!("{mismatches} rows"),
                reason: "the summary differs from the figures it adds up".to_owned(),
            });
        }
        let rows: i64 = self
            .conn
            .query_row("SELECT COUNT(*) FROM flow_sum", [], |row| row.get(0))?;
        Ok(rows.unsigned_abs())
    }

    /// SQLite's `data_version` of this connection: it changes when another connection (a
    /// `corridor trade load` beside a running service) commits to the registry. With a
    /// count of this connection's own writes, it tells a cache whether the registry
    /// changed.
    pub fn data_version(&self) -> Result<i64, RegistryError> {
        Ok(self
            .conn
            .query_row("PRAGMA data_version", [], |row| row.get(0))?)
    }

    pub(crate) fn connection(&self) -> &Connection {
        &self.conn
    }
}

#[cfg(test)]
mod tests;
