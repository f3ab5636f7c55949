"""GFlowNets: molecules scored by your Python function (called once per batch of SMILES), or
HyperGrid. ``train`` runs what ``ember gfn`` runs and returns a :class:`GfnResult`.

>>> import ember
>>> task = ember.gfn.MoleculeTask(lambda smiles: [min(len(s) / 30, 1.0) for s in smiles])
>>> result = ember.gfn.train(task, loss="tb", steps=200)
>>> result.top_k(5)   # [(smiles, reward, [objectives]), ...]
"""

from ember._native import GfnResult, HyperGrid, MoleculeTask
from ember._native import gfn_train as train

__all__ = ["GfnResult", "HyperGrid", "MoleculeTask", "train"]
