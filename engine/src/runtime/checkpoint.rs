//! Checkpoint directories written atomically: each checkpoint is written into a temporary
//! directory, renamed into place, and only then named by the `latest` file (itself replaced by
//! rename), so a crash never leaves a half-written checkpoint as the latest.

use super::RuntimeError;
use serde::{Deserialize, Serialize};
use std::fs;
use std::path::{Path, PathBuf};

/// The checkpoints of one run directory.
pub struct Checkpoints {
    root: PathBuf,
    keep: usize,
}

/// What the runtime itself stores beside the learner's files.
#[derive(Serialize, Deserialize)]
struct State {
    step: usize,
}

impl Checkpoints {
    /// Checkpoints under `run_dir/checkpoints`, keeping the newest `keep` of them.
    pub fn new(run_dir: &Path, keep: usize) -> Self {
        Self {
            root: run_dir.join("checkpoints"),
            keep: keep.max(1),
        }
    }

    /// Writes a checkpoint for `step`; `write` fills the given directory with the learner's files.
    pub fn save(
        &self,
        step: usize,
        write: impl FnOnce(&Path) -> Result<(), RuntimeError>,
    ) -> Result<PathBuf, RuntimeError> {
        fs::create_dir_all(&self.root).map_err(|e| RuntimeError::io(&self.root, e))?;
        let dir = self.dir(step);
        let name = dir
            .file_name()
            .expect("named")
            .to_string_lossy()
            .into_owned();
        let tmp = self
            .root
            .join(format!(".{name}.tmp-{}", std::process::id()));
        if tmp.exists() {
            fs::remove_dir_all(&tmp).map_err(|e| RuntimeError::io(&tmp, e))?;
        }
        fs::create_dir_all(&tmp).map_err(|e| RuntimeError::io(&tmp, e))?;
        write(&tmp)?;
        let state = serde_json::to_string(&State { step }).expect("state serialises");
        fs::write(tmp.join("state.json"), state).map_err(|e| RuntimeError::io(&tmp, e))?;
        if dir.exists() {
            fs::remove_dir_all(&dir).map_err(|e| RuntimeError::io(&dir, e))?;
        }
        fs::rename(&tmp, &dir).map_err(|e| RuntimeError::io(&dir, e))?;
        let latest_tmp = self
            .root
            .join(format!(".latest.tmp-{}", std::process::id()));
        fs::write(&latest_tmp, &name).map_err(|e| RuntimeError::io(&latest_tmp, e))?;
        let latest = self.root.join("latest");
        fs::rename(&latest_tmp, &latest).map_err(|e| RuntimeError::io(&latest, e))?;
        self.prune()?;
        Ok(dir)
    }

    /// The directory of the checkpoint of `step` (which exists once saved and until pruned).
    pub fn dir(&self, step: usize) -> PathBuf {
        self.root.join(format!("step-{step:09}"))
    }

    /// The newest complete checkpoint and its step, if any.
    pub fn latest(&self) -> Result<Option<(PathBuf, usize)>, RuntimeError> {
        let latest = self.root.join("latest");
        if !latest.exists() {
            return Ok(None);
        }
        let name = fs::read_to_string(&latest).map_err(|e| RuntimeError::io(&latest, e))?;
        let dir = self.root.join(name.trim());
        let step = Self::step_of(&dir)?;
        Ok(Some((dir, step)))
    }

    /// Every checkpoint directory on disk, the one `latest` names first, then the others from
    /// the newest step down: what a resume tries in turn when a checkpoint cannot be read.
    pub fn newest_first(&self) -> Result<Vec<PathBuf>, RuntimeError> {
        if !self.root.exists() {
            return Ok(Vec::new());
        }
        let mut dirs: Vec<PathBuf> = fs::read_dir(&self.root)
            .map_err(|e| RuntimeError::io(&self.root, e))?
            .filter_map(|entry| entry.ok())
            .filter(|entry| entry.file_name().to_string_lossy().starts_with("step-"))
            .map(|entry| entry.path())
            .collect();
        dirs.sort();
        dirs.reverse();
        let named = fs::read_to_string(self.root.join("latest"))
            .ok()
            .map(|name| self.root.join(name.trim()));
        if let Some(named) = named {
            dirs.retain(|d| *d != named);
            dirs.insert(0, named);
        }
        Ok(dirs)
    }

    /// The step a checkpoint directory was written at (from its `state.json`).
    pub fn step_of(dir: &Path) -> Result<usize, RuntimeError> {
        let state_path = dir.join("state.json");
        let text = fs::read_to_string(&state_path).map_err(|e| RuntimeError::io(&state_path, e))?;
        let state: State = serde_json::from_str(&text).map_err(|e| RuntimeError::Checkpoint {
            path: state_path.clone(),
            problem: e.to_string(),
        })?;
        Ok(state.step)
    }

    fn prune(&self) -> Result<(), RuntimeError> {
        let mut names: Vec<String> = fs::read_dir(&self.root)
            .map_err(|e| RuntimeError::io(&self.root, e))?
            .filter_map(|entry| entry.ok())
            .map(|entry| entry.file_name().to_string_lossy().into_owned())
            .filter(|name| name.starts_with("step-"))
            .collect();
        names.sort();
        let excess = names.len().saturating_sub(self.keep);
        for name in &names[..excess] {
            let dir = self.root.join(name);
            fs::remove_dir_all(&dir).map_err(|e| RuntimeError::io(&dir, e))?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_newest_and_points_latest() {
        let dir = tempfile::tempdir().unwrap();
        let ckpt = Checkpoints::new(dir.path(), 2);
        for step in [10, 20, 30] {
            ckpt.save(step, |d| {
                fs::write(d.join("w.bin"), [step as u8]).map_err(|e| RuntimeError::io(d, e))
            })
            .unwrap();
        }
        let (latest, step) = ckpt.latest().unwrap().unwrap();
        assert_eq!(step, 30);
        assert_eq!(fs::read(latest.join("w.bin")).unwrap(), vec![30u8]);
        let kept = fs::read_dir(dir.path().join("checkpoints"))
            .unwrap()
            .filter(|e| {
                e.as_ref()
                    .unwrap()
                    .file_name()
                    .to_string_lossy()
                    .starts_with("step-")
            })
            .count();
        assert_eq!(kept, 2);
        let order = ckpt.newest_first().unwrap();
        assert_eq!(order, vec![ckpt.dir(30), ckpt.dir(20)]);
        // A `latest` that names an older checkpoint (a crash between rename and pointer) is
        // still tried first.
        fs::write(dir.path().join("checkpoints/latest"), "step-000000020").unwrap();
        assert_eq!(
            ckpt.newest_first().unwrap(),
            vec![ckpt.dir(20), ckpt.dir(30)]
        );
        assert_eq!(Checkpoints::step_of(&ckpt.dir(30)).unwrap(), 30);
    }
}
