//! [`FragMolEnv`]: build a molecule by attaching fragments at free stems.

use super::{AtomGraph, FragGraph, Vocabulary, write_smiles};
use crate::EnvError;
use crate::gfn::GfnEnv;

/// A decoded forward action of [`FragMolEnv`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FragAction {
    /// Place the first fragment (only on the empty graph).
    Start {
        /// Fragment id.
        fragment: usize,
    },
    /// Bond stem `fragment_stem` of a new `fragment` to the free stem `stem` of node `node`.
    Attach {
        /// Existing node (canonical index).
        node: usize,
        /// Free stem of that node.
        stem: usize,
        /// New fragment id.
        fragment: usize,
        /// Stem of the new fragment used by the bond.
        fragment_stem: usize,
    },
    /// Exit: the current molecule is the object (not allowed on the empty graph).
    Stop,
}

/// The fragment-based molecule environment.
///
/// * State: a [`FragGraph`] (canonical fragment tree), initially empty.
/// * Forward actions (`F` fragments, `S` = max stems, `P` = (fragment, stem) pairs, `N` =
///   `max_frags`): `0..F` start with fragment `f`; then `N·S·P` attach actions laid out as
///   `F + (node·S + stem)·P + pair`; then Stop (the exit action, last). Attaching needs a free
///   stem and fewer than `N` nodes; Stop needs a non-empty graph.
/// * Backward actions `0..N`: remove node `k`, allowed when it is a leaf (or the only node).
/// * Features (`N·(F + N + 3S)`): per node slot, one-hot fragment, one-hot parent, one-hot
///   parent stem, one-hot own stem, used-stem bits.
/// * Objects: every non-empty graph, expanded deterministically to an [`AtomGraph`] and to
///   SMILES. Distinct graphs may give the same molecule (symmetric fragments, other
///   fragmentations), as in the reference environment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FragMolEnv {
    vocab: Vocabulary,
    max_frags: usize,
}

impl FragMolEnv {
    /// An environment over `vocab` with at most `max_frags` fragments per molecule.
    pub fn new(vocab: Vocabulary, max_frags: usize) -> Result<Self, EnvError> {
        if max_frags == 0 {
            return Err(EnvError::InvalidArgument(
                "max_frags must be at least 1".into(),
            ));
        }
        Ok(Self { vocab, max_frags })
    }

    /// The vocabulary.
    pub fn vocab(&self) -> &Vocabulary {
        &self.vocab
    }

    /// The maximum number of fragments.
    pub fn max_frags(&self) -> usize {
        self.max_frags
    }

    fn sizes(&self) -> (usize, usize, usize) {
        let v = &self.vocab;
        (v.fragments().len(), v.max_stems(), v.pairs().len())
    }

    /// Decodes a forward action index.
    pub fn decode(&self, a: usize) -> Option<FragAction> {
        let (f, s, p) = self.sizes();
        if a < f {
            return Some(FragAction::Start { fragment: a });
        }
        let k = a - f;
        if k < self.max_frags * s * p {
            let (fragment, fragment_stem) = self.vocab.pairs()[k % p];
            return Some(FragAction::Attach {
                node: k / p / s,
                stem: k / p % s,
                fragment,
                fragment_stem,
            });
        }
        (a == self.n_actions() - 1).then_some(FragAction::Stop)
    }

    /// Encodes a forward action (`None` if it is outside the action space).
    pub fn action_index(&self, action: FragAction) -> Option<usize> {
        let (f, s, p) = self.sizes();
        match action {
            FragAction::Start { fragment } => (fragment < f).then_some(fragment),
            FragAction::Attach {
                node,
                stem,
                fragment,
                fragment_stem,
            } => {
                let pair = self
                    .vocab
                    .pairs()
                    .iter()
                    .position(|&q| q == (fragment, fragment_stem))?;
                (node < self.max_frags && stem < s).then_some(f + (node * s + stem) * p + pair)
            }
            FragAction::Stop => Some(self.n_actions() - 1),
        }
    }

