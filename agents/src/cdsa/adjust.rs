//! The auxiliary action (spec §1.4 "Inference"): plain forward passes of the trained models,
//! no autodiff. Every guided move is `κ σ_q² s(x, σ_q)`, a fraction κ of the Tweedie step from
//! `x` to the posterior mean of the clean data at noise level σ_q.

use super::score::ScoreNet;
use super::{CdsaNets, Knobs, Variant};
use ember_engine::burn::tensor::Tensor;

/// `clip(a_b + a_aux, -1, 1)` for standardised states `state` `[B, obs_dim]` and base actions
/// `base` `[B, act_dim]` in [-1, 1], by the rule `knobs.variant`.
pub fn adjust(nets: &CdsaNets, knobs: &Knobs, state: Tensor<2>, base: Tensor<2>) -> Tensor<2> {
    let [batch, _] = state.dims();
    let sigma = Tensor::<2>::full([batch, 1], knobs.sigma_q, &state.device());
    let guided = |model: &ScoreNet, x: Tensor<2>, cond: Option<Tensor<2>>, kappa: f32| {
        // κ σ_q² s(x, σ_q) = κ σ_q · (σ_q s(x, σ_q)).
        x.clone()
            + model
                .scaled(x, cond, sigma.clone())
                .mul_scalar(kappa * knobs.sigma_q)
    };
    let aux = match knobs.variant {
        Variant::A1 => {
            let target = guided(&nets.state_score, state.clone(), None, knobs.kappa_s);
            nets.inverse(state.clone(), target) - nets.inverse(state.clone(), state)
        }
        Variant::A2 => {
            let predicted = nets.forward_model(state.clone(), base.clone());
            let target = guided(&nets.state_score, predicted.clone(), None, knobs.kappa_s);
            nets.inverse(state.clone(), target) - nets.inverse(state, predicted)
        }
        Variant::B => {
            let mut action = base.clone();
            for _ in 0..knobs.steps {
                action = guided(
                    &nets.action_score,
                    action,
                    Some(state.clone()),
                    knobs.kappa_a,
                )
                .clamp(-1.0, 1.0);
            }
            action - base.clone()
        }
    };
    (base + aux).clamp(-1.0, 1.0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::agent::{ActionBounds, Spec};
    use crate::cdsa::CdsaConfig;
    use crate::cdsa::score::noise_levels;
    use ember_datasets::StateNormalizer;
    use ember_engine::burn::module::Module;
    use ember_engine::burn::optim::GradientsParams;
    use ember_engine::burn::tensor::{Device, Distribution, TensorData};
    use ember_engine::optim::adam;

    fn spec(obs_dim: usize, act_dim: usize) -> Spec {
        Spec {
            obs_dim,
            act_dim,
            normalizer: StateNormalizer::identity(obs_dim),
            action_space: ActionBounds::unit(act_dim).into(),
        }
    }

    fn values(t: Tensor<2>) -> Vec<f32> {
        t.into_data().try_to_vec::<f32>().unwrap()
    }

    /// With κ = 0 the inverse model's bias cancels exactly (A1, A2) and B takes null steps:
    /// untrained models leave every base action as it is.
    #[test]
    fn zero_kappa_leaves_the_base_action_unchanged() {
        let device = Device::flex();
        let nets = CdsaNets::new(&CdsaConfig::default(), &spec(3, 2), &device);
        let state = Tensor::<2>::random([16, 3], Distribution::Normal(0.0, 1.0), &device);
        let base = Tensor::<2>::random([16, 2], Distribution::Uniform(-1.0, 1.0), &device);
        for variant in [Variant::A1, Variant::A2, Variant::B] {
            let knobs = Knobs {
                variant,
                kappa_s: 0.0,
                kappa_a: 0.0,
                ..Knobs::default()
            };
            let out = adjust(&nets, &knobs, state.clone(), base.clone());
            assert_eq!(values(out), values(base.clone()), "{variant:?}");
            // A non-zero step does move the action (the models are random, not zero).
            let moved = Knobs {
                kappa_s: 1.0,
                kappa_a: 1.0,
                ..knobs
            };
            let out = adjust(&nets, &moved, state.clone(), base.clone());
            assert_ne!(values(out), values(base.clone()), "{variant:?}");
        }
    }

    /// A 2-D toy dataset: state s ~ U(-1, 1), action at one of two modes 0.3 s ± 0.5 (noise
    /// 0.05). The trained action score points from an off-data action toward the nearest mode,
    /// and more steps of variant B bring it closer.
    #[test]
    fn the_action_score_points_to_the_nearest_mode() {
        let device = Device::flex();
        device.seed(0);
        let train = device.clone().autodiff();
        let config = CdsaConfig {
            score_hidden: vec![64, 64],
            dynamics_hidden: vec![8],
            ..CdsaConfig::default()
        };
        let mut nets = CdsaNets::new(&config, &spec(1, 1), &train);
        let mut opt = adam(config.adam_eps).init();
        let levels = noise_levels(1.0, 0.02, 8);
        for _ in 0..1500 {
            let s = Tensor::<2>::random([256, 1], Distribution::Uniform(-1.0, 1.0), &train);
            let sign = Tensor::<2>::random([256, 1], Distribution::Uniform(0.0, 1.0), &train)
                .greater_elem(0.5)
                .float()
                .mul_scalar(2.0)
                .sub_scalar(1.0);
            let noise = Tensor::<2>::random([256, 1], Distribution::Normal(0.0, 0.05), &train);
            let a = s.clone().mul_scalar(0.3) + sign.mul_scalar(0.5) + noise;
            let loss = nets.action_score.dsm(a, Some(s), &levels);
            let grads = GradientsParams::from_grads(loss.backward(), &nets);
            nets = opt.step(1e-3, nets, grads);
        }
        let nets = nets.valid();

        // Off-data actions 0.3 beyond the upper mode (above) and the lower mode (below).
        let states: Vec<f32> = (0..20).map(|i| -0.9 + 0.09 * i as f32).collect();
        let modes = |s: f32| [0.3 * s + 0.5, 0.3 * s - 0.5];
        let mut start = Vec::new();
        for &s in &states {
            start.push(modes(s)[0] + 0.3);
        }
        for &s in &states {
            start.push(modes(s)[1] - 0.3);
        }
        let all_states: Vec<f32> = states.iter().chain(&states).copied().collect();
        let column =
            |v: &[f32]| Tensor::<2>::from_data(TensorData::new(v.to_vec(), [v.len(), 1]), &device);
        let score = values(nets.action_score.score(
            column(&start),
            Some(column(&all_states)),
            Tensor::full([start.len(), 1], 0.1, &device),
        ));
        assert!(
            score[..20].iter().all(|&g| g < 0.0),
            "above the upper mode: {score:?}"
        );
        assert!(
            score[20..].iter().all(|&g| g > 0.0),
            "below the lower mode: {score:?}"
        );

        let distance = |actions: &[f32]| {
            actions
                .iter()
                .zip(&all_states)
                .map(|(a, &s)| {
                    modes(s)
                        .iter()
                        .map(|m| (a - m).abs())
                        .fold(f32::MAX, f32::min)
                })
                .sum::<f32>()
                / actions.len() as f32
        };
        let after = |steps| {
            let knobs = Knobs {
                variant: Variant::B,
                kappa_a: 0.5,
                sigma_q: 0.1,
                steps,
                ..Knobs::default()
            };
            values(adjust(&nets, &knobs, column(&all_states), column(&start)))
        };
        let (d0, d1, d5) = (distance(&start), distance(&after(1)), distance(&after(5)));
        assert!(
            d1 < d0 && d5 < 0.8 * d1,
            "distance to the nearest mode: {d0} -> {d1} -> {d5}"
        );
    }
}
