#!/usr/bin/env bash
# Benchmark: importing and re-importing a 50,000-person CSV, and generating the
# 50,000-person demo, on SQLite and PostgreSQL. Release build.
#   bash bench/import.sh [SIZE]
# DISTANS_BIN: use this binary instead of building one.
# PostgreSQL: BENCH_POSTGRES (default postgres://postgres@127.0.0.1:5432/postgres);
# a scratch database distans_bench is created and dropped.
set -euo pipefail
cd "$(dirname "$0")/.."
SIZE="${1:-50000}"
PG="${BENCH_POSTGRES:-postgres://postgres@127.0.0.1:5432/postgres}"
if [ -z "${DISTANS_BIN:-}" ]; then
  cargo build --release -p distans --locked -q
  DISTANS_BIN="$PWD/target/release/distans"
fi
BIN="$DISTANS_BIN"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
"$BIN" demo-csv --size "$SIZE" > "$work/people.csv"
echo "CSV: $(wc -l < "$work/people.csv") lines, $(du -h "$work/people.csv" | cut -f1)"

secs() { local s e; s=$(date +%s.%N); "$@" > /dev/null; e=$(date +%s.%N); echo "$e - $s" | bc; }

run() {
  local label="$1" url="$2"
  export DATABASE_URL="$url"
  "$BIN" migrate > /dev/null
  printf '| %s | first import of %s people | %.2f s |\n' "$label" "$SIZE" "$(secs "$BIN" import people "$work/people.csv")"
  printf '| %s | re-import, nothing changed | %.2f s |\n' "$label" "$(secs "$BIN" import people "$work/people.csv")"
  sed -i '2s/,\([^,]*\),\([^,]*\),/,\1,Ändrad,/' "$work/people.csv"
  printf '| %s | re-import, one person changed | %.2f s |\n' "$label" "$(secs "$BIN" import people "$work/people.csv")"
  printf '| %s | verify the audit chain | %.2f s |\n' "$label" "$(secs "$BIN" verify-audit)"
}

echo "| engine | what | time |"
echo "|---|---|---|"
run sqlite "$work/bench.db"
psql "$PG" -qc 'DROP DATABASE IF EXISTS distans_bench' -c 'CREATE DATABASE distans_bench' > /dev/null
"$BIN" demo-csv --size "$SIZE" > "$work/people.csv"
run postgres "${PG%/*}/distans_bench"
psql "$PG" -qc 'DROP DATABASE IF EXISTS distans_bench' > /dev/null
