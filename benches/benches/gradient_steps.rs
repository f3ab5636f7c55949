//! Gradient steps per second of every offline method and of online SAC's update at the D4RL
//! MuJoCo network sizes (256-256, batch 256, HalfCheetah shapes 17/6), on every CPU device of
//! this build.
//!
//! `cargo bench -p ember-bench --bench gradient_steps`; criterion reports time per step
//! (steps/s = 1 / time).

use criterion::{Criterion, criterion_group, criterion_main};
use ember::agent::{ActionBounds, OfflineAgent, Spec};
use ember::algo::AlgoConfig;
use ember::datasets::StateNormalizer;
use ember::engine::{TransitionBuffer, parse_device};
use ember::method::BuildContext;
use ember::sac::{Sac, SacConfig};
use std::time::Duration;

const OBS: usize = 17;
const ACT: usize = 6;

fn gradient_steps(c: &mut Criterion) {
    let mut group = c.benchmark_group("gradient_step");
    group
        .measurement_time(Duration::from_secs(10))
        .sample_size(20);
    for device_name in ["cpu", "ndarray"] {
        let Ok(device) = parse_device(device_name) else {
            continue;
        };
        let device = device.autodiff();
        let buffer = TransitionBuffer::random(100_000, OBS, ACT, &device);
        let spec = Spec {
            obs_dim: OBS,
            act_dim: ACT,
            normalizer: StateNormalizer::identity(OBS),
            action_space: ActionBounds::unit(ACT).into(),
        };
        for algo in AlgoConfig::NAMES {
            // Sequence methods train on segment batches (`planning_latency` benches trajdiff).
            if AlgoConfig::by_name(algo).unwrap().segments().is_some() {
                continue;
            }
            let spec = spec.clone();
            let mut agent = AlgoConfig::by_name(algo)
                .unwrap()
                .build(&BuildContext::new(spec, 1_000_000, &device))
                .unwrap();
            let mut step = 0;
            group.bench_function(format!("{algo}/{device_name}"), |b| {
                b.iter(|| {
                    let batch = buffer.sample(agent.batch_size());
                    let metrics = agent.update(&batch, step);
                    step += 1;
                    // Read one metric back so the step's work is complete before timing ends.
                    metrics.read()
                })
            });
        }
        let config = SacConfig::default();
        let batch_size = config.batch_size;
        let mut sac = Sac::new(config, spec, &device);
        group.bench_function(format!("sac/{device_name}"), |b| {
            b.iter(|| sac.update(&buffer.sample(batch_size)).read())
        });
    }
    group.finish();
}

criterion_group!(benches, gradient_steps);
criterion_main!(benches);
