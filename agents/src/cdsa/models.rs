//! CDSA's four models, trained together on dataset batches: the state score (on states and
//! next states), the conditional action score, the inverse dynamics model and the forward
//! model (spec §1.4 steps 2-4). They are independent, so one Adam over the sum of their losses
//! is the same as one Adam each.

use super::CdsaConfig;
use super::score::{ScoreNet, max_pairwise_distance, noise_levels};
use crate::agent::Spec;
use ember_engine::burn::module::Module;
use ember_engine::burn::tensor::{Device, Tensor, activation};
use ember_engine::nn::{Mlp, MlpConfig};
use ember_engine::{Batch, Metrics};
use serde::{Deserialize, Serialize};

/// CDSA's networks, saved and loaded as one module.
#[derive(Module, Debug)]
pub struct CdsaNets {
    /// `s_S(s, σ)` over standardised states.
    pub state_score: ScoreNet,
    /// `s_A(a | s, σ)` over [-1, 1] actions given the standardised state.
    pub action_score: ScoreNet,
    inverse: Mlp,
    forward: Mlp,
}

/// The largest noise levels of the two score models, fixed at the first training batch and
/// saved with the checkpoint (`cdsa_scales.json`) so a resumed run trains on the same levels.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct NoiseScales {
    /// σ_max of the state score.
    pub state: f32,
    /// σ_max of the action score.
    pub action: f32,
}

impl NoiseScales {
    /// The configured levels, or NCSN's rule (the largest pairwise distance) on `batch` for
    /// those not configured; never below twice σ_min.
    pub fn of(config: &CdsaConfig, batch: &Batch) -> Self {
        let widest = |t: &Tensor<2>| {
            let [_, dim] = t.dims();
            let rows = t
                .clone()
                .into_data()
                .try_to_vec::<f32>()
                .expect("f32 batch");
            max_pairwise_distance(&rows, dim)
        };
        let floor = 2.0 * config.sigma_min;
        Self {
            state: config
                .sigma_max_state
                .unwrap_or_else(|| widest(&batch.observations).max(floor)),
            action: config
                .sigma_max_action
                .unwrap_or_else(|| widest(&batch.actions).max(floor)),
        }
    }
}

impl CdsaNets {
    /// Builds the four models for `spec` on `device`.
    pub fn new(config: &CdsaConfig, spec: &Spec, device: &Device) -> Self {
        let (obs, act) = (spec.obs_dim, spec.act_dim);
        let dynamics = |input, output| MlpConfig::layers(input, &config.dynamics_hidden, output);
        Self {
            state_score: ScoreNet::new(obs, 0, &config.score_hidden, device),
            action_score: ScoreNet::new(act, obs, &config.score_hidden, device),
            inverse: dynamics(2 * obs, act).init(device),
            forward: dynamics(obs + act, obs).init(device),
        }
    }

    /// `I(s, s')`: the action in [-1, 1] (tanh output) that leads from `s` to `s'`.
    pub fn inverse(&self, state: Tensor<2>, next_state: Tensor<2>) -> Tensor<2> {
        activation::tanh(
            self.inverse
                .forward(Tensor::cat(vec![state, next_state], 1)),
        )
    }

    /// `T(s, a)`: the predicted next state, as `s` plus a learned change.
    pub fn forward_model(&self, state: Tensor<2>, action: Tensor<2>) -> Tensor<2> {
        state.clone() + self.forward.forward(Tensor::cat(vec![state, action], 1))
    }

    /// The sum of the four losses on `batch`, with each one in `metrics`.
    pub fn loss(
        &self,
        batch: &Batch,
        config: &CdsaConfig,
        scales: NoiseScales,
        metrics: &mut Metrics,
    ) -> Tensor<1> {
        let count = config.noise_levels;
        let state_levels = noise_levels(scales.state, config.sigma_min, count);
        let action_levels = noise_levels(scales.action, config.sigma_min, count);
        let (s, a, next) = (
            batch.observations.clone(),
            batch.actions.clone(),
            batch.next_observations.clone(),
        );
        let states = Tensor::cat(vec![s.clone(), next.clone()], 0);
        let state_dsm = self.state_score.dsm(states, None, &state_levels);
        let action_dsm = self
            .action_score
            .dsm(a.clone(), Some(s.clone()), &action_levels);
        let inverse_mse = (self.inverse(s.clone(), next.clone()) - a.clone())
            .square()
            .mean();
        let forward_mse = (self.forward_model(s, a) - next).square().mean();
        let total =
            state_dsm.clone() + action_dsm.clone() + inverse_mse.clone() + forward_mse.clone();
        metrics.push("state_dsm", state_dsm);
        metrics.push("action_dsm", action_dsm);
        metrics.push("inverse_mse", inverse_mse);
        metrics.push("forward_mse", forward_mse);
        total
    }
}
