//! The discriminator D(s, a) (B.3): states clamped to ±`clamp` in raw units, an MLP with
//! LeakyReLU(0.1) hidden layers, spectral normalisation on the hidden layers (not the head),
//! a logit out (expert = 1). Its input-gradient ∇ₓD is computed analytically through the net
//! (B.13 option 1): ∇ₓD = M_c ⊙ W₁ [φ'(z₁) ⊙ W₂ (… ⊙ w_L)], with φ' ∈ {1, slope} and M_c the
//! mask of unclamped coordinates, all built from ordinary tensor ops on the (normalised)
//! weights. burn 0.22 has no double backward, but the gradient penalty built on this expression
//! is an ordinary function of the weights, so one first-order backward gives exactly the
//! gradient PyTorch's `create_graph=True` double backprop gives.

use super::spectral::PowerIteration;
use ember_engine::burn::module::{Module, Param};
use ember_engine::burn::nn::{Initializer, Linear, LinearConfig};
use ember_engine::burn::tensor::activation::{sigmoid, softplus};
use ember_engine::burn::tensor::{Device, Distribution, Tensor};
use rand::Rng;
use serde::{Deserialize, Serialize};

/// Shape and fixed options of a [`Discriminator`].
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DiscriminatorShape {
    /// Width of the state part (including the absorbing indicator when used).
    pub state_dim: usize,
    /// Width of the action part (including the absorbing indicator when used).
    pub action_dim: usize,
    /// Hidden widths.
    pub hidden: Vec<usize>,
    /// LeakyReLU negative slope.
    pub slope: f32,
    /// The state part is clamped to [-clamp, clamp] (raw units).
    pub clamp: f32,
    /// Spectral normalisation of the hidden layers.
    pub spectral_norm: bool,
}

/// The linear layers (burn layout: weight `[in, out]`).
#[derive(Module, Debug)]
pub struct DiscriminatorNet {
    layers: Vec<Linear>,
}

/// D's parameters with its shape and spectral-norm state.
#[derive(Debug, Clone)]
pub struct Discriminator {
    /// The trainable layers.
    pub net: DiscriminatorNet,
    /// Shape and options.
    pub shape: DiscriminatorShape,
    /// One power-iteration state per hidden layer (empty without spectral norm).
    pub power: Vec<PowerIteration>,
}

/// A forward pass with what the penalty needs.
pub struct Forward {
    /// Logits `[B, 1]`.
    pub logits: Tensor<2>,
    /// ∇ₓD `[B, state_dim + action_dim]`, differentiable in the weights.
    pub input_grad: Tensor<2>,
}

impl Discriminator {
    /// Orthogonal initialisation as in the official code: hidden gain sqrt(2 / (1 + slope²)),
    /// head gain 0.01, zero biases; power-iteration vectors drawn from `rng`.
    pub fn new<R: Rng + ?Sized>(shape: DiscriminatorShape, device: &Device, rng: &mut R) -> Self {
        let mut sizes = vec![shape.state_dim + shape.action_dim];
        sizes.extend(&shape.hidden);
        sizes.push(1);
        let hidden_gain = (2.0 / (1.0 + shape.slope as f64 * shape.slope as f64)).sqrt();
        let last = sizes.len() - 2;
        let layers = sizes
            .windows(2)
            .enumerate()
            .map(|(i, pair)| {
                let gain = if i == last { 0.01 } else { hidden_gain };
                let mut layer = LinearConfig::new(pair[0], pair[1])
                    .with_bias(false)
                    .with_initializer(Initializer::Orthogonal { gain })
                    .init(device);
                layer.bias = Some(Param::from_tensor(Tensor::zeros([pair[1]], device)));
                layer
            })
            .collect();
        let power = if shape.spectral_norm {
            sizes[..sizes.len() - 1]
                .windows(2)
                .map(|pair| PowerIteration::new(pair[0], pair[1], rng))
                .collect()
        } else {
            Vec::new()
        };
        Self {
            net: DiscriminatorNet { layers },
            shape,
            power,
        }
    }

