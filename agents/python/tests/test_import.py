import numpy as np

import ember


def test_the_package_imports_with_its_modules():
    assert ember.__version__
    assert issubclass(ember.EmberError, RuntimeError)
    for name in ("MoleculeTask", "HyperGrid", "train"):
        assert hasattr(ember.gfn, name)
    for name in ("Policy", "train", "evaluate"):
        assert hasattr(ember.offline, name)
    assert callable(ember.datasets.load)


def test_datasets_load_gives_the_d4rl_views(pendulum):
    q = ember.datasets.load(pendulum)
    assert sorted(q) == ["actions", "next_observations", "observations", "rewards", "terminals"]
    n = len(q["rewards"])
    assert q["observations"].shape == (n, 3) and q["observations"].dtype == np.float32
    assert q["actions"].shape == (n, 1)
    assert q["next_observations"].shape == (n, 3)
    assert q["terminals"].dtype == np.bool_
    raw = ember.datasets.load(pendulum, qlearning=False)
    assert "timeouts" in raw
    assert len(raw["rewards"]) > n  # qlearning drops the last row and the time-limit rows
    # d4rl.qlearning_dataset: next_observations[i] = observations[i + 1] within an episode.
    np.testing.assert_array_equal(q["observations"][0], raw["observations"][0])
    np.testing.assert_array_equal(q["next_observations"][0], raw["observations"][1])
