//! [`check_state`]: verifies the [`GfnEnv`] contract around one state.

use super::GfnEnv;

/// Checks the [`GfnEnv`] contract at `s`: mask and feature widths; every allowed forward
/// action leads to a child that lists `s` among its parents; every allowed backward action
/// leads to a parent from which some forward action returns to `s`; masked forward actions
/// and the exit action have no successor. Returns a description of the first violation.
pub fn check_state<E: GfnEnv>(env: &E, s: &E::State) -> Result<(), String> {
    let (fwd, bwd) = (env.forward_mask(s), env.backward_mask(s));
    if fwd.len() != env.n_actions() || bwd.len() != env.n_backward_actions() {
        return Err(format!("mask widths {}/{} at {s:?}", fwd.len(), bwd.len()));
    }
    if env.encode(s).len() != env.feature_dim() {
        return Err(format!("feature width at {s:?}"));
    }
    for (a, &allowed) in fwd.iter().enumerate() {
        let next = env.step(s, a);
        match (allowed && !env.is_exit(a), next) {
            (true, Ok(child)) => {
                if env.backward_actions_between(&child, s).is_empty() {
                    return Err(format!(
                        "{s:?} -{a}-> {child:?}, which does not list it as parent"
                    ));
                }
            }
            (true, Err(e)) => return Err(format!("allowed action {a} failed at {s:?}: {e}")),
            (false, Ok(child)) => {
                return Err(format!("masked or exit action {a} at {s:?} gave {child:?}"));
            }
            (false, Err(_)) => {}
        }
    }
    for (b, _) in bwd.iter().enumerate().filter(|&(_, &ok)| ok) {
        let parent = env
            .backward_step(s, b)
            .map_err(|e| format!("allowed backward action {b} failed at {s:?}: {e}"))?;
        if env.forward_actions_between(&parent, s).is_empty() {
            return Err(format!("no forward action from {parent:?} back to {s:?}"));
        }
    }
    Ok(())
}
