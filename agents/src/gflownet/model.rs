//! The estimators: one MLP torso with the forward-policy logits, the backward-policy logits,
//! `log F(s)` and (OP-FL only) a learned per-state `log R̂(s)`, plus the scalar `log Z`.

use super::{RowTerms, Trajectory};
use ember_engine::burn::module::{Module, Param};
use ember_engine::burn::tensor::{Bool, Device, Tensor, TensorData, activation};
use ember_engine::nn::{Mlp, MlpConfig};
use ember_envs::gfn::GfnEnv;

/// Logit given to masked actions before the softmax.
const MASKED: f32 = -1e9;

/// The learned `log Z` (its own module, so it gets its own learning rate).
#[derive(Module, Debug)]
pub struct LogZ {
    /// `log Z`, shape `[1]`.
    pub value: Param<Tensor<1>>,
}

impl LogZ {
    /// `log Z = 0` on `device`.
    pub fn new(device: &Device) -> Self {
        Self {
            value: Param::from_tensor(Tensor::zeros([1], device)),
        }
    }
}

/// Shape of a [`GfnModel`].
#[derive(Clone, Debug)]
pub struct ModelShape {
    /// Feature width of a state.
    pub features: usize,
    /// Forward actions (exit included).
    pub actions: usize,
    /// Backward actions.
    pub backward_actions: usize,
    /// Hidden widths.
    pub hidden: Vec<usize>,
    /// Learn `P_B` (else uniform over the parents).
    pub learned_pb: bool,
    /// Add the per-state learned reward head (order-preserving forward-looking loss).
    pub reward_head: bool,
    /// Clamp of the logits (±).
    pub logit_clip: f32,
}

/// Forward/backward policies and state flows on a shared torso.
#[derive(Module, Debug)]
pub struct GfnModel {
    net: Mlp,
    #[module(skip)]
    actions: usize,
    #[module(skip)]
    backward_actions: usize,
    #[module(skip)]
    learned_pb: bool,
    #[module(skip)]
    reward_head: bool,
    #[module(skip)]
    logit_clip: f32,
}

/// Host-side inputs of a batch of trajectories, one row per state (see [`RowTerms`]).
pub struct RowInputs {
    rows: usize,
    features: Vec<f32>,
    forward_invalid: Vec<bool>,
    backward_invalid: Vec<bool>,
    forward_unchosen: Vec<bool>,
    backward_unchosen: Vec<bool>,
    /// Rows whose state is `s_0` (no backward edge).
    initial: Vec<bool>,
    uniform_log_pb: Vec<f32>,
}

impl RowInputs {
    /// Encodes every state of `trajectories` with its masks and chosen actions.
    pub fn new<E: GfnEnv>(env: &E, trajectories: &[Trajectory<E::State>]) -> Self {
        let (na, nb, d) = (env.n_actions(), env.n_backward_actions(), env.feature_dim());
        let rows: usize = trajectories.iter().map(|t| t.states.len()).sum();
        let mut this = Self {
            rows,
            features: vec![0.0; rows * d],
            forward_invalid: Vec::with_capacity(rows * na),
            backward_invalid: Vec::with_capacity(rows * nb),
            forward_unchosen: vec![true; rows * na],
            backward_unchosen: vec![true; rows * nb],
            initial: Vec::with_capacity(rows),
            uniform_log_pb: Vec::with_capacity(rows),
        };
        let mut r = 0;
        for traj in trajectories {
            for (t, s) in traj.states.iter().enumerate() {
                env.encode_into(s, &mut this.features[r * d..(r + 1) * d]);
                let fwd = env.forward_mask(s);
                let bwd = env.backward_mask(s);
                this.forward_invalid.extend(fwd.iter().map(|&ok| !ok));
                let parents = bwd.iter().filter(|&&ok| ok).count().max(1);
                this.backward_invalid.extend(bwd.iter().map(|&ok| !ok));
                let chosen: &[usize] = traj.forward.get(t).map_or(&[], Vec::as_slice);
                if t == traj.n_moves() {
                    this.forward_unchosen[r * na + env.exit_action()] = false;
                }
                for &a in chosen {
                    this.forward_unchosen[r * na + a] = false;
                }
                if t > 0 {
                    for &b in &traj.backward[t - 1] {
                        this.backward_unchosen[r * nb + b] = false;
                    }
                    let k = traj.backward[t - 1].len() as f32;
                    this.uniform_log_pb.push((k / parents as f32).ln());
                } else {
                    this.uniform_log_pb.push(0.0);
                }
                this.initial.push(t == 0);
                r += 1;
            }
        }
        this
    }

