//! Helpers shared by Ember's integration tests.

use std::path::PathBuf;

/// Path of a file relative to the workspace root.
pub fn workspace_path(relative: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join(relative)
}

/// The bundled dataset of the embedded default (see `data/README.md`).
pub fn bundled_dataset() -> PathBuf {
    workspace_path("data/pendulum-mixed.hdf5")
}
