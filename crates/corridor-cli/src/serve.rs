//! `corridor serve` and `corridor token`: the service and its bearer tokens.

use std::io::{self, Write};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::{SystemTime, UNIX_EPOCH};

use anyhow::{Context, Result};
use clap::{Args, Subcommand};

use corridor_api::{Role, ServeConfig, TokenStore};

#[derive(Args)]
#[command(args_conflicts_with_subcommands = true)]
pub(crate) struct ServeArgs {
    #[command(subcommand)]
    command: Option<ServeCommand>,
    /// The data directory (the ledger in DIR/ledger, tokens in DIR/service.sqlite).
    #[arg(long, env = "CORRIDOR_DATA", default_value = "./corridor-data")]
    data: PathBuf,
    /// Where to listen.
    #[arg(long, default_value = "127.0.0.1:8080")]
    addr: SocketAddr,
    /// The largest request body, in bytes.
    #[arg(long, default_value_t = 4 << 20)]
    max_body_bytes: usize,
    /// Requests a second one token may send (0: no limit); beyond it, 429 rate_limited.
    #[arg(long, default_value_t = 20_000)]
    rate_limit: u32,
    #[command(flatten)]
    database: crate::DatabaseArgs,
    /// Load the demo corridor first (trade data and targets, parties, clearing cycles, a
    /// posted plan, reservations on the pool); loading it again changes nothing.
    #[arg(long)]
    demo: bool,
}

#[derive(Subcommand)]
pub(crate) enum ServeCommand {
    /// Measure the service on loopback: single-transfer requests (1 and 16 clients),
    /// batches, reads, beside the library directly; prints JSON.
    Bench(ServeBenchArgs),
}

#[derive(Args)]
pub(crate) struct ServeBenchArgs {
    /// Seconds per measured run.
    #[arg(long, default_value_t = 5.0)]
    seconds: f64,
    /// Accounts.
    #[arg(long, default_value_t = 10_000)]
    accounts: u32,
    /// Transfers per request in the batch run.
    #[arg(long, default_value_t = 1_000)]
    batch: usize,
    /// Print JSON (the only output form; accepted for scripts).
    #[arg(long)]
    json: bool,
}

#[derive(Subcommand)]
pub(crate) enum TokenCommand {
    /// Create a token and print it (it is shown only once; only its digest is kept).
    Create(TokenCreateArgs),
    /// Revoke a token by its id.
    Revoke(TokenRevokeArgs),
    /// List the tokens (ids, roles, parties, expiry; never the secrets).
    List(TokenListArgs),
}

#[derive(Args)]
pub(crate) struct TokenCreateArgs {
    #[arg(long, env = "CORRIDOR_DATA", default_value = "./corridor-data")]
    data: PathBuf,
    #[command(flatten)]
    database: crate::DatabaseArgs,
    /// admin, operator, participant or analyst.
    #[arg(long)]
    role: String,
    /// The party a participant acts for.
    #[arg(long)]
    party: Option<String>,
    /// Days until it expires (default: never).
    #[arg(long)]
    expires_in_days: Option<u64>,
}

#[derive(Args)]
pub(crate) struct TokenRevokeArgs {
    #[arg(long, env = "CORRIDOR_DATA", default_value = "./corridor-data")]
    data: PathBuf,
    #[command(flatten)]
    database: crate::DatabaseArgs,
    /// The token's id (the part after `cor_`, before the second `_`).
    id: String,
}

#[derive(Args)]
pub(crate) struct TokenListArgs {
    #[arg(long, env = "CORRIDOR_DATA", default_value = "./corridor-data")]
    data: PathBuf,
    #[command(flatten)]
    database: crate::DatabaseArgs,
}

