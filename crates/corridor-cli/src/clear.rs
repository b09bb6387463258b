//! `corridor clear`: a clearing cycle from files, each method reported on its own.

use std::collections::{BTreeMap, HashMap};
use std::fs::File;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use clap::{Args, ValueEnum};
use serde_json::{json, Value};

use corridor_clearing::{
    bilateral_netting, explain, multilateral_netting, set_off, set_off_with_liquidity,
    ClearingResult, Method, Network, Obligation, Party, PartyKind,
};
use corridor_cli::render;

use crate::trade::{percent, percent_digits};
use corridor_core::Money;
use corridor_import::{
    ImportError, LiquidityReader, ObligationsJsonReader, ObligationsReader, PartiesReader,
};

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum MethodArg {
    /// Bilateral netting per pair and currency.
    Netting,
    /// Multilateral netting through one clearing agent per country.
    Multilateral,
    /// Multilateral set-off: the most debt discharged with no cash at all.
    Setoff,
    /// Set-off where each party may also pay up to its liquidity (--liquidity).
    #[value(name = "setoff+liquidity")]
    SetoffLiquidity,
    /// Every method, each reported separately.
    All,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum ClearFormat {
    Table,
    Json,
}

#[derive(Args)]
#[command(args_conflicts_with_subcommands = true, subcommand_negates_reqs = true)]
pub(crate) struct ClearArgs {
    #[command(subcommand)]
    command: Option<ClearCommand>,
    /// The obligations: CSV (id,debtor,creditor,amount,currency,due_date[,calendar,hs_code,reference]),
    /// or JSON lines with the same keys when the file ends in `.jsonl`.
    #[arg(long, required = true)]
    obligations: Option<PathBuf>,
    /// The parties (CSV: id,country,kind[,name]).
    #[arg(long, required = true)]
    parties: Option<PathBuf>,
    /// What each party can pay in cash this cycle (CSV: party,amount,currency), for
    /// setoff+liquidity (and all).
    #[arg(long)]
    liquidity: Option<PathBuf>,
    /// Which method.
    #[arg(long, value_enum, default_value = "all")]
    method: MethodArg,
    /// Output format.
    #[arg(long, value_enum, default_value = "table")]
    format: ClearFormat,
}

#[derive(clap::Subcommand)]
pub(crate) enum ClearCommand {
    /// Clear a generated network end to end (files to an explained, certified set-off plan)
    /// and print JSON; optionally beside OR-tools' min-cost flow on the same file.
    Bench(ClearBenchArgs),
}

#[derive(Clone, Copy, ValueEnum)]
pub(crate) enum ModelArg {
    Uniform,
    Corridor,
    Supply,
}

#[derive(Args)]
pub(crate) struct ClearBenchArgs {
    /// Parties in the network.
    #[arg(long, default_value_t = 100_000)]
    parties: usize,
    /// Obligations in the network.
    #[arg(long, default_value_t = 1_000_000)]
    obligations: usize,
    /// The network's shape.
    #[arg(long, value_enum, default_value = "corridor")]
    model: ModelArg,
    /// Percent of obligations running against the model's main direction (closing cycles).
    #[arg(long, default_value_t = 10)]
    cycle_bias: u32,
    /// The generator's seed.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Also solve with OR-tools (needs `python3 -m pip install ortools`).
    #[arg(long)]
    ortools: bool,
    /// Where the files go (default: a temporary directory, removed afterwards).
    #[arg(long)]
    dir: Option<PathBuf>,
    /// Print JSON (the only output form; accepted for scripts).
    #[arg(long)]
    json: bool,
}

fn clear_bench(args: ClearBenchArgs) -> Result<()> {
    use corridor_bench::clearing::{run_clearing, ClearBenchConfig, NetworkModel};
    let (dir, temporary) = match &args.dir {
        Some(dir) => (dir.clone(), false),
        None => (
            std::env::temp_dir().join(format!("corridor-clear-bench-{}", std::process::id())),
            true,
        ),
    };
    let result = run_clearing(
        &dir,
        &ClearBenchConfig {
            parties: args.parties,
            obligations: args.obligations,
            model: match args.model {
                ModelArg::Uniform => NetworkModel::Uniform,
                ModelArg::Corridor => NetworkModel::Corridor,
                ModelArg::Supply => NetworkModel::Supply,
            },
            cycle_bias_percent: args.cycle_bias,
            seed: args.seed,
            ortools: args.ortools,
        },
    );
    if temporary {
        let _ = std::fs::remove_dir_all(&dir);
    }
    let stdout = io::stdout();
    let mut out = stdout.lock();
    writeln!(out, "{}", serde_json::to_string_pretty(&result?)?)?;
    Ok(())
}

/// Reads every row of a reader, stopping at the first bad one.
fn read_all<T>(rows: impl Iterator<Item = Result<T, ImportError>>) -> Result<Vec<T>> {
    let mut all = Vec::new();
    for row in rows {
        all.push(row?);
    }
    Ok(all)
}

fn open(path: &Path) -> Result<File> {
    File::open(path).with_context(|| format!("open {}", path.display()))
}

pub(crate) fn run_clear(args: ClearArgs) -> Result<()> {
    if let Some(ClearCommand::Bench(bench)) = args.command {
        return clear_bench(bench);
    }
    let (Some(parties_path), Some(obligations_path)) = (&args.parties, &args.obligations) else {
        bail!("give --parties and --obligations");
    };
    let parties_name = parties_path.display().to_string();
    let obligations_name = obligations_path.display().to_string();
    let party_rows = read_all(PartiesReader::new(&parties_name, open(parties_path)?)?)?;
    let json_lines = obligations_path
        .extension()
        .is_some_and(|ext| ext == "jsonl" || ext == "ndjson");
    let obligation_rows = if json_lines {
        read_all(ObligationsJsonReader::new(
            &obligations_name,
            open(obligations_path)?,
        ))?
    } else {
        read_all(ObligationsReader::new(
            &obligations_name,
            open(obligations_path)?,
        )?)?
    };
    let lines: HashMap<String, u64> = obligation_rows
        .iter()
        .map(|row| (row.id.clone(), row.line))
        .collect();
    let parties = party_rows
        .into_iter()
        .map(|row| Party {
            id: row.id,
            country: row.country.to_owned(),
            kind: match row.kind {
                "central-bank" => PartyKind::CentralBank,
                "bank" => PartyKind::Bank,
                "restricted-pool" => PartyKind::RestrictedPool,
                "clearing-agent" => PartyKind::ClearingAgent,
                _ => PartyKind::Trader,
            },
            name: row.name,
        })
        .collect();
    let obligations = obligation_rows
        .into_iter()
        .map(|row| Obligation {
            id: row.id,
            debtor: row.debtor,
            creditor: row.creditor,
            amount: row.amount,
            due: row.due,
            hs_code: row.hs_code.map(|code| code.as_str().to_owned()),
            reference: row.reference,
        })
        .collect();
    let network = Network::new(parties, obligations).map_err(|error| {
        match (error.obligation_id(), error.field()) {
            (Some(id), Some(field)) => {
                let line = lines.get(id).copied().unwrap_or(0);
                anyhow::anyhow!("{obligations_name} line {line}, column {field}: {error}")
            }
            _ => anyhow::anyhow!("{parties_name}: {error}"),
        }
    })?;

    let mut results = Vec::new();
    let all = args.method == MethodArg::All;
    if all || args.method == MethodArg::Netting {
        results.push(bilateral_netting(&network));
    }
    if all || args.method == MethodArg::Multilateral {
        results.push(multilateral_netting(&network));
    }
    if all || args.method == MethodArg::Setoff {
        results.push(set_off(&network)?);
    }
    if args.method == MethodArg::SetoffLiquidity && args.liquidity.is_none() {
        bail!("setoff+liquidity needs --liquidity FILE");
    }
    if let Some(path) = &args.liquidity {
        let name = path.display().to_string();
        let mut liquidity = Vec::new();
        for row in LiquidityReader::new(&name, open(path)?)? {
            let row = row?;
            let party = network.party_index(&row.party).ok_or_else(|| {
                anyhow::anyhow!(
                    "{name} line {}, column party: {:?} is not a party of the cycle",
                    row.line,
                    row.party
                )
            })?;
            liquidity.push((party, row.amount));
        }
        if all || args.method == MethodArg::SetoffLiquidity {
            results.push(set_off_with_liquidity(&network, &liquidity)?);
        }
    }
    let stdout = io::stdout();
    let mut out = stdout.lock();
    for result in &results {
        match args.format {
            ClearFormat::Json => writeln!(out, "{}", result_json(&network, result))?,
            ClearFormat::Table => write_table(&mut out, &network, result)?,
        }
    }
    Ok(())
}

fn method_name(method: Method) -> &'static str {
    match method {
        Method::BilateralNetting => "netting",
        Method::MultilateralNetting => "multilateral",
        Method::SetOff => "setoff",
        Method::SetOffWithLiquidity => "setoff+liquidity",
    }
}

