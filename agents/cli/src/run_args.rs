//! What the training commands share: the configuration from `--config` and/or `--algo`, the
//! device, the seed, and overrides of the configuration's budget and evaluation cadence.

use ember::config::EvalConfig;
pub use ember::configure::configure;
use ember::engine::runtime::RunConfig;

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
