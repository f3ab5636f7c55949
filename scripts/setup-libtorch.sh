#!/usr/bin/env bash
# Builds the `ember` command with the libtorch backend (cargo feature `tch`: devices `tch-cpu`,
# `tch-cuda`, `tch-cuda:N`), the path to NVIDIA GPUs (see README, "CUDA (NVIDIA) through libtorch").
#
# 1. Installs pip `torch==2.11.0` (the default PyPI wheel, built for CUDA 13) into the git-ignored
#    venv `.venv-libtorch/` at the repository root, unless it is there already. Its headers and
#    libraries are what the bindings compile and link against.
# 2. Sets the variables the bindings (crate torch-sys 0.22) read: LIBTORCH_USE_PYTORCH=1 (take
#    libtorch from the active Python's torch) and LIBTORCH_BYPASS_VERSION_CHECK=1 (tch 0.22 expects
#    torch 2.9.0; its wrapper compiles against 2.11, verified), and activates the venv
#    (VIRTUAL_ENV, PATH) so that the build finds that torch.
# 3. Runs `cargo build --release -p ember-cli --features tch` into its own target directory
#    (CARGO_TARGET_DIR, default `target/tch`; the feature set compiles burn again, ~30 min on 2 cores),
#    so the default build's binary is left alone.
#
# Usage: scripts/setup-libtorch.sh [--print]
#   --print  set up the venv, then print the environment and the build command instead of
#            building: `eval "$(scripts/setup-libtorch.sh --print)"` prepares the current shell.
# Environment: PYTHON (interpreter for the venv, default python3), CARGO_TARGET_DIR.
# Safe to run again: an existing venv with torch 2.11.0 is kept, and cargo rebuilds only what changed.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
venv="$root/.venv-libtorch"
python="${PYTHON:-python3}"
torch_version="2.11.0"

print_only=false
case "${1:-}" in
    "") ;;
    --print) print_only=true ;;
    -h | --help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) echo "setup-libtorch: unknown argument \`$1\` (try --help)" >&2; exit 2 ;;
esac

[ -x "$venv/bin/python" ] || "$python" -m venv "$venv"
if ! "$venv/bin/python" -W ignore -c "import torch, sys; sys.exit(torch.__version__.split('+')[0] != '$torch_version')" 2>/dev/null; then
    echo "setup-libtorch: installing torch==$torch_version into $venv (a few GB with its CUDA libraries)" >&2
    "$venv/bin/python" -m pip install --quiet --disable-pip-version-check "torch==$torch_version"
fi
lib="$("$venv/bin/python" -W ignore -c 'import torch, os; print(os.path.join(os.path.dirname(torch.__file__), "lib"))')"
[ -f "$lib/libtorch_cpu.so" ] || { echo "setup-libtorch: no libtorch_cpu.so in $lib" >&2; exit 1; }
if [ -f "$lib/libtorch_cuda.so" ]; then
    echo "setup-libtorch: libtorch $torch_version with CUDA in $lib" >&2
else
    echo "setup-libtorch: libtorch $torch_version without CUDA (CPU-only wheel) in $lib" >&2
fi

export VIRTUAL_ENV="$venv" PATH="$venv/bin:$PATH"
export LIBTORCH_USE_PYTORCH=1 LIBTORCH_BYPASS_VERSION_CHECK=1
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$root/target/tch}"
build=(cargo build --release -p ember-cli --features tch)

if $print_only; then
    cat <<EOF
export VIRTUAL_ENV='$VIRTUAL_ENV'
export PATH='$venv/bin':"\$PATH"
export LIBTORCH_USE_PYTORCH=1 LIBTORCH_BYPASS_VERSION_CHECK=1
export CARGO_TARGET_DIR='$CARGO_TARGET_DIR'
# build (in $root): ${build[*]}
EOF
    exit 0
fi

echo "setup-libtorch: LIBTORCH_USE_PYTORCH=1 LIBTORCH_BYPASS_VERSION_CHECK=1 CARGO_TARGET_DIR=$CARGO_TARGET_DIR" >&2
echo "setup-libtorch: ${build[*]}" >&2
cd "$root"
"${build[@]}"
echo "setup-libtorch: built $CARGO_TARGET_DIR/release/ember (devices tch-cpu, tch-cuda[:N])" >&2
