//! "Soft Actor-Critic Algorithms and Applications" (Haarnoja et al., 2018; arXiv:1812.05905).
//! Written from the paper's algorithm and hyperparameter table (automatic entropy tuning, twin
//! critics); no reference code was diffed line by line.
//!
//! Soft Actor-Critic:
//! a tanh-squashed Gaussian actor, twin critics with a Polyak target and an entropy
//! temperature tuned towards a target entropy. Trained online by [`crate::online`] as an
//! [`crate::online::OnlineAgent`] that owns its replay buffer; its snapshots are policies for
//! dataset collection ([`SacPolicy`]).

mod agent;
mod config;
mod loss;
mod online;
mod policy;

pub use agent::Sac;
pub use config::SacConfig;
pub use loss::{actor_loss, alpha_loss, soft_target};
pub use online::OnlineSac;
pub use policy::{SacCard, SacPolicy};
