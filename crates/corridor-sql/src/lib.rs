//! One small SQL interface over the two backends Corridor keeps its service tables in:
//! SQLite (the embedded default, a file in the data directory) and PostgreSQL (a schema of a
//! database several servers share).
//!
//! The service's stores (tokens, parties, submitted obligations, clearing runs) write their
//! statements once, in the portable subset of SQL both engines accept (`INSERT ... ON
//! CONFLICT`, `COALESCE`, `LIMIT`), with numbered parameters `?1`, `?2`, ... which this crate
//! turns into PostgreSQL's `$1`, `$2`, ... Values are [`Value`]s (integers, text, bytes,
//! null): an integer parameter fits whatever integer or boolean type PostgreSQL infers for
//! it, so a statement rarely needs casts to run on both. The one place it does: a parameter
//! that may be NULL and is only tested with `IS NULL` is written `CAST(?1 AS TEXT) IS NULL`,
//! since PostgreSQL cannot infer its type from that test.
//!
//! Schemas change by numbered [`Migration`]s, each written for both engines side by side, so
//! the two backends cannot drift apart: one list per component, applied in order on open,
//! recorded in `corridor_schema_migration`, each in its own transaction (on PostgreSQL under
//! an advisory lock, so two servers starting at once do not both apply it). A database newer
//! than the program is refused.
//!
//! The `postgres` client is synchronous and must not run on an async runtime's worker
//! threads: callers in the service call it from blocking threads.

use std::fmt;
use std::path::PathBuf;

use bytes::BytesMut;
use postgres::types::{IsNull, ToSql, Type};
use postgres::NoTls;

/// What went wrong talking to the database.
#[derive(Debug, thiserror::Error)]
pub enum SqlError {
    /// SQLite failed.
    #[error("SQLite: {0}")]
    Sqlite(#[from] rusqlite::Error),
    /// PostgreSQL failed (or could not be reached).
    #[error("PostgreSQL: {what}: {source}")]
    Postgres {
        /// What was being done.
        what: String,
        /// The driver's error.
        source: postgres::Error,
    },
    /// A value of a type this interface does not carry, or a column read as the wrong type.
    #[error("column {column}: {message}")]
    Type {
        /// The column's position.
        column: usize,
        /// What was expected and found.
        message: String,
    },
    /// The database's schema is newer than this program, or a name is not allowed.
    #[error("{0}")]
    Schema(String),
}

impl SqlError {
    /// Whether a retry may succeed: the connection was lost, or PostgreSQL reported a
    /// serialization failure or deadlock.
    pub fn is_retryable(&self) -> bool {
        match self {
            SqlError::Postgres { source, .. } => {
                source.is_closed()
                    || source.code().is_some_and(|code| {
                        code == &postgres::error::SqlState::T_R_SERIALIZATION_FAILURE
                            || code == &postgres::error::SqlState::T_R_DEADLOCK_DETECTED
                            // Connection exceptions, and the server shutting down or
                            // terminating the session (57P01-57P03).
                            || code.code().starts_with("08")
                            || code.code().starts_with("57P")
                    })
                    || source.code().is_none()
            }
            _ => false,
        }
    }

    /// Whether the connection is gone (closed, terminated by the server, or an I/O error):
    /// the next statement must use a new one.
    pub fn is_connection_lost(&self) -> bool {
        match self {
            SqlError::Postgres { source, .. } => {
                source.is_closed()
                    || source.code().is_none()
                    || source.code().is_some_and(|code| {
                        code.code().starts_with("08") || code.code().starts_with("57P")
                    })
            }
            _ => false,
        }
    }

    /// Whether the statement broke a unique constraint.
    pub fn is_unique_violation(&self) -> bool {
        match self {
            SqlError::Postgres { source, .. } => {
                source.code() == Some(&postgres::error::SqlState::UNIQUE_VIOLATION)
            }
            SqlError::Sqlite(rusqlite::Error::SqliteFailure(error, _)) => {
                error.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_PRIMARYKEY
                    || error.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_UNIQUE
            }
            _ => false,
        }
    }
}

fn pg(what: &str) -> impl FnOnce(postgres::Error) -> SqlError + '_ {
    move |source| SqlError::Postgres {
        what: what.to_owned(),
        source,
    }
}

