#!/usr/bin/env python3
"""Checks a dataset suite written by `ember collect-suite` the way D4RL users read it (h5py).

Usage: check_d4rl_suite.py DIR [--env NAME]

For each of DIR/<env>-{random,medium,expert,medium-replay,medium-expert}.hdf5: the D4RL keys,
dtypes (float32 observations/actions/rewards/next_observations/infos, bool terminals/timeouts)
and shapes; finite values; no row both terminal and timeout; episodes split at
terminals|timeouts whose stored next_observations agree with the next row; the transitions of
D4RL's `qlearning_dataset` (timeout rows and the last row dropped); `infos/qpos`/`qvel`, when
present, are the state each row's observation was made from; metadata present. Across the
suite: the same reference scores everywhere and in reference_scores.json, equal to the random
and expert mean returns; medium-expert = medium ++ expert; random < medium < expert. Prints a
line per file and exits 1 listing every problem, 0 when there is none.
"""

import argparse
import json
import math
import sys
from pathlib import Path

import h5py
import numpy as np

KINDS = ["random", "medium", "expert", "medium-replay", "medium-expert"]
FLOAT_KEYS = ["observations", "actions", "rewards", "next_observations"]
FLAG_KEYS = ["terminals", "timeouts"]
METADATA = ["env_name", "algorithm", "dataset", "ref_min_score", "ref_max_score"]


def load(path):
    """Every dataset of the file as a NumPy array (scalars as Python values), by key."""
    data = {}
    with h5py.File(path, "r") as f:
        def visit(name, obj):
            if isinstance(obj, h5py.Dataset):
                data[name] = obj[()]
        f.visititems(visit)
    return data


def close(a, b):
    return math.isclose(a, b, rel_tol=1e-6, abs_tol=1e-6)


def qlearning_dataset(d):
    """d4rl.qlearning_dataset's rules: skip timeout rows and the last row, next obs = next row."""
    n = len(d["rewards"])
    keep = [i for i in range(n - 1) if not d["timeouts"][i]]
    return {
        "observations": d["observations"][keep],
        "next_observations": d["observations"][[i + 1 for i in keep]],
        "terminals": d["terminals"][keep],
        "rows": keep,
    }


def check_file(kind, path, problems):
    """Checks one file; returns its arrays (None if unreadable) and appends to `problems`."""
    say = lambda msg: problems.append(f"{path.name}: {msg}")
    if not path.is_file():
        say("missing")
        return None
    try:
        d = load(path)
    except OSError as e:
        say(f"cannot read: {e}")
        return None
    for key in FLOAT_KEYS + FLAG_KEYS + ["infos/action_log_probs"]:
        if key not in d:
            say(f"key `{key}` missing")
    for key in METADATA:
        if f"metadata/{key}" not in d:
            say(f"key `metadata/{key}` missing")
    if ("infos/qpos" in d) != ("infos/qvel" in d):
        say("infos/qpos and infos/qvel must come together")
    if any(key not in d for key in FLOAT_KEYS + FLAG_KEYS):
        return None
    n = len(d["rewards"])
    for key in FLOAT_KEYS + [k for k in d if k.startswith("infos/")]:
        if d[key].dtype != np.float32:
            say(f"`{key}` is {d[key].dtype}, D4RL writes float32")
    for key in FLAG_KEYS:
        if d[key].dtype != np.bool_:
            say(f"`{key}` is {d[key].dtype}, D4RL writes bool")
    obs, act = d["observations"], d["actions"]
    shapes = {
        "observations": (n, obs.shape[-1]),
        "next_observations": (n, obs.shape[-1]),
        "actions": (n, act.shape[-1]),
        "rewards": (n,),
        "terminals": (n,),
        "timeouts": (n,),
        "infos/action_log_probs": (n,),
    }
    for key, want in shapes.items():
        if key in d and d[key].shape != want:
            say(f"`{key}` has shape {d[key].shape}, expected {want}")
    for key in ["infos/qpos", "infos/qvel"]:
        if key in d and (d[key].ndim != 2 or len(d[key]) != n):
            say(f"`{key}` has shape {d[key].shape}, expected ({n}, dim)")
    if obs.ndim != 2 or act.ndim != 2 or n == 0:
        say("observations/actions must be non-empty (N, dim) tables")
        return None
    if "infos/qpos" in d and "infos/qvel" in d and not state_matches_observation(d):
        say("infos/qpos/qvel do not match the observations of their rows (gym-MuJoCo layout: "
            "qpos without its first 1-2 coordinates, then qvel, possibly clipped to ±10)")
    for key in FLOAT_KEYS + [k for k in d if k.startswith("infos/")]:
        if not np.all(np.isfinite(d[key])):
            say(f"`{key}` has non-finite values")
    terminals, timeouts = d["terminals"].astype(bool), d["timeouts"].astype(bool)
    if np.any(terminals & timeouts):
        say(f"rows {np.flatnonzero(terminals & timeouts)[:5].tolist()} are both terminal and timeout")
    ends = terminals | timeouts
    inner = np.flatnonzero(~ends[:-1])
    mismatch = inner[np.any(d["next_observations"][inner] != obs[inner + 1], axis=1)]
    if len(mismatch):
        say(f"next_observations differ from the next row inside an episode at rows {mismatch[:5].tolist()}")
    q = qlearning_dataset(d)
    want_rows = (n - 1) - int(np.sum(timeouts[: n - 1]))
    if len(q["rows"]) != want_rows:
        say(f"qlearning_dataset gives {len(q['rows'])} transitions, expected {want_rows}")
    emitted = np.array(q["rows"], dtype=int)
    live = emitted[~terminals[emitted]]
    if np.any(d["next_observations"][live] != obs[live + 1]):
        say("qlearning transitions disagree with the stored next_observations")
    meta = {k: d.get(f"metadata/{k}") for k in METADATA}
    meta = {k: v.decode() if isinstance(v, bytes) else v for k, v in meta.items()}
    if meta["dataset"] is not None and not str(meta["dataset"]).endswith(kind):
        say(f"metadata/dataset is {meta['dataset']!r}, expected *-{kind}")
    d["_meta"] = meta
    d["_returns"] = complete_returns(d["rewards"], ends)
    d["_episodes"] = int(np.sum(ends)) + (0 if ends[-1] else 1)
    return d


