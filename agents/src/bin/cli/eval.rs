//! `ember eval --checkpoint DIR [--env ENV] [--episodes N] [--dataset F]`.

use ember::algo::AgentCard;
use ember::engine::parse_device;
use ember::evaluate::evaluate_policy;
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
    /// Dataset whose reference scores normalise the return (defaults to the training dataset).
    #[arg(long)]
    dataset: Option<PathBuf>,
    /// Device to run the policy on.
    #[arg(long, default_value = "cpu")]
    device: String,
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let device = parse_device(&args.device)?;
    let (card, agent) = AgentCard::open(&args.checkpoint, &device)?;
    let env = args.env.unwrap_or(card.env.clone());
    let dataset = args.dataset.unwrap_or_else(|| PathBuf::from(&card.dataset));
    let reference = match ember::datasets::load(&dataset) {
        Ok(data) => data.reference_scores(),
        Err(error) => {
            tracing::warn!("no reference scores: {error}");
            None
        }
    };
    let report = evaluate_policy(&agent, &env, args.episodes, args.seed, reference)?;
    print!(
        "{} on {env}: return {:.1} +- {:.1} over {} episodes",
        card.config.name(),
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
