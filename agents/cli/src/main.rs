//! The `ember` command: inspect, collect, train and evaluate.

fn main() -> std::process::ExitCode {
    ember_cli::main()
}
