//! `corridor clear`: a clearing cycle from files, each method reported on its own.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use clap::{Args, ValueEnum};
use serde_json::{json, Value};

use corridor_clearing::ClearingResult;
use corridor_cli::post::{post_plan, PostOutcome};
use corridor_cli::render;
use corridor_core::Money;
use corridor_settlement::cycle::{
    self, describe_cycles, method_name, Cleared, Cycle, CycleInput, MethodChoice, Named, Report,
    EXPLAIN_ALL_LIMIT, UNKNOWN_COUNTRY,
};

use crate::trade::percent;

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
    /// The settlement plan with restricted pools (--pools): set-off, then the pools, then
    /// cash up to each party's liquidity when --liquidity is given.
    Pool,
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
    /// The parties (CSV: id,country,kind[,name]). Without it, the parties are those the
    /// obligations name, as traders of unknown country.
    #[arg(long)]
    parties: Option<PathBuf>,
    /// What each party can pay in cash this cycle (CSV: party,amount,currency), for
    /// setoff+liquidity (and all).
    #[arg(long)]
    liquidity: Option<PathBuf>,
    /// Restricted pools and their rules (CSV: pool,owner,amount,currency,charge_currency,
    /// rate,creditor_countries[,debtor_countries,creditor_kinds,debtors,goods,basic_goods]).
    #[arg(long)]
    pools: Option<PathBuf>,
    /// Exchange rates fixed for the cycle (CSV: from,to,rate), all into one clearing
    /// currency: obligations of every currency then clear together.
    #[arg(long)]
    fx: Option<PathBuf>,
    /// Which method. `all` runs each in turn; with --post the last one (the most complete
    /// plan) is posted.
    #[arg(long, value_enum, default_value = "all")]
    method: MethodArg,
    /// Explain these obligations (ids, comma-separated or repeated): the cycles that set
    /// each off. Without it every obligation is explained when the cycle has at most
    /// 10,000 obligations.
    #[arg(long, value_delimiter = ',')]
    explain: Vec<String>,
    /// Print how long reading, solving, planning and writing took (cumulative), on stderr.
    #[arg(long)]
    timings: bool,
    /// Post the plan to the ledger in --data as one atomic step; posting the same plan again
    /// changes nothing.
    #[arg(long, requires = "data")]
    post: bool,
    /// The data directory (the ledger is DIR/ledger; posted plans are kept in DIR/plans).
    #[arg(long)]
    data: Option<PathBuf>,
    /// Post to the ledger on PostgreSQL instead of DIR/ledger (plans are still kept in
    /// DIR/plans).
    #[command(flatten)]
    database: crate::DatabaseArgs,
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
/// Reads a file whole.
fn read_file(path: &Path) -> Result<Vec<u8>> {
    std::fs::read(path).with_context(|| format!("read {}", path.display()))
}

/// Threads to read a large obligations file on: the cores, at most four.
fn reading_threads() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get().min(4))
}

/// Reads the cycle's files and checks them (the same code as the service's).
fn read_cycle(args: &ClearArgs) -> Result<Cycle> {
    let Some(obligations_path) = &args.obligations else {
        bail!("give --obligations FILE");
    };
    let mut names = Vec::new();
    let mut contents = Vec::new();
    for path in [
        Some(obligations_path),
        args.parties.as_ref(),
        args.fx.as_ref(),
        args.pools.as_ref(),
        args.liquidity.as_ref(),
    ] {
        match path {
            Some(path) => {
                names.push(path.display().to_string());
                contents.push(Some(read_file(path)?));
            }
            None => {
                names.push(String::new());
                contents.push(None);
            }
        }
    }
    let named = |i: usize| {
        contents[i].as_deref().map(|bytes| Named {
            name: &names[i],
            bytes,
        })
    };
    let Some(obligations) = named(0) else {
        bail!("give --obligations FILE");
    };
    let cycle = cycle::read_cycle(&CycleInput {
        obligations,
        obligations_json_lines: obligations_path
            .extension()
            .is_some_and(|ext| ext == "jsonl" || ext == "ndjson"),
        parties: named(1),
        fx: named(2),
        pools: named(3),
        liquidity: named(4),
        threads: reading_threads(),
    })?;
    if let Some(count) = cycle.inferred_parties {
        writeln!(
            io::stderr(),
            "no --parties: {count} parties inferred from the obligations, as traders of unknown country ({UNKNOWN_COUNTRY}); cross-border figures and clearing agents need --parties"
        )?;
    }
    Ok(cycle)
}

