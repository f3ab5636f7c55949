//! The same update on two devices gives the same result: one IQL and one TD3+BC step (smoothing
//! noise off, so the step is deterministic given the batch) from identical weights on `cpu` and
//! on `wgpu` (Mesa lavapipe in CI) or `ndarray`.

use ember::agent::{ActionBounds, EpisodePolicy, OfflineAgent, Spec};
use ember::algo::AlgoConfig;
use ember::datasets::StateNormalizer;
use ember::engine::burn::tensor::{Device, Tensor, TensorData};
use ember::engine::{Batch, parse_device};
use ember::method::BuildContext;

const OBS: usize = 5;
const ACT: usize = 2;
const B: usize = 16;

fn spec() -> Spec {
    Spec {
        obs_dim: OBS,
        act_dim: ACT,
        normalizer: StateNormalizer::identity(OBS),
        action_space: ActionBounds::unit(ACT).into(),
    }
}

fn values(n: usize, salt: f32) -> Vec<f32> {
    (0..n)
        .map(|i| (i as f32 * 0.37 + salt).sin() * 0.9)
        .collect()
}

fn batch(device: &Device) -> Batch {
    let m = |v: Vec<f32>, w: usize| Tensor::<2>::from_data(TensorData::new(v, [B, w]), device);
    Batch {
        observations: m(values(B * OBS, 0.1), OBS),
        actions: m(values(B * ACT, 0.2), ACT),
        rewards: m(values(B, 0.3), 1),
        next_observations: m(values(B * OBS, 0.4), OBS),
        masks: m(vec![1.0; B], 1),
    }
}

fn algo(name: &str) -> AlgoConfig {
    let mut config = AlgoConfig::by_name(name).unwrap();
    if let AlgoConfig::Td3bc(c) = &mut config {
        c.policy_noise = 0.0;
        c.hidden = vec![32, 32];
    }
    if let AlgoConfig::Iql(c) = &mut config {
        c.hidden = vec![32, 32];
    }
    config
}

/// One update of `name` on `other`, starting from the weights of the same agent on `cpu`;
/// returns the metrics and actions of both.
fn compare(name: &str, other: Device) {
    // Initialising the networks draws from burn's process-wide generator.
    let _turn = ember_tests::one_device_user();
    let cpu = parse_device("cpu").unwrap().autodiff();
    let other = other.autodiff();
    let weights = tempfile::tempdir().unwrap();
    let mut a = algo(name)
        .build(&BuildContext::new(spec(), 100, &cpu))
        .unwrap();
    a.save(weights.path()).unwrap();
    let mut b = algo(name)
        .build(&BuildContext::new(spec(), 100, &other))
        .unwrap();
    b.load(weights.path()).unwrap();

    let ma = a.update(&batch(&cpu), 0).read();
    let mb = b.update(&batch(&other), 0).read();
    for (key, va) in &ma {
        let vb = mb[key];
        assert!(
            (va - vb).abs() <= 1e-3 * (1.0 + va.abs()),
            "{name} {key}: cpu {va} vs other {vb}"
        );
    }
    let obs: Vec<Vec<f32>> = (0..4).map(|i| values(OBS, i as f32)).collect();
    let slots = [0, 1, 2, 3];
    for (ra, rb) in a.act_in(&slots, &obs).iter().zip(b.act_in(&slots, &obs)) {
        for (x, y) in ra.iter().zip(rb) {
            assert!((x - y).abs() < 1e-3, "{name} action: cpu {x} vs other {y}");
        }
    }
}

#[test]
fn cpu_and_ndarray_agree() {
    let Ok(ndarray) = parse_device("ndarray") else {
        return;
    };
    compare("iql", ndarray.clone());
    compare("td3bc", ndarray);
}

#[cfg(feature = "wgpu")]
#[test]
fn cpu_and_wgpu_agree() {
    let wgpu = parse_device("wgpu").expect("a wgpu adapter (CI installs Mesa lavapipe)");
    compare("iql", wgpu.clone());
    compare("td3bc", wgpu);
}
