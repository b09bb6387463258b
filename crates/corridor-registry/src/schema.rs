//! The registry's tables, as numbered migrations applied in order on open.

use rusqlite::Connection;

use crate::RegistryError;

/// One step of the schema's history. A migration is never edited once released: a change is a
/// new migration with the next number.
struct Migration {
    version: i64,
    name: &'static str,
    sql: &'static str,
}

/// Every migration, oldest first.
const MIGRATIONS: &[Migration] = &[
    Migration {
        version: 1,
        name: "trade registry",
        sql: r"
CREATE TABLE source (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL,
    url TEXT
);

CREATE TABLE load (
    id INTEGER PRIMARY KEY,
    file TEXT NOT NULL,
    format TEXT NOT NULL,
    digest TEXT NOT NULL,
    revision TEXT NOT NULL,
    loaded_at TEXT NOT NULL,
    rows_read INTEGER NOT NULL DEFAULT 0,
    rows_loaded INTEGER NOT NULL DEFAULT 0,
    rows_duplicate INTEGER NOT NULL DEFAULT 0,
    rows_superseded INTEGER NOT NULL DEFAULT 0,
    rows_replaced INTEGER NOT NULL DEFAULT 0,
    rows_rejected INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX load_digest ON load (digest);

-- The revision each source holds for a reporter's period: a newer one replaces the period.
CREATE TABLE revision (
    source_id INTEGER NOT NULL REFERENCES source (id),
    reporter TEXT NOT NULL,
    first_day INTEGER NOT NULL,
    last_day INTEGER NOT NULL,
    revision TEXT NOT NULL,
    load_id INTEGER NOT NULL REFERENCES load (id),
    PRIMARY KEY (source_id, reporter, first_day, last_day)
) WITHOUT ROWID;

-- One row per figure as loaded. Days count from 1970-01-01 (Gregorian); values are US cents.
CREATE TABLE flow (
    load_id INTEGER NOT NULL REFERENCES load (id),
    line INTEGER NOT NULL,
    source_id INTEGER NOT NULL REFERENCES source (id),
    reporter TEXT NOT NULL,
    partner TEXT NOT NULL,
    flow TEXT NOT NULL,
    trade TEXT NOT NULL,
    commodity TEXT NOT NULL,
    level INTEGER NOT NULL,
    classification TEXT NOT NULL,
    calendar TEXT NOT NULL,
    period TEXT NOT NULL,
    first_day INTEGER NOT NULL,
    last_day INTEGER NOT NULL,
    value_cents INTEGER NOT NULL,
    original_minor INTEGER,
    original_currency TEXT,
    net_weight_kg INTEGER,
    quantity_milli INTEGER,
    quantity_unit TEXT,
    crossing TEXT NOT NULL,
    transport TEXT NOT NULL,
    breakdown TEXT NOT NULL,
    reference TEXT NOT NULL,
    url TEXT,
    published TEXT,
    note TEXT,
    -- A figure's identity within its source: a duplicated row is the same figure.
    PRIMARY KEY (
        source_id, reporter, first_day, last_day, partner, flow, trade, commodity,
        breakdown, reference, crossing, transport
    )
) WITHOUT ROWID;

-- Whole figures added up by what reports group on (chapter, EBOPS code, partner,
-- crossing), kept in step with `flow` by every load. Reports read this, not `flow`.
CREATE TABLE flow_sum (
    source_id INTEGER NOT NULL,
    reporter TEXT NOT NULL,
    first_day INTEGER NOT NULL,
    last_day INTEGER NOT NULL,
    partner TEXT NOT NULL,
    flow TEXT NOT NULL,
    trade TEXT NOT NULL,
    level INTEGER NOT NULL,
    grp TEXT NOT NULL,
    crossing TEXT NOT NULL,
    value_cents INTEGER NOT NULL,
    figures INTEGER NOT NULL,
    PRIMARY KEY (
        source_id, reporter, first_day, last_day, partner, flow, trade, level, grp, crossing
    )
) WITHOUT ROWID;

CREATE TABLE target (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    reporter TEXT NOT NULL,
    partner TEXT NOT NULL,
    flow TEXT NOT NULL,
    trade TEXT NOT NULL,
    calendar TEXT NOT NULL,
    period TEXT NOT NULL,
    first_day INTEGER NOT NULL,
    last_day INTEGER NOT NULL,
    amount_cents INTEGER NOT NULL,
    note TEXT
);
",
    },
    Migration {
        version: 2,
        name: "summary keyed by reporter first",
        // Every report reads one reporter's rows; with the source first in the key, that
        // was a scan of the whole summary.
        sql: r"
CREATE TABLE flow_sum_by_reporter (
    source_id INTEGER NOT NULL,
    reporter TEXT NOT NULL,
    first_day INTEGER NOT NULL,
    last_day INTEGER NOT NULL,
    partner TEXT NOT NULL,
    flow TEXT NOT NULL,
    trade TEXT NOT NULL,
    level INTEGER NOT NULL,
    grp TEXT NOT NULL,
    crossing TEXT NOT NULL,
    value_cents INTEGER NOT NULL,
    figures INTEGER NOT NULL,
    PRIMARY KEY (
        reporter, source_id, first_day, last_day, partner, flow, trade, level, grp, crossing
    )
) WITHOUT ROWID;
INSERT INTO flow_sum_by_reporter
    SELECT source_id, reporter, first_day, last_day, partner, flow, trade, level, grp,
           crossing, value_cents, figures
    FROM flow_sum;
DROP TABLE flow_sum;
ALTER TABLE flow_sum_by_reporter RENAME TO flow_sum;
",
    },
];

/// The newest schema version this build knows.
pub(crate) const SCHEMA_VERSION: i64 = 2;

/// Brings the database up to [`SCHEMA_VERSION`], each migration in its own transaction.
/// Refuses a database written by a newer build.
pub(crate) fn migrate(conn: &mut Connection) -> Result<(), RegistryError> {
    conn.execute_batch(
        "CREATE TABLE IF NOT EXISTS schema_migration (
             version INTEGER PRIMARY KEY,
             name TEXT NOT NULL
         )",
    )?;
    let current: i64 = conn.query_row(
        "SELECT COALESCE(MAX(version), 0) FROM schema_migration",
        [],
        |row| row.get(0),
    )?;
    if current > SCHEMA_VERSION {
        return Err(RegistryError::NewerSchema {
            found: current,
            known: SCHEMA_VERSION,
        });
    }
    for migration in MIGRATIONS.iter().filter(|m| m.version > current) {
        let tx = conn.transaction()?;
        tx.execute_batch(migration.sql)?;
        tx.execute(
            "INSERT INTO schema_migration (version, name) VALUES (?1, ?2)",
            (migration.version, migration.name),
        )?;
        tx.commit()?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_version_1_registry_keeps_its_summary_through_the_upgrade() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("registry.sqlite");
        {
            let conn = Connection::open(&path).unwrap();
            conn.execute_batch(MIGRATIONS[0].sql).unwrap();
            conn.execute_batch(
                "CREATE TABLE schema_migration (version INTEGER PRIMARY KEY, name TEXT NOT NULL);
                 INSERT INTO schema_migration VALUES (1, 'trade registry');
                 INSERT INTO flow_sum VALUES (1, 'IRN', 100, 130, 'IRQ', 'X', 'goods', 2, '07', '', 12345, 3);",
            )
            .unwrap();
        }
        let registry = crate::Registry::open(&path).unwrap();
        let figures = registry.figures(&crate::FigureFilter::default()).unwrap();
        assert_eq!(figures.len(), 1);
        assert_eq!(
            (
                figures[0].reporter.as_str(),
                figures[0].value_cents,
                figures[0].figures
            ),
            ("IRN", 12_345, 3)
        );
        let version: i64 = registry
            .connection()
            .query_row("SELECT MAX(version) FROM schema_migration", [], |row| {
                row.get(0)
            })
            .unwrap();
        assert_eq!(version, SCHEMA_VERSION);
    }

    #[test]
    fn migrations_are_numbered_in_order_up_to_the_schema_version() {
        for (index, migration) in MIGRATIONS.iter().enumerate() {
            assert_eq!(migration.version, index as i64 + 1, "{}", migration.name);
        }
        assert_eq!(MIGRATIONS.last().map(|m| m.version), Some(SCHEMA_VERSION));
    }
}