pub(crate) fn run_clear(args: ClearArgs) -> Result<()> {
    if let Some(ClearCommand::Bench(bench)) = args.command {
        return clear_bench(bench);
    }
    if args.post && args.data.is_none() {
        bail!("--post needs --data DIR: the ledger to post to");
    }
    let method = match args.method {
        MethodArg::Netting => MethodChoice::Netting,
        MethodArg::Multilateral => MethodChoice::Multilateral,
        MethodArg::Setoff => MethodChoice::Setoff,
        MethodArg::SetoffLiquidity => MethodChoice::SetoffLiquidity,
        MethodArg::Pool => MethodChoice::Pool,
        MethodArg::All => MethodChoice::All,
    };
    if method == MethodChoice::SetoffLiquidity && args.liquidity.is_none() {
        bail!("setoff+liquidity needs --liquidity FILE");
    }
    if method == MethodChoice::Pool && args.pools.is_none() {
        bail!("pool needs --pools FILE");
    }
    let started = std::time::Instant::now();
    let cycle = read_cycle(&args)?;
    let read = started.elapsed();
    let network = &cycle.network;
    let Cleared { results, setoff } = cycle::clear(&cycle, method)?;
    let solved = started.elapsed();
    let Some(last) = results.last() else {
        bail!("no method chosen");
    };
    // The cycles of the set-off, described once for every result that has them: for the
    // obligations asked about, or for all of them in a cycle small enough to print whole.
    let asked: Vec<usize> = if setoff.is_none() {
        if !args.explain.is_empty() {
            bail!("--explain explains set-off: give --method setoff, pool or all");
        }
        Vec::new()
    } else if args.explain.is_empty() {
        if network.obligations().len() <= EXPLAIN_ALL_LIMIT {
            (0..network.obligations().len()).collect()
        } else {
            writeln!(
                io::stderr(),
                "{} obligations: paths are given only for those named with --explain ID",
                network.obligations().len()
            )?;
            Vec::new()
        }
    } else {
        args.explain
            .iter()
            .map(|id| {
                network
                    .obligation_index(id)
                    .ok_or_else(|| anyhow::anyhow!("--explain: there is no obligation {id:?}"))
            })
            .collect::<Result<_>>()?
    };
    let cycles = match &setoff {
        Some(setoff) => describe_cycles(network, setoff, asked),
        None => BTreeMap::new(),
    };
    let report = Report {
        cycle: &cycle,
        cycles: &cycles,
    };

    let planned = started.elapsed();
    let posted = if args.post {
        Some(post(&args, &report, last)?)
    } else {
        None
    };

    let stdout = io::stdout();
    let mut out = io::BufWriter::with_capacity(1 << 16, stdout.lock());
    for result in &results {
        match args.format {
            ClearFormat::Json => report.write_json(&mut out, result)?,
            ClearFormat::Table => write_table(&report, &mut out, result)?,
        }
    }
    if let Some(posted) = posted {
        match args.format {
            ClearFormat::Json => writeln!(out, "{posted}")?,
            ClearFormat::Table => writeln!(
                out,
                "plan {} of method {}: {}",
                posted["plan"].as_str().unwrap_or_default(),
                posted["method"].as_str().unwrap_or_default(),
                posted["outcome"].as_str().unwrap_or_default()
            )?,
        }
    }
    out.flush()?;
    if args.timings {
        writeln!(
            io::stderr(),
            "timings: read and checked {:.3} s, solved {:.3} s, planned {:.3} s, written {:.3} s",
            read.as_secs_f64(),
            solved.as_secs_f64(),
            planned.as_secs_f64(),
            started.elapsed().as_secs_f64()
        )?;
    }
    Ok(())
}

