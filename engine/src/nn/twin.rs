//! Two independent Q-networks on concat(state, action), as in TD3 and IQL.

use super::{Mlp, MlpConfig};
use burn::module::Module;
use burn::tensor::{Device, Tensor};

/// A pair of critics Q1, Q2 with identical shapes and independent weights.
#[derive(Module, Debug)]
pub struct TwinQ {
    q1: Mlp,
    q2: Mlp,
}

impl TwinQ {
    /// Builds both critics from one configuration whose input is `obs_dim + act_dim` and output 1.
    pub fn new(config: &MlpConfig, device: &Device) -> Self {
        Self {
            q1: config.init(device),
            q2: config.init(device),
        }
    }

    /// Both critics' values, each `[batch, 1]`.
    pub fn forward(&self, obs: Tensor<2>, act: Tensor<2>) -> (Tensor<2>, Tensor<2>) {
        let input = Tensor::cat(vec![obs, act], 1);
        (self.q1.forward(input.clone()), self.q2.forward(input))
    }

    /// The first critic alone (TD3+BC's actor loss uses Q1).
    pub fn q1(&self, obs: Tensor<2>, act: Tensor<2>) -> Tensor<2> {
        self.q1.forward(Tensor::cat(vec![obs, act], 1))
    }

    /// The element-wise minimum of the two critics, `[batch, 1]`.
    pub fn min(&self, obs: Tensor<2>, act: Tensor<2>) -> Tensor<2> {
        let (q1, q2) = self.forward(obs, act);
        q1.min_pair(q2)
    }
}
