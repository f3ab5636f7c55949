//! Build script of every package that links a native library found outside the system paths,
//! so that its binaries, tests, examples and benches run without `LD_LIBRARY_PATH`:
//!
//! - feature `mujoco` (`ember-envs`, `ember`, `ember-bench`, `ember-cli`): an rpath to the
//!   directory holding `libmujoco.so`, `MUJOCO_DYNAMIC_LINK_DIR` (the variable mujoco-rs links
//!   with; `.cargo/config.toml` defaults it to `.venv-mujoco/mujoco-lib`, made by
//!   `scripts/setup-mujoco.sh`).
//! - feature `tch` in a package depending on `torch-sys` (`ember-cli`): an rpath to the libtorch
//!   library directory torch-sys linked against (its `links = "tch"` metadata,
//!   `DEP_TCH_LIBTORCH_LIB`; with `scripts/setup-libtorch.sh`, the venv's `torch/lib`), and, when
//!   that libtorch has CUDA (`libtorch_cuda.so`), `libtorch_cuda` linked with `--no-as-needed`.
//!   Nothing in the binary calls into `libtorch_cuda` by name, so the default `--as-needed`
//!   drops it, and without it loaded libtorch registers no CUDA backend: `tch-cuda` would report
//!   no device on a machine that has one. The NVIDIA libraries themselves are found through
//!   libtorch's own RPATH (pip's `nvidia/*/lib`).
//!
//! The rpath is a RUNPATH (the linker's default `--enable-new-dtags`): `LD_LIBRARY_PATH` still
//! takes precedence, which is how `scripts/bundle-tch.sh` points a copied binary at another
//! machine's torch.

use std::env;
use std::path::Path;

fn main() {
    println!("cargo::rerun-if-env-changed=MUJOCO_DYNAMIC_LINK_DIR");
    if env::var_os("CARGO_FEATURE_MUJOCO").is_some() {
        mujoco();
    }
    if env::var_os("CARGO_FEATURE_TCH").is_some() {
        libtorch();
    }
}

fn mujoco() {
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

fn libtorch() {
    // Only packages with a direct `torch-sys` dependency receive its metadata.
    let Some(dir) = env::var_os("DEP_TCH_LIBTORCH_LIB") else {
        return;
    };
    let dir = Path::new(&dir);
    println!("cargo::rustc-link-arg=-Wl,-rpath,{}", dir.display());
    if dir.join("libtorch_cuda.so").exists() {
        for arg in ["-Wl,--no-as-needed", "-ltorch_cuda", "-Wl,--as-needed"] {
            println!("cargo::rustc-link-arg={arg}");
        }
    }
}
