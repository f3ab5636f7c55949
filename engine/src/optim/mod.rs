//! Thin helpers over burn's optimizers: target-network averaging and learning-rate schedules.

mod polyak;
mod schedule;

pub use polyak::{soft_update, target_copy};
pub use schedule::cosine_decay;
