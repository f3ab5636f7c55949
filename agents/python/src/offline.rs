//! `ember.offline`: offline training ([`train`], the library's [`ember::train::train`] as
//! `ember train` runs it), a trained policy reopened from its run directory ([`Policy`], the
//! one `ember eval` and `ember collect --policy` run) and its evaluation ([`evaluate`]).

use crate::errors::ember_error;
use ember::EpisodePolicy;
use ember::config::TrainConfig;
use ember::configure::configure;
use ember::engine::parse_device;
use ember::engine::runtime::EvalReport;
use ember::evaluate::evaluate_policy;
use ember::saved_policy::SavedPolicy;
use ember::train::{TrainJob, default_run_dir};
use ember_cli::run_args::RunOverrides;
use numpy::{AllowTypeChange, IntoPyArray, PyArrayDyn, PyArrayLikeDyn, PyUntypedArrayMethods};
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::PyDict;
use std::path::PathBuf;

/// Trains `algo` (`iql`, `td3bc`, `odice`, `bc`, ...; may be `None` when `config` names it) on
/// `dataset` (D4RL HDF5 file or Minari directory), evaluating in `env`, as `ember train`
/// does: hyperparameters from `config` (a TOML file of configs/) or the method's defaults,
/// `steps`, `eval_every` and `eval_episodes` overriding. The run goes to `run_dir` (default
/// `runs/<algo>-<dataset>-s<seed>`); an existing run there resumes. Returns the evaluations.
#[pyfunction]
#[pyo3(signature = (algo, dataset, env, config = None, steps = None, device = "cpu", run_dir = None, seed = 0, eval_every = None, eval_episodes = None, progress = false))]
#[allow(clippy::too_many_arguments)]
fn train<'py>(
    py: Python<'py>,
    algo: Option<&str>,
    dataset: PathBuf,
    env: String,
    config: Option<PathBuf>,
    steps: Option<usize>,
    device: &str,
    run_dir: Option<PathBuf>,
    seed: u64,
    eval_every: Option<usize>,
    eval_episodes: Option<usize>,
    progress: bool,
) -> PyResult<Bound<'py, PyDict>> {
    let mut config: TrainConfig = configure(config.as_deref(), algo).map_err(ember_error)?;
    let overrides = RunOverrides {
        steps,
        eval_every,
        eval_episodes,
    };
    overrides.apply(&mut config.run, &mut config.eval);
    config.run.progress = progress;
    let run_dir = run_dir.unwrap_or_else(|| default_run_dir(&config, &dataset, seed));
    let job = TrainJob {
        config,
        dataset,
        expert: None,
        env,
        device: device.into(),
        seed,
        run_dir,
        base: None,
    };
    let outcome = py
        .detach(|| ember::train::train(&job))
        .map_err(ember_error)?;
    let out = PyDict::new(py);
    out.set_item("run_dir", job.run_dir.display().to_string())?;
    out.set_item("steps", outcome.summary.steps)?;
    out.set_item("behaviour_return", outcome.behaviour_return)?;
    let evaluations: Vec<Bound<'py, PyDict>> = outcome
        .summary
        .evaluations
        .iter()
        .map(|(step, report)| {
            let d = report_dict(py, report)?;
            d.set_item("step", step)?;
            Ok(d)
        })
        .collect::<PyResult<_>>()?;
    out.set_item("evaluations", evaluations)?;
    Ok(out)
}

/// An evaluation as a dict: `returns`, `mean`, `std`, `normalized` (None without reference
/// scores).
fn report_dict<'py>(py: Python<'py>, report: &EvalReport) -> PyResult<Bound<'py, PyDict>> {
    let d = PyDict::new(py);
    d.set_item("returns", report.returns.clone())?;
    d.set_item("mean", report.mean())?;
    d.set_item("std", report.std())?;
    d.set_item("normalized", report.normalized)?;
    Ok(d)
}

/// A trained policy (offline agent, SAC or GAIL snapshot) reopened from a checkpoint or run
/// directory, acting deterministically.
#[pyclass(module = "ember.offline", unsendable)]
struct Policy {
    saved: SavedPolicy,
    obs_dim: usize,
    act_dim: usize,
}

#[pymethods]
impl Policy {
    /// Opens `run_dir` (its latest checkpoint) or a checkpoint directory on `device`.
    #[staticmethod]
    #[pyo3(signature = (run_dir, device = "cpu"))]
    fn open(run_dir: PathBuf, device: &str) -> PyResult<Self> {
        let device = parse_device(device).map_err(ember_error)?;
        let saved = SavedPolicy::open(&run_dir, &device, false).map_err(ember_error)?;
        let env = ember::envs::make(&saved.env).map_err(ember_error)?;
        Ok(Self {
            obs_dim: env.observation_space().dim(),
            act_dim: env.action_space().dim(),
            saved,
        })
    }