/// Where a store's tables live.
#[derive(Clone, PartialEq, Eq)]
pub enum Target {
    /// A SQLite file.
    Sqlite(PathBuf),
    /// A schema of a PostgreSQL database.
    Postgres {
        /// The connection string.
        url: String,
        /// The schema (created if needed): 1 to 63 lower-case letters, digits or underscores.
        schema: String,
    },
}

impl fmt::Debug for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Target::Sqlite(path) => write!(f, "SQLite {}", path.display()),
            Target::Postgres { url, schema } => {
                write!(f, "PostgreSQL {} schema {schema}", redact(url))
            }
        }
    }
}

impl fmt::Display for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self, f)
    }
}

/// The connection string without its password, for messages.
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.find('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let credentials = &url[scheme + 3..at];
            match credentials.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..scheme + 3], &url[at..]),
                None => url.to_owned(),
            }
        }
        _ => url.to_owned(),
    }
}

/// Quotes a schema name for SQL, refusing anything but lower-case letters, digits and `_`.
pub fn schema_identifier(name: &str) -> Result<String, SqlError> {
    if name.is_empty()
        || name.len() > 63
        || !name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
    {
        return Err(SqlError::Schema(format!(
            "schema {name:?}: give 1 to 63 lower-case letters, digits or underscores"
        )));
    }
    Ok(format!("\"{name}\""))
}

/// Which engine a statement runs on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dialect {
    /// SQLite.
    Sqlite,
    /// PostgreSQL.
    Postgres,
}

/// A parameter or a column's value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Value {
    /// SQL NULL.
    Null,
    /// An integer (also a boolean, 0 or 1).
    Integer(i64),
    /// Text.
    Text(String),
    /// Bytes.
    Blob(Vec<u8>),
}

impl From<i64> for Value {
    fn from(value: i64) -> Value {
        Value::Integer(value)
    }
}

impl From<bool> for Value {
    fn from(value: bool) -> Value {
        Value::Integer(i64::from(value))
    }
}

impl From<&str> for Value {
    fn from(value: &str) -> Value {
        Value::Text(value.to_owned())
    }
}

impl From<String> for Value {
    fn from(value: String) -> Value {
        Value::Text(value)
    }
}

impl From<&String> for Value {
    fn from(value: &String) -> Value {
        Value::Text(value.clone())
    }
}

impl From<Vec<u8>> for Value {
    fn from(value: Vec<u8>) -> Value {
        Value::Blob(value)
    }
}

impl<T: Into<Value>> From<Option<T>> for Value {
    fn from(value: Option<T>) -> Value {
        value.map_or(Value::Null, Into::into)
    }
}

impl ToSql for Value {
    fn to_sql(
        &self,
        ty: &Type,
        out: &mut BytesMut,
    ) -> Result<IsNull, Box<dyn std::error::Error + Sync + Send>> {
        match self {
            Value::Null => Ok(IsNull::Yes),
            Value::Integer(value) => match *ty {
                Type::INT2 => i16::try_from(*value)?.to_sql(ty, out),
                Type::INT4 => i32::try_from(*value)?.to_sql(ty, out),
                Type::INT8 => value.to_sql(ty, out),
                Type::BOOL => (*value != 0).to_sql(ty, out),
                _ => value.to_string().to_sql(ty, out),
            },
            Value::Text(text) => text.to_sql(ty, out),
            Value::Blob(bytes) => bytes.to_sql(ty, out),
        }
    }

    fn accepts(_: &Type) -> bool {
        true
    }

    postgres::types::to_sql_checked!();
}

/// One row of a query's answer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Row(pub Vec<Value>);

impl Row {
    fn value(&self, column: usize) -> Result<&Value, SqlError> {
        self.0.get(column).ok_or(SqlError::Type {
            column,
            message: format!("the row has {} columns", self.0.len()),
        })
    }

    fn mismatch(column: usize, wanted: &str, found: &Value) -> SqlError {
        SqlError::Type {
            column,
            message: format!("expected {wanted}, found {found:?}"),
        }
    }

