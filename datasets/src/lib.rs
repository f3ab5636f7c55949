//! Offline datasets for Ember: D4RL and Minari HDF5 readers and writers, the exact
//! `d4rl.qlearning_dataset` view, state/reward transforms, reference scores and inspection.

#![deny(missing_docs)]

mod builder;
pub mod d4rl;
mod dataset;
mod error;
mod h5io;
pub mod minari;
mod normalize;
mod qlearning;
mod reward;
pub mod scores;
mod segments;
mod summary;
mod validate;

use std::fmt;
use std::path::Path;

pub use builder::{DatasetBuilder, d4rl_flags};
pub use dataset::{MetaValue, OfflineDataset};
pub use error::DatasetError;
pub use normalize::StateNormalizer;
pub use qlearning::{QLearningOptions, Transitions};
pub use reward::RewardScaling;
pub use scores::RefScores;
pub use segments::{SegmentOptions, Segments};
pub use summary::{EpisodeCounts, KeyInfo, ReturnStats, Stats, Summary, summarize};

/// On-disk layout of a dataset.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// One flat D4RL table.
    D4rl,
    /// Minari per-episode groups.
    Minari,
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::D4rl => "D4RL",
            Self::Minari => "Minari",
        })
    }
}

/// Detects the layout: a directory or a file with `episode_<k>` groups is Minari, any other
/// HDF5 file is D4RL (whose reader then reports missing keys).
pub fn detect(path: &Path) -> Result<Format, DatasetError> {
    if path.is_dir() {
        return Ok(Format::Minari);
    }
    let h5 = h5io::H5::open(path)?;
    let names = h5.file.member_names().map_err(h5.err(""))?;
    Ok(if names.iter().any(|n| n.starts_with("episode_")) {
        Format::Minari
    } else {
        Format::D4rl
    })
}

/// Reads and validates a dataset in either layout (see [`detect`]).
pub fn load(path: &Path) -> Result<OfflineDataset, DatasetError> {
    match detect(path)? {
        Format::D4rl => d4rl::read(path),
        Format::Minari => minari::read(path),
    }
}
