//! Receding-horizon planning (A.7): at every environment step each slot's history of states
//! and returns-to-go is drafted forward H − 1 steps by the drafter (`td`), refined by K guided
//! reverse steps of the EMA diffusion model with the observed state inpainted, and the
//! inverse-dynamics model turns (plan[0], plan[1]) into the action; 32 candidates per slot
//! are batched and one is drawn from softmax(Q). The deterministic draft is computed once per
//! slot and shared by its candidates (the reference repeats the same rollout 32 times). The `dd` planner skips the drafter and
//! denoises from N(0, I) over the whole chain (Decision Diffuser's way of sampling).

use super::Planner;
use super::agent::TrajDiff;
use super::diffusion::{denoise, inpaint};
use super::drafter::Drafter;
use super::schedule::DiffusionSchedule;
use super::unet::TemporalUnet;
use crate::agent::EpisodePolicy;
use ember_engine::burn::module::Module;
use ember_engine::burn::tensor::activation::softmax;
use ember_engine::burn::tensor::{Distribution, Tensor, TensorData};
use ember_engine::nn::Mlp;
use rand::Rng;

/// One slot's episode: normalised states seen so far, the returns-to-go (scaled) the drafter
/// was given at each of them, the current return-to-go and the range it is kept in.
#[derive(Clone, Debug)]
pub(super) struct Episode {
    states: Vec<Vec<f32>>,
    returns: Vec<f32>,
    rtg: f32,
    floor: f32,
    ceiling: f32,
}

/// The inference copies of the networks a plan needs (EMA denoiser).
pub struct PlanningNets {
    /// Draft generator.
    pub drafter: Drafter,
    /// EMA denoiser.
    pub unet: TemporalUnet,
    /// Inverse dynamics.
    pub invdyn: Mlp,
    /// Candidate selector, when trained.
    pub critic: Option<Mlp>,
}

/// Rolls the drafter forward from contexts `states` `[N, L, S]` / `returns` `[N, L, 1]`
/// (L ≤ H − 1, the last entry being the current step) for H − 1 steps, each time feeding the
/// last H − 1 entries (positions restart at 0) and appending the last position's predictions;
/// returns the last H states `[N, H, S]`: the current state and H − 1 drafted ones.
pub fn draft(
    drafter: &Drafter,
    states: Tensor<3>,
    returns: Tensor<3>,
    horizon: usize,
) -> Tensor<3> {
    let (mut states, mut returns) = (states, returns);
    for _ in 0..horizon - 1 {
        let len = states.dims()[1];
        let window = len.min(horizon - 1);
        let (next_s, next_r) = drafter.forward(
            states.clone().narrow(1, len - window, window),
            returns.clone().narrow(1, len - window, window),
        );
        states = Tensor::cat(vec![states, next_s.narrow(1, window - 1, 1)], 1);
        returns = Tensor::cat(vec![returns, next_r.narrow(1, window - 1, 1)], 1);
    }
    let len = states.dims()[1];
    states.narrow(1, len - horizon, horizon)
}

/// Refines drafts `x` `[N, H, S]` with K = `start_step` guided reverse steps (optionally first
/// noising them to level K − 1), conditioned on `returns` `[N, 1]`, state 0 held at `first`.
#[allow(clippy::too_many_arguments)]
pub fn refine(
    unet: &TemporalUnet,
    schedule: &DiffusionSchedule,
    x: Tensor<3>,
    start_step: usize,
    inject_noise: bool,
    returns: Tensor<2>,
    first: Tensor<2>,
    guidance: f32,
) -> Tensor<3> {
    let from = start_step - 1;
    let x = if inject_noise {
        let eps = Tensor::random(x.shape(), Distribution::Normal(0.0, 1.0), &x.device());
        x.mul_scalar(schedule.signal(from) as f32) + eps.mul_scalar(schedule.noise_std(from) as f32)
    } else {
        x
    };
    let x = inpaint(x, first.clone());
    denoise(unet, schedule, x, from, returns, first, guidance)
}

