//! A trained CDSA run reopened as a denoiser, and any policy wrapped with it: what `ember eval
//! --denoiser`, `ember collect --denoiser`, d4rl-bench's `<base>+cdsa` and embedding programs run.

use super::{CdsaNets, Knobs, adjust};
use crate::agent::{ActionSpace, EpisodePolicy, Spec};
use crate::algo::{AgentCard, AlgoConfig};
use crate::checkpoint::{load_json, load_module, problem, resolve_checkpoint};
use crate::saved_policy::{SavedActor, SavedPolicy};
use ember_engine::burn::tensor::{Device, Tensor, TensorData};
use ember_engine::runtime::RuntimeError;
use std::path::{Path, PathBuf};

/// CDSA's trained models, on an inference device, with the knobs they act with.
pub struct Denoiser {
    /// The inference knobs (the run's configured ones until changed).
    pub knobs: Knobs,
    /// The environment the run was trained for.
    pub env: String,
    spec: Spec,
    nets: CdsaNets,
    device: Device,
    checkpoint: PathBuf,
}

impl Denoiser {
    /// Opens the CDSA run or checkpoint `run` on `device` (its inference side). Its base, if it
    /// was trained with one, is not opened: the denoiser serves any base.
    pub fn open(run: &Path, device: &Device) -> Result<Self, RuntimeError> {
        let device = device.clone().without_autodiff();
        let checkpoint = resolve_checkpoint(run, &[AgentCard::FILE])?;
        let card: AgentCard = load_json(&checkpoint, AgentCard::FILE)?;
        let AlgoConfig::Cdsa(config) = card.config else {
            return Err(problem(
                run,
                format!(
                    "a {} checkpoint, not a CDSA denoiser (train one with `ember train --algo cdsa`)",
                    card.config.name()
                ),
            ));
        };
        let nets = load_module(
            CdsaNets::new(&config, &card.spec, &device),
            &checkpoint,
            "nets",
        )?;
        Ok(Self {
            knobs: config.knobs,
            env: card.env,
            spec: card.spec,
            nets,
            device,
            checkpoint,
        })
    }

    /// Refuses in one line an environment whose observation or action widths are not the ones
    /// this denoiser was trained on.
    pub fn check(&self, env: &str) -> Result<(), RuntimeError> {
        fits(&self.spec, env).map_err(|shapes| {
            problem(
                &self.checkpoint,
                format!(
                    "this denoiser was trained on {} ({}-d observations, {}-d actions) and cannot \
                     adjust a policy acting in {env} ({shapes})",
                    self.env, self.spec.obs_dim, self.spec.act_dim
                ),
            )
        })
    }

    /// Wraps `base`, a policy acting in environment `base_env`, after [`Denoiser::check`].
    pub fn wrap<P: EpisodePolicy>(
        self,
        base: P,
        base_env: &str,
    ) -> Result<Denoised<P>, RuntimeError> {
        self.check(base_env)?;
        Ok(Denoised {
            base,
            denoiser: self,
        })
    }

    /// The adjusted environment actions for `base_actions` taken at `observations`.
    pub fn adjust(&self, observations: &[Vec<f32>], base_actions: &[Vec<f32>]) -> Vec<Vec<f32>> {
        denoise(
            &self.spec,
            &self.nets,
            &self.knobs,
            observations,
            base_actions,
            &self.device,
        )
    }
}

/// A base policy whose every action is adjusted by a CDSA [`Denoiser`].
pub struct Denoised<P> {
    /// The frozen base policy.
    pub base: P,
    /// The denoiser (its knobs may be changed between evaluations, e.g. for a sweep).
    pub denoiser: Denoiser,
}

/// The base's memory per episode (a replanning agent's) is kept: `reset` and rewards pass
/// through, and the base acts on every step.
impl<P: EpisodePolicy> EpisodePolicy for Denoised<P> {
    fn reset(&mut self, slot: usize) {
        self.base.reset(slot);
    }

    fn act_in(&mut self, slots: &[usize], observations: &[Vec<f32>]) -> Vec<Vec<f32>> {
        let actions = self.base.act_in(slots, observations);
        self.denoiser.adjust(observations, &actions)
    }

    fn observe_reward(&mut self, slot: usize, reward: f64) {
        self.base.observe_reward(slot, reward);
    }
}

impl SavedPolicy {
    /// This policy with the CDSA denoiser `run` applied to its actions; its method becomes
    /// `<method>+cdsa`.
    pub fn denoised(self, run: &Path, device: &Device) -> Result<Self, RuntimeError> {
        let policy = Denoiser::open(run, device)?.wrap(self.policy, &self.env)?;
        Ok(Self {
            method: format!("{}+cdsa", self.method),
            policy: SavedActor::Episodes(Box::new(policy)),
            ..self
        })
    }
}

/// `Err(shapes of env)` unless environment `env`'s observations and actions have `spec`'s widths.
fn fits(spec: &Spec, env: &str) -> Result<(), String> {
    let env = ember_envs::make(env).map_err(|e| e.to_string())?;
    let obs = env.observation_space().dim();
    let act = ActionSpace::of(env.action_space()).map_or(0, |space| space.dim());
    if (obs, act) == (spec.obs_dim, spec.act_dim) {
        Ok(())
    } else {
        Err(format!("{obs}-d observations, {act}-d actions"))
    }
}

/// Opens the base checkpoint `path` of a CDSA agent being built for `spec`, on the inference
/// side of `device`.
pub(crate) fn open_base(
    path: &Path,
    spec: &Spec,
    device: &Device,
) -> Result<SavedActor, RuntimeError> {
    let saved = SavedPolicy::open(path, &device.clone().without_autodiff(), false)?;
    fits(spec, &saved.env).map_err(|shapes| {
        problem(
            path,
            format!(
                "base policy acts in {} ({shapes}), but the CDSA data has {}-d observations and \
                 {}-d actions",
                saved.env, spec.obs_dim, spec.act_dim
            ),
        )
    })?;
    Ok(saved.policy)
}

/// Runs `adjust` on raw observations and environment actions: states standardised with the
/// denoiser's own statistics, actions mapped into [-1, 1] and back.
pub(crate) fn denoise(
    spec: &Spec,
    nets: &CdsaNets,
    knobs: &Knobs,
    observations: &[Vec<f32>],
    base_actions: &[Vec<f32>],
    device: &Device,
) -> Vec<Vec<f32>> {
    let bounds = spec.bounds();
    let mut flat = Vec::with_capacity(base_actions.len() * spec.act_dim);
    for action in base_actions {
        let mut unit = action.clone();
        bounds.to_unit(&mut unit);
        flat.extend(unit.iter().map(|a| a.clamp(-1.0, 1.0)));
    }
    spec.act(observations, device, |states| {
        let base = Tensor::from_data(
            TensorData::new(flat, [base_actions.len(), spec.act_dim]),
            &states.device(),
        );
        adjust(nets, knobs, states, base)
    })
}
