//! The maximum circulation of a graph with a cost of -1 per unit on every arc, by the
//! primal–dual method (successive shortest paths in phases, each phase a maximum flow on
//! the arcs of zero reduced cost), in exact integers. Some arcs may instead be free (cost
//! 0): set-off with liquidity routes cash through such arcs.
//!
//! Start with every arc of cost -1 saturated and every free arc empty: each node's excess
//! is what it is owed minus what it owes. The residual graph then has only backward arcs
//! of cost +1 and forward free arcs of cost 0, and potentials `π = 0` give every residual
//! arc a reduced cost `cost + π[tail] - π[head] >= 0`. Each phase
//! keeps that invariant: (1) a bucket Dijkstra from the nodes with excess over the reduced
//! costs, up to the distance `D` of the nearest deficit, raises `π` by `min(d, D)`, so that
//! the shortest paths from excesses to deficits consist of arcs of reduced cost zero (the
//! admissible graph); (2) push–relabel (FIFO, exact distance labels from a backward
//! breadth-first search, recomputed after about `n / 4` relabels) moves as much excess as it
//! can to deficits through the admissible graph. Excess that cannot reach a deficit there
//! simply stays where it is until the next phase. When no excess is left the flow is a
//! circulation and `π` proves it optimal (every residual arc has non-negative reduced
//! cost): no scaling and no rounding, the certificate is the algorithm's own invariant.
//!
//! Costs are unit or zero, so potentials (and reduced costs) stay small integers: the number of
//! phases is about the span of the optimal potentials, a handful on obligation networks.
//!
//! Arcs are processed in a fixed order (by tail, then by arc index), active nodes in FIFO
//! order: the same input always gives the same flow.

use std::collections::VecDeque;
use std::fmt::Debug;
use std::ops::{AddAssign, SubAssign};

const NONE: u32 = u32::MAX;
/// High bit of a Dijkstra distance: the node is settled.
const SETTLED: u32 = 1 << 31;

/// An integer type for flows and capacities: `i64` when the capacities add up to
/// something that fits (half the memory), `i128` otherwise.
pub(crate) trait Amount: Copy + Ord + Debug + AddAssign + SubAssign {
    /// Zero.
    const ZERO: Self;
}

impl Amount for i64 {
    const ZERO: i64 = 0;
}

impl Amount for i128 {
    const ZERO: i128 = 0;
}

/// A maximum circulation and the potentials that prove it.
pub(crate) struct MaxCirculation<F> {
    /// Flow per arc, in the order given.
    pub(crate) flow: Vec<F>,
    /// Potential per node: `p[tail] - p[head] >= 1` on every arc with `flow < cap`, and
    /// `<= 1` on every arc with `flow > 0` (complementary slackness for cost -1 per unit);
    /// on a free arc the same with 0 in place of 1.
    pub(crate) potential: Vec<i64>,
}

/// The largest circulation (flow in equals flow out at every node, `0 <= flow <= cap`,
/// largest total flow) on `node_count` nodes and arcs `tails[e] -> heads[e]` with
/// capacities `caps[e] >= 0`. The sum of the capacities must fit in `F`.
#[cfg(test)]
pub(crate) fn max_circulation<F: Amount>(
    node_count: usize,
    tails: &[u32],
    heads: &[u32],
    caps: &[F],
) -> MaxCirculation<F> {
    max_circulation_with_free_arcs(node_count, tails, heads, caps, tails.len())
}

/// As [`max_circulation`], but only arcs `0..counted` count towards the total flow (cost
/// -1 per unit); arcs `counted..` are free (cost 0). The largest total flow on the counted
/// arcs over all circulations.
pub(crate) fn max_circulation_with_free_arcs<F: Amount>(
    node_count: usize,
    tails: &[u32],
    heads: &[u32],
    caps: &[F],
    counted: usize,
) -> MaxCirculation<F> {
    let mut solver = Solver::new(node_count, tails, heads, caps, counted);
    solver.run();
    let flow = (0..tails.len())
        .map(|e| solver.rc[solver.back[e] as usize])
        .collect();
    MaxCirculation {
        flow,
        potential: solver.pi,
    }
}

