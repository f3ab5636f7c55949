#!/usr/bin/env bash
# Installs MuJoCo 3.17.0, Gymnasium 1.4.0 (for its model XML files) and h5py 3.16.0 (for
# scripts/check_d4rl_suite.py) into the git-ignored venv `.venv-mujoco/` at the repository root,
# and links the shared library into `.venv-mujoco/mujoco-lib/`, where the `mujoco` feature of
# ember-envs finds it (see build/native_rpath.rs and .cargo/config.toml). Safe to run again.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
venv="$root/.venv-mujoco"
python="${PYTHON:-python3}"

[ -x "$venv/bin/python" ] || "$python" -m venv "$venv"
if ! "$venv/bin/python" - <<'PY' 2>/dev/null
import importlib.metadata as m
assert m.version("mujoco") == "3.17.0" and m.version("gymnasium") == "1.4.0"
assert m.version("h5py") == "3.16.0"
import imageio, numpy  # noqa: F401  (imageio: gymnasium[mujoco] imports it)
PY
then
    "$venv/bin/python" -m pip install --quiet "mujoco==3.17.0" "gymnasium[mujoco]==1.4.0" numpy \
        "h5py==3.16.0"
fi

package_dir="$("$venv/bin/python" -c 'import mujoco, os; print(os.path.dirname(mujoco.__file__))')"
lib="$package_dir/libmujoco.so.3.17.0"
[ -f "$lib" ] || { echo "setup-mujoco: $lib not found" >&2; exit 1; }
mkdir -p "$venv/mujoco-lib"
# The wheel cannot ship symlinks: provide the unversioned name the linker looks for, and the
# SONAME the binaries load at run time.
ln -sfn "$lib" "$venv/mujoco-lib/libmujoco.so"
ln -sfn "$lib" "$venv/mujoco-lib/libmujoco.so.3.17.0"
echo "setup-mujoco: MuJoCo 3.17.0 in $venv/mujoco-lib"
