"""Offline RL: ``train`` runs what ``ember train`` runs; ``Policy.open(run_dir).act(obs)`` is
the policy ``ember eval`` evaluates; ``evaluate`` scores it in its environment.

>>> import ember
>>> run = ember.offline.train("iql", "data/pendulum-mixed.hdf5", "pendulum", steps=2000)
>>> policy = ember.offline.Policy.open(run["run_dir"])
>>> policy.act(obs)   # obs: [obs_dim] or [n, obs_dim]
"""

from ember._native import Policy, evaluate
from ember._native import offline_train as train

__all__ = ["Policy", "evaluate", "train"]
