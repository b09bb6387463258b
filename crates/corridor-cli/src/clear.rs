//! `corridor clear`: a clearing cycle from files, each method reported on its own.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use clap::{Args, ValueEnum};
use serde_json::{json, Value};

use corridor_clearing::{
    bilateral_netting, multilateral_netting, pool_settlement, set_off, set_off_with_liquidity,
    then_liquidity, ClearingResult, Explainer, FxError, FxRates, Method, Network, Obligation,
    ObligationOutcome, Party, PartyKind, Pool, PoolError,
};
use corridor_cli::plan::{pool_payments_of, settlement_plan};
use corridor_cli::post::{post_plan, PostOutcome};
use corridor_cli::render;

use crate::trade::{percent, percent_digits};
use corridor_core::{Money, Rounding};
use corridor_import::{
    read_obligations, FxReader, ImportError, LiquidityReader, ObligationsJsonReader,
    ObligationsReader, PartiesReader, PoolsReader,
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

/// Threads to read a large obligations file on: the cores, at most four.
fn reading_threads() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get().min(4))
}

/// Up to this many obligations, every one is explained unless `--explain` names some.
const EXPLAIN_ALL_LIMIT: usize = 10_000;

/// The country given to parties inferred from the obligations when no parties file is
/// given: ISO 3166's user-assigned `ZZZ`, "unknown".
const UNKNOWN_COUNTRY: &str = "ZZZ";

/// A clearing cycle read from files.
struct Cycle {
    network: Network,
    /// Each obligation's own amount (before conversion), by index.
    originals: Vec<Money>,
    fx: Option<FxRates>,
    pools: Vec<Pool>,
    /// Each pool's rate as written (`32.5`).
    pool_rates: Vec<String>,
    pool_lines: Vec<u64>,
    pools_name: String,
    liquidity: Option<Vec<(usize, Money)>>,
}

fn parse_kind(kind: &str) -> PartyKind {
    match kind {
        "central-bank" => PartyKind::CentralBank,
        "bank" => PartyKind::Bank,
        "restricted-pool" => PartyKind::RestrictedPool,
        "clearing-agent" => PartyKind::ClearingAgent,
        _ => PartyKind::Trader,
    }
}

