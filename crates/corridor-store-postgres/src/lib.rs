//! The ledger on PostgreSQL.
//!
//! The state machine stays in Corridor (`corridor_store::StateMachineStore`): it decides
//! every batch in memory, exactly as with the embedded store, and PostgreSQL keeps what it
//! decided, as a log of batches. One batch is one row of `corridor_batch` (its number, its
//! timestamp, its accounts or transfers as the 128-byte records of `corridor_store::codec`),
//! written by one `INSERT` that commits durably before the batch's results are returned. A
//! reopen replays the log through the same state machine, which checks that every record
//! comes out identical.
//!
//! Why not a row per account and per transfer, updated by each transfer: every transfer
//! that debits a restricted pool would take the pool's row lock, and 16 clients collapse to a
//! few hundred transfers a second on that one row. Here a batch of up to 8,189 transfers is
//! one row and one commit, whatever accounts it touches.
//!
//! One process at a time is the ledger's sequencer: opening takes a session-level advisory
//! lock on the ledger (the schema's name), held until the store's session ends, and a
//! second opener gets [`StoreError`] saying another process holds it ([`open`] first waits
//! two seconds for a session that is ending; [`try_open`] does not wait). Every row is
//! written under that lock, with the batch number it expects (a primary key), so two
//! writers can never interleave. The log is append-only: rows are never updated or deleted.
//!
//! Schema changes are versioned in `corridor_migration`; this version creates version 1.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use corridor_ledger::{Account, Ledger, Transfer, TransferSeq};
use corridor_store::codec::{self, RECORD_BYTES};
use corridor_store::{Persistence, StateMachineStore, StoreError};
use postgres::{Client, NoTls};

/// The schema migrations, in order; `corridor_migration` records which were applied.
const MIGRATIONS: &[(i32, &str)] = &[
    (
        1,
        "CREATE TABLE corridor_batch (
            number bigint PRIMARY KEY,
            kind smallint NOT NULL CHECK (kind IN (1, 2)),
            timestamp bigint NOT NULL,
            seq_first bigint,
            records bytea NOT NULL CHECK (octet_length(records) % 128 = 0)
        )",
    ),
    (
        2,
        "CREATE TABLE corridor_sequencer (
            one smallint PRIMARY KEY CHECK (one = 1),
            address text NOT NULL,
            since timestamptz NOT NULL DEFAULT now()
        )",
    ),
];

/// A short-lived connection to the ledger's schema.
fn connect_schema(config: &PostgresConfig) -> Result<Client, StoreError> {
    let schema = identifier(&config.schema)?;
    let mut client = Client::connect(&config.url, NoTls).map_err(|e| {
        db(
            &format!(
                "connect to PostgreSQL ({})",
                corridor_sql::redact(&config.url)
            ),
            e,
        )
    })?;
    client
        .batch_execute(&format!("SET search_path TO {schema}"))
        .map_err(|e| db("choose the ledger's schema", e))?;
    Ok(client)
}

/// Records `address` as where the ledger's sequencer answers, for the other servers to
/// forward to. Call it while holding the ledger (after [`open`]).
pub fn advertise(config: &PostgresConfig, address: &str) -> Result<(), StoreError> {
    connect_schema(config)?
        .execute(
            "INSERT INTO corridor_sequencer (one, address) VALUES (1, $1)
             ON CONFLICT (one) DO UPDATE SET address = $1, since = now()",
            &[&address],
        )
        .map_err(|e| db("record the sequencer's address", e))?;
    Ok(())
}

/// Where the ledger's sequencer last said it answers, if any has.
pub fn sequencer_address(config: &PostgresConfig) -> Result<Option<String>, StoreError> {
    let mut client = connect_schema(config)?;
    match client.query_opt("SELECT address FROM corridor_sequencer WHERE one = 1", &[]) {
        Ok(row) => Ok(row.map(|row| row.get(0))),
        // Before the first sequencer made the table, there is none.
        Err(error) if error.code() == Some(&postgres::error::SqlState::UNDEFINED_TABLE) => Ok(None),
        Err(error) => Err(db("read the sequencer's address", error)),
    }
}

