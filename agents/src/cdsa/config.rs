//! CDSA hyperparameters: the score and dynamics models' training, and the inference knobs.
//! No value here is the paper's (its body was not available, spec §1.2); the defaults follow
//! the spec's proposal (§1.4) and the sweeps recorded in `data/README.md`.

use super::Cdsa;
use crate::agent::{ActionKind, OfflineAgent};
use crate::method::{BuildContext, DataPrep, OfflineAlgo, common_problems, verdict};
use ember_datasets::RewardScaling;
use ember_engine::optim::ADAM_EPS;
use ember_engine::runtime::RuntimeError;
use serde::{Deserialize, Serialize};

/// Which auxiliary action CDSA adds to the base action (spec §1.4).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Variant {
    /// State guidance: `I(s, s + κ_s σ_q² s_S(s, σ_q)) − I(s, s)` (the default: the
    /// abstract's "inverse dynamics turns state-space guidance into actions").
    #[default]
    A1,
    /// Next-state guidance: with `ŝ' = T(s, a_b)`, `I(s, ŝ' + κ_s σ_q² s_S(ŝ', σ_q)) − I(s, ŝ')`.
    A2,
    /// Action guidance: K steps `a ← clip(a + κ_a σ_q² s_A(a | s, σ_q))` from `a_b`.
    B,
}

impl std::str::FromStr for Variant {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s.to_ascii_lowercase().as_str() {
            "a1" => Ok(Self::A1),
            "a2" => Ok(Self::A2),
            "b" => Ok(Self::B),
            _ => Err(format!("variant = {s}: must be a1, a2 or b")),
        }
    }
}

/// The inference knobs (`[algo.knobs]`): which variant, how far it moves, at which noise level
/// the scores are read, and how many steps variant B takes.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Knobs {
    /// The adjustment rule.
    pub variant: Variant,
    /// State-guidance step κ_s of A1/A2, in units of σ_q² (1 = one full denoising step).
    pub kappa_s: f32,
    /// Action-guidance step κ_a of B, in units of σ_q² (1 = one full denoising step).
    pub kappa_a: f32,
    /// Noise level σ_q at which the scores are queried (standardised state / [-1, 1] action
    /// units).
    pub sigma_q: f32,
    /// Steps K of variant B.
    pub steps: usize,
}

impl Default for Knobs {
    fn default() -> Self {
        Self {
            variant: Variant::A1,
            kappa_s: 1.0,
            kappa_a: 1.0,
            sigma_q: 0.1,
            steps: 5,
        }
    }
}

impl Knobs {
    /// Names of the knobs [`Knobs::set`] accepts.
    pub const KEYS: &'static [&'static str] =
        &["variant", "kappa", "kappa_s", "kappa_a", "sigma_q", "steps"];

    /// One message per knob that cannot be used: κ < 0, σ_q ≤ 0, K = 0.
    pub fn problems(&self) -> Vec<String> {
        let mut problems = Vec::new();
        for (name, kappa) in [("kappa_s", self.kappa_s), ("kappa_a", self.kappa_a)] {
            if !(kappa >= 0.0 && kappa.is_finite()) {
                problems.push(format!("{name} = {kappa}: must be >= 0"));
            }
        }
        if !(self.sigma_q > 0.0 && self.sigma_q.is_finite()) {
            problems.push(format!("sigma_q = {}: must be > 0", self.sigma_q));
        }
        if self.steps == 0 {
            problems.push("steps = 0: variant B needs at least one step".into());
        }
        problems
    }

    /// The step size of the current variant (κ_s for A1/A2, κ_a for B).
    pub fn kappa(&self) -> f32 {
        match self.variant {
            Variant::A1 | Variant::A2 => self.kappa_s,
            Variant::B => self.kappa_a,
        }
    }

    /// Sets knob `key` (one of [`Knobs::KEYS`]; `kappa` is the current variant's step) from
    /// text, refusing unknown keys, unparsable and unusable values in one line.
    pub fn set(&mut self, key: &str, value: &str) -> Result<(), String> {
        let number = || {
            value
                .parse::<f32>()
                .map_err(|_| format!("{key} = {value}: not a number"))
        };
        match key {
            "variant" => self.variant = value.parse()?,
            "kappa" => match self.variant {
                Variant::A1 | Variant::A2 => self.kappa_s = number()?,
                Variant::B => self.kappa_a = number()?,
            },
            "kappa_s" => self.kappa_s = number()?,
            "kappa_a" => self.kappa_a = number()?,
            "sigma_q" => self.sigma_q = number()?,
            "steps" => {
                self.steps = value
                    .parse()
                    .map_err(|_| format!("steps = {value}: not a whole number"))?
            }
            _ => {
                return Err(format!(
                    "unknown CDSA knob `{key}`; known: {}",
                    Self::KEYS.join(", ")
                ));
            }
        }
        verdict(self.problems())
    }
}