struct Solver<F> {
    n: usize,
    /// Residual arcs of node `v`: `first[v]..first[v + 1]`.
    first: Vec<u32>,
    head: Vec<u32>,
    /// The paired residual arc.
    rev: Vec<u32>,
    /// Residual capacity.
    rc: Vec<F>,
    /// Cost of the residual arc: -1 forward and +1 backward for a counted arc, 0 both
    /// ways for a free one.
    cost: Vec<i8>,
    /// The backward residual arc of each original arc; its residual capacity is the flow.
    back: Vec<u32>,
    pi: Vec<i64>,
    excess: Vec<F>,
    // Push–relabel state of the current phase.
    label: Vec<u32>,
    current: Vec<u32>,
    active: VecDeque<u32>,
    relabels_since_update: usize,
    // Scratch for the Dijkstra.
    dist: Vec<u32>,
    buckets: Vec<Vec<u32>>,
}

impl<F: Amount> Solver<F> {
    fn new(n: usize, tails: &[u32], heads: &[u32], caps: &[F], counted: usize) -> Solver<F> {
        let m = tails.len();
        let mut first = vec![0_u32; n + 1];
        for e in 0..m {
            first[tails[e] as usize + 1] += 1;
            first[heads[e] as usize + 1] += 1;
        }
        for v in 0..n {
            first[v + 1] += first[v];
        }
        let mut fill = first.clone();
        let mut head = vec![0_u32; 2 * m];
        let mut rev = vec![0_u32; 2 * m];
        let mut rc = vec![F::ZERO; 2 * m];
        let mut cost = vec![0_i8; 2 * m];
        let mut back = vec![0_u32; m];
        let mut excess = vec![F::ZERO; n];
        for e in 0..m {
            let (t, h) = (tails[e] as usize, heads[e] as usize);
            let a = fill[t];
            fill[t] += 1;
            let b = fill[h];
            fill[h] += 1;
            head[a as usize] = h as u32;
            rev[a as usize] = b;
            head[b as usize] = t as u32;
            rev[b as usize] = a;
            back[e] = b;
            if e < counted {
                // Saturated: no residual forward capacity, the whole amount backward.
                cost[a as usize] = -1;
                cost[b as usize] = 1;
                rc[b as usize] = caps[e];
                excess[t] -= caps[e];
                excess[h] += caps[e];
            } else {
                // Free and empty: the whole capacity forward.
                rc[a as usize] = caps[e];
            }
        }
        let current = first[..n].to_vec();
        Solver {
            n,
            first,
            head,
            rev,
            rc,
            cost,
            back,
            pi: vec![0; n],
            excess,
            label: vec![0; n],
            current,
            active: VecDeque::new(),
            relabels_since_update: 0,
            dist: vec![NONE; n],
            buckets: Vec::new(),
        }
    }

    /// Reduced cost of residual arc `a` out of `v`.
    #[inline]
    fn reduced(&self, v: usize, a: usize) -> i64 {
        i64::from(self.cost[a]) + self.pi[v] - self.pi[self.head[a] as usize]
    }

    fn run(&mut self) {
        // Each phase moves excess or raises the potentials of the deficits over those of
        // the excesses; on a feasible problem the span of potentials never exceeds the
        // number of nodes. The bound only guards against a defect (the caller's
        // certificate check would then fail).
        let mut phases = 0_usize;
        while phases <= 2 * self.n + 2 && self.raise_potentials() {
            self.max_preflow();
            phases += 1;
        }
    }

