#!/usr/bin/env python3
"""Env-steps per second of a Gymnasium MuJoCo env with uniform random actions on one thread,
resets included: the Python side of `cargo run --release -p ember-envs --features mujoco
--example hopper_speed`, for comparing Ember's environments with Gymnasium's.

    .venv-mujoco/bin/python scripts/gymnasium_speed.py [--env Hopper-v4] [--steps 200000]
"""
import argparse
import time

import gymnasium as gym


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--env", default="Hopper-v4")
    parser.add_argument("--steps", type=int, default=200_000)
    args = parser.parse_args()
    env = gym.make(args.env)
    env.action_space.seed(0)
    start = time.perf_counter()
    env.reset(seed=0)
    episodes = 1
    for _ in range(args.steps):
        _, _, terminated, truncated, _ = env.step(env.action_space.sample())
        if terminated or truncated:
            env.reset()
            episodes += 1
    seconds = time.perf_counter() - start
    print(
        f"{args.env} (gymnasium {gym.__version__}): {args.steps} steps, {episodes} episodes "
        f"in {seconds:.2f} s: {args.steps / seconds:.0f} env-steps/s"
    )


if __name__ == "__main__":
    main()
