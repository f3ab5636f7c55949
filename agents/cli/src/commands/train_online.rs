//! `ember train-online --algo sac --env ENV [--config C] [--steps N] [--seed S] [--device D]
//! [--run-dir DIR] [--envs K]`.

use crate::run_args::{RunArgs, configure};
use ember::online::{OnlineConfig, OnlineJob, train_online};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(clap::Args)]
pub struct Args {
    /// Algorithm: sac (may be omitted when --config names it).
    #[arg(long)]
    algo: Option<String>,
    /// Environment to act in (e.g. `pendulum`, `hopper` with the mujoco feature).
    #[arg(long)]
    env: String,
    /// TOML configuration (see configs/sac/); defaults are the standard MuJoCo ones.
    #[arg(long)]
    config: Option<PathBuf>,
    /// Environments stepped in parallel (overrides the config).
    #[arg(long)]
    envs: Option<usize>,
    #[command(flatten)]
    run: RunArgs,
    /// Run directory; defaults to runs/<algo>-<env>-s<seed>. An existing run resumes.
    #[arg(long)]
    run_dir: Option<PathBuf>,
}

pub fn run(args: Args, quiet: bool) -> anyhow::Result<ExitCode> {
    let mut config: OnlineConfig = configure(args.config.as_deref(), args.algo.as_deref())?;
    if let Some(envs) = args.envs {
        config.envs = envs;
    }
    args.run.apply(&mut config.run, &mut config.eval, quiet);
    let run_dir = args.run_dir.clone().unwrap_or_else(|| {
        PathBuf::from("runs").join(format!(
            "{}-{}-s{}",
            config.algo.name(),
            args.env.to_ascii_lowercase(),
            args.run.seed
        ))
    });
    let job = OnlineJob {
        config,
        env: args.env,
        device: args.run.device,
        seed: args.run.seed,
        run_dir,
        record: false,
    };
    let outcome = train_online(&job)?;
    println!("run directory: {}", job.run_dir.display());
    println!(
        "{} environment steps in all; this process: {} gradient updates in {:.1} s \
         ({:.1} updates/s, acting and evaluation included)",
        outcome.env_steps,
        outcome.updates,
        outcome.seconds,
        outcome.updates as f64 / outcome.seconds.max(1e-9)
    );
    if let Some(report) = outcome.summary.last() {
        println!(
            "final evaluation ({} episodes, deterministic policy): return {:.1} +- {:.1}",
            report.returns.len(),
            report.mean(),
            report.std()
        );
    }
    Ok(ExitCode::SUCCESS)
}
