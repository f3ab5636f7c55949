//! Exact distributions over [`Enumerable`] environments (all vectors are indexed by state
//! index; unreachable states get probability 0).

use super::{Enumerable, LogReward};
use crate::EnvError;

/// `log Z = log Σ_x R(x)` over the reachable terminating states (computed with log-sum-exp).
pub fn log_partition<E, R>(env: &E, reward: &R) -> f64
where
    E: Enumerable,
    R: LogReward<E::State> + ?Sized,
{
    log_rewards(env, reward).1
}

/// The target distribution `p(x) = R(x) / Z` over the reachable terminating states.
pub fn target_distribution<E, R>(env: &E, reward: &R) -> Vec<f64>
where
    E: Enumerable,
    R: LogReward<E::State> + ?Sized,
{
    let (log_r, log_z) = log_rewards(env, reward);
    log_r.into_iter().map(|l| (l - log_z).exp()).collect()
}

fn log_rewards<E, R>(env: &E, reward: &R) -> (Vec<f64>, f64)
where
    E: Enumerable,
    R: LogReward<E::State> + ?Sized,
{
    let log_r: Vec<f64> = (0..env.n_states())
        .map(|i| {
            let s = env.state_at(i);
            if env.is_reachable(i) && env.is_terminating(&s) {
                reward.log_reward(&s)
            } else {
                f64::NEG_INFINITY
            }
        })
        .collect();
    let max = log_r.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let log_z = max + log_r.iter().map(|l| (l - max).exp()).sum::<f64>().ln();
    (log_r, log_z)
}

/// The empirical distribution of sampled terminating states.
pub fn empirical_distribution<E: Enumerable>(env: &E, samples: &[E::State]) -> Vec<f64> {
    let mut p = vec![0.0; env.n_states()];
    for s in samples {
        p[env.index_of(s)] += 1.0;
    }
    let n = samples.len().max(1) as f64;
    p.iter_mut().for_each(|v| *v /= n);
    p
}

/// The exact terminating distribution `P_T` of a forward policy, by dynamic programming over
/// the DAG: `u(s_0) = 1`, `u(s') = Σ_s u(s)·P_F(s'|s)`, `P_T(x) = u(x)·P_F(exit|x)`.
///
/// `policy` receives batches of at most `batch_size` states and returns their action
/// probabilities row-major (`batch × n_actions()`, the exit action last; probabilities of masked
/// actions are ignored). It is called once per reachable state, in index order.
pub fn terminating_distribution<E, P>(
    env: &E,
    batch_size: usize,
    mut policy: P,
) -> Result<Vec<f64>, EnvError>
where
    E: Enumerable,
    P: FnMut(&[E::State]) -> Vec<f64>,
{
    let (n, n_actions, exit) = (env.n_states(), env.n_actions(), env.exit_action());
    let reachable: Vec<usize> = (0..n).filter(|&i| env.is_reachable(i)).collect();
    let mut probs = vec![0.0; n * n_actions];
    for chunk in reachable.chunks(batch_size.max(1)) {
        let states: Vec<E::State> = chunk.iter().map(|&i| env.state_at(i)).collect();
        let out = policy(&states);
        if out.len() != chunk.len() * n_actions {
            return Err(EnvError::InvalidArgument(format!(
                "policy returned {} probabilities for {} states × {n_actions} actions",
                out.len(),
                chunk.len()
            )));
        }
        for (&i, row) in chunk.iter().zip(out.chunks_exact(n_actions)) {
            probs[i * n_actions..(i + 1) * n_actions].copy_from_slice(row);
        }
    }
    let mut flow = vec![0.0; n];
    flow[env.index_of(&env.initial())] = 1.0;
    let mut p_t = vec![0.0; n];
    for &i in &reachable {
        if flow[i] == 0.0 {
            continue;
        }
        let s = env.state_at(i);
        let mask = env.forward_mask(&s);
        let row = &probs[i * n_actions..(i + 1) * n_actions];
        if mask[exit] {
            p_t[i] = flow[i] * row[exit];
        }
        for a in (0..n_actions).filter(|&a| a != exit && mask[a] && row[a] > 0.0) {
            let child = env.index_of(&env.step(&s, a)?);
            flow[child] += flow[i] * row[a];
        }
    }
    Ok(p_t)
}
