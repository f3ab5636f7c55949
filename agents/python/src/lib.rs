//! The native module of the `ember` Python package (`ember._native`): GFlowNet molecule
//! design ([`gfn`]), offline RL ([`offline`]) and D4RL datasets ([`datasets`]) from Python.
//! The work is done by the `ember` crate with the GIL released; a Python scoring function is
//! called once per batch of molecules with the GIL taken back. The Python sources in
//! `python/ember/` re-export these as `ember.gfn`, `ember.offline` and `ember.datasets`.

#![deny(missing_docs)]

mod datasets;
mod errors;
mod gfn;
mod offline;

use pyo3::prelude::*;

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Registers the classes and functions of every submodule in `ember._native`.
#[pymodule]
#[pyo3(name = "_native")]
fn ember(m: &Bound<'_, PyModule>) -> PyResult<()> {
    // The importing thread (Python's main thread, as a rule) joins rayon's pool, as the
    // `ember` command's does: joins and parallel matmuls started from it skip a hand-off.
    ::ember::engine::threads::join_rayon_pool();
    m.add("EmberError", m.py().get_type::<errors::EmberError>())?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    gfn::register(m)?;
    offline::register(m)?;
    datasets::register(m)?;
    Ok(())
}