/// Decision-Diffuser sampling: x_{T−1} ~ N(0, I) with state 0 inpainted, then all T guided
/// reverse steps. With the reference's schedule sqrt(ᾱ_{T−1}) is still 0.59, so the chain
/// starts off the distribution it was trained on (pitfall A.12.5): the baseline is the mode
/// of the same networks, not a retrained Decision Diffuser.
pub fn sample_from_noise(
    unet: &TemporalUnet,
    schedule: &DiffusionSchedule,
    shape: [usize; 3],
    returns: Tensor<2>,
    first: Tensor<2>,
    guidance: f32,
) -> Tensor<3> {
    let x = Tensor::random(shape, Distribution::Normal(0.0, 1.0), &first.device());
    let x = inpaint(x, first.clone());
    denoise(
        unet,
        schedule,
        x,
        schedule.steps() - 1,
        returns,
        first,
        guidance,
    )
}

impl TrajDiff {
    /// The inference copies of the planning networks.
    pub fn planning_nets(&self) -> PlanningNets {
        PlanningNets {
            drafter: self.nets.drafter.valid(),
            unet: self.nets.ema.valid(),
            invdyn: self.nets.invdyn.valid(),
            critic: self.nets.critic.as_ref().map(|c| c.valid()),
        }
    }

    /// The noise schedule.
    pub fn schedule(&self) -> &DiffusionSchedule {
        &self.schedule
    }

    fn episode(&mut self, slot: usize) -> &mut Episode {
        if self.episodes.len() <= slot {
            self.episodes.resize(slot + 1, None);
        }
        let start = self.config.target_return / self.config.rtg_scale;
        self.episodes[slot].get_or_insert_with(|| Episode {
            states: Vec::new(),
            returns: Vec::new(),
            rtg: start,
            // The reference's floor is a third of the target and it has no ceiling. A negative
            // target means rewards that are costs: the return-to-go then rises as costs are
            // paid, so the target itself is the floor, and the ceiling is 0 (no cost left to
            // pay), which keeps an episode that overran its target inside the data's range.
            floor: (start / 3.0).min(start),
            ceiling: if start < 0.0 { 0.0 } else { f32::INFINITY },
        })
    }

    /// Plans for the slots' current histories and returns one [-1, 1] action per slot.
    fn plan(&mut self, slots: &[usize]) -> Vec<Vec<f32>> {
        let device = self.device.clone().without_autodiff();
        let nets = self.planning_nets();
        let c = &self.config;
        let (n, k, h, s) = (slots.len(), c.candidates, c.horizon, self.spec.obs_dim);
        let episodes: Vec<&Episode> = slots
            .iter()
            .map(|&slot| {
                self.episodes[slot]
                    .as_ref()
                    .expect("act_in records the step first")
            })
            .collect();
        // Every candidate row of slot i is row i·k + j.
        let rows = |f: &dyn Fn(&Episode) -> Vec<f32>, width: usize| {
            let flat: Vec<f32> = episodes
                .iter()
                .flat_map(|e| {
                    let row = f(e);
                    std::iter::repeat_n(row, k).flatten()
                })
                .collect();
            Tensor::<2>::from_data(TensorData::new(flat, [n * k, width]), &device)
        };
        let first = rows(&|e| e.states.last().expect("one state").clone(), s);
        let returns = rows(&|e| vec![e.rtg], 1);
        let plans = match c.planner {
            Planner::Td => {
                // The drafter runs without dropout and is deterministic, so the reference's 32
                // identical rollouts per slot are computed once and shared by the candidates.
                let contexts = episodes
                    .iter()
                    .map(|e| {
                        let len = e.states.len().min(h - 1);
                        let from = e.states.len() - len;
                        let states: Vec<f32> = e.states[from..].concat();
                        let returns = e.returns[from..].to_vec();
                        let states =
                            Tensor::<3>::from_data(TensorData::new(states, [1, len, s]), &device);
                        let returns =
                            Tensor::<3>::from_data(TensorData::new(returns, [1, len, 1]), &device);
                        (len, states, returns)
                    })
                    .collect();
                let drafts: Vec<Tensor<3>> = draft_by_length(contexts, |states, returns| {
                    draft(&nets.drafter, states, returns, h)
                })
                .into_iter()
                .map(|d| d.repeat_dim(0, k))
                .collect();
                refine(
                    &nets.unet,
                    &self.schedule,
                    Tensor::cat(drafts, 0),
                    c.start_step,
                    c.inject_noise,
                    returns,
                    first.clone(),
                    c.guidance,
                )
            }
            Planner::Dd => sample_from_noise(
                &nets.unet,
                &self.schedule,
                [n * k, h, s],
                returns,
                first.clone(),
                c.guidance,
            ),
        };
        let pair = Tensor::cat(
            vec![plans.clone().narrow(1, 0, 1), plans.narrow(1, 1, 1)],
            2,
        )
        .reshape([n * k, 2 * s]);
        let actions = nets.invdyn.forward(pair).clamp(-1.0, 1.0);
        let a = self.spec.act_dim;
        let chosen: Vec<usize> = match (&nets.critic, k) {
            (Some(critic), k) if k > 1 => {
                let q = critic.forward(Tensor::cat(vec![first, actions.clone()], 1));
                let probs = softmax(q.reshape([n, k]), 1)
                    .into_data()
                    .convert::<f32>()
                    .try_to_vec::<f32>()
                    .expect("f32 scores");
                probs
                    .chunks(k)
                    .map(|p| {
                        let mut u: f32 = self.rng.random();
                        p.iter()
                            .position(|&w| {
                                u -= w;
                                u < 0.0
                            })
                            .unwrap_or(k - 1)
                    })
                    .collect()
            }
            _ => vec![0; n],
        };
        let flat = actions
            .into_data()
            .convert::<f32>()
            .try_to_vec::<f32>()
            .expect("f32 actions");
        chosen
            .iter()
            .enumerate()
            .map(|(i, &j)| flat[(i * k + j) * a..(i * k + j + 1) * a].to_vec())
            .collect()
    }
}

