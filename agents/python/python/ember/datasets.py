"""D4RL HDF5 files and Minari datasets as dicts of numpy arrays (``load``)."""

from ember._native import load

__all__ = ["load"]
