//! The benchmark grid: which (dataset, method, seed) runs exist, where each lives, and the
//! claim that lets several processes or machines share one output directory.

use anyhow::{Context, bail};
use ember::algo::AlgoConfig;
use ember::config::ConfigFile;
use ember::config::TrainConfig;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

/// A method in the grid: a label and its full training configuration.
#[derive(Clone, Debug)]
pub struct Method {
    /// Column name in the results (`odice`, or a user label such as `odice-semi`).
    pub label: String,
    /// Hyperparameters, budget and evaluation protocol.
    pub config: TrainConfig,
    /// For a method that wraps a trained policy (`iql+cdsa`): the label of the base method,
    /// whose run on the same dataset and seed is its frozen base.
    pub base: Option<String>,
}

impl Method {
    /// Parses `name` (an algorithm, configured from `presets/<name>.toml` when that file exists,
    /// otherwise with the paper's defaults), `label=path/to/config.toml`, or `base+wrapper`
    /// (e.g. `iql+cdsa`: the wrapper, CDSA, applied to the base method's run of the same
    /// dataset and seed).
    pub fn parse(spec: &str, presets: Option<&Path>) -> anyhow::Result<Self> {
        if let Some((base, wrapper)) = spec.rsplit_once('+') {
            check_label(base)?;
            let method = Self::parse(wrapper, presets)?;
            if !matches!(method.config.algo, AlgoConfig::Cdsa(_)) {
                bail!(
                    "`{spec}`: only a method that wraps a trained policy (cdsa) can follow `+`, as in iql+cdsa"
                );
            }
            return Ok(Self {
                label: spec.to_owned(),
                base: Some(base.to_owned()),
                ..method
            });
        }
        if let Some((label, path)) = spec.split_once('=') {
            check_label(label)?;
            return Ok(Self {
                label: label.to_owned(),
                config: TrainConfig::load(Path::new(path))?,
                base: None,
            });
        }
        check_label(spec)?;
        let preset = presets.map(|dir| dir.join(format!("{spec}.toml")));
        let config = match preset.filter(|p| p.exists()) {
            Some(path) => TrainConfig::load(&path)?,
            None => TrainConfig::defaults(AlgoConfig::by_name(spec).ok_or_else(|| {
                anyhow::anyhow!(
                    "unknown algorithm `{spec}` in --algos; known: {} (or label=config.toml)",
                    AlgoConfig::NAMES.join(", ")
                )
            })?),
        };
        Ok(Self {
            label: spec.to_owned(),
            config,
            base: None,
        })
    }
}

fn check_label(label: &str) -> anyhow::Result<()> {
    let ok = !label.is_empty()
        && label
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c));
    if !ok {
        bail!("method label `{label}` must be non-empty letters, digits, '-', '_' or '.'");
    }
    Ok(())
}

/// A dataset file of the grid and the environment that evaluates it.
#[derive(Clone, Debug)]
pub struct DatasetEntry {
    /// Row name in the results (the file stem).
    pub name: String,
    /// The file.
    pub path: PathBuf,
    /// Environment id.
    pub env: String,
}

/// Expands `--datasets` entries (files, or directories whose `*.hdf5` files are taken in name
/// order) and finds each one's environment: `env` when given, else the file's
/// `metadata/env_name` (or its prefix before the first '-', for D4RL names like
/// `hopper-medium-v2`).
pub fn datasets(entries: &[PathBuf], env: Option<&str>) -> anyhow::Result<Vec<DatasetEntry>> {
    let mut files = Vec::new();
    for entry in entries {
        if entry.is_dir() {
            let mut found: Vec<PathBuf> = std::fs::read_dir(entry)
                .with_context(|| format!("cannot list {}", entry.display()))?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.extension().is_some_and(|x| x == "hdf5"))
                .collect();
            if found.is_empty() {
                bail!("{}: no .hdf5 dataset in this directory", entry.display());
            }
            found.sort();
            files.extend(found);
        } else if entry.exists() {
            files.push(entry.clone());
        } else {
            bail!("{}: no such dataset file or directory", entry.display());
        }
    }
    let mut out: Vec<DatasetEntry> = Vec::new();
    for path in files {
        let name = path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_else(|| "dataset".into());
        if out.iter().any(|d| d.name == name) {
            bail!("two datasets are named `{name}`; rename one (results are keyed by file stem)");
        }
        let env = match env {
            Some(env) => env.to_owned(),
            None => env_of(&path)?,
        };
        out.push(DatasetEntry { name, path, env });
    }
    Ok(out)
}

fn env_of(path: &Path) -> anyhow::Result<String> {
    let data = ember::datasets::load(path)?;
    let Some(name) = data.env_name() else {
        bail!(
            "{}: no metadata/env_name; give --env to say which environment evaluates it",
            path.display()
        );
    };
    let prefix = name.split('-').next().unwrap_or(name);
    for candidate in [name, prefix] {
        if ember::envs::make(candidate).is_ok() {
            return Ok(candidate.to_owned());
        }
    }
    bail!(
        "{}: environment `{name}` is not available in this build (known: {}); give --env",
        path.display(),
        ember::envs::registered().join(", ")
    )
}

/// One cell of the grid.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct RunSpec {
    /// Dataset row name.
    pub dataset: String,
    /// Dataset file.
    pub dataset_path: PathBuf,
    /// Expert demonstrations (offline imitation), if any.
    pub expert: Option<PathBuf>,
    /// Environment id.
    pub env: String,
    /// Method label.
    pub method: String,
    /// Resolved configuration as TOML.
    pub config: String,
    /// Seed.
    pub seed: u64,
    /// Device string.
    pub device: String,
    /// Label of the base method this run wraps (`iql` for `iql+cdsa`), if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub base: Option<String>,
}

