//! "Lipschitzness Is All You Need To Tame Off-policy Generative Adversarial Imitation Learning"
//! (Blondé, Strasser & Kalousis, Machine Learning 2022; arXiv:2006.16785). Checked against the
//! official code, `lionelblonde/liayn-pytorch` (`agents/sam_agent.py`, `nets.py`, `memory.py`,
//! `orchestrator.py`) and the paper's experiment configs in
//! `lionelblonde/liayn-pytorch-complete-history` (`tasks/paper/`), as summarised in the project's
//! spec `gail_lipschitz.md`.
//!
//! Off-policy GAIL: a TD3-style learner ([`crate::td3`]) imitates a few demonstrations with the
//! reward −log(1 − D(s, a)) of a discriminator kept locally Lipschitz by spectral normalisation
//! and a one-sided gradient penalty on random interpolates between policy and expert samples.
//! burn has no double backward, so the penalty's input-gradient is built analytically through
//! the discriminator MLP ([`discriminator`]), which gives the exact penalty gradient with one
//! first-order backward.
//!
//! Deviations from the official code (also in the README): OU action noise only, no adaptive
//! parameter noise; no running observation normalisation for actor and critics; burn's default
//! initialisation of actor and critics (the code uses orthogonal, head gain 0.01); the actor is
//! updated every `actor_delay`-th training step, not by iteration parity (same rate); one power
//! iteration per discriminator mini-batch step (PyTorch does one per training forward); time-outs
//! bootstrap and a termination in the n-step window's last slot stops bootstrapping (see
//! [`replay`]); no label smoothing (off in the paper's configs too) and no pessimistic reward
//! preconditioning (B.6).
//!
//! Files: `config` the hyperparameters, [`discriminator`] D, its input-gradient, penalties and
//! reward, [`spectral`] the power iteration, [`replay`] the n-step replay with absorbing states,
//! [`demos`] the expert set, `agent` the online agent, `policy` a checkpoint's actor reopened,
//! `job` `ember imitate` with its BC baseline.

mod agent;
mod config;
pub mod demos;
pub mod discriminator;
mod job;
mod policy;
pub mod replay;
pub mod spectral;

pub use agent::{GailCard, OnlineGail};
pub use config::GailConfig;
pub use discriminator::{Discriminator, Penalty, PenaltySettings};
pub use job::{ImitateJob, ImitateOutcome, imitate};
pub use policy::GailPolicy;
