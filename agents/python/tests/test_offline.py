"""ember.offline: a BC run trained from Python acts exactly as the `ember` binary's policy."""

import subprocess

import numpy as np
import pytest

import ember


@pytest.fixture(scope="module")
def bc_run(tmp_path_factory, pendulum):
    run_dir = tmp_path_factory.mktemp("bc") / "run"
    run = ember.offline.train(
        "bc", pendulum, "pendulum", steps=300, eval_every=300, eval_episodes=1,
        run_dir=run_dir, seed=0,
    )
    return run


def test_train_reports_its_run(bc_run):
    assert bc_run["steps"] == 300
    assert [e["step"] for e in bc_run["evaluations"]][-1] == 300
    last = bc_run["evaluations"][-1]
    assert len(last["returns"]) == 1 and np.isfinite(last["mean"])


def test_policy_acts_as_the_ember_binary_does(bc_run, ember_bin, tmp_path):
    # `ember collect --policy RUN` rolls the same checkpoint out with deterministic actions
    # (no noise, no epsilon) and records (observation, action) pairs.
    out = tmp_path / "rollout.hdf5"
    subprocess.run(
        [ember_bin, "collect", "--env", "pendulum", "--policy", bc_run["run_dir"],
         "--steps", "300", "--seed", "3", "--out", str(out)],
        check=True, capture_output=True,
    )
    rollout = ember.datasets.load(out, qlearning=False)
    obs, actions = rollout["observations"], rollout["actions"]
    policy = ember.offline.Policy.open(bc_run["run_dir"])
    assert (policy.method, policy.env, policy.obs_dim, policy.act_dim) == ("bc", "pendulum", 3, 1)
    batched = policy.act(obs)
    assert batched.shape == actions.shape and batched.dtype == np.float32
    np.testing.assert_allclose(batched, actions, rtol=0, atol=1e-6)
    one = policy.act(obs[7])
    assert one.shape == (1,)
    np.testing.assert_allclose(one, actions[7], rtol=0, atol=1e-6)
    # float64 (and lists) are converted.
    np.testing.assert_allclose(policy.act(obs.astype(np.float64)), batched, rtol=0, atol=1e-6)


def test_evaluate_scores_the_policy(bc_run):
    report = ember.offline.evaluate(bc_run["run_dir"], episodes=2, seed=5)
    assert len(report["returns"]) == 2
    assert report["mean"] == pytest.approx(np.mean(report["returns"]))
    assert report["normalized"] is not None  # the bundled dataset carries reference scores


def test_wrong_observation_shapes_are_value_errors(bc_run):
    policy = ember.offline.Policy.open(bc_run["run_dir"])
    for bad in [np.zeros(4, np.float32), np.zeros((2, 5), np.float32), np.zeros((2, 3, 1))]:
        with pytest.raises(ValueError, match=r"expected \(3,\) or \(n, 3\)"):
            policy.act(bad)


def test_bad_runs_and_configs_raise_ember_errors(tmp_path, pendulum):
    with pytest.raises(ember.EmberError, match="unknown algorithm `nope`"):
        ember.offline.train("nope", pendulum, "pendulum", run_dir=tmp_path / "x")
    with pytest.raises(ember.EmberError, match="missing.hdf5"):
        ember.offline.train("bc", tmp_path / "missing.hdf5", "pendulum", run_dir=tmp_path / "y")
    with pytest.raises(ember.EmberError, match=str(tmp_path / "nothing")):
        ember.offline.Policy.open(tmp_path / "nothing")
    with pytest.raises(ember.EmberError, match="missing.hdf5"):
        ember.datasets.load(tmp_path / "missing.hdf5")
