//! [`Vocabulary`]: fragments with attachment points (stems).

use super::{AtomGraph, read_smiles};
use crate::EnvError;

/// Ember's default vocabulary: 36 common drug-like building blocks, as `(name, SMILES)` with
/// one `*` per attachment point (written in Kekulé form, neutral, organic-subset atoms only).
///
/// Stem `k` of a fragment is the atom bonded to its `k`-th `*`; two stems may share an atom
/// (e.g. `methylene`). Using a stem replaces one implicit hydrogen of its atom by a single bond
/// to another fragment; unused stems stay hydrogens.
pub const DEFAULT_FRAGMENTS: [(&str, &str); 36] = [
    ("methyl", "*C"),
    ("methylene", "*C*"),
    ("ethylene", "*CC*"),
    ("vinylene", "*C=C*"),
    ("isopropyl", "*C(C)C"),
    ("tert-butyl", "*C(C)(C)C"),
    ("trifluoromethyl", "*C(F)(F)F"),
    ("oxy", "*O*"),
    ("amino", "*N(*)*"),
    ("carbonyl", "*C(*)=O"),
    ("carboxy", "*C(=O)O"),
    ("ester", "*C(=O)O*"),
    ("amide", "*C(=O)N*"),
    ("urea", "*NC(=O)N*"),
    ("sulfonamide", "*S(=O)(=O)N*"),
    ("methylsulfonyl", "*S(C)(=O)=O"),
    ("thio", "*S*"),
    ("nitrile", "*C#N"),
    ("fluoro", "*F"),
    ("chloro", "*Cl"),
    ("bromo", "*Br"),
    ("benzene", "*C1=CC(*)=C(*)C=C1"),
    ("pyridine", "*C1=CC=NC(*)=C1"),
    ("pyrimidine", "*C1=NC=CC(*)=N1"),
    ("pyrrole", "*C1=CC=CN1*"),
    ("furan", "*C1=CC=CO1"),
    ("thiophene", "*C1=CC=C(*)S1"),
    ("imidazole", "*C1=NC=CN1*"),
    ("thiazole", "*C1=NC=CS1"),
    ("cyclopropyl", "*C1CC1"),
    ("cyclohexane", "*C1CCC(*)CC1"),
    ("piperidine", "*N1CCC(*)CC1"),
    ("piperazine", "*N1CCN(*)CC1"),
    ("morpholine", "*N1CCOCC1"),
    ("pyrrolidine", "*N1CCCC1"),
    ("indole", "*C1=CC=C2C(=C1)C=CN2*"),
];

/// One fragment: its heavy atoms and the atoms carrying its stems.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fragment {
    /// A human-readable name.
    pub name: String,
    /// The SMILES with `*` attachment points it was built from.
    pub smiles: String,
    /// Heavy atoms and bonds (the `*` placeholders removed).
    pub atoms: AtomGraph,
    /// Atom index of each stem, in `*` order.
    pub stems: Vec<usize>,
}

impl Fragment {
    /// Builds a fragment from SMILES with at least one `*`, each bonded by a single bond to
    /// one heavy atom.
    pub fn new(name: &str, smiles: &str) -> Result<Self, EnvError> {
        let err = |msg: &str| EnvError::InvalidArgument(format!("fragment `{name}`: {msg}"));
        let g = read_smiles(smiles)?;
        let keep: Vec<usize> = (0..g.atoms.len()).filter(|&i| g.atoms[i] != "*").collect();
        let new_index = |i: usize| keep.iter().position(|&k| k == i);
        let mut stems = Vec::new();
        for star in (0..g.atoms.len()).filter(|&i| g.atoms[i] == "*") {
            match g.neighbours(star).as_slice() {
                [(atom, 1)] if g.atoms[*atom] != "*" => stems.push(new_index(*atom).unwrap_or(0)),
                _ => {
                    return Err(err(
                        "each `*` needs exactly one single bond to a heavy atom",
                    ));
                }
            }
        }
        if stems.is_empty() {
            return Err(err("no attachment point `*`"));
        }
        let atoms = AtomGraph {
            atoms: keep.iter().map(|&i| g.atoms[i]).collect(),
            bonds: g
                .bonds
                .iter()
                .filter_map(|&(a, b, o)| Some((new_index(a)?, new_index(b)?, o)))
                .collect(),
        };
        Ok(Self {
            name: name.to_string(),
            smiles: smiles.to_string(),
            atoms,
            stems,
        })
    }
}

/// A list of fragments and the flat list of their `(fragment, stem)` pairs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Vocabulary {
    fragments: Vec<Fragment>,
    pairs: Vec<(usize, usize)>,
}

impl Vocabulary {
    /// A vocabulary from `(name, SMILES)` entries (see [`Fragment::new`]).
    pub fn new(entries: &[(&str, &str)]) -> Result<Self, EnvError> {
        let fragments = entries
            .iter()
            .map(|(name, smiles)| Fragment::new(name, smiles))
            .collect::<Result<Vec<_>, _>>()?;
        if fragments.is_empty() {
            return Err(EnvError::InvalidArgument(
                "empty fragment vocabulary".into(),
            ));
        }
        let pairs = fragments
            .iter()
            .enumerate()
            .flat_map(|(f, frag)| (0..frag.stems.len()).map(move |s| (f, s)))
            .collect();
        Ok(Self { fragments, pairs })
    }

    /// [`DEFAULT_FRAGMENTS`].
    pub fn default_set() -> Self {
        Self::new(&DEFAULT_FRAGMENTS).expect("the default vocabulary is valid")
    }

    /// The fragments.
    pub fn fragments(&self) -> &[Fragment] {
        &self.fragments
    }

    /// Every `(fragment, stem)` pair, fragment-major.
    pub fn pairs(&self) -> &[(usize, usize)] {
        &self.pairs
    }

    /// The largest stem count of any fragment.
    pub fn max_stems(&self) -> usize {
        self.fragments
            .iter()
            .map(|f| f.stems.len())
            .max()
            .unwrap_or(0)
    }
}
