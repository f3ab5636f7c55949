//! The transitions of a recording run, in order, as a D4RL-layout log (what D4RL's
//! `medium-replay` files are cut from), kept in every checkpoint so the run resumes.

use super::Transition;
use crate::checkpoint;
use crate::collect::push_state;
use ember_datasets::{DatasetBuilder, DatasetError, OfflineDataset, d4rl};
use ember_engine::runtime::RuntimeError;
use ember_envs::Info;
use std::path::Path;

/// Every transition of a recording job in order: those of the processes before the last
/// resume (read back from the checkpoint), then this process's.
#[derive(Default)]
pub(super) struct Recording {
    earlier: Option<OfflineDataset>,
    steps: DatasetBuilder,
}

impl Recording {
    /// The recording's file inside a checkpoint directory (D4RL layout).
    const FILE: &'static str = "transitions.hdf5";

    /// Appends one transition with the behaviour's log-density of its action (NaN when the
    /// agent has none) and the environment's state before the step.
    pub(super) fn push(
        &mut self,
        t: &Transition<'_>,
        log_prob: f32,
        state: &Info,
    ) -> Result<(), DatasetError> {
        let log = &mut self.steps;
        log.push(
            t.observation,
            t.action,
            t.reward as f32,
            t.next_observation,
            t.terminated,
            t.truncated,
        )?;
        log.push_info("action_log_probs", &[log_prob])?;
        push_state(log, state)
    }

    /// Everything recorded so far; an episode cut by a resume ends with a timeout flag.
    pub(super) fn dataset(&self) -> Result<OfflineDataset, DatasetError> {
        let recent = self.steps.clone().finish()?;
        match &self.earlier {
            None => Ok(recent),
            Some(earlier) if recent.is_empty() => Ok(earlier.clone()),
            Some(earlier) => earlier.concat(&recent),
        }
    }

    /// Writes the recording so far into checkpoint `dir`.
    pub(super) fn save(&self, dir: &Path) -> Result<(), RuntimeError> {
        let path = dir.join(Self::FILE);
        self.dataset()
            .and_then(|data| d4rl::write(&path, &data))
            .map_err(|e| checkpoint::problem(&path, e))
    }

    /// Continues from the recording of checkpoint `dir`, which took `env_steps` environment
    /// steps.
    pub(super) fn load(&mut self, dir: &Path, env_steps: usize) -> Result<(), RuntimeError> {
        let path = dir.join(Self::FILE);
        if !path.exists() {
            return Err(checkpoint::problem(
                &path,
                "missing: the run did not record its transitions from the start, so it \
                 cannot be resumed as a recording run",
            ));
        }
        let earlier = d4rl::read(&path).map_err(|e| checkpoint::problem(&path, e))?;
        if earlier.len() != env_steps {
            return Err(checkpoint::problem(
                &path,
                format!(
                    "holds {} transitions, but the checkpoint took {env_steps} environment steps",
                    earlier.len(),
                ),
            ));
        }
        *self = Recording {
            earlier: Some(earlier),
            steps: DatasetBuilder::new(),
        };
        Ok(())
    }
}
