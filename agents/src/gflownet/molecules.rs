//! Molecule design on the fragment environment: a [`MoleculeTask`] scores SMILES with any
//! function (the built-in QED / SA / MW objectives or a chemist's own), plus Tanimoto
//! diversity and a greedy diverse selection (cargo feature `chem`).

use super::{GfnError, Score, Task};
use ember_envs::gfn::metrics::mean_pairwise_distance;
use ember_envs::gfn::mol::{
    Fingerprint, FragGraph, FragMolEnv, MolObjective, Vocabulary, descriptors, fingerprint,
};
use std::collections::HashMap;
use std::sync::Mutex;

/// Lowest objective value kept in `log R = Σ ln max(v, floor)`.
const FLOOR: f64 = 1e-4;

/// A SMILES scorer: one value per objective, each to maximise, ideally in `[0, 1]`.
pub type Scorer = Box<dyn Fn(&str) -> Vec<f64> + Send + Sync>;

/// Molecule design: build molecules from fragments, score their SMILES.
///
/// `log R(x) = Σ_k ln max(v_k, 1e-4)` (the product of the objectives) for TB/DB/SubTB/FL;
/// order-preserving runs use only the order of the objective vectors (Pareto for several).
/// Forward-looking losses score partial molecules the same way (`log R(s_0) = 0`). A
/// molecule is a mode when its reward reaches `mode_threshold` and, with
/// [`MoleculeTask::distinct_modes`], when its ECFP4 Tanimoto similarity to every mode found
/// before it is below a bound.
pub struct MoleculeTask {
    env: FragMolEnv,
    scorer: Scorer,
    mode_threshold: f64,
    mode_max_similarity: Option<f64>,
    cache: Mutex<HashMap<String, Vec<f64>>>,
    fingerprints: Mutex<HashMap<String, Option<Fingerprint>>>,
}

/// The names of the built-in objectives, for `--objectives`.
pub const OBJECTIVE_NAMES: [&str; 3] = ["qed", "sa", "mw"];

/// Parses a comma-separated list of built-in objectives (`qed,sa,mw`).
pub fn parse_objectives(list: &str) -> Result<Vec<MolObjective>, GfnError> {
    list.split(',')
        .map(|name| match name.trim().to_ascii_lowercase().as_str() {
            "qed" => Ok(MolObjective::Qed),
            "sa" => Ok(MolObjective::Sa),
            "mw" => Ok(MolObjective::Mw),
            other => Err(GfnError::Task(format!(
                "unknown molecular objective `{other}`; valid: {}",
                OBJECTIVE_NAMES.join(", ")
            ))),
        })
        .collect()
}

impl MoleculeTask {
    /// Molecules of at most `max_frags` fragments of the default vocabulary, scored by
    /// `scorer`.
    pub fn new(
        max_frags: usize,
        scorer: impl Fn(&str) -> Vec<f64> + Send + Sync + 'static,
        mode_threshold: f64,
    ) -> Result<Self, GfnError> {
        let env = FragMolEnv::new(Vocabulary::default_set(), max_frags)
            .map_err(|e| GfnError::Task(e.to_string()))?;
        Ok(Self {
            env,
            scorer: Box::new(scorer),
            mode_threshold,
            mode_max_similarity: None,
            cache: Mutex::new(HashMap::new()),
            fingerprints: Mutex::new(HashMap::new()),
        })
    }

    /// Counts a new mode only when its ECFP4 Tanimoto similarity to every mode found before it
    /// is below `max_similarity` in `(0, 1]` (the molecule papers use 0.7).
    pub fn distinct_modes(mut self, max_similarity: f64) -> Result<Self, GfnError> {
        if !(max_similarity > 0.0 && max_similarity <= 1.0) {
            return Err(GfnError::Task(format!(
                "mode similarity bound must be in (0, 1], got {max_similarity}"
            )));
        }
        self.mode_max_similarity = Some(max_similarity);
        Ok(self)
    }

    /// The built-in objectives (QED, `(10 − SA)/9`, the MW window), computed from one
    /// descriptor pass per molecule; unreadable molecules score 0.
    pub fn with_objectives(
        max_frags: usize,
        objectives: &[MolObjective],
        mode_threshold: f64,
    ) -> Result<Self, GfnError> {
        let objectives = objectives.to_vec();
        Self::new(
            max_frags,
            move |smiles| match descriptors(smiles) {
                Ok(d) => objectives.iter().map(|o| o.value(&d)).collect(),
                Err(_) => vec![0.0; objectives.len()],
            },
            mode_threshold,
        )
    }

    fn objectives_of(&self, smiles: &str) -> Vec<f64> {
        let mut cache = self.cache.lock().expect("score cache");
        if let Some(v) = cache.get(smiles) {
            return v.clone();
        }
        let v = (self.scorer)(smiles);
        cache.insert(smiles.to_string(), v.clone());
        v
    }

    /// Tanimoto similarity of two molecules' ECFP4 fingerprints (cached); `None` when either
    /// SMILES does not parse.
    fn similarity(&self, a: &str, b: &str) -> Option<f64> {
        let mut cache = self.fingerprints.lock().expect("fingerprint cache");
        let mut fp = |s: &str| {
            cache
                .entry(s.to_string())
                .or_insert_with(|| fingerprint(s).ok())
                .clone()
        };
        Some(fp(a)?.tanimoto(&fp(b)?))
    }
}

