//! `d4rl-bench --algos odice,iql,td3bc --datasets FILES_OR_DIRS --seeds 3 --steps N --device D`:
//! runs the grid (one process per run; resumable; several machines may share `--out`), then
//! writes and prints the table. `d4rl-bench run-one DIR` is the per-run child process.

use clap::Parser;
use ember_bench::d4rl::report::Report;
use ember_bench::d4rl::shard::Shard;
use ember_bench::d4rl::{Grid, grid, run};
use ember_cli::run_args::RunOverrides;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

#[derive(Parser)]
#[command(name = "d4rl-bench", about = "Ember's offline-RL benchmark grid")]
struct Args {
    /// Methods: algorithm names (configured from --configs DIR/<name>.toml when present,
    /// otherwise the paper's defaults), label=config.toml, or base+cdsa (CDSA's denoiser on the
    /// base method's run of the same dataset and seed; the base joins the grid), comma-separated.
    #[arg(long, value_delimiter = ',', default_value = "odice,iql,td3bc")]
    algos: Vec<String>,
    /// Dataset files, or directories whose *.hdf5 files are all used, comma-separated.
    #[arg(long, value_delimiter = ',', required = true)]
    datasets: Vec<PathBuf>,
    /// Directory of per-algorithm presets (<algo>.toml), e.g. configs/pendulum.
    #[arg(long)]
    configs: Option<PathBuf>,
    /// Environment for every dataset (default: each file's metadata/env_name).
    #[arg(long)]
    env: Option<String>,
    /// Expert demonstrations added to every dataset (offline imitation; rewards dropped).
    #[arg(long)]
    expert: Option<PathBuf>,
    /// Number of seeds (0..N).
    #[arg(long, default_value_t = 3)]
    seeds: u64,
    #[command(flatten)]
    overrides: RunOverrides,
    /// Device of every run.
    #[arg(long, default_value = "cpu")]
    device: String,
    /// Output directory (runs/, results.*, curves/); safe to share between machines.
    #[arg(long, default_value = "bench-results")]
    out: PathBuf,
    /// Runs at once on this machine.
    #[arg(long, default_value_t = 1)]
    jobs: usize,
    /// Take over another machine's run after this many hours without progress.
    #[arg(long, default_value_t = 6.0)]
    stale_hours: f64,
    /// Only write the report from the finished runs (e.g. after every shard has finished).
    #[arg(long)]
    report_only: bool,
    /// Run only slice K of N of the grid (K 0-based: a Slurm array's $SLURM_ARRAY_TASK_ID or a
    /// Kubernetes Indexed Job's $JOB_COMPLETION_INDEX); every shard shares --out, and the report
    /// it writes covers whatever has finished so far.
    #[arg(long, default_value = "0/1")]
    shard: Shard,
}

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    ember_cli::prefer_cpu_default_device();
    ember::engine::threads::join_rayon_pool();
    let argv: Vec<String> = std::env::args().collect();
    let outcome = if argv.get(1).map(String::as_str) == Some("run-one") {
        match argv.get(2) {
            Some(dir) => run_one(PathBuf::from(dir)),
            None => Err(anyhow::anyhow!("run-one needs the run directory")),
        }
    } else {
        grid_main(Args::parse())
    };
    match outcome {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn run_one(dir: PathBuf) -> anyhow::Result<ExitCode> {
    tracing_subscriber::fmt().with_ansi(false).init();
    run::run_cell(&dir)?;
    Ok(ExitCode::SUCCESS)
}

fn grid_main(args: Args) -> anyhow::Result<ExitCode> {
    if args.seeds == 0 {
        anyhow::bail!("--seeds 0: give at least one seed");
    }
    if args.stale_hours.is_nan() || args.stale_hours <= 0.0 {
        anyhow::bail!("--stale-hours must be positive");
    }
    ember::engine::parse_device(&args.device)?;
    let mut methods = args
        .algos
        .iter()
        .map(|spec| grid::Method::parse(spec, args.configs.as_deref()))
        .collect::<anyhow::Result<Vec<_>>>()?;
    // A wrapper's base (`iql` of `iql+cdsa`) runs in the same grid: added before the wrapper
    // when not listed.
    let mut index = 0;
    while index < methods.len() {
        if let Some(base) = methods[index].base.clone()
            && !methods.iter().any(|m| m.label == base)
        {
            methods.insert(index, grid::Method::parse(&base, args.configs.as_deref())?);
        }
        index += 1;
    }
    for method in &mut methods {
        let config = &mut method.config;
        args.overrides.apply(&mut config.run, &mut config.eval);
        if let Err(problems) = method.config.algo.validate() {
            anyhow::bail!("method {}: {problems}", method.label);
        }
    }
    if let Some(expert) = &args.expert
        && !expert.exists()
    {
        anyhow::bail!("{}: no such expert file", expert.display());
    }
    let grid = Grid {
        methods,
        datasets: grid::datasets(&args.datasets, args.env.as_deref())?,
        expert: args.expert.clone(),
        seeds: (0..args.seeds).collect(),
        device: args.device.clone(),
        out: args.out.clone(),
        jobs: args.jobs,
        stale_after: Duration::from_secs_f64(args.stale_hours * 3600.0),
        shard: args.shard,
    };
    std::fs::create_dir_all(&grid.out)?;
    let failures = if args.report_only {
        Vec::new()
    } else {
        grid.run(&std::env::current_exe()?)?
    };
    let report = Report::build(
        grid.datasets.iter().map(|d| d.name.clone()).collect(),
        grid.methods.iter().map(|m| m.label.clone()).collect(),
        grid.results()?,
    );
    let written = report.write(&grid.out)?;
    println!("{}", report.markdown());
    for path in written {
        println!("wrote {}", path.display());
    }
    if failures.is_empty() {
        Ok(ExitCode::SUCCESS)
    } else {
        for (dir, message) in &failures {
            eprintln!("failed: {} ({message}); see its log.txt", dir.display());
        }
        Ok(ExitCode::FAILURE)
    }
}
