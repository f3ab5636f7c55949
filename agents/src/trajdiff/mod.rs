//! "Diffusion Models as Optimizers for Efficient Planning in Offline RL" (Trajectory Diffuser;
//! Huang, Pei, Wang, Zhang, Yang, Wang, Shen, ECCV 2024; arXiv:2407.16142). Checked against
//! the official PyTorch code, `RenMing-Huang/TrajectoryDiffuser` at commit `214039d` (its HEAD
//! deletes every file): `policy.py`, `diffusion.py`, `temporal.py`, `models.py`, `helpers.py`,
//! `main.py`; the Decision-Diffuser baseline follows `anuragajay/decision-diffuser`'s sampling.
//!
//! A causal transformer drafts H − 1 future states from the history of states and
//! returns-to-go; a return-conditioned temporal U-Net trained as a DDPM over state windows
//! refines the draft with only K = 5 guided reverse steps (first state inpainted); an
//! inverse-dynamics MLP turns the first two planned states into the action, and the plan is
//! redone at every step. Deviations from the reference code, each marked where it is made:
//! the drafter is causal (the reference passes no mask; `causal = false` reproduces it),
//! windows come from episodes split on terminals *and* timeouts (the reference's
//! `qlearning_dataset` drops timeouts, pitfall A.2), a window may end on an episode's last
//! row, inverse dynamics trains on the H − 1 pairs inside the window (the reference also uses
//! the last state's `next_observation`), a negative target's return-to-go is kept between
//! the target and 0, and the critic uses ReLU instead of Mish.

mod agent;
mod config;
pub mod diffusion;
pub mod drafter;
pub mod planner;
pub mod schedule;
pub mod unet;

pub use agent::TrajDiff;
pub use config::{Planner, TrajDiffConfig};
