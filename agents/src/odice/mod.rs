//! "ODICE: Revealing the Mystery of Distribution Correction Estimation via Orthogonal-gradient
//! Update" (Mao et al., ICLR 2024; arXiv:2402.00348). Checked against the official PyTorch code,
//! `maoliyuan/ODICE-Pytorch`, as read in `shared/specs/odice.md`, and the PyTorch update in
//! `shared/reference/torch_updates.py`.
//!
//! O-DICE: DICE value learning with the orthogonal-gradient update and policy
//! extraction by weighted behaviour cloning, as in the official code (see
//! `shared/specs/odice.md`). The semi-gradient and true-gradient modes are kept for ablations.

mod agent;
mod config;
mod divergence;

pub use agent::Odice;
pub use config::{GradientMode, OdiceConfig};
pub use divergence::FDivergence;
