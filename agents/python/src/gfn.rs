//! `ember.gfn`: GFlowNets on molecules scored by a Python function, and on HyperGrid.
//!
//! [`train`] builds the library's [`GflowNet`] on the task and runs [`train_run`] (the same
//! entry point as `ember gfn`) with the GIL released; a [`MoleculeTask`]'s Python scorer is
//! called once per sampled batch ([`ember::gflownet::MoleculeTask::batched`]) with the GIL
//! taken back. The trained GFlowNet stays in the [`GfnResult`] to draw more samples.

use crate::errors::{Raised, ember_error};
use ember::config::load_toml;
use ember::engine::parse_device;
use ember::engine::runtime::RunConfig;
use ember::envs::gfn::{HyperGridReward, mol::MolObjective};
use ember::gflownet::{
    Evaluation, Exploration, GflowNet, GfnConfig, LossKind, MoHyperGridTask, RunOptions, RunReport,
    StateOf, Task, parse_grid_functions, parse_objectives, train_run,
};
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::PyDict;
use std::path::PathBuf;
use std::sync::Mutex;

/// Molecules built from fragments, scored by a Python function or Ember's built-in
/// objectives.
#[pyclass(module = "ember.gfn", frozen)]
struct MoleculeTask {
    score: Option<Py<PyAny>>,
    max_frags: usize,
    objectives: Vec<String>,
    builtin: Vec<MolObjective>,
    mode_threshold: f64,
    mode_similarity: Option<f64>,
}

#[pymethods]
impl MoleculeTask {
    /// `score(smiles: list[str]) -> list[float]` (one objective) or a list of sequences of
    /// `len(objectives)` floats, each to maximise and ideally in [0, 1]; called once per
    /// batch. Without `score`, `objectives` names built-in ones (`qed`, `sa`, `mw`; default
    /// `qed`). A molecule is a mode when the product of its objectives reaches
    /// `mode_threshold` (default 0.7 per objective) and, with `mode_similarity`, when its
    /// ECFP4 Tanimoto similarity to every mode found before is below that bound.
    #[new]
    #[pyo3(signature = (score = None, max_frags = 6, objectives = None, mode_threshold = None, mode_similarity = None))]
    fn new(
        py: Python<'_>,
        score: Option<Py<PyAny>>,
        max_frags: usize,
        objectives: Option<Vec<String>>,
        mode_threshold: Option<f64>,
        mode_similarity: Option<f64>,
    ) -> PyResult<Self> {
        let (objectives, builtin) = match (&score, objectives) {
            (Some(f), names) => {
                if !f.bind(py).is_callable() {
                    return Err(PyTypeError::new_err(
                        "score must be a callable taking a list of SMILES strings",
                    ));
                }
                let names = names.unwrap_or_else(|| vec!["score".into()]);
                if names.is_empty() {
                    return Err(PyValueError::new_err("objectives is empty"));
                }
                (names, Vec::new())
            }
            (None, names) => {
                let names = names.unwrap_or_else(|| vec!["qed".into()]);
                let builtin = parse_objectives(&names.join(",")).map_err(ember_error)?;
                let names = names
                    .iter()
                    .map(|n| n.trim().to_ascii_lowercase())
                    .collect();
                (names, builtin)
            }
        };
        let task = Self {
            score,
            max_frags,
            mode_threshold: mode_threshold.unwrap_or(0.7f64.powi(objectives.len() as i32)),
            objectives,
            builtin,
            mode_similarity,
        };
        // Check the arguments now, not at the first training step.
        task.build(&Raised::default())?;
        Ok(task)
    }

    /// The objectives' names.
    #[getter]
    fn objectives(&self) -> Vec<String> {
        self.objectives.clone()
    }

    fn __repr__(&self) -> String {
        format!(
            "MoleculeTask(max_frags={}, objectives={:?})",
            self.max_frags, self.objectives
        )
    }
}