fn read_cycle(args: &ClearArgs) -> Result<Cycle> {
    let Some(obligations_path) = &args.obligations else {
        bail!("give --obligations FILE");
    };
    let obligations_name = obligations_path.display().to_string();
    let json_lines = obligations_path
        .extension()
        .is_some_and(|ext| ext == "jsonl" || ext == "ndjson");
    let obligation_rows = if json_lines {
        read_all(ObligationsJsonReader::new(
            &obligations_name,
            open(obligations_path)?,
        ))?
    } else {
        let bytes =
            std::fs::read(obligations_path).with_context(|| format!("read {obligations_name}"))?;
        read_obligations(&obligations_name, &bytes, reading_threads())?
    };
    // On an error about an obligation, its line is found by reading the file again: no
    // index of a million ids is kept for the error path.
    let obligation_error = |id: &str, field: &str, error: &dyn std::fmt::Display| {
        let line = line_of(obligations_path, json_lines, id).unwrap_or(0);
        anyhow::anyhow!("{obligations_name} line {line}, column {field}: {error}")
    };

    let (parties, parties_name) = match &args.parties {
        Some(path) => {
            let name = path.display().to_string();
            let rows = read_all(PartiesReader::new(&name, open(path)?)?)?;
            let parties = rows
                .into_iter()
                .map(|row| Party {
                    id: row.id,
                    country: row.country.to_owned(),
                    kind: parse_kind(row.kind),
                    name: row.name,
                })
                .collect::<Vec<_>>();
            (parties, name)
        }
        None => {
            // Every party the obligations name, as a trader of unknown country.
            let mut ids: Vec<&str> = obligation_rows
                .iter()
                .flat_map(|row| [row.debtor.as_str(), row.creditor.as_str()])
                .collect();
            ids.sort_unstable();
            ids.dedup();
            writeln!(
                io::stderr(),
                "no --parties: {} parties inferred from the obligations, as traders of unknown country ({UNKNOWN_COUNTRY}); cross-border figures and clearing agents need --parties",
                ids.len()
            )?;
            let parties = ids
                .into_iter()
                .map(|id| Party {
                    id: id.to_owned(),
                    country: UNKNOWN_COUNTRY.to_owned(),
                    kind: PartyKind::Trader,
                    name: None,
                })
                .collect();
            (parties, "the inferred parties".to_owned())
        }
    };

    let mut obligations: Vec<Obligation> = obligation_rows
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

    let fx = match &args.fx {
        Some(path) => {
            let name = path.display().to_string();
            let rows = read_all(FxReader::new(&name, open(path)?)?)?;
            let Some(first) = rows.first() else {
                bail!("{name}: no rates");
            };
            let to = first.to;
            if let Some(row) = rows.iter().find(|row| row.to != to) {
                bail!(
                    "{name} line {}, column to: {} is not {to}, the clearing currency of line {}: every rate must convert into one currency",
                    row.line,
                    row.to,
                    first.line
                );
            }
            let rates = FxRates::new(to, rows.iter().map(|row| (row.from, row.rate)).collect())
                .map_err(|error| {
                    let line = match &error {
                        FxError::DuplicateRate { index, .. }
                        | FxError::ClearingCurrency { index, .. } => rows[*index].line,
                        _ => 0,
                    };
                    anyhow::anyhow!("{name} line {line}, column from: {error}")
                })?;
            Some(rates)
        }
        None => None,
    };
    // With rates, each obligation's own amount, by id, to line up with the network's
    // (converted) obligations.
    let mut own_amounts: Vec<(String, Money)> = Vec::new();
    if let Some(rates) = &fx {
        own_amounts = obligations
            .iter()
            .map(|o| (o.id.clone(), o.amount))
            .collect();
        own_amounts.sort_by(|a, b| a.0.cmp(&b.0));
        obligations = rates.convert(&obligations).map_err(|error| {
            let id = error.obligation_id().unwrap_or_default().to_owned();
            let field = if matches!(error, FxError::NoRate { .. }) {
                "currency"
            } else {
                "amount"
            };
            obligation_error(&id, field, &error)
        })?;
    }
    let network = Network::new(parties, obligations).map_err(|error| {
        match (error.obligation_id(), error.field()) {
            (Some(id), Some(field)) => obligation_error(id, &field.to_string(), &error),
            _ => anyhow::anyhow!("{parties_name}: {error}"),
        }
    })?;
    // The network's obligations are sorted by id too, and the ids are unique.
    let originals: Vec<Money> = if fx.is_some() {
        own_amounts.into_iter().map(|(_, amount)| amount).collect()
    } else {
        network.obligations().iter().map(|o| o.amount).collect()
    };

    let mut pools = Vec::new();
    let mut pool_lines = Vec::new();
    let mut pool_rates = Vec::new();
    let mut pools_name = String::new();
    if let Some(path) = &args.pools {
        pools_name = path.display().to_string();
        for row in PoolsReader::new(&pools_name, open(path)?)? {
            let row = row?;
            if let Some(rates) = &fx {
                if row.amount.currency() != rates.clearing_currency() {
                    bail!(
                        "{pools_name} line {}, column currency: the pool pays in {}, but with --fx every obligation is cleared in {}",
                        row.line,
                        row.amount.currency(),
                        rates.clearing_currency()
                    );
                }
            }
            pool_lines.push(row.line);
            pool_rates.push(row.rate_text.clone());
            pools.push(Pool {
                pool: row.pool,
                owner: row.owner,
                available: row.amount,
                charge_currency: row.charge_currency,
                rate: row.rate,
                debtor_countries: row
                    .debtor_countries
                    .iter()
                    .map(|c| (*c).to_owned())
                    .collect(),
                creditor_countries: row
                    .creditor_countries
                    .iter()
                    .map(|c| (*c).to_owned())
                    .collect(),
                creditor_kinds: row.creditor_kinds.iter().map(|k| parse_kind(k)).collect(),
                debtors: row.debtors,
                goods: row.goods.iter().map(|c| c.as_str().to_owned()).collect(),
                basic_goods: row
                    .basic_goods
                    .iter()
                    .map(|c| c.as_str().to_owned())
                    .collect(),
            });
        }
        // Check the pools against the network now, so that a bad pools file stops the run
        // before anything is printed or posted.
        pool_settlement(&network, &pools, None)
            .map_err(|error| pool_error(&pools_name, &pool_lines, &error))?;
    }

    let liquidity = match &args.liquidity {
        Some(path) => {
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
                let mut amount = row.amount;
                if let Some(rates) = &fx {
                    let rate = rates.rate(amount.currency()).ok_or_else(|| {
                        anyhow::anyhow!(
                            "{name} line {}, column currency: no rate from {} to {}",
                            row.line,
                            amount.currency(),
                            rates.clearing_currency()
                        )
                    })?;
                    // Liquidity is what a party can pay: rounded down, never up.
                    amount = amount
                        .convert(rate, rates.clearing_currency(), Rounding::Down)
                        .with_context(|| format!("{name} line {}, column amount", row.line))?;
                }
                liquidity.push((party, amount));
            }
            Some(liquidity)
        }
        None => None,
    };
    Ok(Cycle {
        network,
        originals,
        fx,
        pools,
        pool_rates,
        pool_lines,
        pools_name,
        liquidity,
    })
}