fn now_seconds() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// A fresh directory for the bench, removed afterwards.
fn tempfile_dir() -> Result<PathBuf> {
    let dir = std::env::temp_dir().join(format!("corridor-serve-bench-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).with_context(|| format!("create {}", dir.display()))?;
    Ok(dir)
}

fn open_tokens(data: &std::path::Path, database: &crate::DatabaseArgs) -> Result<TokenStore> {
    let config = database.config();
    if config.is_none() {
        std::fs::create_dir_all(data).with_context(|| format!("create {}", data.display()))?;
    }
    let target = corridor_api::tables_target(data, "service.sqlite", config.as_ref());
    TokenStore::open_target(&target).with_context(|| format!("open the tokens in {target}"))
}

pub(crate) fn run_serve(args: ServeArgs) -> Result<()> {
    if let Some(ServeCommand::Bench(bench)) = args.command {
        let dir = tempfile_dir()?;
        let result = corridor_bench::service::run_service(
            &dir,
            &corridor_bench::service::ServiceBenchConfig {
                seconds: bench.seconds,
                accounts: bench.accounts,
                batch: bench.batch.clamp(1, corridor_ledger::BATCH_EVENTS_MAX),
            },
        );
        let _ = std::fs::remove_dir_all(&dir);
        writeln!(io::stdout(), "{}", serde_json::to_string_pretty(&result?)?)?;
        return Ok(());
    }
    let _ = tracing_subscriber::fmt()
        .with_writer(io::stderr)
        .with_target(false)
        .try_init();
    std::fs::create_dir_all(&args.data)
        .with_context(|| format!("create {}", args.data.display()))?;
    if args.demo {
        let started = std::time::Instant::now();
        let created_at = crate::trade::now_text()?;
        let loaded = match args.database.config() {
            None => corridor_api::demo::load_demo(&args.data, &created_at, &mut crate::now_nanos)
                .context("load the demo corridor")?,
            Some(config) => {
                let (mut ledger, _) = corridor_store_postgres::open(&config)
                    .context("open the ledger on PostgreSQL to load the demo corridor")?;
                corridor_api::demo::load_demo_into(
                    &args.data,
                    Some(&config),
                    &created_at,
                    &mut crate::now_nanos,
                    &mut ledger,
                )
                .context("load the demo corridor")?
                // The ledger's lock goes with `ledger` here, before the service takes it.
            }
        };
        writeln!(
            io::stderr(),
            "demo corridor in {}: {} trade figures, {} clearing runs, {} plans posted, {} reservations loaded now ({:.1} s)",
            args.data.display(),
            loaded.figures,
            loaded.runs,
            loaded.posted,
            loaded.reservations,
            started.elapsed().as_secs_f64()
        )?;
        // Tokens to sign in to the dashboard with, valid for a day: the demo's only.
        let mut tokens = open_tokens(&args.data, &args.database)?;
        let now = now_seconds();
        let day = Some(now + 86_400);
        let mut err = io::stderr();
        writeln!(
            err,
            "dashboard: http://{}/ ; sign in with one of these tokens (valid for a day):",
            args.addr
        )?;
        for (role, party) in [
            (Role::Analyst, None),
            (Role::Operator, None),
            (
                Role::Participant,
                Some(corridor_api::demo::DEMO_PARTICIPANT),
            ),
        ] {
            let (_, token) = tokens.create(role, party, day, now)?;
            writeln!(
                err,
                "  {:<11} {token}{}",
                role.name(),
                party.map(|p| format!("  (party {p})")).unwrap_or_default()
            )?;
        }
    }
    let mut config = ServeConfig::new(args.data, args.addr);
    config.max_body_bytes = args.max_body_bytes;
    config.rate_limit = args.rate_limit;
    config.database = args.database.config();
    corridor_api::serve(config, |bound| {
        // The first line on standard output says where the service listens (port 0 picks
        // a free one), for scripts and tests.
        let _ = writeln!(io::stdout(), "listening on http://{bound}");
        let _ = io::stdout().flush();
    })?;
    Ok(())
}

pub(crate) fn run_token(command: TokenCommand) -> Result<()> {
    let stdout = io::stdout();
    let mut out = stdout.lock();
    match command {
        TokenCommand::Create(args) => {
            let role = Role::from_name(&args.role).with_context(|| {
                format!(
                    "--role {:?}: one of admin, operator, participant, analyst",
                    args.role
                )
            })?;
            let now = now_seconds();
            let expires_at = args
                .expires_in_days
                .map(|days| now.saturating_add(days.saturating_mul(86_400)));
            let (info, token) = open_tokens(&args.data, &args.database)?.create(
                role,
                args.party.as_deref(),
                expires_at,
                now,
            )?;
            writeln!(out, "{token}")?;
            writeln!(
                io::stderr(),
                "token {} ({}{}) created; it is shown only this once",
                info.id,
                info.role,
                info.party
                    .map(|party| format!(" for party {party}"))
                    .unwrap_or_default()
            )?;
        }
        TokenCommand::Revoke(args) => {
            open_tokens(&args.data, &args.database)?
                .revoke(&args.id, now_seconds())
                .with_context(|| format!("revoke token {}", args.id))?;
            writeln!(out, "token {} revoked", args.id)?;
        }
        TokenCommand::List(args) => {
            let tokens = open_tokens(&args.data, &args.database)?.list()?;
            let rows: Vec<Vec<String>> = tokens
                .into_iter()
                .map(|t| {
                    vec![
                        t.id,
                        t.role,
                        t.party.unwrap_or_default(),
                        t.created_at.to_string(),
                        t.expires_at.map(|t| t.to_string()).unwrap_or_default(),
                        t.revoked_at.map(|t| t.to_string()).unwrap_or_default(),
                    ]
                })
                .collect();
            out.write_all(
                corridor_cli::render::table(
                    &[
                        "id",
                        "role",
                        "party",
                        "created_at",
                        "expires_at",
                        "revoked_at",
                    ],
                    &rows,
                )
                .as_bytes(),
            )?;
        }
    }
    Ok(())
}
