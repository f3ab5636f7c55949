//! The in-memory D4RL-layout table ([`OfflineDataset`]) and its metadata values.

use std::collections::BTreeMap;
use std::fmt;
use std::ops::Range;
use std::path::PathBuf;

use ndarray::{Array, Array1, Array2, ArrayD, ArrayView, Axis, RemoveAxis, concatenate};
use serde::{Deserialize, Serialize};

use crate::error::{DatasetError, IN_MEMORY, label};
use crate::scores::{self, RefScores};

/// One metadata value (`metadata/*` in a D4RL file, a field of Minari's `metadata.json`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum MetaValue {
    /// A string (fixed- or variable-length in HDF5).
    Str(String),
    /// An integer scalar.
    Int(i64),
    /// A floating-point scalar.
    Float(f64),
    /// A numeric array (e.g. behaviour-policy weights), stored as `f32`.
    Array(ArrayD<f32>),
}

impl MetaValue {
    /// The value as a number, for `Int` and `Float`.
    pub fn as_f64(&self) -> Option<f64> {
        match self {
            Self::Int(v) => Some(*v as f64),
            Self::Float(v) => Some(*v),
            _ => None,
        }
    }

    /// The value as a string slice, for `Str`.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Self::Str(s) => Some(s),
            _ => None,
        }
    }
}

impl fmt::Display for MetaValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Str(s) => write!(f, "{s:?}"),
            Self::Int(v) => write!(f, "{v}"),
            Self::Float(v) => write!(f, "{v}"),
            Self::Array(a) => write!(f, "f32 array {:?}", a.shape()),
        }
    }
}

/// One D4RL-layout table of N rows: row i is the step (s_i, a_i, r_i, done flags).
#[derive(Debug, Clone, PartialEq)]
pub struct OfflineDataset {
    /// s_t, shape (N, obs_dim).
    pub observations: Array2<f32>,
    /// a_t, shape (N, act_dim).
    pub actions: Array2<f32>,
    /// r_t, shape (N,).
    pub rewards: Array1<f32>,
    /// Environment termination that is not a time limit, shape (N,).
    pub terminals: Array1<bool>,
    /// Episode cut by a time limit (or, in maze2d, a new goal), shape (N,).
    pub timeouts: Option<Array1<bool>>,
    /// s_{t+1} as returned by the environment, shape (N, obs_dim).
    pub next_observations: Option<Array2<f32>>,
    /// Per-step extras (`infos/*`), first axis N. A plain `infos` dataset (kitchen) is keyed `"infos"`.
    pub infos: BTreeMap<String, ArrayD<f32>>,
    /// `metadata/*` entries, keyed by their path below `metadata/` (e.g. `"policy/nonlinearity"`).
    pub metadata: BTreeMap<String, MetaValue>,
    /// File the dataset was read from.
    pub source: Option<PathBuf>,
}

impl OfflineDataset {
    /// Builds a dataset from the four required columns and validates it.
    pub fn new(
        observations: Array2<f32>,
        actions: Array2<f32>,
        rewards: Array1<f32>,
        terminals: Array1<bool>,
    ) -> Result<Self, DatasetError> {
        let data = Self {
            observations,
            actions,
            rewards,
            terminals,
            timeouts: None,
            next_observations: None,
            infos: BTreeMap::new(),
            metadata: BTreeMap::new(),
            source: None,
        };
        data.validate()?;
        Ok(data)
    }

    /// Number of rows N.
    pub fn len(&self) -> usize {
        self.observations.nrows()
    }

    /// Whether the table has no rows.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Observation width.
    pub fn obs_dim(&self) -> usize {
        self.observations.ncols()
    }

    /// Action width.
    pub fn act_dim(&self) -> usize {
        self.actions.ncols()
    }

    /// Name used in error messages: the source file, or a placeholder for in-memory data.
    pub fn label(&self) -> String {
        self.source
            .as_deref()
            .map_or_else(|| IN_MEMORY.to_owned(), label)
    }

