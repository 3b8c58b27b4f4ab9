"""Throughput at 8 concurrent connections (wrk) of the requests a signed-in
person makes most, as shares of `/healthz` measured in the same run; then
the server's resident memory and the SQLite write-ahead log's size.

Usage: BENCH_PID=… BENCH_DB=… python3 measure.py BASE_URL LABEL SECONDS
"""
import datetime
import json
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
from common import Client, leaf_unit_near  # noqa: E402

base, label, seconds = sys.argv[1], sys.argv[2], int(sys.argv[3])
pid, db = os.environ["BENCH_PID"], os.environ["BENCH_DB"]


def status(field):
    """A field of /proc/PID/status in MB (VmRSS, VmHWM, RssAnon, RssFile)."""
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    return float("nan")


def wal_mb():
    path = db + "-wal"
    return os.path.getsize(path) / 2**20 if os.path.exists(path) else 0.0


def ms(text):
    """wrk's latency (e.g. 612.00us, 17.71ms, 1.20s) in ms."""
    m = re.match(r"([\d.]+)(us|ms|s)", text)
    n, unit = float(m.group(1)), m.group(2)
    return n / 1000 if unit == "us" else n * 1000 if unit == "s" else n


def wrk(path, header=None, secs=None):
    """req/s, p50 and p99 in ms of `path` under wrk: 2 threads, 8 connections."""
    cmd = ["wrk", "-t2", "-c8", f"-d{secs or seconds}s", "--latency"]
    if header:
        cmd += ["-H", header]
    out = subprocess.run(cmd + [base + path], capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    p50 = ms(re.search(r"\s50%\s+(\S+)", out).group(1))
    p99 = ms(re.search(r"\s99%\s+(\S+)", out).group(1))
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if bad:
        raise SystemExit(f"{path}: {bad.group(1)} answers were errors\n{out}")
    return rps, p50, p99


hr = Client(base)
hr.sign_in("hr")
token = json.loads(hr.call("POST", "/api/v1/me/tokens", {"name": "bench"}))["secret"]
chef = Client(base)
chef.sign_in("chef")

best = leaf_unit_near(hr, 40)
person = hr.get_json(f"/api/v1/people?unit={best['id']}&limit=1")["items"][0]

today = datetime.date.today()
monday = today - datetime.timedelta(days=today.weekday())
to = monday + datetime.timedelta(days=27)
first = today.replace(day=1)
last = (first + datetime.timedelta(days=32)).replace(day=1) - datetime.timedelta(days=1)
session = "Cookie: " + hr.cookie
cases = [
    ("`/healthz` (the ceiling)", "/healthz", None),
    ("`GET /api/v1/me`, session cookie", "/api/v1/me", session),
    ("`GET /api/v1/me`, bearer token", "/api/v1/me", f"Authorization: Bearer {token}"),
    (f"a unit's 4-week plan ({best['people']} people)",
     f"/api/v1/plan?unit={best['id']}&from={monday}&to={to}", session),
    (f"a unit's 4-week coverage ({best['people']} people)",
     f"/api/v1/coverage?unit={best['id']}&from={monday}&to={to}", session),
    ("one person's month", f"/api/v1/plan?person={person['id']}&from={first}&to={last}", session),
    (f"the manager's overview (`/oversikt`, {len(chef.get_json('/api/v1/me')['manages'])} units)",
     "/oversikt", "Cookie: " + chef.cookie),
]
print(f"\n| {label} | req/s | p50 | p99 | of `/healthz` |")
print("|---|---|---|---|---|")
ceiling = None
for what, path, header in cases:
    wrk(path, header, 2)  # warm-up
    rps, p50, p99 = wrk(path, header)
    ceiling = ceiling or rps
    print(f"| {what} | {rps:,.0f} | {p50:.1f} ms | {p99:.1f} ms | {100 * rps / ceiling:.0f} % |", flush=True)
# Resident memory is what the server allocated (RssAnon) and the pages of
# files mapped into it (RssFile: the program itself, about 30 MB, shared
# with every other process running it and dropped by the system at need).
print(f"\n{label}: resident memory after the load {status('VmRSS'):.0f} MB (peak {status('VmHWM'):.0f} MB;"
      f" allocated {status('RssAnon'):.0f} MB, mapped files {status('RssFile'):.0f} MB)"
      + (f", write-ahead log {wal_mb():.1f} MB" if not db.startswith("postgres") else ""))
