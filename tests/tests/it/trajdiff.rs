//! Trajectory Diffuser: the small Pendulum preset (horizon 8, K = 5 refinement steps) trained
//! on the bundled dataset with a fixed seed must plan better than the behaviour policy that
//! collected the data. Run in release mode.

use crate::learning::{MARGIN, train_bundled};

#[test]
fn trajdiff_planner_beats_behaviour_policy() {
    let (behaviour, agent) = train_bundled("trajdiff", None);
    assert!(
        agent > behaviour + MARGIN,
        "Trajectory Diffuser {agent:.1} vs behaviour {behaviour:.1}"
    );
}
