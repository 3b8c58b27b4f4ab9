#!/usr/bin/env bash
# The test command: every suite, and none may be skipped.
#   1. the Rust suites (unit, storage on SQLite *and* PostgreSQL, web, CLI, planner)
#   2. the OpenAPI document through a real OpenAPI validator
#   3. the API fuzzer (schemathesis) on SQLite and PostgreSQL
#   4. the browser suite (Playwright + Debian Chromium + axe-core) in e2e/
# The tests of sign-in through an identity provider run a real one (e2e/oidc, Node.js).
# PostgreSQL: DISTANS_TEST_POSTGRES (default: the local server, database postgres).
set -euo pipefail
cd "$(dirname "$0")/.."

export DISTANS_TEST_POSTGRES="${DISTANS_TEST_POSTGRES:-postgres://postgres@127.0.0.1:5432/postgres}"
if ! psql "$DISTANS_TEST_POSTGRES" -qtAc 'SELECT 1' >/dev/null 2>&1; then
  echo "FAIL: PostgreSQL does not answer at $DISTANS_TEST_POSTGRES; the PostgreSQL suite cannot run." >&2
  exit 1
fi
# Tests treat a missing PostgreSQL as an error, not a skip.
export CI="${CI:-true}"

# The e-mail tests talk to a real SMTP server (Python's aiosmtpd).
python3 -c 'import aiosmtpd' 2>/dev/null || python3 -m pip install -q aiosmtpd
# The calendar feed is read back with Python's icalendar package.
python3 -c 'import icalendar' 2>/dev/null || python3 -m pip install -q icalendar

# Sign-in through an identity provider is tested against a real OpenID
# Connect provider (Node.js, e2e/oidc): a missing one fails those tests.
command -v npm >/dev/null 2>&1 || { echo "FAIL: npm is needed (apt-get install nodejs npm)" >&2; exit 1; }
(cd e2e/oidc && npm ci --no-audit --no-fund --loglevel=error)

echo "== Rust suites (SQLite and PostgreSQL)"
cargo test --workspace --locked

echo "== OpenAPI document"
python3 -c 'import openapi_spec_validator' 2>/dev/null || python3 -m pip install -q openapi-spec-validator
python3 scripts/check_openapi.py target/debug/distans

echo "== SCIM conformance (scim2-tester)"
bash scripts/scim_check.sh target/debug/distans

echo "== API fuzzer"
bash scripts/fuzz_api.sh target/debug/distans

echo "== Browser suite"
DISTANS_BIN="$PWD/target/debug/distans" bash e2e/run.sh
