//! TD3+BC (Fujimoto & Gu, 2021), as in the official code: TD3 with a behaviour-cloning term in
//! the actor loss, normalised by the critic's scale, on standardised states.

mod agent;
mod config;
mod loss;

pub use agent::Td3Bc;
pub use config::Td3BcConfig;
pub use loss::actor_loss;
