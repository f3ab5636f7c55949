//! GFlowNet hyperparameters: the loss, order preservation, exploration, replay and optimiser.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// Why a GFlowNet could not be set up.
#[derive(Debug, thiserror::Error)]
pub enum GfnError {
    /// A hyperparameter is out of range.
    #[error("invalid GFlowNet configuration: {0}")]
    Config(String),
    /// The task (environment, objectives) cannot be built.
    #[error("invalid GFlowNet task: {0}")]
    Task(String),
}

/// The flow-consistency objective.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LossKind {
    /// Trajectory balance (Malkin et al. 2022) with a learned `log Z`.
    #[default]
    Tb,
    /// Detailed balance (Bengio et al.), the terminal edge matched to `log R(x)`.
    Db,
    /// Sub-trajectory balance SubTB(λ) (Madan et al. 2023), weights `λ^(j−i)` normalised
    /// within each trajectory.
    Subtb,
    /// Forward-looking detailed balance (Pan et al. 2023): `log F(s) = log F̃(s) + log R(s)`
    /// with the intermediate energies of partial objects.
    Fl,
}

impl LossKind {
    /// Every loss, by its command-line name.
    pub const NAMES: [&'static str; 4] = ["tb", "db", "subtb", "fl"];
}

impl FromStr for LossKind {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "tb" => Ok(Self::Tb),
            "db" => Ok(Self::Db),
            "subtb" => Ok(Self::Subtb),
            "fl" => Ok(Self::Fl),
            _ => Err(format!(
                "unknown GFlowNet loss `{s}`; valid: {}",
                Self::NAMES.join(", ")
            )),
        }
    }
}

impl fmt::Display for LossKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let i = *self as usize;
        f.write_str(Self::NAMES[i])
    }
}

/// GFlowNet hyperparameters (defaults: torchgfn's HyperGrid settings and the OP-GFN paper).
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct GfnConfig {
    /// The flow-consistency loss.
    pub loss: LossKind,
    /// Order-preserving GFlowNet: learn a reward that only respects the order of the objects
    /// (pairwise for one objective, Pareto for several). No reward exponent is needed.
    pub order_preserving: bool,
    /// Weight λ_OP of the order loss next to the non-terminal DB/SubTB/FL terms (OP-TB uses the
    /// order loss alone).
    pub op_weight: f64,
    /// λ of SubTB(λ): plain SubTB weights `λ^(j−i)` within each trajectory; OP-SubTB weights
    /// the per-length means of its non-terminal term, and its order loss per length, by
    /// `λ^(k−1)` (OP-GFN's `geometric`).
    pub subtb_lambda: f64,
    /// Hidden widths of the shared torso of `P_F`, `P_B` and `log F`.
    pub hidden: Vec<usize>,
    /// Uniform backward policy over the parents instead of a learned one.
    pub uniform_pb: bool,
    /// Trajectories per gradient step.
    pub batch_size: usize,
    /// Adam learning rate of the networks.
    pub lr: f64,
    /// Adam learning rate of `log Z` (10–100× larger, torchgfn: 0.1).
    pub lr_logz: f64,
    /// Adam epsilon of both optimisers (PyTorch's 1e-8; burn's `AdamConfig::new()` would use
    /// 1e-5).
    pub adam_eps: f64,
    /// Probability of a uniformly random allowed action during training (ε-uniform).
    pub epsilon: f64,
    /// Sampling temperature of the forward logits during training (1 = on-policy).
    pub temperature: f64,
    /// Replay capacity in trajectories (0 disables replay).
    pub replay_capacity: usize,
    /// Fraction of each batch drawn from the replay buffer once it holds a batch.
    pub replay_fraction: f64,
    /// Lower clip of `log R` (illegal or worthless objects).
    pub log_reward_min: f64,
    /// Global gradient-norm clip (0 disables it): before each step every gradient, of the
    /// networks and of `log Z` alike, is scaled by `min(1, grad_clip / (‖g‖ + 1e-6))`, where
    /// `‖g‖` is the Euclidean norm over all those parameters together (PyTorch's
    /// `clip_grad_norm_`), not per parameter tensor.
    pub grad_clip: f64,
    /// Clamp of the forward/backward logits (±), against log-probability underflow.
    pub logit_clip: f64,
    /// Weight λ_KL of OP-GFN's regulariser `KL(U ‖ P_B)` (U uniform over the valid parents),
    /// averaged over the non-initial states of the batch; it keeps a learned `P_B` near
    /// uniform (OP-GFN's NAS code uses 0.1 in its KL variants). 0 (default) turns it off; it
    /// has no effect with `uniform_pb`.
    pub kl_weight: f64,
}