/// The table output of a result.
fn write_table(report: &Report<'_>, out: &mut dyn Write, result: &ClearingResult) -> Result<()> {
    let network = &report.cycle.network;
    writeln!(out, "== {} ==", method_name(result.method))?;
    if let Some(rates) = &report.cycle.fx {
        writeln!(
            out,
            "cleared in {} at the cycle's rates (half to even); amounts below in each obligation's own currency",
            rates.clearing_currency()
        )?;
    }
    let totals: Vec<Vec<String>> = result
        .totals
        .iter()
        .map(|t| {
            vec![
                t.currency.code().to_owned(),
                t.debt.format_amount(),
                t.discharged.format_amount(),
                t.offset.format_amount(),
                t.pooled.format_amount(),
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
                "from_pools",
                "remaining",
                "cash_moved",
                "cash_cross_border",
                "saved",
            ],
            &totals,
        )
        .as_bytes(),
    )?;
    if !result.cash.is_empty() {
        // Who pays and who is paid, per currency: what the operator has to move.
        let rows: Vec<Vec<String>> = result
            .cash
            .iter()
            .map(|c| {
                let party = &network.parties()[c.party];
                vec![
                    party.id.clone(),
                    party.country.clone(),
                    c.paid.currency().code().to_owned(),
                    c.paid.format_amount(),
                    c.received.format_amount(),
                ]
            })
            .collect();
        out.write_all(
            render::table(&["party", "country", "currency", "pays", "receives"], &rows).as_bytes(),
        )?;
    }
    if !result.pools.is_empty() {
        let rows: Vec<Vec<String>> = result
            .pools
            .iter()
            .map(|u| {
                let pool = &report.cycle.pools[u.pool];
                vec![
                    pool.pool.clone(),
                    u.available.to_string(),
                    u.paid.format_amount(),
                    Money::from_minor(
                        u.available.amount_minor() - u.paid.amount_minor(),
                        u.available.currency(),
                    )
                    .format_amount(),
                    u.obligations.to_string(),
                    u.unpaid_eligible.format_amount(),
                    format!(
                        "{} to {} at {}",
                        u.charged, pool.owner, report.cycle.pool_rates[u.pool]
                    ),
                ]
            })
            .collect();
        out.write_all(
            render::table(
                &[
                    "pool",
                    "available",
                    "paid",
                    "left",
                    "obligations",
                    "eligible_unpaid",
                    "debtors_charged",
                ],
                &rows,
            )
            .as_bytes(),
        )?;
    }
    let rows: Vec<Vec<String>> = (0..network.obligations().len())
        .map(|i| {
            let o = &network.obligations()[i];
            let parts = report.parts(result, i);
            vec![
                o.id.clone(),
                o.debtor.clone(),
                o.creditor.clone(),
                report.cycle.originals[i].to_string(),
                parts.offset.format_amount(),
                parts.pooled.format_amount(),
                parts.cash.format_amount(),
                parts.remaining.format_amount(),
                report.path(result, i).join("; "),
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
                "from_pools",
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

/// Posts the plan of `result` to the ledger in `--data`, and keeps the plan beside it
/// (`DIR/plans/PLAN.json`). Returns what to print.
fn post(args: &ClearArgs, report: &Report<'_>, result: &ClearingResult) -> Result<Value> {
    let Some(data) = &args.data else {
        bail!("--post needs --data DIR");
    };
    let plan = report.plan(result);
    let id = plan.id;
    let mut ledger = crate::OpenLedger::open(&crate::DataArgs {
        data: data.clone(),
        database: args.database.clone(),
    })?;
    let outcome = post_plan(ledger.store(), &plan, &mut crate::now_nanos)
        .with_context(|| format!("post plan {id:032x} to the ledger"))?;
    ledger.close()?;

    let plans = data.join("plans");
    std::fs::create_dir_all(&plans).with_context(|| format!("create {}", plans.display()))?;
    let path = plans.join(format!("{id:032x}.json"));
    if !path.exists() {
        let temporary = plans.join(format!("{id:032x}.json.tmp"));
        let file =
            File::create(&temporary).with_context(|| format!("create {}", temporary.display()))?;
        let mut writer = io::BufWriter::new(file);
        report
            .write_json(&mut writer, result)
            .and_then(|()| writer.flush())
            .with_context(|| format!("write {}", temporary.display()))?;
        std::fs::rename(&temporary, &path).with_context(|| format!("write {}", path.display()))?;
    }
    let (text, count) = match outcome {
        PostOutcome::Posted { transfers, .. } => ("posted", transfers),
        PostOutcome::AlreadyPosted { transfers } => ("already posted: nothing changed", transfers),
    };
    Ok(json!({
        "plan": format!("{id:032x}"),
        "method": method_name(result.method),
        "outcome": text,
        "transfers": count,
        "plan_file": path.display().to_string(),
    }))
}