    /// Number of rows (states).
    pub fn rows(&self) -> usize {
        self.rows
    }
}

impl ModelShape {
    /// Builds the model on `device`.
    pub fn init(&self, device: &Device) -> GfnModel {
        let out = self.actions
            + if self.learned_pb {
                self.backward_actions
            } else {
                0
            }
            + 1
            + usize::from(self.reward_head);
        GfnModel {
            net: MlpConfig::layers(self.features, &self.hidden, out).init(device),
            actions: self.actions,
            backward_actions: self.backward_actions,
            learned_pb: self.learned_pb,
            reward_head: self.reward_head,
            logit_clip: self.logit_clip,
        }
    }
}

/// `KL(U ‖ P_B)` per state, `−ln m − (1/m) Σ_valid log P_B(a|s)` with `m` valid backward
/// actions, averaged over the rows that are not initial and have a parent. `log_pb` is
/// `[rows, backward actions]`, `invalid` its row-major mask.
pub(crate) fn kl_uniform_backward(
    log_pb: Tensor<2>,
    invalid: &[bool],
    initial: &[bool],
    device: &Device,
) -> Tensor<1> {
    let [n, nb] = log_pb.dims();
    let mut coef = vec![0.0f32; n * nb];
    let (mut constant, mut rows) = (0.0f64, 0usize);
    for r in (0..n).filter(|&r| !initial[r]) {
        let m = (0..nb).filter(|&a| !invalid[r * nb + a]).count();
        if m == 0 {
            continue;
        }
        rows += 1;
        constant -= (m as f64).ln();
        for a in (0..nb).filter(|&a| !invalid[r * nb + a]) {
            coef[r * nb + a] = 1.0 / m as f32;
        }
    }
    if rows == 0 {
        return Tensor::zeros([1], device);
    }
    let coef = Tensor::<2>::from_data(TensorData::new(coef, [n, nb]), device);
    (log_pb * coef)
        .sum()
        .neg()
        .add_scalar(constant as f32)
        .div_scalar(rows as f32)
}

fn bool_matrix(v: &[bool], rows: usize, cols: usize, device: &Device) -> Tensor<2, Bool> {
    Tensor::from_data(TensorData::new(v.to_vec(), [rows, cols]), device)
}

/// `log Σ_{a chosen} exp(log_p[r, a])` per row (`[rows]`); rows with no chosen entry give a
/// huge negative number that the caller masks.
fn log_sum_chosen(log_p: Tensor<2>, unchosen: Tensor<2, Bool>) -> Tensor<1> {
    let x = log_p.mask_fill(unchosen, MASKED);
    let m = x.clone().max_dim(1).detach();
    ((x - m.clone()).exp().sum_dim(1).log() + m).squeeze_dim::<1>(1)
}

impl GfnModel {
    /// Log-probabilities of the forward policy at `features` (`[N, d]`) with `invalid` actions
    /// masked, after dividing the logits by `temperature`: `[N, actions]`.
    pub fn forward_log_probs(
        &self,
        features: Tensor<2>,
        invalid: Tensor<2, Bool>,
        temperature: f64,
    ) -> Tensor<2> {
        let n = features.dims()[0];
        let logits = self
            .net
            .forward(features)
            .slice([0..n, 0..self.actions])
            .clamp(-self.logit_clip, self.logit_clip)
            .div_scalar(temperature as f32);
        activation::log_softmax(logits.mask_fill(invalid, MASKED), 1)
    }

