//! `ember eval --checkpoint DIR [--env ENV] [--episodes N] [--dataset F] [--set K=V]
//! [--planner td|dd]`: any checkpoint, of an offline agent or a SAC snapshot.

use ember::engine::parse_device;
use ember::evaluate::evaluate_policy;
use ember::saved_policy::SavedPolicy;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(clap::Args)]
pub struct Args {
    /// Checkpoint directory or run directory (its latest checkpoint).
    #[arg(long)]
    checkpoint: PathBuf,
    /// Environment (defaults to the one the agent was trained for).
    #[arg(long)]
    env: Option<String>,
    /// Episodes to run.
    #[arg(long, default_value_t = 10)]
    episodes: usize,
    /// Seed of the first episode.
    #[arg(long, default_value_t = 100)]
    seed: u64,
    /// Dataset whose reference scores normalise the return (defaults to an offline agent's
    /// training dataset; a suite file gives a SAC snapshot the suite's scores).
    #[arg(long)]
    dataset: Option<PathBuf>,
    /// Device to run the policy on.
    #[arg(long, default_value = "cpu")]
    device: String,
    /// Override an offline agent's `[algo]` hyperparameter for acting, e.g.
    /// `--set candidates=8` (repeatable).
    #[arg(long = "set", value_name = "KEY=VALUE")]
    set: Vec<String>,
    /// Trajectory Diffuser's planner: `td` (drafter + K refinement steps) or `dd` (the
    /// Decision-Diffuser baseline: the whole chain from noise); shorthand for `--set planner=..`.
    #[arg(long)]
    planner: Option<String>,
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let device = parse_device(&args.device)?;
    let mut overrides = Vec::new();
    for set in &args.set {
        let Some((key, value)) = set.split_once('=') else {
            anyhow::bail!("--set {set}: expected KEY=VALUE");
        };
        overrides.push((key.trim().to_string(), value.trim().to_string()));
    }
    if let Some(planner) = &args.planner {
        overrides.push(("planner".into(), format!("\"{planner}\"")));
    }
    let mut saved = SavedPolicy::open_with(&args.checkpoint, &device, false, &overrides)?;
    let env = args.env.unwrap_or(saved.env.clone());
    let reference = match args.dataset.or(saved.dataset) {
        Some(dataset) => match ember::datasets::load(&dataset) {
            Ok(data) => data.reference_scores(),
            Err(error) => {
                tracing::warn!("no reference scores: {error}");
                None
            }
        },
        None => None,
    };
    let report = evaluate_policy(&mut saved.policy, &env, args.episodes, args.seed, reference)?;
    print!(
        "{} on {env}: return {:.1} +- {:.1} over {} episodes",
        saved.method,
        report.mean(),
        report.std(),
        report.returns.len()
    );
    match report.normalized {
        Some(score) => println!(", normalized score {score:.1}"),
        None => println!(),
    }
    Ok(ExitCode::SUCCESS)
}
