#!/usr/bin/env bash
# Benchmark: the statistics on the 50,000-person demo (with its year of
# agreements, occasional days and absences), over HTTP against a running
# release server, on SQLite and PostgreSQL: a whole-organisation year of
# remote share by week and by month, one unit's year, emissions, agreements,
# decisions and a quarter of occupancy. One demo database per engine.
#   bash bench/stats.sh [SIZE] [REPEATS]
# DISTANS_BIN, BENCH_POSTGRES, BENCH_KEEP: see bench/lib.sh.
NAME=stats
source "$(dirname "$0")/lib.sh"
bench_both bench/stats/measure.py "${2:-10}" 8193
