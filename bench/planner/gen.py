#!/usr/bin/env python3
"""Generates rotation-planning instances of realistic shape (stdlib only).

    python3 gen.py --employees 1000 --weeks 4 --seed 1 > inst.json
    python3 gen.py --suite DIR      # the benchmark suite, 20x2 .. 10000x4
    python3 gen.py --employees 50 --weeks 2 --locks 0.05   # with locked cells
    python3 gen.py --employees 300 --weeks 8 --cohort-conflict  # infeasible

Shape: units of 6-25 people grouped on floors with a desk limit each; a unit
coverage rule (about a quarter of the unit onsite), a unit skill rule (one
onsite with the unit's key skill on weekdays), an organisation-wide first-aid
rule; about 60 % of units split into cohorts A/B; remote targets mostly 2;
some fixed days, preferences, scattered absences and vacation weeks; the
Epiphany holiday when the horizon covers it.
"""
import argparse
import datetime
import json
import math
import os
import random

DAYS = ["mon", "tue", "wed", "thu", "fri"]
SUITE = [
    ("s020x2", 20, 2), ("s050x2", 50, 2), ("s100x4", 100, 4), ("s300x4", 300, 4),
    ("s1000x4", 1000, 4), ("s3000x4", 3000, 4), ("s10000x4", 10000, 4),
]
# The anytime comparison (compare.py): 8 weeks, several seeds per size.
LARGE_SIZES = [300, 600, 1000]
LARGE_WEEKS = 8
LARGE_SEEDS = [1, 2, 3]


