//! The primal network simplex method for a minimum-cost flow with supplies that add up to
//! zero, in exact integers.
//!
//! This is a port of the network simplex of the LEMON library (`lemon/network_simplex.h`,
//! Kelly and O'Neill's design with the spanning tree stored as parent, thread, reverse
//! thread, subtree size and last successor; Boost Software License 1.0) restricted to what
//! clearing needs: lower bounds zero, supplies adding up to zero ("EQ" constraints), block
//! search pivot rule. The starting tree is a star around an extra root: `v -> root` at cost
//! 0 for a supply node, `root -> v` at a cost above any real path for a demand node,
//! carrying the supplies. Those artificial arcs are never entered again once they leave;
//! when the problem is feasible they end with no flow (the caller's certificate check,
//! which includes flow conservation on the real arcs, would catch anything else).
//!
//! Each pivot costs O(length of the cycle + size of the moved subtree); the number of
//! pivots is not polynomially bounded in theory but is close to linear in practice. The
//! optimality of the result does not rest on this code: the caller checks a certificate.
//!
//! Test-only: `set_off` uses the primal–dual solver (`primaldual.rs`); this simplex is
//! kept as a second, independent solver that the property tests compare it with.
//!
//! LEMON's copyright notice and licence (Boost Software License 1.0), which this port
//! carries, are in `crates/corridor-clearing/LICENSE-LEMON`.

const NONE: u32 = u32::MAX;
const STATE_UPPER: i8 = -1;
const STATE_TREE: i8 = 0;
const STATE_LOWER: i8 = 1;
const DIR_UP: i8 = 1;
const DIR_DOWN: i8 = -1;
const MIN_BLOCK_SIZE: usize = 10;

/// An optimal flow and the node potentials that prove it.
pub(crate) struct Circulation {
    /// Flow per arc, in the order given.
    pub(crate) flow: Vec<i128>,
    /// Potential per node (only the tests compare flows). For every arc, with
    /// `reduced = cost + pi[tail] - pi[head]`:
    /// `flow < cap` implies `reduced >= 0`, and `flow > 0` implies `reduced <= 0`.
    #[allow(dead_code)]
    pub(crate) potential: Vec<i64>,
}

/// Finds a minimum-cost flow on `node_count` nodes with supplies `supplies[v]` (adding up
/// to zero; positive: the node sends), arcs `tails[e] -> heads[e]`, capacities
/// `caps[e] >= 0` and costs `costs[e]`.
pub(crate) fn min_cost_flow(
    node_count: usize,
    supplies: &[i128],
    tails: &[u32],
    heads: &[u32],
    caps: &[i128],
    costs: &[i64],
) -> Circulation {
    let mut simplex = Simplex::new(node_count, supplies, tails, heads, caps, costs);
    simplex.run();
    let arc_count = tails.len();
    simplex.flow.truncate(arc_count);
    simplex.pi.truncate(node_count);
    Circulation {
        flow: simplex.flow,
        potential: simplex.pi,
    }
}

struct Simplex {
    node_num: usize,
    search_arc_num: usize,
    source: Vec<u32>,
    target: Vec<u32>,
    cap: Vec<i128>,
    cost: Vec<i64>,
    flow: Vec<i128>,
    state: Vec<i8>,
    pi: Vec<i64>,
    parent: Vec<u32>,
    pred: Vec<u32>,
    pred_dir: Vec<i8>,
    thread: Vec<u32>,
    rev_thread: Vec<u32>,
    succ_num: Vec<u32>,
    last_succ: Vec<u32>,
    dirty_revs: Vec<u32>,
    in_arc: u32,
    join: u32,
    u_in: u32,
    v_in: u32,
    u_out: u32,
    delta: i128,
    next_arc: usize,
    block_size: usize,
}

