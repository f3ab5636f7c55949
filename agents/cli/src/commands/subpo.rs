//! `ember subpo --env coverage|bimodal|gp|entropy|steiner|two-rooms --method subpo-m|subpo-nm|mrl
//! [--instance K|all] [--credit rtg|one-step] [--config FILE] [--steps EPOCHS] [--seed S]
//! [--device D] [--run-dir DIR]`: train SubPO (or the MRL baseline) on a SubRL grid and write
//! the per-epoch curves of normalised F, the final trajectories and their pictures. Rerunning
//! the same command resumes the run from its newest checkpoint.

use crate::run_args::RunArgs;
use anyhow::{Context, anyhow, bail};
use ember::engine::parse_device;
use ember::engine::runtime::RunConfig;
use ember::envs::submodular::{Footprint, SubrlTask, TaskOptions, read_weights};
use ember::subpo::{Credit, Method, SubpoConfig, SubpoLearner, SubpoRunOptions, train_run};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(clap::Args)]
pub struct Args {
    /// Task: coverage, bimodal, gp, entropy, steiner or two-rooms.
    #[arg(long)]
    env: String,
    /// subpo-m (Markovian + time), subpo-nm (+ visited bitmap) or mrl (modular rewards).
    #[arg(long, default_value = "subpo-m")]
    method: String,
    /// Instance of gp / entropy (0..=9), or `all` to train every instance and report mean ± std.
    #[arg(long, default_value = "0")]
    instance: String,
    /// Credit: rtg (the paper's reward-to-go) or one-step (the reference code's estimator).
    #[arg(long)]
    credit: Option<String>,
    /// TOML hyperparameters (see configs/subpo/); default: the task's preset.
    #[arg(long)]
    config: Option<PathBuf>,
    /// Natural-gradient variant: tabular softmax over (cell, t) with NPG steps of this size
    /// (subpo-m, mrl; overrides the config).
    #[arg(long)]
    npg_step: Option<f64>,
    /// Trajectories per epoch (overrides the config).
    #[arg(long)]
    batch: Option<usize>,
    /// Horizon H, states per trajectory (default: the task's).
    #[arg(long)]
    horizon: Option<usize>,
    /// Start cell `ROW,COL` (default: cell 34, the reference code's).
    #[arg(long)]
    start: Option<String>,
    /// Grid `ROWSxCOLS` of the open-grid tasks (default 30x30).
    #[arg(long)]
    size: Option<String>,
    /// Coverage footprint: small (2x2) or large (3x3).
    #[arg(long, default_value = "small")]
    footprint: String,
    /// Weight map for the coverage tasks: one line per grid row, weights separated by commas or
    /// spaces.
    #[arg(long)]
    weights: Option<PathBuf>,
    /// Sampled trajectories drawn in grid.png besides the greedy one.
    #[arg(long, default_value_t = 10)]
    paths: usize,
    /// Write a checkpoint every this many epochs (and after the last); 0: only after the last.
    #[arg(long, default_value_t = 25)]
    checkpoint_every: usize,
    /// `--steps` (epochs; default: the config's), `--eval-every` (default: only at the end),
    /// `--device`, `--seed`.
    #[command(flatten)]
    run: RunArgs,
    /// Run directory; default runs/subpo-<env>-<method>-i<instance>-s<seed>. An existing run
    /// resumes.
    #[arg(long)]
    run_dir: Option<PathBuf>,
}

fn pair(text: &str, sep: char, flag: &str) -> anyhow::Result<(usize, usize)> {
    let parse = |s: &str| s.trim().parse::<usize>().ok();
    text.split_once(sep)
        .and_then(|(a, b)| Some((parse(a)?, parse(b)?)))
        .ok_or_else(|| anyhow!("{flag} {text}: expected two integers separated by `{sep}`"))
}

