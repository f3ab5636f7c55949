//! The `ember` command: inspect, collect, train and evaluate.

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    ember_cli::main()
}
