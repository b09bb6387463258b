//! `corridor`: the command line of the Corridor clearing house.

use std::fs::File;
use std::io::{self, BufRead, BufReader, IsTerminal, Read, Write};
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use anyhow::{bail, Context, Result};
use clap::{Args, Parser, Subcommand, ValueEnum};

use corridor_bench::{BenchBackend, BenchConfig};
use corridor_calendar::{GregorianDate, SolarHijriDate};
use corridor_cli::{apply, render};
use corridor_ledger::{Account, BATCH_EVENTS_MAX};
use corridor_store::{HistoryQuery, LedgerStore};
use corridor_store_embedded::{EmbeddedConfig, EmbeddedStore};

mod clear;
mod contract;
mod crossings;
mod serve;
mod simulate;
mod trade;

/// Exit code for bad input or a failed operation (clap uses 2 for bad arguments).
const EXIT_FAILURE: i32 = 1;

#[derive(Parser)]
#[command(
    name = "corridor",
    version,
    about = "Clearing house and trade monitor for a bilateral trade corridor"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// The double-entry ledger.
    #[command(subcommand)]
    Ledger(LedgerCommand),
    /// Convert a date between the Gregorian and the Solar Hijri (Iranian) calendars.
    Date(DateArgs),
    /// The trade registry: load trade files, list loads and sources.
    #[command(subcommand)]
    Trade(trade::TradeCommand),
    /// Reports over the trade registry.
    #[command(subcommand)]
    Report(trade::ReportCommand),
    /// Targets: amounts of trade to reach over a period.
    #[command(subcommand)]
    Target(trade::TargetCommand),
    /// The demo corridor.
    #[command(subcommand)]
    Demo(trade::DemoCommand),
    /// Clear a cycle of obligations: bilateral netting, multilateral netting, set-off.
    Clear(clear::ClearArgs),
    /// Run the Corridor service: the HTTP API over the ledger.
    Serve(serve::ServeArgs),
    /// Bearer tokens for the service.
    #[command(subcommand)]
    Token(serve::TokenCommand),
    /// Border crossings: the registry, and which are open on a day or over a period.
    #[command(subcommand)]
    Crossings(crossings::CrossingsCommand),
    /// What-if simulation of shipments through the crossings, scenarios side by side.
    Simulate(simulate::SimulateArgs),
    /// Trade contracts paid when their goods cross: register, apply declarations, history.
    #[command(subcommand)]
    Contract(contract::ContractCommand),
}

#[derive(Clone, Copy, ValueEnum)]
enum CalendarArg {
    Gregorian,
    SolarHijri,
}

impl CalendarArg {
    fn calendar(self) -> corridor_calendar::Calendar {
        match self {
            CalendarArg::Gregorian => corridor_calendar::Calendar::Gregorian,
            CalendarArg::SolarHijri => corridor_calendar::Calendar::SolarHijri,
        }
    }
}

#[derive(Args)]
struct DateArgs {
    /// The date, YYYY-MM-DD.
    date: String,
    /// The calendar the date is written in.
    #[arg(long, value_enum, default_value = "gregorian")]
    from: CalendarArg,
    /// One JSON object instead of text.
    #[arg(long)]
    json: bool,
}

#[derive(Subcommand)]
enum LedgerCommand {
    /// Apply JSON-lines events (create_account, create_transfer) in batches.
    Apply(ApplyArgs),
    /// Show accounts and their balances.
    Accounts(AccountsArgs),
    /// Show an account's transfers in time order, or transfers by id.
    Transfers(TransfersArgs),
    /// Measure the ledger on a generated corridor workload.
    Bench(BenchArgs),
}

#[derive(Args)]
struct DataArgs {
    /// The data directory (created on first use).
    #[arg(long, env = "CORRIDOR_DATA", default_value = "./corridor-data")]
    data: PathBuf,
    #[command(flatten)]
    database: DatabaseArgs,
}

