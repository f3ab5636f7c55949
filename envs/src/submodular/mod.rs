//! Submodular-reward environments of SubRL (Prajapat, Mutný, Zeilinger, Krause, "Submodular
//! Reinforcement Learning", ICLR 2024; reference code `manish-pra/non-additive-RL` @ `ef8ea29`).
//!
//! The value of a trajectory is a monotone submodular function `F` of the *set* of states it
//! visits. The pieces:
//!
//! * [`SetObjective`] / [`GainCache`]: `F` of a set and its incremental marginal gains
//!   `Δ(s | A) = F(A ∪ {s}) − F(A)`. Implementations: [`WeightedCoverage`] (2×2 / 3×3
//!   footprints, a bitset of covered cells), [`ItemCoverage`] (truncated item counts, the
//!   "Steiner covering" task), [`GpLogDet`] (D-optimal design / information gain by an
//!   incremental Cholesky over distinct states) and [`FnObjective`] (any closure).
//! * [`GridWorld`] / [`GridEnv`]: the 5-action grid (stay, right, down, left, up) where a move
//!   off the grid or into a blocked cell stays put, with a fixed horizon `H` (the start state
//!   plus `H − 1` actions).
//! * [`MarginalGain`]: wraps an environment whose states are ground-set elements
//!   ([`VisitedElement`]) and pays `Δ(s_{t+1} | s_0..s_t)` as the reward (or, with `modular`,
//!   `F({s_{t+1}})` at every visit: the MRL baseline), optionally appending the bitmap of
//!   visited states to the observation.
//! * [`SubrlTask`]: the paper's grid experiments (coverage, bimodal, GP density, entropy,
//!   Steiner, two rooms) with the reference code's parameters and fixes of its pitfalls.

mod coverage;
mod gp;
mod grid;
mod items;
mod marginal;
mod objective;
mod tasks;

pub use coverage::{Footprint, WeightedCoverage};
pub use gp::{GpLogDet, Matern52, cholesky, sample_gp_weights};
pub use grid::{GridEnv, GridWorld, N_GRID_ACTIONS};
pub use items::ItemCoverage;
pub use marginal::{MarginalGain, VisitedElement};
pub use objective::{FnObjective, GainCache, SetObjective};
pub use tasks::{SubrlSetup, SubrlTask, TaskOptions, read_weights};

#[cfg(test)]
mod properties;