    /// The integer in `column`, or `None` for NULL.
    pub fn opt_i64(&self, column: usize) -> Result<Option<i64>, SqlError> {
        match self.value(column)? {
            Value::Null => Ok(None),
            Value::Integer(value) => Ok(Some(*value)),
            other => Err(Row::mismatch(column, "an integer", other)),
        }
    }

    /// The integer in `column`.
    pub fn i64(&self, column: usize) -> Result<i64, SqlError> {
        self.opt_i64(column)?.ok_or(SqlError::Type {
            column,
            message: "expected an integer, found NULL".to_owned(),
        })
    }

    /// The boolean (an integer, 0 is false) in `column`.
    pub fn bool(&self, column: usize) -> Result<bool, SqlError> {
        Ok(self.i64(column)? != 0)
    }

    /// The text in `column`, or `None` for NULL.
    pub fn opt_text(&self, column: usize) -> Result<Option<String>, SqlError> {
        match self.value(column)? {
            Value::Null => Ok(None),
            Value::Text(text) => Ok(Some(text.clone())),
            other => Err(Row::mismatch(column, "text", other)),
        }
    }

    /// The text in `column`.
    pub fn text(&self, column: usize) -> Result<String, SqlError> {
        self.opt_text(column)?.ok_or(SqlError::Type {
            column,
            message: "expected text, found NULL".to_owned(),
        })
    }

    /// The bytes in `column`.
    pub fn blob(&self, column: usize) -> Result<Vec<u8>, SqlError> {
        match self.value(column)? {
            Value::Blob(bytes) => Ok(bytes.clone()),
            other => Err(Row::mismatch(column, "bytes", other)),
        }
    }
}

/// Runs statements: a connection, or a transaction on one.
pub trait Executor {
    /// The engine.
    fn dialect(&self) -> Dialect;
    /// Runs a statement; the number of rows it changed.
    fn execute(&mut self, sql: &str, params: &[Value]) -> Result<u64, SqlError>;
    /// Runs a query; its rows.
    fn query(&mut self, sql: &str, params: &[Value]) -> Result<Vec<Row>, SqlError>;

    /// The first row of a query, if any.
    fn query_opt(&mut self, sql: &str, params: &[Value]) -> Result<Option<Row>, SqlError> {
        Ok(self.query(sql, params)?.into_iter().next())
    }
}

/// `?N` parameters as PostgreSQL's `$N` (outside quoted strings and identifiers).
pub fn to_postgres(sql: &str) -> String {
    let mut out = String::with_capacity(sql.len());
    let mut quote: Option<char> = None;
    for c in sql.chars() {
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None if c == '\'' || c == '"' => quote = Some(c),
            None if c == '?' => {
                out.push('$');
                continue;
            }
            None => {}
        }
        out.push(c);
    }
    out
}

fn sqlite_params(params: &[Value]) -> Vec<rusqlite::types::Value> {
    params
        .iter()
        .map(|value| match value {
            Value::Null => rusqlite::types::Value::Null,
            Value::Integer(v) => rusqlite::types::Value::Integer(*v),
            Value::Text(t) => rusqlite::types::Value::Text(t.clone()),
            Value::Blob(b) => rusqlite::types::Value::Blob(b.clone()),
        })
        .collect()
}

fn sqlite_execute(
    connection: &rusqlite::Connection,
    sql: &str,
    params: &[Value],
) -> Result<u64, SqlError> {
    let mut statement = connection.prepare_cached(sql)?;
    let changed = statement.execute(rusqlite::params_from_iter(sqlite_params(params)))?;
    Ok(u64::try_from(changed).unwrap_or(u64::MAX))
}