/// The line of the obligation `id` in the obligations file, read again.
fn line_of(path: &Path, json_lines: bool, id: &str) -> Option<u64> {
    let name = path.display().to_string();
    let file = File::open(path).ok()?;
    if json_lines {
        ObligationsJsonReader::new(&name, file)
            .filter_map(Result::ok)
            .find(|row| row.id == id)
            .map(|row| row.line)
    } else {
        ObligationsReader::new(&name, file)
            .ok()?
            .filter_map(Result::ok)
            .find(|row| row.id == id)
            .map(|row| row.line)
    }
}

fn pool_error(name: &str, lines: &[u64], error: &PoolError) -> anyhow::Error {
    let line = lines.get(error.pool()).copied().unwrap_or(0);
    anyhow::anyhow!("{name} line {line}, column {}: {error}", error.field())
}

pub(crate) fn run_clear(args: ClearArgs) -> Result<()> {
    if let Some(ClearCommand::Bench(bench)) = args.command {
        return clear_bench(bench);
    }
    if args.post && args.data.is_none() {
        bail!("--post needs --data DIR: the ledger to post to");
    }
    let method = args.method;
    let all = method == MethodArg::All;
    if method == MethodArg::SetoffLiquidity && args.liquidity.is_none() {
        bail!("setoff+liquidity needs --liquidity FILE");
    }
    if method == MethodArg::Pool && args.pools.is_none() {
        bail!("pool needs --pools FILE");
    }
    let started = std::time::Instant::now();
    let cycle = read_cycle(&args)?;
    let read = started.elapsed();
    let network = &cycle.network;

    let mut results = Vec::new();
    if all || method == MethodArg::Netting {
        results.push(bilateral_netting(network));
    }
    if all || method == MethodArg::Multilateral {
        results.push(multilateral_netting(network));
    }
    // Set-off is needed by its own report, by the pool plan (which starts from it) and by
    // the explanations of both; netting alone does without it.
    let setoff = if all || method == MethodArg::Setoff || method == MethodArg::Pool {
        Some(set_off(network)?)
    } else {
        None
    };
    let solved = started.elapsed();
    if let Some(setoff) = setoff
        .as_ref()
        .filter(|_| all || method == MethodArg::Setoff)
    {
        results.push(setoff.clone());
    }
    if let Some(liquidity) = &cycle.liquidity {
        if all || method == MethodArg::SetoffLiquidity {
            results.push(set_off_with_liquidity(network, liquidity)?);
        }
    }
    if args.pools.is_some() && (all || method == MethodArg::Pool) {
        let mut plan = pool_settlement(network, &cycle.pools, setoff.as_ref())
            .map_err(|error| pool_error(&cycle.pools_name, &cycle.pool_lines, &error))?;
        if let Some(liquidity) = &cycle.liquidity {
            plan = then_liquidity(network, &plan, liquidity)?;
        }
        results.push(plan);
    }
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
    let mut cycles: BTreeMap<usize, Vec<String>> = BTreeMap::new();
    if let Some(setoff) = &setoff {
        let explainer = Explainer::new(network, setoff);
        for i in asked {
            let described = explainer
                .obligation(i)
                .iter()
                .map(|cycle| cycle.describe(network))
                .collect();
            cycles.insert(i, described);
        }
    }
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
            ClearFormat::Table => report.write_table(&mut out, result)?,
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

fn method_name(method: Method) -> &'static str {
    match method {
        Method::BilateralNetting => "netting",
        Method::MultilateralNetting => "multilateral",
        Method::SetOff => "setoff",
        Method::SetOffWithLiquidity => "setoff+liquidity",
        Method::PoolFunded => "pool",
    }
}

