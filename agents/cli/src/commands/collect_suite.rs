//! `ember collect-suite --env ENV --out DIR [--seed S] [--size ROWS] [--config C] [--steps N]
//! [--snapshots K] [--device D]`: the D4RL dataset family of one environment.

use ember::config::ConfigFile;
use ember::online::{OnlineAlgoConfig, OnlineConfig};
use ember::suite::{SuiteOptions, build_suite};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(clap::Args)]
pub struct Args {
    /// Environment id or alias (e.g. `pendulum`); names the files `<env>-<kind>.hdf5`.
    #[arg(long)]
    env: String,
    /// Output directory.
    #[arg(long)]
    out: PathBuf,
    /// Seed of training and of every rollout.
    #[arg(long, default_value_t = 0)]
    seed: u64,
    /// Rows of the random, medium and expert files each.
    #[arg(long, default_value_t = 10_000)]
    size: usize,
    /// SAC configuration (see configs/sac/); defaults are the standard MuJoCo ones (1M steps).
    #[arg(long)]
    config: Option<PathBuf>,
    /// SAC training steps (overrides the config).
    #[arg(long)]
    steps: Option<usize>,
    /// Evaluated snapshots kept during training, evenly spaced; the best is the expert.
    #[arg(long, default_value_t = 20)]
    snapshots: usize,
    /// Device: cpu (default), ndarray, wgpu[:N], tch-cuda[:N] (by build features).
    #[arg(long, default_value = "cpu")]
    device: String,
}

pub fn run(args: Args, quiet: bool) -> anyhow::Result<ExitCode> {
    let mut config = match &args.config {
        Some(path) => OnlineConfig::load(path)?,
        None => OnlineConfig::defaults(OnlineAlgoConfig::by_name("sac").expect("sac is known")),
    };
    if let Some(steps) = args.steps {
        config.run.steps = steps;
    }
    let options = SuiteOptions {
        env: args.env,
        out_dir: args.out,
        seed: args.seed,
        size: args.size,
        config,
        snapshots: args.snapshots,
        device: args.device,
        progress: !quiet,
    };
    let report = build_suite(&options)?;
    let scores = &report.scores;
    for (kind, path, data) in &report.files {
        let returns = data.episode_returns();
        println!(
            "{kind:>13}: {} ({} rows, {} episodes, mean episode return {:.1})",
            path.display(),
            data.len(),
            returns.len(),
            returns.iter().sum::<f64>() / returns.len().max(1) as f64
        );
    }
    println!(
        "reference scores: min {:.1} (random), max {:.1} (expert); medium = snapshot at step {} \
         (evaluation return {:.1}, target {:.1}); expert = step {} (evaluation return {:.1})",
        scores.ref_min_score,
        scores.ref_max_score,
        scores.medium_step,
        scores.medium_eval_return,
        scores.medium_target,
        scores.expert_step,
        scores.expert_eval_return
    );
    println!(
        "wall-clock: {:.1} s in all, {:.1} s of SAC training",
        report.seconds, report.train_seconds
    );
    Ok(ExitCode::SUCCESS)
}
