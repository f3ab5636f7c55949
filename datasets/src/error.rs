//! The error type of the crate: every variant names the file (and the HDF5 key where relevant).

use std::path::Path;

/// Label used in place of a file name for datasets that were built in memory.
pub const IN_MEMORY: &str = "<in-memory dataset>";

/// Everything that can go wrong while reading, validating or writing a dataset.
#[derive(Debug, thiserror::Error)]
pub enum DatasetError {
    /// The path does not exist.
    #[error("{file}: no such file or directory")]
    NotFound {
        /// File (or directory) that was asked for.
        file: String,
    },
    /// An operating-system I/O error.
    #[error("{file}: {source}")]
    Io {
        /// File involved.
        file: String,
        /// Underlying error.
        source: std::io::Error,
    },
    /// The file exists but does not carry the HDF5 signature.
    #[error("{file}: not an HDF5 file")]
    NotHdf5 {
        /// File involved.
        file: String,
    },
    /// The file has an HDF5 signature but the library cannot open it.
    #[error("{file}: HDF5 file is truncated or corrupt ({detail})")]
    Corrupt {
        /// File involved.
        file: String,
        /// Message from the HDF5 library.
        detail: String,
    },
    /// A required key is absent.
    #[error("{file}: key `{key}` missing (required)")]
    MissingKey {
        /// File involved.
        file: String,
        /// HDF5 path of the missing key.
        key: String,
    },
    /// A key is present but unusable (shape, dtype, values, read failure).
    #[error("{file}: key `{key}`: {problem}")]
    BadKey {
        /// File involved.
        file: String,
        /// HDF5 path of the key.
        key: String,
        /// What is wrong with it.
        problem: String,
    },
    /// A problem that concerns the whole file or dataset rather than one key.
    #[error("{file}: {problem}")]
    Invalid {
        /// File involved.
        file: String,
        /// What is wrong.
        problem: String,
    },
}

impl DatasetError {
    /// A [`DatasetError::BadKey`] for `file`/`key`.
    pub(crate) fn key(file: &str, key: &str, problem: impl Into<String>) -> Self {
        Self::BadKey {
            file: file.to_owned(),
            key: key.to_owned(),
            problem: problem.into(),
        }
    }

    /// A [`DatasetError::Invalid`] for `file`.
    pub(crate) fn invalid(file: &str, problem: impl Into<String>) -> Self {
        Self::Invalid {
            file: file.to_owned(),
            problem: problem.into(),
        }
    }

    /// An I/O error on `path`, mapping "not found" to [`DatasetError::NotFound`].
    pub(crate) fn io(path: &Path, source: std::io::Error) -> Self {
        let file = label(path);
        if source.kind() == std::io::ErrorKind::NotFound {
            Self::NotFound { file }
        } else {
            Self::Io { file, source }
        }
    }
}

/// How a path is named in error messages.
pub(crate) fn label(path: &Path) -> String {
    path.display().to_string()
}
