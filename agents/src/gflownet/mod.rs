//! GFlowNets and order-preserving GFlowNets: "Order-Preserving GFlowNets" (Chen & Mauch, ICLR
//! 2024; arXiv:2310.00386), on the losses of "Trajectory Balance" (Malkin et al., 2022;
//! arXiv:2201.13259), "GFlowNet Foundations" (Bengio et al., 2021; arXiv:2111.09266, detailed
//! balance), "Learning GFlowNets from partial episodes" (Madan et al., 2022; arXiv:2209.12782,
//! SubTB) and forward-looking DB (Pan et al., 2023; arXiv:2302.01687). Conventions checked against
//! `GFNOrg/torchgfn` on GitHub (its HyperGrid example); the order-preserving loss follows the
//! paper (the official OP-GFN code's licence allows taking the ideas only).
//!
//! * [`Task`]: an environment from `ember::envs::gfn` plus scores ([`HyperGrid`] out of the
//!   box; [`MoleculeTask`] for fragment molecules with any SMILES scorer).
//! * [`GflowNet`]: the estimators ([`GfnModel`]: `P_F`, `P_B`, `log F` on one torso; [`LogZ`]),
//!   batched sampling with ε-uniform exploration and temperature ([`sample_trajectories`]),
//!   replay ([`Replay`]), and the losses TB, DB, SubTB(λ) and forward-looking DB
//!   ([`losses`]), all computed from one trajectory representation ([`Trajectory`] →
//!   [`FlowTerms`]).
//! * Order-preserving variants ([`op`]): the learned reward only has to respect the order of
//!   the objects (pairwise for one objective, Pareto for several); no reward exponent.
//! * [`train_run`]: a run through the shared runtime (checkpoints, resume, metrics files) with
//!   its metrics over training (modes found, top-k mean reward and diversity, L1 to the exact
//!   HyperGrid target, hypervolume) and its files; [`GfnLearner`] is its step.
//!
//! [`HyperGrid`]: ember_envs::gfn::HyperGrid

mod config;
pub mod losses;
mod model;
#[cfg(feature = "chem")]
mod molecules;
pub mod op;
mod plot_data;
mod replay;
mod run;
mod sampler;
mod task;
mod trainer;
mod trajectory;

pub use config::{GfnConfig, GfnError, LossKind};
pub use model::{GfnModel, LogZ, ModelShape, RowInputs};
#[cfg(feature = "chem")]
pub use molecules::{
    BatchScorer, MoleculeTask, OBJECTIVE_NAMES, Scorer, diverse_selection, parse_objectives,
};
pub use plot_data::{PlotData, write_plot_data};
pub use replay::Replay;
pub use run::{Evaluation, GfnLearner, RunOptions, RunReport, train_run};
pub use sampler::{Exploration, sample_trajectories};
pub use task::{MoHyperGridTask, Score, StateOf, Task, parse_grid_functions};
pub use trainer::{GflowNet, TrajectoryOf};
pub use trajectory::{FlowTerms, RowTerms, Trajectory};
