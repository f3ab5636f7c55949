//! Evaluation metrics for GFlowNet samplers.
//!
//! * [`ModeTracker`]: distinct modes discovered, as a function of the number of samples.
//! * [`TopK`]: mean reward of the top-k unique objects over the sampling history.
//! * [`mean_pairwise_distance`]: diversity of a set (e.g. `1 − Tanimoto` for molecules).
//! * [`l1_distance`]: distance between an estimated and a target distribution ([`L1Convention`]).
//! * [`pareto_mask`] and [`hypervolume`] for multi-objective sampling.

mod distance;
mod diversity;
mod hypervolume;
mod modes;
mod pareto;
mod topk;

pub use distance::{L1Convention, l1_distance};
pub use diversity::mean_pairwise_distance;
pub use hypervolume::hypervolume;
pub use modes::ModeTracker;
pub use pareto::pareto_mask;
pub use topk::TopK;
