//! The benchmark's report: mean ± std over seeds of the last and of the best evaluation, per
//! dataset and averaged over datasets, as Markdown, CSV and JSON, plus one learning-curve PNG
//! per dataset.

use super::run::RunResult;
use anyhow::Context;
use ember::plot::{Curve, Labels, line_chart};
use serde::Serialize;
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// Mean and population standard deviation.
#[derive(Clone, Copy, Debug, Serialize)]
pub struct Stat {
    /// Mean.
    pub mean: f64,
    /// Standard deviation (over seeds).
    pub std: f64,
}

impl Stat {
    /// Of `values` (`None` when empty).
    pub fn of(values: &[f64]) -> Option<Self> {
        if values.is_empty() {
            return None;
        }
        let n = values.len() as f64;
        let mean = values.iter().sum::<f64>() / n;
        let var = values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / n;
        Some(Self {
            mean,
            std: var.sqrt(),
        })
    }
}

impl std::fmt::Display for Stat {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:.1} ± {:.1}", self.mean, self.std)
    }
}

/// One (dataset, method) cell of the table.
#[derive(Clone, Debug, Serialize)]
pub struct Cell {
    /// Dataset row.
    pub dataset: String,
    /// Method column.
    pub method: String,
    /// Finished seeds.
    pub seeds: Vec<u64>,
    /// Score of the last evaluation, over seeds.
    pub last: Stat,
    /// Score of the best evaluation of each run, over seeds.
    pub best: Stat,
    /// CVaR (α = 0.1) of the last evaluation's episodes, over seeds, on the score's scale (when
    /// every run logged it).
    pub cvar: Option<Stat>,
    /// Whether scores are D4RL-normalised (otherwise raw returns).
    pub normalized: bool,
    /// Mean wall-clock seconds per run.
    pub wall_s: f64,
}

/// The whole table.
#[derive(Clone, Debug, Serialize)]
pub struct Report {
    /// Dataset rows in grid order.
    pub datasets: Vec<String>,
    /// Method columns in grid order.
    pub methods: Vec<String>,
    /// Filled cells.
    pub cells: Vec<Cell>,
    /// Per method: the average over datasets of the last and the best mean scores (only when
    /// every dataset has a result for it).
    pub average: BTreeMap<String, (f64, f64)>,
    /// Every finished run, curves included.
    pub runs: Vec<RunResult>,
}

impl Report {
    /// Aggregates finished `runs` in the order of `datasets` and `methods`.
    pub fn build(datasets: Vec<String>, methods: Vec<String>, runs: Vec<RunResult>) -> Self {
        let mut cells = Vec::new();
        for dataset in &datasets {
            for method in &methods {
                let mine: Vec<&RunResult> = runs
                    .iter()
                    .filter(|r| &r.spec.dataset == dataset && &r.spec.method == method)
                    .filter(|r| !r.evaluations.is_empty())
                    .collect();
                let scores = |pick: fn(&RunResult) -> f64| mine.iter().map(|r| pick(r)).collect();
                let last: Vec<f64> = scores(|r| r.last().map_or(f64::NAN, |e| e.score()));
                let best: Vec<f64> = scores(|r| r.best().map_or(f64::NAN, |e| e.score()));
                let (Some(last), Some(best)) = (Stat::of(&last), Stat::of(&best)) else {
                    continue;
                };
                let cvar: Option<Vec<f64>> = mine
                    .iter()
                    .map(|r| r.last().and_then(|e| e.cvar()))
                    .collect();
                cells.push(Cell {
                    dataset: dataset.clone(),
                    method: method.clone(),
                    seeds: mine.iter().map(|r| r.spec.seed).collect(),
                    last,
                    best,
                    cvar: cvar.as_deref().and_then(Stat::of),
                    normalized: mine
                        .iter()
                        .all(|r| r.evaluations.iter().all(|e| e.normalized.is_some())),
                    wall_s: mine.iter().map(|r| r.wall_s).sum::<f64>() / mine.len() as f64,
                });
            }
        }
        let average = methods
            .iter()
            .filter_map(|method| {
                let mine: Vec<&Cell> = cells.iter().filter(|c| &c.method == method).collect();
                (mine.len() == datasets.len() && !mine.is_empty()).then(|| {
                    let n = mine.len() as f64;
                    (
                        method.clone(),
                        (
                            mine.iter().map(|c| c.last.mean).sum::<f64>() / n,
                            mine.iter().map(|c| c.best.mean).sum::<f64>() / n,
                        ),
                    )
                })
            })
            .collect();
        Self {
            datasets,
            methods,
            cells,
            average,
            runs,
        }
    }