impl Default for GfnConfig {
    fn default() -> Self {
        Self {
            loss: LossKind::Tb,
            order_preserving: false,
            op_weight: 1.0,
            subtb_lambda: 0.9,
            hidden: vec![256, 256],
            uniform_pb: false,
            batch_size: 16,
            lr: 1e-3,
            lr_logz: 0.1,
            adam_eps: ember_engine::optim::ADAM_EPS,
            epsilon: 0.01,
            temperature: 1.0,
            replay_capacity: 0,
            replay_fraction: 0.5,
            log_reward_min: -75.0,
            grad_clip: 10.0,
            logit_clip: 50.0,
            kl_weight: 0.0,
        }
    }
}

impl GfnConfig {
    /// Checks ranges; the message names the field and the allowed values.
    pub fn validate(&self) -> Result<(), String> {
        let unit = |name: &str, v: f64| {
            (0.0..=1.0)
                .contains(&v)
                .then_some(())
                .ok_or(format!("{name} must be in [0, 1], got {v}"))
        };
        unit("epsilon", self.epsilon)?;
        unit("replay_fraction", self.replay_fraction)?;
        unit("subtb_lambda", self.subtb_lambda)?;
        if self.batch_size < 2 {
            return Err(format!(
                "batch_size must be at least 2, got {}",
                self.batch_size
            ));
        }
        if self.hidden.is_empty() || self.hidden.contains(&0) {
            return Err(format!(
                "hidden widths must be positive, got {:?}",
                self.hidden
            ));
        }
        for (name, v) in [
            ("lr", self.lr),
            ("lr_logz", self.lr_logz),
            ("temperature", self.temperature),
            ("logit_clip", self.logit_clip),
        ] {
            if !(v > 0.0 && v.is_finite()) {
                return Err(format!("{name} must be positive, got {v}"));
            }
        }
        if let Some(problem) = ember_engine::optim::adam_eps_problem("adam_eps", self.adam_eps) {
            return Err(problem);
        }
        if !(self.op_weight >= 0.0 && self.grad_clip >= 0.0 && self.kl_weight >= 0.0) {
            return Err("op_weight, grad_clip and kl_weight must be non-negative".into());
        }
        Ok(())
    }

    /// The loss label used in file names and tables, e.g. `op-subtb`.
    pub fn label(&self) -> String {
        if self.order_preserving {
            format!("op-{}", self.loss)
        } else {
            self.loss.to_string()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loss_names_round_trip_and_bad_names_list_valid_ones() {
        for name in LossKind::NAMES {
            assert_eq!(name.parse::<LossKind>().unwrap().to_string(), name);
        }
        let err = "xb".parse::<LossKind>().unwrap_err();
        assert!(
            err.contains("`xb`") && err.contains("tb, db, subtb, fl"),
            "{err}"
        );
    }

    #[test]
    fn presets_parse_and_validate() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../configs/gfn");
        let mut count = 0;
        for file in std::fs::read_dir(dir).unwrap() {
            let text = std::fs::read_to_string(file.unwrap().path()).unwrap();
            toml::from_str::<GfnConfig>(&text)
                .unwrap()
                .validate()
                .unwrap();
            count += 1;
        }
        assert_eq!(count, 2);
    }

    /// The Adam epsilon defaults to PyTorch's 1e-8, is read from TOML and is refused when not
    /// positive, with the field named.
    #[test]
    fn adam_eps() {
        assert_eq!(GfnConfig::default().adam_eps, 1e-8);
        let config: GfnConfig = toml::from_str("adam_eps = 1e-6\n").unwrap();
        assert_eq!(config.adam_eps, 1e-6);
        config.validate().unwrap();
        for bad in ["0.0", "-1e-8"] {
            let config: GfnConfig = toml::from_str(&format!("adam_eps = {bad}\n")).unwrap();
            let err = config.validate().unwrap_err();
            assert!(err.contains("adam_eps = "), "{err}");
        }
    }

    #[test]
    fn validation_names_the_field() {
        let bad = GfnConfig {
            epsilon: 1.5,
            ..GfnConfig::default()
        };
        assert!(bad.validate().unwrap_err().contains("epsilon"));
        assert!(GfnConfig::default().validate().is_ok());
    }
}
