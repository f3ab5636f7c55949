//! Thin helpers over burn's optimizers: Adam with PyTorch's epsilon, target-network averaging,
//! learning-rate schedules, flat gradient algebra and the global gradient-norm clip.

mod adam;
mod flat_grads;
mod polyak;
mod schedule;

pub use adam::{ADAM_EPS, Adam, adam, adam_eps_problem};
#[cfg(test)]
pub(crate) use flat_grads::grad_gaps;
pub use flat_grads::{FlatGrads, clip_coefficient, clip_grad_norm, grad_norm_sq, scale_grads};
pub use polyak::{frozen, soft_update, target_copy};
pub use schedule::{cosine_decay, linear_decay};
