#!/usr/bin/env python3
"""Exact reference model of rotation-planning.md with OR-Tools CP-SAT.

    python3 ref_cpsat.py INSTANCE.json [--time-limit S] [--workers N] [--plan OUT.json]

Prints one JSON line: status, cost (best plan found), bound (proven lower
bound), seconds. Independent of the Rust planner: it reads the same JSON and
states every rule directly as CP-SAT constraints.
"""
import argparse
import datetime
import json
import sys
import time

from ortools.sat.python import cp_model

DAYS = ["mon", "tue", "wed", "thu", "fri"]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("instance")
    ap.add_argument("--time-limit", type=float, default=60.0)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--plan")
    a = ap.parse_args()
    inp = json.load(open(a.instance))
    t0 = time.time()
    hz = inp["horizon"]
    start = datetime.date.fromisoformat(hz["start"])
    holidays = set(hz.get("holidays") or [])
    days = []  # (label, week, weekday key)
    for w in range(hz["weeks"]):
        for k in range(5):
            d = (start + datetime.timedelta(days=7 * w + k)).isoformat()
            if d not in holidays:
                days.append((d, w, DAYS[k]))
    emps = inp.get("employees") or []
    rules = inp.get("rules") or {}
    m = cp_model.CpModel()
    x = {}  # (e, day index) -> onsite literal or constant 0/1
    obj = []
    for ei, e in enumerate(emps):
        absent = set(e.get("absent") or [])
        fr = set(e.get("fixed_remote") or [])
        fo = set(e.get("fixed_onsite") or [])
        pr = set(e.get("prefer_remote") or [])
        po = set(e.get("prefer_onsite") or [])
        r = e.get("remote_target_per_week") or 0
        locked = e.get("locked") or {}  # the planner's extension: date -> onsite/remote
        for w in range(hz["weeks"]):
            remote_terms = []
            const_remote = 0
            avail = 0
            for di, (lab, dw, key) in enumerate(days):
                if dw != w or lab in absent:
                    continue
                lock = locked.get(lab)
                if key not in fo and lock != "onsite":
                    avail += 1
                if (lock == "onsite" and key in fr) or (lock == "remote" and key in fo):
                    clash = m.NewBoolVar("")  # a lock against a fixed weekday
                    m.Add(clash == 1)
                    m.Add(clash == 0)
                if lock == "remote":
                    x[ei, di] = 0
                    const_remote += 1
                    if key in po:
                        obj.append(1)
                elif lock == "onsite":
                    x[ei, di] = 1
                    if key in pr:
                        obj.append(1)
                elif key in fr:
                    x[ei, di] = 0
                    const_remote += 1
                    if key in po:
                        obj.append(1)
                elif key in fo:
                    x[ei, di] = 1
                    if key in pr:
                        obj.append(1)
                else:
                    v = m.NewBoolVar("")
                    x[ei, di] = v
                    remote_terms.append(1 - v)
                    if key in po:
                        obj.append(1 - v)
                    if key in pr:
                        obj.append(v)
            remote = sum(remote_terms) + const_remote
            m.Add(remote <= r)
            t = min(r, avail)
            deficit = m.NewIntVar(0, 5, "")
            m.Add(deficit == t - remote)
            sq = m.NewIntVar(0, 250, "")
            m.AddElement(deficit, [10 * k * k for k in range(6)], sq)
            obj.append(sq)

    def onsite_sum(members, di):
        return sum(x[ei, di] for ei in members if (ei, di) in x)

    for rule in rules.get("coverage") or []:
        u, s, mn, wd = rule.get("unit"), rule.get("skill"), rule.get("min_onsite") or 0, rule.get("weekdays")
        members = [i for i, e in enumerate(emps)
                   if (u is None or e["unit"] == u) and (s is None or s in (e.get("skills") or []))]
        for di, (lab, w, key) in enumerate(days):
            if wd is not None and key not in wd:
                continue
            m.Add(onsite_sum(members, di) >= mn)
    for rule in rules.get("capacity") or []:
        us, mx = rule.get("units"), rule.get("max_onsite") or 0
        members = [i for i, e in enumerate(emps) if us is None or e["unit"] in us]
        for di in range(len(days)):
            m.Add(onsite_sum(members, di) <= mx)
    if rules.get("separate_cohorts"):
        by_unit = {}
        for i, e in enumerate(emps):
            c = e.get("cohort") or ""
            if c:
                by_unit.setdefault(e["unit"], {}).setdefault(c, []).append(i)
        for u, cs in by_unit.items():
            if len(cs) < 2:
                continue
            for di in range(len(days)):
                ys = []
                for c, mem in cs.items():
                    y = m.NewBoolVar("")
                    ys.append(y)
                    for i in mem:
                        if (i, di) in x:
                            m.Add(x[i, di] <= y) if not isinstance(x[i, di], int) else (
                                m.Add(y == 1) if x[i, di] == 1 else None)
                m.Add(sum(ys) <= 1)
    m.Minimize(sum(obj))
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = a.time_limit
    solver.parameters.num_workers = a.workers
    st = solver.Solve(m)
    secs = time.time() - t0
    name = {cp_model.OPTIMAL: "optimal", cp_model.FEASIBLE: "feasible",
            cp_model.INFEASIBLE: "infeasible"}.get(st, "unknown")
    out = {"status": name, "seconds": round(secs, 3)}
    if st in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        out["cost"] = int(round(solver.ObjectiveValue()))
        out["bound"] = int(round(solver.BestObjectiveBound()))
        if a.plan:
            plan = {}
            for ei, e in enumerate(emps):
                absent = set(e.get("absent") or [])
                plan[e["id"]] = {lab: ("absent" if lab in absent else
                                       "onsite" if (x[ei, di] if isinstance(x[ei, di], int) else solver.Value(x[ei, di])) else "remote")
                                 for di, (lab, w, k) in enumerate(days)}
            json.dump({"status": "feasible", "cost": out["cost"], "plan": plan, "conflicts": []}, open(a.plan, "w"))
    print(json.dumps(out))
    sys.stdout.flush()


if __name__ == "__main__":
    main()
