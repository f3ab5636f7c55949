//! An expert-vs-data classifier over (state, action) pairs. Trained with the logistic loss, its
//! logit estimates log(d_E(s, a) / d_D(s, a)), the reward DICE imitation methods (DemoDICE,
//! SMODICE) derive from demonstrations when the data carry no rewards.

use ember_engine::burn::module::Module;
use ember_engine::burn::optim::{GradientsParams, ModuleOptimizer};
use ember_engine::burn::tensor::activation::softplus;
use ember_engine::burn::tensor::{Device, Tensor};
use ember_engine::nn::{Mlp, MlpConfig};
use ember_engine::optim::adam;
use ember_engine::{Batch, TransitionBuffer};

/// A logit network on concatenated (state, action).
#[derive(Module, Debug)]
pub struct Discriminator {
    net: Mlp,
}

impl Discriminator {
    /// A fresh network with the given hidden widths.
    pub fn new(obs_dim: usize, act_dim: usize, hidden: &[usize], device: &Device) -> Self {
        Self {
            net: MlpConfig::layers(obs_dim + act_dim, hidden, 1).init(device),
        }
    }

    /// Logits `[B, 1]`; large means "looks like the expert".
    pub fn logits(&self, observations: Tensor<2>, actions: Tensor<2>) -> Tensor<2> {
        self.net
            .forward(Tensor::cat(vec![observations, actions], 1))
    }

    /// Logistic loss with the expert batch as positives and the data batch as negatives:
    /// mean softplus(-d(expert)) + mean softplus(d(data)).
    pub fn loss(&self, expert: &Batch, data: &Batch) -> Tensor<1> {
        let positive = self.logits(expert.observations.clone(), expert.actions.clone());
        let negative = self.logits(data.observations.clone(), data.actions.clone());
        softplus(positive.neg(), 1.0).mean() + softplus(negative, 1.0).mean()
    }
}

/// Adam settings and budget of [`train_discriminator`].
#[derive(Clone, Copy, Debug)]
pub struct DiscriminatorTraining {
    /// Gradient steps.
    pub steps: usize,
    /// Rows drawn from each side per step.
    pub batch_size: usize,
    /// Adam learning rate.
    pub lr: f64,
    /// Adam epsilon.
    pub adam_eps: f64,
    /// Coupled L2 weight decay (the only regulariser: burn has no double backward for a
    /// gradient penalty).
    pub weight_decay: f32,
}

/// Fits a fresh discriminator on `device` (autodiff) to tell `expert` rows from `data` rows and
/// returns it with its final loss.
pub fn train_discriminator(
    expert: &TransitionBuffer,
    data: &TransitionBuffer,
    obs_dim: usize,
    act_dim: usize,
    hidden: &[usize],
    training: DiscriminatorTraining,
    device: &Device,
) -> (Discriminator, f32) {
    let mut disc = Discriminator::new(obs_dim, act_dim, hidden, device);
    let mut opt: ModuleOptimizer = adam(training.adam_eps)
        .with_weight_decay(training.weight_decay)
        .init();
    let mut last = Tensor::<1>::zeros([1], device);
    for _ in 0..training.steps {
        let loss = disc.loss(
            &expert.sample(training.batch_size),
            &data.sample(training.batch_size),
        );
        let grads = GradientsParams::from_grads(loss.backward(), &disc);
        disc = opt.step(training.lr, disc, grads);
        last = loss;
    }
    (disc, last.into_scalar::<f32>())
}