impl Simplex {
    fn new(
        node_num: usize,
        supplies: &[i128],
        tails: &[u32],
        heads: &[u32],
        caps: &[i128],
        costs: &[i64],
    ) -> Simplex {
        let arc_num = tails.len();
        let all_arc_num = arc_num + node_num;
        let mut source = Vec::with_capacity(all_arc_num);
        source.extend_from_slice(tails);
        let mut target = Vec::with_capacity(all_arc_num);
        target.extend_from_slice(heads);
        let mut cap = Vec::with_capacity(all_arc_num);
        cap.extend_from_slice(caps);
        let mut cost = Vec::with_capacity(all_arc_num);
        cost.extend_from_slice(costs);
        let mut state = vec![STATE_LOWER; arc_num];
        state.reserve(node_num);

        let root = node_num as u32;
        let mut parent = vec![NONE; node_num + 1];
        let mut pred = vec![NONE; node_num + 1];
        let mut pred_dir = vec![DIR_UP; node_num + 1];
        let mut thread = vec![0_u32; node_num + 1];
        let mut rev_thread = vec![0_u32; node_num + 1];
        let mut succ_num = vec![1_u32; node_num + 1];
        let mut last_succ = vec![0_u32; node_num + 1];
        succ_num[node_num] = root + 1;
        last_succ[node_num] = if node_num == 0 { root } else { root - 1 };
        thread[node_num] = 0;
        rev_thread[0] = root;
        // Artificial arcs: more expensive than any path of real arcs.
        let max_cost = costs.iter().map(|c| c.abs()).max().unwrap_or(0);
        let art_cost = (max_cost + 1) * (node_num as i64 + 1);
        let mut flow = vec![0_i128; arc_num];
        flow.reserve(node_num);
        let mut pi = vec![0_i64; node_num + 1];
        for u in 0..node_num {
            let e = (arc_num + u) as u32;
            parent[u] = root;
            pred[u] = e;
            thread[u] = u as u32 + 1;
            rev_thread[u + 1] = u as u32;
            succ_num[u] = 1;
            last_succ[u] = u as u32;
            cap.push(i128::MAX);
            state.push(STATE_TREE);
            if supplies[u] >= 0 {
                pred_dir[u] = DIR_UP;
                source.push(u as u32);
                target.push(root);
                flow.push(supplies[u]);
                cost.push(0);
            } else {
                pred_dir[u] = DIR_DOWN;
                pi[u] = art_cost;
                source.push(root);
                target.push(u as u32);
                flow.push(-supplies[u]);
                cost.push(art_cost);
            }
        }
        let block_size = ((arc_num as u64).isqrt() as usize).max(MIN_BLOCK_SIZE);
        Simplex {
            node_num,
            search_arc_num: arc_num,
            source,
            target,
            cap,
            cost,
            flow,
            state,
            pi,
            parent,
            pred,
            pred_dir,
            thread,
            rev_thread,
            succ_num,
            last_succ,
            dirty_revs: Vec::new(),
            in_arc: 0,
            join: 0,
            u_in: 0,
            v_in: 0,
            u_out: 0,
            delta: 0,
            next_arc: 0,
            block_size,
        }
    }

    fn run(&mut self) {
        if self.node_num == 0 || self.search_arc_num == 0 {
            return;
        }
        while self.find_entering_arc() {
            self.find_join_node();
            let change = self.find_leaving_arc();
            self.change_flow(change);
            if change {
                self.update_tree_structure();
                self.update_potential();
            }
        }
    }

    #[inline]
    fn reduced(&self, e: usize) -> i64 {
        i64::from(self.state[e])
            * (self.cost[e] + self.pi[self.source[e] as usize] - self.pi[self.target[e] as usize])
    }

    /// Block search: scan blocks of arcs cyclically, take the most violating arc of the
    /// first block that has one.
    fn find_entering_arc(&mut self) -> bool {
        let mut min = 0_i64;
        let mut count = self.block_size;
        let mut e = self.next_arc;
        let total = self.search_arc_num;
        for _ in 0..total {
            let c = self.reduced(e);
            if c < min {
                min = c;
                self.in_arc = e as u32;
            }
            e += 1;
            if e == total {
                e = 0;
            }
            count -= 1;
            if count == 0 {
                if min < 0 {
                    self.next_arc = e;
                    return true;
                }
                count = self.block_size;
            }
        }
        if min < 0 {
            self.next_arc = e;
            return true;
        }
        false
    }

    fn find_join_node(&mut self) {
        let mut u = self.source[self.in_arc as usize];
        let mut v = self.target[self.in_arc as usize];
        while u != v {
            if self.succ_num[u as usize] < self.succ_num[v as usize] {
                u = self.parent[u as usize];
            } else {
                v = self.parent[v as usize];
            }
        }
        self.join = u;
    }

