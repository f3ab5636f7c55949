from os import PathLike
from typing import Any, Callable, Optional, Sequence, Union

import numpy as np
import numpy.typing as npt

__version__: str

_Path = Union[str, PathLike]
_Sample = tuple[str, float, list[float]]

class EmberError(RuntimeError): ...

class MoleculeTask:
    def __init__(
        self,
        score: Optional[Callable[[list[str]], Sequence[Any]]] = None,
        max_frags: int = 6,
        objectives: Optional[list[str]] = None,
        mode_threshold: Optional[float] = None,
        mode_similarity: Optional[float] = None,
    ) -> None: ...
    @property
    def objectives(self) -> list[str]: ...

class HyperGrid:
    def __init__(
        self,
        dim: int = 4,
        side: int = 8,
        r0: float = 1e-4,
        objectives: Optional[list[str]] = None,
    ) -> None: ...

class GfnResult:
    def top_k(self, k: Optional[int] = None) -> list[_Sample]: ...
    def samples(self, n: int) -> list[_Sample]: ...
    def modes(self) -> list[tuple[str, float]]: ...
    @property
    def final_samples(self) -> list[_Sample]: ...
    @property
    def run_dir(self) -> Optional[str]: ...
    @property
    def objectives(self) -> list[str]: ...
    @property
    def evaluations(self) -> list[dict[str, Any]]: ...

def gfn_train(
    task: Union[MoleculeTask, HyperGrid],
    loss: str = "tb",
    order_preserving: bool = False,
    steps: int = 2000,
    device: str = "cpu",
    run_dir: Optional[_Path] = None,
    seed: int = 0,
    batch_size: Optional[int] = None,
    config: Optional[_Path] = None,
    samples: int = 1000,
    top_k: int = 100,
    eval_every: int = 100,
    checkpoint_every: int = 500,
    progress: bool = False,
) -> GfnResult: ...

def offline_train(
    algo: Optional[str],
    dataset: _Path,
    env: str,
    config: Optional[_Path] = None,
    steps: Optional[int] = None,
    device: str = "cpu",
    run_dir: Optional[_Path] = None,
    seed: int = 0,
    eval_every: Optional[int] = None,
    eval_episodes: Optional[int] = None,
    progress: bool = False,
) -> dict[str, Any]: ...

class Policy:
    @staticmethod
    def open(run_dir: _Path, device: str = "cpu") -> "Policy": ...
    def act(self, obs: npt.ArrayLike) -> npt.NDArray[np.float32]: ...
    def reset(self, n: int = 1) -> None: ...
    @property
    def method(self) -> str: ...
    @property
    def env(self) -> str: ...
    @property
    def obs_dim(self) -> int: ...
    @property
    def act_dim(self) -> int: ...

def evaluate(
    run_dir: _Path,
    env: Optional[str] = None,
    episodes: int = 10,
    seed: int = 100,
    dataset: Optional[_Path] = None,
    device: str = "cpu",
) -> dict[str, Any]: ...

def load(
    path: _Path,
    qlearning: bool = True,
    terminate_on_end: bool = False,
    max_episode_steps: int = 1000,
) -> dict[str, npt.NDArray[Any]]: ...