def state_matches_observation(d):
    """Whether each row's qpos/qvel is the state its observation was made from, as in D4RL's
    gym-MuJoCo files: the observation starts with qpos minus its first 1 (Hopper, Walker2d,
    HalfCheetah) or 2 (Ant) coordinates, then qvel (clipped to ±10 by Hopper and Walker2d)."""
    obs, qpos, qvel = d["observations"], d["infos/qpos"], d["infos/qvel"]
    nq, nv = qpos.shape[1], qvel.shape[1]
    for skip in (1, 2):
        width = nq - skip + nv
        if obs.shape[1] < width or not np.allclose(obs[:, : nq - skip], qpos[:, skip:], atol=1e-6):
            continue
        velocities = obs[:, nq - skip : width]
        if np.allclose(velocities, qvel, atol=1e-6) or np.allclose(
            velocities, np.clip(qvel, -10, 10), atol=1e-6
        ):
            return True
    return False


def complete_returns(rewards, ends):
    """Returns of the episodes that end with a terminal or timeout flag."""
    returns, start = [], 0
    for i in np.flatnonzero(ends):
        returns.append(float(np.sum(rewards[start : i + 1], dtype=np.float64)))
        start = i + 1
    return returns


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dir", type=Path)
    parser.add_argument("--env", help="file name prefix (found from the directory if omitted)")
    args = parser.parse_args()
    env = args.env
    if env is None:
        found = sorted(p.name[: -len("-random.hdf5")] for p in args.dir.glob("*-random.hdf5"))
        if len(found) != 1:
            sys.exit(f"error: {args.dir}: expected one *-random.hdf5, found {found}; give --env")
        env = found[0]
    problems = []
    files = {k: check_file(k, args.dir / f"{env}-{k}.hdf5", problems) for k in KINDS}
    for kind, d in files.items():
        if d is not None:
            returns = d["_returns"]
            mean = np.mean(returns) if returns else float("nan")
            print(f"{env}-{kind}.hdf5: {len(d['rewards'])} rows, {d['_episodes']} episodes "
                  f"({len(returns)} complete, mean return {mean:.1f}), obs {d['observations'].shape[1]}, "
                  f"act {d['actions'].shape[1]}, infos {sorted(k[6:] for k in d if k.startswith('infos/'))}")
    if all(d is not None for d in files.values()):
        check_suite(args.dir, files, problems)
    if problems:
        print(f"{len(problems)} problem(s):", file=sys.stderr)
        for p in problems:
            print(f"  {p}", file=sys.stderr)
        sys.exit(1)
    print("ok: the suite reads as D4RL data")


def check_suite(directory, files, problems):
    """Cross-file rules: reference scores, medium-expert = medium ++ expert, return order."""
    refs = {(d["_meta"]["ref_min_score"], d["_meta"]["ref_max_score"]) for d in files.values()}
    if len(refs) != 1:
        problems.append(f"files disagree on the reference scores: {list(refs)}")
        return
    ref_min, ref_max = next(iter(refs))
    if ref_min is None or ref_max is None or not ref_min < ref_max:
        problems.append(f"reference scores ({ref_min}, {ref_max}) must satisfy min < max")
        return
    json_path = directory / "reference_scores.json"
    try:
        scores = json.loads(json_path.read_text())
        if not (close(scores["ref_min_score"], ref_min) and close(scores["ref_max_score"], ref_max)):
            problems.append(f"{json_path.name} disagrees with the files' metadata")
    except (OSError, ValueError, KeyError) as e:
        problems.append(f"{json_path.name}: {e}")
    means = {k: np.mean(d["_returns"]) if d["_returns"] else None for k, d in files.items()}
    if means["random"] is None or not close(means["random"], ref_min):
        problems.append(f"ref_min_score {ref_min} is not the random mean return {means['random']}")
    if means["expert"] is None or not close(means["expert"], ref_max):
        problems.append(f"ref_max_score {ref_max} is not the expert mean return {means['expert']}")
    r, m, e = means["random"], means["medium"], means["expert"]
    if None in (r, m, e) or not r < m < e:
        problems.append(f"mean returns must be random < medium < expert, got {r}, {m}, {e}")
    med, exp, both = files["medium"], files["expert"], files["medium-expert"]
    n = len(med["rewards"])
    if len(both["rewards"]) != n + len(exp["rewards"]):
        problems.append("medium-expert does not have the rows of medium and expert")
        return
    for key in FLOAT_KEYS + ["terminals", "infos/action_log_probs"]:
        if not np.array_equal(both[key], np.concatenate([med[key], exp[key]])):
            problems.append(f"medium-expert `{key}` is not medium ++ expert")
    # concat flags medium's cut last episode as a timeout so the two episodes stay apart.
    timeouts = np.concatenate([med["timeouts"], exp["timeouts"]])
    timeouts[n - 1] = timeouts[n - 1] or not med["terminals"][n - 1]
    if not np.array_equal(both["timeouts"], timeouts):
        problems.append("medium-expert `timeouts` is not medium ++ expert")


if __name__ == "__main__":
    main()
