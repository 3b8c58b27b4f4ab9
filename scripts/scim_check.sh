#!/usr/bin/env bash
# SCIM conformance: scim2-tester against a running distans on a fresh
# SQLite database with a fresh provisioning token. Every check must pass.
#   bash scripts/scim_check.sh target/debug/distans
set -euo pipefail
BIN="$(realpath "${1:-target/debug/distans}")"
cd "$(dirname "$0")/.."
python3 -c 'import scim2_tester, scim2_client, httpx2' 2>/dev/null || python3 -m pip install -q scim2-tester scim2-client httpx2

DIR="$(mktemp -d)"
PORT="${SCIM_PORT:-18931}"
export DATABASE_URL="$DIR/scim.db"
cleanup() { [ -n "${PID:-}" ] && kill "$PID" 2>/dev/null || true; rm -rf "$DIR"; }
trap cleanup EXIT

"$BIN" serve --demo --demo-size 20 --bind "127.0.0.1:$PORT" >"$DIR/server.log" 2>&1 &
PID=$!
for _ in $(seq 1 120); do
  curl -fs "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1 && break
  sleep 0.5
done
curl -fs "http://127.0.0.1:$PORT/healthz" >/dev/null || { cat "$DIR/server.log"; echo "FAIL: the server did not start" >&2; exit 1; }
TOKEN="$("$BIN" scim-token create --name scim-check 2>/dev/null)"

SCIM_URL="http://127.0.0.1:$PORT/scim/v2" SCIM_TOKEN="$TOKEN" python3 scripts/scim_check.py
