//! `ember imitate`: checks the demonstrations, fits the BC baseline on the same episodes, then
//! trains GAIL online, and reports the expert's, a random policy's and both learners' returns.

use super::demos::load_demos;
use crate::agent::ActionSpace;
use crate::algo::AlgoConfig;
use crate::config::TrainConfig;
use crate::error::{Error, Result, bail};
use crate::evaluate::evaluate_policy;
use crate::online::{OnlineAlgoConfig, OnlineJob, OnlineOutcome, env_spec, train_online};
use crate::train::{TrainJob, train};
use ember_envs::EpisodePolicy;
use rand::SeedableRng;
use rand::rngs::StdRng;

/// A GAIL run and its baseline.
#[derive(Clone, Debug)]
pub struct ImitateJob {
    /// The online job; its method must be GAIL (`expert` and `demos` set).
    pub online: OnlineJob,
    /// Gradient steps of the BC baseline on the same demonstrations (0 skips it); it runs in
    /// `<run_dir>/bc`.
    pub bc_steps: usize,
}

/// What [`imitate`] reports.
pub struct ImitateOutcome {
    /// The GAIL run.
    pub gail: OnlineOutcome,
    /// Mean return of the demonstrations used.
    pub expert_return: f64,
    /// Mean return of uniformly random actions (same evaluation protocol).
    pub random_return: f64,
    /// Final evaluation of BC trained on the same demonstrations.
    pub bc_return: Option<f64>,
}

impl ImitateOutcome {
    /// `(ret − random) / (expert − random)`: 0 for random behaviour, 1 for the expert's.
    pub fn normalized(&self, ret: f64) -> f64 {
        (ret - self.random_return) / (self.expert_return - self.random_return)
    }
}

/// Uniform random actions, the normalisation's zero.
struct RandomPolicy {
    space: ActionSpace,
    rng: StdRng,
}

impl EpisodePolicy for RandomPolicy {
    fn reset(&mut self, _slot: usize) {}

    fn act_in(&mut self, _slots: &[usize], observations: &[Vec<f32>]) -> Vec<Vec<f32>> {
        observations
            .iter()
            .map(|_| self.space.uniform(&mut self.rng).0)
            .collect()
    }
}

/// Runs `job`: demonstrations checked against the environment first (one-line errors), the BC
/// baseline, then GAIL (resuming from the run directory's checkpoint when there is one).
pub fn imitate(job: &ImitateJob) -> Result<ImitateOutcome> {
    let online = &job.online;
    let OnlineAlgoConfig::Gail(config) = &online.config.algo else {
        bail!(
            "ember imitate trains gail, not {}",
            online.config.algo.name()
        );
    };
    let Some(expert) = &config.expert else {
        bail!("gail imitates demonstrations: give --expert FILE");
    };
    if let Err(problems) = online.config.algo.validate() {
        bail!("invalid gail configuration: {problems}");
    }
    let env = ember_envs::make(&online.env)?;
    let spec = env_spec(env.as_ref())?;
    let demos = load_demos(expert, config.demos, spec.obs_dim, spec.act_dim, env.id())
        .map_err(Error::Invalid)?;
    let returns = demos.episode_returns();
    let expert_return = returns.iter().sum::<f64>() / returns.len() as f64;
    let eval = &online.config.eval;
    let eval_seed = online.seed + eval.seed_offset;
    let mut random = RandomPolicy {
        space: spec.action_space.clone(),
        rng: StdRng::seed_from_u64(eval_seed),
    };
    let random_return =
        evaluate_policy(&mut random, &online.env, eval.episodes, eval_seed, None)?.mean();

    let bc_return = if job.bc_steps > 0 {
        let dir = online.run_dir.join("bc");
        std::fs::create_dir_all(&dir).map_err(|e| Error::io(&dir, e))?;
        let dataset = dir.join("demos.hdf5");
        ember_datasets::d4rl::write(&dataset, &demos)?;
        let mut bc = TrainConfig::defaults(AlgoConfig::by_name("bc").expect("bc is registered"));
        bc.run.steps = job.bc_steps;
        bc.run.eval_every = 0;
        bc.run.checkpoint_every = 0;
        bc.run.progress = online.config.run.progress;
        bc.eval = eval.clone();
        let outcome = train(&TrainJob {
            config: bc,
            dataset,
            expert: None,
            env: online.env.clone(),
            device: online.device.clone(),
            seed: online.seed,
            run_dir: dir,
            base: None,
        })?;
        outcome.summary.last().map(|r| r.mean())
    } else {
        None
    };
    let gail = train_online(online)?;
    Ok(ImitateOutcome {
        gail,
        expert_return,
        random_return,
        bc_return,
    })
}
