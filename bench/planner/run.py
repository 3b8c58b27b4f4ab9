#!/usr/bin/env python3
"""Runs our planner and the CP-SAT reference on the benchmark suite and
prints a Markdown table.

    python3 bench/planner/run.py [--dir /tmp/planner-suite] [--ref-time-limit 60] [--skip-ref]
                                 [--only s020x2,s100x4]

Builds `cargo build --release --example plan_file -p distans-planner` (target
dir from CARGO_TARGET_DIR, default /tmp/planner-target), generates the suite
with gen.py if missing, then runs each instance one after the other (never in
parallel: the machine has two cores). The reference needs `pip install ortools`.
"""
import argparse
import json
import os
import resource
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import build  # noqa: E402
import gen  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--dir", default="/tmp/planner-suite")
    ap.add_argument("--ref-time-limit", type=float, default=60.0)
    ap.add_argument("--skip-ref", action="store_true")
    ap.add_argument("--only", default="")
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()
    binary = build.plan_file()
    os.makedirs(a.dir, exist_ok=True)
    only = set(filter(None, a.only.split(",")))
    rows = []
    print("| instance | employees × weeks | our status | our cost | our bound | our time (s) | our CPU (s) "
          "| ref status | ref cost | ref bound | ref time (s) | cost vs ref | speed-up |")
    print("|---|---|---|---:|---:|---:|---:|---|---:|---:|---:|---:|---:|")
    for name, n, w in gen.SUITE:
        if only and name not in only:
            continue
        path = os.path.join(a.dir, name + ".json")
        if not os.path.exists(path):
            with open(path, "w") as f:
                json.dump(gen.generate(n, w, a.seed), f)
        t0 = time.time()
        r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
        p = subprocess.run([binary, path, path + ".out.json"], capture_output=True, text=True)
        r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
        ours_wall = time.time() - t0
        ours_cpu = (r1.ru_utime - r0.ru_utime) + (r1.ru_stime - r0.ru_stime)
        try:
            ours = json.loads(p.stderr.strip().splitlines()[-1])
        except (ValueError, IndexError):
            ours = {"status": "error", "cost": None, "lower_bound": None, "seconds": ours_wall}
        if not ours.get("checked", False):
            ours["status"] += " (CHECK FAILED)"
        ref = {"status": "skipped"}
        if not a.skip_ref:
            q = subprocess.run([sys.executable, os.path.join(HERE, "ref_cpsat.py"), path,
                                "--time-limit", str(a.ref_time_limit)], capture_output=True, text=True)
            try:
                ref = json.loads(q.stdout.strip().splitlines()[-1])
            except (ValueError, IndexError):
                ref = {"status": "error: " + q.stderr.strip()[-200:]}
        gap = ""
        speed = ""
        if ours.get("cost") is not None and ref.get("cost") is not None and ref["cost"] > 0:
            gap = f"{100.0 * (ours['cost'] - ref['cost']) / ref['cost']:+.2f} %"
        if ref.get("seconds") and ours.get("seconds"):
            speed = f"{ref['seconds'] / max(ours['seconds'], 1e-4):.0f}×"
        fmt = lambda v: "–" if v is None else str(v)  # noqa: E731
        print(f"| {name} | {n} × {w} | {ours['status']} | {fmt(ours.get('cost'))} | {fmt(ours.get('lower_bound'))} "
              f"| {ours.get('seconds', 0):.4f} | {ours_cpu:.2f} | {ref.get('status')} | {fmt(ref.get('cost'))} | {fmt(ref.get('bound'))} "
              f"| {fmt(ref.get('seconds'))} | {gap} | {speed} |", flush=True)
        rows.append((name, ours, ref))


if __name__ == "__main__":
    main()
