//! The CDSA agent: trains the four models on dataset batches; acts as base + CDSA (its base
//! policy, when it was built with one, else the centre of the action box).

use super::denoiser::{denoise, open_base};
use super::{CdsaConfig, CdsaNets, NoiseScales};
use crate::agent::{EpisodePolicy, OfflineAgent, Spec};
use crate::checkpoint::{
    load_json, load_module, load_optimizer, save_json, save_module, save_optimizer,
};
use crate::saved_policy::SavedActor;
use ember_engine::burn::module::Module;
use ember_engine::burn::optim::{GradientsParams, ModuleOptimizer};
use ember_engine::burn::tensor::Device;
use ember_engine::optim::adam;
use ember_engine::runtime::RuntimeError;
use ember_engine::{Batch, Metrics};
use std::path::Path;

/// Name of the side file holding the noise scales.
const SCALES: &str = "cdsa_scales";

/// CDSA's models being trained, and the frozen base policy its evaluations adjust.
pub struct Cdsa {
    config: CdsaConfig,
    spec: Spec,
    device: Device,
    nets: CdsaNets,
    opt: ModuleOptimizer,
    scales: Option<NoiseScales>,
    base: Option<SavedActor>,
}

impl Cdsa {
    /// Builds the models on `device` (an autodiff device for training) and opens the base
    /// checkpoint `base`, if any, on its inference side; fails in one line when the base is
    /// missing or acts in other shapes than `spec`.
    pub fn new(
        config: CdsaConfig,
        spec: Spec,
        device: &Device,
        base: Option<&Path>,
    ) -> Result<Self, RuntimeError> {
        let base = base
            .map(|path| open_base(path, &spec, device))
            .transpose()?;
        Ok(Self {
            nets: CdsaNets::new(&config, &spec, device),
            opt: adam(config.adam_eps).init(),
            scales: None,
            device: device.clone(),
            base,
            config,
            spec,
        })
    }
}

impl OfflineAgent for Cdsa {
    fn update(&mut self, batch: &Batch, _step: usize) -> Metrics {
        let config = &self.config;
        let scales = *self
            .scales
            .get_or_insert_with(|| NoiseScales::of(config, batch));
        let mut metrics = Metrics::new();
        let loss = self.nets.loss(batch, config, scales, &mut metrics);
        let grads = GradientsParams::from_grads(loss.backward(), &self.nets);
        self.nets = self.opt.step(config.lr, self.nets.clone(), grads);
        metrics
    }

    fn batch_size(&self) -> usize {
        self.config.batch_size
    }

    fn save(&self, dir: &Path) -> Result<(), RuntimeError> {
        save_module(&self.nets, dir, "nets")?;
        save_optimizer(&self.opt, dir, "models")?;
        match &self.scales {
            Some(scales) => save_json(scales, dir, SCALES),
            None => Ok(()),
        }
    }

    fn load(&mut self, dir: &Path) -> Result<(), RuntimeError> {
        self.nets = load_module(self.nets.clone(), dir, "nets")?;
        self.opt = load_optimizer(self.opt.clone(), dir, "models")?;
        if dir.join(format!("{SCALES}.json")).exists() {
            self.scales = Some(load_json(dir, SCALES)?);
        }
        Ok(())
    }
}

/// Acts as base + CDSA; a base with memory per episode (a replanning agent) keeps it.
impl EpisodePolicy for Cdsa {
    fn reset(&mut self, slot: usize) {
        if let Some(base) = &mut self.base {
            base.reset(slot);
        }
    }

    fn observe_reward(&mut self, slot: usize, reward: f64) {
        if let Some(base) = &mut self.base {
            base.observe_reward(slot, reward);
        }
    }

    fn act_in(&mut self, slots: &[usize], observations: &[Vec<f32>]) -> Vec<Vec<f32>> {
        let base = match &mut self.base {
            Some(base) => base.act_in(slots, observations),
            None => {
                let mut centre = vec![0.0; self.spec.act_dim];
                self.spec.bounds().from_unit(&mut centre);
                vec![centre; observations.len()]
            }
        };
        let nets = self.nets.valid();
        denoise(
            &self.spec,
            &nets,
            &self.config.knobs,
            observations,
            &base,
            &self.device,
        )
    }
}
