//! [`DatasetBuilder`]: accumulate environment steps into a D4RL-layout table.

use std::collections::BTreeMap;

use ndarray::{Array1, Array2, ArrayD, IxDyn};

use crate::dataset::{MetaValue, OfflineDataset};
use crate::error::{DatasetError, IN_MEMORY};

/// D4RL flags for a step: `(terminal, timeout)`. A step cut by the time limit is a timeout,
/// never both, even if the environment also terminated (as in D4RL's `collect_data.py`).
pub fn d4rl_flags(terminated: bool, truncated: bool) -> (bool, bool) {
    (terminated && !truncated, truncated)
}

/// Collects rollouts step by step and produces an [`OfflineDataset`] with `timeouts`,
/// `next_observations`, optional infos and metadata.
#[derive(Debug, Default, Clone)]
pub struct DatasetBuilder {
    dims: Option<(usize, usize)>,
    observations: Vec<f32>,
    actions: Vec<f32>,
    rewards: Vec<f32>,
    terminals: Vec<bool>,
    timeouts: Vec<bool>,
    next_observations: Vec<f32>,
    infos: BTreeMap<String, (usize, Vec<f32>)>,
    metadata: BTreeMap<String, MetaValue>,
}

impl DatasetBuilder {
    /// An empty builder; dimensions are fixed by the first [`Self::push`].
    pub fn new() -> Self {
        Self::default()
    }

    /// Number of steps pushed so far.
    pub fn len(&self) -> usize {
        self.rewards.len()
    }

    /// Whether no step was pushed yet.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Appends one step, with Gymnasium's `terminated`/`truncated` (see [`d4rl_flags`]).
    pub fn push(
        &mut self,
        obs: &[f32],
        action: &[f32],
        reward: f32,
        next_obs: &[f32],
        terminated: bool,
        truncated: bool,
    ) -> Result<(), DatasetError> {
        let (obs_dim, act_dim) = *self.dims.get_or_insert((obs.len(), action.len()));
        for (key, got, want) in [
            ("observations", obs.len(), obs_dim),
            ("actions", action.len(), act_dim),
            ("next_observations", next_obs.len(), obs_dim),
        ] {
            if got != want {
                return Err(DatasetError::key(
                    IN_MEMORY,
                    key,
                    format!(
                        "step {}: width {got} differs from earlier steps ({want})",
                        self.len()
                    ),
                ));
            }
        }
        let (terminal, timeout) = d4rl_flags(terminated, truncated);
        self.observations.extend_from_slice(obs);
        self.actions.extend_from_slice(action);
        self.rewards.push(reward);
        self.next_observations.extend_from_slice(next_obs);
        self.terminals.push(terminal);
        self.timeouts.push(timeout);
        Ok(())
    }

    /// Appends one step's value of info `key` (e.g. `"qpos"`); call it once per step for every
    /// step. Width-1 infos become an (N,) column, wider ones (N, width).
    pub fn push_info(&mut self, key: &str, values: &[f32]) -> Result<(), DatasetError> {
        let (width, data) = self
            .infos
            .entry(key.to_owned())
            .or_insert((values.len(), Vec::new()));
        if *width != values.len() {
            return Err(DatasetError::key(
                IN_MEMORY,
                &format!("infos/{key}"),
                format!(
                    "width {} differs from earlier steps ({width})",
                    values.len()
                ),
            ));
        }
        data.extend_from_slice(values);
        Ok(())
    }

    /// Sets metadata `key` (e.g. `"algorithm"`, `"env_name"`, `"ref_min_score"`).
    pub fn set_metadata(&mut self, key: &str, value: MetaValue) {
        self.metadata.insert(key.to_owned(), value);
    }

