//! SubPO: policy optimisation for submodular rewards (Prajapat, Mutný, Zeilinger, Krause,
//! "Submodular Reinforcement Learning", ICLR 2024, arXiv 2307.13372), checked against the
//! authors' code `manish-pra/non-additive-RL` @ `ef8ea29` (`main.py`, `utils/network.py`).
//!
//! The value of a trajectory is `F` of the set of cells it visits
//! ([`ember_envs::submodular`]). SubPO is REINFORCE where action `t` is credited with marginal
//! gains `Δ(s_{j+1} | s_0..s_j)` ([`Credit`]: the paper's reward-to-go, or the reference
//! code's prefix value, which in expectation is the one-step gain); MRL is the same learner
//! on modular rewards, where revisits pay again. The policy is a softmax over the five grid
//! moves from a tanh MLP (`[64, 32]` as the reference code) of the one-hot cell and `t / H`
//! (SubPO-M, MRL) plus the bitmap of visited cells (SubPO-NM) ([`Method`]).
//!
//! Why the runtime's [`Learner`](ember_engine::runtime::Learner) and not the online loop:
//! SubPO learns from whole batches of complete trajectories (500 per epoch) with one
//! gradient step per batch and no replay; the online loop (`crate::online`) is built around
//! per-transition acting and replay-buffer updates, which would have to be bent into
//! buffering full episodes. A [`SubpoLearner`] step is one epoch (a batch, one update), and
//! the runtime supplies checkpoints, resume, metrics files and the progress bar, as for
//! GFlowNets.
//!
//! Deviations from the reference code (also in the README):
//! * the policy input is the one-hot cell and `t / H` (the reference feeds the raw cell index
//!   and `h` as floats), and SubPO-NM's extra input is the visited bitmap (the reference
//!   pads the list of visited indices with −1);
//! * default credit is the paper's reward-to-go with a per-step batch-mean baseline
//!   (`credit = "one-step"`, `baseline = false` reproduce the reference's estimator);
//! * the entropy objective counts distinct states, and GP weight maps are shifted to be
//!   non-negative (see [`ember_envs::submodular`]);
//! * the instances are Ember's own draws of the same distributions (seeded, reproducible),
//!   not the reference's pickles.
//!
//! The natural-gradient variant ([`SubpoConfig::npg_step`], [`TabularSoftmax`]) is NPG for a
//! tabular softmax over SubPO-M's `(cell, t)` input; the paper's NPG derivation was not
//! available to check it against. Not implemented: the continuous Ant experiment.

mod config;
mod credit;
mod learner;
mod npg;
mod run;

pub use config::{Credit, Method, SubpoConfig};
pub use credit::credits;
pub use learner::{FStats, Rollout, SubpoLearner};
pub use npg::TabularSoftmax;
pub use run::{SubpoEval, SubpoReport, SubpoRunOptions, train_run};
