#!/usr/bin/env bash
# Benchmark: how long `serve --demo --demo-size N` takes to start on a fresh
# database (until it listens), on SQLite and PostgreSQL. Release build.
#   bash bench/demo.sh [SIZE]
# DISTANS_BIN: use this binary instead of building one.
# PostgreSQL: BENCH_POSTGRES (default postgres://postgres@127.0.0.1:5432/postgres);
# a scratch database distans_bench_demo is created and dropped.
set -euo pipefail
cd "$(dirname "$0")/.."
SIZE="${1:-50000}"
PG="${BENCH_POSTGRES:-postgres://postgres@127.0.0.1:5432/postgres}"
if [ -z "${DISTANS_BIN:-}" ]; then
  cargo build --release -p distans --locked -q
  DISTANS_BIN="$PWD/target/release/distans"
fi
work="$(mktemp -d)"
pid=""
cleanup() {
  if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

start() {
  local label="$1" url="$2" s e
  rm -f "$work/out" "$work/err"
  s=$(date +%s.%N)
  DATABASE_URL="$url" "$DISTANS_BIN" serve --demo --demo-size "$SIZE" --bind 127.0.0.1:0 \
    > "$work/out" 2> "$work/err" &
  pid=$!
  until grep -q "is running" "$work/out" 2>/dev/null; do
    if ! kill -0 "$pid" 2>/dev/null; then cat "$work/err" >&2; exit 1; fi
    sleep 0.05
  done
  e=$(date +%s.%N)
  printf '| %s | %s people | %.1f s | %s |\n' "$label" "$SIZE" "$(echo "$e - $s" | bc)" \
    "$(grep -o 'Demo ready in [0-9.]* s' "$work/err" || true)"
  kill "$pid"
  wait "$pid" 2>/dev/null || true
  pid=""
}

echo "| engine | demo | until it listens | the demo itself |"
echo "|---|---|---|---|"
start sqlite "$work/demo.db"
psql "$PG" -qc "DROP DATABASE IF EXISTS distans_bench_demo WITH (FORCE)" >/dev/null 2>&1
psql "$PG" -qc "CREATE DATABASE distans_bench_demo" >/dev/null
start postgres "${PG%/*}/distans_bench_demo"
psql "$PG" -qc "DROP DATABASE distans_bench_demo WITH (FORCE)" >/dev/null