/// Where the ledger and the service's tables live when not in `--data`.
#[derive(Args, Clone)]
pub(crate) struct DatabaseArgs {
    /// Keep the ledger, tokens, parties and clearing runs in PostgreSQL:
    /// postgres://user@host:port/database. Several servers may share one: one is the
    /// ledger's sequencer, the others forward to it and take over.
    #[arg(long, env = "CORRIDOR_DATABASE_URL")]
    pub(crate) database_url: Option<String>,
    /// The PostgreSQL schema of the ledger and the service's tables.
    #[arg(long, env = "CORRIDOR_DATABASE_SCHEMA", default_value = "corridor")]
    pub(crate) database_schema: String,
}

impl DatabaseArgs {
    pub(crate) fn config(&self) -> Option<corridor_api::PostgresConfig> {
        self.database_url
            .as_ref()
            .map(|url| corridor_api::PostgresConfig {
                url: url.clone(),
                schema: self.database_schema.clone(),
            })
    }
}

/// An open ledger: embedded (the default) or on PostgreSQL.
enum OpenLedger {
    Embedded(Box<EmbeddedStore>),
    Postgres(Box<corridor_store_postgres::PostgresStore>),
}

impl OpenLedger {
    /// Opens the ledger `args` name.
    fn open(args: &DataArgs) -> Result<OpenLedger> {
        match args.database.config() {
            None => Ok(OpenLedger::Embedded(Box::new(open_ledger(&args.data)?))),
            Some(config) => {
                let (store, _) = corridor_store_postgres::open(&config)
                    .context("open the ledger on PostgreSQL")?;
                Ok(OpenLedger::Postgres(Box::new(store)))
            }
        }
    }

    fn store(&mut self) -> &mut dyn LedgerStore {
        match self {
            OpenLedger::Embedded(store) => store.as_mut(),
            OpenLedger::Postgres(store) => store.as_mut(),
        }
    }

    /// Closes it: the embedded store takes a snapshot; PostgreSQL has committed every
    /// batch already.
    fn close(self) -> Result<()> {
        match self {
            OpenLedger::Embedded(store) => store.close().context("snapshot the ledger"),
            OpenLedger::Postgres(_) => Ok(()),
        }
    }
}

#[derive(Args)]
struct ApplyArgs {
    #[command(flatten)]
    data: DataArgs,
    /// The events file, or `-` for standard input.
    #[arg(default_value = "-")]
    file: String,
    /// Most events per batch.
    #[arg(long, default_value_t = BATCH_EVENTS_MAX)]
    batch: usize,
}

#[derive(Args)]
struct AccountsArgs {
    #[command(flatten)]
    data: DataArgs,
    /// Only these accounts (repeatable).
    #[arg(long = "id")]
    ids: Vec<u128>,
    /// Balances as they stood at this ledger timestamp (nanoseconds).
    #[arg(long)]
    as_of: Option<u64>,
    /// One JSON object per line instead of a table.
    #[arg(long)]
    json: bool,
}

#[derive(Args)]
struct TransfersArgs {
    #[command(flatten)]
    data: DataArgs,
    /// The account whose history to show.
    #[arg(long, required_unless_present = "ids", conflicts_with = "ids")]
    account: Option<u128>,
    /// Look up these transfers instead (repeatable).
    #[arg(long = "id")]
    ids: Vec<u128>,
    /// Only transfers at or after this timestamp.
    #[arg(long, default_value_t = 0)]
    from_timestamp: u64,
    /// Only transfers at or before this timestamp.
    #[arg(long, default_value_t = u64::MAX)]
    to_timestamp: u64,
    /// Most transfers shown (one page).
    #[arg(long, default_value_t = 100)]
    limit: u32,
    /// Newest first.
    #[arg(long)]
    reverse: bool,
    /// One JSON object per line instead of a table.
    #[arg(long)]
    json: bool,
}

#[derive(Clone, Copy, ValueEnum)]
enum BackendArg {
    Memory,
    MemoryStore,
    Embedded,
    SqliteBaseline,
    /// The ledger on PostgreSQL (--database-url), beside pgbench's one transaction per
    /// transfer at 1, 4 and 16 clients.
    Postgres,
}

