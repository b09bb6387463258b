//! Multilateral set-off: the maximum circulation in the obligation graph, solved exactly.
//!
//! Each currency is solved on its own. An obligation is an arc from debtor to creditor with
//! capacity equal to its amount; a circulation `f` (flow in equals flow out at every party,
//! `0 <= f <= amount`) discharges `f` of every obligation without any party's net position
//! changing, so no cash moves. The largest such circulation is a minimum-cost circulation
//! with cost -1 on every arc. This is the same problem as "minimise the remaining debt
//! `amount - f` subject to every party's net position" (cost +1, supplies = net positions):
//! the two differ by a constant.
//!
//! Steps: (1) strongly connected components (Tarjan, iterative) and dropping every
//! obligation between two components, which lies on no cycle and so carries no flow in any
//! circulation (exact); (2) the primal–dual method on what remains (`primaldual.rs`:
//! successive shortest paths in phases, each a push–relabel maximum flow on the arcs of zero
//! reduced cost; with unit costs the potentials stay small integers, so there are few
//! phases, and the potentials are the method's own invariant); (3) a certificate: node
//! potentials `p` with `p[debtor] - p[creditor] >= 1` wherever an obligation is not fully
//! discharged and `<= 1` wherever it is discharged at all, checked in O(obligations) against
//! the whole currency's graph, pruned obligations included. By LP duality such potentials
//! prove the circulation maximal: for every circulation `g`,
//! `sum g = sum g (1 - p[d] + p[c]) <= sum amount * max(0, 1 - p[d] + p[c])`, and the
//! conditions make the optimum reach this bound.

use corridor_core::{Currency, Money};

use crate::outcome::{ClearingResult, Method, ObligationOutcome};
use crate::primaldual::{max_circulation_with_free_arcs, MaxCirculation};
use crate::scc::{components, Csr};
use crate::Network;

/// Node potentials that prove one currency's set-off optimal.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Certificate {
    /// The currency.
    pub currency: Currency,
    /// One potential per party of the network, indexed like [`Network::parties`]. Parties
    /// with no obligation in this currency have potential 0.
    pub potentials: Vec<i64>,
}

/// Why a set-off result or its certificate was rejected.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum CertificateError {
    /// The result does not have one outcome per obligation, or the certificate one
    /// potential per party.
    #[error("the result or the certificate does not match the network")]
    Shape,
    /// An obligation is discharged below zero or beyond its amount, or in cash.
    #[error("obligation {obligation:?}: discharged {discharged} is outside 0..={amount}")]
    OutOfBounds {
        /// The obligation's id.
        obligation: String,
        /// Discharged by offset.
        discharged: Money,
        /// The obligation's amount.
        amount: Money,
    },
    /// A party's net position changes.
    #[error("party {party:?}: set-off changes its net position in {currency} by {change}")]
    NetPositionChanged {
        /// The party's id.
        party: String,
        /// The currency.
        currency: Currency,
        /// Discharged owed to the party minus discharged owed by it, in minor units.
        change: i128,
    },
    /// Complementary slackness fails on an obligation: the potentials do not prove the
    /// result optimal.
    #[error("obligation {obligation:?}: the potentials do not prove optimality here")]
    NotOptimal {
        /// The obligation's id.
        obligation: String,
    },
    /// Set-off with liquidity: a payment is not between two parties, is not positive, or
    /// a party's cash does not prove the result optimal.
    #[error("{currency}: the payments or the potentials are wrong at party {party:?}: {what}")]
    Cash {
        /// The party's id (empty for a payment that is not between parties).
        party: String,
        /// The currency.
        currency: Currency,
        /// What is wrong.
        what: &'static str,
    },
}

