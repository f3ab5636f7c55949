//! `ember gfn --env hypergrid|molecules --loss tb|db|subtb|fl [--order-preserving]
//! [--objectives qed,sa,mw | branin,currin,shubert,beale] [--steps N] [--seed S] [--device D] [--run-dir DIR]`: train a
//! GFlowNet, write its samples, metrics and plot data. Rerunning the same command resumes the
//! run from its newest checkpoint.

use crate::run_args::RunArgs;
use anyhow::{Context, anyhow, bail};
use ember::engine::parse_device;
use ember::engine::runtime::RunConfig;
use ember::envs::gfn::{HyperGrid, HyperGridReward};
use ember::gflownet::{
    GflowNet, GfnConfig, GfnError, LossKind, MoHyperGridTask, RunOptions, RunReport, Task,
    parse_grid_functions, train_run,
};
use std::path::PathBuf;
use std::process::ExitCode;

/// Valid values of `--env`.
const ENVS: [&str; 2] = ["hypergrid", "molecules"];

#[derive(clap::Args)]
pub struct Args {
    /// Environment: hypergrid or molecules.
    #[arg(long, default_value = "hypergrid")]
    env: String,
    /// Loss: tb, db, subtb or fl (overrides the config; default tb).
    #[arg(long)]
    loss: Option<String>,
    /// Order-preserving GFlowNet (pairwise order for one objective, Pareto for several).
    #[arg(long)]
    order_preserving: bool,
    /// Objectives, comma-separated. Molecules: from qed, sa, mw (default qed). HyperGrid: from
    /// branin, currin, shubert, beale, which makes it OP-GFN's multi-objective 2-D grid of side
    /// `--side` (the paper's is 32) that stops at the edge, `--dim` and `--r0` unused; without
    /// it HyperGrid is torchgfn's single-objective grid.
    #[arg(long)]
    objectives: Option<String>,
    /// HyperGrid dimension.
    #[arg(long, default_value_t = 4)]
    dim: usize,
    /// HyperGrid side.
    #[arg(long, default_value_t = 8)]
    side: u32,
    /// HyperGrid base reward R0 (1e-4: the hard setting).
    #[arg(long, default_value_t = 1e-4)]
    r0: f64,
    /// Most fragments per molecule.
    #[arg(long, default_value_t = 6)]
    max_frags: usize,
    /// A molecule is a mode when its reward (product of objectives) reaches this
    /// (default 0.7 per objective, i.e. 0.7^k).
    #[arg(long)]
    mode_threshold: Option<f64>,
    /// Molecules: count a new mode only when its ECFP4 Tanimoto similarity to every mode found
    /// before it is below this (the molecule papers' filter uses 0.7); default: no filter.
    #[arg(long)]
    mode_similarity: Option<f64>,
    /// TOML file of GFlowNet hyperparameters (see configs/gfn/).
    #[arg(long)]
    config: Option<PathBuf>,
    /// Trajectories per step (overrides the config).
    #[arg(long)]
    batch_size: Option<usize>,
    /// On-policy samples written to samples.csv after training.
    #[arg(long, default_value_t = 1000)]
    samples: usize,
    /// k of the top-k metrics and of top_k.csv.
    #[arg(long, default_value_t = 100)]
    top_k: usize,
    /// Write a checkpoint every this many steps (and after the last); 0: only after the last.
    #[arg(long, default_value_t = 500)]
    checkpoint_every: usize,
    /// `--steps` (default 2000), `--eval-every` (default 100), `--device`, `--seed`.
    #[command(flatten)]
    run: RunArgs,
    /// Run directory; defaults to runs/gfn-<env>-<loss>-s<seed>. An existing run resumes.
    #[arg(long)]
    run_dir: Option<PathBuf>,
}

pub fn run(args: Args, quiet: bool) -> anyhow::Result<ExitCode> {
    let mut config = match &args.config {
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .with_context(|| format!("reading {}", path.display()))?;
            toml::from_str::<GfnConfig>(&text)
                .with_context(|| format!("parsing {}", path.display()))?
        }
        None => GfnConfig::default(),
    };
    if let Some(loss) = &args.loss {
        config.loss = loss.parse::<LossKind>().map_err(|e| anyhow!(e))?;
    }
    config.order_preserving |= args.order_preserving;
    if let Some(b) = args.batch_size {
        config.batch_size = b;
    }
    config.validate().map_err(GfnError::Config)?;
    if args.run.overrides.eval_episodes.is_some() {
        bail!("--eval-episodes does not apply to GFlowNets (they sample objects, not episodes)");
    }
    let mut budget = RunConfig {
        steps: 2000,
        eval_every: 100,
        log_every: 100,
        checkpoint_every: args.checkpoint_every,
        keep_checkpoints: 2,
        progress: !quiet,
    };
    args.run.overrides.apply_run(&mut budget);
    budget.log_every = budget.eval_every;
    let seed = args.run.seed;
    let env = args.env.trim().to_ascii_lowercase();
    let run_dir = args.run_dir.clone().unwrap_or_else(|| {
        PathBuf::from("runs").join(format!("gfn-{env}-{}-s{seed}", config.label()))
    });
    let options = |names: Vec<String>| RunOptions {
        run: budget.clone(),
        final_samples: args.samples,
        top_k: args.top_k,
        run_dir: Some(run_dir.clone()),
        objective_names: names,
    };
    let device = parse_device(&args.run.device)?.autodiff();
    let report = match env.as_str() {
        "hypergrid" => {
            if args.mode_threshold.is_some() || args.mode_similarity.is_some() {
                bail!("--mode-threshold and --mode-similarity apply to --env molecules only");
            }
            if let Some(list) = &args.objectives {
                let functions = parse_grid_functions(list).map_err(|e| anyhow!(e))?;
                let names = functions
                    .iter()
                    .map(|f| format!("{f:?}").to_ascii_lowercase())
                    .collect();
                let task = MoHyperGridTask::new(args.side, &functions)?;
                train(task, config, &device, seed, &options(names))?
            } else {
                let task = HyperGrid::new(args.dim, args.side, HyperGridReward::with_r0(args.r0))?;
                train(
                    task,
                    config,
                    &device,
                    seed,
                    &options(vec!["log_reward".into()]),
                )?
            }
        }
        "molecules" => molecules(&args, config, &device, options)?,
        other => bail!(
            "unknown GFlowNet environment `{other}`; valid: {}",
            ENVS.join(", ")
        ),
    };
    let last = report.last();
    println!("run directory: {}", run_dir.display());
    print!(
        "after {} steps ({} trajectories): modes {}",
        last.step, last.trajectories, last.modes
    );
    if let Some(l1) = last.l1 {
        print!(", L1 {l1:.4}");
    }
    if let Some(m) = last.top_k_mean {
        print!(", top-{} mean reward {m:.4}", args.top_k);
    }
    if let Some(d) = last.top_k_diversity {
        print!(", top-{} diversity {d:.3}", args.top_k);
    }
    if let Some(hv) = last.hypervolume {
        print!(", hypervolume {hv:.4}");
    }
    println!();
    print!("throughput on {}: ", args.run.device);
    if report.train_trajectories_per_second > 0.0 {
        print!(
            "{:.0} trajectories/s training, ",
            report.train_trajectories_per_second
        );
    }
    println!(
        "{:.0} trajectories/s sampling",
        report.sample_trajectories_per_second
    );
    Ok(ExitCode::SUCCESS)
}

