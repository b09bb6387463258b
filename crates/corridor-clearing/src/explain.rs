//! The explanation of a set-off: its decomposition into cycles of obligations.
//!
//! A set-off is a circulation, so it is a sum of cycles (flow decomposition). A walk
//! follows obligations with something left to explain and, whenever it reaches a party
//! already on its path, sets off the cycle so closed (by its smallest remainder) and goes
//! on from there; of the obligations out of the current party it prefers the one that
//! closes the shortest cycle, then the smallest index. Each cycle removes at least one
//! obligation, and what is left stays a circulation: a party entered through an
//! obligation with something left has one out.
//!
//! The cycles are stored flat ([`SetOffExplanation`]: one list of obligation indices and
//! where each cycle ends), a quarter of the memory of a `Vec<usize>` per cycle: on a
//! uniform random network of 100,000 parties the walk's cycles are about two hundred
//! obligations long (the square root of the parties, as for any walk that finds its way
//! back by chance), 144 million entries in all. Shorter cycles cost more to find than
//! they save on such networks (see `explain`).
//!
//! Deterministic: walks start from parties in index order, obligations in index order.

use std::fmt::Write as _;

use corridor_core::{Currency, Money};

use crate::outcome::ClearingResult;
use crate::scc::Csr;
use crate::Network;

const NONE: u32 = u32::MAX;

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
        describe(network, self.amount, self.obligations.iter().copied())
    }
}

/// One cycle of a [`SetOffExplanation`], borrowed from it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SetOffCycleRef<'a> {
    /// The amount set off around the cycle.
    pub amount: Money,
    /// The obligations of the cycle, by index, in cycle order (as in
    /// [`SetOffCycle::obligations`]), starting at the smallest.
    pub obligations: &'a [u32],
}

impl SetOffCycleRef<'_> {
    /// The same cycle, owned.
    pub fn to_cycle(&self) -> SetOffCycle {
        SetOffCycle {
            amount: self.amount,
            obligations: self.obligations.iter().map(|&i| i as usize).collect(),
        }
    }

    /// A sentence such as `12.00 USD set off through parties a → b → c → a (obligations
    /// o1, o2, o3)`.
    pub fn describe(&self, network: &Network) -> String {
        describe(
            network,
            self.amount,
            self.obligations.iter().map(|&i| i as usize),
        )
    }
}

fn describe(
    network: &Network,
    amount: Money,
    obligations: impl Iterator<Item = usize> + Clone,
) -> String {
    let mut text = format!("{amount} set off through parties ");
    for i in obligations.clone() {
        text.push_str(&network.parties()[network.debtor(i)].id);
        text.push_str(" → ");
    }
    if let Some(first) = obligations.clone().next() {
        text.push_str(&network.parties()[network.debtor(first)].id);
    }
    text.push_str(" (obligations ");
    for (n, i) in obligations.enumerate() {
        if n > 0 {
            text.push_str(", ");
        }
        let _ = write!(text, "{}", network.obligations()[i].id);
    }
    text.push(')');
    text
}

/// A set-off decomposed into cycles, stored flat: one list of obligation indices for all
/// cycles, and where each cycle ends in it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SetOffExplanation {
    amounts: Vec<Money>,
    /// Cycle `k` is `obligations[ends[k - 1]..ends[k]]` (from 0 for the first).
    ends: Vec<usize>,
    obligations: Vec<u32>,
}

impl SetOffExplanation {
    /// The number of cycles.
    pub fn len(&self) -> usize {
        self.amounts.len()
    }

    /// Whether there is no cycle (nothing was set off).
    pub fn is_empty(&self) -> bool {
        self.amounts.is_empty()
    }

    /// The number of obligation entries over all cycles (the sum of the cycles' lengths).
    pub fn total_length(&self) -> usize {
        self.obligations.len()
    }

