#!/usr/bin/env python3
"""The anytime comparison: our planner against CP-SAT's proven optimum on
the large suite of gen.py (300, 600 and 1 000 people over 8 weeks, seeds
1-3, plus the same with a cohort conflict), one table.

    python3 bench/planner/compare.py [--dir /tmp/planner-large] [--budgets 0,1,2,5,10,30]
                                     [--ref-week-limit 600] [--only p300x8s1,c300x8s1]
                                     [--skip-ref]

Requires OR-Tools (`pip install ortools`; checked at start). Builds the
planner's example like run.py (target dir from CARGO_TARGET_DIR, default
/tmp/planner-target).

- Reference (feasible instances): CP-SAT (`ref_cpsat.py`, 1 worker for
  fairness: ours uses at most 2 threads, and the machine has 2 cores)
  solves each week on its own — exact, because weeks are independent (no
  rule or cost term spans two weeks) — and the optimum is the sum; its time
  to prove is the sum of the weeks' times. A week not proven within
  `--ref-week-limit` leaves the instance unproven (the table says so and
  compares with CP-SAT's best plan). Results are cached in DIR/NAME.ref.json.
- Reference (infeasible instances): CP-SAT on the whole instance, 1 worker.
- Ours: `plan_file --time-limit B` for each budget B (0 = no time limit:
  the fixed steps only), one after the other; the last budget is run twice
  to check that the plan repeats.
- The optimum: CP-SAT's when it proves it; else ours when we prove it (a
  plan that meets our lower bound); else a cost that meets the best known
  lower bound, per week the larger of CP-SAT's bound and ours (ours from
  a run on the week alone with the last budget divided by the weeks; the
  weeks are independent, so the sum is a valid bound). When the optimum is
  not known the gaps are "≤" that bound's. "time to ≤0.5 %" is the
  measured time of the first budget whose plan is within 0.5 % of the
  optimum (or of the bound).
Times are measured inside each process (ours: parse and solve; CP-SAT:
model building and solve).
"""
import argparse
import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import build  # noqa: E402
import gen  # noqa: E402


def require_ortools():
    try:
        import ortools  # noqa: F401
    except ImportError:
        sys.exit("compare.py needs OR-Tools: pip install ortools")


def last_json(text):
    for line in reversed(text.strip().splitlines()):
        try:
            return json.loads(line)
        except ValueError:
            continue
    return {"status": "error: " + text.strip()[-200:]}


def cpsat(path, limit):
    q = subprocess.run([sys.executable, os.path.join(HERE, "ref_cpsat.py"), path, "--workers", "1",
                        "--time-limit", str(limit)], capture_output=True, text=True)
    return last_json(q.stdout or q.stderr)


def week_instances(inst, d, name):
    """One instance per week of `inst` (same people and rules; dates outside
    the week are ignored by both solvers)."""
    import datetime
    start = datetime.date.fromisoformat(inst["horizon"]["start"])
    paths = []
    for w in range(inst["horizon"]["weeks"]):
        one = dict(inst)
        one["horizon"] = dict(inst["horizon"], start=(start + datetime.timedelta(days=7 * w)).isoformat(),
                              weeks=1)
        p = os.path.join(d, f"{name}.week{w}.json")
        with open(p, "w") as f:
            json.dump(one, f)
        paths.append(p)
    return paths


def reference(inst, path, d, name, infeasible, week_limit):
    cache = os.path.join(d, name + ".ref.json")
    if os.path.exists(cache):
        with open(cache) as f:
            return json.load(f)
    if infeasible:
        ref = cpsat(path, week_limit)
    else:
        cost, bound, secs, proven, weeks = 0, 0, 0.0, True, []
        for p in week_instances(inst, d, name):
            r = cpsat(p, week_limit)
            weeks.append(r)
            if r.get("cost") is None:
                cost = None
                break
            cost += r["cost"]
            bound += r["bound"]
            secs += r["seconds"]
            proven &= r["status"] == "optimal"
        ref = {"status": "optimal" if proven else ("feasible" if cost is not None else "unknown"),
               "cost": cost, "bound": bound, "seconds": round(secs, 3), "weeks": weeks}
    with open(cache, "w") as f:
        json.dump(ref, f)
    return ref


def ours(binary, path, budget, out):
    args = [binary, path, out]
    if budget > 0:
        args += ["--time-limit", str(budget)]
    p = subprocess.run(args, capture_output=True, text=True)
    return last_json(p.stderr)


