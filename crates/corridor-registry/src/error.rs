//! The crate's one error type.

/// Why a registry operation failed. A failed load changes nothing: its transaction is rolled
/// back.
#[derive(Debug, thiserror::Error)]
pub enum RegistryError {
    /// The database refused an operation.
    #[error("registry database: {0}")]
    Sqlite(#[from] rusqlite::Error),
    /// The database refused an operation (either backend, through `corridor_sql`).
    #[error("registry database: {0}")]
    Sql(#[from] corridor_sql::SqlError),
    /// The database was written by a newer version of Corridor.
    #[error("the registry's schema is version {found}, newer than this build knows ({known}); use a newer corridor")]
    NewerSchema {
        /// The version found in the database.
        found: i64,
        /// The newest version this build knows.
        known: i64,
    },
    /// The same figure (same source, reporter, partner, flow, period, commodity, ...) was
    /// loaded before with another value in the same revision.
    #[error(
        "{file} line {line}: this figure was already loaded from {other_file} line {other_line} \
         with value {other_value} cents, not {value} cents; give the newer file a later --revision \
         to replace the period"
    )]
    Conflict {
        /// The file being loaded.
        file: String,
        /// Its line.
        line: u64,
        /// The value in this file, in cents.
        value: i128,
        /// The file the other figure came from.
        other_file: String,
        /// Its line.
        other_line: u64,
        /// The other figure's value, in cents.
        other_value: i128,
    },
    /// A record needs a source and neither it nor the load names one.
    #[error("{file} line {line}: no source for this figure: give the load a source (--source)")]
    NoSource {
        /// The file being loaded.
        file: String,
        /// Its line.
        line: u64,
    },
    /// A source name is used with two different kinds.
    #[error("{file} line {line}: source {name:?} is registered as {registered}, not {given}")]
    SourceKindMismatch {
        /// The file being loaded.
        file: String,
        /// Its line (0 for the load's own source).
        line: u64,
        /// The source's name.
        name: String,
        /// The kind already registered.
        registered: String,
        /// The kind given now.
        given: String,
    },
    /// A value does not fit the registry's 64-bit integer columns.
    #[error("{file} line {line}: {what} {value} is too large to store")]
    TooLarge {
        /// The file being loaded.
        file: String,
        /// Its line.
        line: u64,
        /// Which value.
        what: &'static str,
        /// The value.
        value: i128,
    },
    /// A stored value could not be read back (the database was changed by hand or is damaged).
    #[error("registry database: table {table}, row {row}: {reason}")]
    Corrupt {
        /// The table.
        table: &'static str,
        /// The row's id or key.
        row: String,
        /// What is wrong.
        reason: String,
    },
    /// A target's name is taken, or a target was not found, or its definition is invalid.
    #[error("target {name:?}: {reason}")]
    Target {
        /// The target's name.
        name: String,
        /// What is wrong.
        reason: String,
    },
}
