#!/usr/bin/env python3
"""Speed on the small instances, where single runs are too noisy to compare:
the median of several runs of ours and of the CP-SAT reference.

    python3 bench/planner/small.py [--dir /tmp/planner-small] [--runs 11] [--ref-runs 5]

Instances: 20 × 2, 50 × 2 and 100 × 4 of `gen.py`, seeds 1–3. Times are
measured inside each process (ours: parse and solve; CP-SAT: model building
and solve), so process start-up is left out of both. Builds the example like
run.py (target dir from CARGO_TARGET_DIR, default /tmp/planner-target).
"""
import argparse
import json
import os
import statistics
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import build  # noqa: E402
import gen  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--dir", default="/tmp/planner-small")
    ap.add_argument("--runs", type=int, default=11)
    ap.add_argument("--ref-runs", type=int, default=5)
    ap.add_argument("--ref-time-limit", type=float, default=60.0)
    a = ap.parse_args()
    binary = build.plan_file()
    os.makedirs(a.dir, exist_ok=True)
    print("| instance | seed | ours | our median (ms) | CP-SAT | CP-SAT median (ms) | speed-up |")
    print("|---|---:|---|---:|---|---:|---:|")
    for name, n, w in gen.SUITE:
        if n > 100:
            continue
        for seed in (1, 2, 3):
            path = os.path.join(a.dir, f"{name}_s{seed}.json")
            if not os.path.exists(path):
                with open(path, "w") as f:
                    json.dump(gen.generate(n, w, seed), f)
            ours, times = None, []
            for _ in range(a.runs):
                p = subprocess.run([binary, path, path + ".out.json"], capture_output=True, text=True)
                ours = json.loads(p.stderr.strip().splitlines()[-1])
                times.append(ours["seconds"])
            ref, rtimes = None, []
            for _ in range(a.ref_runs):
                q = subprocess.run([sys.executable, os.path.join(HERE, "ref_cpsat.py"), path,
                                    "--time-limit", str(a.ref_time_limit)], capture_output=True, text=True)
                ref = json.loads(q.stdout.strip().splitlines()[-1])
                rtimes.append(ref["seconds"])
            ot, rt = statistics.median(times), statistics.median(rtimes)

            def desc(d, bound_key):
                if d["status"] == "infeasible":
                    return "infeasible"
                tail = "" if d["status"] == "optimal" else f" (bound {d.get(bound_key)})"
                return f"{d['status']} {d.get('cost')}{tail}"
            print(f"| {name} | {seed} | {desc(ours, 'lower_bound')} | {ot * 1000:.1f} | {desc(ref, 'bound')} "
                  f"| {rt * 1000:.1f} | {rt / max(ot, 1e-4):.0f}× |", flush=True)


if __name__ == "__main__":
    main()
