//! A clearing cycle, the same for `corridor clear` and the service: read from named inputs
//! (files' or request bodies' bytes) and checked, cleared by the chosen methods (each
//! reported on its own), explained, described as JSON, and turned into a settlement plan.

use std::collections::BTreeMap;
use std::io::{self, Write};

use serde_json::{json, Value};

use corridor_clearing::{
    bilateral_netting, multilateral_netting, pool_settlement, set_off, set_off_with_liquidity,
    then_liquidity, ClearingResult, Explainer, FxError, FxRates, Method, Network, Obligation,
    ObligationOutcome, Party, PartyKind, Pool, PoolError, SetOffError,
};
use corridor_core::{Money, Rounding};
use corridor_import::{
    read_obligations, FxReader, ImportError, LiquidityReader, ObligationsJsonReader,
    ObligationsReader, PartiesReader, PoolsReader,
};

use crate::plan::{pool_payments_of, settlement_plan};
use crate::post::Plan;

macro_rules! invalid {
    ($($arg:tt)*) => {
        CycleError::Invalid(format!($($arg)*))
    };
}

/// One input of a cycle: its name, for errors (a file's path, `obligations` of a request),
/// and its bytes.
#[derive(Clone, Copy, Debug)]
pub struct Named<'a> {
    /// The name errors give.
    pub name: &'a str,
    /// The content.
    pub bytes: &'a [u8],
}

/// What a cycle is read from. Formats: `docs/formats/clearing-files.md`.
#[derive(Clone, Copy, Debug)]
pub struct CycleInput<'a> {
    /// The obligations: CSV, or JSON lines when `obligations_json_lines`.
    pub obligations: Named<'a>,
    /// Whether the obligations are JSON lines.
    pub obligations_json_lines: bool,
    /// The parties; without them, every party the obligations name, as a trader of unknown
    /// country.
    pub parties: Option<Named<'a>>,
    /// Exchange rates fixed for the cycle.
    pub fx: Option<Named<'a>>,
    /// Restricted pools.
    pub pools: Option<Named<'a>>,
    /// Each party's liquidity.
    pub liquidity: Option<Named<'a>>,
    /// Threads to read a large CSV of obligations on.
    pub threads: usize,
}

