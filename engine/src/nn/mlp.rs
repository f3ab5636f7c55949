//! A multilayer perceptron with optional LayerNorm (before the activation) and dropout.

use burn::module::{Module, Param};
use burn::nn::{
    Dropout, DropoutConfig, Initializer, LayerNorm, LayerNormConfig, Linear, LinearConfig,
};
use burn::tensor::{Device, Tensor, activation};
use serde::{Deserialize, Serialize};

/// Hidden-layer non-linearity.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Activation {
    /// max(x, 0).
    #[default]
    Relu,
    /// Hyperbolic tangent.
    Tanh,
    /// x * sigmoid(x).
    Silu,
}

impl Activation {
    fn apply<const D: usize>(self, x: Tensor<D>) -> Tensor<D> {
        match self {
            Activation::Relu => activation::relu(x),
            Activation::Tanh => activation::tanh(x),
            Activation::Silu => activation::silu(x),
        }
    }
}

/// Shape and options of an [`Mlp`]: `sizes` lists every width from input to output.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct MlpConfig {
    /// Input, hidden and output widths, e.g. `[17, 256, 256, 1]`.
    pub sizes: Vec<usize>,
    /// Hidden non-linearity.
    pub activation: Activation,
    /// LayerNorm after each hidden linear layer, before the activation.
    pub layer_norm: bool,
    /// Dropout probability after each hidden activation (0 disables it).
    pub dropout: f64,
    /// Orthogonal initialisation with this gain (the IQL/O-DICE codes use sqrt 2); `None` keeps
    /// burn's default (PyTorch-like Kaiming uniform).
    pub orthogonal_gain: Option<f64>,
}

impl MlpConfig {
    /// A plain ReLU MLP with burn's default initialisation.
    pub fn new(sizes: Vec<usize>) -> Self {
        Self {
            sizes,
            activation: Activation::Relu,
            layer_norm: false,
            dropout: 0.0,
            orthogonal_gain: None,
        }
    }

    /// A plain ReLU MLP `[input, hidden.., output]`.
    pub fn layers(input: usize, hidden: &[usize], output: usize) -> Self {
        let mut sizes = Vec::with_capacity(hidden.len() + 2);
        sizes.push(input);
        sizes.extend(hidden);
        sizes.push(output);
        Self::new(sizes)
    }

    /// Sets orthogonal initialisation with `gain`.
    pub fn with_orthogonal(mut self, gain: f64) -> Self {
        self.orthogonal_gain = Some(gain);
        self
    }

    /// Enables LayerNorm on the hidden layers.
    pub fn with_layer_norm(mut self, on: bool) -> Self {
        self.layer_norm = on;
        self
    }

    /// Sets the hidden dropout probability.
    pub fn with_dropout(mut self, prob: f64) -> Self {
        self.dropout = prob;
        self
    }

    /// Builds the module on `device`.
    pub fn init(&self, device: &Device) -> Mlp {
        assert!(
            self.sizes.len() >= 2,
            "an MLP needs at least input and output sizes"
        );
        let layers = self
            .sizes
            .windows(2)
            .map(|pair| {
                let linear = LinearConfig::new(pair[0], pair[1]);
                match self.orthogonal_gain {
                    None => linear.init(device),
                    // Orthogonal weights and a zero bias (burn's orthogonal initialiser only
                    // takes matrices, so the bias is added separately).
                    Some(gain) => {
                        let mut layer = linear
                            .with_bias(false)
                            .with_initializer(Initializer::Orthogonal { gain })
                            .init(device);
                        layer.bias = Some(Param::from_tensor(Tensor::zeros([pair[1]], device)));
                        layer
                    }
                }
            })
            .collect::<Vec<_>>();
        let hidden = &self.sizes[1..self.sizes.len() - 1];
        let norms = if self.layer_norm {
            hidden
                .iter()
                .map(|&d| LayerNormConfig::new(d).init(device))
                .collect()
        } else {
            Vec::new()
        };
        let dropout = (self.dropout > 0.0).then(|| DropoutConfig::new(self.dropout).init());
        Mlp {
            layers,
            norms,
            dropout,
            activation: self.activation,
        }
    }
}

/// A stack of linear layers with a non-linearity between them (none after the last).
#[derive(Module, Debug)]
pub struct Mlp {
    layers: Vec<Linear>,
    norms: Vec<LayerNorm>,
    dropout: Option<Dropout>,
    #[module(skip)]
    activation: Activation,
}

impl Mlp {
    /// Applies the network to `[batch, in]`, giving `[batch, out]`.
    pub fn forward(&self, input: Tensor<2>) -> Tensor<2> {
        let last = self.layers.len() - 1;
        let mut x = input;
        for (i, layer) in self.layers.iter().enumerate() {
            x = layer.forward(x);
            if i < last {
                if let Some(norm) = self.norms.get(i) {
                    x = norm.forward(x);
                }
                x = self.activation.apply(x);
                if let Some(dropout) = &self.dropout {
                    x = dropout.forward(x);
                }
            }
        }
        x
    }

    /// Width of the input layer.
    pub fn input_size(&self) -> usize {
        self.layers[0].weight.dims()[0]
    }
}
