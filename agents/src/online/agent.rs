//! The seam every online method plugs into: an agent that acts (exploring), observes the
//! transitions its actions led to, and learns from what it keeps, on its own schedule.

use crate::agent::EpisodePolicy;
use ember_engine::Metrics;
use ember_engine::runtime::RuntimeError;
use rand::rngs::StdRng;
use std::path::Path;

/// One environment step as the loop hands it to [`OnlineAgent::observe`]: raw (environment)
/// observations and actions.
#[derive(Clone, Copy, Debug)]
pub struct Transition<'a> {
    /// The environment (episode slot) it happened in, as in [`EpisodePolicy::act_in`].
    pub slot: usize,
    /// Observation the action was taken in.
    pub observation: &'a [f32],
    /// The action the environment received.
    pub action: &'a [f32],
    /// Reward of the step.
    pub reward: f64,
    /// Observation after the step (the episode's last one when it ended).
    pub next_observation: &'a [f32],
    /// The episode ended in a terminal state.
    pub terminated: bool,
    /// The episode was cut (time limit) in a non-terminal state.
    pub truncated: bool,
}

impl Transition<'_> {
    /// The episode ended, one way or the other (the slot's next observation starts a new one).
    pub fn done(&self) -> bool {
        self.terminated || self.truncated
    }
}

/// What one [`OnlineAgent::update`] did.
pub struct Updates {
    /// Gradient updates made (0 while the agent waits for data, such as a whole episode).
    pub count: usize,
    /// Named metrics of the last of them (empty when none was made).
    pub metrics: Metrics,
}

/// An agent trained online by [`crate::online`]: the loop steps K environments (slots `0..K`),
/// hands every transition to [`OnlineAgent::observe`] in order and calls
/// [`OnlineAgent::update`] once per runtime step. The agent owns what it learns from (a replay
/// buffer, whole episodes, a discriminator's data) and saves it with its networks, so a
/// resumed run continues from exactly that.
///
/// As an [`EpisodePolicy`] it is evaluated deterministically. Evaluation may run between any
/// two training steps in its own slots (numbered from 0 like the training ones), so an agent
/// that remembers its episodes keeps exploration's memory apart from evaluation's: training
/// episodes are announced by [`OnlineAgent::start_episode`], evaluation ones by
/// [`EpisodePolicy::reset`].
pub trait OnlineAgent: EpisodePolicy {
    /// A training episode starts in `slot` (at the start, after every episode end and after a
    /// resume); the next [`OnlineAgent::explore`] in that slot acts on its first observation.
    /// Stateless agents ignore it.
    fn start_episode(&mut self, _slot: usize) {}

    /// Exploration actions for the current `observations` of episodes in `slots` (raw
    /// environment actions: a box's values or a discrete index as a one-element vector), with
    /// their log-densities over the action space when the agent has them (recorded as D4RL's
    /// `infos/action_log_probs`).
    fn explore(
        &mut self,
        slots: &[usize],
        observations: &[Vec<f32>],
    ) -> (Vec<Vec<f32>>, Option<Vec<f32>>);

    /// The transitions of one step of the environments (one per slot, in slot order),
    /// warm-up steps included.
    fn observe(&mut self, transitions: &[Transition<'_>]);

    /// Learns from what it has observed; `step` is the runtime step (schedules). May make no
    /// update (waiting for an episode to end) or several.
    fn update(&mut self, step: usize) -> Result<Updates, RuntimeError>;

    /// Environment steps of uniformly random actions the loop takes before the first
    /// [`OnlineAgent::explore`].
    fn warmup_steps(&self) -> usize;

    /// Restarts the agent's host random stream (minibatch sampling) at a checkpoint step; the
    /// device's generator is restarted by the loop.
    fn reseed(&mut self, rng: StdRng);

    /// Writes networks, optimizers, settings and the data the agent learns from into `dir`.
    fn save(&self, dir: &Path) -> Result<(), RuntimeError>;

    /// Restores what [`OnlineAgent::save`] wrote.
    fn load(&mut self, dir: &Path) -> Result<(), RuntimeError>;
}