fn sqlite_query(
    connection: &rusqlite::Connection,
    sql: &str,
    params: &[Value],
) -> Result<Vec<Row>, SqlError> {
    let mut statement = connection.prepare_cached(sql)?;
    let columns = statement.column_count();
    let mut rows = statement.query(rusqlite::params_from_iter(sqlite_params(params)))?;
    let mut out = Vec::new();
    while let Some(row) = rows.next()? {
        let mut values = Vec::with_capacity(columns);
        for column in 0..columns {
            values.push(match row.get_ref(column)? {
                rusqlite::types::ValueRef::Null => Value::Null,
                rusqlite::types::ValueRef::Integer(v) => Value::Integer(v),
                rusqlite::types::ValueRef::Text(t) => {
                    Value::Text(String::from_utf8_lossy(t).into_owned())
                }
                rusqlite::types::ValueRef::Blob(b) => Value::Blob(b.to_vec()),
                rusqlite::types::ValueRef::Real(r) => {
                    return Err(SqlError::Type {
                        column,
                        message: format!("a floating-point value ({r}) where none is kept"),
                    })
                }
            });
        }
        out.push(Row(values));
    }
    Ok(out)
}

fn pg_params(params: &[Value]) -> Vec<&(dyn ToSql + Sync)> {
    params.iter().map(|v| v as &(dyn ToSql + Sync)).collect()
}

/// The parameters' types as hints for PostgreSQL, which cannot always infer them (a
/// parameter only tested with `IS NULL`, say); a NULL leaves the type to the server (0).
fn pg_types(params: &[Value]) -> Vec<Type> {
    params
        .iter()
        .map(|value| match value {
            Value::Null => Type::new(
                "unspecified".to_owned(),
                0,
                postgres::types::Kind::Simple,
                "pg_catalog".to_owned(),
            ),
            Value::Integer(_) => Type::INT8,
            Value::Text(_) => Type::TEXT,
            Value::Blob(_) => Type::BYTEA,
        })
        .collect()
}

/// The statement for `sql` with these parameters' types, prepared once per connection.
fn cached(
    statements: &mut std::collections::HashMap<(String, Vec<u32>), postgres::Statement>,
    client: &mut postgres::Client,
    sql: &str,
    params: &[Value],
) -> Result<postgres::Statement, SqlError> {
    let types = pg_types(params);
    let key = (
        sql.to_owned(),
        types.iter().map(Type::oid).collect::<Vec<_>>(),
    );
    if let Some(statement) = statements.get(&key) {
        return Ok(statement.clone());
    }
    let statement = client
        .prepare_typed(&to_postgres(sql), &types)
        .map_err(pg("prepare a statement"))?;
    statements.insert(key, statement.clone());
    Ok(statement)
}

fn pg_execute(
    client: &mut impl postgres::GenericClient,
    sql: &str,
    params: &[Value],
) -> Result<u64, SqlError> {
    let statement = client
        .prepare_typed(&to_postgres(sql), &pg_types(params))
        .map_err(pg("prepare a statement"))?;
    client
        .execute(&statement, &pg_params(params))
        .map_err(pg("run a statement"))
}

fn pg_query(
    client: &mut impl postgres::GenericClient,
    sql: &str,
    params: &[Value],
) -> Result<Vec<Row>, SqlError> {
    let statement = client
        .prepare_typed(&to_postgres(sql), &pg_types(params))
        .map_err(pg("prepare a query"))?;
    let rows = client
        .query(&statement, &pg_params(params))
        .map_err(pg("run a query"))?;
    pg_rows(rows)
}

fn pg_rows(rows: Vec<postgres::Row>) -> Result<Vec<Row>, SqlError> {
    let mut out = Vec::with_capacity(rows.len());
    for row in rows {
        let mut values = Vec::with_capacity(row.len());
        for (column, info) in row.columns().iter().enumerate() {
            let error = |e: postgres::Error| SqlError::Type {
                column,
                message: e.to_string(),
            };
            let value = match *info.type_() {
                Type::INT2 => row
                    .try_get::<_, Option<i16>>(column)
                    .map_err(error)?
                    .map(|v| Value::Integer(i64::from(v))),
                Type::INT4 => row
                    .try_get::<_, Option<i32>>(column)
                    .map_err(error)?
                    .map(|v| Value::Integer(i64::from(v))),
                Type::INT8 => row
                    .try_get::<_, Option<i64>>(column)
                    .map_err(error)?
                    .map(Value::Integer),
                Type::BOOL => row
                    .try_get::<_, Option<bool>>(column)
                    .map_err(error)?
                    .map(Value::from),
                Type::BYTEA => row
                    .try_get::<_, Option<Vec<u8>>>(column)
                    .map_err(error)?
                    .map(Value::Blob),
                Type::VOID => None,
                _ => row
                    .try_get::<_, Option<String>>(column)
                    .map_err(error)?
                    .map(Value::Text),
            };
            values.push(value.unwrap_or(Value::Null));
        }
        out.push(Row(values));
    }
    Ok(out)
}

