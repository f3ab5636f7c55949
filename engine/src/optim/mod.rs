//! Thin helpers over burn's optimizers: target-network averaging, learning-rate schedules and
//! flat gradient algebra.

mod flat_grads;
mod polyak;
mod schedule;

pub use flat_grads::FlatGrads;
pub use polyak::{soft_update, target_copy};
pub use schedule::cosine_decay;