    /// Returns whether the leaving arc differs from the entering arc.
    fn find_leaving_arc(&mut self) -> bool {
        let in_arc = self.in_arc as usize;
        let (first, second) = if self.state[in_arc] == STATE_LOWER {
            (self.source[in_arc], self.target[in_arc])
        } else {
            (self.target[in_arc], self.source[in_arc])
        };
        self.delta = self.cap[in_arc];
        let mut result = 0;
        let mut u = first;
        while u != self.join {
            let e = self.pred[u as usize] as usize;
            let d = if self.pred_dir[u as usize] == DIR_DOWN {
                self.cap[e] - self.flow[e]
            } else {
                self.flow[e]
            };
            if d < self.delta {
                self.delta = d;
                self.u_out = u;
                result = 1;
            }
            u = self.parent[u as usize];
        }
        let mut u = second;
        while u != self.join {
            let e = self.pred[u as usize] as usize;
            let d = if self.pred_dir[u as usize] == DIR_UP {
                self.cap[e] - self.flow[e]
            } else {
                self.flow[e]
            };
            if d <= self.delta {
                self.delta = d;
                self.u_out = u;
                result = 2;
            }
            u = self.parent[u as usize];
        }
        if result == 1 {
            self.u_in = first;
            self.v_in = second;
        } else {
            self.u_in = second;
            self.v_in = first;
        }
        result != 0
    }

    fn change_flow(&mut self, change: bool) {
        let in_arc = self.in_arc as usize;
        if self.delta > 0 {
            let val = i128::from(self.state[in_arc]) * self.delta;
            self.flow[in_arc] += val;
            let mut u = self.source[in_arc];
            while u != self.join {
                let e = self.pred[u as usize] as usize;
                self.flow[e] -= i128::from(self.pred_dir[u as usize]) * val;
                u = self.parent[u as usize];
            }
            let mut u = self.target[in_arc];
            while u != self.join {
                let e = self.pred[u as usize] as usize;
                self.flow[e] += i128::from(self.pred_dir[u as usize]) * val;
                u = self.parent[u as usize];
            }
        }
        if change {
            self.state[in_arc] = STATE_TREE;
            let out = self.pred[self.u_out as usize] as usize;
            self.state[out] = if self.flow[out] == 0 {
                STATE_LOWER
            } else {
                STATE_UPPER
            };
        } else {
            self.state[in_arc] = -self.state[in_arc];
        }
    }