const KIND_ACCOUNTS: i16 = 1;
const KIND_TRANSFERS: i16 = 2;

/// How to open a PostgreSQL store.
#[derive(Clone, Debug)]
pub struct PostgresConfig {
    /// A connection string: `postgres://user@host:port/database` or `host=... user=...`.
    pub url: String,
    /// The schema the ledger lives in (created if needed); several ledgers may share a
    /// database in different schemas.
    pub schema: String,
}

impl PostgresConfig {
    /// The ledger in schema `corridor` of the database at `url`.
    pub fn new(url: impl Into<String>) -> PostgresConfig {
        PostgresConfig {
            url: url.into(),
            schema: "corridor".to_owned(),
        }
    }
}

fn db(what: &str, error: postgres::Error) -> StoreError {
    StoreError::io(what, std::io::Error::other(error))
}

/// Where each batch of transfers starts, to find a transfer's body by its position.
#[derive(Clone, Copy, Debug)]
struct BatchIndex {
    seq_first: TransferSeq,
    count: u64,
    number: i64,
}

/// PostgreSQL as the log of decided batches.
pub struct PostgresPersistence {
    client: Client,
    /// The next batch's number.
    next: i64,
    /// The batches of transfers, by position.
    batches: Vec<BatchIndex>,
}

impl std::fmt::Debug for PostgresPersistence {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PostgresPersistence")
            .field("next", &self.next)
            .field("batches", &self.batches.len())
            .finish()
    }
}

fn encode<T>(items: &[T], encode: fn(&T, &mut [u8; RECORD_BYTES])) -> Vec<u8> {
    let mut bytes = vec![0_u8; items.len() * RECORD_BYTES];
    for (item, chunk) in items.iter().zip(bytes.chunks_exact_mut(RECORD_BYTES)) {
        let mut record = [0_u8; RECORD_BYTES];
        encode(item, &mut record);
        chunk.copy_from_slice(&record);
    }
    bytes
}

/// The timestamp's bits as PostgreSQL's bigint (and back): nanoseconds since 1970 stay
/// positive until 2262.
fn signed(value: u64) -> i64 {
    i64::from_ne_bytes(value.to_ne_bytes())
}

fn unsigned(value: i64) -> u64 {
    u64::from_ne_bytes(value.to_ne_bytes())
}

impl PostgresPersistence {
    fn insert(
        &mut self,
        kind: i16,
        timestamp: u64,
        seq_first: Option<TransferSeq>,
        records: &[u8],
    ) -> Result<(), StoreError> {
        let seq = seq_first.map(signed);
        self.client
            .execute(
                "INSERT INTO corridor_batch (number, kind, timestamp, seq_first, records)
                 VALUES ($1, $2, $3, $4, $5)",
                &[&self.next, &kind, &signed(timestamp), &seq, &records],
            )
            .map_err(|e| db("write a batch to PostgreSQL", e))?;
        self.next += 1;
        Ok(())
    }
}

impl Persistence for PostgresPersistence {
    fn read_transfers(
        &mut self,
        seqs: &[TransferSeq],
    ) -> Result<BTreeMap<TransferSeq, Transfer>, StoreError> {
        let mut wanted: BTreeMap<i64, Vec<(TransferSeq, usize)>> = BTreeMap::new();
        for &seq in seqs {
            let at = self.batches.partition_point(|b| b.seq_first <= seq);
            let batch = at
                .checked_sub(1)
                .map(|i| self.batches[i])
                .filter(|b| seq < b.seq_first + b.count)
                .ok_or_else(|| {
                    StoreError::Corrupt(format!("no journaled batch holds transfer {seq}"))
                })?;
            let index = usize::try_from(seq - batch.seq_first)
                .map_err(|_| StoreError::Corrupt(format!("transfer {seq} is out of range")))?;
            wanted.entry(batch.number).or_default().push((seq, index));
        }
        let mut found = BTreeMap::new();
        if wanted.is_empty() {
            return Ok(found);
        }
        let numbers: Vec<i64> = wanted.keys().copied().collect();
        let rows = self
            .client
            .query(
                "SELECT number, records FROM corridor_batch WHERE number = ANY($1)",
                &[&numbers],
            )
            .map_err(|e| db("read transfers from PostgreSQL", e))?;
        for row in rows {
            let number: i64 = row.get(0);
            let records: &[u8] = row.get(1);
            for &(seq, index) in wanted.get(&number).map(Vec::as_slice).unwrap_or(&[]) {
                let bytes = records
                    .get(index * RECORD_BYTES..(index + 1) * RECORD_BYTES)
                    .ok_or_else(|| {
                        StoreError::Corrupt(format!("batch {number} is missing transfer {seq}"))
                    })?;
                found.insert(seq, codec::decode_transfer(codec::record(bytes)));
            }
        }
        Ok(found)
    }

