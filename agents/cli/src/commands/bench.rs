//! `ember bench`: per device of this build, the update steps/s of every offline method and of
//! SAC's update at D4RL MuJoCo (HalfCheetah: obs 17, act 6) and Pendulum (3, 1) shapes, the
//! policy's latency for one observation and for a batch of 256, and the load time of a D4RL
//! file. With `--torch` the PyTorch reference updates (`torch_updates.py`) run in the same
//! command on the same machine, so the ratio column compares like with like.

use anyhow::{Context, bail};
use clap::Args as ClapArgs;
use ember::agent::{ActionBounds, EpisodePolicy, Spec};
use ember::algo::AlgoConfig;
use ember::datasets::StateNormalizer;
use ember::engine::burn::tensor::Device;
use ember::engine::{TransitionBuffer, parse_device};
use ember::method::BuildContext;
use ember::sac::{Sac, SacConfig};
use std::path::PathBuf;
use std::process::{Command, ExitCode};
use std::time::Instant;

#[derive(ClapArgs)]
pub struct Args {
    /// Devices to measure, comma-separated (cpu, ndarray, wgpu, tch-cpu, tch-cuda: by build).
    #[arg(long, value_delimiter = ',', default_value = "cpu")]
    devices: Vec<String>,
    /// Problem shapes, comma-separated: mujoco (obs 17, act 6), pendulum (obs 3, act 1).
    #[arg(long, value_delimiter = ',', default_value = "mujoco,pendulum")]
    shapes: Vec<String>,
    /// Methods, comma-separated (default: every offline method trained on transitions, then
    /// sac).
    #[arg(long, value_delimiter = ',')]
    algos: Option<Vec<String>>,
    /// Timed update steps per method (after 20 untimed ones).
    #[arg(long, default_value_t = 200)]
    steps: usize,
    /// Also time the load of this D4RL HDF5 file (or Minari directory).
    #[arg(long)]
    dataset: Option<PathBuf>,
    /// Also run the PyTorch reference updates (needs python3 with torch) and print the ratio.
    #[arg(long)]
    torch: bool,
    /// The PyTorch reference script.
    #[arg(long, default_value = "../shared/reference/torch_updates.py")]
    torch_script: PathBuf,
    /// PyTorch threads (default: this machine's cores, as Ember's CPU devices use).
    #[arg(long)]
    threads: Option<usize>,
    /// Measure each shape this many times, PyTorch and Ember taking turns, and print the median
    /// steps/s of each (and the ratio of the medians): a shared machine's speed drifts by
    /// ±10-20% from minute to minute, which one sample of each cannot tell from a real gap.
    #[arg(long, default_value_t = 1)]
    repeats: usize,
}

/// One problem shape.
#[derive(Clone, Copy)]
struct Shape {
    name: &'static str,
    obs: usize,
    act: usize,
}

const SHAPES: [Shape; 2] = [
    Shape {
        name: "mujoco",
        obs: 17,
        act: 6,
    },
    Shape {
        name: "pendulum",
        obs: 3,
        act: 1,
    },
];

