//! Batched forward sampling: one policy evaluation per step for every unfinished trajectory,
//! with ε-uniform exploration and a temperature on the logits.

use super::{GfnModel, Task, Trajectory};
use ember_engine::burn::tensor::{Bool, Device, Tensor, TensorData};
use ember_envs::gfn::{GfnEnv, encode_batch, forward_masks};
use rand::Rng;

/// Exploration applied while sampling.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Exploration {
    /// Probability of a uniformly random allowed action.
    pub epsilon: f64,
    /// Divides the forward logits (1 = the learned policy).
    pub temperature: f64,
}

impl Exploration {
    /// The learned policy itself.
    pub const ON_POLICY: Self = Self {
        epsilon: 0.0,
        temperature: 1.0,
    };
}

/// A drawn trajectory before scoring: its path (ending at the object), forward actions and
/// backward actions.
type Finished<S> = (Vec<S>, Vec<Vec<usize>>, Vec<Vec<usize>>);

/// Samples `n` complete trajectories from `model` (a module without autodiff on `device`).
/// `partial` also scores every intermediate state (forward-looking losses). The finished
/// objects are scored together after the batch is drawn ([`Task::prefetch`], then one
/// [`Task::score`] each).
pub fn sample_trajectories<T: Task>(
    task: &T,
    model: &GfnModel,
    device: &Device,
    n: usize,
    exploration: Exploration,
    partial: bool,
    rng: &mut impl Rng,
) -> Vec<Trajectory<<T::Env as GfnEnv>::State>> {
    let env = task.env();
    let (na, d, exit) = (env.n_actions(), env.feature_dim(), env.exit_action());
    let mut states = vec![env.initial(); n];
    let mut forward: Vec<Vec<Vec<usize>>> = vec![Vec::new(); n];
    let mut backward: Vec<Vec<Vec<usize>>> = vec![Vec::new(); n];
    let mut paths: Vec<Vec<_>> = vec![vec![env.initial()]; n];
    // Finished trajectories, scored below.
    let mut done: Vec<Option<Finished<_>>> = (0..n).map(|_| None).collect();
    let mut active: Vec<usize> = (0..n).collect();
    while !active.is_empty() {
        let current: Vec<_> = active.iter().map(|&i| states[i].clone()).collect();
        let m = current.len();
        let masks = forward_masks(env, &current);
        let x =
            Tensor::<2>::from_data(TensorData::new(encode_batch(env, &current), [m, d]), device);
        let invalid: Vec<bool> = masks.iter().map(|&ok| !ok).collect();
        let invalid = Tensor::<2, Bool>::from_data(TensorData::new(invalid, [m, na]), device);
        let log_p = model
            .forward_log_probs(x, invalid, exploration.temperature)
            .into_data()
            .try_to_vec::<f32>()
            .expect("f32 log-probabilities");
        let mut still = Vec::with_capacity(m);
        for (row, &i) in active.iter().enumerate() {
            let mask = &masks[row * na..(row + 1) * na];
            let a = choose(
                &log_p[row * na..(row + 1) * na],
                mask,
                exploration.epsilon,
                rng,
            );
            let s = &states[i];
            if a == exit {
                done[i] = Some((
                    std::mem::take(&mut paths[i]),
                    std::mem::take(&mut forward[i]),
                    std::mem::take(&mut backward[i]),
                ));
            } else {
                let next = env
                    .step(s, a)
                    .expect("the sampler only takes allowed actions");
                forward[i].push(env.forward_actions_between(s, &next));
                backward[i].push(env.backward_actions_between(&next, s));
                paths[i].push(next.clone());
                states[i] = next;
                still.push(i);
            }
        }
        active = still;
    }
    let done: Vec<_> = done
        .into_iter()
        .map(|t| t.expect("every trajectory exits"))
        .collect();
    // One scoring call for the whole batch; the object is the last state of its path.
    let batch: Vec<&_> = if partial {
        done.iter().flat_map(|(path, ..)| path.iter()).collect()
    } else {
        done.iter()
            .map(|(path, ..)| path.last().expect("a path starts at s_0"))
            .collect()
    };
    task.prefetch(&batch);
    done.into_iter()
        .map(|(path, forward, backward)| {
            let x = path.last().expect("a path starts at s_0");
            Trajectory {
                score: task.score(x),
                partial: if partial {
                    path.iter().map(|p| task.score_partial(p)).collect()
                } else {
                    Vec::new()
                },
                states: path,
                forward,
                backward,
            }
        })
        .collect()
}

/// Draws an action from `(1 − ε)·softmax + ε·uniform` over the allowed actions.
fn choose(log_p: &[f32], mask: &[bool], epsilon: f64, rng: &mut impl Rng) -> usize {
    let allowed = mask.iter().filter(|&&ok| ok).count().max(1) as f64;
    let weight = |a: usize| {
        if mask[a] {
            (1.0 - epsilon) * f64::from(log_p[a]).exp() + epsilon / allowed
        } else {
            0.0
        }
    };
    let total: f64 = (0..mask.len()).map(weight).sum();
    let mut u = rng.random::<f64>() * total;
    let mut last = 0;
    for a in (0..mask.len()).filter(|&a| mask[a]) {
        u -= weight(a);
        last = a;
        if u <= 0.0 {
            return a;
        }
    }
    last
}