    /// The actions for `obs`: shape `[obs_dim]` gives `[act_dim]`, `[n, obs_dim]` gives
    /// `[n, act_dim]` (row i acts in episode slot i; see `reset`). float32 is read in place;
    /// other dtypes are converted. Returns float32.
    fn act<'py>(
        &mut self,
        py: Python<'py>,
        obs: PyArrayLikeDyn<'py, f32, AllowTypeChange>,
    ) -> PyResult<Bound<'py, PyArrayDyn<f32>>> {
        let shape = obs.shape().to_vec();
        let rows = match shape.as_slice() {
            [d] if *d == self.obs_dim => 1,
            [n, d] if *d == self.obs_dim => *n,
            _ => {
                return Err(PyValueError::new_err(format!(
                    "observations of shape {}: expected ({},) or (n, {}) for {}",
                    shape_text(&shape),
                    self.obs_dim,
                    self.obs_dim,
                    self.saved.env
                )));
            }
        };
        // One copy, row by row, whatever the array's strides.
        let observations: Vec<Vec<f32>> = obs
            .as_array()
            .to_shape((rows, self.obs_dim))
            .map_err(|e| ember_error(format!("the observations: {e}")))?
            .rows()
            .into_iter()
            .map(|row| row.to_vec())
            .collect();
        let slots: Vec<usize> = (0..rows).collect();
        let actions = self.saved.policy.act_in(&slots, &observations);
        let data: Vec<f32> = actions.into_iter().flatten().collect();
        let out_shape = if shape.len() == 1 {
            vec![self.act_dim]
        } else {
            vec![rows, self.act_dim]
        };
        let array = numpy::ndarray::ArrayD::from_shape_vec(out_shape, data)
            .map_err(|e| ember_error(format!("the policy's actions: {e}")))?;
        Ok(array.into_pyarray(py))
    }

    /// Starts new episodes in slots `0..n` (policies with memory per episode, such as a
    /// replanning diffuser, forget it; stateless policies ignore this).
    #[pyo3(signature = (n = 1))]
    fn reset(&mut self, n: usize) {
        for slot in 0..n {
            self.saved.policy.reset(slot);
        }
    }

    /// The method that trained it (`iql`, `bc`, `sac`, ...).
    #[getter]
    fn method(&self) -> String {
        self.saved.method.clone()
    }

    /// The environment it was trained for.
    #[getter]
    fn env(&self) -> String {
        self.saved.env.clone()
    }

    /// Observation size.
    #[getter]
    fn obs_dim(&self) -> usize {
        self.obs_dim
    }

    /// Action size.
    #[getter]
    fn act_dim(&self) -> usize {
        self.act_dim
    }

    fn __repr__(&self) -> String {
        format!(
            "Policy(method={:?}, env={:?}, obs_dim={}, act_dim={})",
            self.saved.method, self.saved.env, self.obs_dim, self.act_dim
        )
    }
}

fn shape_text(shape: &[usize]) -> String {
    match shape {
        [d] => format!("({d},)"),
        _ => format!(
            "({})",
            shape
                .iter()
                .map(usize::to_string)
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

/// Evaluates the policy in `run_dir` as `ember eval` does: `episodes` episodes of `env`
/// (default: the one it was trained for) from seed `seed`, deterministic actions; returns
/// `returns`, `mean`, `std` and `normalized` (D4RL score from `dataset`'s reference scores or
/// those of the training dataset; None without).
#[pyfunction]
#[pyo3(signature = (run_dir, env = None, episodes = 10, seed = 100, dataset = None, device = "cpu"))]
fn evaluate<'py>(
    py: Python<'py>,
    run_dir: PathBuf,
    env: Option<String>,
    episodes: usize,
    seed: u64,
    dataset: Option<PathBuf>,
    device: &str,
) -> PyResult<Bound<'py, PyDict>> {
    let device = parse_device(device).map_err(ember_error)?;
    let report = py.detach(|| -> Result<_, String> {
        let mut saved = SavedPolicy::open(&run_dir, &device, false).map_err(|e| e.to_string())?;
        let env = env.unwrap_or(saved.env.clone());
        let reference = saved.reference_scores(dataset.as_deref());
        evaluate_policy(&mut saved.policy, &env, episodes, seed, reference)
            .map_err(|e| e.to_string())
    });
    report_dict(py, &report.map_err(ember_error)?)
}

/// Adds the offline functions and `Policy` to the module.
pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("offline_train", wrap_pyfunction!(train, m)?)?;
    m.add_function(wrap_pyfunction!(evaluate, m)?)?;
    m.add_class::<Policy>()?;
    Ok(())
}