/// Why a cycle could not be read or cleared. The message names the input, line and column.
#[derive(Debug, thiserror::Error)]
pub enum CycleError {
    /// A row could not be read.
    #[error(transparent)]
    Read(#[from] ImportError),
    /// The inputs disagree or a value is not allowed.
    #[error("{0}")]
    Invalid(String),
    /// The solver failed (a defect: its certificate did not check).
    #[error("set-off: {0}")]
    Solve(#[from] SetOffError),
}

/// The methods to run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MethodChoice {
    /// Bilateral netting per pair and currency.
    Netting,
    /// Multilateral netting through one clearing agent per country.
    Multilateral,
    /// Exact multilateral set-off.
    Setoff,
    /// Set-off with each party's liquidity.
    SetoffLiquidity,
    /// Set-off, then the pools, then cash up to each party's liquidity.
    Pool,
    /// Every method the inputs allow, each reported on its own.
    All,
}

impl MethodChoice {
    /// The choice named `name` (`netting`, `multilateral`, `setoff`, `setoff+liquidity`,
    /// `pool`, `all`).
    pub fn from_name(name: &str) -> Option<MethodChoice> {
        Some(match name {
            "netting" => MethodChoice::Netting,
            "multilateral" => MethodChoice::Multilateral,
            "setoff" => MethodChoice::Setoff,
            "setoff+liquidity" => MethodChoice::SetoffLiquidity,
            "pool" => MethodChoice::Pool,
            "all" => MethodChoice::All,
            _ => return None,
        })
    }
}

/// A cycle's results: one per method run, in the order netting, multilateral, set-off,
/// set-off with liquidity, pools; and the set-off the explanations and the pool plan start
/// from, when it was computed.
#[derive(Debug)]
pub struct Cleared {
    /// One result per method run.
    pub results: Vec<ClearingResult>,
    /// The set-off, when computed.
    pub setoff: Option<ClearingResult>,
}

/// Clears `cycle` by `method`.
pub fn clear(cycle: &Cycle, method: MethodChoice) -> Result<Cleared, CycleError> {
    let network = &cycle.network;
    let all = method == MethodChoice::All;
    if method == MethodChoice::SetoffLiquidity && cycle.liquidity.is_none() {
        return Err(invalid!("setoff+liquidity needs liquidity"));
    }
    if method == MethodChoice::Pool && cycle.pools.is_empty() && cycle.pools_name.is_empty() {
        return Err(invalid!("pool needs pools"));
    }
    let mut results = Vec::new();
    if all || method == MethodChoice::Netting {
        results.push(bilateral_netting(network));
    }
    if all || method == MethodChoice::Multilateral {
        results.push(multilateral_netting(network));
    }
    // Set-off is needed by its own report, by the pool plan (which starts from it) and by
    // the explanations of both; netting alone does without it.
    let setoff = if all || method == MethodChoice::Setoff || method == MethodChoice::Pool {
        Some(set_off(network)?)
    } else {
        None
    };
    if let Some(setoff) = setoff
        .as_ref()
        .filter(|_| all || method == MethodChoice::Setoff)
    {
        results.push(setoff.clone());
    }
    if let Some(liquidity) = &cycle.liquidity {
        if all || method == MethodChoice::SetoffLiquidity {
            results.push(set_off_with_liquidity(network, liquidity)?);
        }
    }
    if !cycle.pools_name.is_empty() && (all || method == MethodChoice::Pool) {
        let mut plan = pool_settlement(network, &cycle.pools, setoff.as_ref())
            .map_err(|error| pool_error(&cycle.pools_name, &cycle.pool_lines, &error))?;
        if let Some(liquidity) = &cycle.liquidity {
            plan = then_liquidity(network, &plan, liquidity)?;
        }
        results.push(plan);
    }
    if results.is_empty() {
        return Err(invalid!("no method chosen"));
    }
    Ok(Cleared { results, setoff })
}

/// The set-off cycles through each of the obligations `asked` (by index), described.
pub fn describe_cycles(
    network: &Network,
    setoff: &ClearingResult,
    asked: impl IntoIterator<Item = usize>,
) -> BTreeMap<usize, Vec<String>> {
    let explainer = Explainer::new(network, setoff);
    asked
        .into_iter()
        .map(|i| {
            let described = explainer
                .obligation(i)
                .iter()
                .map(|cycle| cycle.describe(network))
                .collect();
            (i, described)
        })
        .collect()
}

fn read_all<T>(rows: impl Iterator<Item = Result<T, ImportError>>) -> Result<Vec<T>, ImportError> {
    rows.collect()
}

/// A percentage of basis points with two decimals: `64.50`.
pub fn percent_digits(bp: i128) -> String {
    let sign = if bp < 0 { "-" } else { "" };
    let bp = bp.unsigned_abs();
    format!("{sign}{}.{:02}", bp / 100, bp % 100)
}

/// Up to this many obligations, every one is explained unless some are named.
pub const EXPLAIN_ALL_LIMIT: usize = 10_000;

/// The country given to parties inferred from the obligations when no parties file is
/// given: ISO 3166's user-assigned `ZZZ`, "unknown".
pub const UNKNOWN_COUNTRY: &str = "ZZZ";

/// A clearing cycle read from files.
pub struct Cycle {
    /// The parties and obligations (converted to the clearing currency with rates).
    pub network: Network,
    /// Each obligation's own amount (before conversion), by index.
    pub originals: Vec<Money>,
    /// The rates fixed for the cycle.
    pub fx: Option<FxRates>,
    /// The restricted pools.
    pub pools: Vec<Pool>,
    /// Each pool's rate as written (`32.5`).
    pub pool_rates: Vec<String>,
    /// Each pool's line in its input.
    pub pool_lines: Vec<u64>,
    /// The pools input's name; empty when no pools were given.
    pub pools_name: String,
    /// Each party's liquidity, by party index, in the clearing currency.
    pub liquidity: Option<Vec<(usize, Money)>>,
    /// When no parties were given: how many were inferred from the obligations.
    pub inferred_parties: Option<usize>,
}

/// A party's kind from its name in a parties file (`trader` when unknown).
pub fn parse_kind(kind: &str) -> PartyKind {
    match kind {
        "central-bank" => PartyKind::CentralBank,
        "bank" => PartyKind::Bank,
        "restricted-pool" => PartyKind::RestrictedPool,
        "clearing-agent" => PartyKind::ClearingAgent,
        _ => PartyKind::Trader,
    }
}

/// Reads and checks a cycle: the obligations, and the parties, rates, pools and liquidity
/// when given. Every error names the input, line and column.
pub fn read_cycle(input: &CycleInput<'_>) -> Result<Cycle, CycleError> {
    let obligations_name = input.obligations.name;
    let json_lines = input.obligations_json_lines;
    let obligation_rows = if json_lines {
        read_all(ObligationsJsonReader::new(
            obligations_name,
            input.obligations.bytes,
        ))?
    } else {
        read_obligations(
            obligations_name,
            input.obligations.bytes,
            input.threads.max(1),
        )?
    };
    // On an error about an obligation, its line is found by reading the input again: no
    // index of a million ids is kept for the error path.
    let obligation_error = |id: &str, field: &str, error: &dyn std::fmt::Display| {
        let line = line_of(input.obligations, json_lines, id).unwrap_or(0);
        CycleError::Invalid(format!(
            "{obligations_name} line {line}, column {field}: {error}"
        ))
    };

    let mut inferred_parties = None;
    let (parties, parties_name) = match input.parties {
        Some(named) => {
            let name = named.name.to_owned();
            let rows = read_all(PartiesReader::new(&name, named.bytes)?)?;
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
            inferred_parties = Some(ids.len());
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

    let fx = match input.fx {
        Some(named) => {
            let name = named.name;
            let rows = read_all(FxReader::new(name, named.bytes)?)?;
            let Some(first) = rows.first() else {
                return Err(CycleError::Invalid(format!("{name}: no rates")));
            };
            let to = first.to;
            if let Some(row) = rows.iter().find(|row| row.to != to) {
                return Err(invalid!(
                    "{name} line {}, column to: {} is not {to}, the clearing currency of line {}: every rate must convert into one currency",
                    row.line,
                    row.to,
                    first.line
                ));
            }
            let rates = FxRates::new(to, rows.iter().map(|row| (row.from, row.rate)).collect())
                .map_err(|error| {
                    let line = match &error {
                        FxError::DuplicateRate { index, .. }
                        | FxError::ClearingCurrency { index, .. } => rows[*index].line,
                        _ => 0,
                    };
                    invalid!("{name} line {line}, column from: {error}")
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
            _ => invalid!("{parties_name}: {error}"),
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
    if let Some(named) = input.pools {
        pools_name = named.name.to_owned();
        for row in PoolsReader::new(&pools_name, named.bytes)? {
            let row = row?;
            if let Some(rates) = &fx {
                if row.amount.currency() != rates.clearing_currency() {
                    return Err(invalid!(
                        "{pools_name} line {}, column currency: the pool pays in {}, but with --fx every obligation is cleared in {}",
                        row.line,
                        row.amount.currency(),
                        rates.clearing_currency()
                    ));
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

    let liquidity = match input.liquidity {
        Some(named) => {
            let name = named.name;
            let mut liquidity = Vec::new();
            for row in LiquidityReader::new(name, named.bytes)? {
                let row = row?;
                let party = network.party_index(&row.party).ok_or_else(|| {
                    invalid!(
                        "{name} line {}, column party: {:?} is not a party of the cycle",
                        row.line,
                        row.party
                    )
                })?;
                let mut amount = row.amount;
                if let Some(rates) = &fx {
                    let rate = rates.rate(amount.currency()).ok_or_else(|| {
                        invalid!(
                            "{name} line {}, column currency: no rate from {} to {}",
                            row.line,
                            amount.currency(),
                            rates.clearing_currency()
                        )
                    })?;
                    // Liquidity is what a party can pay: rounded down, never up.
                    amount = amount
                        .convert(rate, rates.clearing_currency(), Rounding::Down)
                        .map_err(|error| {
                            invalid!("{name} line {}, column amount: {error}", row.line)
                        })?;
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
        inferred_parties,
    })
}

/// The line of the obligation `id` in the obligations input, read again.
fn line_of(input: Named<'_>, json_lines: bool, id: &str) -> Option<u64> {
    if json_lines {
        ObligationsJsonReader::new(input.name, input.bytes)
            .filter_map(Result::ok)
            .find(|row| row.id == id)
            .map(|row| row.line)
    } else {
        ObligationsReader::new(input.name, input.bytes)
            .ok()?
            .filter_map(Result::ok)
            .find(|row| row.id == id)
            .map(|row| row.line)
    }
}

/// A pool's error, with the pools input's line and column.
pub fn pool_error(name: &str, lines: &[u64], error: &PoolError) -> CycleError {
    let line = lines.get(error.pool()).copied().unwrap_or(0);
    invalid!("{name} line {line}, column {}: {error}", error.field())
}

/// The method's name, as the CLI and the API write it.
pub fn method_name(method: Method) -> &'static str {
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
pub struct ObligationJson<'a> {
    /// The obligation's id.
    pub id: &'a str,
    /// Its amount, a plain decimal.
    pub amount: String,
    /// Its currency.
    pub currency: String,
    /// Discharged by any means.
    pub discharged: String,
    /// Discharged without cash.
    pub offset: String,
    /// Paid in cash.
    pub cash: String,
    /// Paid from pools.
    pub pooled: String,
    /// Still owed.
    pub remaining: String,
    /// The methods that discharged it, joined with `+`.
    pub method: String,
    /// Why: the set-off cycles through it, its pool payments.
    pub path: Vec<String>,
}

/// What the output and the posting need besides a result.
pub struct Report<'a> {
    /// The cycle.
    pub cycle: &'a Cycle,
    /// The set-off cycles through the obligations explained, described.
    pub cycles: &'a BTreeMap<usize, Vec<String>>,
}

impl Report<'_> {
    /// Obligation `i`'s outcome in its own currency (converted back at the cycle's rate
    /// when the cycle was cleared in one currency: cumulatively, so the parts add up).
    pub fn parts(&self, result: &ClearingResult, i: usize) -> ObligationOutcome {
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
    pub fn path(&self, result: &ClearingResult, i: usize) -> Vec<String> {
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
    pub fn obligation_json(&self, result: &ClearingResult, i: usize) -> ObligationJson<'_> {
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
    pub fn write_json(&self, out: &mut dyn Write, result: &ClearingResult) -> io::Result<()> {
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
    pub fn json_head(&self, result: &ClearingResult) -> Value {
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

    /// The settlement plan that carries out `result` (a result of this report's cycle).
    pub fn plan(&self, result: &ClearingResult) -> Plan {
        settlement_plan(
            &self.cycle.network,
            result,
            &self.cycle.pools,
            &|i| self.parts(result, i),
            method_name(result.method),
        )
    }
}