def gap(cost, opt):
    if cost is None or opt is None or opt <= 0:
        return None
    return 100.0 * (cost - opt) / opt


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--dir", default="/tmp/planner-large")
    ap.add_argument("--budgets", default="0,1,2,5,10,30")
    ap.add_argument("--ref-week-limit", type=float, default=600.0)
    ap.add_argument("--only", default="")
    ap.add_argument("--skip-ref", action="store_true")
    a = ap.parse_args()
    if not a.skip_ref:
        require_ortools()
    budgets = [float(b) for b in a.budgets.split(",")]
    binary = build.plan_file()
    os.makedirs(a.dir, exist_ok=True)
    only = set(filter(None, a.only.split(",")))
    feas_rows, inf_rows = [], []
    for name, n, w, seed, infeasible in gen.large_suite():
        if only and name not in only:
            continue
        path = os.path.join(a.dir, name + ".json")
        inst = gen.large_instance(n, w, seed, infeasible)
        with open(path, "w") as f:
            json.dump(inst, f)
        ref = {"status": "skipped"} if a.skip_ref else reference(inst, path, a.dir, name, infeasible,
                                                                  a.ref_week_limit)
        if infeasible:
            r = ours(binary, path, 0, path + ".out.json")
            with open(path + ".out.json") as f:
                reason = (json.load(f).get("conflicts") or ["–"])[0]
            inf_rows.append(f"| {name} | {n} × {w} | {ref.get('status')} | {ref.get('seconds', '–')} "
                            f"| {r.get('status')} | {r.get('seconds', 0):.4f} | {reason[:90]}… |")
            print(inf_rows[-1], flush=True)
            continue
        cells, runs = [], []
        for b in budgets:
            r = ours(binary, path, b, path + ".out.json")
            if not r.get("checked"):
                r["status"] = str(r.get("status")) + " (CHECK FAILED)"
            runs.append((b, r))
        again = ours(binary, path, budgets[-1], path + ".again.json")
        with open(path + ".out.json") as f1, open(path + ".again.json") as f2:
            same = json.load(f1)["plan"] == json.load(f2)["plan"]
        # The best proven lower bound: per week the larger of CP-SAT's bound
        # and ours (weeks are independent, so the sum is valid), or our
        # bound on the whole.
        weeks = ref.get("weeks") or []
        lb = max([r.get("lower_bound") or 0 for _, r in runs])
        if len(weeks) == w:
            per_week = []
            for k, p in enumerate(week_instances(inst, a.dir, name)):
                mine = ours(binary, p, budgets[-1] / w, p + ".out.json")
                per_week.append(max(mine.get("lower_bound") or 0, weeks[k].get("bound") or 0))
            lb = max(lb, sum(per_week))
        opt = ref.get("cost") if ref.get("status") == "optimal" else None
        if opt is None and any(r.get("status") == "optimal" for _, r in runs):
            opt = next(r["cost"] for _, r in runs if r.get("status") == "optimal")
        if opt is None and ref.get("cost") == lb:
            opt = lb
        if opt is None and min(r.get("cost") or 10**9 for _, r in runs) == lb:
            opt = lb
        target = opt if opt is not None else lb
        reached = None
        for b, r in runs:
            g = gap(r.get("cost"), target)
            mark = "" if opt is not None else "≤ "
            cells.append(f"{r.get('cost')} ({'–' if g is None else f'{mark}{g:+.2f} %'}, {r.get('seconds', 0):.1f} s)")
            if reached is None and g is not None and g <= 0.5:
                reached = r.get("seconds")
        ratio = ""
        if reached is not None and ref.get("status") == "optimal" and ref.get("seconds"):
            ratio = f"{100.0 * reached / ref['seconds']:.1f} %"
        known = f"{opt} (proven)" if opt is not None else f"≥ {lb}"
        if opt is not None and ref.get("cost") is not None and ref["cost"] < opt:
            known += " BUT CP-SAT FOUND LESS"
        feas_rows.append(f"| {name} | {n} × {w} | {known} | {ref.get('status')} {ref.get('cost')} "
                         f"(bound {ref.get('bound')}) | {ref.get('seconds', '–')} | "
                         + " | ".join(cells)
                         + f" | {'–' if reached is None else f'{reached:.1f}'} | {ratio} | {'yes' if same else 'NO'} |")
        print(feas_rows[-1], flush=True)
    print()
    print("| instance | people × weeks | optimum | CP-SAT (1 worker, week by week) | CP-SAT time (s) | "
          + " | ".join("ours, no limit" if b == 0 else f"ours, {b:g} s limit" for b in budgets)
          + " | ours: time to ≤0.5 % (s) | of CP-SAT's time to prove | same plan twice |")
    print("|---|---|---|---|---:|" + "---:|" * len(budgets) + "---:|---:|---|")
    print("\n".join(feas_rows))
    print()
    print("| instance | people × weeks | CP-SAT | CP-SAT time (s) | ours | our time (s) | our reason (first line) |")
    print("|---|---|---|---:|---|---:|---|")
    print("\n".join(inf_rows))


if __name__ == "__main__":
    main()
