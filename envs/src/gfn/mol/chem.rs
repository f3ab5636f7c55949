//! Molecular objectives through the pure-Rust `chematic` crates (cargo feature `chem`).

use chematic_fp::BitVec2048;

use super::transforms::{mw_objective, sa_objective};
use super::{FragGraph, FragMolEnv};
use crate::EnvError;
use crate::gfn::{LogReward, MultiObjective};

/// Molecular descriptors of one molecule.
///
/// QED, logP and MW agree with RDKit 2022.09 to rounding on the test fixture. The SA value is
/// chematic's *SA-like* score: Ertl's formula with a fragment table from a small corpus, which
/// reads higher than RDKit's `sascorer` and ranks molecules only loosely alike (Spearman ≈ 0.35
/// on the fixture).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Descriptors {
    /// Quantitative estimate of drug-likeness, in `[0, 1]`.
    pub qed: f64,
    /// SA-like synthetic-accessibility score, in `[1, 10]` (lower is easier; not RDKit's).
    pub sa: f64,
    /// Crippen logP.
    pub logp: f64,
    /// Average molecular weight (daltons, implicit hydrogens included).
    pub mw: f64,
}

fn parse(smiles: &str) -> Result<chematic_core::Molecule, EnvError> {
    chematic_smiles::parse(smiles)
        .map_err(|e| EnvError::InvalidArgument(format!("SMILES `{smiles}`: {e}")))
}

/// QED, SA, Crippen logP and molecular weight of a SMILES string.
pub fn descriptors(smiles: &str) -> Result<Descriptors, EnvError> {
    let mol = parse(smiles)?;
    Ok(Descriptors {
        qed: chematic_chem::qed(&mol),
        sa: chematic_chem::sa_score(&mol),
        logp: chematic_chem::logp_crippen(&mol),
        mw: chematic_chem::rdkit_molecular_weight(&mol),
    })
}

/// A Morgan fingerprint of radius 2 folded to 2048 bits (ECFP4, RDKit's bit assignment).
#[derive(Debug, Clone, PartialEq)]
pub struct Fingerprint(BitVec2048);

impl Fingerprint {
    /// Tanimoto similarity `|A ∩ B| / |A ∪ B|` (1 for two empty fingerprints).
    pub fn tanimoto(&self, other: &Self) -> f64 {
        self.0.tanimoto(&other.0)
    }
}

/// The ECFP4 fingerprint of a SMILES string.
pub fn fingerprint(smiles: &str) -> Result<Fingerprint, EnvError> {
    chematic_fp::rdkit_morgan_ecfp4_bitvec(&parse(smiles)?)
        .map(Fingerprint)
        .map_err(|e| EnvError::InvalidArgument(format!("fingerprint of `{smiles}`: {e}")))
}

/// One `[0, 1]` molecular objective (higher is better).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MolObjective {
    /// QED.
    Qed,
    /// `(10 − SA) / 9`.
    Sa,
    /// `clip((300 − MW)/700 + 1, 0, 1)`.
    Mw,
}

impl MolObjective {
    /// The objective value from descriptors.
    pub fn value(self, d: &Descriptors) -> f64 {
        match self {
            Self::Qed => d.qed,
            Self::Sa => sa_objective(d.sa),
            Self::Mw => mw_objective(d.mw),
        }
    }
}

/// Molecule design on a [`FragMolEnv`] scored by [`MolObjective`]s, as in the order-preserving
/// GFlowNets' fragment tasks (without the sEH proxy, which needs downloaded weights).
///
/// * [`MultiObjective`]: the objective values (all 0 for a molecule the chemistry crates
///   cannot read, which the tests show does not happen for the default vocabulary).
/// * [`LogReward`]: `Σ_k ln max(v_k, 1e-4)` (the product of the objectives, clipped), and for
///   forward-looking GFlowNets the same on partial molecules with `log R(s_0) = 0`.
#[derive(Debug, Clone, PartialEq)]
pub struct MolTask {
    /// The environment.
    pub env: FragMolEnv,
    /// The objectives, in order.
    pub objectives: Vec<MolObjective>,
}

impl MultiObjective<FragGraph> for MolTask {
    fn n_objectives(&self) -> usize {
        self.objectives.len()
    }

    fn objectives(&self, x: &FragGraph) -> Vec<f64> {
        match descriptors(&self.env.smiles(x)) {
            Ok(d) => self.objectives.iter().map(|o| o.value(&d)).collect(),
            Err(_) => vec![0.0; self.objectives.len()],
        }
    }
}

impl LogReward<FragGraph> for MolTask {
    fn log_reward(&self, x: &FragGraph) -> f64 {
        self.objectives(x).iter().map(|v| v.max(1e-4).ln()).sum()
    }

    fn log_reward_partial(&self, s: &FragGraph) -> f64 {
        if s.is_empty() {
            0.0
        } else {
            self.log_reward(s)
        }
    }
}
