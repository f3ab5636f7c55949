//! Implicit Q-Learning (Kostrikov et al., 2022), as in the official code: expectile value
//! regression against a target twin critic, advantage-weighted regression for the actor, and a
//! critic trained towards r + gamma * V(s').

mod agent;
mod config;
mod loss;

pub use agent::Iql;
pub use config::IqlConfig;
pub use loss::{awr_weights, expectile_loss};
