//! Neural-network building blocks shared by several methods, built from burn's `nn` modules.

mod mlp;
mod policy;
mod twin;

pub use mlp::{Activation, Mlp, MlpConfig};
pub use policy::{
    DeterministicPolicy, GaussianPolicy, GaussianPolicyConfig, TanhGaussianPolicy,
    tanh_gaussian_log_prob,
};
pub use twin::TwinQ;
