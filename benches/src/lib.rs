//! Ember's benchmarks: the `d4rl-bench` grid runner ([`d4rl`]) and shared pieces of the criterion
//! benches (synthetic device-resident data of D4RL's shapes).

pub mod d4rl;

use ember::engine::TransitionBuffer;
use ember::engine::buffer::HostTransitions;
use ember::engine::burn::tensor::Device;
use rand::{Rng, SeedableRng, rngs::StdRng};

/// A buffer of `len` random transitions with D4RL MuJoCo shapes (`obs_dim`, `act_dim`).
pub fn synthetic_buffer(
    len: usize,
    obs_dim: usize,
    act_dim: usize,
    device: &Device,
) -> TransitionBuffer {
    let mut rng = StdRng::seed_from_u64(0);
    let mut column = |n: usize| {
        (0..n)
            .map(|_| rng.random_range(-1.0f32..1.0))
            .collect::<Vec<_>>()
    };
    let observations = column(len * obs_dim);
    let actions = column(len * act_dim);
    let rewards = column(len);
    let next_observations = column(len * obs_dim);
    let terminals = vec![false; len];
    TransitionBuffer::new(
        HostTransitions {
            observations: &observations,
            actions: &actions,
            rewards: &rewards,
            next_observations: &next_observations,
            terminals: &terminals,
        },
        obs_dim,
        act_dim,
        device,
    )
}
