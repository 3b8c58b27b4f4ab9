#!/usr/bin/env bash
# The browser suite: Playwright (as the runner only) with Debian's Chromium,
# and axe-core for WCAG 2.1 AA. Starts its own distans on a fresh demo
# database (see global-setup.js).
#
#   DISTANS_BIN  the distans binary (default: ../target/debug/distans from here)
#   CHROMIUM     the browser (default: /usr/bin/chromium)
#   any arguments go to `playwright test` (e.g. a file or --grep)
#
# Ends with the line "N passed, M failed" and a non-zero exit on any failure;
# a missing browser or binary is a failure, never a skip.
set -uo pipefail
cd "$(dirname "$0")"

export CHROMIUM="${CHROMIUM:-/usr/bin/chromium}"
export DISTANS_BIN="${DISTANS_BIN:-../target/debug/distans}"

fail() {
  echo "FAIL: $*" >&2
  echo "0 passed, 1 failed"
  exit 1
}

[ -x "$CHROMIUM" ] || fail "Chromium not found at $CHROMIUM (apt-get update && apt-get install -y chromium)"
[ -x "$DISTANS_BIN" ] || fail "distans binary not found at $DISTANS_BIN (cargo build -p distans, or set DISTANS_BIN)"
command -v npm >/dev/null 2>&1 || fail "npm not found (apt-get install -y nodejs npm)"

echo "== npm ci"
npm ci --no-audit --no-fund --loglevel=error || fail "npm ci failed"
# The OpenID Connect provider that oidc.spec.js signs in through.
(cd oidc && npm ci --no-audit --no-fund --loglevel=error) || fail "npm ci in e2e/oidc failed"

echo "== Playwright ($("$CHROMIUM" --version 2>/dev/null))"
log="$(mktemp)"
trap 'rm -f "$log"' EXIT
# No browser download: Playwright only drives the Chromium above.
PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npx --no-install playwright test "$@" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}

summary="$(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$log" | tail -n 1)"
if [ -z "$summary" ]; then
  # Playwright stopped before its reporter could count.
  echo "0 passed, 1 failed"
  exit 1
fi
failed="$(echo "$summary" | sed -E 's/^[0-9]+ passed, ([0-9]+) failed$/\1/')"
if [ "$status" -eq 0 ] && [ "$failed" -ne 0 ]; then
  status=1
fi
exit "$status"