    /// Dijkstra (buckets) from every node with excess over the reduced costs, up to the
    /// distance `D` of the nearest deficit; `π += min(d, D)`. Returns false when no node
    /// has excess (or, impossible for a circulation problem, no deficit is reachable).
    fn raise_potentials(&mut self) -> bool {
        let n = self.n;
        if self.buckets.is_empty() {
            self.buckets.push(Vec::new());
        }
        let mut any = false;
        for v in 0..n {
            if self.excess[v] > F::ZERO {
                self.dist[v] = 0;
                self.buckets[0].push(v as u32);
                any = true;
            } else {
                self.dist[v] = NONE;
            }
        }
        if !any {
            return false;
        }
        let settled = |d: u32| d != NONE && d & SETTLED != 0;
        let mut reach: Option<u32> = None;
        let mut level = 0_usize;
        'levels: while level < self.buckets.len() {
            while let Some(v) = self.buckets[level].pop() {
                let vu = v as usize;
                let d = self.dist[vu];
                if settled(d) || d as usize != level {
                    continue;
                }
                self.dist[vu] = d | SETTLED;
                if self.excess[vu] < F::ZERO {
                    reach = Some(d);
                    break 'levels;
                }
                for a in self.first[vu] as usize..self.first[vu + 1] as usize {
                    if self.rc[a] == F::ZERO {
                        continue;
                    }
                    let w = self.head[a] as usize;
                    if settled(self.dist[w]) {
                        continue;
                    }
                    let length = self.reduced(vu, a);
                    let candidate = level as i64 + length;
                    if candidate >= i64::from(SETTLED) {
                        continue;
                    }
                    let candidate = candidate as u32;
                    if self.dist[w] == NONE || candidate < self.dist[w] {
                        self.dist[w] = candidate;
                        let c = candidate as usize;
                        if self.buckets.len() <= c {
                            self.buckets.resize_with(c + 1, Vec::new);
                        }
                        self.buckets[c].push(w as u32);
                    }
                }
            }
            level += 1;
        }
        for bucket in &mut self.buckets {
            bucket.clear();
        }
        let Some(reach) = reach else {
            return false;
        };
        let reach = i64::from(reach);
        for v in 0..n {
            let d = self.dist[v];
            let d = if settled(d) {
                i64::from(d & !SETTLED)
            } else {
                reach
            };
            self.pi[v] += d.min(reach);
        }
        true
    }

    /// Whether residual arc `a` out of `v` has reduced cost zero.
    #[inline]
    fn admissible_cost(&self, v: usize, a: usize) -> bool {
        self.rc[a] > F::ZERO && self.reduced(v, a) == 0
    }

    /// Push–relabel on the arcs of reduced cost zero, from the excesses to the deficits,
    /// until no excess can reach a deficit there.
    fn max_preflow(&mut self) {
        self.global_relabel();
        while let Some(v) = self.active.pop_front() {
            let vu = v as usize;
            if self.label[vu] as usize >= self.n || self.excess[vu] <= F::ZERO {
                continue;
            }
            // Exact labels again after n/4 relabels: measured on the bench networks (a
            // million obligations), 20 % faster than after n on the corridor model and no
            // slower on the supply model; more often (n/8) gains nothing more.
            if self.relabels_since_update * 4 > self.n {
                self.global_relabel();
                if self.label[vu] as usize >= self.n {
                    continue;
                }
            }
            self.discharge(vu);
        }
    }

    fn discharge(&mut self, v: usize) {
        let n = self.n as u32;
        while self.excess[v] > F::ZERO {
            let end = self.first[v + 1] as usize;
            let mut a = self.current[v] as usize;
            let lv = self.label[v];
            while a < end {
                let w = self.head[a] as usize;
                if self.label[w] + 1 == lv && self.admissible_cost(v, a) {
                    let amount = self.excess[v].min(self.rc[a]);
                    let r = self.rev[a] as usize;
                    self.rc[a] -= amount;
                    self.rc[r] += amount;
                    self.excess[v] -= amount;
                    let before = self.excess[w];
                    self.excess[w] += amount;
                    if before <= F::ZERO && self.excess[w] > F::ZERO {
                        self.active.push_back(w as u32);
                    }
                    if self.excess[v] == F::ZERO {
                        break;
                    }
                }
                a += 1;
            }
            if a < end {
                self.current[v] = a as u32;
                return;
            }
            // Relabel.
            self.relabels_since_update += 1;
            let start = self.first[v] as usize;
            let mut best = n;
            let mut best_arc = start;
            for a in start..end {
                if self.admissible_cost(v, a) {
                    let l = self.label[self.head[a] as usize].saturating_add(1);
                    if l < best {
                        best = l;
                        best_arc = a;
                    }
                }
            }
            self.label[v] = best;
            self.current[v] = best_arc as u32;
            if best >= n {
                return;
            }
        }
    }

    /// Exact distance labels: breadth-first search from the deficits backwards over the
    /// arcs of reduced cost zero; unreached nodes get `n` (they cannot reach a deficit).
    /// Rebuilds the queue of active nodes.
    fn global_relabel(&mut self) {
        self.relabels_since_update = 0;
        let n = self.n;
        let unreached = n as u32;
        let mut queue: VecDeque<u32> = VecDeque::new();
        for v in 0..n {
            if self.excess[v] < F::ZERO {
                self.label[v] = 0;
                queue.push_back(v as u32);
            } else {
                self.label[v] = unreached;
            }
            self.current[v] = self.first[v];
        }
        while let Some(w) = queue.pop_front() {
            let wu = w as usize;
            let next = self.label[wu] + 1;
            let pi_w = self.pi[wu];
            for a in self.first[wu] as usize..self.first[wu + 1] as usize {
                let u = self.head[a] as usize;
                if self.label[u] != unreached {
                    continue;
                }
                // The arc u → w is the reverse of a: its reduced cost is zero exactly when
                // a's is (the costs are opposite), which reads only a's own cost.
                if i64::from(self.cost[a]) + pi_w - self.pi[u] != 0 {
                    continue;
                }
                let r = self.rev[a] as usize;
                if self.rc[r] > F::ZERO {
                    self.label[u] = next;
                    queue.push_back(u as u32);
                }
            }
        }
        self.active.clear();
        for v in 0..n {
            if self.excess[v] > F::ZERO && self.label[v] < unreached {
                self.active.push_back(v as u32);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;
    use crate::simplex::min_cost_flow;

    #[test]
    fn a_triangle_circulates_its_smallest_arc() {
        let c = max_circulation(3, &[0, 1, 2], &[1, 2, 0], &[5_i64, 3, 7]);
        assert_eq!(c.flow, vec![3, 3, 3]);
    }

    #[test]
    fn a_path_carries_nothing() {
        let c = max_circulation(3, &[0, 1], &[1, 2], &[5_i128, 3]);
        assert_eq!(c.flow, vec![0, 0]);
    }

    #[test]
    fn amounts_beyond_i64_are_exact() {
        let big = i128::from(i64::MAX) * 3;
        let c = max_circulation(3, &[0, 1, 2, 1], &[1, 2, 0, 0], &[big, big + 1, big + 2, 5]);
        assert_eq!(c.flow, vec![big, big, big, 0]);
        check(
            3,
            &[0, 1, 2, 1],
            &[1, 2, 0, 0],
            &[big, big + 1, big + 2, 5],
            &c,
        );
    }

    /// Bounds, conservation and complementary slackness; returns the total flow.
    fn check<F: Amount + Into<i128>>(
        n: usize,
        tails: &[u32],
        heads: &[u32],
        caps: &[F],
        c: &MaxCirculation<F>,
    ) -> i128 {
        let mut balance = vec![0_i128; n];
        let mut total = 0_i128;
        for e in 0..tails.len() {
            let (f, cap): (i128, i128) = (c.flow[e].into(), caps[e].into());
            assert!(0 <= f && f <= cap, "arc {e}: {f} of {cap}");
            let (t, h) = (tails[e] as usize, heads[e] as usize);
            balance[t] -= f;
            balance[h] += f;
            total += f;
            let slack = c.potential[t] - c.potential[h];
            assert!(
                f == cap || slack >= 1,
                "arc {e}: not saturated, slack {slack}"
            );
            assert!(f == 0 || slack <= 1, "arc {e}: carries flow, slack {slack}");
        }
        assert!(balance.iter().all(|&b| b == 0), "{balance:?}");
        total
    }

    fn graphs() -> impl Strategy<Value = (usize, Vec<(u32, u32, i64)>)> {
        (2_usize..=9).prop_flat_map(|n| {
            let arcs = proptest::collection::vec((0..n as u32, 1..n as u32, 1_i64..=40), 0..=30);
            arcs.prop_map(move |raw| {
                let arcs = raw
                    .into_iter()
                    .map(|(t, shift, cap)| (t, (t + shift) % n as u32, cap))
                    .collect();
                (n, arcs)
            })
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(500))]

        /// The same optimum as the network simplex (an independent solver), with valid
        /// potentials, the same answer in `i64` and `i128`, and the same answer twice.
        #[test]
        fn agrees_with_the_network_simplex((n, arcs) in graphs()) {
            let tails: Vec<u32> = arcs.iter().map(|a| a.0).collect();
            let heads: Vec<u32> = arcs.iter().map(|a| a.1).collect();
            let caps: Vec<i64> = arcs.iter().map(|a| a.2).collect();
            let wide: Vec<i128> = caps.iter().map(|&c| i128::from(c)).collect();
            let ours = max_circulation(n, &tails, &heads, &caps);
            let total = check(n, &tails, &heads, &caps, &ours);
            let simplex = min_cost_flow(n, &vec![0; n], &tails, &heads, &wide, &vec![-1; arcs.len()]);
            prop_assert_eq!(total, simplex.flow.iter().sum::<i128>());
            let again = max_circulation(n, &tails, &heads, &caps);
            prop_assert_eq!(&ours.flow, &again.flow);
            prop_assert_eq!(&ours.potential, &again.potential);
            let wide_run = max_circulation(n, &tails, &heads, &wide);
            let narrow: Vec<i128> = ours.flow.iter().map(|&f| i128::from(f)).collect();
            prop_assert_eq!(narrow, wide_run.flow);
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(300))]

        /// With free arcs (cost 0) after the counted ones: the same optimum on the counted
        /// arcs as the network simplex, and valid potentials (0 in place of 1 on free arcs).
        #[test]
        fn free_arcs_agree_with_the_network_simplex(
            (n, arcs) in graphs(),
            free in proptest::collection::vec((0_u32..9, 0_u32..9, 0_i64..=60), 0..=12),
        ) {
            let mut tails: Vec<u32> = arcs.iter().map(|a| a.0).collect();
            let mut heads: Vec<u32> = arcs.iter().map(|a| a.1).collect();
            let mut caps: Vec<i64> = arcs.iter().map(|a| a.2).collect();
            let counted = arcs.len();
            for &(t, h, cap) in &free {
                let (t, h) = (t % n as u32, h % n as u32);
                if t != h {
                    tails.push(t);
                    heads.push(h);
                    caps.push(cap);
                }
            }
            let ours = max_circulation_with_free_arcs(n, &tails, &heads, &caps, counted);
            let mut balance = vec![0_i64; n];
            for e in 0..tails.len() {
                let f = ours.flow[e];
                prop_assert!(0 <= f && f <= caps[e]);
                let (t, h) = (tails[e] as usize, heads[e] as usize);
                balance[t] -= f;
                balance[h] += f;
                let cost = if e < counted { -1 } else { 0 };
                let reduced = cost + ours.potential[t] - ours.potential[h];
                prop_assert!(f == caps[e] || reduced >= 0, "arc {}", e);
                prop_assert!(f == 0 || reduced <= 0, "arc {}", e);
            }
            prop_assert!(balance.iter().all(|&b| b == 0));
            let wide: Vec<i128> = caps.iter().map(|&c| i128::from(c)).collect();
            let costs: Vec<i64> = (0..tails.len()).map(|e| if e < counted { -1 } else { 0 }).collect();
            let simplex = min_cost_flow(n, &vec![0; n], &tails, &heads, &wide, &costs);
            let theirs: i128 = simplex.flow[..counted].iter().sum();
            prop_assert_eq!(ours.flow[..counted].iter().map(|&f| i128::from(f)).sum::<i128>(), theirs);
        }
    }

    #[test]
    fn agrees_with_the_network_simplex_on_larger_random_graphs() {
        let mut seed = 0x9e37_79b9_7f4a_7c15_u64;
        let mut next = |bound: u64| {
            seed = seed
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            (seed >> 33) % bound
        };
        for round in 0..30 {
            let n = 50 + 50 * (round % 4);
            let m = n * (2 + round % 7);
            let (mut tails, mut heads, mut caps) = (Vec::new(), Vec::new(), Vec::new());
            for _ in 0..m {
                let t = next(n as u64) as u32;
                let h = (t + 1 + next(n as u64 - 1) as u32) % n as u32;
                tails.push(t);
                heads.push(h);
                caps.push(1 + next(if round % 2 == 0 { 10 } else { 1_000_000 }) as i64);
            }
            let ours = max_circulation(n, &tails, &heads, &caps);
            let total = check(n, &tails, &heads, &caps, &ours);
            let wide: Vec<i128> = caps.iter().map(|&c| i128::from(c)).collect();
            let simplex = min_cost_flow(n, &vec![0; n], &tails, &heads, &wide, &vec![-1; m]);
            assert_eq!(total, simplex.flow.iter().sum::<i128>(), "round {round}");
        }
    }
}
