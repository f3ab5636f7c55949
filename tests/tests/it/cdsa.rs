//! CDSA's robustness test: a deliberately corrupted base policy (behaviour cloning on the
//! bundled Pendulum data, its actions perturbed by Gaussian noise at act time) is pulled back
//! toward the data by CDSA's denoiser: base + CDSA beats the noisy base by a clear margin on the
//! same episodes and the same noise. Also the one-line refusals of bad denoiser inputs. Release.

use ember::EpisodePolicy;
use ember::cdsa::{Denoiser, Knobs};
use ember::config::{ConfigFile, TrainConfig};
use ember::evaluate::evaluate_policy;
use ember::saved_policy::{SavedActor, SavedPolicy};
use ember::train::{TrainJob, train};
use ember_tests::{bundled_dataset, workspace_path};
use rand::SeedableRng;
use rand::rngs::StdRng;
use rand_distr::{Distribution, Normal};
use std::path::Path;

/// The preset `configs/<preset>.toml`, without a progress bar.
fn preset(preset: &str) -> TrainConfig {
    let mut config = TrainConfig::load(&workspace_path(&format!("configs/{preset}.toml"))).unwrap();
    config.run.progress = false;
    config
}

/// A job training `config` on the bundled dataset into `dir` (seed 0, cpu, Pendulum).
fn job(config: TrainConfig, dir: &Path, base: Option<&Path>) -> TrainJob {
    TrainJob {
        config,
        dataset: bundled_dataset(),
        expert: None,
        env: "pendulum".into(),
        device: "cpu".into(),
        seed: 0,
        run_dir: dir.to_path_buf(),
        base: base.map(Path::to_path_buf),
    }
}

/// Trains the preset `configs/<preset>.toml` on the bundled dataset into `dir` (seed 0).
fn train_preset(name: &str, dir: &Path, base: Option<&Path>) -> ember::Result<()> {
    train(&job(preset(name), dir, base)).map(|_| ())
}

/// Normalised points by which base + CDSA must beat the noisy base.
const MARGIN: f64 = 8.0;

/// A policy whose actions get Gaussian noise of std `std` (torque units) and are clipped to
/// Pendulum's [-2, 2]: the corrupted base.
struct Noisy {
    base: SavedActor,
    std: f32,
    rng: StdRng,
}

impl Noisy {
    fn new(base: SavedActor, std: f32) -> Self {
        Self {
            base,
            std,
            rng: StdRng::seed_from_u64(7),
        }
    }
}

impl EpisodePolicy for Noisy {
    fn reset(&mut self, slot: usize) {
        self.base.reset(slot);
    }

    fn act_in(&mut self, slots: &[usize], observations: &[Vec<f32>]) -> Vec<Vec<f32>> {
        let normal = Normal::new(0.0, self.std).unwrap();
        let mut actions = self.base.act_in(slots, observations);
        for a in actions.iter_mut().flatten() {
            *a = (*a + normal.sample(&mut self.rng)).clamp(-2.0, 2.0);
        }
        actions
    }
}

/// Noise std 1.0 (half the torque range) takes BC from 67.9 to 60.9 (normalised); the
/// denoiser runs the preset's knobs (A1, κ_s = 1, σ_q = 0.1), measured at 72.8.
#[test]
fn cdsa_pulls_a_noisy_base_back_toward_the_data() {
    let _turn = ember_tests::one_device_user();
    let runs = tempfile::tempdir().unwrap();
    let (bc_dir, cdsa_dir) = (runs.path().join("bc"), runs.path().join("cdsa"));
    train_preset("pendulum/bc", &bc_dir, None).unwrap();
    train_preset("cdsa/pendulum", &cdsa_dir, None).unwrap();

    let device = ember::engine::parse_device("cpu").unwrap();
    let reference = ember::datasets::load(&bundled_dataset())
        .unwrap()
        .reference_scores();
    let score = |policy: &mut dyn ember::EpisodePolicy| {
        evaluate_policy(policy, "pendulum", 10, 100, reference)
            .unwrap()
            .normalized
            .unwrap()
    };
    let open = || {
        Noisy::new(
            SavedPolicy::open(&bc_dir, &device, false).unwrap().policy,
            1.0,
        )
    };
    let noisy = score(&mut open());
    let denoiser = Denoiser::open(&cdsa_dir, &device).unwrap();
    let mut denoised = denoiser.wrap(open(), "pendulum").unwrap();
    let cleaned = score(&mut denoised);
    println!("noisy BC {noisy:.1}, noisy BC + CDSA {cleaned:.1} (normalised)");
    assert!(
        cleaned > noisy + MARGIN,
        "noisy BC + CDSA {cleaned:.1} vs noisy BC {noisy:.1}"
    );
}

/// A denoiser trained on other shapes, a missing base, a negative κ, a non-CDSA run: each is
/// refused in one line that names the problem.
#[test]
fn bad_denoiser_inputs_are_refused_in_one_line() {
    let _turn = ember_tests::one_device_user();
    let runs = tempfile::tempdir().unwrap();
    let (bc_dir, cdsa_dir) = (runs.path().join("bc"), runs.path().join("cdsa"));
    let mut bc = preset("pendulum/bc");
    bc.run.steps = 10;
    let mut cdsa = preset("cdsa/pendulum");
    cdsa.run.steps = 10;
    train(&job(bc.clone(), &bc_dir, None)).unwrap();
    train(&job(cdsa.clone(), &cdsa_dir, None)).unwrap();
    let device = ember::engine::parse_device("cpu").unwrap();
    let one_line = |message: String, needle: &str| {
        assert!(!message.contains('\n'), "{message}");
        assert!(message.contains(needle), "`{needle}` not in: {message}");
    };

    // A denoiser trained on Pendulum (3-d, 1-d) cannot adjust a MountainCar policy (2-d, 1-d).
    let base = SavedPolicy::open(&bc_dir, &device, false).unwrap();
    let denoiser = Denoiser::open(&cdsa_dir, &device).unwrap();
    let err = denoiser
        .wrap(base.policy, "mountaincar-continuous")
        .err()
        .unwrap();
    one_line(
        err.to_string(),
        "trained on pendulum (3-d observations, 1-d actions) and cannot adjust a policy acting \
         in mountaincar-continuous (2-d observations, 1-d actions)",
    );

    // A missing base checkpoint, at training and at evaluation time.
    let missing = runs.path().join("no-such-run");
    let err = train(&job(cdsa.clone(), &runs.path().join("c2"), Some(&missing)))
        .err()
        .unwrap();
    one_line(err.to_string(), "no-such-run");
    let err = SavedPolicy::open(&missing, &device, false).err().unwrap();
    one_line(err.to_string(), "neither a checkpoint");

    // A BC run is not a denoiser.
    let err = Denoiser::open(&bc_dir, &device).err().unwrap();
    one_line(err.to_string(), "a bc checkpoint, not a CDSA denoiser");

    // κ < 0, in a config and as a knob.
    let mut negative = cdsa.clone();
    if let ember::algo::AlgoConfig::Cdsa(c) = &mut negative.algo {
        c.knobs.kappa_a = -0.1;
    }
    let err = train(&job(negative, &runs.path().join("c3"), None))
        .err()
        .unwrap();
    one_line(err.to_string(), "knobs.kappa_a = -0.1: must be >= 0");
    let err = Knobs::default().set("kappa", "-1").unwrap_err();
    one_line(err, "kappa_s = -1: must be >= 0");
}
