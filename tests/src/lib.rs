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

/// Holds burn's process-wide random generator for one seeded training. The generator is global:
/// tests running in parallel threads would draw from it in turn and lose their seed's
/// determinism, so every test that seeds it takes turns through this guard.
pub fn one_device_user() -> std::sync::MutexGuard<'static, ()> {
    static DEVICE: std::sync::Mutex<()> = std::sync::Mutex::new(());
    DEVICE.lock().unwrap_or_else(|e| e.into_inner())
}