    /// One power iteration per spectrally normalised layer (what PyTorch does at every
    /// training-mode forward); call once per training step, before the loss.
    pub fn power_step(&mut self) {
        for (layer, power) in self.net.layers.iter().zip(&mut self.power) {
            let weight = layer
                .weight
                .val()
                .detach()
                .into_data()
                .try_to_vec::<f32>()
                .expect("weights are f32");
            power.step(&weight);
        }
    }

    /// The weights the forward uses: hidden ones divided by their σ̂ with spectral norm.
    fn weights(&self) -> Vec<(Tensor<2>, Tensor<1>)> {
        self.net
            .layers
            .iter()
            .enumerate()
            .map(|(i, layer)| {
                let weight = layer.weight.val();
                let weight = match self.power.get(i) {
                    Some(power) => power.normalize_weight(weight),
                    None => weight,
                };
                let bias = layer.bias.as_ref().expect("layers have biases").val();
                (weight, bias)
            })
            .collect()
    }

    /// Clamped input and the mask of coordinates the clamp lets through (1) or cuts (0).
    fn input(&self, states: Tensor<2>, actions: Tensor<2>) -> (Tensor<2>, Tensor<2>) {
        let c = self.shape.clamp;
        let mask = states.clone().abs().lower_equal_elem(c).float();
        let clamped = states.clamp(-c, c);
        let ones = actions.ones_like();
        (
            Tensor::cat(vec![clamped, actions], 1),
            Tensor::cat(vec![mask, ones], 1),
        )
    }

    /// Logits `[B, 1]` of (state, action) rows.
    pub fn logits(&self, states: Tensor<2>, actions: Tensor<2>) -> Tensor<2> {
        self.run(states, actions, false).0
    }

    /// Logits and the analytic input-gradient ∇ₓD.
    pub fn forward(&self, states: Tensor<2>, actions: Tensor<2>) -> Forward {
        let (logits, input_grad) = self.run(states, actions, true);
        Forward {
            logits,
            input_grad: input_grad.expect("asked for the gradient"),
        }
    }

    /// Logits, and ∇ₓD when `with_grad`.
    fn run(
        &self,
        states: Tensor<2>,
        actions: Tensor<2>,
        with_grad: bool,
    ) -> (Tensor<2>, Option<Tensor<2>>) {
        let (mut x, mask) = self.input(states, actions);
        let weights = self.weights();
        let last = weights.len() - 1;
        let slope = self.shape.slope;
        // φ'(z) for each hidden layer, constant (LeakyReLU is piecewise linear): φ(z) = φ'(z)·z.
        let mut derivs = Vec::with_capacity(last);
        for (i, (weight, bias)) in weights.iter().enumerate() {
            let z = x.matmul(weight.clone()) + bias.clone().unsqueeze();
            if i == last {
                x = z;
            } else {
                let d = z
                    .clone()
                    .detach()
                    .greater_elem(0.0)
                    .float()
                    .mul_scalar(1.0 - slope)
                    .add_scalar(slope);
                x = z * d.clone();
                derivs.push(d);
            }
        }
        let logits = x;
        if !with_grad {
            return (logits, None);
        }
        // δ = ∂D/∂(layer input), from the head down: δ ← (δ ⊙ φ'(z)) Wᵀ.
        let batch = logits.dims()[0];
        let head = weights[last].0.clone().transpose(); // [1, h_last]
        let mut delta = head.repeat_dim(0, batch);
        for i in (0..last).rev() {
            delta = delta * derivs[i].clone();
            delta = delta.matmul(weights[i].0.clone().transpose());
        }
        (logits, Some(delta * mask))
    }
}

/// How the Lipschitz constraint is imposed on D (B.4, B.13).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Penalty {
    /// Gradient penalty with the exact analytic input-gradient (the paper's, via B.13 option 1).
    #[default]
    Gp,
    /// Finite-difference estimate of the gradient norm along the interpolation line (B.13
    /// option 3; not evaluated in the paper).
    Fd,
    /// No penalty (ablation).
    None,
}

impl std::str::FromStr for Penalty {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "gp" => Ok(Self::Gp),
            "fd" => Ok(Self::Fd),
            "none" => Ok(Self::None),
            _ => Err(format!("penalty {s:?}: expected gp, fd or none")),
        }
    }
}