/// The methods `torch_updates.py` implements (O-DICE in its orthogonal mode, Ember's default).
const TORCH_ALGOS: [&str; 3] = ["odice", "td3bc", "iql"];

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    if args.steps == 0 {
        bail!("--steps 0: time at least one update");
    }
    if args.repeats == 0 {
        bail!("--repeats 0: measure at least once");
    }
    let shapes = args
        .shapes
        .iter()
        .map(|name| {
            SHAPES
                .iter()
                .find(|s| s.name == name.trim().to_ascii_lowercase())
                .copied()
                .with_context(|| format!("unknown shape `{name}`; valid: mujoco, pendulum"))
        })
        .collect::<anyhow::Result<Vec<_>>>()?;
    let algos = match &args.algos {
        Some(list) => list.iter().map(|a| a.trim().to_ascii_lowercase()).collect(),
        None => AlgoConfig::NAMES
            .iter()
            .filter(|name| !trains_on_segments(name))
            .map(|s| s.to_string())
            .chain(["sac".to_string()])
            .collect::<Vec<_>>(),
    };
    for algo in &algos {
        if algo != "sac" && AlgoConfig::by_name(algo).is_none() {
            bail!(
                "unknown method `{algo}`; valid: {}, sac",
                AlgoConfig::NAMES.join(", ")
            );
        }
        if trains_on_segments(algo) {
            bail!(
                "{algo} trains on episode windows, not transitions: its planning latency is \
                 `cargo bench --bench planning_latency`"
            );
        }
    }
    let devices = args
        .devices
        .iter()
        .map(|name| Ok((name.clone(), parse_device(name)?)))
        .collect::<anyhow::Result<Vec<(String, Device)>>>()?;
    if args.torch && !args.torch_script.is_file() {
        bail!(
            "--torch: no PyTorch reference script at {} (pass --torch-script)",
            args.torch_script.display()
        );
    }
    if args.torch {
        let import = Command::new("python3")
            .args(["-c", "import torch"])
            .output()
            .context("--torch: cannot run python3")?;
        if !import.status.success() {
            bail!("--torch: python3 cannot import torch (pip install torch numpy)");
        }
    }
    let threads = args.threads.unwrap_or_else(|| {
        std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get)
    });
    let medians = if args.repeats > 1 {
        format!(
            "; median of {} measurements{}",
            args.repeats,
            if args.torch {
                ", PyTorch and Ember taking turns"
            } else {
                ""
            }
        )
    } else {
        String::new()
    };
    println!(
        "update steps/s (batch as each method's defaults; {} timed steps{medians})\n",
        args.steps
    );
    let torch_algos: Vec<&str> = TORCH_ALGOS
        .into_iter()
        .filter(|a| algos.iter().any(|b| b == a))
        .collect();
    let torch_column = if args.torch {
        " torch steps/s | ratio |"
    } else {
        ""
    };
    println!("| shape | method | device | ember steps/s |{torch_column}");
    println!(
        "|---|---|---|---|{}",
        if args.torch { "---|---|" } else { "" }
    );
    let mut latencies = Vec::new();
    for shape in &shapes {
        for (name, device) in &devices {
            let mut torch: Vec<(String, Vec<f64>)> = Vec::new();
            let mut ember: Vec<Vec<f64>> = vec![Vec::new(); algos.len()];
            let mut latency = Vec::new();
            for _ in 0..args.repeats {
                if args.torch && !torch_algos.is_empty() {
                    for (algo, rate) in torch_rates(&args, &torch_algos, *shape, name, threads)? {
                        match torch.iter_mut().find(|(a, _)| *a == algo) {
                            Some((_, rates)) => rates.push(rate),
                            None => torch.push((algo, vec![rate])),
                        }
                    }
                }
                latency.clear();
                for (algo, rates) in algos.iter().zip(&mut ember) {
                    let (rate, policy_latency) = measure(algo, *shape, device, args.steps)?;
                    rates.push(rate);
                    latency.push(policy_latency);
                }
            }
            for ((algo, rates), latency) in algos.iter().zip(ember).zip(latency) {
                let rate = median(rates);
                let mut line = format!("| {} | {algo} | {name} | {rate:.1} |", shape.name);
                if args.torch {
                    match torch.iter().find(|(a, _)| a == algo) {
                        Some((_, t)) => {
                            let t = median(t.clone());
                            line += &format!(" {t:.1} | {:.2}x |", rate / t);
                        }
                        None => line += " — | — |",
                    }
                }
                println!("{line}");
                latencies.push((shape.name, algo.clone(), name.clone(), latency));
            }
        }
    }
    if !latencies.is_empty() {
        println!("\npolicy latency (untrained networks of the default sizes)\n");
        println!("| shape | method | device | 1 observation | 256 observations |");
        println!("|---|---|---|---|---|");
        for (shape, algo, device, (one, batch)) in latencies {
            println!("| {shape} | {algo} | {device} | {one:.1} µs | {batch:.1} µs |");
        }
    }
    if let Some(path) = &args.dataset {
        let start = Instant::now();
        let data = ember::datasets::load(path)?;
        let load = start.elapsed().as_secs_f64();
        let start = Instant::now();
        let rows = data.qlearning(&Default::default()).len();
        let transitions = start.elapsed().as_secs_f64();
        println!(
            "\n{}: loaded in {:.1} ms, {rows} transitions built in {:.1} ms\n",
            path.display(),
            load * 1e3,
            transitions * 1e3
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// The median of `values` (the mean of the middle two for an even count); `values` is not empty.
fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    let mid = values.len() / 2;
    match values.len() % 2 {
        1 => values[mid],
        _ => (values[mid - 1] + values[mid]) / 2.0,
    }
}

/// Whether the offline method `name` trains on episode windows (it has no transition update).
fn trains_on_segments(name: &str) -> bool {
    AlgoConfig::by_name(name).is_some_and(|c| c.segments().is_some())
}

/// Update steps/s of `algo` on random data of `shape`, and its policy latency (µs) for one
/// observation and for 256.
fn measure(
    algo: &str,
    shape: Shape,
    device: &Device,
    steps: usize,
) -> anyhow::Result<(f64, (f64, f64))> {
    let device = device.clone().autodiff();
    let buffer = TransitionBuffer::random(100_000, shape.obs, shape.act, &device);
    let spec = Spec {
        obs_dim: shape.obs,
        act_dim: shape.act,
        normalizer: StateNormalizer::identity(shape.obs),
        action_space: ActionBounds::unit(shape.act).into(),
    };
    let time_updates = |update: &mut dyn FnMut(usize) -> ember::engine::Metrics| {
        for step in 0..20 {
            update(step).read();
        }
        let start = Instant::now();
        let mut last = None;
        for step in 20..20 + steps {
            last = Some(update(step));
        }
        // Reading the last step's metrics waits for every queued step to finish.
        last.map(|m| m.read());
        steps as f64 / start.elapsed().as_secs_f64()
    };
    let (rate, mut policy): (f64, Box<dyn EpisodePolicy>) = if algo == "sac" {
        let config = SacConfig::default();
        let batch = config.batch_size;
        let mut sac = Sac::new(config, spec, &device);
        let rate = time_updates(&mut |_| sac.update(&buffer.sample(batch)));
        (rate, Box::new(sac))
    } else {
        let config = AlgoConfig::by_name(algo).expect("checked by the caller");
        let mut agent = config
            .build(&BuildContext::new(spec, 1_000_000, &device))
            .map_err(|e| anyhow::anyhow!("{algo}: {e}"))?;
        let batch = agent.batch_size();
        let rate = time_updates(&mut |step| agent.update(&buffer.sample(batch), step));
        (rate, agent)
    };
    let mut latency = |n: usize, repeats: usize| {
        let observations = vec![vec![0.1f32; shape.obs]; n];
        let slots: Vec<usize> = (0..n).collect();
        policy.act_in(&slots, &observations);
        let start = Instant::now();
        for _ in 0..repeats {
            policy.act_in(&slots, &observations);
        }
        start.elapsed().as_secs_f64() * 1e6 / repeats as f64
    };
    Ok((rate, (latency(1, 2000), latency(256, 200))))
}

/// Runs `torch_updates.py` for `algos` at `shape` on the PyTorch device matching `device`;
/// returns (method, steps/s) per method it printed.
fn torch_rates(
    args: &Args,
    algos: &[&str],
    shape: Shape,
    device: &str,
    threads: usize,
) -> anyhow::Result<Vec<(String, f64)>> {
    let torch_device = if device.starts_with("tch-cuda") || device.starts_with("cuda") {
        "cuda"
    } else {
        "cpu"
    };
    let output = Command::new("python3")
        .arg(&args.torch_script)
        .args(["--device", torch_device, "--algos", &algos.join(",")])
        .args(["--steps", &args.steps.to_string()])
        .args(["--threads", &threads.to_string()])
        .args([
            "--obs",
            &shape.obs.to_string(),
            "--act",
            &shape.act.to_string(),
        ])
        .output()
        .context("--torch: cannot run python3")?;
    if !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        bail!(
            "--torch: {} failed: {}",
            args.torch_script.display(),
            stderr.lines().last().unwrap_or("no output")
        );
    }
    let stdout = String::from_utf8_lossy(&output.stdout);
    Ok(parse_torch_lines(&stdout))
}

