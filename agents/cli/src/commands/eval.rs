//! `ember eval --checkpoint DIR [--env ENV] [--episodes N] [--dataset F] [--set K=V]
//! [--planner td|dd] [--denoiser RUN [--knob K=V].. [--sweep K=V1,V2,..]]`: any checkpoint, of
//! an offline agent or a SAC or GAIL snapshot; with a CDSA denoiser, the checkpoint alone and
//! base + CDSA on the same episodes.

use anyhow::{Context, bail};
use ember::cdsa::{Denoised, Denoiser, Knobs};
use ember::engine::parse_device;
use ember::engine::runtime::{EvalReport, RISK_ALPHA};
use ember::evaluate::evaluate_policy;
use ember::saved_policy::{SavedActor, SavedPolicy};
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
    /// A CDSA run (`ember train --algo cdsa`): evaluate the checkpoint alone and with its
    /// actions denoised, on the same seeds.
    #[arg(long)]
    denoiser: Option<PathBuf>,
    /// With --denoiser: set an inference knob, `key=value` (variant, kappa, kappa_s, kappa_a,
    /// sigma_q, steps; `kappa` is the variant's own step); repeatable.
    #[arg(long = "knob", requires = "denoiser", value_name = "KEY=VALUE")]
    knobs: Vec<String>,
    /// With --denoiser: evaluate base + CDSA once per value of one knob, `key=v1,v2,..`
    /// (e.g. `kappa=0,0.25,0.5,1`), and print a table.
    #[arg(long, requires = "denoiser", value_name = "KEY=V1,V2,..")]
    sweep: Option<String>,
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
    let env = args.env.clone().unwrap_or(saved.env.clone());
    let reference = saved.reference_scores(args.dataset.as_deref());
    let Some(run) = &args.denoiser else {
        let report = evaluate_policy(&mut saved.policy, &env, args.episodes, args.seed, reference)?;
        println!("{}", summary(&saved.method, &env, &report));
        return Ok(ExitCode::SUCCESS);
    };
    // Open the denoiser, check its shapes and every knob before the first episode.
    let mut denoiser = Denoiser::open(run, &device)?;
    denoiser.check(&env)?;
    for knob in &args.knobs {
        let (key, value) = split_knob(knob)?;
        denoiser
            .knobs
            .set(key, value)
            .map_err(|e| anyhow::anyhow!("--knob {knob}: {e}"))?;
    }
    let sweep = match &args.sweep {
        Some(spec) => Some(sweep_values(spec, &denoiser.knobs)?),
        None => None,
    };
    let base = evaluate_policy(&mut saved.policy, &env, args.episodes, args.seed, reference)?;
    let mut denoised = denoiser.wrap(saved.policy, &env)?;
    let label = format!("{}+cdsa", saved.method);
    let Some((key, values)) = sweep else {
        let report = evaluate_policy(&mut denoised, &env, args.episodes, args.seed, reference)?;
        println!("{}", summary(&saved.method, &env, &base));
        println!("{}", summary(&label, &env, &report));
        println!("knobs: {}", describe(&denoised.denoiser.knobs));
        return Ok(ExitCode::SUCCESS);
    };
    println!(
        "{label} on {env}, {} episodes from seed {}, sweeping {key} (other knobs: {})\n",
        args.episodes,
        args.seed,
        describe(&denoised.denoiser.knobs)
    );
    println!("| {key} | return | CVaR_{RISK_ALPHA} | normalized score | score CVaR_{RISK_ALPHA} |");
    println!("|---|---|---|---|---|");
    println!("{}", table_row("base alone", &base));
    for value in values {
        set_knob(&mut denoised, key, &value)?;
        let report = evaluate_policy(&mut denoised, &env, args.episodes, args.seed, reference)?;
        println!("{}", table_row(&value, &report));
    }
    Ok(ExitCode::SUCCESS)
}

fn split_knob(knob: &str) -> anyhow::Result<(&str, &str)> {
    knob.split_once('=')
        .map(|(k, v)| (k.trim(), v.trim()))
        .ok_or_else(|| {
            anyhow::anyhow!(
                "`{knob}`: expected key=value with key one of {}",
                Knobs::KEYS.join(", ")
            )
        })
}

/// Parses `key=v1,v2,..`, checking every value on a copy of `knobs`.
fn sweep_values<'a>(spec: &'a str, knobs: &Knobs) -> anyhow::Result<(&'a str, Vec<String>)> {
    let (key, list) = split_knob(spec).context("--sweep")?;
    let values: Vec<String> = list
        .split(',')
        .map(|v| v.trim().to_owned())
        .filter(|v| !v.is_empty())
        .collect();
    if values.is_empty() {
        bail!("--sweep {spec}: no values to try");
    }
    for value in &values {
        knobs
            .clone()
            .set(key, value)
            .map_err(|e| anyhow::anyhow!("--sweep {spec}: {e}"))?;
    }
    Ok((key, values))
}

fn set_knob(denoised: &mut Denoised<SavedActor>, key: &str, value: &str) -> anyhow::Result<()> {
    denoised
        .denoiser
        .knobs
        .set(key, value)
        .map_err(anyhow::Error::msg)
}

fn describe(knobs: &Knobs) -> String {
    format!(
        "variant {:?}, kappa_s {}, kappa_a {}, sigma_q {}, steps {}",
        knobs.variant, knobs.kappa_s, knobs.kappa_a, knobs.sigma_q, knobs.steps
    )
}

/// `method on env: return m +- s over N episodes, VaR_0.1 v, CVaR_0.1 c[, normalized score x
/// (CVaR_0.1 y)]`.
fn summary(method: &str, env: &str, report: &EvalReport) -> String {
    let mut line = format!(
        "{method} on {env}: return {:.1} +- {:.1} over {} episodes",
        report.mean(),
        report.std(),
        report.returns.len()
    );
    if let Some(risk) = report.risk() {
        line += &format!(
            ", VaR_{RISK_ALPHA} {:.1}, CVaR_{RISK_ALPHA} {:.1}",
            risk.var, risk.cvar
        );
    }
    if let Some(score) = report.normalized {
        line += &format!(", normalized score {score:.1}");
        if let Some(risk) = report.normalized_risk() {
            line += &format!(" (CVaR_{RISK_ALPHA} {:.1})", risk.cvar);
        }
    }
    line
}

fn table_row(label: &str, report: &EvalReport) -> String {
    let or_dash = |v: Option<f64>| v.map_or("—".into(), |v| format!("{v:.1}"));
    format!(
        "| {label} | {:.1} ± {:.1} | {} | {} | {} |",
        report.mean(),
        report.std(),
        or_dash(report.risk().map(|r| r.cvar)),
        or_dash(report.normalized),
        or_dash(report.normalized_risk().map(|r| r.cvar)),
    )
}
