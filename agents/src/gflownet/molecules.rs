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

/// A batched SMILES scorer ([`MoleculeTask::batched`]): one call scores a whole batch,
/// returning one vector of objective values per molecule, in order, or an error message.
pub type BatchScorer = Box<dyn Fn(&[String]) -> Result<Vec<Vec<f64>>, String> + Send + Sync>;

/// Molecule design: build molecules from fragments, score their SMILES.
///
/// `log R(x) = Σ_k ln max(v_k, 1e-4)` (the product of the objectives) for TB/DB/SubTB/FL;
/// order-preserving runs use only the order of the objective vectors (Pareto for several).
/// Forward-looking losses score partial molecules the same way (`log R(s_0) = 0`). A
/// molecule is a mode when its reward reaches `mode_threshold` and, with
/// [`MoleculeTask::distinct_modes`], when its ECFP4 Tanimoto similarity to every mode found
/// before it is below a bound.
///
/// The sampler scores each batch of new molecules with one call of the scorer (a batched
/// scorer sees them all at once); scores are cached by SMILES. A scorer that fails, returns
/// a non-finite value or the wrong number of values stops the run with a message naming the
/// molecule ([`Task::failure`]).
pub struct MoleculeTask {
    env: FragMolEnv,
    scorer: BatchScorer,
    /// Values per molecule the scorer must return, when known.
    n_objectives: Option<usize>,
    /// The first scoring error; once set, the scorer is not called again.
    failure: Mutex<Option<String>>,
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
        let batch =
            move |smiles: &[String]| Ok(smiles.iter().map(|s| scorer(s)).collect::<Vec<_>>());
        Self::with_scorer(max_frags, Box::new(batch), None, mode_threshold)
    }

    /// Like [`MoleculeTask::new`], with a scorer called once per batch of molecules (a
    /// Python function, a model on a GPU) that returns `n_objectives` values per molecule
    /// or an error message, which stops the run ([`Task::failure`]).
    pub fn batched(
        max_frags: usize,
        n_objectives: usize,
        scorer: impl Fn(&[String]) -> Result<Vec<Vec<f64>>, String> + Send + Sync + 'static,
        mode_threshold: f64,
    ) -> Result<Self, GfnError> {
        if n_objectives == 0 {
            return Err(GfnError::Task(
                "a molecule task needs at least one objective".into(),
            ));
        }
        Self::with_scorer(
            max_frags,
            Box::new(scorer),
            Some(n_objectives),
            mode_threshold,
        )
    }

    fn with_scorer(
        max_frags: usize,
        scorer: BatchScorer,
        n_objectives: Option<usize>,
        mode_threshold: f64,
    ) -> Result<Self, GfnError> {
        let env = FragMolEnv::new(Vocabulary::default_set(), max_frags)
            .map_err(|e| GfnError::Task(e.to_string()))?;
        Ok(Self {
            env,
            scorer,
            n_objectives,
            failure: Mutex::new(None),
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

    /// The objectives of a molecule: from the cache, else scored alone; after a scoring
    /// error (the run is stopping), zeros.
    fn objectives_of(&self, smiles: &str) -> Vec<f64> {
        if let Some(v) = self.cache.lock().expect("score cache").get(smiles) {
            return v.clone();
        }
        self.score_uncached(&[smiles.to_string()]);
        let cached = self.cache.lock().expect("score cache").get(smiles).cloned();
        cached.unwrap_or_else(|| vec![0.0; self.n_objectives.unwrap_or(1)])
    }

    /// Scores `smiles` (not yet cached) with one call of the scorer and caches the values,
    /// or records the first error.
    fn score_uncached(&self, smiles: &[String]) {
        if smiles.is_empty() || self.failure().is_some() {
            return;
        }
        match (self.scorer)(smiles).and_then(|values| self.checked(smiles, values)) {
            Ok(values) => self
                .cache
                .lock()
                .expect("score cache")
                .extend(smiles.iter().cloned().zip(values)),
            Err(message) => {
                let mut failure = self.failure.lock().expect("scoring failure");
                failure.get_or_insert(message);
            }
        }
    }

    /// The scorer's output if it has one finite value per objective for each molecule.
    fn checked(&self, smiles: &[String], values: Vec<Vec<f64>>) -> Result<Vec<Vec<f64>>, String> {
        if values.len() != smiles.len() {
            return Err(format!(
                "the scorer returned {} scores for {} molecules (one per molecule expected)",
                values.len(),
                smiles.len()
            ));
        }
        for (s, v) in smiles.iter().zip(&values) {
            let expected = self.n_objectives.unwrap_or(v.len().max(1));
            if v.len() != expected {
                return Err(format!(
                    "the scorer returned {} values for `{s}`, expected {expected} (one per objective)",
                    v.len()
                ));
            }
            if let Some(bad) = v.iter().find(|x| !x.is_finite()) {
                return Err(format!(
                    "the scorer returned {bad} for `{s}`; scores must be finite numbers"
                ));
            }
        }
        Ok(values)
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

    fn prefetch(&self, objects: &[&FragGraph]) {
        let mut smiles: Vec<String> = {
            let cache = self.cache.lock().expect("score cache");
            objects
                .iter()
                .filter(|x| !x.is_empty())
                .map(|x| self.env.smiles(x))
                .filter(|s| !cache.contains_key(s))
                .collect()
        };
        smiles.sort_unstable();
        smiles.dedup();
        self.score_uncached(&smiles);
    }

    fn failure(&self) -> Option<String> {
        self.failure.lock().expect("scoring failure").clone()
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

    /// A batched scorer sees each sampled batch in one call; its errors, wrong lengths and
    /// NaNs stop the run with a message naming the problem.
    #[test]
    fn a_batched_scorer_is_called_once_per_batch_and_its_errors_stop_the_run() {
        use crate::gflownet::{RunOptions, train_run};
        use ember_engine::runtime::RunConfig;
        use std::sync::Arc;
        use std::sync::atomic::{AtomicUsize, Ordering};
        let calls = Arc::new(AtomicUsize::new(0));
        let seen = calls.clone();
        let task = MoleculeTask::batched(
            3,
            1,
            move |smiles| {
                seen.fetch_add(1, Ordering::SeqCst);
                Ok(smiles.iter().map(|s| vec![s.len() as f64 / 40.0]).collect())
            },
            0.5,
        )
        .unwrap();
        let config = GfnConfig {
            batch_size: 8,
            hidden: vec![16],
            ..GfnConfig::default()
        };
        let device = Device::flex().autodiff();
        let mut gfn = GflowNet::new(task, config.clone(), &device, 0).unwrap();
        let drawn = gfn.sample(8, Exploration::ON_POLICY);
        assert_eq!(calls.load(Ordering::SeqCst), 1);
        for t in &drawn {
            let smiles = gfn.task().key(t.object());
            assert_eq!(t.score.objectives, vec![smiles.len() as f64 / 40.0]);
        }
        let run = |scorer: BatchScorer| {
            let task = MoleculeTask::batched(3, 1, scorer, 0.5).unwrap();
            let mut gfn = GflowNet::new(task, config.clone(), &device, 0).unwrap();
            let options = RunOptions {
                run: RunConfig {
                    steps: 3,
                    progress: false,
                    ..RunConfig::default()
                },
                final_samples: 4,
                top_k: 2,
                run_dir: None,
                objective_names: vec!["score".into()],
            };
            train_run(&mut gfn, &options).unwrap_err().to_string()
        };
        let err = run(Box::new(|_| Err("my model is offline".into())));
        assert!(
            err.contains("step 0") && err.contains("my model is offline"),
            "{err}"
        );
        let err = run(Box::new(|s| Ok(vec![vec![0.5]; s.len() + 1])));
        assert!(err.contains("scores for"), "{err}");
        let err = run(Box::new(|s| Ok(vec![vec![f64::NAN]; s.len()])));
        assert!(err.contains("NaN for `") && err.contains("finite"), "{err}");
        let err = run(Box::new(|s| Ok(vec![vec![0.5, 0.5]; s.len()])));
        assert!(
            err.contains("returned 2 values") && err.contains("expected 1"),
            "{err}"
        );
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
