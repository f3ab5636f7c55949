//! Errors of the training runtime.

use std::path::PathBuf;

/// What can stop a run.
#[derive(Debug, thiserror::Error)]
pub enum RuntimeError {
    /// A file of the run directory could not be read or written.
    #[error("{path}: {source}")]
    Io {
        /// The file or directory concerned.
        path: PathBuf,
        /// The operating system's error.
        #[source]
        source: std::io::Error,
    },
    /// A metrics file of the run directory holds a line that cannot be read back.
    #[error("{path}:{line}: {problem}")]
    Malformed {
        /// The file or directory concerned.
        path: PathBuf,
        /// The 1-based line number.
        line: usize,
        /// What is wrong.
        problem: String,
    },
    /// A checkpoint is missing pieces or does not match the agent.
    #[error("checkpoint {path}: {problem}")]
    Checkpoint {
        /// The file or directory concerned.
        path: PathBuf,
        /// What is wrong.
        problem: String,
    },
    /// Training produced a non-finite value; the last good checkpoint is kept.
    #[error(
        "training diverged at step {step}: metric `{metric}` is {value}; \
         last good checkpoint: {last_good}"
    )]
    Diverged {
        /// The step at which it happened.
        step: usize,
        /// The metric that turned non-finite.
        metric: String,
        /// Its value.
        value: f64,
        /// The last checkpoint written before it.
        last_good: String,
    },
    /// A training step failed (an environment refused an action, a buffer was empty, ...).
    #[error("training step {step} failed: {message}")]
    Step {
        /// The step at which it happened.
        step: usize,
        /// What failed.
        message: String,
    },
    /// Evaluation failed (environment or policy error).
    #[error("evaluation at step {step} failed: {message}")]
    Eval {
        /// The step at which it happened.
        step: usize,
        /// What failed.
        message: String,
    },
}

impl RuntimeError {
    /// Wraps an I/O error with the path it concerns.
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Self::Io {
            path: path.into(),
            source,
        }
    }
}
