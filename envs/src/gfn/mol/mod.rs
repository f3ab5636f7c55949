//! Fragment-based molecule building (the GFlowNet molecule environment) and its objectives.
//!
//! * [`Vocabulary`] / [`DEFAULT_FRAGMENTS`]: fragments as SMILES with `*` attachment points.
//! * [`FragMolEnv`]: the environment; states are canonical fragment trees ([`FragGraph`]).
//! * [`AtomGraph`], [`read_smiles`], [`write_smiles`]: the deterministic expansion to atoms and
//!   valid SMILES (hydrogens implicit, unused attachment points capped with hydrogen).
//! * [`transforms`]: the multi-objective score transforms of order-preserving GFlowNets.
//! * `chem` (cargo feature `chem`, off by default): QED, an SA-like score, Crippen logP,
//!   molecular weight and ECFP4 Tanimoto through the pure-Rust `chematic` crates, and the
//!   `MolTask` objective set.

mod atoms;
#[cfg(feature = "chem")]
mod chem;
mod env;
mod frag_graph;
mod smiles_read;
mod smiles_write;
pub mod transforms;
mod vocab;

pub use atoms::AtomGraph;
#[cfg(feature = "chem")]
pub use chem::{Descriptors, Fingerprint, MolObjective, MolTask, descriptors, fingerprint};
pub use env::{FragAction, FragMolEnv};
pub use frag_graph::{FragGraph, FragNode, Link};
pub use smiles_read::read_smiles;
pub use smiles_write::write_smiles;
pub use vocab::{DEFAULT_FRAGMENTS, Fragment, Vocabulary};
