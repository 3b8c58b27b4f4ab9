#!/usr/bin/env bash
# What the HTTP benchmarks share: the release binary (built once), a scratch
# directory, and a demo server per engine. Sourced by bench/plan.sh and
# bench/stats.sh after they set NAME (used for the scratch PostgreSQL
# database distans_bench_$NAME).
#   SIZE      people in the demo (first argument, default 50000)
#   DISTANS_BIN      use this binary instead of building one
#   BENCH_POSTGRES   PostgreSQL server (default postgres://postgres@127.0.0.1:5432/postgres)
#   BENCH_KEEP=1     keep the generated databases (bench/.data/$NAME-SIZE.db and
#                    the PostgreSQL database) and reuse them on the next run
set -euo pipefail
export PGOPTIONS="-c client_min_messages=warning"
cd "$(dirname "${BASH_SOURCE[0]}")/.."
SIZE="${1:-50000}"
PG="${BENCH_POSTGRES:-postgres://postgres@127.0.0.1:5432/postgres}"
KEEP="${BENCH_KEEP:-}"
if [ -z "${DISTANS_BIN:-}" ]; then
  cargo build --release -p distans --locked -q
  DISTANS_BIN="${CARGO_TARGET_DIR:-$PWD/target}/release/distans"
fi
work="$(mktemp -d)"
pid=""
cleanup() {
  if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

# The database URL of an engine (sqlite or postgres): a fresh one, or with
# BENCH_KEEP the kept one (made on first use).
bench_db() {
  local engine="$1" db="distans_bench_${NAME}_$SIZE"
  case "$engine" in
    sqlite)
      if [ -n "$KEEP" ]; then mkdir -p bench/.data; echo "$PWD/bench/.data/$db.db"; else echo "$work/$db.db"; fi ;;
    postgres)
      if [ -z "$KEEP" ] || ! psql "$PG" -tAc "SELECT 1 FROM pg_database WHERE datname = '$db'" | grep -q 1; then
        psql "$PG" -qc "DROP DATABASE IF EXISTS $db WITH (FORCE)" -c "CREATE DATABASE $db" > /dev/null
      fi
      echo "${PG%/*}/$db" ;;
  esac
}

# Drops the scratch PostgreSQL database unless it is kept.
bench_drop() {
  [ -n "$KEEP" ] || psql "$PG" -qc "DROP DATABASE IF EXISTS distans_bench_${NAME}_$SIZE WITH (FORCE)" > /dev/null
}

# Starts `serve --demo` on URL at PORT (the demo is generated when the
# database is empty) and waits until it answers; prints how long that took.
bench_serve() {
  local label="$1" url="$2" port="$3" start end
  start=$(date +%s.%N)
  DATABASE_URL="$url" "$DISTANS_BIN" serve --demo --demo-size "$SIZE" --bind "127.0.0.1:$port" \
    > "$work/serve-$label.log" 2>&1 &
  pid=$!
  for _ in $(seq 1 1200); do
    curl -sf "http://127.0.0.1:$port/healthz" > /dev/null 2>&1 && break
    kill -0 "$pid" 2>/dev/null || { cat "$work/serve-$label.log" >&2; exit 1; }
    sleep 0.5
  done
  end=$(date +%s.%N)
  printf '%s: demo of %s people serving after %.1f s\n' "$label" "$SIZE" "$(echo "$end - $start" | bc)"
}

bench_stop() {
  kill "$pid"
  wait "$pid" 2>/dev/null || true
  pid=""
}

# Runs MEASURE (a script of bench/, given the server's URL, the engine and
# REPEATS) against a demo server on each engine.
bench_both() {
  local measure="$1" repeats="$2" port="$3"
  bench_serve sqlite "$(bench_db sqlite)" "$port"
  python3 "$measure" "http://127.0.0.1:$port" sqlite "$repeats"
  bench_stop
  bench_serve postgres "$(bench_db postgres)" "$((port + 1))"
  python3 "$measure" "http://127.0.0.1:$((port + 1))" postgres "$repeats"
  bench_stop
  bench_drop
}
