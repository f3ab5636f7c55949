//! The options the training commands share: device, seed, and overrides of the configuration's
//! budget and evaluation cadence.

use ember::config::{EvalConfig, RunOverrides};
use ember::engine::runtime::RunConfig;

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
