#!/usr/bin/env bash
# Installs what Ember's build and tests need on a fresh Debian/Ubuntu machine: HDF5 (D4RL
# files), Mesa's CPU Vulkan driver (lavapipe, for the wgpu device tests), and the pinned MuJoCo
# and Gymnasium wheels (scripts/setup-mujoco.sh). Safe to run again.
set -euo pipefail
packages=(libhdf5-dev pkg-config mesa-vulkan-drivers python3-venv)
missing=()
for p in "${packages[@]}"; do
    dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
    sudo_cmd=""
    [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
    export DEBIAN_FRONTEND=noninteractive
    $sudo_cmd apt-get update -qq
    $sudo_cmd apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
"$(dirname "$0")/setup-mujoco.sh"