/// An amount as a plain decimal string (`108571.57`), as JSON carries it.
fn plain(money: Money) -> String {
    money.format_plain()
}

/// The methods that discharged something of an outcome: `setoff` (or `netting`), `pool`,
/// `cash`, joined with `+`.
fn methods(outcome: &ObligationOutcome, method: Method) -> String {
    let offset_name = match method {
        Method::BilateralNetting | Method::MultilateralNetting => "netting",
        _ => "setoff",
    };
    let mut names = Vec::new();
    if outcome.offset.amount_minor() > 0 {
        names.push(offset_name);
    }
    if outcome.pooled.amount_minor() > 0 {
        names.push("pool");
    }
    if outcome.cash.amount_minor() > 0 {
        names.push("cash");
    }
    names.join("+")
}

/// One obligation in the JSON output.
#[derive(serde::Serialize)]
struct ObligationJson<'a> {
    id: &'a str,
    amount: String,
    currency: String,
    discharged: String,
    offset: String,
    cash: String,
    pooled: String,
    remaining: String,
    method: String,
    path: Vec<String>,
}

/// What the output and the posting need besides a result.
struct Report<'a> {
    cycle: &'a Cycle,
    cycles: &'a BTreeMap<usize, Vec<String>>,
}

impl Report<'_> {
    /// Obligation `i`'s outcome in its own currency (converted back at the cycle's rate
    /// when the cycle was cleared in one currency: cumulatively, so the parts add up).
    fn parts(&self, result: &ClearingResult, i: usize) -> ObligationOutcome {
        let outcome = &result.obligations[i];
        match &self.cycle.fx {
            None => *outcome,
            Some(rates) => rates.outcome_in_own_currency(
                self.cycle.originals[i],
                self.cycle.network.obligations()[i].amount,
                outcome,
            ),
        }
    }

    /// Obligation `i`'s path: its set-off cycles, its pool payments.
    fn path(&self, result: &ClearingResult, i: usize) -> Vec<String> {
        let network = &self.cycle.network;
        let mut path = Vec::new();
        if matches!(result.method, Method::SetOff | Method::PoolFunded) {
            path.extend(self.cycles.get(&i).cloned().unwrap_or_default());
        }
        for payment in pool_payments_of(result, i).into_iter() {
            let pool = &self.cycle.pools[payment.pool];
            path.push(format!(
                "{} paid from pool {} to {}; {} charged {} for {} at {}",
                payment.paid,
                pool.pool,
                network.obligations()[i].creditor,
                network.obligations()[i].debtor,
                payment.charged,
                pool.owner,
                self.cycle.pool_rates[payment.pool]
            ));
        }
        path
    }

    /// One obligation's entry of the JSON output.
    fn obligation_json(&self, result: &ClearingResult, i: usize) -> ObligationJson<'_> {
        let o = &self.cycle.network.obligations()[i];
        let parts = self.parts(result, i);
        ObligationJson {
            id: &o.id,
            amount: plain(self.cycle.originals[i]),
            currency: self.cycle.originals[i].currency().code().to_owned(),
            discharged: plain(parts.discharged()),
            offset: plain(parts.offset),
            cash: plain(parts.cash),
            pooled: plain(parts.pooled),
            remaining: plain(parts.remaining),
            method: methods(&parts, result.method),
            path: self.path(result, i),
        }
    }

    /// Writes the result as one JSON object on one line, the obligations streamed one by
    /// one (a million obligations never sit in memory as JSON values).
    fn write_json(&self, out: &mut dyn Write, result: &ClearingResult) -> Result<()> {
        let head = serde_json::to_string(&self.json_head(result))?;
        // `head` is an object; the obligations go in as its last member.
        let head = head.strip_suffix('}').unwrap_or(&head);
        write!(out, "{head},\"obligations\":[")?;
        for i in 0..self.cycle.network.obligations().len() {
            if i > 0 {
                out.write_all(b",")?;
            }
            serde_json::to_writer(&mut *out, &self.obligation_json(result, i))?;
        }
        writeln!(out, "]}}")?;
        Ok(())
    }

    /// Everything of the JSON output but the obligations.
    fn json_head(&self, result: &ClearingResult) -> Value {
        let network = &self.cycle.network;
        let by_currency = |pick: &dyn Fn(&corridor_clearing::Totals) -> Money| -> Value {
            Value::Object(
                result
                    .totals
                    .iter()
                    .map(|t| (t.currency.code().to_owned(), Value::String(plain(pick(t)))))
                    .collect(),
            )
        };
        let mut value = json!({
            "method": method_name(result.method),
            "total_debt": by_currency(&|t| t.debt),
            "discharged": by_currency(&|t| t.discharged),
            "remaining": by_currency(&|t| t.remaining),
            "cash_moved": by_currency(&|t| t.cash_moved),
            "cash_cross_border": by_currency(&|t| t.cash_cross_border),
            "pooled": by_currency(&|t| t.pooled),
            "saved_percent": result.totals.iter().map(|t| (t.currency.code().to_owned(), Value::from(percent_digits(i128::from(t.saved_bp))))).collect::<serde_json::Map<_, _>>(),
            "certificates_checked": result.certificates.len(),
            "parties": result.cash.iter().map(|c| json!({
                "party": network.parties()[c.party].id,
                "currency": c.paid.currency().code(),
                "paid": plain(c.paid),
                "received": plain(c.received),
            })).collect::<Vec<_>>(),
        });
        if !result.pools.is_empty() {
            value["pools"] = result
                .pools
                .iter()
                .map(|u| {
                    let pool = &self.cycle.pools[u.pool];
                    json!({
                        "pool": pool.pool,
                        "owner": pool.owner,
                        "currency": u.available.currency().code(),
                        "available": plain(u.available),
                        "paid": plain(u.paid),
                        "left": plain(Money::from_minor(u.available.amount_minor() - u.paid.amount_minor(), u.available.currency())),
                        "obligations": u.obligations,
                        "unpaid_eligible": plain(u.unpaid_eligible),
                        "charge_currency": u.charged.currency().code(),
                        "charged": plain(u.charged),
                        "rate": self.cycle.pool_rates[u.pool],
                    })
                })
                .collect();
        }
        if let Some(rates) = &self.cycle.fx {
            value["clearing_currency"] = Value::from(rates.clearing_currency().code());
        }
        value
    }

    fn write_table(&self, out: &mut dyn Write, result: &ClearingResult) -> Result<()> {
        let network = &self.cycle.network;
        writeln!(out, "== {} ==", method_name(result.method))?;
        if let Some(rates) = &self.cycle.fx {
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
                render::table(&["party", "country", "currency", "pays", "receives"], &rows)
                    .as_bytes(),
            )?;
        }
        if !result.pools.is_empty() {
            let rows: Vec<Vec<String>> = result
                .pools
                .iter()
                .map(|u| {
                    let pool = &self.cycle.pools[u.pool];
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
                            u.charged, pool.owner, self.cycle.pool_rates[u.pool]
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
                let parts = self.parts(result, i);
                vec![
                    o.id.clone(),
                    o.debtor.clone(),
                    o.creditor.clone(),
                    self.cycle.originals[i].to_string(),
                    parts.offset.format_amount(),
                    parts.pooled.format_amount(),
                    parts.cash.format_amount(),
                    parts.remaining.format_amount(),
                    self.path(result, i).join("; "),
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
}

/// Posts the plan of `result` to the ledger in `--data`, and keeps the plan beside it
/// (`DIR/plans/PLAN.json`). Returns what to print.
fn post(args: &ClearArgs, report: &Report<'_>, result: &ClearingResult) -> Result<Value> {
    let Some(data) = &args.data else {
        bail!("--post needs --data DIR");
    };
    let plan = settlement_plan(
        &report.cycle.network,
        result,
        &report.cycle.pools,
        &|i| report.parts(result, i),
        method_name(result.method),
    );
    let id = plan.id;
    let mut store = crate::open_ledger(data)?;
    let outcome = post_plan(&mut store, &plan, &mut crate::now_nanos)
        .with_context(|| format!("post plan {id:032x} to the ledger in {}", data.display()))?;
    store.close().context("close the ledger")?;

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
            .and_then(|()| Ok(writer.flush()?))
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
