//! The clearing benchmark: a seeded obligation network of one of three shapes is written to
//! CSV files, then cleared end to end (files read, network built, exact set-off solved and
//! certified, set-off explained); optionally Google OR-tools' `SimpleMinCostFlow` (its
//! Python package) solves the same file's set-off in the same run, and the two optima are
//! compared.
//!
//! Random graphs flatter clearing, so there are three models:
//! - `uniform`: random debtor and creditor pairs;
//! - `corridor`: two countries, traders and banks on each side; goods debts mostly one way
//!   (importers of B owe exporters of A), fewer the other way, an energy debt of B's state
//!   buyer to A's energy company, and domestic debts (exporters owe their suppliers);
//! - `supply`: layers of suppliers and buyers, buyers owing the layer above, with a few
//!   debts back down (`cycle_bias` of them) that close cycles.

use std::fmt::Write as _;
use std::io::Write as _;
use std::path::Path;
use std::time::Instant;

use corridor_clearing::{set_off, Explainer, Network, Obligation, Party, PartyKind};
use corridor_import::{read_obligations, PartiesReader};
use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};
use serde_json::{json, Value};

use crate::{peak_rss_mb, reset_peak_rss, round_to, run_python, BenchError};

/// The shape of the generated network.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NetworkModel {
    /// Random pairs.
    Uniform,
    /// Two countries' traders, banks and an energy debt.
    Corridor,
    /// Layered supply chains with few cycles.
    Supply,
}

impl NetworkModel {
    /// `uniform`, `corridor` or `supply`.
    pub fn name(self) -> &'static str {
        match self {
            NetworkModel::Uniform => "uniform",
            NetworkModel::Corridor => "corridor",
            NetworkModel::Supply => "supply",
        }
    }
}

/// What the clearing benchmark runs.
#[derive(Clone, Debug)]
pub struct ClearBenchConfig {
    /// Parties.
    pub parties: usize,
    /// Obligations.
    pub obligations: usize,
    /// The network's shape.
    pub model: NetworkModel,
    /// Share of obligations that run against the model's main direction (closing cycles),
    /// in percent.
    pub cycle_bias_percent: u32,
    /// The seed.
    pub seed: u64,
    /// Also solve with OR-tools (`python3` with the `ortools` package).
    pub ortools: bool,
}

fn io_error(what: &str) -> impl Fn(std::io::Error) -> BenchError + '_ {
    move |e| BenchError::Unexpected(format!("{what}: {e}"))
}

