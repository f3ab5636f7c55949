//! Planning time per environment step of Trajectory Diffuser (`td`: drafter + K = 5 guided
//! reverse steps) against the Decision-Diffuser mode of the same networks (`dd`: all 100
//! reverse steps from noise), side by side, at the paper's batch of 32 candidates and the
//! hopper-medium-expert shapes (state 11, action 3, H = 16, drafter d_model 512, U-Net dim 64),
//! on the `cpu` device (burn-flex). `td/draft` (one rollout per slot, shared by its 32
//! candidates) and `td/refine` split `td/total` into the autoregressive rollout and the
//! refinement. Untrained weights: the time does not depend on them. One `dd` step is 200
//! U-Net passes, so the bench takes minutes.
//!
//! `cargo bench -p ember-bench --bench planning_latency`; criterion reports time per step.

use criterion::{Criterion, criterion_group, criterion_main};
use ember::agent::{ActionBounds, EpisodePolicy, Spec};
use ember::datasets::StateNormalizer;
use ember::engine::burn::tensor::{Distribution, Tensor};
use ember::engine::parse_device;
use ember::trajdiff::planner::{draft, refine};
use ember::trajdiff::{Planner, TrajDiff, TrajDiffConfig};
use std::time::Duration;

const OBS: usize = 11;
const ACT: usize = 3;

fn planning_latency(c: &mut Criterion) {
    let mut group = c.benchmark_group("plan_step");
    group
        .measurement_time(Duration::from_secs(20))
        .sample_size(10);
    for device_name in ["cpu"] {
        let Ok(device) = parse_device(device_name) else {
            continue;
        };
        let spec = Spec {
            obs_dim: OBS,
            act_dim: ACT,
            normalizer: StateNormalizer::identity(OBS),
            action_space: ActionBounds::unit(ACT).into(),
        };
        let config = TrajDiffConfig::default();
        let (h, k) = (config.horizon, config.candidates);
        let observation = vec![vec![0.1; OBS]];
        for planner in [Planner::Td, Planner::Dd] {
            let mut agent = TrajDiff::new(config.clone(), spec.clone(), &device);
            agent.set_planner(planner);
            let name = format!("{planner:?}").to_lowercase();
            group.bench_function(format!("{name}/total/{device_name}"), |b| {
                b.iter(|| {
                    let action = agent.act_in(&[0], &observation);
                    agent.observe_reward(0, 1.0);
                    action
                })
            });
        }
        // The two halves of a td step, on a full context of H - 1 steps.
        let agent = TrajDiff::new(config.clone(), spec.clone(), &device);
        let nets = agent.planning_nets();
        let normal = Distribution::Normal(0.0, 1.0);
        let context = Tensor::<3>::random([1, h - 1, OBS], normal, &device);
        let returns = Tensor::<3>::ones([1, h - 1, 1], &device);
        group.bench_function(format!("td/draft/{device_name}"), |b| {
            b.iter(|| draft(&nets.drafter, context.clone(), returns.clone(), h).into_data())
        });
        let plan = Tensor::<3>::random([k, h, OBS], normal, &device);
        let first = plan.clone().narrow(1, 0, 1).reshape([k, OBS]);
        let target = Tensor::<2>::ones([k, 1], &device);
        group.bench_function(format!("td/refine/{device_name}"), |b| {
            b.iter(|| {
                refine(
                    &nets.unet,
                    agent.schedule(),
                    plan.clone(),
                    config.start_step,
                    config.inject_noise,
                    target.clone(),
                    first.clone(),
                    config.guidance,
                )
                .into_data()
            })
        });
    }
    group.finish();
}

criterion_group!(benches, planning_latency);
criterion_main!(benches);