impl Executor for rusqlite::Transaction<'_> {
    fn dialect(&self) -> Dialect {
        Dialect::Sqlite
    }
    fn execute(&mut self, sql: &str, params: &[Value]) -> Result<u64, SqlError> {
        sqlite_execute(self, sql, params)
    }
    fn query(&mut self, sql: &str, params: &[Value]) -> Result<Vec<Row>, SqlError> {
        sqlite_query(self, sql, params)
    }
}

/// A SQLite connection the caller owns (for code with engine-specific fast paths beside
/// the portable statements).
impl Executor for &rusqlite::Connection {
    fn dialect(&self) -> Dialect {
        Dialect::Sqlite
    }
    fn execute(&mut self, sql: &str, params: &[Value]) -> Result<u64, SqlError> {
        sqlite_execute(self, sql, params)
    }
    fn query(&mut self, sql: &str, params: &[Value]) -> Result<Vec<Row>, SqlError> {
        sqlite_query(self, sql, params)
    }
}

impl Executor for postgres::Transaction<'_> {
    fn dialect(&self) -> Dialect {
        Dialect::Postgres
    }
    fn execute(&mut self, sql: &str, params: &[Value]) -> Result<u64, SqlError> {
        pg_execute(self, sql, params)
    }
    fn query(&mut self, sql: &str, params: &[Value]) -> Result<Vec<Row>, SqlError> {
        pg_query(self, sql, params)
    }
}

/// An open database: a SQLite connection or a PostgreSQL client set to its schema.
pub struct Database {
    connection: Connection,
    target: Target,
    name: String,
    /// Inside [`Database::begin`]: never reconnect.
    in_transaction: bool,
    /// A statement found the connection gone: the next one reconnects (the client may not
    /// have noticed the close yet).
    broken: bool,
    /// PostgreSQL statements prepared on this connection, by text and parameter types.
    statements: std::collections::HashMap<(String, Vec<u32>), postgres::Statement>,
}

enum Connection {
    Sqlite(rusqlite::Connection),
    Postgres(postgres::Client),
    /// Only while being dropped.
    Closed,
}

impl Drop for Database {
    /// The synchronous `postgres` client closes its connection by blocking on a runtime of
    /// its own, which panics on a thread that drives an async runtime (where the service's
    /// state is dropped at shutdown). So it is closed on a thread of its own.
    fn drop(&mut self) {
        if let Connection::Postgres(_) = self.connection {
            let connection = std::mem::replace(&mut self.connection, Connection::Closed);
            if let Ok(thread) = std::thread::Builder::new()
                .name("corridor-sql-close".to_owned())
                .spawn(move || drop(connection))
            {
                let _ = thread.join();
            }
        }
    }
}

fn closed() -> SqlError {
    SqlError::Schema("the database connection is closed".to_owned())
}

impl fmt::Debug for Database {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Database")
            .field("target", &self.target)
            .finish()
    }
}

impl Database {
    /// Opens the database (creating the SQLite file or the PostgreSQL schema if needed).
    /// `name` tells an operator which connection is which (PostgreSQL's
    /// `application_name`).
    pub fn open(target: &Target, name: &str) -> Result<Database, SqlError> {
        Ok(Database {
            connection: Database::connect(target, name)?,
            target: target.clone(),
            name: name.to_owned(),
            in_transaction: false,
            broken: false,
            statements: std::collections::HashMap::new(),
        })
    }