impl MoleculeTask {
    /// The library's task; a Python scorer's exceptions are kept in `raised`.
    fn build(&self, raised: &Raised) -> PyResult<ember::gflownet::MoleculeTask> {
        let task = match &self.score {
            None => ember::gflownet::MoleculeTask::with_objectives(
                self.max_frags,
                &self.builtin,
                self.mode_threshold,
            ),
            Some(score) => {
                let scorer = PyScorer {
                    score: Python::attach(|py| score.clone_ref(py)),
                    n_objectives: self.objectives.len(),
                    raised: raised.clone(),
                };
                ember::gflownet::MoleculeTask::batched(
                    self.max_frags,
                    self.objectives.len(),
                    move |smiles| scorer.call(smiles),
                    self.mode_threshold,
                )
            }
        }
        .map_err(ember_error)?;
        match self.mode_similarity {
            Some(bound) => task.distinct_modes(bound).map_err(ember_error),
            None => Ok(task),
        }
    }
}

/// A Python scoring function as the library's batched scorer.
struct PyScorer {
    score: Py<PyAny>,
    n_objectives: usize,
    raised: Raised,
}

impl PyScorer {
    /// Calls the function on `smiles` with the GIL held; an exception (Ctrl-C included) is
    /// kept and its text becomes the run's error.
    fn call(&self, smiles: &[String]) -> Result<Vec<Vec<f64>>, String> {
        Python::attach(|py| {
            let result = py
                .check_signals()
                .and_then(|()| self.score.call1(py, (smiles.to_vec(),)))
                .and_then(|out| self.values(out.bind(py), smiles));
            result.map_err(|e| {
                let message = format!("the scorer raised {e}");
                self.raised.keep(e);
                message
            })
        })
    }

    /// One vector of objective values per molecule from the function's result.
    fn values(&self, out: &Bound<'_, PyAny>, smiles: &[String]) -> PyResult<Vec<Vec<f64>>> {
        let items: Vec<Bound<'_, PyAny>> = out
            .try_iter()
            .map_err(|_| {
                PyTypeError::new_err(format!(
                    "the scorer must return a sequence of scores, got {}",
                    type_name(out)
                ))
            })?
            .collect::<PyResult<_>>()?;
        items
            .iter()
            .zip(smiles.iter().chain(std::iter::repeat(&String::new())))
            .map(|(item, s)| {
                if self.n_objectives == 1
                    && let Ok(v) = item.extract::<f64>()
                {
                    return Ok(vec![v]);
                }
                item.extract::<Vec<f64>>().map_err(|_| {
                    PyTypeError::new_err(format!(
                        "the score of `{s}` is {} `{item}`, not a number{}",
                        type_name(item),
                        if self.n_objectives > 1 {
                            " sequence (one value per objective)"
                        } else {
                            ""
                        }
                    ))
                })
            })
            .collect()
    }
}

fn type_name(x: &Bound<'_, PyAny>) -> String {
    x.get_type()
        .name()
        .map_or_else(|_| "?".into(), |n| n.to_string())
}

/// The HyperGrid of torchgfn (`dim`, `side`, base reward `r0`), or with `objectives` (from
/// `branin`, `currin`, `shubert`, `beale`) OP-GFN's multi-objective 2-D grid of side `side`.
#[pyclass(module = "ember.gfn", frozen)]
struct HyperGrid {
    dim: usize,
    side: u32,
    r0: f64,
    objectives: Option<Vec<String>>,
}

#[pymethods]
impl HyperGrid {
    /// A HyperGrid; the arguments are checked here.
    #[new]
    #[pyo3(signature = (dim = 4, side = 8, r0 = 1e-4, objectives = None))]
    fn new(dim: usize, side: u32, r0: f64, objectives: Option<Vec<String>>) -> PyResult<Self> {
        let grid = Self {
            dim,
            side,
            r0,
            objectives,
        };
        match &grid.objectives {
            Some(names) => {
                let functions = parse_grid_functions(&names.join(",")).map_err(ember_error)?;
                MoHyperGridTask::new(side, &functions).map_err(ember_error)?;
            }
            None => {
                ember::envs::gfn::HyperGrid::new(dim, side, HyperGridReward::with_r0(r0))
                    .map_err(ember_error)?;
            }
        }
        Ok(grid)
    }

    fn __repr__(&self) -> String {
        match &self.objectives {
            Some(o) => format!("HyperGrid(side={}, objectives={o:?})", self.side),
            None => format!(
                "HyperGrid(dim={}, side={}, r0={})",
                self.dim, self.side, self.r0
            ),
        }
    }
}

/// A trained GFlowNet of any task, to draw more samples from.
trait Draw: Send {
    /// `n` on-policy samples: key, `log R`, objectives.
    fn draw(&mut self, n: usize) -> Result<Vec<Sample>, String>;
}