    /// Cycle `k`, if there is one.
    pub fn get(&self, k: usize) -> Option<SetOffCycleRef<'_>> {
        let amount = *self.amounts.get(k)?;
        let start = if k == 0 { 0 } else { self.ends[k - 1] };
        Some(SetOffCycleRef {
            amount,
            obligations: &self.obligations[start..self.ends[k]],
        })
    }

    /// The cycles in order.
    pub fn iter(&self) -> impl Iterator<Item = SetOffCycleRef<'_>> + '_ {
        (0..self.len()).filter_map(|k| self.get(k))
    }

    /// For every obligation (`obligation_count` of them, indexed like
    /// [`Network::obligations`]), the numbers of the cycles that contain it, in order:
    /// `(starts, cycles)` with obligation `i`'s cycles at `cycles[starts[i]..starts[i + 1]]`.
    pub fn cycles_by_obligation(&self, obligation_count: usize) -> (Vec<usize>, Vec<u32>) {
        let mut starts = vec![0_usize; obligation_count + 1];
        for &i in &self.obligations {
            if let Some(slot) = starts.get_mut(i as usize + 1) {
                *slot += 1;
            }
        }
        for i in 0..obligation_count {
            starts[i + 1] += starts[i];
        }
        let mut fill = starts.clone();
        let mut cycles = vec![0_u32; starts[obligation_count]];
        for (k, cycle) in self.iter().enumerate() {
            for &i in cycle.obligations {
                if let Some(slot) = fill.get_mut(i as usize) {
                    cycles[*slot] = k as u32;
                    *slot += 1;
                }
            }
        }
        (starts, cycles)
    }

    /// Appends a cycle given as `slots` (positions in `obligation_of`), rotated so that it
    /// starts at its smallest obligation index.
    fn push(&mut self, amount: Money, slots: &[u32], obligation_of: &[u32]) {
        let smallest = (0..slots.len())
            .min_by_key(|&k| obligation_of[slots[k] as usize])
            .unwrap_or(0);
        self.obligations.extend(
            slots[smallest..]
                .iter()
                .chain(&slots[..smallest])
                .map(|&s| obligation_of[s as usize]),
        );
        self.amounts.push(amount);
        self.ends.push(self.obligations.len());
    }
}

/// Decomposes a set-off into cycles, so that each obligation's discharge can be explained,
/// as a list of owned cycles. [`explain`] returns the same cycles stored flat (a fraction
/// of the memory on large networks). Kept for callers that want owned cycles.
pub fn explain_set_off(network: &Network, result: &ClearingResult) -> Vec<SetOffCycle> {
    explain(network, result)
        .iter()
        .map(|cycle| cycle.to_cycle())
        .collect()
}

/// Decomposes a set-off into cycles, so that each obligation's discharge can be
/// explained: every obligation's `offset` in `result` is the sum of the amounts of the
/// cycles that contain it.
///
/// Linear in the size of the explanation (each step of the walk adds one entry to it),
/// plus each party's obligation list scanned once per visit to find the shortest cycle to
/// close. Tried and dropped, for the record: a walk guided by push–relabel distance labels
/// towards a root (exact after a backward search, relabelled on the way) closes short
/// cycles only while the root lasts and wanders once the labels are stale (1.8 times the
/// entries, ten times the time on the uniform bench network); marking the parties one
/// obligation away from the path halves the entries but quadruples the time. A result
/// that is not a circulation is explained as far as it goes.
pub fn explain(network: &Network, result: &ClearingResult) -> SetOffExplanation {
    let mut explanation = SetOffExplanation::default();
    for &currency in network.currencies() {
        explain_currency(network, result, currency, &mut explanation);
    }
    explanation
}

/// The walk's graph and state for one currency.
struct Walk {
    /// Obligations with something to explain, grouped by debtor: party `v`'s are the slots
    /// `starts[v]..starts[v + 1]`.
    starts: Vec<u32>,
    obligation: Vec<u32>,
    head: Vec<u32>,
    remaining: Vec<i128>,
    /// Slots before `live[v]` have nothing left.
    live: Vec<u32>,
}