    fn connect(target: &Target, name: &str) -> Result<Connection, SqlError> {
        Ok(match target {
            Target::Sqlite(path) => {
                let connection = rusqlite::Connection::open(path)?;
                connection.busy_timeout(std::time::Duration::from_secs(10))?;
                connection.execute_batch("PRAGMA journal_mode = WAL;")?;
                Connection::Sqlite(connection)
            }
            Target::Postgres { url, schema } => {
                let quoted = schema_identifier(schema)?;
                let what = format!("connect to {}", redact(url));
                let mut config: postgres::Config = url.parse().map_err(pg(&what))?;
                let name: String = format!("corridor {name} {schema}")
                    .chars()
                    .take(63)
                    .collect();
                config.application_name(&name);
                config.connect_timeout(std::time::Duration::from_secs(10));
                let mut client = config.connect(NoTls).map_err(pg(&what))?;
                // Two servers starting at once may both create the schema: the lock
                // makes the second wait and then find it.
                let mut transaction = client.transaction().map_err(pg("begin"))?;
                transaction
                    .batch_execute(&format!(
                        "SELECT pg_advisory_xact_lock(hashtext('corridor/schema/' || '{schema}'));
                         CREATE SCHEMA IF NOT EXISTS {quoted};"
                    ))
                    .map_err(pg("create the schema"))?;
                transaction.commit().map_err(pg("create the schema"))?;
                client
                    .batch_execute(&format!("SET search_path TO {quoted}"))
                    .map_err(pg("choose the schema"))?;
                Connection::Postgres(client)
            }
        })
    }

    /// Connects again when PostgreSQL closed the connection (a restart, a cut connection):
    /// the statement that found it closed failed with a retryable error; the next one runs
    /// on a new connection.
    fn reconnect_if_closed(&mut self) -> Result<(), SqlError> {
        if let Connection::Postgres(client) = &self.connection {
            if self.broken || client.is_closed() {
                if self.in_transaction {
                    return Err(SqlError::Schema(
                        "the database connection was lost inside a transaction, which the \
                         server rolled back"
                            .to_owned(),
                    ));
                }
                self.statements.clear();
                self.connection = Database::connect(&self.target, &self.name)?;
                self.broken = false;
            }
        }
        Ok(())
    }

    /// Where the database is.
    pub fn target(&self) -> &Target {
        &self.target
    }

    /// Runs `f` in one transaction: committed when it returns `Ok`, rolled back otherwise.
    pub fn transaction<T, E>(
        &mut self,
        f: impl FnOnce(&mut dyn Executor) -> Result<T, E>,
    ) -> Result<T, E>
    where
        E: From<SqlError>,
    {
        self.reconnect_if_closed()?;
        match &mut self.connection {
            Connection::Sqlite(connection) => {
                let mut transaction = connection
                    .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
                    .map_err(SqlError::from)?;
                let value = f(&mut transaction)?;
                transaction.commit().map_err(SqlError::from)?;
                Ok(value)
            }
            Connection::Postgres(client) => {
                let mut transaction = client.transaction().map_err(pg("begin"))?;
                let value = f(&mut transaction)?;
                transaction.commit().map_err(pg("commit"))?;
                Ok(value)
            }
            Connection::Closed => Err(closed().into()),
        }
    }

    /// Brings `component`'s tables up to its newest migration, in one transaction (see
    /// [`migrate_in`]).
    pub fn migrate(&mut self, component: &str, migrations: &[Migration]) -> Result<(), SqlError> {
        self.transaction(|tx| migrate_in(tx, component, migrations))
    }

    /// Runs statements without parameters, separated by `;` (`BEGIN`, `SET ...`).
    pub fn batch(&mut self, sql: &str) -> Result<(), SqlError> {
        let result = match &mut self.connection {
            Connection::Sqlite(connection) => connection.execute_batch(sql).map_err(SqlError::from),
            Connection::Postgres(client) => client.batch_execute(sql).map_err(pg("run")),
            Connection::Closed => Err(closed()),
        };
        self.note(result)
    }

    /// Starts a transaction that [`Database::commit`] or [`Database::rollback`] ends: for a
    /// caller that streams rows into one transaction across calls. While it is open, a lost
    /// connection is an error, never silently replaced (the rows before would be lost).
    pub fn begin(&mut self) -> Result<(), SqlError> {
        self.reconnect_if_closed()?;
        let sql = match self.connection {
            Connection::Sqlite(_) => "BEGIN IMMEDIATE",
            _ => "BEGIN",
        };
        self.batch(sql)?;
        self.in_transaction = true;
        Ok(())
    }

