//! The `ember` command: inspect, collect, train and evaluate.

mod cli;

fn main() -> std::process::ExitCode {
    cli::main()
}