impl Task for MoleculeTask {
    type Env = FragMolEnv;

    fn env(&self) -> &FragMolEnv {
        &self.env
    }

    fn score(&self, x: &FragGraph) -> Score {
        let objectives = self.objectives_of(&self.env.smiles(x));
        Score {
            log_reward: objectives.iter().map(|v| v.max(FLOOR).ln()).sum(),
            objectives,
        }
    }

    fn score_partial(&self, s: &FragGraph) -> Score {
        if s.is_empty() {
            // The empty molecule: no objectives (never compared), log R(s_0) = 0.
            Score {
                log_reward: 0.0,
                objectives: Vec::new(),
            }
        } else {
            self.score(s)
        }
    }

    fn key(&self, x: &FragGraph) -> String {
        self.env.smiles(x)
    }

    fn is_mode(&self, _x: &FragGraph, score: &Score) -> bool {
        score.log_reward.exp() >= self.mode_threshold
    }

    fn similar_modes(&self, a: &str, b: &str) -> bool {
        self.mode_max_similarity
            .is_some_and(|bound| self.similarity(a, b).is_some_and(|s| s >= bound))
    }

    fn diversity(&self, keys: &[&str]) -> Option<f64> {
        let fps: Vec<_> = keys.iter().filter_map(|k| fingerprint(k).ok()).collect();
        Some(mean_pairwise_distance(&fps, |a, b| 1.0 - a.tanimoto(b)))
    }
}

/// Greedy diverse selection: walks `smiles` (best first) and keeps a molecule when its ECFP4
/// Tanimoto similarity to every kept one is below `max_similarity`, until `k` are kept.
/// Returns the indices kept.
pub fn diverse_selection(smiles: &[String], k: usize, max_similarity: f64) -> Vec<usize> {
    let mut kept: Vec<(usize, Fingerprint)> = Vec::new();
    for (i, s) in smiles.iter().enumerate() {
        if kept.len() == k {
            break;
        }
        let Ok(fp) = fingerprint(s) else { continue };
        if kept.iter().all(|(_, f)| f.tanimoto(&fp) < max_similarity) {
            kept.push((i, fp));
        }
    }
    kept.into_iter().map(|(i, _)| i).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gflownet::{Exploration, GflowNet, GfnConfig, LossKind};
    use ember_engine::burn::tensor::Device;
    use ember_envs::gfn::metrics::ModeTracker;

    #[test]
    fn bad_objective_names_list_the_valid_ones() {
        assert_eq!(parse_objectives("qed, SA,mw").unwrap().len(), 3);
        let err = parse_objectives("qed,logp").unwrap_err().to_string();
        assert!(
            err.contains("`logp`") && err.contains("qed, sa, mw"),
            "{err}"
        );
    }

    #[test]
    fn the_dissimilarity_filter_counts_near_duplicates_once() {
        let task = |bound: Option<f64>| {
            let t = MoleculeTask::new(3, |_| vec![1.0], 0.5).unwrap();
            match bound {
                Some(b) => t.distinct_modes(b).unwrap(),
                None => t,
            }
        };
        // RDKit (Morgan radius 2, 2048 bits): Tanimoto(hexanol, hexane-1,6-diol) = 8/13;
        // benzene shares no bit with either.
        let (hexanol, diol, benzene) = ("CCCCCCO", "OCCCCCCO", "c1ccccc1");
        let sim = task(None).similarity(hexanol, diol).unwrap();
        assert!((sim - 8.0 / 13.0).abs() < 0.05, "{sim}");
        let filtered = task(Some(0.5));
        assert!(filtered.similar_modes(hexanol, diol));
        assert!(!filtered.similar_modes(hexanol, benzene));
        assert!(!task(Some(0.7)).similar_modes(hexanol, diol));
        assert!(!task(None).similar_modes(hexanol, diol));
        let mut modes = ModeTracker::new();
        let batch = [hexanol, diol, benzene].map(|s| (s.to_string(), true));
        let n = modes.observe_distinct(batch, |a, b| filtered.similar_modes(a, b));
        assert_eq!(n, 2);
        assert!(task(None).distinct_modes(1.5).is_err());
    }

    #[test]
    fn a_few_steps_on_molecules_give_scored_valid_smiles() {
        for (loss, op, objectives) in [(LossKind::Tb, false, "qed"), (LossKind::Fl, true, "qed,mw")]
        {
            let task =
                MoleculeTask::with_objectives(3, &parse_objectives(objectives).unwrap(), 0.5)
                    .unwrap();
            let config = GfnConfig {
                loss,
                order_preserving: op,
                batch_size: 4,
                hidden: vec![32],
                ..GfnConfig::default()
            };
            let device = Device::flex().autodiff();
            let mut gfn = GflowNet::new(task, config, &device, 0).unwrap();
            for _ in 0..2 {
                let (metrics, fresh) = gfn.train_step();
                assert!(metrics.read()["loss"].is_finite());
                assert_eq!(fresh.len(), 4);
            }
            for t in gfn.sample(6, Exploration::ON_POLICY) {
                let smiles = gfn.task().key(t.object());
                assert!(descriptors(&smiles).is_ok(), "{smiles}");
                assert_eq!(t.score.objectives.len(), objectives.split(',').count());
                assert!(t.score.log_reward.is_finite());
            }
        }
    }
}
