//! Build script of every package with a `mujoco` feature (`ember-envs`, `ember`,
//! `ember-bench`): with the feature on, embeds an rpath to the directory holding `libmujoco.so`
//! into the package's binaries, tests, examples and benches, so they run without
//! `LD_LIBRARY_PATH`.
//!
//! The directory is `MUJOCO_DYNAMIC_LINK_DIR`, the variable mujoco-rs links with;
//! `.cargo/config.toml` defaults it to `.venv-mujoco/mujoco-lib` (made by
//! `scripts/setup-mujoco.sh`).

use std::env;
use std::path::Path;

fn main() {
    println!("cargo::rerun-if-env-changed=MUJOCO_DYNAMIC_LINK_DIR");
    if env::var_os("CARGO_FEATURE_MUJOCO").is_none() {
        return;
    }
    let Some(dir) = env::var_os("MUJOCO_DYNAMIC_LINK_DIR") else {
        panic!(
            "feature `mujoco`: MUJOCO_DYNAMIC_LINK_DIR is not set (.cargo/config.toml sets it); \
             run scripts/setup-mujoco.sh"
        );
    };
    let dir = Path::new(&dir);
    if !dir.join("libmujoco.so").exists() {
        panic!(
            "feature `mujoco`: no libmujoco.so in {}; run scripts/setup-mujoco.sh",
            dir.display()
        );
    }
    println!("cargo::rustc-link-arg=-Wl,-rpath,{}", dir.display());
}