#[derive(Args)]
struct BenchArgs {
    /// Backend to measure; without it (and without a workload option), the canonical suite
    /// runs every goal beside its SQLite baseline.
    #[arg(long, value_enum)]
    backend: Option<BackendArg>,
    /// Directory for the stores (a fresh subdirectory per run, removed afterwards).
    #[arg(long)]
    data: Option<PathBuf>,
    /// Accounts in the workload.
    #[arg(long)]
    accounts: Option<u64>,
    /// Transfers in the workload.
    #[arg(long)]
    transfers: Option<u64>,
    /// Events per batch.
    #[arg(long)]
    batch: Option<usize>,
    /// With K, most transfers touch one of K hot accounts (K=1: every transfer debits one
    /// restricted pool).
    #[arg(long)]
    hot_accounts: Option<u64>,
    /// Percentage of transfers that are two-phase (pending with a timeout, then posted or
    /// voided).
    #[arg(long)]
    pending_percent: Option<u8>,
    /// Seed of the workload generator.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Accepted for scripts that pass it: the bench always prints JSON.
    #[arg(long)]
    json: bool,
    /// The PostgreSQL server for `--backend postgres` (a fresh schema is made and dropped).
    #[arg(long, env = "CORRIDOR_DATABASE_URL")]
    database_url: Option<String>,
    /// Seconds of each pgbench run beside `--backend postgres`.
    #[arg(long, default_value_t = 10)]
    pgbench_seconds: u32,
}

fn main() {
    let cli = Cli::parse();
    if let Err(error) = run(cli) {
        let broken_pipe = error.chain().any(|cause| {
            cause
                .downcast_ref::<io::Error>()
                .is_some_and(|e| e.kind() == io::ErrorKind::BrokenPipe)
        });
        if broken_pipe {
            return;
        }
        #[allow(clippy::print_stderr)]
        {
            eprintln!("error: {error:#}");
        }
        std::process::exit(EXIT_FAILURE);
    }
}

fn run(cli: Cli) -> Result<()> {
    match cli.command {
        Command::Ledger(LedgerCommand::Apply(args)) => ledger_apply(args),
        Command::Ledger(LedgerCommand::Accounts(args)) => ledger_accounts(args),
        Command::Ledger(LedgerCommand::Transfers(args)) => ledger_transfers(args),
        Command::Ledger(LedgerCommand::Bench(args)) => ledger_bench(args),
        Command::Date(args) => date(args),
        Command::Trade(command) => trade::run_trade(command),
        Command::Report(command) => trade::run_report(command),
        Command::Target(command) => trade::run_target(command),
        Command::Demo(command) => trade::run_demo(command),
        Command::Crossings(command) => crossings::run(command),
        Command::Simulate(args) => simulate::run(args),
        Command::Contract(command) => contract::run(command),
        Command::Clear(args) => clear::run_clear(args),
        Command::Serve(args) => serve::run_serve(args),
        Command::Token(command) => serve::run_token(command),
    }
}

fn date(args: DateArgs) -> Result<()> {
    let (gregorian, solar) = match args.from {
        CalendarArg::Gregorian => {
            let gregorian: GregorianDate = args
                .date
                .parse()
                .with_context(|| format!("read Gregorian date {}", args.date))?;
            (gregorian, SolarHijriDate::from_gregorian(gregorian))
        }
        CalendarArg::SolarHijri => {
            let solar: SolarHijriDate = args
                .date
                .parse()
                .with_context(|| format!("read Solar Hijri date {}", args.date))?;
            (solar.to_gregorian(), solar)
        }
    };
    let month = solar.month_name();
    let stdout = io::stdout();
    let mut out = stdout.lock();
    if args.json {
        let value = serde_json::json!({
            "gregorian": gregorian.to_string(),
            "solar_hijri": solar.to_string(),
            "solar_hijri_month": month.number(),
            "solar_hijri_month_name": month.transliteration(),
            "solar_hijri_month_name_fa": month.persian(),
        });
        writeln!(out, "{value}")?;
    } else {
        match args.from {
            CalendarArg::Gregorian => writeln!(
                out,
                "{solar} ({} {} {}, {})",
                solar.day(),
                month.transliteration(),
                solar.year(),
                month.persian()
            )?,
            CalendarArg::SolarHijri => writeln!(out, "{gregorian}")?,
        }
    }
    Ok(())
}

