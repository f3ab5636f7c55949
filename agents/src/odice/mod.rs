//! O-DICE (Mao et al., 2024): DICE value learning with the orthogonal-gradient update and policy
//! extraction by weighted behaviour cloning, as in the official code (see
//! `shared/specs/odice.md`). The semi-gradient and true-gradient modes are kept for ablations.

mod agent;
mod config;
mod divergence;

pub use agent::Odice;
pub use config::{GradientMode, OdiceConfig};
pub use divergence::FDivergence;
