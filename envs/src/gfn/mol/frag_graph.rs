//! [`FragGraph`]: a tree of fragments in canonical form (the molecule environment's state).

/// How a non-root node hangs from its parent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Link {
    /// Index of the parent node (always smaller than the child's).
    pub parent: usize,
    /// Stem of the parent used by the bond.
    pub parent_stem: usize,
    /// Stem of the child used by the bond.
    pub stem: usize,
}

/// A node: a fragment id and, except for the root, its link to the parent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FragNode {
    /// Index into the vocabulary.
    pub fragment: usize,
    /// The bond to the parent (`None` for the root).
    pub link: Option<Link>,
}

/// A tree of fragments joined by single bonds between stems, each stem used at most once.
///
/// Nodes are stored in a canonical order (preorder from the root whose encoding is smallest,
/// children by the parent's stem), so two graphs are `==` iff they are isomorphic as
/// fragment- and stem-labelled trees. Node `0` is the root; every other node's parent comes
/// before it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FragGraph {
    nodes: Vec<FragNode>,
}

/// Adjacency: `(neighbour, own stem, neighbour's stem)` per node.
type Adjacency = Vec<Vec<(usize, usize, usize)>>;

impl FragGraph {
    /// The nodes in canonical order.
    pub fn nodes(&self) -> &[FragNode] {
        &self.nodes
    }

    /// Number of fragments.
    pub fn len(&self) -> usize {
        self.nodes.len()
    }

    /// Whether the graph has no fragment (the initial state).
    pub fn is_empty(&self) -> bool {
        self.nodes.is_empty()
    }

    /// Whether stem `stem` of node `node` is bonded.
    pub fn stem_used(&self, node: usize, stem: usize) -> bool {
        self.adjacency()[node].iter().any(|&(_, s, _)| s == stem)
    }

    /// Number of bonds of node `node`.
    pub fn degree(&self, node: usize) -> usize {
        self.adjacency()[node].len()
    }

    /// A one-node graph.
    pub fn single(fragment: usize) -> Self {
        Self {
            nodes: vec![FragNode {
                fragment,
                link: None,
            }],
        }
    }

    /// Adds `fragment` bonded by its stem `stem` to stem `parent_stem` of node `parent`.
    pub fn attach(&self, parent: usize, parent_stem: usize, fragment: usize, stem: usize) -> Self {
        let mut frags: Vec<usize> = self.nodes.iter().map(|n| n.fragment).collect();
        let mut adj = self.adjacency();
        let new = frags.len();
        frags.push(fragment);
        adj.push(vec![(parent, stem, parent_stem)]);
        adj[parent].push((new, parent_stem, stem));
        canonical(&frags, &adj)
    }

    /// Removes node `node` (which must be a leaf or the only node).
    pub fn remove(&self, node: usize) -> Self {
        let renumber = |i: usize| if i > node { i - 1 } else { i };
        let frags: Vec<usize> = (0..self.len())
            .filter(|&i| i != node)
            .map(|i| self.nodes[i].fragment)
            .collect();
        let adj: Adjacency = self
            .adjacency()
            .into_iter()
            .enumerate()
            .filter(|&(i, _)| i != node)
            .map(|(_, edges)| {
                edges
                    .into_iter()
                    .filter(|&(j, _, _)| j != node)
                    .map(|(j, s, t)| (renumber(j), s, t))
                    .collect()
            })
            .collect();
        canonical(&frags, &adj)
    }

    fn adjacency(&self) -> Adjacency {
        let mut adj: Adjacency = vec![Vec::new(); self.len()];
        for (i, node) in self.nodes.iter().enumerate() {
            if let Some(l) = node.link {
                adj[i].push((l.parent, l.stem, l.parent_stem));
                adj[l.parent].push((i, l.parent_stem, l.stem));
            }
        }
        adj
    }
}

/// Rooted encoding: fragment, child count, then per child (by own stem) the two stems and the
/// child's encoding. Prefix-free, so comparing encodings compares rooted trees.
fn encode(frags: &[usize], adj: &Adjacency, v: usize, from: Option<usize>, out: &mut Vec<usize>) {
    let mut kids: Vec<_> = adj[v]
        .iter()
        .filter(|&&(w, _, _)| Some(w) != from)
        .collect();
    kids.sort_by_key(|&&(_, s, _)| s);
    out.extend([frags[v], kids.len()]);
    for &&(w, s, t) in &kids {
        out.extend([s, t]);
        encode(frags, adj, w, Some(v), out);
    }
}

fn preorder(adj: &Adjacency, v: usize, link: Option<Link>, order: &mut Vec<(usize, Option<Link>)>) {
    let me = order.len();
    order.push((v, link));
    let from = link.map(|l| order[l.parent].0);
    let mut kids: Vec<_> = adj[v]
        .iter()
        .filter(|&&(w, _, _)| Some(w) != from)
        .collect();
    kids.sort_by_key(|&&(_, s, _)| s);
    for &&(w, s, t) in &kids {
        preorder(
            adj,
            w,
            Some(Link {
                parent: me,
                parent_stem: s,
                stem: t,
            }),
            order,
        );
    }
}

fn canonical(frags: &[usize], adj: &Adjacency) -> FragGraph {
    let Some(root) = (0..frags.len()).min_by_key(|&r| {
        let mut code = Vec::new();
        encode(frags, adj, r, None, &mut code);
        code
    }) else {
        return FragGraph::default();
    };
    let mut order = Vec::with_capacity(frags.len());
    preorder(adj, root, None, &mut order);
    FragGraph {
        nodes: order
            .into_iter()
            .map(|(v, link)| FragNode {
                fragment: frags[v],
                link,
            })
            .collect(),
    }
}