    /// Whether row `i` ends an episode (`terminals[i] || timeouts[i]`).
    pub fn is_episode_end(&self, i: usize) -> bool {
        self.terminals[i] || self.timeouts.as_ref().is_some_and(|t| t[i])
    }

    /// Episodes as row ranges, split after every terminal or timeout row; a trailing piece
    /// without a flag (a file cut mid-episode) is returned as its own, truncated, episode.
    pub fn episodes(&self) -> Vec<Range<usize>> {
        let mut out = Vec::new();
        let mut start = 0;
        for i in 0..self.len() {
            if self.is_episode_end(i) {
                out.push(start..i + 1);
                start = i + 1;
            }
        }
        if start < self.len() {
            out.push(start..self.len());
        }
        out
    }

    /// Undiscounted return of every episode of [`Self::episodes`].
    pub fn episode_returns(&self) -> Vec<f64> {
        self.episodes()
            .into_iter()
            .map(|r| r.map(|i| f64::from(self.rewards[i])).sum())
            .collect()
    }

    /// Appends `other` below `self` (how D4RL built `medium-expert`). If `self` ends with an
    /// unflagged partial episode and has a `timeouts` column, its last row is flagged as a
    /// timeout so the two episodes stay apart. Optional columns survive only when both sides
    /// have them; info keys only when both have them with the same trailing shape.
    pub fn concat(&self, other: &Self) -> Result<Self, DatasetError> {
        self.validate()?;
        other.validate()?;
        let file = self.label();
        if self.obs_dim() != other.obs_dim() || self.act_dim() != other.act_dim() {
            return Err(DatasetError::invalid(
                &file,
                format!(
                    "cannot concatenate {}: obs/act dims ({}, {}) differ from ({}, {})",
                    other.label(),
                    self.obs_dim(),
                    self.act_dim(),
                    other.obs_dim(),
                    other.act_dim()
                ),
            ));
        }
        let stack2 = |a: &Array2<f32>, b: &Array2<f32>| stack_rows(a.view(), b.view());
        let stack1 = |a: &Array1<bool>, b: &Array1<bool>| stack_rows(a.view(), b.view());
        let timeouts = match (&self.timeouts, &other.timeouts) {
            (Some(a), Some(b)) => {
                let mut a = a.clone();
                if let Some(last) = self
                    .len()
                    .checked_sub(1)
                    .filter(|&i| !self.is_episode_end(i))
                {
                    a[last] = true;
                }
                Some(stack1(&a, b))
            }
            _ => None,
        };
        let next_observations = match (&self.next_observations, &other.next_observations) {
            (Some(a), Some(b)) => Some(stack2(a, b)),
            _ => None,
        };
        let infos = self
            .infos
            .iter()
            .filter_map(|(k, a)| {
                let b = other.infos.get(k)?;
                let joined = concatenate(Axis(0), &[a.view(), b.view()]).ok();
                if joined.is_none() {
                    tracing::warn!("concat: dropping info `{k}` (shapes differ)");
                }
                Some((k.clone(), joined?))
            })
            .collect();
        let data = Self {
            observations: stack2(&self.observations, &other.observations),
            actions: stack2(&self.actions, &other.actions),
            rewards: stack_rows(self.rewards.view(), other.rewards.view()),
            terminals: stack1(&self.terminals, &other.terminals),
            timeouts,
            next_observations,
            infos,
            metadata: self.metadata.clone(),
            source: None,
        };
        data.validate()?;
        Ok(data)
    }