/// Settings of the penalty term.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PenaltySettings {
    /// Which estimate.
    pub kind: Penalty,
    /// Weight λ.
    pub scale: f32,
    /// Target norm k.
    pub target: f32,
    /// max(0, ‖g‖ − k)² (true) or (‖g‖ − k)² (false).
    pub one_sided: bool,
    /// Step of the finite-difference estimate.
    pub fd_step: f32,
}

/// `(‖g‖ − k)²`, one-sided or not, per row `[B, 1]`, from per-row norms `[B, 1]`.
fn penalize(norm: Tensor<2>, settings: &PenaltySettings) -> Tensor<2> {
    let excess = norm.sub_scalar(settings.target);
    let excess = if settings.one_sided {
        excess.clamp_min(0.0)
    } else {
        excess
    };
    excess.square()
}

/// Per-row Euclidean norms `[B, 1]` (a tiny epsilon keeps the square root differentiable at 0).
fn row_norm(x: Tensor<2>) -> Tensor<2> {
    x.square().sum_dim(1).add_scalar(1e-12).sqrt()
}

/// What one penalty evaluation gives.
pub struct PenaltyTerm {
    /// The mean penalty (un-weighted), differentiable in D's weights.
    pub value: Tensor<1>,
    /// Mean estimated gradient norm at the points (the local Lipschitz estimate), detached.
    pub lipschitz: Tensor<1>,
}

/// The penalty at the points (states, actions), `None` for [`Penalty::None`]. `direction`
/// (`[B, d]`, the interpolation line: expert minus policy) orients the finite-difference
/// estimate.
pub fn penalty(
    disc: &Discriminator,
    states: Tensor<2>,
    actions: Tensor<2>,
    direction: Tensor<2>,
    settings: &PenaltySettings,
) -> Option<PenaltyTerm> {
    let norm = match settings.kind {
        Penalty::None => return None,
        Penalty::Gp => row_norm(disc.forward(states, actions).input_grad),
        Penalty::Fd => {
            let h = settings.fd_step;
            let state_dim = disc.shape.state_dim;
            let unit = direction.clone() / row_norm(direction).clamp_min(1e-6);
            let [batch, width] = unit.dims();
            let du = unit.clone().slice([0..batch, 0..state_dim]).mul_scalar(h);
            let da = unit.slice([0..batch, state_dim..width]).mul_scalar(h);
            let plus = disc.logits(states.clone() + du.clone(), actions.clone() + da.clone());
            let minus = disc.logits(states - du, actions - da);
            (plus - minus).abs().div_scalar(2.0 * h)
        }
    };
    Some(PenaltyTerm {
        lipschitz: norm.clone().detach().mean(),
        value: penalize(norm, settings).mean(),
    })
}

/// Random interpolates between policy and expert rows with independent coefficients for the
/// state and the action parts (B.4 `wgan`, pitfall B.14.2): ŝ = ε_s s_p + (1 − ε_s) s_e,
/// â = ε_a a_p + (1 − ε_a) a_e, one (ε_s, ε_a) ~ U(0, 1)² per row.
pub fn interpolate(
    policy: (&Tensor<2>, &Tensor<2>),
    expert: (&Tensor<2>, &Tensor<2>),
) -> (Tensor<2>, Tensor<2>) {
    let batch = policy.0.dims()[0];
    let device = policy.0.device();
    let mix = |p: &Tensor<2>, e: &Tensor<2>| {
        let eps = Tensor::<2>::random([batch, 1], Distribution::Uniform(0.0, 1.0), &device);
        p.clone() * eps.clone() + e.clone() * eps.neg().add_scalar(1.0)
    };
    (mix(policy.0, expert.0), mix(policy.1, expert.1))
}

/// Mean binary entropy of sigmoid(logits): p·softplus(−l) + (1 − p)·softplus(l).
pub fn bernoulli_entropy(logits: Tensor<2>) -> Tensor<1> {
    let p = sigmoid(logits.clone());
    (p.clone() * softplus(logits.clone().neg(), 1.0)
        + p.neg().add_scalar(1.0) * softplus(logits, 1.0))
    .mean()
}

