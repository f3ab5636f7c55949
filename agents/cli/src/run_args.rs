//! What the training commands share: the configuration from `--config` and/or `--algo`, the
//! device, the seed, and overrides of the configuration's budget and evaluation cadence.

use anyhow::bail;
use ember::algo::AlgoConfig;
use ember::config::ConfigFile;
use ember::config::{EvalConfig, TrainConfig};
use ember::engine::runtime::RunConfig;
use ember::online::{OnlineAlgoConfig, OnlineConfig};
use std::path::Path;

/// A configuration file that names its algorithm: offline ([`TrainConfig`]) or online
/// ([`OnlineConfig`]).
pub trait AlgoFile: ConfigFile {
    /// The algorithms it can configure.
    const NAMES: &'static [&'static str];
    /// The defaults of algorithm `name`.
    fn defaults(name: &str) -> Option<Self>;
    /// The algorithm it configures.
    fn algo_name(&self) -> &str;
}

impl AlgoFile for TrainConfig {
    const NAMES: &'static [&'static str] = AlgoConfig::NAMES;
    fn defaults(name: &str) -> Option<Self> {
        AlgoConfig::by_name(name).map(TrainConfig::defaults)
    }
    fn algo_name(&self) -> &str {
        self.algo.name()
    }
}

impl AlgoFile for OnlineConfig {
    const NAMES: &'static [&'static str] = OnlineAlgoConfig::NAMES;
    fn defaults(name: &str) -> Option<Self> {
        OnlineAlgoConfig::by_name(name).map(OnlineConfig::defaults)
    }
    fn algo_name(&self) -> &str {
        self.algo.name()
    }
}

/// The configuration of `--config` (which `--algo`, if given, must agree with), or the
/// defaults of `--algo`.
pub fn configure<C: AlgoFile>(config: Option<&Path>, algo: Option<&str>) -> anyhow::Result<C> {
    let known = || C::NAMES.join(", ");
    let defaults = |name: &str| {
        C::defaults(name)
            .ok_or_else(|| anyhow::anyhow!("unknown algorithm `{name}`; known: {}", known()))
    };
    match (config, algo) {
        (Some(path), algo) => {
            let config = C::load(path)?;
            if let Some(algo) = algo {
                let wanted = defaults(algo)?;
                if wanted.algo_name() != config.algo_name() {
                    bail!(
                        "--algo {algo} disagrees with {} (which configures {})",
                        path.display(),
                        config.algo_name()
                    );
                }
            }
            Ok(config)
        }
        (None, Some(algo)) => defaults(algo),
        (None, None) => bail!("give --algo ({}) or --config", known()),
    }
}

/// Command-line overrides of a configuration's budget and evaluation cadence, shared by the
/// training commands (`ember train`, `ember train-online`, `ember gfn`, `d4rl-bench`).
#[derive(Clone, Debug, Default, clap::Args)]
pub struct RunOverrides {
    /// Training steps (overrides the config).
    #[arg(long)]
    pub steps: Option<usize>,
    /// Evaluate every this many steps (overrides the config).
    #[arg(long)]
    pub eval_every: Option<usize>,
    /// Episodes per evaluation (overrides the config).
    #[arg(long)]
    pub eval_episodes: Option<usize>,
}

impl RunOverrides {
    /// Writes the given overrides into a configuration's run and evaluation sections.
    pub fn apply(&self, run: &mut RunConfig, eval: &mut EvalConfig) {
        self.apply_run(run);
        if let Some(episodes) = self.eval_episodes {
            eval.episodes = episodes;
        }
    }

    /// Writes the budget and cadence overrides (not `--eval-episodes`) into a run section.
    pub fn apply_run(&self, run: &mut RunConfig) {
        if let Some(steps) = self.steps {
            run.steps = steps;
        }
        if let Some(every) = self.eval_every {
            run.eval_every = every;
        }
    }
}

/// The flags every training command shares: budget and cadence overrides, device, seed.
#[derive(clap::Args)]
pub struct RunArgs {
    #[command(flatten)]
    pub overrides: RunOverrides,
    /// Device: cpu (default), ndarray, wgpu[:N], tch-cuda[:N] (by build features).
    #[arg(long, default_value = "cpu")]
    pub device: String,
    /// Seed of everything random.
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
}

impl RunArgs {
    /// Writes the overrides, and whether to draw a progress bar, into the configuration.
    pub fn apply(&self, run: &mut RunConfig, eval: &mut EvalConfig, quiet: bool) {
        self.overrides.apply(run, eval);
        run.progress = !quiet;
    }
}