    /// Commits the transaction [`Database::begin`] started.
    pub fn commit(&mut self) -> Result<(), SqlError> {
        self.in_transaction = false;
        self.batch("COMMIT")
    }

    /// Rolls back the transaction [`Database::begin`] started.
    pub fn rollback(&mut self) -> Result<(), SqlError> {
        self.in_transaction = false;
        if let Connection::Postgres(client) = &self.connection {
            if client.is_closed() {
                // The server rolled it back when the connection went.
                return Ok(());
            }
        }
        self.batch("ROLLBACK")
    }

    /// The tables of the current schema and their columns, sorted: to compare the two
    /// backends' schemas.
    pub fn columns(&mut self) -> Result<Vec<(String, String)>, SqlError> {
        self.reconnect_if_closed()?;
        let mut columns = Vec::new();
        match &mut self.connection {
            Connection::Sqlite(connection) => {
                let tables = sqlite_query(
                    connection,
                    "SELECT name FROM sqlite_master WHERE type = 'table'
                     AND name NOT LIKE 'sqlite_%'",
                    &[],
                )?;
                for table in tables {
                    let table = table.text(0)?;
                    let info = sqlite_query(
                        connection,
                        "SELECT name FROM pragma_table_info(?1)",
                        &[Value::Text(table.clone())],
                    )?;
                    for column in info {
                        columns.push((table.clone(), column.text(0)?));
                    }
                }
            }
            Connection::Postgres(client) => {
                let rows = client
                    .query(
                        "SELECT table_name::text, column_name::text FROM information_schema.columns
                         WHERE table_schema = current_schema()",
                        &[],
                    )
                    .map_err(pg("read the schema"))?;
                for row in rows {
                    columns.push((row.get(0), row.get(1)));
                }
            }
            Connection::Closed => return Err(closed()),
        }
        columns.sort();
        Ok(columns)
    }
}

impl Executor for Database {
    fn dialect(&self) -> Dialect {
        match self.connection {
            Connection::Sqlite(_) => Dialect::Sqlite,
            Connection::Postgres(_) | Connection::Closed => Dialect::Postgres,
        }
    }

    fn execute(&mut self, sql: &str, params: &[Value]) -> Result<u64, SqlError> {
        self.reconnect_if_closed()?;
        let result = self.execute_here(sql, params);
        self.note(result)
    }

    fn query(&mut self, sql: &str, params: &[Value]) -> Result<Vec<Row>, SqlError> {
        self.reconnect_if_closed()?;
        let result = self.query_here(sql, params);
        self.note(result)
    }
}

impl Database {
    /// Marks the connection broken when `result` says it is gone.
    fn note<T>(&mut self, result: Result<T, SqlError>) -> Result<T, SqlError> {
        if let Err(error) = &result {
            if error.is_connection_lost() {
                self.broken = true;
            }
        }
        result
    }

    fn execute_here(&mut self, sql: &str, params: &[Value]) -> Result<u64, SqlError> {
        match &mut self.connection {
            Connection::Sqlite(connection) => sqlite_execute(connection, sql, params),
            Connection::Postgres(client) => {
                let statement = cached(&mut self.statements, client, sql, params)?;
                client
                    .execute(&statement, &pg_params(params))
                    .map_err(pg("run a statement"))
            }
            Connection::Closed => Err(closed()),
        }
    }

    fn query_here(&mut self, sql: &str, params: &[Value]) -> Result<Vec<Row>, SqlError> {
        match &mut self.connection {
            Connection::Sqlite(connection) => sqlite_query(connection, sql, params),
            Connection::Postgres(client) => {
                let statement = cached(&mut self.statements, client, sql, params)?;
                let rows = client
                    .query(&statement, &pg_params(params))
                    .map_err(pg("run a query"))?;
                pg_rows(rows)
            }
            Connection::Closed => Err(closed()),
        }
    }
}

/// The statements of a migration: `--` comments dropped, split at `;`.
fn statements(sql: &str) -> impl Iterator<Item = String> + '_ {
    let text: String = sql
        .lines()
        .map(|line| line.split_once("--").map_or(line, |(code, _)| code))
        .collect::<Vec<_>>()
        .join("\n");
    text.split(';')
        .map(|s| s.trim().to_owned())
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .into_iter()
}