    fn allowed(&self, g: &FragGraph, action: FragAction) -> bool {
        match action {
            FragAction::Start { .. } => g.is_empty(),
            FragAction::Attach { node, stem, .. } => {
                node < g.len()
                    && g.len() < self.max_frags
                    && stem < self.vocab.fragments()[g.nodes()[node].fragment].stems.len()
                    && !g.stem_used(node, stem)
            }
            FragAction::Stop => !g.is_empty(),
        }
    }

    /// The molecule of a graph: fragment atoms in node order, plus one single bond per link.
    pub fn molecule(&self, g: &FragGraph) -> AtomGraph {
        let frags = self.vocab.fragments();
        let mut mol = AtomGraph::default();
        let mut offsets = Vec::with_capacity(g.len());
        for node in g.nodes() {
            let frag = &frags[node.fragment];
            let offset = mol.append(&frag.atoms);
            offsets.push(offset);
            if let Some(l) = node.link {
                let parent_frag = &frags[g.nodes()[l.parent].fragment];
                let a = offsets[l.parent] + parent_frag.stems[l.parent_stem];
                mol.bonds.push((a, offset + frag.stems[l.stem], 1));
            }
        }
        mol
    }

    /// The SMILES of a graph's molecule (Kekulé, implicit hydrogens; empty for the empty graph).
    pub fn smiles(&self, g: &FragGraph) -> String {
        write_smiles(&self.molecule(g), 0)
    }
}

impl GfnEnv for FragMolEnv {
    type State = FragGraph;

    fn initial(&self) -> FragGraph {
        FragGraph::default()
    }

    fn n_actions(&self) -> usize {
        let (f, s, p) = self.sizes();
        f + self.max_frags * s * p + 1
    }

    fn n_backward_actions(&self) -> usize {
        self.max_frags
    }

    fn forward_mask(&self, g: &FragGraph) -> Vec<bool> {
        (0..self.n_actions())
            .map(|a| self.decode(a).is_some_and(|act| self.allowed(g, act)))
            .collect()
    }

    fn backward_mask(&self, g: &FragGraph) -> Vec<bool> {
        (0..self.max_frags)
            .map(|k| k < g.len() && (g.len() == 1 || g.degree(k) == 1))
            .collect()
    }

    fn step(&self, g: &FragGraph, a: usize) -> Result<FragGraph, EnvError> {
        match self.decode(a).filter(|&act| self.allowed(g, act)) {
            Some(FragAction::Start { fragment }) => Ok(FragGraph::single(fragment)),
            Some(FragAction::Attach {
                node,
                stem,
                fragment,
                fragment_stem,
            }) => Ok(g.attach(node, stem, fragment, fragment_stem)),
            _ => Err(EnvError::InvalidArgument(format!(
                "forward action {a} is not allowed here (exit has no successor state)"
            ))),
        }
    }

    fn backward_step(&self, g: &FragGraph, b: usize) -> Result<FragGraph, EnvError> {
        if !self.backward_mask(g).get(b).copied().unwrap_or(false) {
            return Err(EnvError::InvalidArgument(format!(
                "backward action {b} is not allowed"
            )));
        }
        Ok(g.remove(b))
    }

    fn feature_dim(&self) -> usize {
        let (f, s, _) = self.sizes();
        self.max_frags * (f + self.max_frags + 3 * s)
    }

    fn encode_into(&self, g: &FragGraph, out: &mut [f32]) {
        let (f, s, _) = self.sizes();
        let (n, width) = (self.max_frags, f + self.max_frags + 3 * s);
        out.fill(0.0);
        for (i, node) in g.nodes().iter().enumerate() {
            let row = &mut out[i * width..(i + 1) * width];
            row[node.fragment] = 1.0;
            if let Some(l) = node.link {
                row[f + l.parent] = 1.0;
                row[f + n + l.parent_stem] = 1.0;
                row[f + n + s + l.stem] = 1.0;
            }
            for stem in (0..s).filter(|&k| g.stem_used(i, k)) {
                row[f + n + 2 * s + stem] = 1.0;
            }
        }
    }
}
