//! Metrics of a run as JSON lines (`metrics.jsonl`, every record) and CSV (`train.csv`,
//! `eval.csv`, one fixed header each, taken from the first row).

use super::RuntimeError;
use crate::MetricsRow;
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
    /// Opens (or creates) the metric files in `dir`.
    pub fn open(dir: &Path) -> Result<Self, RuntimeError> {
        std::fs::create_dir_all(dir).map_err(|e| RuntimeError::io(dir, e))?;
        let path = dir.join("metrics.jsonl");
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
