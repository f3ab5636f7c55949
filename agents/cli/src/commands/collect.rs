//! `ember collect --env ENV --policy random|scripted|CHECKPOINT [--sample] --steps N --out F.hdf5`.

use anyhow::{Context, bail};
use ember::collect::{Behaviour, CollectOptions, collect};
use ember::datasets::{MetaValue, d4rl};
use ember::engine::parse_device;
use ember::saved_policy::SavedPolicy;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(clap::Args)]
pub struct Args {
    /// Environment id or alias (e.g. `pendulum`).
    #[arg(long)]
    env: String,
    /// `random`, `scripted` (the env's hand-written controller) or a checkpoint/run directory
    /// (an offline agent or a SAC snapshot).
    #[arg(long, default_value = "random")]
    policy: String,
    /// Sample a SAC policy's actions instead of taking its mean, as D4RL did; records
    /// `infos/action_log_probs`.
    #[arg(long)]
    sample: bool,
    /// Rows to record.
    #[arg(long)]
    steps: usize,
    /// Output HDF5 file (D4RL layout).
    #[arg(long)]
    out: PathBuf,
    /// Seed of the environment and the noise.
    #[arg(long, default_value_t = 0)]
    seed: u64,
    /// Gaussian action noise, relative to the half-width of the action box.
    #[arg(long, default_value_t = 0.0)]
    noise: f64,
    /// Probability of a uniform random action instead of the policy's.
    #[arg(long, default_value_t = 0.0)]
    epsilon: f64,
    /// A CDSA run (`ember train --algo cdsa`) whose denoiser adjusts the checkpoint policy's
    /// actions (base + CDSA).
    #[arg(long)]
    denoiser: Option<PathBuf>,
    /// Device for a checkpoint policy.
    #[arg(long, default_value = "cpu")]
    device: String,
    /// Reference return of a random policy, stored as `metadata/ref_min_score`.
    #[arg(long, allow_negative_numbers = true)]
    ref_min: Option<f64>,
    /// Reference return of an expert policy, stored as `metadata/ref_max_score`.
    #[arg(long, allow_negative_numbers = true)]
    ref_max: Option<f64>,
}

pub fn run(args: Args, quiet: bool) -> anyhow::Result<ExitCode> {
    let mut env = ember::envs::make(&args.env)?;
    let (mut behaviour, label) = match args.policy.as_str() {
        "random" => (Behaviour::Random, "random".to_string()),
        "scripted" => {
            let Some(controller) = ember::scripted::controller(&args.env) else {
                bail!(
                    "no scripted controller for environment `{}` (pendulum and mountaincar have one)",
                    args.env
                );
            };
            (Behaviour::Scripted(controller), "scripted".to_string())
        }
        path => {
            let device = parse_device(&args.device)?;
            ember::engine::seed::seed_everything(&device, args.seed);
            let saved =
                SavedPolicy::open(Path::new(path), &device, args.sample).with_context(|| {
                    format!("--policy {path}: not `random`, `scripted`, or a loadable checkpoint")
                })?;
            let saved = match &args.denoiser {
                Some(run) => saved.denoised(run, &device)?,
                None => saved,
            };
            (saved.policy.into(), saved.method)
        }
    };
    if args.denoiser.is_some() && matches!(behaviour, Behaviour::Random | Behaviour::Scripted(_)) {
        bail!("--denoiser needs a checkpoint as --policy");
    }
    if args.sample && matches!(behaviour, Behaviour::Random | Behaviour::Scripted(_)) {
        bail!("--sample needs a SAC checkpoint as --policy");
    }
    let options = CollectOptions {
        steps: args.steps,
        seed: args.seed,
        noise: args.noise,
        epsilon: args.epsilon,
        label,
        progress: !quiet,
    };
    let mut dataset = collect(env.as_mut(), &mut behaviour, &options)?;
    if let Some(min) = args.ref_min {
        dataset
            .metadata
            .insert("ref_min_score".into(), MetaValue::Float(min));
    }
    if let Some(max) = args.ref_max {
        dataset
            .metadata
            .insert("ref_max_score".into(), MetaValue::Float(max));
    }
    if let Some(parent) = args.out.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent)
            .with_context(|| format!("cannot create {}", parent.display()))?;
    }
    d4rl::write(&args.out, &dataset)?;
    let returns = dataset.episode_returns();
    let mean = returns.iter().sum::<f64>() / returns.len().max(1) as f64;
    println!(
        "wrote {} ({} rows, {} episode{}, mean episode return {mean:.1})",
        args.out.display(),
        dataset.len(),
        returns.len(),
        if returns.len() == 1 { "" } else { "s" }
    );
    Ok(ExitCode::SUCCESS)
}
