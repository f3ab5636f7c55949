//! SubPO's hyperparameters ([`SubpoConfig`], the `configs/subpo/*.toml` presets), the policy
//! classes ([`Method`]) and the credit each action gets ([`Credit`]).

use ember_engine::optim::{ADAM_EPS, adam_eps_problem};
use ember_envs::submodular::SubrlTask;
use serde::{Deserialize, Serialize};
#[cfg(test)]
use std::path::Path;
use std::str::FromStr;

/// Which policy input and which reward (the reference code's `alg.type`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum Method {
    /// SubPO-M: Markovian policy on the one-hot cell and `t / H`, marginal-gain rewards.
    #[default]
    #[serde(rename = "subpo-m")]
    SubpoM,
    /// SubPO-NM: non-Markovian policy, the one-hot cell, `t / H` and the bitmap of visited
    /// cells, marginal-gain rewards.
    #[serde(rename = "subpo-nm")]
    SubpoNm,
    /// MRL: SubPO-M's policy on modular rewards (`F({s})` at every visit, revisits pay again).
    #[serde(rename = "mrl")]
    Mrl,
}

impl Method {
    /// Every method name.
    pub const NAMES: [&'static str; 3] = ["subpo-m", "subpo-nm", "mrl"];

    /// The method's name.
    pub fn name(self) -> &'static str {
        match self {
            Method::SubpoM => Self::NAMES[0],
            Method::SubpoNm => Self::NAMES[1],
            Method::Mrl => Self::NAMES[2],
        }
    }

    /// Whether the policy sees the visited bitmap.
    pub fn bitmap(self) -> bool {
        self == Method::SubpoNm
    }

    /// Whether rewards are modular (MRL).
    pub fn modular(self) -> bool {
        self == Method::Mrl
    }
}

impl FromStr for Method {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s.trim().to_ascii_lowercase().replace('_', "-").as_str() {
            "subpo-m" | "m" => Ok(Method::SubpoM),
            "subpo-nm" | "nm" => Ok(Method::SubpoNm),
            "mrl" | "srl" => Ok(Method::Mrl),
            other => Err(format!(
                "unknown SubPO method `{other}`; valid: {}",
                Self::NAMES.join(", ")
            )),
        }
    }
}

/// The weight of `∇ log π(a_t | x_t)` in the policy gradient.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum Credit {
    /// The paper's form: the reward-to-go of marginal gains, `G_t = F(τ) − F(τ_{0:t})`.
    #[default]
    #[serde(rename = "rtg")]
    RewardToGo,
    /// The reference code's form: the prefix value `F(s_0..s_{t+1})` (for MRL the modular sum
    /// so far); `F(s_0..s_t)` is fixed before `a_t`, so in expectation each action gets its own
    /// one-step gain only.
    #[serde(rename = "one-step")]
    OneStep,
}

impl FromStr for Credit {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s.trim().to_ascii_lowercase().as_str() {
            "rtg" | "reward-to-go" => Ok(Credit::RewardToGo),
            "one-step" | "onestep" => Ok(Credit::OneStep),
            other => Err(format!("unknown credit `{other}`; valid: rtg, one-step")),
        }
    }
}

/// SubPO's hyperparameters; a step of the run is one epoch: a batch of trajectories and one
/// policy-gradient update.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SubpoConfig {
    /// Policy input and reward.
    pub method: Method,
    /// Credit assignment.
    pub credit: Credit,
    /// Epochs (policy-gradient steps).
    pub epochs: usize,
    /// Trajectories per epoch.
    pub batch: usize,
    /// Adam learning rate.
    pub lr: f64,
    /// Adam epsilon (PyTorch's 1e-8).
    pub adam_eps: f64,
    /// Hidden widths of the tanh policy MLP (the reference code's `[64, 32]`).
    pub hidden: Vec<usize>,
    /// Entropy bonus coefficient `c`; epoch `e` (0-based) uses `c / (e + 1)` as the reference
    /// code does (its default is 0).
    pub entropy_coef: f64,
    /// Subtract the batch mean of the credit at each time step (a baseline; the reference
    /// code has none).
    pub baseline: bool,
    /// Natural-gradient variant: a tabular softmax policy over `(cell, t)` (SubPO-M's and
    /// MRL's Markov input) updated by NPG with this step size instead of the MLP and Adam
    /// (`lr`, `adam_eps`, `hidden`, `entropy_coef` then unused). `None`: the MLP.
    pub npg_step: Option<f64>,
}