/// Brings `component`'s tables up to its newest migration inside the caller's transaction:
/// every migration not yet recorded in `corridor_schema_migration` runs, in order, and is
/// recorded. A database that records a newer migration than `migrations` knows is refused.
/// On PostgreSQL an advisory lock keeps two servers starting at once from both migrating.
pub fn migrate_in(
    tx: &mut dyn Executor,
    component: &str,
    migrations: &[Migration],
) -> Result<(), SqlError> {
    for (index, migration) in migrations.iter().enumerate() {
        if usize::try_from(migration.version).ok() != Some(index + 1) {
            return Err(SqlError::Schema(format!(
                "{component}: migrations must be numbered 1, 2, 3, ... without gaps"
            )));
        }
    }
    let component_value = Value::Text(component.to_owned());
    if tx.dialect() == Dialect::Postgres {
        tx.execute(
            "SELECT pg_advisory_xact_lock(hashtext('corridor/migration/' || ?1))",
            std::slice::from_ref(&component_value),
        )?;
    }
    tx.execute(
        "CREATE TABLE IF NOT EXISTS corridor_schema_migration (
            component TEXT NOT NULL,
            version BIGINT NOT NULL,
            name TEXT NOT NULL,
            PRIMARY KEY (component, version)
        )",
        &[],
    )?;
    let current = tx
        .query_opt(
            "SELECT COALESCE(MAX(version), 0) FROM corridor_schema_migration
             WHERE component = ?1",
            std::slice::from_ref(&component_value),
        )?
        .map_or(Ok(0), |row| row.i64(0))?;
    let newest = migrations.last().map_or(0, |m| m.version);
    if current > newest {
        return Err(SqlError::Schema(format!(
            "the {component} tables are at version {current}, newer than this program's \
             {newest}: run a newer corridor"
        )));
    }
    for migration in migrations.iter().filter(|m| m.version > current) {
        let sql = match tx.dialect() {
            Dialect::Sqlite => migration.sqlite,
            Dialect::Postgres => migration.postgres,
        };
        for statement in statements(sql) {
            tx.execute(&statement, &[])?;
        }
        tx.execute(
            "INSERT INTO corridor_schema_migration (component, version, name)
             VALUES (?1, ?2, ?3)",
            &[
                component_value.clone(),
                Value::Integer(migration.version),
                Value::Text(migration.name.to_owned()),
            ],
        )?;
    }
    Ok(())
}

/// Migrates tables kept on a SQLite connection the caller owns (see [`migrate_in`]).
pub fn migrate_sqlite(
    connection: &mut rusqlite::Connection,
    component: &str,
    migrations: &[Migration],
) -> Result<(), SqlError> {
    let mut transaction =
        connection.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
    migrate_in(&mut transaction, component, migrations)?;
    transaction.commit()?;
    Ok(())
}

/// One step of a component's schema, written for both engines. Never edited once released:
/// a change is a new migration with the next number.
#[derive(Clone, Copy, Debug)]
pub struct Migration {
    /// 1, 2, 3, ... in order.
    pub version: i64,
    /// What it does, in a few words.
    pub name: &'static str,
    /// The statements for SQLite, separated by `;`.
    pub sqlite: &'static str,
    /// The same change for PostgreSQL.
    pub postgres: &'static str,
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn parameters_become_dollar_numbers_outside_quotes() {
        assert_eq!(
            to_postgres("SELECT ?1, '?', \"a?\" FROM t WHERE x = ?12"),
            "SELECT $1, '?', \"a?\" FROM t WHERE x = $12"
        );
    }

    #[test]
    fn schema_names_are_checked() {
        assert!(schema_identifier("corridor_1").is_ok());
        assert!(schema_identifier("Corridor").is_err());
        assert!(schema_identifier("a;drop").is_err());
        assert!(schema_identifier("").is_err());
    }

    #[test]
    fn passwords_are_redacted() {
        assert_eq!(
            redact("postgres://u:secret@h/db"),
            "postgres://u:***@h/db".to_owned()
        );
    }
}

#[cfg(feature = "testing")]
pub mod testing;
