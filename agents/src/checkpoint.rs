//! Saving and loading an agent's networks, optimizers and JSON side files.

use ember_engine::burn::module::Module;
use ember_engine::burn::optim::ModuleOptimizer;
use ember_engine::runtime::{Checkpoints, RuntimeError};
use serde::{Serialize, de::DeserializeOwned};
use std::path::{Path, PathBuf};

/// The checkpoint a user names: a run directory resolves to its latest checkpoint, a
/// checkpoint directory (one holding `card.json`) to itself.
pub fn resolve_checkpoint(dir: &Path, card: &str) -> Result<PathBuf, RuntimeError> {
    if let Some((latest, _)) = Checkpoints::new(dir, 1).latest()? {
        return Ok(latest);
    }
    if dir.join(format!("{card}.json")).exists() {
        return Ok(dir.to_path_buf());
    }
    Err(problem(
        dir,
        format!(
            "neither a checkpoint (no {card}.json) nor a run directory (no checkpoints/latest)"
        ),
    ))
}

/// Writes `module` to `dir/name.bpk` (burnpack).
pub fn save_module<M: Module>(module: &M, dir: &Path, name: &str) -> Result<(), RuntimeError> {
    let path = dir.join(format!("{name}.bpk"));
    module
        .clone()
        .save_file(&path)
        .map_err(|e| problem(&path, e.to_string()))
}

/// Loads `dir/name.bpk` into a module of the same structure.
pub fn load_module<M: Module>(module: M, dir: &Path, name: &str) -> Result<M, RuntimeError> {
    let path = dir.join(format!("{name}.bpk"));
    if !path.exists() {
        return Err(problem(&path, "file missing".into()));
    }
    module
        .try_load_file(&path)
        .map_err(|e| problem(&path, format!("does not match this agent: {e}")))
}

/// Writes an optimizer's state to `dir/name.optim`.
pub fn save_optimizer(optim: &ModuleOptimizer, dir: &Path, name: &str) -> Result<(), RuntimeError> {
    let path = dir.join(format!("{name}.optim"));
    optim.save(&path).map_err(|e| problem(&path, e.to_string()))
}

/// Restores an optimizer's state from `dir/name.optim`.
pub fn load_optimizer(
    optim: ModuleOptimizer,
    dir: &Path,
    name: &str,
) -> Result<ModuleOptimizer, RuntimeError> {
    let path = dir.join(format!("{name}.optim"));
    optim.load(&path).map_err(|e| problem(&path, e.to_string()))
}

/// Writes `value` as pretty JSON to `dir/name.json`.
pub fn save_json<T: Serialize>(value: &T, dir: &Path, name: &str) -> Result<(), RuntimeError> {
    let path = dir.join(format!("{name}.json"));
    let text = serde_json::to_string_pretty(value).expect("serialisable");
    std::fs::write(&path, text).map_err(|e| RuntimeError::io(&path, e))
}

/// Reads `dir/name.json`.
pub fn load_json<T: DeserializeOwned>(dir: &Path, name: &str) -> Result<T, RuntimeError> {
    let path = dir.join(format!("{name}.json"));
    let text = std::fs::read_to_string(&path).map_err(|e| RuntimeError::io(&path, e))?;
    serde_json::from_str(&text).map_err(|e| problem(&path, e.to_string()))
}

fn problem(path: &Path, problem: String) -> RuntimeError {
    RuntimeError::Checkpoint {
        path: path.to_path_buf(),
        problem,
    }
}
