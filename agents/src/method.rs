//! The seam every offline method plugs into: its name, its checks, how it wants the dataset
//! prepared, and how it builds its agent. A method implements [`OfflineAlgo`] on its config in
//! its own folder and is registered with one line in [`crate::algo`].

use crate::agent::{ActionKind, OfflineAgent, Spec};
use ember_datasets::{RewardScaling, SegmentOptions};
use ember_engine::burn::tensor::Device;
use ember_engine::optim::adam_eps_problem;
use ember_engine::runtime::RuntimeError;
use serde::{Serialize, de::DeserializeOwned};
use std::path::PathBuf;

/// An offline method, implemented by its hyperparameter struct (d3rlpy's config-creates-algorithm
/// pattern). `Default` holds the paper's hyperparameters.
pub trait OfflineAlgo: Clone + Default + Serialize + DeserializeOwned {
    /// The name configs (`algo = "..."`), the command line and run directories use; equal to the
    /// lower-cased registry variant.
    const NAME: &'static str;

    /// The kinds of action space the method acts in (offline methods: a box).
    const ACTIONS: &'static [ActionKind];

    /// Rejects hyperparameters that cannot train, naming each field and the problem.
    fn validate(&self) -> Result<(), String>;

    /// How the dataset is turned into training data for this method.
    fn data_prep(&self) -> DataPrep;

    /// The episode windows a sequence method trains on (its agent implements
    /// [`OfflineAgent::update_segments`]); `None`, the default, for single transitions.
    fn segments(&self) -> Option<SegmentOptions> {
        None
    }

    /// Builds a fresh agent in `ctx`.
    fn build(&self, ctx: &BuildContext<'_>) -> Result<Box<dyn OfflineAgent>, RuntimeError>;
}

/// The dataset transforms a method asks for.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct DataPrep {
    /// Standardise states with the dataset's statistics (also applied when acting).
    pub normalize_states: bool,
    /// The reward transform.
    pub reward_scaling: RewardScaling,
    /// Margin by which dataset actions are kept inside (-1, 1).
    pub action_clip_eps: f32,
}

/// What a method's agent is built from.
#[derive(Clone, Debug)]
pub struct BuildContext<'a> {
    /// Shapes and preprocessing.
    pub spec: Spec,
    /// Step budget (for step-dependent schedules).
    pub run_steps: usize,
    /// Device to build on (an autodiff device for training).
    pub device: &'a Device,
    /// A trained checkpoint the method builds on (a frozen base policy), when it has one.
    pub base: Option<PathBuf>,
}

impl<'a> BuildContext<'a> {
    /// A context without a base checkpoint.
    pub fn new(spec: Spec, run_steps: usize, device: &'a Device) -> Self {
        Self {
            spec,
            run_steps,
            device,
            base: None,
        }
    }
}

/// The checks shared by every method with networks, a discount and a target: non-empty hidden
/// widths, `gamma` in [0, 1], `tau` in (0, 1], a non-zero batch, a usable Adam `adam_eps`; each
/// problem names its field.
pub fn common_problems(
    hidden: &[usize],
    gamma: f32,
    tau: f32,
    batch_size: usize,
    adam_eps: f64,
) -> Vec<String> {
    let mut problems = Vec::new();
    if hidden.is_empty() || hidden.contains(&0) {
        problems.push(format!(
            "hidden = {hidden:?}: needs at least one layer, all widths > 0"
        ));
    }
    if !(0.0..=1.0).contains(&gamma) {
        problems.push(format!("gamma = {gamma}: must lie in [0, 1]"));
    }
    if !(tau > 0.0 && tau <= 1.0) {
        problems.push(format!("tau = {tau}: must lie in (0, 1]"));
    }
    if batch_size == 0 {
        problems.push("batch_size = 0: must be at least 1".into());
    }
    problems.extend(adam_eps_problem("adam_eps", adam_eps));
    problems
}

/// `Ok` when `problems` is empty, else every problem joined by `; `.
pub fn verdict(problems: Vec<String>) -> Result<(), String> {
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems.join("; "))
    }
}