    /// OP-GFN's regulariser `KL(U ‖ P_B)` of the learned backward policy, averaged over the
    /// non-initial states of `inputs` (its own forward pass); `None` with a uniform `P_B`.
    pub fn backward_kl(&self, inputs: &RowInputs, device: &Device) -> Option<Tensor<1>> {
        if !self.learned_pb {
            return None;
        }
        let (n, na, nb) = (inputs.rows, self.actions, self.backward_actions);
        let d = inputs.features.len() / n.max(1);
        let x = Tensor::<2>::from_data(TensorData::new(inputs.features.clone(), [n, d]), device);
        let clip = self.logit_clip;
        let bwd = self
            .net
            .forward(x)
            .slice([0..n, na..na + nb])
            .clamp(-clip, clip);
        let bwd = bwd.mask_fill(bool_matrix(&inputs.backward_invalid, n, nb, device), MASKED);
        Some(kl_uniform_backward(
            activation::log_softmax(bwd, 1),
            &inputs.backward_invalid,
            &inputs.initial,
            device,
        ))
    }

    /// The per-row terms of a batch: `log P_F` of the chosen move (or exit), `log P_B` of the
    /// move into the state, the network's `log F` (`[rows]`), and the learned `log R̂(s)` when
    /// the model has that head.
    pub fn row_terms(&self, inputs: &RowInputs, device: &Device) -> (RowTerms, Option<Tensor<1>>) {
        let (n, na, nb) = (inputs.rows, self.actions, self.backward_actions);
        let d = inputs.features.len() / n.max(1);
        let x = Tensor::<2>::from_data(TensorData::new(inputs.features.clone(), [n, d]), device);
        let out = self.net.forward(x);
        let clip = self.logit_clip;
        let fwd = out.clone().slice([0..n, 0..na]).clamp(-clip, clip);
        let fwd = fwd.mask_fill(bool_matrix(&inputs.forward_invalid, n, na, device), MASKED);
        let log_pf = log_sum_chosen(
            activation::log_softmax(fwd, 1),
            bool_matrix(&inputs.forward_unchosen, n, na, device),
        );
        let initial =
            Tensor::<1, Bool>::from_data(TensorData::new(inputs.initial.clone(), [n]), device);
        let (log_pb, col) = if self.learned_pb {
            let bwd = out.clone().slice([0..n, na..na + nb]).clamp(-clip, clip);
            let bwd = bwd.mask_fill(bool_matrix(&inputs.backward_invalid, n, nb, device), MASKED);
            let lp = log_sum_chosen(
                activation::log_softmax(bwd, 1),
                bool_matrix(&inputs.backward_unchosen, n, nb, device),
            );
            (lp.mask_fill(initial, 0.0), na + nb)
        } else {
            let v = inputs.uniform_log_pb.clone();
            (Tensor::from_data(TensorData::new(v, [n]), device), na)
        };
        let log_flow = out.clone().slice([0..n, col..col + 1]).reshape([n]);
        let reward = self
            .reward_head
            .then(|| out.slice([0..n, col + 1..col + 2]).reshape([n]));
        (
            RowTerms {
                log_pf,
                log_pb,
                log_flow,
            },
            reward,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backward_kl_to_uniform_matches_a_hand_computation() {
        // Row 0: s_0 (skipped). Row 1: two parents, P_B = (¼, ¾): KL = ½ ln(½/¼) + ½ ln(½/¾)
        // = ½ ln(4/3). Row 2: one parent, KL = 0. Mean over rows 1 and 2.
        let device = Device::flex();
        let lp = vec![0.0f32, MASKED, 0.25f32.ln(), 0.75f32.ln(), 0.0, MASKED];
        let log_pb = Tensor::<2>::from_data(TensorData::new(lp, [3, 2]), &device);
        let invalid = [false, true, false, false, false, true];
        let kl = kl_uniform_backward(log_pb, &invalid, &[true, false, false], &device);
        let got = f64::from(kl.into_data().try_to_vec::<f32>().unwrap()[0]);
        let want = 0.5 * (4.0f64 / 3.0).ln() / 2.0;
        assert!((got - want).abs() < 1e-6, "{got} vs {want}");
    }
}