    /// The first `rows` rows (all of them when there are fewer), every column and info cut
    /// alike; metadata is kept. A cut episode ends with neither flag set, as in D4RL's files.
    pub fn head(&self, rows: usize) -> Self {
        let rows = rows.min(self.len());
        let cut = |n: usize| ndarray::s![..n];
        Self {
            observations: self.observations.slice(ndarray::s![..rows, ..]).to_owned(),
            actions: self.actions.slice(ndarray::s![..rows, ..]).to_owned(),
            rewards: self.rewards.slice(cut(rows)).to_owned(),
            terminals: self.terminals.slice(cut(rows)).to_owned(),
            timeouts: self
                .timeouts
                .as_ref()
                .map(|t| t.slice(cut(rows)).to_owned()),
            next_observations: self
                .next_observations
                .as_ref()
                .map(|n| n.slice(ndarray::s![..rows, ..]).to_owned()),
            infos: self
                .infos
                .iter()
                .map(|(k, a)| (k.clone(), a.slice_axis(Axis(0), (..rows).into()).to_owned()))
                .collect(),
            metadata: self.metadata.clone(),
            source: None,
        }
    }

    /// Metadata `env_name`, when present and a string.
    pub fn env_name(&self) -> Option<&str> {
        self.metadata.get("env_name").and_then(MetaValue::as_str)
    }

    /// Reference scores for normalisation: metadata `ref_min_score`/`ref_max_score` when both are
    /// present, else the D4RL table looked up by `env_name`, `dataset_id`, then the file stem.
    pub fn reference_scores(&self) -> Option<RefScores> {
        let meta = |k: &str| self.metadata.get(k).and_then(MetaValue::as_f64);
        if let (Some(min), Some(max)) = (meta("ref_min_score"), meta("ref_max_score")) {
            return Some(RefScores { min, max });
        }
        let stem = self
            .source
            .as_deref()
            .and_then(|p| p.file_stem())
            .and_then(|s| s.to_str());
        [
            self.env_name(),
            self.metadata.get("dataset_id").and_then(MetaValue::as_str),
            stem,
        ]
        .into_iter()
        .flatten()
        .find_map(scores::reference)
    }
}

/// `a` above `b`; the callers have checked that the trailing dimensions agree.
fn stack_rows<A: Clone, D: RemoveAxis>(a: ArrayView<A, D>, b: ArrayView<A, D>) -> Array<A, D> {
    concatenate(Axis(0), &[a, b]).expect("trailing dimensions checked by the caller")
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::Array;

    fn table(terminals: &[usize], timeouts: Option<&[usize]>, n: usize) -> OfflineDataset {
        let flags = |rows: &[usize]| Array1::from_shape_fn(n, |i| rows.contains(&i));
        let mut data = OfflineDataset::new(
            Array2::zeros((n, 2)),
            Array2::zeros((n, 1)),
            Array::range(0.0, n as f32, 1.0),
            flags(terminals),
        )
        .unwrap();
        data.timeouts = timeouts.map(flags);
        data
    }

    #[test]
    fn episodes_split_after_flags_and_keep_the_trailing_piece() {
        let data = table(&[2], Some(&[5]), 8);
        assert_eq!(data.episodes(), vec![0..3, 3..6, 6..8]);
        assert_eq!(data.episode_returns(), vec![3.0, 12.0, 13.0]);
        assert_eq!(table(&[7], None, 8).episodes(), vec![0..8]);
        assert!(table(&[], None, 0).episodes().is_empty());
    }

    #[test]
    fn new_rejects_mismatched_columns() {
        let err = OfflineDataset::new(
            Array2::zeros((3, 2)),
            Array2::zeros((3, 1)),
            Array1::zeros(2),
            Array1::from_elem(3, false),
        )
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            "<in-memory dataset>: key `rewards`: length 2 does not match `observations` (3 rows)"
        );
    }

    #[test]
    fn meta_value_serde_is_untagged() {
        let meta = vec![
            MetaValue::Str("SAC".into()),
            MetaValue::Int(3),
            MetaValue::Float(0.5),
        ];
        let json = serde_json::to_string(&meta).unwrap();
        assert_eq!(json, r#"["SAC",3,0.5]"#);
        let back: Vec<MetaValue> = serde_json::from_str(&json).unwrap();
        assert_eq!(back, meta);
    }
}
