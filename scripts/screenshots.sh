#!/usr/bin/env bash
# Takes the screenshots in docs/screenshots/ again: each main page as the
# person who uses it, at desktop and phone width, on a fresh demo database.
#
#   DISTANS_BIN  the distans binary (default: a debug build, made here)
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -z "${DISTANS_BIN:-}" ]; then
  cargo build -p distans
  export DISTANS_BIN="$PWD/target/debug/distans"
fi
bash e2e/run.sh --config playwright.screenshots.config.js
ls docs/screenshots/*.png | wc -l | xargs echo "screenshots:"
