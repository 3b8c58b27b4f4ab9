#!/usr/bin/env bash
# Benchmark: throughput under concurrency on the 50,000-person demo, over
# HTTP against a release server, on SQLite and PostgreSQL. wrk at 8
# connections against `/healthz` (the ceiling: no database, no session)
# and, signed in: `GET /api/v1/me` with a session cookie and with a bearer
# token, a unit's 4-week plan and coverage, one person's month, and the
# manager's overview page. Reports req/s, p50 and p99, each as a share of
# `/healthz` in the same run, then the server's resident memory and, on
# SQLite, the size of the write-ahead log after the load.
#   bash bench/http.sh [SIZE] [SECONDS]       # default 50000 people, 10 s each
# DISTANS_BIN, BENCH_POSTGRES, BENCH_KEEP: see bench/lib.sh.
# BENCH_ENGINES="sqlite postgres" (the default) or just one of them.
NAME=http
if ! command -v wrk > /dev/null; then
  echo "bench/http.sh needs wrk, the HTTP load generator: apt-get install -y wrk" >&2
  exit 1
fi
source "$(dirname "$0")/lib.sh"
SECONDS_EACH="${2:-10}"
echo "$(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, load before: $(cut -d' ' -f1-3 /proc/loadavg)"
port=8291
for engine in ${BENCH_ENGINES:-sqlite postgres}; do
  url="$(bench_db "$engine")"
  bench_serve "$engine" "$url" "$port"
  BENCH_PID="$pid" BENCH_DB="$url" python3 bench/http/measure.py \
    "http://127.0.0.1:$port" "$engine" "$SECONDS_EACH"
  bench_stop
  port=$((port + 1))
done
bench_drop
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
