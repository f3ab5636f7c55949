//! "Offline Reinforcement Learning with Implicit Q-Learning" (Kostrikov, Nair & Levine, ICLR
//! 2022; arXiv:2110.06169). Checked against the official JAX code, `ikostrikov/implicit_q_learning`
//! on GitHub (`learner.py`, `critic.py`, `actor.py`, `configs/`).
//!
//! Implicit Q-Learning as in the official code: expectile value
//! regression against a target twin critic, advantage-weighted regression for the actor, and a
//! critic trained towards r + gamma * V(s').

mod agent;
mod config;
mod loss;

pub use agent::Iql;
pub use config::IqlConfig;
pub use loss::{awr_weights, expectile_loss};