    fn update_tree_structure(&mut self) {
        let (u_in, v_in, u_out, join) = (self.u_in, self.v_in, self.u_out, self.join);
        let (ui, vi, uo) = (u_in as usize, v_in as usize, u_out as usize);
        let old_rev_thread = self.rev_thread[uo];
        let old_succ_num = self.succ_num[uo];
        let old_last_succ = self.last_succ[uo];
        let v_out = self.parent[uo];
        let in_arc = self.in_arc;
        let in_dir = if u_in == self.source[in_arc as usize] {
            DIR_UP
        } else {
            DIR_DOWN
        };

        if u_in == u_out {
            self.parent[ui] = v_in;
            self.pred[ui] = in_arc;
            self.pred_dir[ui] = in_dir;
            if self.thread[vi] != u_out {
                let mut after = self.thread[old_last_succ as usize];
                self.thread[old_rev_thread as usize] = after;
                self.rev_thread[after as usize] = old_rev_thread;
                after = self.thread[vi];
                self.thread[vi] = u_out;
                self.rev_thread[uo] = v_in;
                self.thread[old_last_succ as usize] = after;
                self.rev_thread[after as usize] = old_last_succ;
            }
        } else {
            // When old_rev_thread is v_in, join and v_out coincide.
            let thread_continue = if old_rev_thread == v_in {
                self.thread[old_last_succ as usize]
            } else {
                self.thread[vi]
            };
            // Walk the stem from u_in to u_out, re-hanging each stem node's subtree.
            let mut stem = u_in;
            let mut par_stem = v_in;
            let mut last = self.last_succ[ui];
            let mut after = self.thread[last as usize];
            self.thread[vi] = u_in;
            self.dirty_revs.clear();
            self.dirty_revs.push(v_in);
            while stem != u_out {
                let next_stem = self.parent[stem as usize];
                self.thread[last as usize] = next_stem;
                self.dirty_revs.push(last);
                let before = self.rev_thread[stem as usize];
                self.thread[before as usize] = after;
                self.rev_thread[after as usize] = before;
                self.parent[stem as usize] = par_stem;
                par_stem = stem;
                stem = next_stem;
                last = if self.last_succ[stem as usize] == self.last_succ[par_stem as usize] {
                    self.rev_thread[par_stem as usize]
                } else {
                    self.last_succ[stem as usize]
                };
                after = self.thread[last as usize];
            }
            self.parent[uo] = par_stem;
            self.thread[last as usize] = thread_continue;
            self.rev_thread[thread_continue as usize] = last;
            self.last_succ[uo] = last;
            if old_rev_thread != v_in {
                self.thread[old_rev_thread as usize] = after;
                self.rev_thread[after as usize] = old_rev_thread;
            }
            for i in 0..self.dirty_revs.len() {
                let u = self.dirty_revs[i];
                let t = self.thread[u as usize];
                self.rev_thread[t as usize] = u;
            }
            // Reverse pred, pred_dir, and fix last_succ and succ_num along the stem.
            let mut tmp_sc = 0_u32;
            let tmp_ls = self.last_succ[uo];
            let mut u = u_out;
            let mut p = self.parent[uo];
            while u != u_in {
                let (uu, pu) = (u as usize, p as usize);
                self.pred[uu] = self.pred[pu];
                self.pred_dir[uu] = -self.pred_dir[pu];
                tmp_sc = tmp_sc
                    .wrapping_add(self.succ_num[uu])
                    .wrapping_sub(self.succ_num[pu]);
                self.succ_num[uu] = tmp_sc;
                self.last_succ[pu] = tmp_ls;
                u = p;
                p = self.parent[u as usize];
            }
            self.pred[ui] = in_arc;
            self.pred_dir[ui] = in_dir;
            self.succ_num[ui] = old_succ_num;
        }

        // Update last_succ from v_in towards the root.
        let up_limit_out = if self.last_succ[join as usize] == v_in {
            join
        } else {
            NONE
        };
        let last_succ_out = self.last_succ[uo];
        let mut u = v_in;
        while u != NONE && self.last_succ[u as usize] == v_in {
            self.last_succ[u as usize] = last_succ_out;
            u = self.parent[u as usize];
        }
        // Update last_succ from v_out towards the root.
        if join != old_rev_thread && v_in != old_rev_thread {
            let mut u = v_out;
            while u != up_limit_out && self.last_succ[u as usize] == old_last_succ {
                self.last_succ[u as usize] = old_rev_thread;
                u = self.parent[u as usize];
            }
        } else if last_succ_out != old_last_succ {
            let mut u = v_out;
            while u != up_limit_out && self.last_succ[u as usize] == old_last_succ {
                self.last_succ[u as usize] = last_succ_out;
                u = self.parent[u as usize];
            }
        }
        // Update succ_num from v_in and from v_out to join.
        let mut u = v_in;
        while u != join {
            self.succ_num[u as usize] += old_succ_num;
            u = self.parent[u as usize];
        }
        let mut u = v_out;
        while u != join {
            self.succ_num[u as usize] -= old_succ_num;
            u = self.parent[u as usize];
        }
    }

    fn update_potential(&mut self) {
        let (ui, vi) = (self.u_in as usize, self.v_in as usize);
        let sigma = self.pi[vi]
            - self.pi[ui]
            - i64::from(self.pred_dir[ui]) * self.cost[self.in_arc as usize];
        let end = self.thread[self.last_succ[ui] as usize];
        // Only differences of potentials matter: shift the moved subtree by `sigma`, or,
        // when it is the larger part of the tree, everything else (a contiguous stretch
        // of the cyclic thread, root included) by `-sigma`.
        let subtree = self.succ_num[ui] as usize;
        let (mut u, stop, shift) = if 2 * subtree <= self.node_num + 1 {
            (self.u_in, end, sigma)
        } else {
            (end, self.u_in, -sigma)
        };
        while u != stop {
            self.pi[u as usize] += shift;
            u = self.thread[u as usize];
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_triangle_circulates_its_smallest_arc() {
        let c = min_cost_flow(
            3,
            &[0, 0, 0],
            &[0, 1, 2],
            &[1, 2, 0],
            &[5, 3, 7],
            &[-1, -1, -1],
        );
        assert_eq!(c.flow, vec![3, 3, 3]);
    }

    #[test]
    fn a_path_carries_nothing() {
        let c = min_cost_flow(3, &[0, 0, 0], &[0, 1], &[1, 2], &[5, 3], &[-1, -1]);
        assert_eq!(c.flow, vec![0, 0]);
    }
}
