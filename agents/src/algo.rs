//! The algorithms the `ember` command and the benchmark know by name, and the saved description
//! that lets a checkpoint be reopened without its run's command line.

use crate::agent::{OfflineAgent, Spec};
use crate::bc::{Bc, BcConfig};
use crate::iql::{Iql, IqlConfig};
use crate::odice::{Odice, OdiceConfig};
use crate::td3bc::{Td3Bc, Td3BcConfig};
use ember_datasets::RewardScaling;
use ember_engine::burn::tensor::Device;
use ember_engine::runtime::RuntimeError;
use serde::{Deserialize, Serialize};
use std::path::Path;

/// An offline algorithm and its hyperparameters.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(tag = "algo", rename_all = "lowercase")]
pub enum AlgoConfig {
    /// Implicit Q-Learning.
    Iql(IqlConfig),
    /// TD3+BC.
    Td3bc(Td3BcConfig),
    /// O-DICE (orthogonal-gradient DICE).
    Odice(OdiceConfig),
    /// Behaviour cloning (the baseline).
    Bc(BcConfig),
}

impl AlgoConfig {
    /// The algorithm's default hyperparameters, by name (`iql`, `td3bc`).
    pub fn by_name(name: &str) -> Option<Self> {
        match name
            .to_ascii_lowercase()
            .replace(['-', '_', '+'], "")
            .as_str()
        {
            "iql" => Some(Self::Iql(IqlConfig::default())),
            "td3bc" => Some(Self::Td3bc(Td3BcConfig::default())),
            "odice" => Some(Self::Odice(OdiceConfig::default())),
            "bc" => Some(Self::Bc(BcConfig::default())),
            _ => None,
        }
    }

    /// Names accepted by [`AlgoConfig::by_name`].
    pub const NAMES: &'static [&'static str] = &["iql", "td3bc", "odice", "bc"];

    /// The algorithm's name.
    pub fn name(&self) -> &'static str {
        match self {
            Self::Iql(_) => "iql",
            Self::Td3bc(_) => "td3bc",
            Self::Odice(_) => "odice",
            Self::Bc(_) => "bc",
        }
    }

    /// Whether the method standardises states with dataset statistics.
    pub fn normalize_states(&self) -> bool {
        match self {
            Self::Iql(_) => false,
            Self::Td3bc(c) => c.normalize_states,
            Self::Odice(c) => c.normalize_states,
            Self::Bc(c) => c.normalize_states,
        }
    }

    /// The reward transform the method applies to the dataset.
    pub fn reward_scaling(&self) -> RewardScaling {
        match self {
            Self::Iql(c) => c.reward_scaling,
            Self::Td3bc(c) => c.reward_scaling,
            Self::Odice(c) => c.reward_scaling,
            Self::Bc(c) => c.reward_scaling(),
        }
    }

    /// Margin by which dataset actions are kept inside (-1, 1).
    pub fn action_clip_eps(&self) -> f32 {
        match self {
            Self::Iql(c) => c.action_clip_eps,
            Self::Td3bc(_) | Self::Odice(_) | Self::Bc(_) => 0.0,
        }
    }

    /// Rejects hyperparameters that cannot train (zero sizes, rates or fractions out of range),
    /// naming the field.
    pub fn validate(&self) -> Result<(), String> {
        let (hidden, gamma, tau, batch_size) = match self {
            Self::Iql(c) => (&c.hidden, c.gamma, c.tau, c.batch_size),
            Self::Td3bc(c) => (&c.hidden, c.gamma, c.tau, c.batch_size),
            Self::Odice(c) => (&c.value_hidden, c.gamma, c.tau, c.batch_size),
            // BC has no discount or target; neutral values pass the shared checks.
            Self::Bc(c) => (&c.hidden, 0.0, 1.0, c.batch_size),
        };
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
        match self {
            Self::Iql(c) if !(c.expectile > 0.0 && c.expectile < 1.0) => {
                problems.push(format!("expectile = {}: must lie in (0, 1)", c.expectile));
            }
            Self::Odice(c) if !(c.lambda > 0.0 && c.lambda < 1.0 && c.eta >= 0.0) => {
                problems.push(format!(
                    "lambda = {}, eta = {}: need 0 < lambda < 1, eta >= 0",
                    c.lambda, c.eta
                ));
            }
            Self::Td3bc(c) if c.policy_freq == 0 => {
                problems.push("policy_freq = 0: must be at least 1".into())
            }
            _ => {}
        }
        if problems.is_empty() {
            Ok(())
        } else {
            Err(problems.join("; "))
        }
    }

    /// Builds a fresh agent on `device`; `run_steps` sets step-dependent schedules.
    pub fn build(&self, spec: Spec, run_steps: usize, device: &Device) -> Box<dyn OfflineAgent> {
        match self {
            Self::Iql(c) => Box::new(Iql::new(c.clone(), spec, run_steps, device)),
            Self::Td3bc(c) => Box::new(Td3Bc::new(c.clone(), spec, device)),
            Self::Odice(c) => Box::new(Odice::new(c.clone(), spec, device)),
            Self::Bc(c) => Box::new(Bc::new(c.clone(), spec, device)),
        }
    }
}

/// Everything needed to rebuild an agent from a checkpoint directory (`agent.json`).
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct AgentCard {
    /// Algorithm and hyperparameters.
    pub config: AlgoConfig,
    /// Shapes and preprocessing.
    pub spec: Spec,
    /// Step budget the agent was built for.
    pub run_steps: usize,
    /// Environment the agent was trained for.
    pub env: String,
    /// Dataset it was trained on.
    pub dataset: String,
}

impl AgentCard {
    /// File name of the card inside a checkpoint or run directory.
    pub const FILE: &'static str = "agent";

    /// Reopens the agent saved in checkpoint `dir` (a run directory also works: its latest
    /// checkpoint is used) on `device`.
    pub fn open(
        dir: &Path,
        device: &Device,
    ) -> Result<(Self, Box<dyn OfflineAgent>), RuntimeError> {
        let dir = crate::checkpoint::resolve_checkpoint(dir, &[Self::FILE])?;
        let card: AgentCard = crate::checkpoint::load_json(&dir, Self::FILE)?;
        let mut agent = card.config.build(card.spec.clone(), card.run_steps, device);
        agent.load(&dir)?;
        Ok((card, agent))
    }
}

impl OfflineAgent for Box<dyn OfflineAgent> {
    fn update(&mut self, batch: &ember_engine::Batch, step: usize) -> ember_engine::Metrics {
        (**self).update(batch, step)
    }
    fn batch_size(&self) -> usize {
        (**self).batch_size()
    }
    fn save(&self, dir: &Path) -> Result<(), RuntimeError> {
        (**self).save(dir)
    }
    fn load(&mut self, dir: &Path) -> Result<(), RuntimeError> {
        (**self).load(dir)
    }
}

impl crate::agent::Policy for Box<dyn OfflineAgent> {
    fn act(&self, observations: &[Vec<f32>]) -> Vec<Vec<f32>> {
        (**self).act(observations)
    }
}