    /// Builds and validates the dataset; fails if some info was not pushed for every step.
    pub fn finish(self) -> Result<OfflineDataset, DatasetError> {
        let n = self.len();
        let (obs_dim, act_dim) = self.dims.unwrap_or((0, 0));
        let shape_err =
            |key: &str, e: ndarray::ShapeError| DatasetError::key(IN_MEMORY, key, e.to_string());
        let infos = self
            .infos
            .into_iter()
            .map(|(key, (width, data))| {
                let rows = data.len().checked_div(width).unwrap_or(0);
                if rows != n {
                    return Err(DatasetError::key(
                        IN_MEMORY,
                        &format!("infos/{key}"),
                        format!("pushed for {rows} steps, expected {n}"),
                    ));
                }
                let shape = if width == 1 { vec![n] } else { vec![n, width] };
                let array =
                    ArrayD::from_shape_vec(IxDyn(&shape), data).map_err(|e| shape_err(&key, e))?;
                Ok((key, array))
            })
            .collect::<Result<_, _>>()?;
        let data = OfflineDataset {
            observations: Array2::from_shape_vec((n, obs_dim), self.observations)
                .map_err(|e| shape_err("observations", e))?,
            actions: Array2::from_shape_vec((n, act_dim), self.actions)
                .map_err(|e| shape_err("actions", e))?,
            rewards: Array1::from(self.rewards),
            terminals: Array1::from(self.terminals),
            timeouts: Some(Array1::from(self.timeouts)),
            next_observations: Some(
                Array2::from_shape_vec((n, obs_dim), self.next_observations)
                    .map_err(|e| shape_err("next_observations", e))?,
            ),
            infos,
            metadata: self.metadata,
            source: None,
        };
        data.validate()?;
        Ok(data)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_follow_d4rl_collection() {
        assert_eq!(d4rl_flags(false, false), (false, false));
        assert_eq!(d4rl_flags(true, false), (true, false));
        assert_eq!(d4rl_flags(false, true), (false, true));
        // Terminated on the time-limit step: a timeout, never both.
        assert_eq!(d4rl_flags(true, true), (false, true));
    }

    #[test]
    fn builder_records_columns_infos_and_episodes() {
        let mut b = DatasetBuilder::new();
        let steps = [
            (false, false),
            (true, false),
            (false, false),
            (true, true),
            (false, false),
        ];
        for (i, &(terminated, truncated)) in steps.iter().enumerate() {
            let x = i as f32;
            b.push(
                &[x, x],
                &[-x],
                x,
                &[x + 1.0, x + 1.0],
                terminated,
                truncated,
            )
            .unwrap();
            b.push_info("log_prob", &[-x]).unwrap();
            b.push_info("qpos", &[x, 0.0, 1.0]).unwrap();
        }
        b.set_metadata("algorithm", MetaValue::Str("random".into()));
        let data = b.finish().unwrap();
        assert_eq!(
            data.terminals.to_vec(),
            vec![false, true, false, false, false]
        );
        assert_eq!(
            data.timeouts.as_ref().unwrap().to_vec(),
            vec![false, false, false, true, false]
        );
        assert_eq!(data.infos["log_prob"].shape(), &[5]);
        assert_eq!(data.infos["qpos"].shape(), &[5, 3]);
        assert_eq!(data.next_observations.as_ref().unwrap()[[4, 0]], 5.0);
        assert_eq!(data.episodes(), vec![0..2, 2..4, 4..5]);
        assert_eq!(data.episode_returns(), vec![1.0, 5.0, 4.0]);
        let head = data.head(3);
        assert_eq!(head.len(), 3);
        assert_eq!(head.infos["qpos"].shape(), &[3, 3]);
        assert_eq!(head.infos["log_prob"].shape(), &[3]);
        assert_eq!(head.episodes(), vec![0..2, 2..3]);
        assert_eq!(head.next_observations.as_ref().unwrap()[[2, 0]], 3.0);
        assert_eq!(data.head(99).len(), 5);
    }

    #[test]
    fn builder_rejects_inconsistent_input() {
        let mut b = DatasetBuilder::new();
        b.push(&[0.0, 0.0], &[0.0], 0.0, &[0.0, 0.0], false, false)
            .unwrap();
        let err = b
            .push(&[0.0], &[0.0], 0.0, &[0.0], false, false)
            .unwrap_err();
        assert!(
            err.to_string()
                .contains("key `observations`: step 1: width 1"),
            "{err}"
        );
        b.push_info("goal", &[1.0, 2.0]).unwrap();
        assert!(b.push_info("goal", &[1.0]).is_err());
        b.push(&[0.0, 0.0], &[0.0], 0.0, &[0.0, 0.0], false, false)
            .unwrap();
        let err = b.finish().unwrap_err();
        assert!(
            err.to_string()
                .contains("key `infos/goal`: pushed for 1 steps, expected 2"),
            "{err}"
        );
    }
}
