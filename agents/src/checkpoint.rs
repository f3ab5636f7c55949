//! Saving and loading an agent's networks, optimizers and JSON side files.

use ember_engine::burn::module::Module;
use ember_engine::burn::optim::ModuleOptimizer;
use ember_engine::burn::store::ModuleRecord;
use ember_engine::runtime::{Checkpoints, RuntimeError};
use serde::{Serialize, de::DeserializeOwned};
use std::path::{Path, PathBuf};

/// The checkpoint a user names: a run directory resolves to its latest checkpoint, a
/// checkpoint directory (one holding one of the `cards`, e.g. `agent.json`) to itself.
pub fn resolve_checkpoint(dir: &Path, cards: &[&str]) -> Result<PathBuf, RuntimeError> {
    if let Some((latest, _)) = Checkpoints::new(dir, 1).latest()? {
        return Ok(latest);
    }
    if cards
        .iter()
        .any(|card| dir.join(format!("{card}.json")).exists())
    {
        return Ok(dir.to_path_buf());
    }
    let names: Vec<String> = cards.iter().map(|card| format!("{card}.json")).collect();
    Err(problem(
        dir,
        format!(
            "neither a checkpoint (no {}) nor a run directory (no checkpoints/latest)",
            names.join(" or ")
        ),
    ))
}

/// Writes `module` to `dir/name.bpk` (burnpack).
pub fn save_module<M: Module>(module: &M, dir: &Path, name: &str) -> Result<(), RuntimeError> {
    let path = dir.join(format!("{name}.bpk"));
    module
        .clone()
        .save_file(&path)
        .map_err(|e| problem(&path, e))
}

/// Loads `dir/name.bpk` into a module of the same structure.
pub fn load_module<M: Module>(module: M, dir: &Path, name: &str) -> Result<M, RuntimeError> {
    load_record(module, dir, name, false)
}

/// Loads the part of `dir/name.bpk` that `module` covers, e.g. a struct holding only the
/// `actor` field of an agent's networks: every parameter of `module` must be in the file, the
/// file's other networks are skipped.
pub fn load_module_part<M: Module>(module: M, dir: &Path, name: &str) -> Result<M, RuntimeError> {
    load_record(module, dir, name, true)
}

fn load_record<M: Module>(
    module: M,
    dir: &Path,
    name: &str,
    allow_unused: bool,
) -> Result<M, RuntimeError> {
    let path = dir.join(format!("{name}.bpk"));
    if !path.exists() {
        return Err(problem(&path, "file missing"));
    }
    let record = ModuleRecord::load(&path).map_err(|e| problem(&path, e))?;
    module
        .try_load_record(record.allow_unused(allow_unused))
        .map_err(|e| problem(&path, format!("does not match this agent: {e}")))
}

/// Writes an optimizer's state to `dir/name.optim`.
pub fn save_optimizer(optim: &ModuleOptimizer, dir: &Path, name: &str) -> Result<(), RuntimeError> {
    let path = dir.join(format!("{name}.optim"));
    optim.save(&path).map_err(|e| problem(&path, e))
}

/// Restores an optimizer's state from `dir/name.optim`.
pub fn load_optimizer(
    optim: ModuleOptimizer,
    dir: &Path,
    name: &str,
) -> Result<ModuleOptimizer, RuntimeError> {
    let path = dir.join(format!("{name}.optim"));
    optim.load(&path).map_err(|e| problem(&path, e))
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
    serde_json::from_str(&text).map_err(|e| problem(&path, e))
}

/// A checkpoint file that is missing pieces or does not match, with its path.
pub fn problem(path: &Path, problem: impl ToString) -> RuntimeError {
    RuntimeError::Checkpoint {
        path: path.to_path_buf(),
        problem: problem.to_string(),
    }
}
