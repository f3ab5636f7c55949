//! The weight each `∇ log π(a_t | x_t)` gets: the reward-to-go of marginal gains (the paper)
//! or the prefix value (the reference code), optionally minus the batch mean at each step,
//! divided by `MAX_Ret`.

use super::Credit;

/// Credits of a batch, time-major (`t · B + b`), for `rewards[b][t]` the reward of action `t`
/// of trajectory `b` and `first` the value of the start state `F({s_0})`.
///
/// * [`Credit::RewardToGo`]: `G_t = Σ_{j ≥ t} r_j` (with marginal gains, `F(τ) − F(τ_{0:t})`).
/// * [`Credit::OneStep`]: `M_t = F({s_0}) + Σ_{j ≤ t} r_j` (with marginal gains, the prefix
///   value `F(s_0..s_{t+1})`).
///
/// With `baseline`, the mean over the batch at each `t` is subtracted. Every credit is
/// divided by `scale` (`MAX_Ret`).
pub fn credits(
    rewards: &[Vec<f64>],
    first: f64,
    credit: Credit,
    baseline: bool,
    scale: f64,
) -> Vec<f32> {
    let b = rewards.len();
    let t_max = rewards.first().map_or(0, Vec::len);
    let mut out = vec![0.0f64; b * t_max];
    for (i, r) in rewards.iter().enumerate() {
        match credit {
            Credit::RewardToGo => {
                let mut g = 0.0;
                for t in (0..t_max).rev() {
                    g += r[t];
                    out[t * b + i] = g;
                }
            }
            Credit::OneStep => {
                let mut m = first;
                for t in 0..t_max {
                    m += r[t];
                    out[t * b + i] = m;
                }
            }
        }
    }
    if baseline {
        for row in out.chunks_mut(b.max(1)) {
            let mean = row.iter().sum::<f64>() / row.len() as f64;
            row.iter_mut().for_each(|v| *v -= mean);
        }
    }
    out.into_iter().map(|v| (v / scale) as f32).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reward_to_go_and_prefix_values_by_hand() {
        // Two trajectories of three actions; F({s0}) = 4.
        let rewards = vec![vec![2.0, 0.0, 1.0], vec![0.0, 3.0, 0.0]];
        let rtg = credits(&rewards, 4.0, Credit::RewardToGo, false, 1.0);
        // t-major: (t0: 3, 3), (t1: 1, 3), (t2: 1, 0).
        assert_eq!(rtg, vec![3.0, 3.0, 1.0, 3.0, 1.0, 0.0]);
        let one = credits(&rewards, 4.0, Credit::OneStep, false, 2.0);
        // Prefix values (6, 4), (6, 7), (7, 7), halved.
        assert_eq!(one, vec![3.0, 2.0, 3.0, 3.5, 3.5, 3.5]);
        let based = credits(&rewards, 4.0, Credit::RewardToGo, true, 1.0);
        assert_eq!(based, vec![0.0, 0.0, -1.0, 1.0, 0.5, -0.5]);
    }
}