/// An amount as a plain decimal string (`108571.57`), as JSON carries it.
fn plain(money: Money) -> String {
    money.format_amount().replace(',', "")
}

/// For set-off: each obligation's cycles, described.
fn paths(network: &Network, result: &ClearingResult) -> BTreeMap<usize, Vec<String>> {
    let mut paths: BTreeMap<usize, Vec<String>> = BTreeMap::new();
    if result.method != Method::SetOff {
        return paths;
    }
    for cycle in explain(network, result).iter() {
        let text = cycle.describe(network);
        for &obligation in cycle.obligations {
            paths
                .entry(obligation as usize)
                .or_default()
                .push(text.clone());
        }
    }
    paths
}

fn result_json(network: &Network, result: &ClearingResult) -> Value {
    let by_currency = |pick: &dyn Fn(&corridor_clearing::Totals) -> Money| -> Value {
        Value::Object(
            result
                .totals
                .iter()
                .map(|t| (t.currency.code().to_owned(), Value::String(plain(pick(t)))))
                .collect(),
        )
    };
    let paths = paths(network, result);
    json!({
        "method": method_name(result.method),
        "total_debt": by_currency(&|t| t.debt),
        "discharged": by_currency(&|t| t.discharged),
        "remaining": by_currency(&|t| t.remaining),
        "cash_moved": by_currency(&|t| t.cash_moved),
        "cash_cross_border": by_currency(&|t| t.cash_cross_border),
        "saved_percent": result.totals.iter().map(|t| (t.currency.code().to_owned(), Value::from(percent_digits(i128::from(t.saved_bp))))).collect::<serde_json::Map<_, _>>(),
        "certificates_checked": result.certificates.len(),
        "obligations": network.obligations().iter().zip(&result.obligations).enumerate().map(|(i, (o, outcome))| json!({
            "id": o.id,
            "discharged": plain(outcome.discharged()),
            "offset": plain(outcome.offset),
            "cash": plain(outcome.cash),
            "remaining": plain(outcome.remaining),
            "method": method_name(result.method),
            "path": paths.get(&i).cloned().unwrap_or_default(),
        })).collect::<Vec<_>>(),
    })
}

