//! Wrappers that add behaviour around any [`Env`](crate::Env).

mod episode_statistics;
mod time_limit;

pub use episode_statistics::{EPISODE_LENGTH, EPISODE_RETURN, EpisodeStatistics};
pub use time_limit::TimeLimit;
