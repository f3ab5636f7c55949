//! `d4rl-bench`: methods x datasets x seeds, one process per run, resumable, shareable between
//! machines through one output directory, reported as tables and learning curves.

pub mod grid;
pub mod report;
pub mod run;
pub mod shard;

use anyhow::Context;
use ember::config::ConfigFile;
use grid::{CellState, DatasetEntry, Method, RESULT_FILE, RunSpec};
use indicatif::{ProgressBar, ProgressStyle};
use run::{JOB_FILE, RunResult};
use shard::Shard;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

/// Everything the grid needs.
pub struct Grid {
    /// Methods (columns).
    pub methods: Vec<Method>,
    /// Datasets (rows).
    pub datasets: Vec<DatasetEntry>,
    /// Expert demonstrations added to every dataset (offline imitation), if any.
    pub expert: Option<PathBuf>,
    /// Seeds of every cell.
    pub seeds: Vec<u64>,
    /// Device string passed to every run.
    pub device: String,
    /// Output directory (shared between machines).
    pub out: PathBuf,
    /// Runs at once on this machine.
    pub jobs: usize,
    /// Another machine's claim without progress for this long is taken over.
    pub stale_after: Duration,
    /// The slice of the grid this process runs ([`Shard::ALL`]: every cell).
    pub shard: Shard,
}

impl Grid {
    /// Every cell, dataset-major.
    pub fn specs(&self) -> anyhow::Result<Vec<RunSpec>> {
        let mut specs = Vec::new();
        for dataset in &self.datasets {
            for method in &self.methods {
                for &seed in &self.seeds {
                    specs.push(RunSpec {
                        dataset: dataset.name.clone(),
                        dataset_path: absolute(&dataset.path)?,
                        expert: self.expert.as_deref().map(absolute).transpose()?,
                        env: dataset.env.clone(),
                        method: method.label.clone(),
                        config: method.config.to_toml(),
                        seed,
                        device: self.device.clone(),
                        base: method.base.clone(),
                    });
                }
            }
        }
        Ok(specs)
    }

    /// The cells of this process's shard, in grid order. A wrapper's cell (`iql+cdsa`) goes to
    /// the shard of its base's cell, which it waits for.
    pub fn shard_specs(&self) -> anyhow::Result<Vec<RunSpec>> {
        let all = self.specs()?;
        let position_of = |dir: &Path| all.iter().position(|s| s.dir(&self.out) == dir);
        let anchors: Vec<usize> = (0..all.len())
            .map(|i| {
                all[i]
                    .base_dir(&self.out)
                    .and_then(|base| position_of(&base))
                    .unwrap_or(i)
            })
            .collect();
        Ok(all
            .into_iter()
            .zip(anchors)
            .filter(|(_, anchor)| self.shard.holds(*anchor))
            .map(|(spec, _)| spec)
            .collect())
    }

    /// Runs every open cell of this process's shard (up to `jobs` child processes at once),
    /// skipping finished cells and those another process holds. Returns the failures as (run
    /// directory, message).
    pub fn run(&self, exe: &Path) -> anyhow::Result<Vec<(PathBuf, String)>> {
        let specs = self.shard_specs()?;
        let todo: Vec<&RunSpec> = specs
            .iter()
            .filter(|s| grid::state(&s.dir(&self.out), self.stale_after) == CellState::Open)
            .collect();
        let finished = specs.len() - todo.len();
        let slice = if self.shard == Shard::ALL {
            String::from("in the grid")
        } else {
            format!("in shard {} of the grid", self.shard)
        };
        eprintln!(
            "d4rl-bench: {} runs {slice}, {finished} finished or running elsewhere, {} to run here ({} at a time)",
            specs.len(),
            todo.len(),
            self.jobs
        );
        let bar = ProgressBar::new(todo.len() as u64);
        bar.set_style(
            ProgressStyle::with_template("{elapsed_precise} [{bar:30}] {pos}/{len} runs {msg}")
                .expect("static template"),
        );
        let mut pending: Vec<&RunSpec> = todo;
        let mut running: Vec<(PathBuf, Child)> = Vec::new();
        let mut failures = Vec::new();
        loop {
            while running.len() < self.jobs.max(1) {
                // The first cell whose base run (if it wraps one) is finished; a cell whose base
                // can no longer finish here fails.
                let mut next = None;
                let mut index = 0;
                while index < pending.len() {
                    match self.base_status(pending[index], &pending, &running) {
                        BaseStatus::Ready => {
                            next = Some(pending.remove(index));
                            break;
                        }
                        BaseStatus::Waiting => index += 1,
                        BaseStatus::Failed(base) => {
                            let spec = pending.remove(index);
                            let message = format!("base run {} did not finish", base.display());
                            bar.println(format!(
                                "FAILED {}: {message}",
                                spec.dir(&self.out).display()
                            ));
                            failures.push((spec.dir(&self.out), message));
                            bar.inc(1);
                        }
                    }
                }
                let Some(spec) = next else { break };
                let dir = spec.dir(&self.out);
                if !grid::claim(&dir, std::process::id(), self.stale_after)? {
                    bar.inc(1);
                    continue;
                }
                std::fs::write(dir.join(JOB_FILE), serde_json::to_string_pretty(spec)?)
                    .with_context(|| format!("cannot write the job into {}", dir.display()))?;
                let log = std::fs::File::create(dir.join("log.txt"))
                    .with_context(|| format!("cannot create {}", dir.join("log.txt").display()))?;
                let child = Command::new(exe)
                    .arg("run-one")
                    .arg(&dir)
                    .stdout(log.try_clone()?)
                    .stderr(log)
                    .stdin(Stdio::null())
                    .spawn()
                    .with_context(|| format!("cannot start {}", exe.display()))?;
                grid::hand_over(&dir, child.id())?;
                running.push((dir, child));
            }
            if running.is_empty() && pending.is_empty() {
                break;
            }
            bar.set_message(format!("running: {}", self.names(&running)));
            std::thread::sleep(Duration::from_millis(200));
            let mut still = Vec::new();
            for (dir, mut child) in running {
                match child.try_wait()? {
                    None => still.push((dir, child)),
                    Some(status) => {
                        grid::release(&dir);
                        if !status.success() || !dir.join(RESULT_FILE).exists() {
                            let log =
                                std::fs::read_to_string(dir.join("log.txt")).unwrap_or_default();
                            let last = log.lines().last().unwrap_or("no output").to_owned();
                            bar.println(format!("FAILED {}: {last}", dir.display()));
                            failures.push((dir, last));
                        }
                        bar.inc(1);
                    }
                }
            }
            running = still;
        }
        bar.finish_and_clear();
        Ok(failures)
    }

