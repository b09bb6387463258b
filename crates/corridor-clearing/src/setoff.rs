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
//! circulation (exact); (2) the network simplex on what remains; (3) a certificate: node
//! potentials `p` with `p[debtor] - p[creditor] >= 1` wherever an obligation is not fully
//! discharged and `<= 1` wherever it is discharged at all, checked in O(obligations) against
//! the whole currency's graph, pruned obligations included. By LP duality such potentials
//! prove the circulation maximal: for every circulation `g`,
//! `sum g = sum g (1 - p[d] + p[c]) <= sum amount * max(0, 1 - p[d] + p[c])`, and the
//! conditions make the optimum reach this bound.

use std::fmt::Write as _;

use corridor_core::{Currency, Money};

use crate::outcome::{ClearingResult, Method, ObligationOutcome};
use crate::scc::{components, Csr};
use crate::simplex::min_cost_flow;
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
}

/// One cycle of a set-off: every obligation in it is discharged by `amount`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SetOffCycle {
    /// The amount set off around the cycle.
    pub amount: Money,
    /// The obligations of the cycle, by index, in cycle order: the creditor of each is the
    /// debtor of the next, and the creditor of the last is the debtor of the first. Starts
    /// at the cycle's smallest index.
    pub obligations: Vec<usize>,
}

impl SetOffCycle {
    /// A sentence such as `12.00 USD set off through parties a → b → c → a (obligations
    /// o1, o2, o3)`.
    pub fn describe(&self, network: &Network) -> String {
        let mut text = format!("{} set off through parties ", self.amount);
        for &i in &self.obligations {
            text.push_str(&network.parties()[network.debtor(i)].id);
            text.push_str(" → ");
        }
        if let Some(&first) = self.obligations.first() {
            text.push_str(&network.parties()[network.debtor(first)].id);
        }
        text.push_str(" (obligations ");
        for (n, &i) in self.obligations.iter().enumerate() {
            if n > 0 {
                text.push_str(", ");
            }
            let _ = write!(text, "{}", network.obligations()[i].id);
        }
        text.push(')');
        text
    }
}

/// Why set-off failed. Only a defect of this crate can cause it: the certificate check of a
/// fresh solution failed.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum SetOffError {
    /// The solver's answer did not pass its own optimality check.
    #[error("internal error: the set-off solution failed its optimality check: {0}")]
    Certificate(#[from] CertificateError),
}

/// Multilateral set-off, exact: discharges the largest possible amount of debt in each
/// currency without any cash, leaving every party's net position unchanged.
///
/// Cost: O(V + E) for the components and the certificate, plus the network simplex on the
/// obligations that lie on cycles (about one pivot per obligation on random networks, each
/// costing a tree path plus the smaller side of the re-hung subtree). The result carries
/// the checked certificates.
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
            ObligationOutcome {
                offset: Money::from_minor(f, currency),
                cash: Money::zero(currency),
                remaining: Money::from_minor(obligation.amount.amount_minor() - f, currency),
            }
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
fn solve_currency(network: &Network, currency: Currency, offset: &mut [i128]) -> Certificate {
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
    // Solved as "minimise the remaining debt": remaining `r = amount - f` on each kept
    // obligation, cost 1 per unit, every node's supply its net position over the kept
    // obligations. Its potentials are shortest-path-like distances, so the simplex tree
    // stays shallow (the "maximise f" form, cost -1, builds deep trees and is far slower).
    let mut supplies = vec![0_i128; node_count];
    for k in 0..kept.len() {
        supplies[tails[k] as usize] += caps[k];
        supplies[heads[k] as usize] -= caps[k];
    }
    let costs = vec![1_i64; kept.len()];
    let mut solution = min_cost_flow(node_count, &supplies, &tails, &heads, &caps, &costs);
    for k in 0..kept.len() {
        offset[kept[k]] = caps[k] - solution.flow[k];
    }
    // Potentials of the remaining-debt form are the negated ones of the discharge form.
    for p in &mut solution.potential {
        *p = -*p;
    }

    // Potentials for the whole currency graph: the simplex's within each component,
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

/// Decomposes a set-off into cycles, so that each obligation's discharge can be explained.
///
/// Every obligation's `offset` in `result` is the sum of the amounts of the cycles that
/// contain it. Deterministic: walks start from parties in index order and follow
/// obligations in index order.
pub fn explain_set_off(network: &Network, result: &ClearingResult) -> Vec<SetOffCycle> {
    let mut cycles = Vec::new();
    let party_count = network.parties().len();
    for &currency in network.currencies() {
        let mut remaining: Vec<i128> = vec![0; network.obligations().len()];
        let mut arcs = Vec::new();
        for i in network.obligations_in(currency) {
            let f = result
                .obligations
                .get(i)
                .map_or(0, |o| o.offset.amount_minor());
            if f > 0 {
                remaining[i] = f;
                arcs.push(i);
            }
        }
        let graph = Csr::new(
            party_count,
            arcs.iter().map(|&i| (network.debtor(i) as u32, i as u32)),
        );
        // `graph.heads` holds obligation indices per debtor, in index order.
        let mut next = graph.starts.clone();
        let mut position = vec![u32::MAX; party_count];
        let mut path_nodes: Vec<usize> = Vec::new();
        let mut path_arcs: Vec<usize> = Vec::new();
        // The next obligation out of `v` with something left, if any.
        let advance = |v: usize, next: &mut [u32], remaining: &[i128]| -> Option<usize> {
            while next[v] < graph.starts[v + 1] {
                let i = graph.heads[next[v] as usize] as usize;
                if remaining[i] > 0 {
                    return Some(i);
                }
                next[v] += 1;
            }
            None
        };
        for start in 0..party_count {
            while advance(start, &mut next, &remaining).is_some() {
                let found = cycles.len();
                path_nodes.clear();
                path_arcs.clear();
                path_nodes.push(start);
                position[start] = 0;
                let mut v = start;
                // Remaining flow stays a circulation, so a node entered by an arc with
                // something left has an arc out with something left.
                while let Some(i) = advance(v, &mut next, &remaining) {
                    let w = network.creditor(i);
                    path_arcs.push(i);
                    if position[w] == u32::MAX {
                        position[w] = path_nodes.len() as u32;
                        path_nodes.push(w);
                        v = w;
                        continue;
                    }
                    let at = position[w] as usize;
                    let cycle = &path_arcs[at..];
                    let amount = cycle.iter().map(|&i| remaining[i]).min().unwrap_or(0);
                    for &i in cycle {
                        remaining[i] -= amount;
                    }
                    let smallest = (0..cycle.len()).min_by_key(|&k| cycle[k]).unwrap_or(0);
                    let mut obligations = cycle[smallest..].to_vec();
                    obligations.extend_from_slice(&cycle[..smallest]);
                    cycles.push(SetOffCycle {
                        amount: Money::from_minor(amount, currency),
                        obligations,
                    });
                    for &u in &path_nodes[at + 1..] {
                        position[u] = u32::MAX;
                    }
                    path_nodes.truncate(at + 1);
                    path_arcs.truncate(at);
                    v = w;
                    if at == 0 {
                        break;
                    }
                }
                for &u in &path_nodes {
                    position[u] = u32::MAX;
                }
                if cycles.len() == found {
                    // Not a circulation: nothing more can be explained from here.
                    break;
                }
            }
        }
    }
    cycles
}
