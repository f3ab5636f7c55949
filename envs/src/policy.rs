//! What acts in an environment: a stateless [`Policy`] over batches of observations, and an
//! [`EpisodePolicy`] that may keep memory per episode (a replanning diffuser, a context-window
//! model) in numbered slots. Every `Policy` is an `EpisodePolicy` that ignores its slots.
//!
//! Observations and actions are the environment's own (raw, unnormalised) flat vectors.

/// A stateless policy evaluated in batches; deterministic unless it offers
/// [`Policy::sample_with_log_prob`].
pub trait Policy {
    /// One action per observation.
    fn act(&self, observations: &[Vec<f32>]) -> Vec<Vec<f32>>;

    /// For a stochastic policy: one sampled action per observation and its log-density over the
    /// environment's action box (D4RL's `infos/action_log_probs`); `None` when the policy has
    /// no density.
    fn sample_with_log_prob(
        &self,
        _observations: &[Vec<f32>],
    ) -> Option<(Vec<Vec<f32>>, Vec<f32>)> {
        None
    }
}

/// A function from a batch of observations to a batch of actions, as a policy.
pub struct FnPolicy<F>(pub F);

impl<F: Fn(&[Vec<f32>]) -> Vec<Vec<f32>>> Policy for FnPolicy<F> {
    fn act(&self, observations: &[Vec<f32>]) -> Vec<Vec<f32>> {
        (self.0)(observations)
    }
}

impl<P: Policy + ?Sized> Policy for Box<P> {
    fn act(&self, observations: &[Vec<f32>]) -> Vec<Vec<f32>> {
        (**self).act(observations)
    }

    fn sample_with_log_prob(&self, observations: &[Vec<f32>]) -> Option<(Vec<Vec<f32>>, Vec<f32>)> {
        (**self).sample_with_log_prob(observations)
    }
}

/// A policy that runs episodes in numbered slots (one per parallel environment) and may keep
/// memory for each: a slot's memory lasts from its [`EpisodePolicy::reset`] to the next.
pub trait EpisodePolicy {
    /// A new episode starts in `slot`: forget what the slot remembers.
    fn reset(&mut self, slot: usize);

    /// One action per observation; `observations[i]` is the current observation of the
    /// episode in slot `slots[i]` (slots are distinct within a call).
    fn act_in(&mut self, slots: &[usize], observations: &[Vec<f32>]) -> Vec<Vec<f32>>;

    /// The reward the last action of `slot` earned (before the next `act_in` or `reset`), for
    /// policies that condition on the return still to collect (return-to-go bookkeeping);
    /// ignored by default.
    fn observe_reward(&mut self, _slot: usize, _reward: f64) {}
}

impl<P: Policy + ?Sized> EpisodePolicy for P {
    fn reset(&mut self, _slot: usize) {}

    fn act_in(&mut self, _slots: &[usize], observations: &[Vec<f32>]) -> Vec<Vec<f32>> {
        self.act(observations)
    }
}