/// Why set-off failed. For [`set_off`] only a defect of this crate can cause it: the
/// certificate check of a fresh solution failed. [`set_off_with_liquidity`] also rejects
/// bad liquidity entries.
///
/// [`set_off_with_liquidity`]: crate::set_off_with_liquidity
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum SetOffError {
    /// The solver's answer did not pass its own optimality check.
    #[error("internal error: the set-off solution failed its optimality check: {0}")]
    Certificate(#[from] CertificateError),
    /// A liquidity entry names a party index that is not in the network.
    #[error("liquidity names party index {party}, but the network has fewer parties")]
    UnknownParty {
        /// The index as given.
        party: usize,
    },
    /// A liquidity entry is negative.
    #[error("party {party:?}: liquidity {amount} is negative")]
    NegativeLiquidity {
        /// The party's id.
        party: String,
        /// The amount as given.
        amount: Money,
    },
}

/// Multilateral set-off, exact: discharges the largest possible amount of debt in each
/// currency without any cash, leaving every party's net position unchanged.
///
/// Cost: O(V + E) for the components and the certificate, plus the primal–dual solver on
/// the obligations that lie on cycles: per phase a bucket Dijkstra and a push–relabel
/// maximum flow, O(E) each in practice, and about as many phases as the span of the
/// optimal potentials (six on a uniform random network of 100,000 parties). Flows are
/// `i64` when a currency's amounts add up to less than `i64::MAX`, `i128` otherwise. The
/// result carries the checked certificates.
pub fn set_off(network: &Network) -> Result<ClearingResult, SetOffError> {
    let mut offset = vec![0_i128; network.obligations().len()];
    let mut certificates = Vec::new();
    for &currency in network.currencies() {
        let certificate = solve_currency(network, currency, &mut offset);
        certificates.push(certificate);
    }
    let outcomes: Vec<ObligationOutcome> = network
        .obligations()
        .iter()
        .zip(&offset)
        .map(|(obligation, &f)| {
            let currency = obligation.amount.currency();
            ObligationOutcome::new(f, 0, obligation.amount.amount_minor() - f, currency)
        })
        .collect();
    let result =
        ClearingResult::assemble(network, Method::SetOff, outcomes, Vec::new(), certificates);
    for certificate in &result.certificates {
        verify_certificate(network, &result, certificate)?;
    }
    Ok(result)
}

/// Solves one currency, writes the discharged amounts into `offset` and returns the
/// certificate.
pub(crate) fn solve_currency(
    network: &Network,
    currency: Currency,
    offset: &mut [i128],
) -> Certificate {
    let party_count = network.parties().len();
    let edges = network.obligations_in(currency);
    // Local numbering of the parties that appear in this currency.
    let mut local = vec![u32::MAX; party_count];
    let mut parties: Vec<usize> = Vec::new();
    let mut ends = Vec::with_capacity(edges.len());
    for &e in &edges {
        let mut number = |p: usize| {
            if local[p] == u32::MAX {
                local[p] = parties.len() as u32;
                parties.push(p);
            }
            local[p]
        };
        let d = number(network.debtor(e));
        let c = number(network.creditor(e));
        ends.push((d, c));
    }
    let graph = Csr::new(parties.len(), ends.iter().copied());
    let (component, _) = components(&graph);

    // Keep the obligations inside a component; number the nodes that have any.
    let mut node = vec![u32::MAX; parties.len()];
    let mut node_count = 0_usize;
    let (mut tails, mut heads, mut caps, mut kept) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for (k, &(d, c)) in ends.iter().enumerate() {
        if component[d as usize] != component[c as usize] {
            continue;
        }
        for v in [d, c] {
            if node[v as usize] == u32::MAX {
                node[v as usize] = node_count as u32;
                node_count += 1;
            }
        }
        tails.push(node[d as usize]);
        heads.push(node[c as usize]);
        caps.push(network.obligations()[edges[k]].amount.amount_minor());
        kept.push(edges[k]);
    }
    let solution = solve_kept(node_count, &tails, &heads, &caps, caps.len());
    for k in 0..kept.len() {
        offset[kept[k]] = solution.flow[k];
    }

    // Potentials for the whole currency graph: the solver's within each component,
    // shifted so that each component's range starts at an offset that grows with its
    // number. Arcs between components run from higher numbers to lower ones, so they get
    // `p[debtor] - p[creditor] >= 1` (complementary slackness for an empty arc).
    let component_count = component.iter().map(|&c| c as usize + 1).max().unwrap_or(0);
    let mut low = vec![i64::MAX; component_count];
    let mut high = vec![i64::MIN; component_count];
    let potential_of = |v: usize| -> i64 {
        match node[v] {
            u32::MAX => 0,
            n => solution.potential[n as usize],
        }
    };
    for (v, &c) in component.iter().enumerate() {
        let c = c as usize;
        let p = potential_of(v);
        low[c] = low[c].min(p);
        high[c] = high[c].max(p);
    }
    let span = (0..component_count)
        .map(|c| high[c].saturating_sub(low[c]))
        .max()
        .unwrap_or(0);
    let mut potentials = vec![0_i64; party_count];
    for (v, &p) in parties.iter().enumerate() {
        let c = component[v] as usize;
        potentials[p] = (c as i64) * (span + 1) + (potential_of(v) - low[c]);
    }
    Certificate {
        currency,
        potentials,
    }
}

/// The maximum circulation of the kept obligations (arcs `0..counted`; arcs `counted..`
/// are free, see [`max_circulation_with_free_arcs`]): in `i64` when the capacities add up
/// to something that fits (half the memory, faster), in `i128` otherwise.
pub(crate) fn solve_kept(
    node_count: usize,
    tails: &[u32],
    heads: &[u32],
    caps: &[i128],
    counted: usize,
) -> MaxCirculation<i128> {
    let total = caps.iter().try_fold(0_i64, |sum, &c| {
        i64::try_from(c).ok().and_then(|c| sum.checked_add(c))
    });
    if total.is_some() {
        let narrow: Vec<i64> = caps.iter().map(|&c| c as i64).collect();
        let solution = max_circulation_with_free_arcs(node_count, tails, heads, &narrow, counted);
        MaxCirculation {
            flow: solution.flow.into_iter().map(i128::from).collect(),
            potential: solution.potential,
        }
    } else {
        max_circulation_with_free_arcs(node_count, tails, heads, caps, counted)
    }
}

/// Checks, in O(parties + obligations), that `result` is a valid set-off in the
/// certificate's currency (no obligation discharged below zero or beyond its amount, none
/// in cash, every net position unchanged) and that the certificate's potentials prove it
/// maximal.
pub fn verify_certificate(
    network: &Network,
    result: &ClearingResult,
    certificate: &Certificate,
) -> Result<(), CertificateError> {
    if result.obligations.len() != network.obligations().len()
        || certificate.potentials.len() != network.parties().len()
    {
        return Err(CertificateError::Shape);
    }
    let currency = certificate.currency;
    let p = &certificate.potentials;
    let mut change = vec![0_i128; network.parties().len()];
    for (i, obligation) in network.obligations().iter().enumerate() {
        if obligation.amount.currency() != currency {
            continue;
        }
        let outcome = &result.obligations[i];
        let f = outcome.offset.amount_minor();
        let amount = obligation.amount.amount_minor();
        if outcome.offset.currency() != currency
            || f < 0
            || f > amount
            || outcome.cash.amount_minor() != 0
        {
            return Err(CertificateError::OutOfBounds {
                obligation: obligation.id.clone(),
                discharged: outcome.offset,
                amount: obligation.amount,
            });
        }
        let (d, c) = (network.debtor(i), network.creditor(i));
        change[d] -= f;
        change[c] += f;
        let slack = i128::from(p[d]) - i128::from(p[c]);
        // Reduced cost of the arc is -1 + slack.
        if (f < amount && slack < 1) || (f > 0 && slack > 1) {
            return Err(CertificateError::NotOptimal {
                obligation: obligation.id.clone(),
            });
        }
    }
    if let Some(party) = change.iter().position(|&x| x != 0) {
        return Err(CertificateError::NetPositionChanged {
            party: network.parties()[party].id.clone(),
            currency,
            change: change[party],
        });
    }
    Ok(())
}
