#!/usr/bin/env bash
# Benchmark: the plan on the 50,000-person demo (with its year of agreements,
# occasional days and absences), over HTTP against a running release server,
# on SQLite and PostgreSQL:
#   - a unit's 4-week plan, and its 4-week coverage (≈40 people),
#   - one person's month,
#   - the whole organisation's "who is on site tomorrow", per site.
#   bash bench/plan.sh [SIZE] [REPEATS]
# DISTANS_BIN, BENCH_POSTGRES, BENCH_KEEP: see bench/lib.sh.
NAME=plan
source "$(dirname "$0")/lib.sh"
bench_both bench/plan/measure.py "${2:-50}" 8191
