//! The flow-consistency losses, each a function of the shared [`FlowTerms`]: TB, DB,
//! SubTB(λ) and forward-looking DB. `terminal = false` drops the terms that involve the sink
//! (the order-preserving variants replace them by the order loss).

mod db;
mod fl;
mod subtb;
mod tb;

pub use db::detailed_balance;
pub use fl::forward_looking_flow;
pub use subtb::subtrajectory_balance;
pub use tb::trajectory_balance;

use super::{FlowTerms, LossKind};
use ember_engine::burn::tensor::Tensor;

/// The balance loss of `kind` on `terms`: TB with `log_z`; DB and forward-looking DB (whose
/// flows were reparametrised when the terms were built) on every edge; SubTB(`lambda`) on every
/// sub-trajectory. With `terminal = false`, only what does not touch the sink (TB has nothing
/// left and gives `None`).
pub fn balance_loss(
    kind: LossKind,
    terms: &FlowTerms,
    log_z: Tensor<1>,
    lambda: f64,
    terminal: bool,
) -> Option<Tensor<1>> {
    match kind {
        LossKind::Tb => terminal.then(|| trajectory_balance(terms, log_z)),
        LossKind::Db | LossKind::Fl => Some(detailed_balance(terms, terminal)),
        LossKind::Subtb => Some(subtrajectory_balance(terms, lambda, terminal)),
    }
}

/// Sum of `mask · x²` over the valid entries divided by their count (0 when none are valid).
fn masked_mean_square<const D: usize>(x: Tensor<D>, mask: Tensor<D>, count: usize) -> Tensor<1> {
    (x.square() * mask).sum().div_scalar(count.max(1) as f32)
}

#[cfg(test)]
mod tests;