    fn persist_accounts(&mut self, timestamp: u64, created: &[Account]) -> Result<(), StoreError> {
        let records = encode(created, codec::encode_account);
        self.insert(KIND_ACCOUNTS, timestamp, None, &records)
    }

    fn persist_transfers(
        &mut self,
        timestamp: u64,
        seq_first: TransferSeq,
        created: &[Transfer],
    ) -> Result<(), StoreError> {
        let records = encode(created, codec::encode_transfer);
        self.insert(KIND_TRANSFERS, timestamp, Some(seq_first), &records)?;
        if !created.is_empty() {
            self.batches.push(BatchIndex {
                seq_first,
                count: created.len() as u64,
                number: self.next - 1,
            });
        }
        Ok(())
    }
}

/// The ledger on PostgreSQL.
pub type PostgresStore = StateMachineStore<PostgresPersistence>;

/// What opening found.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct OpenReport {
    /// Batches replayed.
    pub batches: u64,
    /// Accounts and transfers in them.
    pub events: u64,
}

/// Quotes a schema name for SQL (the same rule as the service's tables).
fn identifier(name: &str) -> Result<String, StoreError> {
    corridor_sql::schema_identifier(name).map_err(|e| StoreError::InvalidRequest(e.to_string()))
}

/// How long [`open`] waits for the ledger's lock while another session holds it. A process
/// that has just closed the ledger (or exited) still holds it until the server has ended
/// its session, a moment later: a second opener right after it would otherwise be refused
/// by chance.
const LOCK_GRACE: Duration = Duration::from_secs(2);

/// Opens (or creates) the ledger in `config`: takes the ledger's advisory lock (waiting up
/// to two seconds for a session that holds it to end), applies the migrations, replays the
/// log and checks the invariants.
pub fn open(config: &PostgresConfig) -> Result<(PostgresStore, OpenReport), StoreError> {
    open_waiting(config, LOCK_GRACE)
}

/// [`open`], refused at once with [`StoreError::Locked`] while another session holds the
/// ledger's lock: for a standby, which tries again on its own.
pub fn try_open(config: &PostgresConfig) -> Result<(PostgresStore, OpenReport), StoreError> {
    open_waiting(config, Duration::ZERO)
}

