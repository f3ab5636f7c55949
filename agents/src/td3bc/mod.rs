//! "A Minimalist Approach to Offline Reinforcement Learning" (Fujimoto & Gu, NeurIPS 2021;
//! arXiv:2106.06860). Checked against the official PyTorch code, `sfujim/TD3_BC` (`TD3_BC.py`,
//! `main.py`), as read in `shared/specs/cdsa_and_bases.md` §2.2, and the PyTorch update in
//! `shared/reference/torch_updates.py`.
//!
//! TD3+BC as in the official code: TD3 with a behaviour-cloning term in
//! the actor loss, normalised by the critic's scale, on standardised states.

mod agent;
mod config;
mod loss;

pub use agent::Td3Bc;
pub use config::Td3BcConfig;
pub use loss::actor_loss;
