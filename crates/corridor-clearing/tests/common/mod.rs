//! Helpers shared by the integration tests, and an independent reference solver.
#![allow(dead_code, unreachable_pub, missing_docs)]

use corridor_calendar::GregorianDate;
use corridor_clearing::{Network, Obligation, Party, PartyKind};
use corridor_core::{Currency, Money};

pub fn party(id: &str, country: &str) -> Party {
    Party {
        id: id.to_owned(),
        country: country.to_owned(),
        kind: PartyKind::Trader,
        name: None,
    }
}

pub fn date(day: u8) -> GregorianDate {
    GregorianDate::new(2025, 3, day).expect("a valid date")
}

pub fn owes(id: &str, debtor: &str, creditor: &str, minor: i128, currency: Currency) -> Obligation {
    Obligation {
        id: id.to_owned(),
        debtor: debtor.to_owned(),
        creditor: creditor.to_owned(),
        amount: Money::from_minor(minor, currency),
        due: date(1),
        hs_code: None,
        reference: None,
    }
}

pub fn usd(id: &str, debtor: &str, creditor: &str, minor: i128) -> Obligation {
    owes(id, debtor, creditor, minor, Currency::USD)
}

pub fn network(parties: &[(&str, &str)], obligations: Vec<Obligation>) -> Network {
    let parties = parties.iter().map(|(id, c)| party(id, c)).collect();
    Network::new(parties, obligations).expect("a valid network")
}

/// The maximum circulation of a small graph, by cycle canceling with Bellman-Ford on the
/// residual graph. Independent of the crate: its own graph, its own arithmetic.
///
/// `arcs`: (tail, head, capacity). Returns the largest total flow of a circulation.
pub fn reference_max_circulation(node_count: usize, arcs: &[(usize, usize, i128)]) -> i128 {
    let costed: Vec<(usize, usize, i128, i64)> =
        arcs.iter().map(|&(t, h, cap)| (t, h, cap, -1)).collect();
    reference_min_cost_circulation(node_count, &costed)
        .iter()
        .sum()
}

/// A minimum-cost circulation of a small graph, by cycle canceling with Bellman-Ford on
/// the residual graph. `arcs`: (tail, head, capacity, cost per unit). Returns the flows.
pub fn reference_min_cost_circulation(
    node_count: usize,
    arcs: &[(usize, usize, i128, i64)],
) -> Vec<i128> {
    let mut flow = vec![0_i128; arcs.len()];
    loop {
        // Residual arcs: (from, to, cost, arc index, forward?)
        let mut residual = Vec::new();
        for (k, &(t, h, cap, cost)) in arcs.iter().enumerate() {
            if flow[k] < cap {
                residual.push((t, h, cost, k, true));
            }
            if flow[k] > 0 {
                residual.push((h, t, -cost, k, false));
            }
        }
        let mut dist = vec![0_i64; node_count];
        let mut parent: Vec<Option<usize>> = vec![None; node_count];
        let mut last = None;
        for _ in 0..node_count {
            last = None;
            for (r, &(from, to, cost, _, _)) in residual.iter().enumerate() {
                if dist[from] + cost < dist[to] {
                    dist[to] = dist[from] + cost;
                    parent[to] = Some(r);
                    last = Some(to);
                }
            }
        }
        let Some(mut x) = last else {
            return flow;
        };
        for _ in 0..node_count {
            x = residual[parent[x].expect("on a negative cycle")].0;
        }
        let mut cycle = Vec::new();
        let mut y = x;
        loop {
            let r = parent[y].expect("on a negative cycle");
            cycle.push(r);
            y = residual[r].0;
            if y == x {
                break;
            }
        }
        let push = cycle
            .iter()
            .map(|&r| {
                let (_, _, _, k, forward) = residual[r];
                if forward {
                    arcs[k].2 - flow[k]
                } else {
                    flow[k]
                }
            })
            .min()
            .expect("a cycle has arcs");
        for &r in &cycle {
            let (_, _, _, k, forward) = residual[r];
            if forward {
                flow[k] += push;
            } else {
                flow[k] -= push;
            }
        }
    }
}

/// The reference optimum of one currency of a network.
pub fn reference_optimum(network: &Network, currency: Currency) -> i128 {
    let arcs: Vec<(usize, usize, i128)> = (0..network.obligations().len())
        .filter(|&i| network.obligations()[i].amount.currency() == currency)
        .map(|i| {
            (
                network.debtor(i),
                network.creditor(i),
                network.obligations()[i].amount.amount_minor(),
            )
        })
        .collect();
    reference_max_circulation(network.parties().len(), &arcs)
}

/// The reference optimum of one currency with liquidity: the largest total discharge when
/// each party may pay cash up to its liquidity (`liquidity[p]`, minor units) and any party
/// may receive cash. A cash node with an arc to every party (capacity its liquidity, cost
/// 0) and from every party (capacity the whole debt, cost 0); obligations cost -1.
pub fn reference_optimum_with_liquidity(
    network: &Network,
    currency: Currency,
    liquidity: &[i128],
) -> i128 {
    let n = network.parties().len();
    let mut arcs: Vec<(usize, usize, i128, i64)> = Vec::new();
    let mut total = 0;
    for i in 0..network.obligations().len() {
        let amount = network.obligations()[i].amount;
        if amount.currency() == currency {
            arcs.push((
                network.debtor(i),
                network.creditor(i),
                amount.amount_minor(),
                -1,
            ));
            total += amount.amount_minor();
        }
    }
    let counted = arcs.len();
    for (p, &l) in liquidity.iter().enumerate().take(n) {
        arcs.push((n, p, l, 0));
        arcs.push((p, n, total, 0));
    }
    reference_min_cost_circulation(n + 1, &arcs)[..counted]
        .iter()
        .sum()
}
