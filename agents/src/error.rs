//! The one error type of the library's entry points (training jobs, online runs, dataset suites,
//! configuration files): each message names the file, key or field and the problem.

use ember_datasets::DatasetError;
use ember_engine::DeviceError;
use ember_engine::runtime::RuntimeError;
use ember_envs::EnvError;
use std::path::{Path, PathBuf};

/// Why a job could not run or finish.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A dataset could not be read, written or made.
    #[error(transparent)]
    Dataset(#[from] DatasetError),
    /// An environment could not be made or refused an action.
    #[error(transparent)]
    Env(#[from] EnvError),
    /// The training runtime stopped (I/O, checkpoint, divergence, failed step or evaluation).
    #[error(transparent)]
    Runtime(#[from] RuntimeError),
    /// A behaviour policy could not be rolled out into a dataset.
    #[error(transparent)]
    Collect(#[from] crate::collect::CollectError),
    /// The device string names no usable device.
    #[error(transparent)]
    Device(#[from] DeviceError),
    /// A configuration or job that cannot run; the message names the field and what to do.
    #[error("{0}")]
    Invalid(String),
    /// A file that exists but is not what it should be (a config that does not parse, ...).
    #[error("{}: {problem}", path.display())]
    File {
        /// The file.
        path: PathBuf,
        /// What is wrong with it.
        problem: String,
    },
    /// A file or directory could not be read or written.
    #[error("{}: {source}", path.display())]
    Io {
        /// The path.
        path: PathBuf,
        /// The operating system's error.
        #[source]
        source: std::io::Error,
    },
}

/// The library's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    /// A job or configuration that cannot run.
    pub fn invalid(message: impl Into<String>) -> Self {
        Self::Invalid(message.into())
    }

    /// A file with a problem.
    pub fn file(path: &Path, problem: impl std::fmt::Display) -> Self {
        Self::File {
            path: path.to_path_buf(),
            problem: problem.to_string(),
        }
    }

    /// Wraps an I/O error with its path.
    pub fn io(path: &Path, source: std::io::Error) -> Self {
        Self::Io {
            path: path.to_path_buf(),
            source,
        }
    }
}

/// Returns early with [`Error::Invalid`] and a formatted message.
macro_rules! bail {
    ($($arg:tt)*) => {
        return Err($crate::error::Error::Invalid(format!($($arg)*)))
    };
}
pub(crate) use bail;
