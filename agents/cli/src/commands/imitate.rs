//! `ember imitate --algo gail --expert F --env E [--demos N] [--penalty gp|fd|none]
//! [--spectral-norm on|off] [--config C] [--bc-steps N] [--steps N] [--seed S] [--device D]
//! [--run-dir DIR] [--envs K]`: online imitation from a few demonstrations, with BC from the
//! same demonstrations printed beside it.

use crate::run_args::{RunArgs, configure};
use anyhow::bail;
use ember::engine::runtime::MetricsLog;
use ember::gail::{ImitateJob, ImitateOutcome, Penalty, imitate};
use ember::online::{OnlineAlgoConfig, OnlineConfig, OnlineJob};
use ember::plot::{Curve, Labels, line_chart};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// `on` or `off`.
#[derive(Clone, Copy, Debug, clap::ValueEnum)]
pub enum Switch {
    /// Enabled.
    On,
    /// Disabled.
    Off,
}

#[derive(clap::Args)]
pub struct Args {
    /// Algorithm: gail (may be omitted when --config names it).
    #[arg(long)]
    algo: Option<String>,
    /// Expert demonstrations: a D4RL-layout HDF5 file or Minari dataset.
    #[arg(long)]
    expert: PathBuf,
    /// Environment to act in (e.g. `pendulum`, `hopper` with the mujoco feature).
    #[arg(long)]
    env: String,
    /// Complete expert episodes to imitate (the file's first ones; overrides the config).
    #[arg(long)]
    demos: Option<usize>,
    /// Lipschitz penalty on the discriminator: gp (analytic gradient penalty), fd (finite
    /// differences) or none (overrides the config).
    #[arg(long)]
    penalty: Option<String>,
    /// Spectral normalisation of the discriminator (overrides the config).
    #[arg(long, value_enum)]
    spectral_norm: Option<Switch>,
    /// TOML configuration (see configs/gail/); defaults are the paper's.
    #[arg(long)]
    config: Option<PathBuf>,
    /// Gradient steps of the BC baseline on the same demonstrations (0 skips it).
    #[arg(long, default_value_t = 10_000)]
    bc_steps: usize,
    /// Environments stepped in parallel (overrides the config).
    #[arg(long)]
    envs: Option<usize>,
    #[command(flatten)]
    run: RunArgs,
    /// Run directory; defaults to runs/gail-<env>-s<seed>. An existing run resumes.
    #[arg(long)]
    run_dir: Option<PathBuf>,
}

pub fn run(args: Args, quiet: bool) -> anyhow::Result<ExitCode> {
    let algo = args
        .algo
        .as_deref()
        .or(args.config.is_none().then_some("gail"));
    let mut config: OnlineConfig = configure(args.config.as_deref(), algo)?;
    let OnlineAlgoConfig::Gail(gail) = &mut config.algo else {
        bail!("ember imitate trains gail, not {}", config.algo.name());
    };
    gail.expert = Some(args.expert.clone());
    if let Some(demos) = args.demos {
        gail.demos = demos;
    }
    if let Some(penalty) = &args.penalty {
        gail.penalty = penalty
            .parse::<Penalty>()
            .map_err(|e| anyhow::anyhow!("--penalty: {e}"))?;
    }
    if let Some(switch) = args.spectral_norm {
        gail.spectral_norm = matches!(switch, Switch::On);
    }
    if let Some(envs) = args.envs {
        config.envs = envs;
    }
    args.run.apply(&mut config.run, &mut config.eval, quiet);
    let run_dir = args.run_dir.clone().unwrap_or_else(|| {
        PathBuf::from("runs").join(format!(
            "gail-{}-s{}",
            args.env.to_ascii_lowercase(),
            args.run.seed
        ))
    });
    let job = ImitateJob {
        online: OnlineJob {
            config,
            env: args.env,
            device: args.run.device,
            seed: args.run.seed,
            run_dir,
            record: false,
        },
        bc_steps: args.bc_steps,
    };
    let OnlineAlgoConfig::Gail(gail) = &job.online.config.algo else {
        unreachable!("checked above")
    };
    let (warmup, envs) = (gail.warmup_steps, job.online.config.envs);
    let outcome = imitate(&job)?;
    let online = &outcome.gail;
    println!("run directory: {}", job.online.run_dir.display());
    let chart = job.online.run_dir.join("imitation.png");
    match plot(
        &job.online.run_dir,
        &chart,
        &outcome,
        warmup,
        envs,
        &job.online.env,
    ) {
        Ok(()) => println!("learning curve: {}", chart.display()),
        Err(e) => eprintln!("warning: no learning curve: {e}"),
    }
    println!(
        "{} environment steps in all; this process: {} training steps in {:.1} s",
        online.env_steps, online.updates, online.seconds
    );
    println!(
        "expert demonstrations: return {:.1}; uniform random actions: {:.1}",
        outcome.expert_return, outcome.random_return
    );
    if let Some(report) = online.summary.last() {
        let ret = report.mean();
        println!(
            "gail final evaluation ({} episodes): return {:.1} +- {:.1} ({:.0}% of expert, \
             normalised)",
            report.returns.len(),
            ret,
            report.std(),
            100.0 * outcome.normalized(ret)
        );
    }
    if let Some(bc) = outcome.bc_return {
        println!(
            "bc from the same demonstrations: return {bc:.1} ({:.0}% of expert, normalised)",
            100.0 * outcome.normalized(bc)
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// Draws GAIL's evaluation return against environment steps (from the run's metrics log, so a
/// resumed run's whole history), with the expert's, BC's and random actions' returns as flat
/// lines.
fn plot(
    run_dir: &Path,
    chart: &Path,
    outcome: &ImitateOutcome,
    warmup: usize,
    envs: usize,
    env: &str,
) -> anyhow::Result<()> {
    let points: Vec<(f64, f64, f64)> = MetricsLog::evaluations(run_dir)?
        .iter()
        .map(|e| ((warmup + e.step * envs) as f64, e.return_mean, e.return_std))
        .collect();
    let (Some(first), Some(last)) = (points.first(), points.last()) else {
        bail!(
            "{}: no evaluation yet",
            run_dir.join("metrics.jsonl").display()
        );
    };
    let (first, last) = (first.0.min(warmup as f64), last.0);
    let flat = |label: &str, value: f64| Curve {
        label: format!("{label} {value:.0}"),
        points: vec![(first, value, 0.0), (last, value, 0.0)],
    };
    let mut curves = vec![
        Curve {
            label: "GAIL (deterministic evaluation)".into(),
            points,
        },
        flat("expert demonstrations", outcome.expert_return),
    ];
    if let Some(bc) = outcome.bc_return {
        curves.push(flat("BC, same demonstrations", bc));
    }
    curves.push(flat("uniform random actions", outcome.random_return));
    let title = format!("off-policy GAIL on {env}");
    let labels = Labels {
        title: &title,
        x: "environment steps",
        y: "return",
    };
    Ok(line_chart(chart, labels, &curves)?)
}