/// The policy's reward r(s, a) = −log(1 − sigmoid(D(s, a)) + 1e-8) (B.5), from logits.
pub fn reward(logits: Tensor<2>) -> Tensor<2> {
    sigmoid(logits.neg()).add_scalar(1e-8).log().neg()
}

#[cfg(test)]
mod tests {
    use super::*;
    use ember_engine::burn::optim::GradientsParams;
    use ember_engine::burn::tensor::TensorData;
    use rand::SeedableRng;
    use rand::rngs::StdRng;

    fn shape(spectral_norm: bool) -> DiscriminatorShape {
        DiscriminatorShape {
            state_dim: 3,
            action_dim: 2,
            hidden: vec![7, 6],
            slope: 0.1,
            clamp: 1.5,
            spectral_norm,
        }
    }

    fn tensor(values: Vec<f32>, rows: usize, device: &Device) -> Tensor<2> {
        let cols = values.len() / rows;
        Tensor::from_data(TensorData::new(values, [rows, cols]), device)
    }

    fn host(t: Tensor<2>) -> Vec<f32> {
        t.into_data().try_to_vec::<f32>().unwrap()
    }

    /// A random net (larger weights than the init, so every layer matters) with spectral
    /// norm's vectors after a few iterations.
    fn random_net(sn: bool, seed: u64, device: &Device) -> Discriminator {
        let mut rng = StdRng::seed_from_u64(seed);
        let mut disc = Discriminator::new(shape(sn), device, &mut rng);
        for layer in &mut disc.net.layers {
            let [i, o] = layer.weight.dims();
            let w: Vec<f32> = (0..i * o).map(|_| rng.random_range(-1.0..1.0)).collect();
            let b: Vec<f32> = (0..o).map(|_| rng.random_range(-0.5..0.5)).collect();
            layer.weight = Param::from_tensor(tensor(w, i, device));
            layer.bias = Some(Param::from_tensor(Tensor::from_data(
                TensorData::new(b, [o]),
                device,
            )));
        }
        for _ in 0..3 {
            disc.power_step();
        }
        disc
    }

    /// Random rows, some state coordinates beyond the clamp.
    fn points(rows: usize, seed: u64) -> (Vec<f32>, Vec<f32>) {
        let mut rng = StdRng::seed_from_u64(seed);
        let s = (0..rows * 3).map(|_| rng.random_range(-2.5..2.5)).collect();
        let a = (0..rows * 2).map(|_| rng.random_range(-1.0..1.0)).collect();
        (s, a)
    }

    /// ∇ₓD from the analytic expression equals central differences of D, for several random
    /// nets with and without spectral norm, with clamped coordinates (zero gradient) present.
    #[test]
    fn input_gradient_matches_finite_differences() {
        let device = Device::flex();
        let rows = 6;
        let mut clamped = 0;
        for seed in 0..4 {
            for sn in [false, true] {
                let disc = random_net(sn, seed, &device);
                let (s, a) = points(rows, 100 + seed);
                let grad = host(
                    disc.forward(
                        tensor(s.clone(), rows, &device),
                        tensor(a.clone(), rows, &device),
                    )
                    .input_grad,
                );
                let eval = |s: &[f32], a: &[f32]| {
                    host(disc.logits(
                        tensor(s.to_vec(), rows, &device),
                        tensor(a.to_vec(), rows, &device),
                    ))
                };
                let h = 1e-3f32;
                for coord in 0..5 {
                    let (mut sp, mut sm, mut ap, mut am) =
                        (s.clone(), s.clone(), a.clone(), a.clone());
                    for r in 0..rows {
                        if coord < 3 {
                            sp[r * 3 + coord] += h;
                            sm[r * 3 + coord] -= h;
                        } else {
                            ap[r * 2 + coord - 3] += h;
                            am[r * 2 + coord - 3] -= h;
                        }
                    }
                    let (plus, minus) = (eval(&sp, &ap), eval(&sm, &am));
                    for r in 0..rows {
                        let fd = (plus[r] - minus[r]) / (2.0 * h);
                        let analytic = grad[r * 5 + coord];
                        if coord < 3 {
                            let distance = (s[r * 3 + coord].abs() - 1.5).abs();
                            if distance < 2.0 * h {
                                // The difference straddles the clamp's edge.
                                continue;
                            }
                            if s[r * 3 + coord].abs() > 1.5 {
                                assert_eq!(analytic, 0.0);
                                clamped += 1;
                            }
                        }
                        // f32 differences of step 1e-3: the tolerance is relative to the
                        // gradient's scale (a LeakyReLU kink inside ±h is unlikely).
                        assert!(
                            (fd - analytic).abs() < 2e-3 * (1.0 + analytic.abs()),
                            "seed {seed} sn {sn} row {r} coord {coord}: fd {fd} vs {analytic}"
                        );
                    }
                }
            }
        }
        assert!(clamped > 5, "only {clamped} clamped coordinates exercised");
    }

