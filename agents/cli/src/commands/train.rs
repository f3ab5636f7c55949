//! `ember train --algo iql|td3bc|odice|bc|cdsa [--base CKPT] --dataset F [--expert F [--imitation paper|
//! discriminator]] --env ENV [--device D] [--config C] [--steps N] [--seed S]`.

use crate::run_args::{RunArgs, configure};
use ember::algo::AlgoConfig;
use ember::config::TrainConfig;
use ember::engine::runtime::RISK_ALPHA;
use ember::imitation::ImitationMode;
use ember::train::{TrainJob, default_run_dir, train};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(clap::Args)]
pub struct Args {
    /// Algorithm: iql, td3bc, odice, bc, cdsa or trajdiff (may be omitted when --config names it).
    #[arg(long)]
    algo: Option<String>,
    /// D4RL HDF5 file or Minari dataset directory (may be omitted in the paper imitation
    /// mode, which trains on the expert file alone).
    #[arg(long)]
    dataset: Option<PathBuf>,
    /// Expert demonstrations (D4RL HDF5 or Minari): offline imitation, rewards ignored. See
    /// --imitation for the two modes.
    #[arg(long)]
    expert: Option<PathBuf>,
    /// Imitation mode with --expert (overrides [imitation] mode): `paper` (the O-DICE paper's
    /// IL: the expert file's first complete episode only, all rewards zero, no discriminator)
    /// or `discriminator` (expert stacked on --dataset, rewards from a learned log d_E/d_U).
    #[arg(long, requires = "expert")]
    imitation: Option<ImitationMode>,
    /// Environment to evaluate in (e.g. `pendulum`).
    #[arg(long)]
    env: String,
    /// TOML configuration (see configs/); defaults are the paper's.
    #[arg(long)]
    config: Option<PathBuf>,
    #[command(flatten)]
    run: RunArgs,
    /// A trained checkpoint or run directory the method wraps as its frozen base policy (CDSA:
    /// its evaluations then score base + CDSA; without one, CDSA adjusts the box's centre).
    #[arg(long)]
    base: Option<PathBuf>,
    /// Run directory; defaults to runs/<algo>-<dataset>-s<seed>. An existing run resumes.
    #[arg(long)]
    run_dir: Option<PathBuf>,
}

pub fn run(args: Args, quiet: bool) -> anyhow::Result<ExitCode> {
    let mut config: TrainConfig = configure(args.config.as_deref(), args.algo.as_deref())?;
    args.run.apply(&mut config.run, &mut config.eval, quiet);
    if let Some(mode) = args.imitation {
        config.imitation.mode = mode;
    }
    if args.base.is_some() && !matches!(config.algo, AlgoConfig::Cdsa(_)) {
        anyhow::bail!(
            "--base is for methods that wrap a trained policy (cdsa), not {}",
            config.algo.name()
        );
    }
    let paper = args.expert.is_some() && config.imitation.mode == ImitationMode::Paper;
    let dataset = match (args.dataset, &args.expert) {
        (Some(dataset), _) => dataset,
        (None, Some(expert)) if paper => expert.clone(),
        _ => anyhow::bail!(
            "--dataset is required (only the paper imitation mode, --expert F --imitation \
             paper, may omit it)"
        ),
    };
    let run_dir = args
        .run_dir
        .clone()
        .unwrap_or_else(|| default_run_dir(&config, &dataset, args.run.seed));
    let job = TrainJob {
        config,
        dataset,
        expert: args.expert,
        env: args.env,
        device: args.run.device,
        seed: args.run.seed,
        run_dir,
        base: args.base,
    };
    let outcome = train(&job)?;
    println!("run directory: {}", job.run_dir.display());
    println!(
        "behaviour policy (dataset) mean return: {:.1}",
        outcome.behaviour_return
    );
    if let Some(report) = outcome.summary.last() {
        print!(
            "final evaluation ({} episodes): return {:.1} +- {:.1}",
            report.returns.len(),
            report.mean(),
            report.std()
        );
        if let Some(risk) = report.risk() {
            print!(", CVaR_{RISK_ALPHA} {:.1}", risk.cvar);
        }
        match report.normalized {
            Some(score) => println!(", normalized score {score:.1}"),
            None => println!(" (no reference scores for this dataset)"),
        }
    }
    Ok(ExitCode::SUCCESS)
}