/// Drafting grouped by context length: `contexts` (length, states, returns) whose lengths are
/// equal share one batched `run` (at the start of an episode a context grows from 1 to H − 1);
/// the drafts come back in the order of `contexts`.
fn draft_by_length(
    contexts: Vec<(usize, Tensor<3>, Tensor<3>)>,
    run: impl Fn(Tensor<3>, Tensor<3>) -> Tensor<3>,
) -> Vec<Tensor<3>> {
    let mut lengths: Vec<usize> = contexts.iter().map(|(len, _, _)| *len).collect();
    lengths.sort_unstable();
    lengths.dedup();
    let mut out: Vec<Option<Tensor<3>>> = vec![None; contexts.len()];
    for len in lengths {
        let members: Vec<usize> = (0..contexts.len())
            .filter(|&i| contexts[i].0 == len)
            .collect();
        let states = Tensor::cat(members.iter().map(|&i| contexts[i].1.clone()).collect(), 0);
        let returns = Tensor::cat(members.iter().map(|&i| contexts[i].2.clone()).collect(), 0);
        let drafted = run(states, returns);
        let per = drafted.dims()[0] / members.len();
        for (m, &i) in members.iter().enumerate() {
            out[i] = Some(drafted.clone().narrow(0, m * per, per));
        }
    }
    out.into_iter()
        .map(|t| t.expect("every slot drafted"))
        .collect()
}

impl EpisodePolicy for TrajDiff {
    fn reset(&mut self, slot: usize) {
        if let Some(episode) = self.episodes.get_mut(slot) {
            *episode = None;
        }
    }

    fn act_in(&mut self, slots: &[usize], observations: &[Vec<f32>]) -> Vec<Vec<f32>> {
        for (&slot, obs) in slots.iter().zip(observations) {
            let mut state = obs.clone();
            self.spec.normalizer.normalize_row(&mut state);
            let keep = self.config.horizon - 1;
            let episode = self.episode(slot);
            episode.states.push(state);
            let rtg = episode.rtg;
            episode.returns.push(rtg);
            // The drafter never sees more than the last H − 1 steps.
            if episode.states.len() > keep {
                episode.states.remove(0);
                episode.returns.remove(0);
            }
        }
        let bounds = self.spec.bounds().clone();
        self.plan(slots)
            .into_iter()
            .map(|mut action| {
                bounds.from_unit(&mut action);
                action
            })
            .collect()
    }