/// A sampled object: key (SMILES, grid coordinates), `log R`, objectives.
type Sample = (String, f64, Vec<f64>);

impl<T: Task + Send> Draw for GflowNet<T>
where
    StateOf<T>: Send,
{
    fn draw(&mut self, n: usize) -> Result<Vec<Sample>, String> {
        let drawn = self.sample(n, Exploration::ON_POLICY);
        if let Some(failure) = self.task().failure() {
            return Err(failure);
        }
        let task = self.task();
        Ok(drawn
            .iter()
            .map(|t| {
                let key = task.key(t.object());
                (key, t.score.log_reward, t.score.objectives.clone())
            })
            .collect())
    }
}

/// What [`train`] returns: the run's report and the trained GFlowNet.
#[pyclass(module = "ember.gfn")]
struct GfnResult {
    report: RunReport,
    run_dir: Option<PathBuf>,
    objectives: Vec<String>,
    gfn: Mutex<Box<dyn Draw>>,
    raised: Raised,
}

#[pymethods]
impl GfnResult {
    /// The `k` best unique objects sampled during training (all kept, by default), best
    /// first, as `(key, reward, objectives)`.
    #[pyo3(signature = (k = None))]
    fn top_k(&self, k: Option<usize>) -> Vec<Sample> {
        let k = k.unwrap_or(self.report.top.len());
        self.report.top.iter().take(k).cloned().collect()
    }

    /// `n` fresh on-policy samples of the trained GFlowNet, as `(key, log_reward,
    /// objectives)`.
    fn samples(&self, py: Python<'_>, n: usize) -> PyResult<Vec<Sample>> {
        let gfn = &self.gfn;
        let drawn = py.detach(|| {
            let mut gfn = gfn.lock().unwrap_or_else(|e| e.into_inner());
            gfn.draw(n)
        });
        drawn.map_err(|e| self.raised.chain(py, e))
    }

    /// The distinct modes found during training, best first, as `(key, reward)`.
    fn modes(&self) -> Vec<(String, f64)> {
        self.report.modes.clone()
    }

    /// The on-policy samples drawn at the end of training (`samples=` of `train`), as
    /// `(key, log_reward, objectives)`.
    #[getter]
    fn final_samples(&self) -> Vec<Sample> {
        self.report.samples.clone()
    }

    /// The run directory (`None` when the run trained in a temporary one).
    #[getter]
    fn run_dir(&self) -> Option<String> {
        self.run_dir.as_ref().map(|d| d.display().to_string())
    }

    /// The objectives' names.
    #[getter]
    fn objectives(&self) -> Vec<String> {
        self.objectives.clone()
    }

    /// Every evaluation over training: dicts with `step`, `trajectories`, `modes` and, where
    /// the task has them, `l1`, `top_k_mean`, `top_k_diversity`, `hypervolume`.
    #[getter]
    fn evaluations<'py>(&self, py: Python<'py>) -> PyResult<Vec<Bound<'py, PyDict>>> {
        self.report
            .evaluations
            .iter()
            .map(|e| evaluation_dict(py, e))
            .collect()
    }

    fn __repr__(&self) -> String {
        let last = self.report.last();
        format!(
            "GfnResult(step={}, trajectories={}, modes={}, top_k_mean={:?}, run_dir={:?})",
            last.step, last.trajectories, last.modes, last.top_k_mean, self.run_dir
        )
    }
}

fn evaluation_dict<'py>(py: Python<'py>, e: &Evaluation) -> PyResult<Bound<'py, PyDict>> {
    let d = PyDict::new(py);
    d.set_item("step", e.step)?;
    d.set_item("trajectories", e.trajectories)?;
    d.set_item("modes", e.modes)?;
    d.set_item("l1", e.l1)?;
    d.set_item("top_k_mean", e.top_k_mean)?;
    d.set_item("top_k_diversity", e.top_k_diversity)?;
    d.set_item("hypervolume", e.hypervolume)?;
    Ok(d)
}