impl Walk {
    /// Whether party `v` has an obligation with something left.
    fn has_out(&mut self, v: usize) -> bool {
        let end = self.starts[v + 1];
        let mut s = self.live[v];
        while s < end && self.remaining[s as usize] == 0 {
            s += 1;
        }
        self.live[v] = s;
        s < end
    }

    /// The slot to follow out of `v`: the one that closes the shortest cycle with the
    /// walk's path (`position`), else the first with something left.
    /// `v` must have one (`has_out`).
    fn choose(&self, v: usize, position: &[u32]) -> usize {
        let end = self.starts[v + 1] as usize;
        let first = self.live[v] as usize;
        let mut chosen = first;
        let mut closest = position[self.head[first] as usize];
        for s in first + 1..end {
            let at = position[self.head[s] as usize];
            if at != NONE && (closest == NONE || at > closest) && self.remaining[s] > 0 {
                chosen = s;
                closest = at;
            }
        }
        chosen
    }
}

fn explain_currency(
    network: &Network,
    result: &ClearingResult,
    currency: Currency,
    explanation: &mut SetOffExplanation,
) {
    let offset = |i: usize| {
        result
            .obligations
            .get(i)
            .map_or(0, |o| o.offset.amount_minor())
    };
    let arcs: Vec<usize> = network
        .obligations_in(currency)
        .into_iter()
        .filter(|&i| offset(i) > 0)
        .collect();
    if arcs.is_empty() {
        return;
    }
    // Local numbering of the parties with something to explain.
    let mut local = vec![NONE; network.parties().len()];
    let mut n = 0_usize;
    for &i in &arcs {
        for p in [network.debtor(i), network.creditor(i)] {
            if local[p] == NONE {
                local[p] = n as u32;
                n += 1;
            }
        }
    }
    let out = Csr::new(
        n,
        arcs.iter().map(|&i| (local[network.debtor(i)], i as u32)),
    );
    let obligation = out.heads;
    let starts = out.starts;
    let head: Vec<u32> = obligation
        .iter()
        .map(|&i| local[network.creditor(i as usize)])
        .collect();
    let remaining: Vec<i128> = obligation.iter().map(|&i| offset(i as usize)).collect();
    let mut walk = Walk {
        live: starts[..n].to_vec(),
        starts,
        obligation,
        head,
        remaining,
    };

    let mut position = vec![NONE; n];
    let mut path_nodes: Vec<u32> = Vec::new();
    let mut path_slots: Vec<u32> = Vec::new();
    for start in 0..n {
        while walk.has_out(start) {
            path_nodes.clear();
            path_slots.clear();
            path_nodes.push(start as u32);
            position[start] = 0;
            let mut v = start;
            // Remaining flow stays a circulation, so a party entered by an obligation with
            // something left has one out with something left.
            while walk.has_out(v) {
                let s = walk.choose(v, &position);
                let w = walk.head[s] as usize;
                path_slots.push(s as u32);
                if position[w] == NONE {
                    position[w] = path_nodes.len() as u32;
                    path_nodes.push(w as u32);
                    v = w;
                    continue;
                }
                let at = position[w] as usize;
                let cycle = &path_slots[at..];
                let amount = cycle
                    .iter()
                    .map(|&s| walk.remaining[s as usize])
                    .min()
                    .unwrap_or(0);
                for &s in cycle {
                    walk.remaining[s as usize] -= amount;
                }
                explanation.push(Money::from_minor(amount, currency), cycle, &walk.obligation);
                for &u in &path_nodes[at + 1..] {
                    position[u as usize] = NONE;
                }
                path_nodes.truncate(at + 1);
                path_slots.truncate(at);
                v = w;
                if at == 0 {
                    break;
                }
            }
            for &u in &path_nodes {
                position[u as usize] = NONE;
            }
            if !path_slots.is_empty() {
                // Not a circulation: a walk ran into a party with nothing out. What is
                // left from here cannot be explained.
                break;
            }
        }
    }
}

