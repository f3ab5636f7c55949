//! Offline imitation, in two modes ([`ImitationMode`]). `paper`: the O-DICE paper's setting
//! (official `main_odice_il.py`): one expert trajectory, every reward zero, no other data, no
//! discriminator. `discriminator` (DemoDICE/SMODICE style): expert demonstrations plus unlabelled
//! data, a discriminator between the expert's and all (s, a) pairs supplies the reward
//! r(s, a) = log d_E(s, a) / d_U(s, a) (its logit, clipped), and any offline RL method trains on
//! the union with that reward.

mod discriminator;

pub use discriminator::{Discriminator, DiscriminatorTraining, train_discriminator};

use ember_engine::TransitionBuffer;
use ember_engine::buffer::HostTransitions;
use ember_engine::burn::module::Module;
use ember_engine::burn::tensor::{Device, Tensor, TensorData};
use serde::{Deserialize, Serialize};

/// Which offline-imitation setting `--expert` runs.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ImitationMode {
    /// The O-DICE paper's IL: the expert file's first complete episode only, rewards zeroed,
    /// no unlabelled data, no discriminator (the state normaliser is fitted on that episode).
    Paper,
    /// Expert file stacked on the dataset, rewards replaced by a discriminator's log density
    /// ratio (DemoDICE/SMODICE style).
    #[default]
    Discriminator,
}

impl std::str::FromStr for ImitationMode {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "paper" => Ok(Self::Paper),
            "discriminator" => Ok(Self::Discriminator),
            _ => Err(format!(
                "imitation mode {s:?}: expected \"paper\" or \"discriminator\""
            )),
        }
    }
}

/// The offline-imitation mode and how the discriminator mode learns its reward.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ImitationConfig {
    /// Paper (one expert trajectory, zero rewards) or discriminator mode.
    pub mode: ImitationMode,
    /// Hidden widths of the discriminator.
    pub hidden: Vec<usize>,
    /// Discriminator gradient steps, before the agent trains.
    pub steps: usize,
    /// Discriminator minibatch size (per side).
    pub batch_size: usize,
    /// Adam learning rate.
    pub lr: f64,
    /// Adam epsilon (PyTorch's 1e-8; burn's `AdamConfig::new()` would use 1e-5).
    pub adam_eps: f64,
    /// Coupled L2 weight decay.
    pub weight_decay: f32,
    /// Rewards are clipped to [-clip, clip].
    pub reward_clip: f32,
}

impl Default for ImitationConfig {
    fn default() -> Self {
        Self {
            mode: ImitationMode::Discriminator,
            hidden: vec![256, 256],
            steps: 2_000,
            batch_size: 256,
            lr: 3e-4,
            adam_eps: ember_engine::optim::ADAM_EPS,
            weight_decay: 1e-4,
            reward_clip: 10.0,
        }
    }
}

impl ImitationConfig {
    /// Problems with the settings, one per line; empty when valid.
    pub fn problems(&self) -> Vec<String> {
        let mut out = Vec::new();
        if self.steps == 0 {
            out.push("imitation.steps = 0: the discriminator needs at least one step".into());
        }
        if self.batch_size == 0 {
            out.push("imitation.batch_size = 0".into());
        }
        if !(self.lr > 0.0 && self.lr.is_finite()) {
            out.push(format!("imitation.lr = {}: must be positive", self.lr));
        }
        out.extend(ember_engine::optim::adam_eps_problem(
            "imitation.adam_eps",
            self.adam_eps,
        ));
        if self.reward_clip.is_nan() || self.reward_clip <= 0.0 {
            out.push(format!(
                "imitation.reward_clip = {}: must be positive",
                self.reward_clip
            ));
        }
        out
    }
}

