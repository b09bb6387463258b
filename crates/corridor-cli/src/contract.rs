//! `corridor contract`: trade contracts paid when their goods cross.

use std::io::{self, Write};
use std::path::PathBuf;

use anyhow::{Context, Result};
use clap::{Args, Subcommand, ValueEnum};

use corridor_api::clearing::ClearingStore;
use corridor_api::contracts::{self, ContractView};

use crate::{DataArgs, OpenLedger};

#[derive(Subcommand)]
pub(crate) enum ContractCommand {
    /// Register contracts (CSV: contract,payer,payee,amount,currency,date,deadline, ...):
    /// each reserves its amount from the payer for the payee until its deadline.
    Register(FileArgs),
    /// Apply customs declarations (the trade format, with a `contract` column): each pays
    /// its contract when the goods crossed in time, at most what is reserved.
    Ship(FileArgs),
    /// The contracts, where each stands.
    List(ListArgs),
    /// One contract with every step of its history.
    Show(ShowArgs),
}

#[derive(Args)]
pub(crate) struct FileArgs {
    #[command(flatten)]
    data: DataArgs,
    /// The file.
    file: PathBuf,
    /// Print JSON.
    #[arg(long)]
    json: bool,
}

#[derive(Clone, Copy, ValueEnum)]
pub(crate) enum Format {
    Table,
    Json,
}

#[derive(Args)]
pub(crate) struct ListArgs {
    #[command(flatten)]
    data: DataArgs,
    /// Only the contracts this party pays or is paid by.
    #[arg(long)]
    party: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value = "table")]
    format: Format,
}

#[derive(Args)]
pub(crate) struct ShowArgs {
    #[command(flatten)]
    data: DataArgs,
    /// The contract's id.
    id: String,
    /// Output format.
    #[arg(long, value_enum, default_value = "table")]
    format: Format,
}

/// The ledger and the book of `data`.
fn open(data: &DataArgs) -> Result<(OpenLedger, ClearingStore)> {
    let ledger = OpenLedger::open(data)?;
    let config = data.database.config();
    let target = corridor_api::tables_target(&data.data, "clearing.sqlite", config.as_ref());
    let book = ClearingStore::open_target(&target)
        .with_context(|| format!("open the contracts book in {target}"))?;
    Ok((ledger, book))
}

fn read(file: &PathBuf) -> Result<(String, String)> {
    let text = std::fs::read_to_string(file).with_context(|| format!("read {}", file.display()))?;
    Ok((file.display().to_string(), text))
}

pub(crate) fn run(command: ContractCommand) -> Result<()> {
    let stdout = io::stdout();
    let mut out = stdout.lock();
    match command {
        ContractCommand::Register(args) => {
            let (input, text) = read(&args.file)?;
            let (mut ledger, mut book) = open(&args.data)?;
            let report = contracts::register_file(
                ledger.store(),
                &mut book,
                &input,
                &text,
                &mut crate::now_nanos,
            )
            .with_context(|| format!("{input}: nothing was registered"))?;
            ledger.close()?;
            if args.json {
                writeln!(out, "{}", serde_json::to_string_pretty(&report)?)?;
            } else {
                for id in &report.registered {
                    let note = if report.not_reserved.contains(id) {
                        "registered; its deadline has passed, nothing reserved"
                    } else {
                        "registered and reserved"
                    };
                    writeln!(out, "{id}: {note}")?;
                }
                for id in &report.already {
                    writeln!(out, "{id}: registered before, unchanged")?;
                }
            }
        }
        ContractCommand::Ship(args) => {
            let (input, text) = read(&args.file)?;
            let (mut ledger, mut book) = open(&args.data)?;
            let report = contracts::ship_file(
                ledger.store(),
                &mut book,
                &input,
                &text,
                &mut crate::now_nanos,
            )
            .with_context(|| format!("{input}: nothing was paid"))?;
            ledger.close()?;
            if args.json {
                writeln!(out, "{}", serde_json::to_string_pretty(&report)?)?;
            } else {
                for s in &report.applied {
                    writeln!(
                        out,
                        "{} ({}): contract {}, crossed {} on {}: {}",
                        s.declaration, s.source, s.contract, s.crossing, s.crossed_on, s.outcome
                    )?;
                }
                for id in &report.already {
                    writeln!(out, "{id}: applied before, unchanged")?;
                }
                if report.without_contract > 0 {
                    writeln!(
                        out,
                        "{} declarations name no contract (not payments)",
                        report.without_contract
                    )?;
                }
            }
        }
        ContractCommand::List(args) => {
            let (mut ledger, mut book) = open(&args.data)?;
            let views =
                contracts::contract_views(ledger.store(), &mut book, args.party.as_deref())?;
            ledger.close()?;
            match args.format {
                Format::Json => writeln!(out, "{}", serde_json::to_string_pretty(&views)?)?,
                Format::Table => {
                    let rows: Vec<Vec<String>> = views
                        .iter()
                        .map(|c| {
                            vec![
                                c.id.clone(),
                                c.payer.clone(),
                                c.payee.clone(),
                                format!("{} {}", c.amount, c.currency),
                                c.deadline.clone(),
                                c.status.clone(),
                                c.paid.clone(),
                                c.reserved.clone(),
                                c.released.clone(),
                            ]
                        })
                        .collect();
                    write!(
                        out,
                        "{}",
                        corridor_cli::render::table(
                            &[
                                "contract", "payer", "payee", "amount", "deadline", "status",
                                "paid", "reserved", "released"
                            ],
                            &rows
                        )
                    )?;
                }
            }
        }
        ContractCommand::Show(args) => {
            let (mut ledger, mut book) = open(&args.data)?;
            let view = contracts::contract_view(ledger.store(), &mut book, &args.id, None)?;
            ledger.close()?;
            let Some(view) = view else {
                anyhow::bail!("no contract {:?}", args.id);
            };
            match args.format {
                Format::Json => writeln!(out, "{}", serde_json::to_string_pretty(&view)?)?,
                Format::Table => show(&mut out, &view)?,
            }
        }
    }
    Ok(())
}

fn show(out: &mut impl Write, c: &ContractView) -> Result<()> {
    writeln!(
        out,
        "contract {}: {} pays {} {} {} for goods crossing by {}",
        c.id, c.payer, c.payee, c.amount, c.currency, c.deadline
    )?;
    writeln!(
        out,
        "status: {}; paid {}, still reserved {}, released {}",
        c.status, c.paid, c.reserved, c.released
    )?;
    let rows: Vec<Vec<String>> = c
        .history
        .iter()
        .map(|e| {
            vec![
                e.at.clone(),
                e.event.clone(),
                e.amount.clone().unwrap_or_default(),
                e.detail.clone(),
            ]
        })
        .collect();
    write!(
        out,
        "{}",
        corridor_cli::render::table(&["at", "event", "amount", "detail"], &rows)
    )?;
    Ok(())
}