/// Explains a set-off one obligation at a time, on demand: the cycles through an
/// obligation that discharged it, each as short as possible.
///
/// [`explain`] decomposes the whole set-off, which on a network of a million obligations
/// means a hundred million entries and several seconds; an operator asking about one
/// obligation needs only its own cycles. [`Explainer::new`] indexes the obligations that
/// were set off (linear time); [`Explainer::obligation`] then finds, by a breadth-first
/// search from both ends (forward from the obligation's creditor, backward from its debtor,
/// always widening the smaller side by a whole level) over what is left of the other
/// obligations' set-off, the shortest cycle through it (fewest obligations; ties to the
/// first found, in index order), takes it out by its smallest amount, and repeats until
/// the obligation's whole offset is accounted for. Taking a cycle out of a circulation
/// leaves a circulation, so a cycle is always found while something is left to explain.
/// Searching from both ends visits about the square root of what one search would on
/// networks where cycles are long.
///
/// The cycles of one obligation form part of a decomposition of the whole set-off: their
/// amounts add up to the obligation's offset, and no obligation in them is used for more
/// than its own offset. Two obligations' explanations are each valid but need not come
/// from the same decomposition.
#[derive(Debug)]
pub struct Explainer<'a> {
    network: &'a Network,
    result: &'a ClearingResult,
    /// The obligations with an offset, grouped by debtor, in index order.
    out: Csr,
    /// The same, grouped by creditor.
    into: Csr,
}

/// The state of one two-ended search, reused between searches.
struct Search {
    /// Per party: the obligation it was reached by from the creditor's side (`ROOT` for
    /// the creditor itself), else `NONE`; and its distance.
    forward: Vec<u32>,
    forward_distance: Vec<u32>,
    /// Per party: the obligation by which it reaches the debtor's side.
    backward: Vec<u32>,
    backward_distance: Vec<u32>,
    touched: Vec<u32>,
}

const ROOT: u32 = u32::MAX - 1;

impl Search {
    fn reset(&mut self) {
        for &v in &self.touched {
            let v = v as usize;
            self.forward[v] = NONE;
            self.backward[v] = NONE;
        }
        self.touched.clear();
    }
}