/// CDSA hyperparameters.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct CdsaConfig {
    /// Hidden widths of both score models (SiLU; spec: 3 × 256).
    pub score_hidden: Vec<usize>,
    /// Hidden widths of the inverse and forward models (ReLU; spec: 256 × 256).
    pub dynamics_hidden: Vec<usize>,
    /// Adam learning rate of every model.
    pub lr: f64,
    /// Adam epsilon (PyTorch's 1e-8).
    pub adam_eps: f64,
    /// Minibatch size.
    pub batch_size: usize,
    /// Smallest noise level σ_min.
    pub sigma_min: f32,
    /// Largest noise level of the state score; `None`: the largest pairwise distance between
    /// the (standardised) states of the first training batch (NCSN's rule).
    pub sigma_max_state: Option<f32>,
    /// Largest noise level of the action score; `None`: the largest pairwise distance between
    /// the actions of the first training batch.
    pub sigma_max_action: Option<f32>,
    /// Number of geometric noise levels L.
    pub noise_levels: usize,
    /// Inference knobs.
    pub knobs: Knobs,
}

impl Default for CdsaConfig {
    fn default() -> Self {
        Self {
            score_hidden: vec![256, 256, 256],
            dynamics_hidden: vec![256, 256],
            lr: 3e-4,
            adam_eps: ADAM_EPS,
            batch_size: 256,
            sigma_min: 0.01,
            sigma_max_state: None,
            sigma_max_action: None,
            noise_levels: 10,
            knobs: Knobs::default(),
        }
    }
}

impl OfflineAlgo for CdsaConfig {
    const NAME: &'static str = "cdsa";
    const ACTIONS: &'static [ActionKind] = &[ActionKind::Box];

    fn validate(&self) -> Result<(), String> {
        let mut problems = common_problems(
            &self.dynamics_hidden,
            0.0,
            1.0,
            self.batch_size,
            self.adam_eps,
        );
        if self.score_hidden.is_empty() || self.score_hidden.contains(&0) {
            problems.push(format!(
                "score_hidden = {:?}: needs at least one layer, all widths > 0",
                self.score_hidden
            ));
        }
        if self.lr.is_nan() || self.lr <= 0.0 {
            problems.push(format!("lr = {}: must be > 0", self.lr));
        }
        if self.sigma_min.is_nan() || self.sigma_min <= 0.0 {
            problems.push(format!("sigma_min = {}: must be > 0", self.sigma_min));
        }
        for (name, max) in [
            ("sigma_max_state", self.sigma_max_state),
            ("sigma_max_action", self.sigma_max_action),
        ] {
            if let Some(max) = max.filter(|m| m.is_nan() || *m <= self.sigma_min) {
                problems.push(format!("{name} = {max}: must exceed sigma_min"));
            }
        }
        if self.noise_levels == 0 {
            problems.push("noise_levels = 0: must be at least 1".into());
        }
        problems.extend(
            self.knobs
                .problems()
                .into_iter()
                .map(|p| format!("knobs.{p}")),
        );
        verdict(problems)
    }

    /// Standardised states (the score models' inputs), actions in [-1, 1]; rewards unused.
    fn data_prep(&self) -> DataPrep {
        DataPrep {
            normalize_states: true,
            reward_scaling: RewardScaling::None,
            action_clip_eps: 0.0,
        }
    }

    /// Opens the base policy when the context names one (evaluations then score base + CDSA);
    /// without one, CDSA adjusts the centre of the action box.
    fn build(&self, ctx: &BuildContext<'_>) -> Result<Box<dyn OfflineAgent>, RuntimeError> {
        Ok(Box::new(Cdsa::new(
            self.clone(),
            ctx.spec.clone(),
            ctx.device,
            ctx.base.as_deref(),
        )?))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn knobs_are_set_by_name_and_checked() {
        let mut knobs = Knobs::default();
        knobs.set("variant", "b").unwrap();
        knobs.set("kappa", "0.2").unwrap();
        assert_eq!(knobs.kappa_a, 0.2);
        knobs.set("variant", "A1").unwrap();
        knobs.set("kappa", "0.3").unwrap();
        assert_eq!((knobs.kappa_s, knobs.kappa()), (0.3, 0.3));
        knobs.set("steps", "5").unwrap();
        assert_eq!(knobs.steps, 5);
        assert_eq!(
            knobs.set("kappa", "-0.1").unwrap_err(),
            "kappa_s = -0.1: must be >= 0"
        );
        assert!(
            knobs
                .set("kappa_a", "x")
                .unwrap_err()
                .contains("not a number")
        );
        assert!(
            knobs
                .set("sigma_q", "0")
                .unwrap_err()
                .contains("must be > 0")
        );
        assert!(
            knobs
                .set("temperature", "1")
                .unwrap_err()
                .contains("unknown CDSA knob")
        );
        assert!(
            knobs
                .set("variant", "c")
                .unwrap_err()
                .contains("a1, a2 or b")
        );
    }

    #[test]
    fn a_negative_kappa_in_a_config_is_refused() {
        let mut config = CdsaConfig::default();
        config.validate().unwrap();
        config.knobs.kappa_a = -1.0;
        config.sigma_max_action = Some(0.001);
        let err = config.validate().unwrap_err();
        assert!(err.contains("knobs.kappa_a = -1: must be >= 0"), "{err}");
        assert!(err.contains("sigma_max_action = 0.001"), "{err}");
    }
}