impl Default for SubpoConfig {
    fn default() -> Self {
        Self {
            method: Method::SubpoM,
            credit: Credit::RewardToGo,
            epochs: 50,
            batch: 500,
            lr: 1e-2,
            adam_eps: ADAM_EPS,
            hidden: vec![64, 32],
            entropy_coef: 0.0,
            baseline: true,
            npg_step: None,
        }
    }
}

impl SubpoConfig {
    /// The reference code's epochs, learning rate and batch for `task`
    /// (`params/<task>/*.yaml`; `configs/subpo/<task>.toml` holds the same values).
    pub fn preset(task: SubrlTask) -> Self {
        let (epochs, lr, batch) = match task {
            SubrlTask::Coverage => (50, 1e-2, 500),
            SubrlTask::Bimodal | SubrlTask::Gp => (140, 1e-3, 500),
            SubrlTask::Entropy => (150, 1e-3, 500),
            SubrlTask::Steiner => (150, 5e-3, 500),
            SubrlTask::TwoRooms => (140, 2e-2, 3000),
        };
        Self {
            epochs,
            lr,
            batch,
            ..Self::default()
        }
    }

    /// Rejects values that cannot train, naming the field.
    pub fn validate(&self) -> Result<(), String> {
        if self.epochs == 0 {
            return Err("epochs = 0: give at least one epoch".into());
        }
        if self.batch < 2 {
            return Err(format!(
                "batch = {}: a policy-gradient batch needs at least 2 trajectories",
                self.batch
            ));
        }
        if !(self.lr.is_finite() && self.lr > 0.0) {
            return Err(format!("lr = {}: must be finite and > 0", self.lr));
        }
        if self.hidden.contains(&0) {
            return Err(format!("hidden = {:?}: widths must be >= 1", self.hidden));
        }
        if !(self.entropy_coef.is_finite() && self.entropy_coef >= 0.0) {
            return Err(format!(
                "entropy_coef = {}: must be finite and >= 0",
                self.entropy_coef
            ));
        }
        if let Some(eta) = self.npg_step {
            if !(eta.is_finite() && eta > 0.0) {
                return Err(format!("npg_step = {eta}: must be finite and > 0"));
            }
            if self.method.bitmap() {
                return Err(
                    "npg_step: the tabular natural-gradient policy takes the (cell, t) \
                            input of subpo-m and mrl; subpo-nm's visited bitmap has no table"
                        .into(),
                );
            }
        }
        adam_eps_problem("adam_eps", self.adam_eps).map_or(Ok(()), Err)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `configs/subpo/<task>.toml` and [`SubpoConfig::preset`] agree.
    #[test]
    fn preset_files_match_the_presets() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../configs/subpo");
        for name in SubrlTask::NAMES {
            let path = dir.join(format!("{name}.toml"));
            let text = std::fs::read_to_string(&path).unwrap();
            let file: SubpoConfig = toml::from_str(&text).unwrap();
            let preset = SubpoConfig::preset(SubrlTask::parse(name).unwrap());
            assert_eq!(
                serde_json::to_value(&file).unwrap(),
                serde_json::to_value(&preset).unwrap(),
                "{}",
                path.display()
            );
        }
    }

    #[test]
    fn names_parse_and_bad_values_are_named() {
        assert_eq!("subpo-nm".parse::<Method>(), Ok(Method::SubpoNm));
        assert!(
            "ppo"
                .parse::<Method>()
                .unwrap_err()
                .contains("subpo-m, subpo-nm, mrl")
        );
        assert_eq!("one-step".parse::<Credit>(), Ok(Credit::OneStep));
        let bad = SubpoConfig {
            batch: 1,
            ..SubpoConfig::default()
        };
        assert!(bad.validate().unwrap_err().starts_with("batch = 1"));
    }
}
