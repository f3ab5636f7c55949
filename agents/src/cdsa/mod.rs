//! CDSA, "Conservative Denoising Score-based Algorithm for Offline Reinforcement Learning" (Liu,
//! Yang, Li; arXiv:2406.07541, AAMAS 2026). No public code exists; this implementation follows
//! the project's spec (`cdsa_and_bases.md` Part 1): the paper's abstract plus standard
//! NCSN-style denoising score matching (Song & Ermon, NeurIPS 2019), with every choice the
//! abstract leaves open made a knob.
//!
//! A frozen, trained offline policy proposes `a_b`; score models of the dataset add an auxiliary
//! action that pulls it toward high-density regions: `a = clip(a_b + a_aux, -1, 1)`.
//!
//! * Training (`ember train --algo cdsa`) fits, on the dataset's standardised states and its
//!   actions in [-1, 1], a state score `s_S(s, σ)` (on states and next states), a conditional
//!   action score `s_A(a | s, σ)`, an inverse dynamics model `I(s, s') -> a` and a forward model
//!   `T(s, a) -> s'` ([`CdsaNets`]). The score models do not depend on the base policy: one
//!   trained denoiser serves any base.
//! * Acting ([`adjust`]) is plain forward passes in one of three variants (A1 state guidance
//!   through the inverse model, A2 next-state guidance through the forward model, B action
//!   guidance in K steps), with the knobs κ_s, κ_a, σ_q, K ([`Knobs`]).
//! * [`Denoiser`] reopens a trained run and [`Denoised`] wraps any [`crate::EpisodePolicy`] with it, so
//!   evaluation, collection and embedding programs all accept "base + CDSA".
//!
//! Deviations (the paper's choices are unknown, see the spec §1.2): κ is measured in units of
//! σ_q² (the step is `κ σ_q² s(x, σ_q)`, so κ = 1 is one full Tweedie denoising step to the
//! posterior mean at noise σ_q; the spec's κ is this κ times σ_q²); the largest noise level is
//! the largest pairwise distance in the first training batch unless configured.

mod adjust;
mod agent;
mod config;
mod denoiser;
mod models;
mod score;

pub use adjust::adjust;
pub use agent::Cdsa;
pub use config::{CdsaConfig, Knobs, Variant};
pub use denoiser::{Denoised, Denoiser};
pub use models::{CdsaNets, NoiseScales};
pub use score::{ScoreNet, dsm_loss, max_pairwise_distance, noise_levels};
