//! [`Summary`]: what `ember inspect FILE` prints — keys, sizes, episodes, returns, verdict.

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

use crate::dataset::{MetaValue, OfflineDataset};
use crate::error::DatasetError;
use crate::h5io::H5;
pub use crate::h5io::KeyInfo;
use crate::scores::RefScores;
use crate::{Format, d4rl, detect, minari};

/// Most key rows [`Summary`]'s `Display` prints before eliding the rest.
const MAX_KEY_ROWS: usize = 60;

/// How the episodes of a table end.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EpisodeCounts {
    /// Number of episodes ([`OfflineDataset::episodes`]).
    pub total: usize,
    /// Episodes ending on a terminal row.
    pub terminal: usize,
    /// Episodes ending on a timeout row (and not a terminal one).
    pub timeout: usize,
    /// Whether the last episode ends without a flag (file cut mid-episode).
    pub truncated_last: bool,
}

/// Mean/std/min/max of the episode returns.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ReturnStats {
    /// Mean return.
    pub mean: f64,
    /// Population standard deviation.
    pub std: f64,
    /// Smallest return.
    pub min: f64,
    /// Largest return.
    pub max: f64,
}

/// Table-level statistics, available when the column lengths agree.
#[derive(Debug, Clone, PartialEq)]
pub struct Stats {
    /// Number of rows N.
    pub len: usize,
    /// Observation width.
    pub obs_dim: usize,
    /// Action width.
    pub act_dim: usize,
    /// Episode counts.
    pub episodes: EpisodeCounts,
    /// Return statistics; `None` without episodes.
    pub returns: Option<ReturnStats>,
    /// Reference scores ([`OfflineDataset::reference_scores`]).
    pub reference: Option<RefScores>,
}

/// Report on one dataset file or directory.
#[derive(Debug, Clone)]
pub struct Summary {
    /// What was inspected.
    pub path: PathBuf,
    /// Detected layout.
    pub format: Format,
    /// Every group and dataset of the HDF5 file.
    pub keys: Vec<KeyInfo>,
    /// Statistics, when the table could be read with consistent lengths.
    pub stats: Option<Stats>,
    /// Metadata read from the file (or `metadata.json`).
    pub metadata: BTreeMap<String, MetaValue>,
    /// Validation verdict: empty when the dataset is valid, else one message per problem.
    pub problems: Vec<String>,
}

impl Summary {
    /// Whether validation found no problem.
    pub fn is_ok(&self) -> bool {
        self.problems.is_empty()
    }
}

/// Inspects `path` (D4RL file, Minari directory or file). Files that open as HDF5 always get a
/// summary, with failed validation reported in [`Summary::problems`]; only files that cannot be
/// opened at all are errors.
pub fn summarize(path: &Path) -> Result<Summary, DatasetError> {
    let format = detect(path)?;
    let (data_file, loaded) = match format {
        Format::D4rl => (path.to_path_buf(), d4rl::read_unvalidated(path)),
        Format::Minari => (minari::locate(path)?.0, minari::read_unvalidated(path)),
    };
    let keys = H5::open(&data_file)?.walk("")?;
    let (stats, metadata, problems) = match loaded {
        Ok(data) => {
            let problems = data.problems().iter().map(ToString::to_string).collect();
            let stats = data.shape_problems().is_empty().then(|| stats(&data));
            (stats, data.metadata, problems)
        }
        Err(e) => (None, BTreeMap::new(), vec![e.to_string()]),
    };
    Ok(Summary {
        path: path.to_path_buf(),
        format,
        keys,
        stats,
        metadata,
        problems,
    })
}

fn stats(data: &OfflineDataset) -> Stats {
    let ranges = data.episodes();
    let mut episodes = EpisodeCounts {
        total: ranges.len(),
        terminal: 0,
        timeout: 0,
        truncated_last: false,
    };
    for r in &ranges {
        let last = r.end - 1;
        if data.terminals[last] {
            episodes.terminal += 1;
        } else if data.is_episode_end(last) {
            episodes.timeout += 1;
        } else {
            episodes.truncated_last = true;
        }
    }
    let returns = data.episode_returns();
    let returns = (!returns.is_empty()).then(|| {
        let n = returns.len() as f64;
        let mean = returns.iter().sum::<f64>() / n;
        let var = returns.iter().map(|r| (r - mean).powi(2)).sum::<f64>() / n;
        ReturnStats {
            mean,
            std: var.sqrt(),
            min: returns.iter().copied().fold(f64::INFINITY, f64::min),
            max: returns.iter().copied().fold(f64::NEG_INFINITY, f64::max),
        }
    });
    Stats {
        len: data.len(),
        obs_dim: data.obs_dim(),
        act_dim: data.act_dim(),
        episodes,
        returns,
        reference: data.reference_scores(),
    }
}

impl fmt::Display for Summary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "file:    {}", self.path.display())?;
        writeln!(f, "format:  {}", self.format)?;
        writeln!(f, "keys:")?;
        writeln!(f, "  {:<40} {:<16} dtype", "path", "shape")?;
        for k in self.keys.iter().take(MAX_KEY_ROWS) {
            let shape = k
                .shape
                .as_ref()
                .map_or_else(String::new, |s| format!("{s:?}"));
            writeln!(f, "  {:<40} {:<16} {}", k.path, shape, k.dtype)?;
        }
        if self.keys.len() > MAX_KEY_ROWS {
            writeln!(f, "  ... and {} more keys", self.keys.len() - MAX_KEY_ROWS)?;
        }
        if let Some(s) = &self.stats {
            writeln!(
                f,
                "rows:    {}   obs_dim: {}   act_dim: {}",
                s.len, s.obs_dim, s.act_dim
            )?;
            let e = &s.episodes;
            writeln!(
                f,
                "episodes: {} (terminal {}, timeout {}, truncated last: {})",
                e.total,
                e.terminal,
                e.timeout,
                if e.truncated_last { "yes" } else { "no" }
            )?;
            if let Some(r) = &s.returns {
                writeln!(
                    f,
                    "returns: mean {:.3}  std {:.3}  min {:.3}  max {:.3}",
                    r.mean, r.std, r.min, r.max
                )?;
                if let Some(rs) = &s.reference {
                    writeln!(
                        f,
                        "normalized (ref {} .. {}): mean {:.2}  min {:.2}  max {:.2}",
                        rs.min,
                        rs.max,
                        rs.normalize(r.mean),
                        rs.normalize(r.min),
                        rs.normalize(r.max)
                    )?;
                }
            }
        }
        if !self.metadata.is_empty() {
            writeln!(f, "metadata:")?;
            for (k, v) in &self.metadata {
                writeln!(f, "  {k} = {v}")?;
            }
        }
        if self.is_ok() {
            writeln!(f, "verdict: ok")
        } else {
            writeln!(f, "verdict: {} problem(s)", self.problems.len())?;
            self.problems
                .iter()
                .try_for_each(|p| writeln!(f, "  - {p}"))
        }
    }
}
