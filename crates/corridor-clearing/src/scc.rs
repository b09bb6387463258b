//! Strongly connected components (Tarjan's algorithm, iterative: no recursion, so a
//! million-edge path does not overflow the stack).

const UNVISITED: u32 = u32::MAX;

/// A directed graph in compressed sparse row form: the successors of node `v` are
/// `heads[starts[v]..starts[v + 1]]`.
#[derive(Debug)]
pub(crate) struct Csr {
    pub(crate) starts: Vec<u32>,
    pub(crate) heads: Vec<u32>,
}

impl Csr {
    /// Builds the graph of `node_count` nodes from `(tail, head)` arcs, keeping their order
    /// per tail.
    pub(crate) fn new(node_count: usize, arcs: impl Iterator<Item = (u32, u32)> + Clone) -> Csr {
        let mut starts = vec![0_u32; node_count + 1];
        for (tail, _) in arcs.clone() {
            starts[tail as usize + 1] += 1;
        }
        for v in 0..node_count {
            starts[v + 1] += starts[v];
        }
        let mut fill = starts.clone();
        let mut heads = vec![0_u32; starts[node_count] as usize];
        for (tail, head) in arcs {
            let slot = &mut fill[tail as usize];
            heads[*slot as usize] = head;
            *slot += 1;
        }
        Csr { starts, heads }
    }

    fn node_count(&self) -> usize {
        self.starts.len() - 1
    }
}

/// The component of every node. Components are numbered in reverse topological order of
/// the condensation: an arc between two components always goes from a higher number to a
/// lower one.
pub(crate) fn components(graph: &Csr) -> (Vec<u32>, u32) {
    let n = graph.node_count();
    let mut index = vec![UNVISITED; n];
    let mut low = vec![0_u32; n];
    let mut component = vec![UNVISITED; n];
    let mut on_stack = vec![false; n];
    let mut stack: Vec<u32> = Vec::new();
    // The DFS call stack: (node, position of the next arc to look at).
    let mut calls: Vec<(u32, u32)> = Vec::new();
    let mut next_index = 0_u32;
    let mut next_component = 0_u32;
    for root in 0..n {
        if index[root] != UNVISITED {
            continue;
        }
        let root = root as u32;
        index[root as usize] = next_index;
        low[root as usize] = next_index;
        next_index += 1;
        stack.push(root);
        on_stack[root as usize] = true;
        calls.push((root, graph.starts[root as usize]));
        while let Some(&mut (v, ref mut arc)) = calls.last_mut() {
            let vu = v as usize;
            if *arc < graph.starts[vu + 1] {
                let w = graph.heads[*arc as usize];
                *arc += 1;
                let wu = w as usize;
                if index[wu] == UNVISITED {
                    index[wu] = next_index;
                    low[wu] = next_index;
                    next_index += 1;
                    stack.push(w);
                    on_stack[wu] = true;
                    calls.push((w, graph.starts[wu]));
                } else if on_stack[wu] {
                    low[vu] = low[vu].min(index[wu]);
                }
            } else {
                calls.pop();
                if let Some(&(parent, _)) = calls.last() {
                    let pu = parent as usize;
                    low[pu] = low[pu].min(low[vu]);
                }
                if low[vu] == index[vu] {
                    while let Some(w) = stack.pop() {
                        on_stack[w as usize] = false;
                        component[w as usize] = next_component;
                        if w == v {
                            break;
                        }
                    }
                    next_component += 1;
                }
            }
        }
    }
    (component, next_component)
}
