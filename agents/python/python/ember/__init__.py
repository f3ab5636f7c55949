"""Ember from Python: GFlowNet molecule design (``ember.gfn``), offline RL (``ember.offline``)
and D4RL datasets (``ember.datasets``). The work is done in Rust by the Ember crates with the
GIL released; errors are raised as :class:`EmberError` with the library's one-line message.
"""

from ember._native import EmberError, __version__
from ember import datasets, gfn, offline

__all__ = ["EmberError", "__version__", "datasets", "gfn", "offline"]