pub fn run(args: Args, quiet: bool) -> anyhow::Result<ExitCode> {
    let task = SubrlTask::parse(&args.env)?;
    let method: Method = args.method.parse().map_err(|e: String| anyhow!(e))?;
    let mut config = match &args.config {
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .with_context(|| format!("reading {}", path.display()))?;
            toml::from_str::<SubpoConfig>(&text)
                .map_err(|e| anyhow!("{}: {}", path.display(), e.message()))?
        }
        None => SubpoConfig::preset(task),
    };
    config.method = method;
    if let Some(credit) = &args.credit {
        config.credit = credit.parse::<Credit>().map_err(|e| anyhow!(e))?;
    }
    if let Some(eta) = args.npg_step {
        config.npg_step = Some(eta);
    }
    if let Some(batch) = args.batch {
        config.batch = batch;
    }
    if let Some(steps) = args.run.overrides.steps {
        config.epochs = steps;
    }
    if args.run.overrides.eval_episodes.is_some() {
        bail!("--eval-episodes does not apply to SubPO (evaluations use --batch trajectories)");
    }
    config
        .validate()
        .map_err(|e| anyhow!("SubPO configuration: {e}"))?;
    let footprint = match args.footprint.trim().to_ascii_lowercase().as_str() {
        "small" | "2x2" => Footprint::Small,
        "large" | "3x3" => Footprint::Large,
        other => bail!("--footprint {other}: expected small (2x2) or large (3x3)"),
    };
    let size = args
        .size
        .as_deref()
        .map(|s| pair(s, 'x', "--size"))
        .transpose()?;
    let mut options = TaskOptions {
        instance: 0,
        horizon: args.horizon,
        start: args
            .start
            .as_deref()
            .map(|s| pair(s, ',', "--start"))
            .transpose()?,
        size,
        footprint,
        weights: None,
    };
    if let Some(path) = &args.weights {
        let (rows, cols) = size.unwrap_or(task.default_size());
        options.weights = Some(read_weights(path, rows, cols)?);
    }
    let instances: Vec<usize> = match args.instance.trim() {
        "all" => (0..task.instances()).collect(),
        k => vec![
            k.parse()
                .map_err(|_| anyhow!("--instance {k}: expected a number or `all`"))?,
        ],
    };
    let seed = args.run.seed;
    let base_dir = args.run_dir.clone().unwrap_or_else(|| {
        let instance = args.instance.trim();
        PathBuf::from("runs").join(format!(
            "subpo-{}-{}-i{instance}-s{seed}",
            task.name(),
            method.name()
        ))
    });
    let mut budget = RunConfig {
        steps: config.epochs,
        eval_every: 0,
        log_every: 1,
        checkpoint_every: args.checkpoint_every,
        keep_checkpoints: 2,
        progress: !quiet,
    };
    args.run.overrides.apply_run(&mut budget);
    let device = parse_device(&args.run.device)?.autodiff();
    let mut finals = Vec::new();
    for &instance in &instances {
        options.instance = instance;
        let setup = task.build(&options)?;
        let run_dir = match instances.len() {
            1 => base_dir.clone(),
            _ => base_dir.join(format!("instance-{instance}")),
        };
        let mut learner = SubpoLearner::new(setup, config.clone(), &device, seed)?;
        let report = train_run(
            &mut learner,
            &SubpoRunOptions {
                run: budget.clone(),
                run_dir: Some(run_dir.clone()),
                drawn_paths: args.paths,
            },
        )?;
        let last = report.last();
        println!(
            "{} {} instance {instance}: F/MAX_Ret mean {:.3} (median {:.3}, min {:.3}, max {:.3}), \
             greedy {:.3}, raw F {:.2}; run directory {}",
            task.name(),
            method.name(),
            last.sampled.mean,
            last.sampled.median,
            last.sampled.min,
            last.sampled.max,
            last.greedy,
            last.sampled.raw_mean,
            run_dir.display()
        );
        finals.push(last.sampled.mean);
    }
    if finals.len() > 1 {
        let n = finals.len() as f64;
        let mean = finals.iter().sum::<f64>() / n;
        let std = (finals.iter().map(|f| (f - mean).powi(2)).sum::<f64>() / n).sqrt();
        println!(
            "{} {} over {} instances: F/MAX_Ret {mean:.3} ± {std:.3}",
            task.name(),
            method.name(),
            finals.len()
        );
    }
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    #[derive(Parser)]
    struct Subpo {
        #[command(flatten)]
        args: Args,
    }

    fn run_line(dir: &std::path::Path, extra: &[&str]) -> anyhow::Result<ExitCode> {
        let dir = dir.to_str().unwrap();
        let mut line = vec!["subpo", "--run-dir", dir, "--batch", "4"];
        line.extend_from_slice(extra);
        run(Subpo::try_parse_from(line).unwrap().args, true)
    }

    /// A tiny run writes its curves, trajectories and pictures; the same command with more
    /// epochs resumes it.
    #[test]
    fn a_run_writes_curves_paths_and_pictures_and_resumes() {
        let dir = tempfile::tempdir().unwrap();
        let mut extra = vec!["--env", "coverage", "--size", "5x6", "--horizon", "6"];
        extra.extend(["--start", "1,1", "--checkpoint-every", "1", "--steps", "2"]);
        run_line(dir.path(), &extra).unwrap();
        for file in [
            "train.csv",
            "eval.csv",
            "paths.csv",
            "curves.png",
            "grid.png",
        ] {
            assert!(dir.path().join(file).exists(), "{file} missing");
        }
        let train = std::fs::read_to_string(dir.path().join("train.csv")).unwrap();
        assert!(
            train.lines().next().unwrap().contains("f_median"),
            "{train}"
        );
        assert_eq!(train.lines().count(), 3);
        *extra.last_mut().unwrap() = "3";
        run_line(dir.path(), &extra).unwrap();
        let train = std::fs::read_to_string(dir.path().join("train.csv")).unwrap();
        let steps: Vec<&str> = train.lines().skip(1).map(|l| &l[..1]).collect();
        assert_eq!(steps, ["1", "2", "3"]);
        // The finished run again: nothing to train, its policy is evaluated.
        run_line(dir.path(), &extra).unwrap();
        let train = std::fs::read_to_string(dir.path().join("train.csv")).unwrap();
        assert_eq!(train.lines().count(), 4);
    }

    /// Unknown env, instance out of range, H = 0 and a weight file of the wrong shape are
    /// one-line errors.
    #[test]
    fn bad_inputs_are_one_line_errors() {
        let dir = tempfile::tempdir().unwrap();
        let weights = dir.path().join("w.txt");
        std::fs::write(&weights, "1 1 1\n1 1\n").unwrap();
        let w = weights.to_str().unwrap();
        let cases: [(&[&str], &str); 6] = [
            (&["--env", "maze"], "unknown environment `maze`"),
            (
                &["--env", "gp", "--instance", "10"],
                "instance 10 is out of range",
            ),
            (&["--env", "coverage", "--horizon", "0"], "H = 0"),
            (
                &["--env", "coverage", "--size", "2x3", "--weights", w],
                "line 2 has 2 weights",
            ),
            (
                &["--env", "coverage", "--method", "ppo"],
                "unknown SubPO method",
            ),
            (&["--env", "steiner", "--weights", w], "w.txt"),
        ];
        for (extra, expected) in cases {
            let e = run_line(dir.path(), extra).unwrap_err().to_string();
            assert!(e.contains(expected), "{extra:?}: {e}");
            assert!(!e.contains('\n'), "{e}");
        }
    }
}
