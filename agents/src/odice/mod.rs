//! "ODICE: Revealing the Mystery of Distribution Correction Estimation via Orthogonal-gradient
//! Update" (Mao et al., ICLR 2024; arXiv:2402.00348). Checked against the official PyTorch code,
//! `maoliyuan/ODICE-Pytorch` on GitHub (`main_odice_rl.py`, `main_odice_il.py`, `configs/`).
//!
//! O-DICE: DICE value learning with the orthogonal-gradient update and policy
//! extraction by weighted behaviour cloning, as in the official code. The semi-gradient and
//! true-gradient modes are kept for ablations.

mod agent;
mod config;
mod divergence;

pub use agent::Odice;
pub use config::{GradientMode, OdiceConfig};
pub use divergence::FDivergence;
