//! `ember eval --checkpoint DIR [--env ENV] [--episodes N] [--dataset F]`: any checkpoint, of
//! an offline agent or a SAC snapshot.

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
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let device = parse_device(&args.device)?;
    let mut saved = SavedPolicy::open(&args.checkpoint, &device, false)?;
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