impl<'a> Explainer<'a> {
    /// Indexes `result`'s set-off on `network`. `result` is a set-off (or any result whose
    /// offsets form a circulation per currency).
    pub fn new(network: &'a Network, result: &'a ClearingResult) -> Explainer<'a> {
        let set_off: Vec<u32> = result
            .obligations
            .iter()
            .enumerate()
            .filter(|(_, o)| o.offset.amount_minor() > 0)
            .map(|(i, _)| i as u32)
            .collect();
        let n = network.parties().len();
        let out = Csr::new(
            n,
            set_off
                .iter()
                .map(|&i| (network.debtor(i as usize) as u32, i)),
        );
        let into = Csr::new(
            n,
            set_off
                .iter()
                .map(|&i| (network.creditor(i as usize) as u32, i)),
        );
        Explainer {
            network,
            result,
            out,
            into,
        }
    }

    /// The cycles that set off obligation `i`, each starting with `i`; their amounts add
    /// up to its offset. Empty when nothing of it was set off (or `i` is out of range).
    pub fn obligation(&self, i: usize) -> Vec<SetOffCycle> {
        let network = self.network;
        let Some(outcome) = self.result.obligations.get(i) else {
            return Vec::new();
        };
        let currency = outcome.offset.currency();
        let mut left = outcome.offset.amount_minor();
        let mut used: std::collections::HashMap<u32, i128> = std::collections::HashMap::new();
        let n = network.parties().len();
        let mut search = Search {
            forward: vec![NONE; n],
            forward_distance: vec![0; n],
            backward: vec![NONE; n],
            backward_distance: vec![0; n],
            touched: Vec::new(),
        };
        let mut cycles = Vec::new();
        while left > 0 {
            let usable = |e: u32| {
                e as usize != i
                    && network.obligations()[e as usize].amount.currency() == currency
                    && self.result.obligations[e as usize].offset.amount_minor()
                        > used.get(&e).copied().unwrap_or(0)
            };
            let Some(path) = self.shortest_path(i, &mut search, &usable) else {
                // Not a circulation: what is left cannot be explained.
                break;
            };
            let amount = path
                .iter()
                .map(|&e| {
                    self.result.obligations[e as usize].offset.amount_minor()
                        - used.get(&e).copied().unwrap_or(0)
                })
                .fold(left, i128::min);
            for &e in &path {
                *used.entry(e).or_insert(0) += amount;
            }
            left -= amount;
            let mut obligations = Vec::with_capacity(path.len() + 1);
            obligations.push(i);
            obligations.extend(path.iter().map(|&e| e as usize));
            cycles.push(SetOffCycle {
                amount: Money::from_minor(amount, currency),
                obligations,
            });
        }
        cycles
    }

    /// The shortest path of usable obligations from `i`'s creditor to its debtor.
    fn shortest_path(
        &self,
        i: usize,
        search: &mut Search,
        usable: &dyn Fn(u32) -> bool,
    ) -> Option<Vec<u32>> {
        let network = self.network;
        let from = network.creditor(i);
        let to = network.debtor(i);
        search.reset();
        search.forward[from] = ROOT;
        search.forward_distance[from] = 0;
        search.backward[to] = ROOT;
        search.backward_distance[to] = 0;
        search.touched.extend([from as u32, to as u32]);
        let mut ahead = vec![from as u32];
        let mut behind = vec![to as u32];
        let mut next = Vec::new();
        loop {
            if ahead.is_empty() || behind.is_empty() {
                search.reset();
                return None;
            }
            // Widen the smaller side by one whole level; among the parties where the two
            // sides meet, the one on the shortest path (first found on a tie) wins.
            let forward = ahead.len() <= behind.len();
            let mut meeting: Option<(u32, u32)> = None;
            next.clear();
            let frontier = if forward { &ahead } else { &behind };
            for &v in frontier {
                let v = v as usize;
                let graph = if forward { &self.out } else { &self.into };
                let (start, end) = (graph.starts[v] as usize, graph.starts[v + 1] as usize);
                for &e in &graph.heads[start..end] {
                    if !usable(e) {
                        continue;
                    }
                    let w = if forward {
                        network.creditor(e as usize)
                    } else {
                        network.debtor(e as usize)
                    };
                    let (mine, mine_distance, theirs, theirs_distance) = if forward {
                        (
                            &mut search.forward,
                            &mut search.forward_distance,
                            &search.backward,
                            &search.backward_distance,
                        )
                    } else {
                        (
                            &mut search.backward,
                            &mut search.backward_distance,
                            &search.forward,
                            &search.forward_distance,
                        )
                    };
                    if mine[w] != NONE {
                        continue;
                    }
                    mine[w] = e;
                    mine_distance[w] = mine_distance[v] + 1;
                    search.touched.push(w as u32);
                    if theirs[w] != NONE {
                        let length = mine_distance[w] + theirs_distance[w];
                        if meeting.is_none_or(|(_, best)| length < best) {
                            meeting = Some((w as u32, length));
                        }
                    }
                    next.push(w as u32);
                }
            }
            if let Some((meet, _)) = meeting {
                let mut path = Vec::new();
                let mut v = meet as usize;
                while search.forward[v] != ROOT {
                    let e = search.forward[v];
                    path.push(e);
                    v = network.debtor(e as usize);
                }
                path.reverse();
                let mut v = meet as usize;
                while search.backward[v] != ROOT {
                    let e = search.backward[v];
                    path.push(e);
                    v = network.creditor(e as usize);
                }
                search.reset();
                return Some(path);
            }
            if forward {
                std::mem::swap(&mut ahead, &mut next);
            } else {
                std::mem::swap(&mut behind, &mut next);
            }
        }
    }
}
