//! Online training: an [`OnlineAgent`] acts in K environments stepped in parallel, observes
//! every transition and learns from what it keeps (SAC: a replay buffer), under the shared
//! runtime (periodic evaluation, checkpoints and resume, metrics files, progress bar, NaN
//! guard).
//!
//! One runtime step takes one step in each of the K environments (K transitions, handed to the
//! agent in slot order) and then calls the agent's update (SAC makes K gradient updates, so
//! the ratio of updates to environment steps is 1 whatever K is). Before the first step the
//! loop takes the agent's `warmup_steps` uniformly random actions from the action space (a box
//! or a discrete one).
//!
//! Files: [`agent`] the seam (`OnlineAgent`, `Transition`), [`registry`] the methods by name
//! (`OnlineAlgo`, `online_algos!`), `config` the file format, `job` the entry point,
//! `learner` the loop, `recording` the in-order transition log.

pub mod agent;
mod config;
mod job;
mod learner;
mod recording;
pub mod registry;
#[cfg(test)]
mod tests;

pub use agent::{OnlineAgent, Transition, Updates};
pub use config::OnlineConfig;
pub use job::{OnlineJob, OnlineOutcome, env_spec, train_online};
pub use registry::{OnlineAlgo, OnlineAlgoConfig, OnlineContext};
