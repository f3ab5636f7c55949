//! `ember.datasets.load`: a D4RL HDF5 file or Minari dataset as a dict of numpy arrays.

use crate::errors::ember_error;
use ember::datasets::QLearningOptions;
use numpy::IntoPyArray;
use pyo3::prelude::*;
use pyo3::types::PyDict;
use std::path::PathBuf;

/// Reads a dataset (D4RL HDF5 file or Minari directory). With `qlearning` (the default), the
/// view of `d4rl.qlearning_dataset`, reproduced exactly: `observations`, `actions`,
/// `next_observations`, `rewards`, `terminals` (rows ending an episode by time limit are
/// dropped unless `terminate_on_end`). Otherwise the rows as stored: `observations`,
/// `actions`, `rewards`, `terminals`, and `timeouts` and `next_observations` when the file
/// has them. Arrays are float32 (flags bool), moved into numpy without a copy.
#[pyfunction]
#[pyo3(signature = (path, qlearning = true, terminate_on_end = false, max_episode_steps = 1000))]
fn load<'py>(
    py: Python<'py>,
    path: PathBuf,
    qlearning: bool,
    terminate_on_end: bool,
    max_episode_steps: usize,
) -> PyResult<Bound<'py, PyDict>> {
    let data = py
        .detach(|| ember::datasets::load(&path))
        .map_err(ember_error)?;
    let out = PyDict::new(py);
    if qlearning {
        let options = QLearningOptions {
            terminate_on_end,
            max_episode_steps,
        };
        let t = data.qlearning(&options);
        out.set_item("observations", t.observations.into_pyarray(py))?;
        out.set_item("actions", t.actions.into_pyarray(py))?;
        out.set_item("next_observations", t.next_observations.into_pyarray(py))?;
        out.set_item("rewards", t.rewards.into_pyarray(py))?;
        out.set_item("terminals", t.terminals.into_pyarray(py))?;
    } else {
        out.set_item("observations", data.observations.into_pyarray(py))?;
        out.set_item("actions", data.actions.into_pyarray(py))?;
        out.set_item("rewards", data.rewards.into_pyarray(py))?;
        out.set_item("terminals", data.terminals.into_pyarray(py))?;
        if let Some(timeouts) = data.timeouts {
            out.set_item("timeouts", timeouts.into_pyarray(py))?;
        }
        if let Some(next) = data.next_observations {
            out.set_item("next_observations", next.into_pyarray(py))?;
        }
    }
    Ok(out)
}

/// Adds `load` to the module.
pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(load, m)?)
}