fn write_table(out: &mut dyn Write, network: &Network, result: &ClearingResult) -> Result<()> {
    writeln!(out, "== {} ==", method_name(result.method))?;
    let totals: Vec<Vec<String>> = result
        .totals
        .iter()
        .map(|t| {
            vec![
                t.currency.code().to_owned(),
                t.debt.format_amount(),
                t.discharged.format_amount(),
                t.offset.format_amount(),
                t.remaining.format_amount(),
                t.cash_moved.format_amount(),
                t.cash_cross_border.format_amount(),
                percent(i128::from(t.saved_bp)),
            ]
        })
        .collect();
    out.write_all(
        render::table(
            &[
                "currency",
                "debt",
                "discharged",
                "without_cash",
                "remaining",
                "cash_moved",
                "cash_cross_border",
                "saved",
            ],
            &totals,
        )
        .as_bytes(),
    )?;
    let paths = paths(network, result);
    let rows: Vec<Vec<String>> = network
        .obligations()
        .iter()
        .zip(&result.obligations)
        .enumerate()
        .map(|(i, (o, outcome))| {
            vec![
                o.id.clone(),
                o.debtor.clone(),
                o.creditor.clone(),
                o.amount.to_string(),
                outcome.offset.format_amount(),
                outcome.cash.format_amount(),
                outcome.remaining.format_amount(),
                paths.get(&i).map(|p| p.join("; ")).unwrap_or_default(),
            ]
        })
        .collect();
    out.write_all(
        render::table(
            &[
                "obligation",
                "debtor",
                "creditor",
                "amount",
                "without_cash",
                "cash",
                "remaining",
                "path",
            ],
            &rows,
        )
        .as_bytes(),
    )?;
    writeln!(out)?;
    if result.totals.is_empty() {
        bail!("no obligations");
    }
    Ok(())
}
