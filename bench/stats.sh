#!/usr/bin/env bash
# Benchmark: the statistics on the 50,000-person demo (with its year of
# agreements, occasional days and absences), over HTTP against a running
# release server, on SQLite and PostgreSQL: a whole-organisation year of
# remote share by week and by month, one unit's year, emissions, agreements,
# decisions and a quarter of occupancy.
#   bash bench/stats.sh [SIZE] [REPEATS]
# DISTANS_BIN: use this binary instead of building one.
# PostgreSQL: BENCH_POSTGRES (default postgres://postgres@127.0.0.1:5432/postgres);
# a scratch database distans_bench_stats is created and dropped.
set -euo pipefail
cd "$(dirname "$0")/.."
SIZE="${1:-50000}"
REPEATS="${2:-10}"
PG="${BENCH_POSTGRES:-postgres://postgres@127.0.0.1:5432/postgres}"
if [ -z "${DISTANS_BIN:-}" ]; then
  cargo build --release -p distans --locked -q
  DISTANS_BIN="$PWD/target/release/distans"
fi
BIN="$DISTANS_BIN"
work="$(mktemp -d)"
pid=""
cleanup() {
  [ -n "$pid" ] && kill "$pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

run() {
  local label="$1" url="$2" port="$3"
  local start end
  start=$(date +%s.%N)
  DATABASE_URL="$url" "$BIN" serve --demo --demo-size "$SIZE" --bind "127.0.0.1:$port" > "$work/serve-$label.log" 2>&1 &
  pid=$!
  for _ in $(seq 1 600); do
    curl -sf "http://127.0.0.1:$port/healthz" > /dev/null 2>&1 && break
    kill -0 "$pid" 2>/dev/null || { cat "$work/serve-$label.log" >&2; exit 1; }
    sleep 0.5
  done
  end=$(date +%s.%N)
  printf '%s: demo of %s people generated and serving after %.1f s\n' "$label" "$SIZE" "$(echo "$end - $start" | bc)"
  python3 bench/stats/measure.py "http://127.0.0.1:$port" "$label" "$REPEATS"
  kill "$pid"; wait "$pid" 2>/dev/null || true; pid=""
}

run sqlite "$work/bench.db" 8193
psql "$PG" -qc 'DROP DATABASE IF EXISTS distans_bench_stats' -c 'CREATE DATABASE distans_bench_stats' > /dev/null
run postgres "${PG%/*}/distans_bench_stats" 8194
psql "$PG" -qc 'DROP DATABASE IF EXISTS distans_bench_stats' > /dev/null
