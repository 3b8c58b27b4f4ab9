"""Shared by run.py and small.py: builds the planner's example binary."""
import os
import subprocess

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))


def plan_file():
    """`cargo build --release --example plan_file -p distans-planner` in the
    target dir CARGO_TARGET_DIR (default /tmp/planner-target, apart from the
    workspace's, so a benchmark never waits on a debug build); returns the
    binary's path."""
    target = os.environ.get("CARGO_TARGET_DIR", "/tmp/planner-target")
    env = dict(os.environ, CARGO_TARGET_DIR=target)
    subprocess.run(["cargo", "build", "--quiet", "--release", "--example", "plan_file", "-p", "distans-planner"],
                   cwd=ROOT, env=env, check=True)
    return os.path.join(target, "release", "examples", "plan_file")