fn train<T: Task>(
    task: T,
    config: GfnConfig,
    device: &ember::engine::burn::tensor::Device,
    seed: u64,
    options: &RunOptions,
) -> anyhow::Result<RunReport> {
    let mut gfn = GflowNet::new(task, config, device, seed)?;
    Ok(train_run(&mut gfn, options)?)
}

#[cfg(feature = "chem")]
fn molecules(
    args: &Args,
    config: GfnConfig,
    device: &ember::engine::burn::tensor::Device,
    options: impl Fn(Vec<String>) -> RunOptions,
) -> anyhow::Result<RunReport> {
    use ember::gflownet::{MoleculeTask, parse_objectives};
    let list = args.objectives.as_deref().unwrap_or("qed");
    let objectives = parse_objectives(list)?;
    let names = list
        .split(',')
        .map(|s| s.trim().to_ascii_lowercase())
        .collect();
    let threshold = args
        .mode_threshold
        .unwrap_or(0.7f64.powi(objectives.len() as i32));
    let mut task = MoleculeTask::with_objectives(args.max_frags, &objectives, threshold)?;
    if let Some(bound) = args.mode_similarity {
        task = task.distinct_modes(bound)?;
    }
    train(task, config, device, args.run.seed, &options(names))
}

#[cfg(not(feature = "chem"))]
fn molecules(
    _args: &Args,
    _config: GfnConfig,
    _device: &ember::engine::burn::tensor::Device,
    _options: impl Fn(Vec<String>) -> RunOptions,
) -> anyhow::Result<RunReport> {
    bail!(
        "--env molecules needs the cargo feature `chem` of the ember crate, which this build lacks"
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;
    use ember::engine::runtime::Checkpoints;

    #[derive(Parser)]
    struct Gfn {
        #[command(flatten)]
        args: Args,
    }

    fn args(dir: &std::path::Path, extra: &[&str]) -> Args {
        let dir = dir.to_str().unwrap();
        let mut line = vec!["gfn", "--dim", "2", "--side", "4", "--run-dir", dir];
        line.extend_from_slice(&["--eval-every", "5", "--checkpoint-every", "5"]);
        line.extend_from_slice(&["--samples", "4", "--top-k", "3", "--batch-size", "4"]);
        line.extend_from_slice(extra);
        Gfn::try_parse_from(line).unwrap().args
    }

    /// The shared flags reach the run, and the same command again continues the run: a
    /// finished run is left as it is, a larger `--steps` trains on from its last checkpoint.
    #[test]
    fn rerunning_the_same_command_resumes() {
        let dir = tempfile::tempdir().unwrap();
        let eval_steps = || {
            let text = std::fs::read_to_string(dir.path().join("eval.csv")).unwrap();
            let steps: Vec<String> = text
                .lines()
                .skip(1)
                .map(|l| l[..l.find(',').unwrap()].to_string())
                .collect();
            steps.join(" ")
        };
        run(args(dir.path(), &["--steps", "10", "--seed", "2"]), true).unwrap();
        assert_eq!(eval_steps(), "5 10");
        run(args(dir.path(), &["--steps", "10", "--seed", "2"]), true).unwrap();
        assert_eq!(eval_steps(), "5 10");
        run(args(dir.path(), &["--steps", "15", "--seed", "2"]), true).unwrap();
        assert_eq!(eval_steps(), "5 10 15");
        let latest = Checkpoints::new(dir.path(), 2)
            .latest()
            .unwrap()
            .map(|c| c.1);
        assert_eq!(latest, Some(15));
        assert!(dir.path().join("model").join("nets.bpk").exists());
    }

    #[test]
    fn eval_episodes_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let err = run(args(dir.path(), &["--eval-episodes", "3"]), true).unwrap_err();
        assert!(err.to_string().contains("--eval-episodes"), "{err}");
    }
}