    /// The penalty's gradient with respect to D's weights (one first-order backward through the
    /// analytic ∇ₓD) equals central differences of the penalty in several weights, with and
    /// without spectral norm (u, v held fixed, as within one PyTorch step).
    #[test]
    fn penalty_parameter_gradient_matches_finite_differences() {
        let device = Device::flex().autodiff();
        let rows = 5;
        for sn in [false, true] {
            for kind in [Penalty::Gp, Penalty::Fd] {
                let settings = PenaltySettings {
                    kind,
                    scale: 10.0,
                    target: 0.5,
                    one_sided: false,
                    fd_step: 1e-2,
                };
                let disc = random_net(sn, 7, &device);
                let (s, a) = points(rows, 8);
                let (ds, da) = points(rows, 9);
                let direction = Tensor::cat(
                    vec![tensor(ds, rows, &device), tensor(da, rows, &device)],
                    1,
                );
                let value = |disc: &Discriminator| {
                    penalty(
                        disc,
                        tensor(s.clone(), rows, &device),
                        tensor(a.clone(), rows, &device),
                        direction.clone(),
                        &settings,
                    )
                    .unwrap()
                    .value
                };
                let loss = value(&disc);
                let grads = GradientsParams::from_grads(loss.backward(), &disc.net);
                for (layer_index, element) in [(0usize, 3usize), (1, 10), (2, 4), (0, 20)] {
                    let layer = &disc.net.layers[layer_index];
                    let analytic = host(
                        grads
                            .get::<2>(layer.weight.id)
                            .expect("weight has a gradient"),
                    )[element];
                    let weights = host(layer.weight.val().detach());
                    let [i, _] = layer.weight.dims();
                    let h = 1e-2f32;
                    let shifted = |delta: f32| {
                        let mut moved = disc.clone();
                        let mut w = weights.clone();
                        w[element] += delta;
                        moved.net.layers[layer_index].weight =
                            Param::from_tensor(tensor(w, i, &device));
                        value(&moved).into_scalar::<f32>()
                    };
                    let fd = (shifted(h) - shifted(-h)) / (2.0 * h);
                    assert!(
                        (fd - analytic).abs() < 2e-2 * (1.0 + analytic.abs()),
                        "{kind:?} sn {sn} layer {layer_index}[{element}]: fd {fd} vs {analytic}"
                    );
                }
            }
        }
    }

    /// The reward is −log(1 − sigmoid(l)): 0 for a confident "policy" logit, log 2 at 0.
    #[test]
    fn reward_hand_computed() {
        let device = Device::flex();
        let r = host(reward(tensor(vec![0.0, -20.0, 3.0], 3, &device)));
        assert!((r[0] - std::f32::consts::LN_2).abs() < 1e-6);
        assert!(r[1].abs() < 1e-6);
        assert!((r[2] - (1.0f32 + 3.0f32.exp()).ln()).abs() < 1e-4, "{r:?}");
        let h = bernoulli_entropy(tensor(vec![0.0], 1, &device)).into_scalar::<f32>();
        assert!((h - std::f32::consts::LN_2).abs() < 1e-6);
    }
}
