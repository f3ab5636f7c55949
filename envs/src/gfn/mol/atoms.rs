//! [`AtomGraph`]: a neutral, Kekulé-form heavy-atom graph with implicit hydrogens.

use crate::EnvError;

/// A heavy-atom graph in Kekulé form (bond orders 1–3, no charges); hydrogens are implicit and
/// follow the SMILES organic-subset default valences.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AtomGraph {
    /// Element symbol of each atom (`*` for an attachment placeholder).
    pub atoms: Vec<&'static str>,
    /// Bonds `(a, b, order)`.
    pub bonds: Vec<(usize, usize, u8)>,
}

/// The organic-subset elements and their allowed valences (smallest first).
pub(crate) const ELEMENTS: [(&str, &[u8]); 11] = [
    ("Cl", &[1]),
    ("Br", &[1]),
    ("B", &[3]),
    ("C", &[4]),
    ("N", &[3, 5]),
    ("O", &[2]),
    ("P", &[3, 5]),
    ("S", &[2, 4, 6]),
    ("F", &[1]),
    ("I", &[1]),
    ("*", &[1]),
];

impl AtomGraph {
    /// Sum of bond orders at atom `i`.
    pub fn bond_order_sum(&self, i: usize) -> u8 {
        self.bonds
            .iter()
            .filter(|&&(a, b, _)| a == i || b == i)
            .map(|&(_, _, o)| o)
            .sum()
    }

    /// Implicit hydrogens of atom `i`: the smallest allowed valence not below its bond-order sum,
    /// minus that sum; an error if the sum exceeds every allowed valence.
    pub fn implicit_h(&self, i: usize) -> Result<u8, EnvError> {
        let used = self.bond_order_sum(i);
        let valences = ELEMENTS
            .iter()
            .find(|(sym, _)| *sym == self.atoms[i])
            .map(|(_, v)| *v)
            .unwrap_or(&[]);
        valences
            .iter()
            .find(|&&v| v >= used)
            .map(|v| v - used)
            .ok_or_else(|| {
                EnvError::InvalidArgument(format!(
                    "atom {i} ({}) has bond-order sum {used}, above its valences",
                    self.atoms[i]
                ))
            })
    }

    /// Neighbours of atom `i` with bond orders, in bond order of insertion.
    pub fn neighbours(&self, i: usize) -> Vec<(usize, u8)> {
        self.bonds
            .iter()
            .filter_map(|&(a, b, o)| match (a == i, b == i) {
                (true, _) => Some((b, o)),
                (_, true) => Some((a, o)),
                _ => None,
            })
            .collect()
    }

    /// Appends `other`, shifting its atom indices; returns the offset of its first atom.
    pub fn append(&mut self, other: &AtomGraph) -> usize {
        let offset = self.atoms.len();
        self.atoms.extend_from_slice(&other.atoms);
        self.bonds.extend(
            other
                .bonds
                .iter()
                .map(|&(a, b, o)| (a + offset, b + offset, o)),
        );
        offset
    }
}