/// Writes the network, clears it, returns the JSON the command prints.
pub fn run_clearing(dir: &Path, config: &ClearBenchConfig) -> Result<Value, BenchError> {
    std::fs::create_dir_all(dir).map_err(io_error("create the bench directory"))?;
    let parties_path = dir.join("parties.csv");
    let obligations_path = dir.join("obligations.csv");
    generate(&parties_path, &obligations_path, config)?;

    reset_peak_rss();
    let started = Instant::now();
    let open = |path: &Path| std::fs::File::open(path).map_err(io_error("open a bench file"));
    let unexpected = |e: &dyn std::fmt::Display| BenchError::Unexpected(e.to_string());
    let mut parties = Vec::with_capacity(config.parties);
    for row in
        PartiesReader::new("parties.csv", open(&parties_path)?).map_err(|e| unexpected(&e))?
    {
        let row = row.map_err(|e| unexpected(&e))?;
        parties.push(Party {
            id: row.id,
            country: row.country.to_owned(),
            kind: if row.kind == "bank" {
                PartyKind::Bank
            } else {
                PartyKind::Trader
            },
            name: row.name,
        });
    }
    let bytes = std::fs::read(&obligations_path).map_err(io_error("read the obligations"))?;
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get().min(4));
    let obligations: Vec<Obligation> = read_obligations("obligations.csv", &bytes, threads)
        .map_err(|e| unexpected(&e))?
        .into_iter()
        .map(|row| Obligation {
            id: row.id,
            debtor: row.debtor,
            creditor: row.creditor,
            amount: row.amount,
            due: row.due,
            hs_code: None,
            reference: row.reference,
        })
        .collect();
    drop(bytes);
    let read_seconds = started.elapsed().as_secs_f64();
    let network = Network::new(parties, obligations).map_err(|e| unexpected(&e))?;
    let built = started.elapsed().as_secs_f64();
    let result = set_off(&network).map_err(|e| unexpected(&e))?;
    let seconds = started.elapsed().as_secs_f64();
    // Explanations are made on demand, per obligation: time a sample of a thousand
    // obligations that were set off, spread over the network.
    let explain_started = Instant::now();
    let explainer = Explainer::new(&network, &result);
    let index_seconds = explain_started.elapsed().as_secs_f64();
    let set_off_obligations: Vec<usize> = (0..network.obligations().len())
        .filter(|&i| result.obligations[i].offset.amount_minor() > 0)
        .collect();
    let step = (set_off_obligations.len() / 1000).max(1);
    let sample: Vec<usize> = set_off_obligations
        .iter()
        .step_by(step)
        .take(1000)
        .copied()
        .collect();
    let sample_started = Instant::now();
    let mut sample_cycles = 0_usize;
    let mut sample_length = 0_usize;
    for &i in &sample {
        let cycles = explainer.obligation(i);
        sample_cycles += cycles.len();
        sample_length += cycles.iter().map(|c| c.obligations.len()).sum::<usize>();
    }
    let sample_seconds = sample_started.elapsed().as_secs_f64();
    let debt: i128 = result.totals.iter().map(|t| t.debt.amount_minor()).sum();
    let discharged: i128 = result
        .totals
        .iter()
        .map(|t| t.discharged.amount_minor())
        .sum();
    let mut output = json!({
        "bench": "clearing: files to a certified set-off plan; explanations on demand",
        "model": config.model.name(),
        "cycle_bias_percent": config.cycle_bias_percent,
        "parties": config.parties,
        "obligations": config.obligations,
        "seconds": round_to(seconds, 3),
        "read_seconds": round_to(read_seconds, 3),
        "build_seconds": round_to(built - read_seconds, 3),
        "solve_and_certify_seconds": round_to(seconds - built, 3),
        "explain_index_seconds": round_to(index_seconds, 3),
        "explain_sample": sample.len(),
        "explain_mean_ms": round_to(sample_seconds * 1000.0 / sample.len().max(1) as f64, 3),
        "explain_mean_cycles": round_to(sample_cycles as f64 / sample.len().max(1) as f64, 2),
        "explain_mean_cycle_length": round_to(sample_length as f64 / sample_cycles.max(1) as f64, 2),
        "debt_cents": debt.to_string(),
        "discharged": result
            .totals
            .iter()
            .map(|t| (t.currency.code().to_owned(), json!(t.discharged.format_plain())))
            .collect::<serde_json::Map<_, _>>(),
        "discharged_cents": discharged.to_string(),
        "discharged_percent": round_to(discharged as f64 * 100.0 / (debt.max(1)) as f64, 3),
        "peak_rss_mb": peak_rss_mb().map(|v| round_to(v, 3)),
    });
    if config.ortools {
        let theirs = ortools(&obligations_path)?;
        let their_discharged = theirs["discharged_cents"].as_str().unwrap_or("").to_owned();
        let their_solve = theirs["solve_seconds"].as_f64().unwrap_or(f64::NAN);
        if let Value::Object(object) = &mut output {
            object.insert("ortools".into(), theirs);
            object.insert(
                "same_optimum".into(),
                json!(their_discharged == discharged.to_string()),
            );
            object.insert(
                "ratio_ortools_solve_over_corridor_end_to_end".into(),
                json!(round_to(their_solve / seconds, 3)),
            );
        }
    }
    Ok(output)
}

