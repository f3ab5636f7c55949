#!/usr/bin/env bash
# The Python package's tests (agents/python/tests), run by .ci/run after the cargo tests:
# builds the wheel with maturin into .venv-python/ (a venv with maturin, pytest and numpy from
# PyPI), installs it, and runs pytest. maturin reuses $CARGO_TARGET_DIR and agents/python turns
# on the same features as the `ember` command, so only pyo3, rust-numpy and agents/python
# compile here (README, "One build"); the tests also run the `ember` binary of that build.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/ember-target}"
venv=.venv-python
[ -x "$venv/bin/python" ] || python3 -m venv "$venv"
"$venv/bin/pip" install --quiet --disable-pip-version-check "maturin>=1.5,<2" pytest numpy
# The `ember` binary the tests compare against (a no-op after the README's cargo test).
cargo build --release --workspace --features ember-tests/wgpu
start=$(date +%s)
rm -rf "$venv/wheels"
# --auditwheel skip: the wheel links the system HDF5 (scripts/setup.sh) instead of bundling it.
"$venv/bin/maturin" build --release --auditwheel skip -m agents/python/Cargo.toml \
    --out "$venv/wheels" --interpreter "$venv/bin/python"
"$venv/bin/pip" install --quiet --disable-pip-version-check --force-reinstall --no-deps \
    "$venv"/wheels/ember-*.whl
echo "wheel built and installed in $(( $(date +%s) - start )) s"
start=$(date +%s)
EMBER_BIN="$CARGO_TARGET_DIR/release/ember" "$venv/bin/python" -m pytest -q agents/python/tests
echo "pytest ran in $(( $(date +%s) - start )) s"
