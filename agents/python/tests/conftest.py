"""Shared fixtures: the repository root, the bundled Pendulum data, the `ember` binary."""

import os
import pathlib
import shutil

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[3]


@pytest.fixture(scope="session")
def root():
    return ROOT


@pytest.fixture(scope="session")
def pendulum():
    return ROOT / "data" / "pendulum-mixed.hdf5"


@pytest.fixture(scope="session")
def ember_bin():
    """The `ember` command of the same build ($EMBER_BIN, else $CARGO_TARGET_DIR/release/ember,
    else on PATH)."""
    candidates = [os.environ.get("EMBER_BIN")]
    target = os.environ.get("CARGO_TARGET_DIR", str(ROOT / "target"))
    candidates.append(os.path.join(target, "release", "ember"))
    candidates.append(shutil.which("ember"))
    for c in candidates:
        if c and os.path.isfile(c) and os.access(c, os.X_OK):
            return c
    pytest.fail("no `ember` binary: build it (cargo build --release) or set EMBER_BIN")
