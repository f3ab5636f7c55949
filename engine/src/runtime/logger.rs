//! Metrics of a run as JSON lines (`metrics.jsonl`, every record) and CSV (`train.csv`,
//! `eval.csv`, one fixed header each, taken from the first row), and the evaluations read back.
//! A resumed run first cuts the files back to its checkpoint's step, so rows written after that
//! checkpoint by the interrupted process are not doubled.

use super::RuntimeError;
use crate::MetricsRow;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fs::{File, OpenOptions};
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

/// Appends metric rows to the files of a run directory (appending keeps resumed runs whole).
pub struct MetricsLog {
    dir: PathBuf,
    jsonl: BufWriter<File>,
    csv: Vec<(String, BufWriter<File>, Vec<String>)>,
}

impl MetricsLog {
    /// Opens (or creates) the metric files in `dir`, keeping only the rows of steps up to
    /// `through` (the step a run resumes from; 0 for a fresh run).
    pub fn open(dir: &Path, through: usize) -> Result<Self, RuntimeError> {
        std::fs::create_dir_all(dir).map_err(|e| RuntimeError::io(dir, e))?;
        let path = dir.join("metrics.jsonl");
        truncate(dir, through)?;
        Ok(Self {
            dir: dir.to_path_buf(),
            jsonl: BufWriter::new(append(&path)?),
            csv: Vec::new(),
        })
    }

    /// Writes one row of `kind` (`train` or `eval`) at `step`.
    pub fn write(&mut self, kind: &str, step: usize, row: &MetricsRow) -> Result<(), RuntimeError> {
        let mut record = serde_json::Map::new();
        record.insert("kind".into(), kind.into());
        record.insert("step".into(), step.into());
        for (key, value) in row {
            record.insert(key.clone(), json_number(*value));
        }
        let jsonl_path = self.dir.join("metrics.jsonl");
        writeln!(self.jsonl, "{}", serde_json::Value::Object(record))
            .and_then(|_| self.jsonl.flush())
            .map_err(|e| RuntimeError::io(&jsonl_path, e))?;

        let csv_path = self.dir.join(format!("{kind}.csv"));
        let index = match self.csv.iter().position(|(k, _, _)| k == kind) {
            Some(index) => index,
            None => {
                let fresh = !csv_path.exists();
                let mut file = BufWriter::new(append(&csv_path)?);
                let columns: Vec<String> = row.keys().cloned().collect();
                if fresh {
                    writeln!(file, "step,{}", columns.join(","))
                        .map_err(|e| RuntimeError::io(&csv_path, e))?;
                }
                self.csv.push((kind.to_string(), file, columns));
                self.csv.len() - 1
            }
        };
        let (_, file, columns) = &mut self.csv[index];
        let cells: Vec<String> = columns
            .iter()
            .map(|c| row.get(c).map_or(String::new(), |v| v.to_string()))
            .collect();
        writeln!(file, "{step},{}", cells.join(","))
            .and_then(|_| file.flush())
            .map_err(|e| RuntimeError::io(&csv_path, e))
    }
}

/// One evaluation of a run, as logged.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct EvalPoint {
    /// Training steps done.
    pub step: usize,
    /// Mean episode return.
    pub return_mean: f64,
    /// Standard deviation of the episode returns.
    pub return_std: f64,
    /// Normalised score of the mean return, when the dataset has reference scores.
    pub normalized: Option<f64>,
    /// CVaR (α = 0.1) of the episode returns, when logged (runs before it was added lack it).
    #[serde(default)]
    pub return_cvar: Option<f64>,
    /// CVaR (α = 0.1) of the normalised episode scores, when reference scores are known.
    #[serde(default)]
    pub normalized_cvar: Option<f64>,
}

impl EvalPoint {
    /// The score tables report: normalised when known, the raw return otherwise.
    pub fn score(&self) -> f64 {
        self.normalized.unwrap_or(self.return_mean)
    }

    /// The CVaR the score tables report, on the scale of [`EvalPoint::score`].
    pub fn cvar(&self) -> Option<f64> {
        match self.normalized {
            Some(_) => self.normalized_cvar,
            None => self.return_cvar,
        }
    }
}

impl MetricsLog {
    /// The evaluations logged in `dir/metrics.jsonl` in step order, including those before a
    /// resume; an evaluation repeated after a resume replaces the earlier one of its step.
    pub fn evaluations(dir: &Path) -> Result<Vec<EvalPoint>, RuntimeError> {
        let path = dir.join("metrics.jsonl");
        let text = std::fs::read_to_string(&path).map_err(|e| RuntimeError::io(&path, e))?;
        let mut by_step = BTreeMap::new();
        for (line_no, line) in text.lines().enumerate() {
            let malformed = |problem: &str| RuntimeError::Malformed {
                path: path.clone(),
                line: line_no + 1,
                problem: problem.to_string(),
            };
            let row: serde_json::Value =
                serde_json::from_str(line).map_err(|e| malformed(&e.to_string()))?;
            if row["kind"] != "eval" {
                continue;
            }
            let number = |key: &str| row[key].as_f64();
            let (Some(step), Some(return_mean)) = (row["step"].as_u64(), number("return_mean"))
            else {
                return Err(malformed("evaluation without step or return_mean"));
            };
            let step = step as usize;
            by_step.insert(
                step,
                EvalPoint {
                    step,
                    return_mean,
                    return_std: number("return_std").unwrap_or(0.0),
                    normalized: number("normalized_score"),
                    return_cvar: number("return_cvar"),
                    normalized_cvar: number("normalized_cvar"),
                },
            );
        }
        Ok(by_step.into_values().collect())
    }
}

/// Drops the rows after step `through` from `metrics.jsonl` and from the CSV file of every kind
/// it names (a line cut short by a crash is dropped too).
fn truncate(dir: &Path, through: usize) -> Result<(), RuntimeError> {
    let path = dir.join("metrics.jsonl");
    let Ok(text) = std::fs::read_to_string(&path) else {
        return Ok(());
    };
    let mut kinds = std::collections::BTreeSet::new();
    let mut kept = String::new();
    for line in text.lines() {
        let Ok(row) = serde_json::from_str::<serde_json::Value>(line) else {
            continue;
        };
        if let Some(kind) = row["kind"].as_str() {
            kinds.insert(kind.to_string());
        }
        if row["step"].as_u64().is_some_and(|s| s as usize <= through) {
            kept.push_str(line);
            kept.push('\n');
        }
    }
    std::fs::write(&path, kept).map_err(|e| RuntimeError::io(&path, e))?;
    for kind in kinds {
        let csv = dir.join(format!("{kind}.csv"));
        let Ok(text) = std::fs::read_to_string(&csv) else {
            continue;
        };
        let mut lines = text.lines();
        let header = lines.next().unwrap_or_default();
        let rows: Vec<&str> = lines
            .filter(|line| {
                let step = line.split(',').next().and_then(|s| s.parse::<usize>().ok());
                step.is_some_and(|s| s <= through)
            })
            .collect();
        // With no row left the file goes, so the next row's keys make a fresh header.
        let result = if rows.is_empty() {
            std::fs::remove_file(&csv)
        } else {
            std::fs::write(&csv, format!("{header}\n{}\n", rows.join("\n")))
        };
        result.map_err(|e| RuntimeError::io(&csv, e))?;
    }
    Ok(())
}

fn append(path: &Path) -> Result<File, RuntimeError> {
    OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .map_err(|e| RuntimeError::io(path, e))
}

fn json_number(value: f64) -> serde_json::Value {
    serde_json::Number::from_f64(value).map_or(serde_json::Value::Null, serde_json::Value::Number)
}