    fn cell(&self, dataset: &str, method: &str) -> Option<&Cell> {
        self.cells
            .iter()
            .find(|c| c.dataset == dataset && c.method == method)
    }

    /// The Markdown table: one row per dataset, one column per method, "last (best)".
    pub fn markdown(&self) -> String {
        let mut s = String::new();
        let raw = self.cells.iter().any(|c| !c.normalized);
        let _ = writeln!(
            s,
            "Score of the last evaluation, mean ± std over seeds (best evaluation in brackets; \
             CVaR: mean of the worst 10 % of the last evaluation's episodes). {}\n",
            if raw {
                "Cells marked * are raw returns (no reference scores); the rest are normalised \
                 with each file's reference scores (100 × (return − min) / (max − min))."
            } else {
                "Scores normalised with each file's reference scores (100 × (return − min) / \
                 (max − min))."
            }
        );
        let _ = writeln!(s, "| dataset | {} |", self.methods.join(" | "));
        let _ = writeln!(s, "|---|{}", "---|".repeat(self.methods.len()));
        for dataset in &self.datasets {
            let row: Vec<String> = self
                .methods
                .iter()
                .map(|m| match self.cell(dataset, m) {
                    Some(c) => format!(
                        "{}{} ({}){} n={}",
                        c.last,
                        if c.normalized { "" } else { "*" },
                        c.best,
                        c.cvar.map_or(String::new(), |cvar| format!(" CVaR {cvar}")),
                        c.seeds.len()
                    ),
                    None => "—".into(),
                })
                .collect();
            let _ = writeln!(s, "| {dataset} | {} |", row.join(" | "));
        }
        if self.datasets.len() > 1 {
            let row: Vec<String> = self
                .methods
                .iter()
                .map(|m| match self.average.get(m) {
                    Some((last, best)) => format!("{last:.1} ({best:.1})"),
                    None => "—".into(),
                })
                .collect();
            let _ = writeln!(s, "| **average** | {} |", row.join(" | "));
        }
        s
    }

    /// The cells as CSV.
    pub fn csv(&self) -> String {
        let mut s = String::from(
            "dataset,method,seeds,last_mean,last_std,best_mean,best_std,normalized,wall_s,\
             cvar_mean,cvar_std\n",
        );
        for c in &self.cells {
            let _ = writeln!(
                s,
                "{},{},{},{:.3},{:.3},{:.3},{:.3},{},{:.1},{},{}",
                c.dataset,
                c.method,
                c.seeds.len(),
                c.last.mean,
                c.last.std,
                c.best.mean,
                c.best.std,
                c.normalized,
                c.wall_s,
                c.cvar.map_or(String::new(), |s| format!("{:.3}", s.mean)),
                c.cvar.map_or(String::new(), |s| format!("{:.3}", s.std)),
            );
        }
        s
    }

