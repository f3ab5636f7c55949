//! Where a run writes: the directory it was given, or a temporary one removed at the end.

use ember_engine::runtime::RuntimeError;
use std::path::PathBuf;
use tempfile::TempDir;

/// `dir`, or a fresh temporary directory; hold the returned guard until the run is over
/// (dropping it removes the temporary directory).
pub fn run_dir_or_temp(dir: Option<&PathBuf>) -> Result<(PathBuf, Option<TempDir>), RuntimeError> {
    match dir {
        Some(dir) => Ok((dir.clone(), None)),
        None => {
            let temp =
                tempfile::tempdir().map_err(|e| RuntimeError::io(std::env::temp_dir(), e))?;
            Ok((temp.path().to_path_buf(), Some(temp)))
        }
    }
}
