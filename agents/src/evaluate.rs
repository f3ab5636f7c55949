//! Evaluation as the papers do it: deterministic actions, N full episodes, mean return and the
//! D4RL-style normalised score.

use crate::agent::EpisodePolicy;
use ember_datasets::scores::RefScores;
use ember_engine::runtime::EvalReport;
use ember_envs::EnvError;

/// Runs `episodes` episodes of `policy` in environment `env` (episode k seeded `seed + k`,
/// up to 10 environments stepped in parallel, each one a slot of the policy) and scores them
/// against `reference`.
pub fn evaluate_policy(
    policy: &mut dyn EpisodePolicy,
    env: &str,
    episodes: usize,
    seed: u64,
    reference: Option<RefScores>,
) -> Result<EvalReport, EnvError> {
    let stats = ember_envs::evaluate(
        || ember_envs::make(env),
        episodes,
        episodes.clamp(1, 10),
        seed,
        policy,
    )?;
    Ok(report(stats.returns, reference))
}

/// Wraps episode returns into a report, normalised when reference scores are known.
pub fn report(returns: Vec<f64>, reference: Option<RefScores>) -> EvalReport {
    let normalized_returns = reference.map(|r| {
        returns
            .iter()
            .map(|&ret| r.normalize(ret))
            .collect::<Vec<_>>()
    });
    let normalized = normalized_returns
        .as_ref()
        .map(|n| n.iter().sum::<f64>() / n.len().max(1) as f64);
    EvalReport {
        returns,
        normalized,
        normalized_returns,
    }
}