    /// Writes `results.md`, `results.csv`, `results.json` and `curves/<dataset>.png` into `out`;
    /// returns the paths written.
    pub fn write(&self, out: &Path) -> anyhow::Result<Vec<PathBuf>> {
        let mut written = Vec::new();
        let mut put = |name: &str, body: String| -> anyhow::Result<()> {
            let path = out.join(name);
            std::fs::write(&path, body)
                .with_context(|| format!("cannot write {}", path.display()))?;
            written.push(path);
            Ok(())
        };
        put("results.md", self.markdown())?;
        put("results.csv", self.csv())?;
        put("results.json", serde_json::to_string_pretty(self)?)?;
        let curves_dir = out.join("curves");
        std::fs::create_dir_all(&curves_dir)
            .with_context(|| format!("cannot create {}", curves_dir.display()))?;
        for dataset in &self.datasets {
            let curves: Vec<Curve> = self
                .methods
                .iter()
                .filter_map(|m| self.curve(dataset, m))
                .collect();
            if curves.is_empty() {
                continue;
            }
            let path = curves_dir.join(format!("{dataset}.png"));
            let title = format!("{dataset}: mean ± std over seeds");
            let labels = Labels {
                title: &title,
                x: "gradient steps",
                y: "score",
            };
            line_chart(&path, labels, &curves)?;
            written.push(path);
        }
        Ok(written)
    }

    /// Mean ± std over seeds at each evaluation step all of the method's runs share.
    fn curve(&self, dataset: &str, method: &str) -> Option<Curve> {
        let runs: Vec<&RunResult> = self
            .runs
            .iter()
            .filter(|r| r.spec.dataset == dataset && r.spec.method == method)
            .collect();
        let first = runs.first()?;
        let points = first
            .evaluations
            .iter()
            .filter_map(|e| {
                let scores: Vec<f64> = runs
                    .iter()
                    .filter_map(|r| r.evaluations.iter().find(|o| o.step == e.step))
                    .map(|o| o.score())
                    .collect();
                (scores.len() == runs.len())
                    .then(|| Stat::of(&scores))
                    .flatten()
                    .map(|s| (e.step as f64, s.mean, s.std))
            })
            .collect();
        Some(Curve {
            label: method.to_owned(),
            points,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::d4rl::grid::RunSpec;
    use ember::engine::runtime::EvalPoint;

    fn run(method: &str, seed: u64, scores: &[f64]) -> RunResult {
        RunResult {
            spec: RunSpec {
                dataset: "d".into(),
                dataset_path: "d.hdf5".into(),
                expert: None,
                env: "pendulum".into(),
                method: method.into(),
                config: String::new(),
                seed,
                device: "cpu".into(),
                base: None,
            },
            evaluations: scores
                .iter()
                .enumerate()
                .map(|(i, &s)| EvalPoint {
                    step: (i + 1) * 10,
                    return_mean: s,
                    return_std: 0.0,
                    normalized: Some(s),
                    return_cvar: None,
                    normalized_cvar: None,
                })
                .collect(),
            wall_s: 1.0,
        }
    }

    #[test]
    fn last_and_best_are_aggregated_over_seeds() {
        let report = Report::build(
            vec!["d".into()],
            vec!["a".into(), "b".into()],
            vec![
                run("a", 0, &[10.0, 30.0, 20.0]),
                run("a", 1, &[40.0, 20.0, 40.0]),
            ],
        );
        let cell = report.cell("d", "a").unwrap();
        assert_eq!((cell.last.mean, cell.last.std), (30.0, 10.0));
        assert_eq!((cell.best.mean, cell.best.std), (35.0, 5.0));
        assert!(report.cell("d", "b").is_none());
        let md = report.markdown();
        assert!(
            md.contains("| d | 30.0 ± 10.0 (35.0 ± 5.0) n=2 | — |"),
            "{md}"
        );
        let curve = report.curve("d", "a").unwrap();
        assert_eq!(curve.points[0], (10.0, 25.0, 15.0));
        let dir = tempfile::tempdir().unwrap();
        let written = report.write(dir.path()).unwrap();
        assert_eq!(written.len(), 4, "{written:?}");
    }
}
