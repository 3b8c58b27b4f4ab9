#!/usr/bin/env bash
# The API fuzzer: schemathesis generates requests from the OpenAPI document
# (boundary values, wrong types, malformed input, then random ones) and
# checks every answer: no 5xx, every status documented, every body and
# content type as the document says. Runs on SQLite and on PostgreSQL
# against a demo organisation, signed in as HR with a personal token.
#
#   bash scripts/fuzz_api.sh [DISTANS_BINARY]
#   FUZZ_SECONDS   time budget per database (default 90)
#   DISTANS_TEST_POSTGRES  the PostgreSQL server (a database is made and dropped)
#
# A failure prints the request that caused it (curl) and exits non-zero.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN="${1:-target/debug/distans}"
BUDGET="${FUZZ_SECONDS:-90}"
PG="${DISTANS_TEST_POSTGRES:-postgres://postgres@127.0.0.1:5432/postgres}"
[ -x "$BIN" ] || { echo "FAIL: $BIN not found (cargo build -p distans)" >&2; exit 1; }
python3 -c 'import schemathesis' 2>/dev/null || python3 -m pip install -q 'schemathesis==4.32.5'
command -v st >/dev/null || { echo "FAIL: the schemathesis command (st) is not on PATH" >&2; exit 1; }

work="$(mktemp -d)"
server=""
pgdb=""
cleanup() {
  [ -n "$server" ] && kill "$server" 2>/dev/null || true
  [ -n "$pgdb" ] && psql "$PG" -qc "DROP DATABASE IF EXISTS $pgdb WITH (FORCE)" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

fuzz() { # label database-url port
  local label="$1" url="$2" port="$3" base="http://127.0.0.1:$3"
  echo "== Fuzzing the API on $label (${BUDGET} s)"
  DATABASE_URL="$url" "$BIN" serve --demo --demo-size 60 --bind "127.0.0.1:$port" >"$work/$label.log" 2>&1 &
  server=$!
  for _ in $(seq 1 120); do
    curl -fs "$base/readyz" >/dev/null 2>&1 && break
    sleep 1
  done
  curl -fs "$base/readyz" >/dev/null || { cat "$work/$label.log"; echo "FAIL: the server on $label did not get ready" >&2; exit 1; }
  curl -fs -c "$work/cookies" -H 'content-type: application/json' \
    -d '{"username":"hr","password":"demo"}' "$base/api/v1/login" >/dev/null
  local token
  token="$(curl -fs -b "$work/cookies" -H 'content-type: application/json' -d '{"name":"fuzzer"}' \
    "$base/api/v1/me/tokens" | python3 -c 'import json,sys; print(json.load(sys.stdin)["secret"])')"
  st run "$base/api/openapi.json" \
    -H "Authorization: Bearer $token" \
    --checks not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance \
    --phases examples,coverage,fuzzing \
    --exclude-path /api/v1/logout \
    --max-time "$BUDGET" --workers 2 --seed 1 --no-color
  kill "$server"; wait "$server" 2>/dev/null || true; server=""
}

fuzz sqlite "$work/fuzz.db" 18091
pgdb="distans_fuzz_$$"
psql "$PG" -qc "CREATE DATABASE $pgdb" >/dev/null
fuzz postgres "${PG%/*}/$pgdb" 18092
echo "== The fuzzer found nothing"