/// Nanoseconds since the Unix epoch: the ledger's clock.
fn now_nanos() -> u64 {
    let since = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default();
    u64::try_from(since.as_nanos()).unwrap_or(u64::MAX)
}

fn open_ledger(data: &Path) -> Result<EmbeddedStore> {
    let config = EmbeddedConfig {
        dir: data.join("ledger"),
        snapshot_interval_transfers: corridor_store_embedded::SNAPSHOT_INTERVAL_TRANSFERS,
    };
    EmbeddedStore::open(config).with_context(|| format!("open the ledger in {}", data.display()))
}

fn ledger_apply(args: ApplyArgs) -> Result<()> {
    if !(1..=BATCH_EVENTS_MAX).contains(&args.batch) {
        bail!("--batch must be between 1 and {BATCH_EVENTS_MAX}");
    }
    // Validate everything first, so a bad line anywhere applies nothing. Standard input can be
    // read only once, so it is held in memory; a file is read twice.
    let stdin_text = if args.file == "-" {
        let mut text = String::new();
        io::stdin()
            .read_to_string(&mut text)
            .context("read standard input")?;
        Some(text)
    } else {
        None
    };
    let open_input = || -> Result<Box<dyn BufRead + '_>> {
        match &stdin_text {
            Some(text) => Ok(Box::new(text.as_bytes())),
            None => {
                let file = File::open(&args.file).with_context(|| format!("open {}", args.file))?;
                Ok(Box::new(BufReader::with_capacity(1 << 20, file)))
            }
        }
    };
    let events_count = apply::validate(open_input()?, &args.file, args.batch)?;
    let mut ledger = OpenLedger::open(&args.data)?;
    let store = ledger.store();
    let progress = progress_bar(events_count, "events");
    let stdout = io::stdout();
    let mut out = stdout.lock();
    let summary = apply::apply(
        store,
        open_input()?,
        &args.file,
        args.batch,
        &mut now_nanos,
        &mut out,
        &mut |done| progress.set_position(done),
    )?;
    progress.finish_and_clear();
    ledger.close()?;
    out.flush()?;
    // A summary for the person at the terminal; scripts read the result lines on stdout.
    if io::stderr().is_terminal() {
        let failed = summary.events - summary.ok;
        writeln!(
            io::stderr(),
            "{} events in {} batches: {} ok, {failed} not applied (see their results)",
            summary.events,
            summary.batches,
            summary.ok
        )?;
    }
    Ok(())
}

/// A progress bar on a terminal (standard error), none otherwise.
fn progress_bar(length: u64, unit: &str) -> indicatif::ProgressBar {
    if !io::stderr().is_terminal() {
        return indicatif::ProgressBar::hidden();
    }
    let bar = indicatif::ProgressBar::new(length);
    let template = format!("{{bar:40}} {{pos}}/{{len}} {unit} ({{per_sec}}, {{eta}} left)");
    if let Ok(style) = indicatif::ProgressStyle::with_template(&template) {
        bar.set_style(style);
    }
    bar
}

fn ledger_accounts(args: AccountsArgs) -> Result<()> {
    let mut ledger = OpenLedger::open(&args.data)?;
    let store = ledger.store();
    let mut accounts = if args.ids.is_empty() {
        store.accounts()?
    } else {
        store.lookup_accounts(&args.ids)?
    };
    if let Some(missing) = args
        .ids
        .iter()
        .find(|id| !accounts.iter().any(|a| a.id == **id))
    {
        bail!("no account with id {missing}");
    }
    if let Some(timestamp) = args.as_of {
        let mut then = Vec::new();
        for account in accounts {
            if let Some(balances) = store.account_balances_as_of(account.id, timestamp)? {
                then.push(Account {
                    debits_pending: balances.debits_pending,
                    debits_posted: balances.debits_posted,
                    credits_pending: balances.credits_pending,
                    credits_posted: balances.credits_posted,
                    ..account
                });
            }
        }
        accounts = then;
    }
    print_records(
        &accounts,
        args.json,
        render::account_json,
        render::accounts_table,
    )
}