def generate(n, weeks, seed):
    rng = random.Random(seed)
    start = datetime.date(2026, 1, 5)
    dates = [start + datetime.timedelta(days=7 * w + k) for w in range(weeks) for k in range(5)]
    holidays = [d.isoformat() for d in dates if (d.month, d.day) in ((1, 6), (5, 1), (6, 6), (12, 24), (12, 25))]
    # units
    sizes = []
    left = n
    while left > 0:
        s = min(left, rng.randint(6, 25))
        if left - s < 6 and left - s > 0:
            s = left
        sizes.append(s)
        left -= s
    units = [f"u{i:03d}" for i in range(len(sizes))]
    employees = []
    coverage = []
    capacity = []
    k = 0
    floor = []
    floor_size = 0
    floors_per = rng.randint(3, 6)
    for ui, (u, size) in enumerate(zip(units, sizes)):
        cohorts = rng.random() < 0.6
        key_skill = f"{u}-key"
        members = []
        for j in range(size):
            k += 1
            skills = []
            if rng.random() < 0.35 or j < 4:
                skills.append(key_skill)
            if rng.random() < 0.12:
                skills.append("first-aid")
            if rng.random() < 0.03:
                skills.append("sign-language")
            if cohorts:
                # Two cohorts share the week: each must be able to stay home
                # about half of it.
                r = rng.choices([3, 4, 5], weights=[70, 20, 10])[0]
            else:
                r = rng.choices([0, 1, 2, 3, 4, 5], weights=[2, 14, 50, 20, 10, 4])[0]
            fixed_remote, fixed_onsite, prefer_remote, prefer_onsite = [], [], [], []
            days = DAYS[:]
            rng.shuffle(days)
            if rng.random() < 0.10 and r > 0:
                fixed_remote.append(days.pop())
            if rng.random() < 0.15 and not cohorts:
                fixed_onsite.append(days.pop())
            if rng.random() < 0.45:
                for _ in range(rng.randint(1, 2)):
                    d = rng.choices(days, weights=[3 if x in ("mon", "fri") else 1 for x in days])[0]
                    days.remove(d)
                    prefer_remote.append(d)
            if rng.random() < 0.25 and days:
                prefer_onsite.append(days.pop())
            absent = set()
            for _ in range(rng.choice([0, 0, 0, 1, 1, 2, 3])):
                absent.add(rng.choice(dates).isoformat())
            if rng.random() < 0.05:
                w = rng.randrange(weeks)
                for d in dates[5 * w:5 * w + 5]:
                    absent.add(d.isoformat())
            e = {"id": f"e{k:05d}", "unit": u, "skills": skills,
                 "remote_target_per_week": r,
                 "fixed_remote": fixed_remote, "fixed_onsite": fixed_onsite,
                 "absent": sorted(absent),
                 "prefer_remote": prefer_remote, "prefer_onsite": prefer_onsite}
            if cohorts and (j < 4 or rng.random() < 0.9):
                e["cohort"] = "A" if j % 2 == 0 else "B"
            employees.append(e)
            members.append(e)
        coverage.append({"unit": u, "skill": None,
                         "min_onsite": max(1, math.floor(size * (0.2 if cohorts else 0.3))),
                         "weekdays": None})
        if any(key_skill in e["skills"] for e in members) and rng.random() < 0.7:
            coverage.append({"unit": u, "skill": key_skill, "min_onsite": 1,
                             "weekdays": ["mon", "tue", "wed", "thu"]})
        floor.append(u)
        floor_size += size
        if len(floor) == floors_per or ui == len(units) - 1:
            capacity.append({"units": floor, "max_onsite": math.ceil(floor_size * 0.6)})
            floor, floor_size = [], 0
            floors_per = rng.randint(3, 6)
    coverage.append({"unit": None, "skill": "first-aid", "min_onsite": max(1, n // 150),
                     "weekdays": None})
    return {"horizon": {"start": start.isoformat(), "weeks": weeks, "holidays": holidays},
            "employees": employees,
            "rules": {"coverage": coverage, "capacity": capacity, "separate_cohorts": True}}


def add_locks(inst, frac, seed):
    """The planner's extension: lock about `frac` of the employees' workdays
    onsite or remote, as a manager would after a proposed plan. A lock never
    contradicts a fixed weekday, remote locks stay within the weekly limit
    and onsite locks never put two cohorts of a unit on site the same day,
    so the locks alone rarely make an instance infeasible (coverage still
    may). Its own random stream: the instance is otherwise the same as
    without locks."""
    rng = random.Random(seed * 7919 + 17)
    hz = inst["horizon"]
    start = datetime.date.fromisoformat(hz["start"])
    holidays = set(hz["holidays"])
    cohort_on = {}  # (unit, date) -> cohort locked onsite
    for e in inst["employees"]:
        locked = {}
        absent = set(e["absent"])
        for w in range(hz["weeks"]):
            remote = sum(1 for k in range(5) if DAYS[k] in e["fixed_remote"]
                         and (start + datetime.timedelta(days=7 * w + k)).isoformat() not in holidays | absent)
            for k in range(5):
                d = (start + datetime.timedelta(days=7 * w + k)).isoformat()
                if d in holidays or d in absent or DAYS[k] in e["fixed_remote"] + e["fixed_onsite"]:
                    continue
                if rng.random() >= frac:
                    continue
                c = e.get("cohort") or ""
                if rng.random() < 0.5 and remote < e["remote_target_per_week"]:
                    locked[d] = "remote"
                    remote += 1
                elif not c or cohort_on.setdefault((e["unit"], d), c) == c:
                    locked[d] = "onsite"
        if locked:
            e["locked"] = locked
    return inst


def add_cohort_conflict(inst, seed):
    """Makes the instance infeasible by a counting argument that no single
    rule shows: in one unit with cohorts, one member of cohort A and one of
    cohort B may work remotely only 2 days a week and have no absences or
    fixed days, so each cohort needs 3 of the 5 weekdays onsite while
    separate_cohorts lets only one cohort in per day (3 + 3 > 5). Weeks with
    a holiday (4 workdays: 2 + 2) stay feasible. Returns the unit's name."""
    rng = random.Random(seed * 104729 + 3)
    by_unit = {}
    for e in inst["employees"]:
        if e.get("cohort"):
            by_unit.setdefault(e["unit"], {}).setdefault(e["cohort"], []).append(e)
    units = sorted(u for u, cs in by_unit.items() if len(cs) >= 2)
    u = rng.choice(units)
    for c in sorted(by_unit[u])[:2]:
        e = rng.choice(by_unit[u][c])
        e["remote_target_per_week"] = 2
        e["absent"], e["fixed_remote"], e["fixed_onsite"] = [], [], []
    return u


def large_suite():
    """(name, employees, weeks, seed, infeasible) of the anytime comparison:
    300, 600 and 1 000 people over 8 weeks, seeds 1-3, each also with a
    cohort conflict (`add_cohort_conflict`)."""
    out = []
    for n in LARGE_SIZES:
        for seed in LARGE_SEEDS:
            out.append((f"p{n}x{LARGE_WEEKS}s{seed}", n, LARGE_WEEKS, seed, False))
    for n in LARGE_SIZES:
        for seed in LARGE_SEEDS:
            out.append((f"c{n}x{LARGE_WEEKS}s{seed}", n, LARGE_WEEKS, seed, True))
    return out


def large_instance(n, weeks, seed, infeasible):
    inst = generate(n, weeks, seed)
    if infeasible:
        add_cohort_conflict(inst, seed)
    return inst


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--employees", type=int, default=100)
    ap.add_argument("--weeks", type=int, default=4)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--suite", help="write the benchmark suite into this directory")
    ap.add_argument("--cohort-conflict", action="store_true",
                    help="make it infeasible by a cohort counting conflict (see add_cohort_conflict)")
    ap.add_argument("--locks", type=float, default=0.0,
                    help="lock this fraction of workdays (the planner's locked-cells extension)")
    a = ap.parse_args()
    if a.suite:
        os.makedirs(a.suite, exist_ok=True)
        for name, n, w in SUITE:
            with open(os.path.join(a.suite, name + ".json"), "w") as f:
                json.dump(generate(n, w, a.seed), f)
        return
    inst = generate(a.employees, a.weeks, a.seed)
    if a.locks > 0:
        add_locks(inst, a.locks, a.seed)
    if a.cohort_conflict:
        add_cohort_conflict(inst, a.seed)
    print(json.dumps(inst))


if __name__ == "__main__":
    main()