    /// Return-to-go bookkeeping: R ← clamp(R − r / scale, floor, ceiling).
    fn observe_reward(&mut self, slot: usize, reward: f64) {
        let scale = self.config.rtg_scale;
        let episode = self.episode(slot);
        episode.rtg = (episode.rtg - reward as f32 / scale).clamp(episode.floor, episode.ceiling);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::agent::{ActionBounds, Spec};
    use crate::trajdiff::TrajDiffConfig;
    use ember_datasets::StateNormalizer;
    use ember_engine::burn::tensor::Device;

    fn small(planner: Planner) -> TrajDiff {
        let config = TrajDiffConfig {
            horizon: 8,
            candidates: 3,
            d_model: 16,
            n_heads: 2,
            n_layers: 1,
            d_ff: 16,
            unet_dim: 8,
            diffusion_steps: 10,
            planner,
            ..TrajDiffConfig::default()
        };
        let spec = Spec {
            obs_dim: 3,
            act_dim: 1,
            normalizer: StateNormalizer::identity(3),
            action_space: ActionBounds {
                low: vec![-2.0],
                high: vec![2.0],
            }
            .into(),
        };
        TrajDiff::new(config, spec, &Device::flex())
    }

    /// Refinement (with and without injected noise) and sampling from noise end with state 0
    /// equal to the observed state.
    #[test]
    fn inpainting_keeps_state_zero() {
        let agent = small(Planner::Td);
        let nets = agent.planning_nets();
        let device = Device::flex();
        let first = Tensor::<2>::from_floats([[0.5, -1.0, 2.0], [3.0, 0.0, -0.25]], &device);
        let returns = Tensor::<2>::ones([2, 1], &device);
        let draft = Tensor::<3>::random([2, 8, 3], Distribution::Normal(0.0, 1.0), &device);
        let read = |t: Tensor<3>| {
            t.narrow(1, 0, 1)
                .reshape([2, 3])
                .into_data()
                .convert::<f32>()
        };
        let want = first.clone().into_data().convert::<f32>();
        for inject in [false, true] {
            let x = refine(
                &nets.unet,
                agent.schedule(),
                draft.clone(),
                5,
                inject,
                returns.clone(),
                first.clone(),
                1.2,
            );
            assert_eq!(read(x), want, "inject_noise = {inject}");
        }
        let x = sample_from_noise(&nets.unet, agent.schedule(), [2, 8, 3], returns, first, 1.2);
        assert_eq!(read(x), want);
    }

    /// Both planners act inside the box, in slots whose histories differ in length (one
    /// reset mid-way), and the return-to-go follows the rewards down to its floor.
    #[test]
    fn planners_act_per_slot_with_growing_histories() {
        for planner in [Planner::Td, Planner::Dd] {
            let mut agent = small(planner);
            let obs = vec![vec![0.1, 0.2, 0.3], vec![-1.0, 0.0, 1.0]];
            agent.reset(0);
            agent.reset(1);
            for step in 0..10 {
                if step == 4 {
                    agent.reset(1);
                }
                let actions = agent.act_in(&[0, 1], &obs);
                assert_eq!(actions.len(), 2);
                for a in &actions {
                    assert!(a.len() == 1 && (-2.0..=2.0).contains(&a[0]), "{a:?}");
                }
                agent.observe_reward(0, 1000.0);
            }
            let e = agent.episodes[0].as_ref().unwrap();
            assert_eq!(e.states.len(), 7, "history capped at H - 1");
            // Target 3600 / 1000 falls by 1 per step to its floor 1.2.
            assert!((e.rtg - 1.2).abs() < 1e-6, "{}", e.rtg);
        }
        // A negative target (costs) rises with the costs paid, up to 0.
        let mut agent = small(Planner::Td);
        agent.config.target_return = -2500.0;
        agent.reset(0);
        agent.observe_reward(0, -1000.0);
        assert!((agent.episodes[0].as_ref().unwrap().rtg + 1.5).abs() < 1e-6);
        agent.observe_reward(0, -2000.0);
        assert_eq!(agent.episodes[0].as_ref().unwrap().rtg, 0.0);
    }
}
