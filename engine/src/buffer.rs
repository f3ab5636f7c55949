//! A fixed set of transitions resident on the device, sampled on the device, so a training step
//! moves no data between host and device.

use burn::tensor::{Device, Distribution, Int, Tensor, TensorData};

/// A minibatch of transitions; every tensor has the batch as its first axis.
#[derive(Clone, Debug)]
pub struct Batch {
    /// States, `[B, obs_dim]`.
    pub observations: Tensor<2>,
    /// Actions, `[B, act_dim]`.
    pub actions: Tensor<2>,
    /// Rewards, `[B, 1]`.
    pub rewards: Tensor<2>,
    /// Next states, `[B, obs_dim]`.
    pub next_observations: Tensor<2>,
    /// `1 - terminal`, `[B, 1]`: zero where the episode ended by termination (not by time limit).
    pub masks: Tensor<2>,
}

/// Transitions uploaded once to a device; [`TransitionBuffer::sample`] draws uniform minibatches
/// with the device's own random generator (seed it with [`crate::seed::seed_everything`]).
#[derive(Clone, Debug)]
pub struct TransitionBuffer {
    all: Batch,
    len: usize,
}

/// Host-side columns in row-major order, as read from a dataset.
#[derive(Clone, Copy)]
pub struct HostTransitions<'a> {
    /// `len * obs_dim` states.
    pub observations: &'a [f32],
    /// `len * act_dim` actions.
    pub actions: &'a [f32],
    /// `len` rewards.
    pub rewards: &'a [f32],
    /// `len * obs_dim` next states.
    pub next_observations: &'a [f32],
    /// `len` termination flags.
    pub terminals: &'a [bool],
}

impl TransitionBuffer {
    /// Copies the columns to `device`. Panics only on inconsistent lengths, which the dataset
    /// layer has already validated.
    pub fn new(host: HostTransitions<'_>, obs_dim: usize, act_dim: usize, device: &Device) -> Self {
        let len = host.rewards.len();
        assert_eq!(
            host.observations.len(),
            len * obs_dim,
            "observations length"
        );
        assert_eq!(host.actions.len(), len * act_dim, "actions length");
        assert_eq!(
            host.next_observations.len(),
            len * obs_dim,
            "next_observations length"
        );
        assert_eq!(host.terminals.len(), len, "terminals length");
        let matrix = |values: &[f32], width: usize| {
            Tensor::<2>::from_data(TensorData::new(values.to_vec(), [len, width]), device)
        };
        let masks: Vec<f32> = host
            .terminals
            .iter()
            .map(|&done| if done { 0.0 } else { 1.0 })
            .collect();
        Self {
            all: Batch {
                observations: matrix(host.observations, obs_dim),
                actions: matrix(host.actions, act_dim),
                rewards: matrix(host.rewards, 1),
                next_observations: matrix(host.next_observations, obs_dim),
                masks: matrix(&masks, 1),
            },
            len,
        }
    }

    /// `len` transitions with every column uniform in [-1, 1) and no terminal, drawn on `device`
    /// with its generator: data of a problem's shapes for benchmarks.
    pub fn random(len: usize, obs_dim: usize, act_dim: usize, device: &Device) -> Self {
        let column = |width: usize| {
            Tensor::<2>::random([len, width], Distribution::Uniform(-1.0, 1.0), device)
        };
        Self {
            all: Batch {
                observations: column(obs_dim),
                actions: column(act_dim),
                rewards: column(1),
                next_observations: column(obs_dim),
                masks: Tensor::ones([len, 1], device),
            },
            len,
        }
    }

    /// Number of transitions held.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether the buffer holds no transition.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// A uniform minibatch of `batch_size` rows drawn with replacement, on the device.
    pub fn sample(&self, batch_size: usize) -> Batch {
        let device = self.all.observations.device();
        let index = Tensor::<1, Int>::random(
            [batch_size],
            Distribution::Uniform(0.0, self.len as f64),
            &device,
        );
        let pick = |column: &Tensor<2>| column.clone().select(0, index.clone());
        Batch {
            observations: pick(&self.all.observations),
            actions: pick(&self.all.actions),
            rewards: pick(&self.all.rewards),
            next_observations: pick(&self.all.next_observations),
            masks: pick(&self.all.masks),
        }
    }
}
