//! "A Minimalist Approach to Offline Reinforcement Learning" (Fujimoto & Gu, NeurIPS 2021;
//! arXiv:2106.06860). Checked against the official PyTorch code, `sfujim/TD3_BC` on GitHub
//! (`TD3_BC.py`, `main.py`).
//!
//! TD3+BC as in the official code: TD3 with a behaviour-cloning term in
//! the actor loss, normalised by the critic's scale, on standardised states.

mod agent;
mod config;
mod loss;

pub use agent::Td3Bc;
pub use config::Td3BcConfig;
pub use loss::{actor_loss_share, lambda};
