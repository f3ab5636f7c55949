#!/usr/bin/env bash
# A Slurm array job that fans one d4rl-bench grid out over 8 machines sharing /shared/bench:
#   sbatch benches/schedulers/slurm.sh
# then, once every task has finished (or from any task, at any time, for a partial table):
#   d4rl-bench <same grid flags> --out /shared/bench --report-only
# Each task runs the cells whose position in the grid is its index modulo 8; the claim files in
# the run directories keep two processes off one cell even if the array is resubmitted.
#SBATCH --job-name=ember-d4rl
#SBATCH --array=0-7
#SBATCH --cpus-per-task=2
#SBATCH --time=24:00:00
set -euo pipefail
d4rl-bench --algos odice,iql,td3bc --datasets /shared/d4rl --configs configs/odice \
    --seeds 5 --out /shared/bench --shard "${SLURM_ARRAY_TASK_ID}/${SLURM_ARRAY_TASK_COUNT}"
