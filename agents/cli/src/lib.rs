//! The `ember` command: argument types (clap), the commands' glue, and the flags every
//! training command shares ([`run_args`]). Kept apart from the `ember` library so a program
//! that embeds the library compiles no clap.

mod commands;
pub mod run_args;

use clap::{Parser, Subcommand};
use commands::{
    bench, collect, collect_suite, eval, gfn, imitate, inspect, subpo, train, train_online,
};
use std::process::ExitCode;

/// Ember: offline reinforcement learning and imitation on burn.
#[derive(Parser)]
#[command(name = "ember", version, about)]
struct Cli {
    /// Only print warnings and results (no progress bars or info logs).
    #[arg(long, short, global = true)]
    quiet: bool,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Summarise and validate a D4RL HDF5 file or Minari dataset.
    Inspect(inspect::Args),
    /// Roll out a behaviour policy and write a D4RL-layout dataset.
    Collect(collect::Args),
    /// Train SAC and write the D4RL family (random, medium, expert, medium-replay,
    /// medium-expert) of one environment.
    CollectSuite(collect_suite::Args),
    /// Train an offline agent on a dataset and evaluate it in an environment.
    Train(train::Args),
    /// Train an online agent (SAC, or GAIL with an expert in its config) by acting in an
    /// environment, with periodic evaluation.
    TrainOnline(train_online::Args),
    /// Evaluate a trained agent (a checkpoint or run directory).
    Eval(eval::Args),
    /// Train a GFlowNet (TB, DB, SubTB, FL; order-preserving) on HyperGrid or molecules.
    Gfn(gfn::Args),
    /// Measure update steps/s, policy latency and dataset load time per device (with --torch:
    /// beside the PyTorch reference, in the same run).
    Bench(bench::Args),
    /// Train SubPO (or the MRL baseline) on a submodular-reward grid: coverage, experiment
    /// design, path planning, item collection.
    Subpo(subpo::Args),
    /// Imitate expert demonstrations online (off-policy GAIL), with BC beside it.
    Imitate(imitate::Args),
}

/// Makes burn's default device the CPU (`BURN_DEVICE=flex`) unless the user chose one.
///
/// Every device Ember uses is named explicitly (`--device`), but burn's optimizer loader puts
/// the saved Adam state on `Device::default()`, which is wgpu in a build with that feature: a
/// resumed or evaluated checkpoint would start a GPU adapter (and print its driver warnings)
/// only to move the state back at the first step. Call it first thing in a program's `main`,
/// before any thread starts.
pub fn prefer_cpu_default_device() {
    if std::env::var_os("BURN_DEVICE").is_none() {
        // SAFETY: called at the start of `main`, while the process has a single thread.
        unsafe { std::env::set_var("BURN_DEVICE", "flex") };
    }
}

/// Parses the command line, runs the command, prints errors with their causes.
pub fn main() -> ExitCode {
    prefer_cpu_default_device();
    ember::engine::threads::join_rayon_pool();
    let cli = Cli::parse();
    let filter = if cli.quiet { "warn" } else { "info" };
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(filter)),
        )
        .with_writer(std::io::stderr)
        .with_target(false)
        .init();
    let result = match cli.command {
        Command::Inspect(args) => inspect::run(args),
        Command::Collect(args) => collect::run(args, cli.quiet),
        Command::CollectSuite(args) => collect_suite::run(args, cli.quiet),
        Command::Train(args) => train::run(args, cli.quiet),
        Command::TrainOnline(args) => train_online::run(args, cli.quiet),
        Command::Eval(args) => eval::run(args),
        Command::Gfn(args) => gfn::run(args, cli.quiet),
        Command::Bench(args) => bench::run(args),
        Command::Subpo(args) => subpo::run(args, cli.quiet),
        Command::Imitate(args) => imitate::run(args, cli.quiet),
    };
    match result {
        Ok(code) => code,
        Err(error) => {
            eprintln!("error: {error}");
            for cause in error.chain().skip(1) {
                eprintln!("  caused by: {cause}");
            }
            ExitCode::from(2)
        }
    }
}