/// Trains a GFlowNet on `task` (a `MoleculeTask` or a `HyperGrid`) with the loss `loss`
/// (`tb`, `db`, `subtb`, `fl`), order-preserving or not, for `steps` steps on `device`,
/// as `ember gfn` does: hyperparameters from `config` (a TOML file like
/// configs/gfn/molecules.toml) or the defaults, `batch_size` overriding; evaluations every
/// `eval_every` steps; `samples` on-policy samples and the `top_k` best objects kept at the
/// end. With `run_dir`, files and checkpoints go there and an existing run resumes;
/// without, the run trains in a temporary directory.
#[pyfunction]
#[pyo3(signature = (task, loss = "tb", order_preserving = false, steps = 2000, device = "cpu", run_dir = None, seed = 0, batch_size = None, config = None, samples = 1000, top_k = 100, eval_every = 100, checkpoint_every = 500, progress = false))]
#[allow(clippy::too_many_arguments)]
fn train(
    py: Python<'_>,
    task: &Bound<'_, PyAny>,
    loss: &str,
    order_preserving: bool,
    steps: usize,
    device: &str,
    run_dir: Option<PathBuf>,
    seed: u64,
    batch_size: Option<usize>,
    config: Option<PathBuf>,
    samples: usize,
    top_k: usize,
    eval_every: usize,
    checkpoint_every: usize,
    progress: bool,
) -> PyResult<GfnResult> {
    let mut gfn_config = match &config {
        Some(path) => load_toml::<GfnConfig>(path).map_err(ember_error)?,
        None => GfnConfig::default(),
    };
    gfn_config.loss = loss.parse::<LossKind>().map_err(PyValueError::new_err)?;
    gfn_config.order_preserving |= order_preserving;
    if let Some(b) = batch_size {
        gfn_config.batch_size = b;
    }
    let device = parse_device(device).map_err(ember_error)?.autodiff();
    let raised = Raised::default();
    let run = |objective_names: Vec<String>| RunOptions {
        run: RunConfig {
            steps,
            eval_every,
            log_every: eval_every,
            checkpoint_every,
            keep_checkpoints: 2,
            progress,
        },
        final_samples: samples,
        top_k,
        run_dir: run_dir.clone(),
        objective_names,
    };
    if let Ok(molecules) = task.cast::<MoleculeTask>() {
        let molecules = molecules.get();
        let built = molecules.build(&raised)?;
        let names = molecules.objectives.clone();
        return fit(py, built, gfn_config, &device, seed, run(names), raised);
    }
    if let Ok(grid) = task.cast::<HyperGrid>() {
        let grid = grid.get();
        return match &grid.objectives {
            Some(names) => {
                let functions = parse_grid_functions(&names.join(",")).map_err(ember_error)?;
                let built = MoHyperGridTask::new(grid.side, &functions).map_err(ember_error)?;
                let names = functions
                    .iter()
                    .map(|f| format!("{f:?}").to_ascii_lowercase())
                    .collect();
                fit(py, built, gfn_config, &device, seed, run(names), raised)
            }
            None => {
                let reward = HyperGridReward::with_r0(grid.r0);
                let built = ember::envs::gfn::HyperGrid::new(grid.dim, grid.side, reward)
                    .map_err(ember_error)?;
                let names = vec!["log_reward".into()];
                fit(py, built, gfn_config, &device, seed, run(names), raised)
            }
        };
    }
    Err(PyTypeError::new_err(format!(
        "task must be an ember.gfn.MoleculeTask or ember.gfn.HyperGrid, got {}",
        type_name(task)
    )))
}

/// Builds the GFlowNet and runs it with the GIL released.
fn fit<T: Task + Send + 'static>(
    py: Python<'_>,
    task: T,
    config: GfnConfig,
    device: &ember::engine::burn::tensor::Device,
    seed: u64,
    options: RunOptions,
    raised: Raised,
) -> PyResult<GfnResult>
where
    StateOf<T>: Send,
{
    let outcome = py.detach(|| {
        let mut gfn = GflowNet::new(task, config, device, seed).map_err(|e| e.to_string())?;
        let report = train_run(&mut gfn, &options).map_err(|e| e.to_string())?;
        Ok::<_, String>((gfn, report))
    });
    let (gfn, report) = outcome.map_err(|e| raised.chain(py, e))?;
    Ok(GfnResult {
        report,
        run_dir: options.run_dir,
        objectives: options.objective_names,
        gfn: Mutex::new(Box::new(gfn)),
        raised,
    })
}

/// Adds the classes and `gfn_train` to the module.
pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<MoleculeTask>()?;
    m.add_class::<HyperGrid>()?;
    m.add_class::<GfnResult>()?;
    m.add("gfn_train", wrap_pyfunction!(train, m)?)?;
    Ok(())
}