fn ledger_transfers(args: TransfersArgs) -> Result<()> {
    let mut ledger = OpenLedger::open(&args.data)?;
    let store = ledger.store();
    let transfers = match args.account {
        Some(account_id) => {
            let query = HistoryQuery {
                account_id,
                timestamp_min: args.from_timestamp,
                timestamp_max: args.to_timestamp,
                limit: args.limit,
                reversed: args.reverse,
            };
            store
                .account_transfers(&query)?
                .with_context(|| format!("no account with id {account_id}"))?
        }
        None => {
            let found = store.lookup_transfers(&args.ids)?;
            if let Some(missing) = args
                .ids
                .iter()
                .find(|id| !found.iter().any(|t| t.id == **id))
            {
                bail!("no transfer with id {missing}");
            }
            found
        }
    };
    let mut with_status = Vec::with_capacity(transfers.len());
    for transfer in transfers {
        let status = store.pending_status(transfer.id)?;
        with_status.push((transfer, status));
    }
    print_records(
        &with_status,
        args.json,
        render::transfer_json,
        render::transfers_table,
    )
}

/// Prints records as JSON lines or as a table.
fn print_records<T>(
    records: &[T],
    json: bool,
    to_json: fn(&T) -> serde_json::Value,
    to_table: fn(&[T]) -> String,
) -> Result<()> {
    let stdout = io::stdout();
    let mut out = stdout.lock();
    if json {
        for record in records {
            writeln!(out, "{}", to_json(record))?;
        }
    } else {
        out.write_all(to_table(records).as_bytes())?;
    }
    Ok(())
}

fn ledger_bench(args: BenchArgs) -> Result<()> {
    let custom = args.backend.is_some()
        || args.accounts.is_some()
        || args.transfers.is_some()
        || args.batch.is_some()
        || args.hot_accounts.is_some()
        || args.pending_percent.is_some();
    let root = match &args.data {
        Some(dir) => dir.clone(),
        None => std::env::temp_dir().join(format!("corridor-bench-{}", std::process::id())),
    };
    let show_progress = io::stderr().is_terminal();
    let stdout = io::stdout();
    let mut out = stdout.lock();
    if !custom {
        let report = corridor_bench::run_canonical(&root, args.seed, show_progress)?;
        writeln!(out, "{report}")?;
        return Ok(());
    }
    let backend = match args.backend.unwrap_or(BackendArg::Embedded) {
        BackendArg::Memory => BenchBackend::Memory,
        BackendArg::MemoryStore => BenchBackend::MemoryStore,
        BackendArg::Embedded => BenchBackend::Embedded,
        BackendArg::SqliteBaseline => BenchBackend::SqliteBaseline,
        BackendArg::Postgres => BenchBackend::Postgres,
    };
    let config = BenchConfig {
        accounts: args.accounts.unwrap_or(10_000),
        transfers: args.transfers.unwrap_or(2_000_000),
        batch: args.batch.unwrap_or(BATCH_EVENTS_MAX),
        hot_accounts: args.hot_accounts,
        pending_percent: args.pending_percent.unwrap_or(0),
        seed: args.seed,
    };
    if backend == BenchBackend::Postgres {
        let Some(url) = &args.database_url else {
            bail!("--backend postgres needs --database-url postgres://user@host:port/database");
        };
        let report =
            corridor_bench::postgres::compare(&config, url, args.pgbench_seconds, show_progress)?;
        writeln!(out, "{report}")?;
        return Ok(());
    }
    let result = corridor_bench::run(backend, &config, &root, show_progress)?;
    writeln!(out, "{}", result.to_json())?;
    Ok(())
}