/// Rows `[0, expert_rows)` of `rows` are the expert's; returns one reward per row of `rows`
/// from a discriminator trained on `device` (autodiff) between the expert rows and all rows.
pub fn imitation_rewards(
    rows: &HostTransitions<'_>,
    expert_rows: usize,
    obs_dim: usize,
    act_dim: usize,
    config: &ImitationConfig,
    device: &Device,
) -> (Vec<f32>, f32) {
    let expert = HostTransitions {
        observations: &rows.observations[..expert_rows * obs_dim],
        actions: &rows.actions[..expert_rows * act_dim],
        rewards: &rows.rewards[..expert_rows],
        next_observations: &rows.next_observations[..expert_rows * obs_dim],
        terminals: &rows.terminals[..expert_rows],
    };
    let expert = TransitionBuffer::new(expert, obs_dim, act_dim, device);
    let all = TransitionBuffer::new(*rows, obs_dim, act_dim, device);
    let training = DiscriminatorTraining {
        steps: config.steps,
        batch_size: config.batch_size,
        lr: config.lr,
        adam_eps: config.adam_eps,
        weight_decay: config.weight_decay,
    };
    let (disc, loss) = train_discriminator(
        &expert,
        &all,
        obs_dim,
        act_dim,
        &config.hidden,
        training,
        device,
    );
    let disc = disc.valid();
    let inference = device.clone().without_autodiff();
    let len = rows.rewards.len();
    let mut rewards = Vec::with_capacity(len);
    const CHUNK: usize = 8192;
    for start in (0..len).step_by(CHUNK) {
        let end = (start + CHUNK).min(len);
        let n = end - start;
        let obs = Tensor::<2>::from_data(
            TensorData::new(
                rows.observations[start * obs_dim..end * obs_dim].to_vec(),
                [n, obs_dim],
            ),
            &inference,
        );
        let act = Tensor::<2>::from_data(
            TensorData::new(
                rows.actions[start * act_dim..end * act_dim].to_vec(),
                [n, act_dim],
            ),
            &inference,
        );
        let logits = disc
            .logits(obs, act)
            .clamp(-config.reward_clip, config.reward_clip)
            .into_data()
            .try_to_vec::<f32>()
            .expect("discriminator output is f32");
        rewards.extend(logits);
    }
    (rewards, loss)
}

#[cfg(test)]
mod tests {
    use super::*;
    use ember_engine::parse_device;
    use ember_engine::seed::seed_everything;

    /// Expert rows sit at state +1 with action +0.5; the other rows spread over [-1, 1] with
    /// action -0.5. The learned reward must rank expert-like pairs far above the rest.
    #[test]
    fn reward_ranks_expert_pairs_first() {
        let device = parse_device("cpu").unwrap().autodiff();
        seed_everything(&device, 0);
        let n = 400;
        let expert = 40;
        let observations: Vec<f32> = (0..n)
            .map(|i| {
                if i < expert {
                    1.0
                } else {
                    -1.0 + 2.0 * i as f32 / n as f32
                }
            })
            .collect();
        let actions: Vec<f32> = (0..n)
            .map(|i| if i < expert { 0.5 } else { -0.5 })
            .collect();
        let zeros = vec![0.0; n];
        let terminals = vec![false; n];
        let rows = HostTransitions {
            observations: &observations,
            actions: &actions,
            rewards: &zeros,
            next_observations: &observations,
            terminals: &terminals,
        };
        let config = ImitationConfig {
            hidden: vec![32, 32],
            steps: 300,
            batch_size: 64,
            ..ImitationConfig::default()
        };
        let (rewards, loss) = imitation_rewards(&rows, expert, 1, 1, &config, &device);
        assert_eq!(rewards.len(), n);
        let mean = |r: &[f32]| r.iter().sum::<f32>() / r.len() as f32;
        let (on, off) = rewards.split_at(expert);
        assert!(
            mean(on) > mean(off) + 2.0,
            "expert {} vs rest {}",
            mean(on),
            mean(off)
        );
        assert!(rewards.iter().all(|r| r.abs() <= config.reward_clip));
        // Chance level of the two-sided logistic loss is 2 ln 2.
        assert!(loss < 2.0 * std::f32::consts::LN_2, "loss {loss}");
    }
}