    /// Whether `spec`'s base run (if it wraps one) is finished, may still finish (queued here,
    /// running here or on another machine), or cannot.
    fn base_status(
        &self,
        spec: &RunSpec,
        pending: &[&RunSpec],
        running: &[(PathBuf, Child)],
    ) -> BaseStatus {
        let Some(base) = spec.base_dir(&self.out) else {
            return BaseStatus::Ready;
        };
        let queued = pending.iter().any(|p| p.dir(&self.out) == base)
            || running.iter().any(|(dir, _)| *dir == base);
        match grid::state(&base, self.stale_after) {
            CellState::Finished => BaseStatus::Ready,
            CellState::Running => BaseStatus::Waiting,
            CellState::Open if queued => BaseStatus::Waiting,
            CellState::Open => BaseStatus::Failed(base),
        }
    }

    fn names(&self, running: &[(PathBuf, Child)]) -> String {
        running
            .iter()
            .map(|(dir, _)| {
                dir.strip_prefix(self.out.join("runs"))
                    .unwrap_or(dir)
                    .display()
                    .to_string()
            })
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// The finished runs of this grid.
    pub fn results(&self) -> anyhow::Result<Vec<RunResult>> {
        let mut out = Vec::new();
        for spec in self.specs()? {
            let path = spec.dir(&self.out).join(RESULT_FILE);
            if let Ok(text) = std::fs::read_to_string(&path) {
                out.push(
                    serde_json::from_str(&text)
                        .with_context(|| format!("{}: unreadable result", path.display()))?,
                );
            }
        }
        Ok(out)
    }
}

/// Where the base run of a cell stands.
enum BaseStatus {
    /// No base, or its run is finished.
    Ready,
    /// Its run is queued or running.
    Waiting,
    /// Its run failed or is not in the grid: the directory it should be in.
    Failed(PathBuf),
}

fn absolute(path: &Path) -> anyhow::Result<PathBuf> {
    std::path::absolute(path).with_context(|| format!("cannot resolve {}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_wrapper_cell_runs_in_its_base_cells_shard() {
        let methods: Vec<Method> = ["iql", "td3bc", "iql+cdsa"]
            .iter()
            .map(|m| Method::parse(m, None).unwrap())
            .collect();
        let grid = |shard: &str| Grid {
            methods: methods.clone(),
            datasets: vec![DatasetEntry {
                name: "d".into(),
                path: PathBuf::from("d.hdf5"),
                env: "pendulum".into(),
            }],
            expert: None,
            seeds: vec![0, 1],
            device: "cpu".into(),
            out: PathBuf::from("out"),
            jobs: 1,
            stale_after: Duration::from_secs(60),
            shard: shard.parse().unwrap(),
        };
        let cells = |shard: &str| -> Vec<String> {
            grid(shard)
                .shard_specs()
                .unwrap()
                .iter()
                .map(|s| format!("{}/s{}", s.method, s.seed))
                .collect()
        };
        // Grid order: iql s0, iql s1, td3bc s0, td3bc s1, iql+cdsa s0, iql+cdsa s1.
        assert_eq!(cells("0/2"), ["iql/s0", "td3bc/s0", "iql+cdsa/s0"]);
        assert_eq!(cells("1/2"), ["iql/s1", "td3bc/s1", "iql+cdsa/s1"]);
        assert_eq!(cells("0/1").len(), 6);
    }
}
