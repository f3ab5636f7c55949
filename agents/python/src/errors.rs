//! How Ember's errors reach Python: as [`EmberError`] (a `RuntimeError`) with the library's
//! one-line message; a scorer's own exception becomes its `__cause__`.

use pyo3::exceptions::PyRuntimeError;
use pyo3::prelude::*;
use std::sync::{Arc, Mutex};

pyo3::create_exception!(
    ember,
    EmberError,
    PyRuntimeError,
    "An error of Ember (a bad file, configuration or run), with the library's one-line message."
);

/// An [`EmberError`] with `error`'s message.
pub fn ember_error(error: impl std::fmt::Display) -> PyErr {
    EmberError::new_err(error.to_string())
}

/// The exception a Python callback raised inside a Rust run, kept to chain it to the error
/// the run stops with.
#[derive(Clone, Default)]
pub struct Raised(Arc<Mutex<Option<PyErr>>>);

impl Raised {
    /// Keeps `error` (the first one only).
    pub fn keep(&self, error: PyErr) {
        let mut slot = self.0.lock().unwrap_or_else(|e| e.into_inner());
        slot.get_or_insert(error);
    }

    /// An [`EmberError`] with `error`'s message whose `__cause__` is the kept exception, if
    /// any.
    pub fn chain(&self, py: Python<'_>, error: impl std::fmt::Display) -> PyErr {
        let err = ember_error(error);
        let cause = self.0.lock().unwrap_or_else(|e| e.into_inner()).take();
        if let Some(cause) = cause {
            err.set_cause(py, Some(cause));
        }
        err
    }
}