/// `torch 2.11.0 cpu threads=2: odice-orthogonal: 32.0 steps/s (31.25 ms/step)` lines into
/// (method, steps/s).
fn parse_torch_lines(stdout: &str) -> Vec<(String, f64)> {
    stdout
        .lines()
        .filter_map(|line| {
            let mut fields = line.split(": ");
            fields.next()?;
            let label = fields.next()?;
            let rate = fields.next()?.split_whitespace().next()?.parse().ok()?;
            let algo = label.split('-').next()?.to_string();
            Some((algo, rate))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn median_of_odd_and_even_counts() {
        assert_eq!(median(vec![3.0, 1.0, 2.0]), 2.0);
        assert_eq!(median(vec![4.0, 1.0, 3.0, 2.0]), 2.5);
        assert_eq!(median(vec![7.0]), 7.0);
    }

    #[test]
    fn torch_lines_parse_into_method_rates() {
        let out = "torch 2.11.0+cpu cpu threads=2: odice-orthogonal: 32.0 steps/s (31.25 ms/step)\n\
                   torch 2.11.0+cpu cpu threads=2: td3bc: 126.5 steps/s (7.91 ms/step)\nnoise\n";
        assert_eq!(
            parse_torch_lines(out),
            vec![("odice".to_string(), 32.0), ("td3bc".to_string(), 126.5)]
        );
    }
}