/// Writes `parties.csv` and `obligations.csv` for the configured model.
fn generate(
    parties_path: &Path,
    obligations_path: &Path,
    config: &ClearBenchConfig,
) -> Result<(), BenchError> {
    let mut rng = SmallRng::seed_from_u64(config.seed);
    let n = config.parties.max(4);
    let bias = f64::from(config.cycle_bias_percent.min(100)) / 100.0;
    // Countries and kinds: the first half of the parties in country A, the rest in B; one in
    // fifty is a bank.
    let country = |p: usize| if p < n / 2 { "IRN" } else { "IRQ" };
    let mut text = String::with_capacity(n * 24);
    text.push_str("id,country,kind\n");
    for p in 0..n {
        let kind = if p % 50 == 0 { "bank" } else { "trader" };
        let _ = writeln!(text, "P{p},{},{kind}", country(p));
    }
    std::fs::write(parties_path, text).map_err(io_error("write parties.csv"))?;

    let file =
        std::fs::File::create(obligations_path).map_err(io_error("create obligations.csv"))?;
    let mut out = std::io::BufWriter::with_capacity(1 << 20, file);
    writeln!(out, "id,debtor,creditor,amount,currency,due_date").map_err(io_error("write"))?;
    let half = n / 2;
    let layers = 6usize;
    let per_layer = (n / layers).max(1);
    for o in 0..config.obligations {
        let against = rng.gen_bool(bias);
        let (debtor, creditor) = match config.model {
            NetworkModel::Uniform => {
                let d = rng.gen_range(0..n);
                let mut c = rng.gen_range(0..n - 1);
                if c >= d {
                    c += 1;
                }
                (d, c)
            }
            NetworkModel::Corridor => {
                // A's parties are 0..half, B's half..n. Most debts: B's importers owe A's
                // exporters (goods); fewer: A's importers owe B's exporters; the rest are
                // domestic (suppliers paid by exporters, importers paid by retailers).
                let a = rng.gen_range(0..half);
                let b = half + rng.gen_range(0..n - half);
                let roll = rng.gen_range(0..100u32);
                if o == 0 {
                    (half, 0) // B's state energy buyer owes A's energy company
                } else if roll < 45 {
                    (b, a)
                } else if roll < 45 + (30.0 * (0.5 + bias)) as u32 {
                    (a, b)
                } else if roll % 2 == 0 {
                    let a2 = (a + 1 + rng.gen_range(0..half - 1)) % half;
                    (a, a2)
                } else {
                    let b2 = half + (b - half + 1 + rng.gen_range(0..n - half - 1)) % (n - half);
                    (b, b2)
                }
            }
            NetworkModel::Supply => {
                // Layer k buys from layer k - 1 and owes it; a few debts run back down.
                let layer = rng.gen_range(1..layers);
                let buyer = (layer * per_layer + rng.gen_range(0..per_layer)).min(n - 1);
                let seller = ((layer - 1) * per_layer + rng.gen_range(0..per_layer)).min(n - 1);
                if against {
                    (seller, buyer)
                } else {
                    (buyer, seller)
                }
            }
        };
        if debtor == creditor {
            continue;
        }
        let cents: u64 = if o == 0 && config.model == NetworkModel::Corridor {
            500_000_000_000
        } else {
            rng.gen_range(100_000..500_000_000)
        };
        writeln!(
            out,
            "O{o},P{debtor},P{creditor},{}.{:02},USD,2024-{:02}-{:02}",
            cents / 100,
            cents % 100,
            1 + o % 12,
            1 + o % 28
        )
        .map_err(io_error("write obligations.csv"))?;
    }
    out.flush().map_err(io_error("write obligations.csv"))?;
    Ok(())
}

/// The exact set-off of the same obligations with OR-tools' `SimpleMinCostFlow`: minimum
/// remaining debt with unit costs, capacities = amounts, supplies = net positions.
fn ortools(obligations: &Path) -> Result<Value, BenchError> {
    const SCRIPT: &str = r#"
import csv, json, sys, time
from ortools.graph.python import min_cost_flow
t = time.perf_counter()
ids = {}
tails, heads, caps = [], [], []
def node(p):
    n = ids.get(p)
    if n is None:
        n = ids[p] = len(ids)
    return n
with open(sys.argv[1], newline="") as f:
    for row in csv.DictReader(f):
        units, _, cents = row["amount"].partition(".")
        tails.append(node(row["debtor"])); heads.append(node(row["creditor"]))
        caps.append(int(units) * 100 + int((cents + "00")[:2]))
supply = [0] * len(ids)
for a, b, c in zip(tails, heads, caps):
    supply[a] -= c
    supply[b] += c
load = time.perf_counter() - t
smcf = min_cost_flow.SimpleMinCostFlow()
t = time.perf_counter()
smcf.add_arcs_with_capacity_and_unit_cost(tails, heads, caps, [1] * len(caps))
# A debtor's net outflow is what it still owes: supply at the debtor side is -net position.
smcf.set_nodes_supplies(list(range(len(ids))), [-s for s in supply])
status = smcf.solve()
solve = time.perf_counter() - t
if status != smcf.OPTIMAL:
    print(json.dumps({"error": "status %d" % status})); sys.exit(1)
total = sum(caps)
print(json.dumps({"load_seconds": load, "solve_seconds": solve,
                  "discharged_cents": str(total - smcf.optimal_cost())}))
"#;
    run_python("OR-tools", "ortools", SCRIPT, &[obligations.as_os_str()])
}