impl RunSpec {
    /// `out/runs/<dataset>/<method>/s<seed>`.
    pub fn dir(&self, out: &Path) -> PathBuf {
        self.method_dir(out, &self.method)
    }

    /// The run directory of the base method on the same dataset and seed, if this run wraps one.
    pub fn base_dir(&self, out: &Path) -> Option<PathBuf> {
        self.base.as_ref().map(|base| self.method_dir(out, base))
    }

    fn method_dir(&self, out: &Path, method: &str) -> PathBuf {
        out.join("runs")
            .join(&self.dataset)
            .join(method)
            .join(format!("s{}", self.seed))
    }
}

/// The file a finished run leaves behind.
pub const RESULT_FILE: &str = "result.json";
/// The file a run in progress holds.
const CLAIM_FILE: &str = "claim.json";

/// Who is running a cell.
#[derive(Debug, Serialize, Deserialize)]
struct Claim {
    host: String,
    pid: u32,
}

/// Where a cell stands.
#[derive(Debug, PartialEq, Eq)]
pub enum CellState {
    /// `result.json` exists.
    Finished,
    /// Claimed by a live process here, or by another machine recently.
    Running,
    /// Free to run (never started, or its claimant is gone).
    Open,
}

fn host() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .map(|h| h.trim().to_owned())
        .or_else(|_| std::env::var("HOSTNAME"))
        .unwrap_or_else(|_| "unknown-host".into())
}

fn alive(pid: u32) -> bool {
    Path::new(&format!("/proc/{pid}")).exists()
}

/// The state of the cell at `dir`. A claim by this host whose process is gone is stale at
/// once; a claim by another host is stale after `stale_after` without a new checkpoint or log.
pub fn state(dir: &Path, stale_after: Duration) -> CellState {
    if dir.join(RESULT_FILE).exists() {
        return CellState::Finished;
    }
    let claim_path = dir.join(CLAIM_FILE);
    let Ok(text) = std::fs::read_to_string(&claim_path) else {
        return CellState::Open;
    };
    let Ok(claim) = serde_json::from_str::<Claim>(&text) else {
        return CellState::Open;
    };
    if claim.host == host() {
        return if alive(claim.pid) {
            CellState::Running
        } else {
            CellState::Open
        };
    }
    let newest = [CLAIM_FILE, "metrics.jsonl", "eval.csv"]
        .iter()
        .filter_map(|f| std::fs::metadata(dir.join(f)).ok()?.modified().ok())
        .max();
    match newest.and_then(|t| SystemTime::now().duration_since(t).ok()) {
        Some(age) if age > stale_after => CellState::Open,
        _ => CellState::Running,
    }
}

/// Takes the cell for process `pid` of this host: atomically creates the claim, or replaces a
/// stale one. Returns false when another process holds it.
pub fn claim(dir: &Path, pid: u32, stale_after: Duration) -> anyhow::Result<bool> {
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let path = dir.join(CLAIM_FILE);
    let body = serde_json::to_string(&Claim { host: host(), pid })?;
    let create = || {
        std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)
    };
    let file = match create() {
        Ok(file) => file,
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            if state(dir, stale_after) != CellState::Open {
                return Ok(false);
            }
            std::fs::remove_file(&path).ok();
            match create() {
                Ok(file) => file,
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => return Ok(false),
                Err(e) => return Err(e).with_context(|| format!("cannot claim {}", dir.display())),
            }
        }
        Err(e) => return Err(e).with_context(|| format!("cannot claim {}", dir.display())),
    };
    use std::io::Write;
    (&file)
        .write_all(body.as_bytes())
        .with_context(|| format!("cannot write {}", path.display()))?;
    Ok(true)
}

/// Rewrites the claim with the child's pid (the claim is first taken with the parent's).
pub fn hand_over(dir: &Path, pid: u32) -> anyhow::Result<()> {
    let body = serde_json::to_string(&Claim { host: host(), pid })?;
    std::fs::write(dir.join(CLAIM_FILE), body)
        .with_context(|| format!("cannot update the claim in {}", dir.display()))
}

/// Drops the claim of a finished or failed run.
pub fn release(dir: &Path) {
    std::fs::remove_file(dir.join(CLAIM_FILE)).ok();
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `iql+cdsa` is CDSA wrapping the grid's IQL run of the same dataset and seed.
    #[test]
    fn wrapper_methods_name_their_base() {
        let method = Method::parse("iql+cdsa", None).unwrap();
        assert_eq!(method.label, "iql+cdsa");
        assert_eq!(method.base.as_deref(), Some("iql"));
        assert_eq!(method.config.algo.name(), "cdsa");
        let err = Method::parse("iql+bc", None).unwrap_err().to_string();
        assert!(err.contains("only a method that wraps"), "{err}");
        let spec = RunSpec {
            dataset: "d".into(),
            dataset_path: "d.hdf5".into(),
            expert: None,
            env: "pendulum".into(),
            method: method.label,
            config: String::new(),
            seed: 2,
            device: "cpu".into(),
            base: method.base,
        };
        let out = Path::new("out");
        assert_eq!(spec.dir(out), Path::new("out/runs/d/iql+cdsa/s2"));
        assert_eq!(spec.base_dir(out).unwrap(), Path::new("out/runs/d/iql/s2"));
        // run_cell finds the output directory four levels above the run.
        assert_eq!(spec.dir(out).ancestors().nth(4).unwrap(), out);
    }
}