fn open_waiting(
    config: &PostgresConfig,
    grace: Duration,
) -> Result<(PostgresStore, OpenReport), StoreError> {
    let schema = identifier(&config.schema)?;
    let connect = |e| {
        db(
            &format!(
                "connect to PostgreSQL ({})",
                corridor_sql::redact(&config.url)
            ),
            e,
        )
    };
    let mut pg: postgres::Config = config.url.parse().map_err(connect)?;
    // Named, so an operator sees which connection is a ledger's sequencer.
    let name: String = format!("corridor {}", config.schema)
        .chars()
        .take(63)
        .collect();
    pg.application_name(&name);
    let mut client = pg.connect(NoTls).map_err(connect)?;
    let started = Instant::now();
    loop {
        let locked: bool = client
            .query_one(
                "SELECT pg_try_advisory_lock(hashtext('corridor/ledger/' || $1::text))",
                &[&config.schema],
            )
            .map_err(|e| db("take the ledger's lock", e))?
            .get(0);
        if locked {
            break;
        }
        if started.elapsed() >= grace {
            return Err(StoreError::Locked(format!(
                "schema {:?} of the PostgreSQL database (one process at a time is its sequencer)",
                config.schema
            )));
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    client
        .batch_execute(&format!(
            "CREATE SCHEMA IF NOT EXISTS {schema}; SET search_path TO {schema};
             CREATE TABLE IF NOT EXISTS corridor_migration (
                version integer PRIMARY KEY,
                applied_at timestamptz NOT NULL DEFAULT now()
             );"
        ))
        .map_err(|e| db("prepare the schema", e))?;
    for (version, sql) in MIGRATIONS {
        let mut transaction = client
            .transaction()
            .map_err(|e| db("begin a migration", e))?;
        let applied = transaction
            .query_opt(
                "SELECT 1 FROM corridor_migration WHERE version = $1",
                &[version],
            )
            .map_err(|e| db("read the migrations", e))?
            .is_some();
        if !applied {
            transaction
                .batch_execute(sql)
                .map_err(|e| db(&format!("apply migration {version}"), e))?;
            transaction
                .execute(
                    "INSERT INTO corridor_migration (version) VALUES ($1)",
                    &[version],
                )
                .map_err(|e| db("record a migration", e))?;
        }
        transaction
            .commit()
            .map_err(|e| db("commit a migration", e))?;
    }
    let newest: Option<i32> = client
        .query_one("SELECT max(version) FROM corridor_migration", &[])
        .map_err(|e| db("read the migrations", e))?
        .get(0);
    let known = MIGRATIONS.last().map(|(v, _)| *v);
    if newest > known {
        return Err(StoreError::Corrupt(format!(
            "the ledger's schema is at version {newest:?}, newer than this program's {known:?}"
        )));
    }

    let mut ledger = Ledger::new();
    let mut report = OpenReport::default();
    let mut batches = Vec::new();
    let mut next = 0_i64;
    let no_bodies: Vec<Transfer> = Vec::new();
    let rows = client
        .query(
            "SELECT number, kind, timestamp, seq_first, records FROM corridor_batch ORDER BY number",
            &[],
        )
        .map_err(|e| db("read the ledger's log", e))?;
    for row in rows {
        let number: i64 = row.get(0);
        let kind: i16 = row.get(1);
        let timestamp = unsigned(row.get(2));
        let seq_first: Option<i64> = row.get(3);
        let records: &[u8] = row.get(4);
        let corrupt = |what: String| StoreError::Corrupt(format!("batch {number}: {what}"));
        if number != next {
            return Err(corrupt(format!("expected batch {next}")));
        }
        if !records.len().is_multiple_of(RECORD_BYTES) {
            return Err(corrupt("records are not whole".to_owned()));
        }
        let chunks = records.chunks_exact(RECORD_BYTES).map(codec::record);
        let events = match kind {
            KIND_ACCOUNTS => {
                let accounts: Vec<Account> = chunks.map(codec::decode_account).collect();
                ledger
                    .replay_accounts(timestamp, &accounts)
                    .map_err(|e| corrupt(e.to_string()))?;
                accounts.len()
            }
            KIND_TRANSFERS => {
                let transfers: Vec<Transfer> = chunks.map(codec::decode_transfer).collect();
                let seq_first = seq_first.map(unsigned).unwrap_or(u64::MAX);
                if seq_first != ledger.transfers_count() {
                    return Err(corrupt(format!(
                        "starts at transfer {seq_first}, expected {}",
                        ledger.transfers_count()
                    )));
                }
                ledger
                    .replay_transfers(timestamp, &transfers, &no_bodies)
                    .map_err(|e| corrupt(e.to_string()))?;
                if !transfers.is_empty() {
                    batches.push(BatchIndex {
                        seq_first,
                        count: transfers.len() as u64,
                        number,
                    });
                }
                transfers.len()
            }
            other => return Err(corrupt(format!("kind {other}"))),
        };
        report.batches += 1;
        report.events += events as u64;
        next += 1;
    }
    ledger
        .check_invariants()
        .map_err(|v| StoreError::Corrupt(v.0))?;
    let persistence = PostgresPersistence {
        client,
        next,
        batches,
    };
    Ok((StateMachineStore::new(ledger, persistence), report))
}
