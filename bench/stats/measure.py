"""Times the statistics over HTTP (one keep-alive connection, as HR).

Usage: python3 measure.py BASE_URL LABEL REPEATS
Prints a Markdown table: what, median and 95th percentile in ms, answer size.
"""
import datetime
import http.client
import json
import statistics
import sys
import time
import urllib.parse

base, label, repeats = sys.argv[1], sys.argv[2], int(sys.argv[3])
u = urllib.parse.urlparse(base)
conn = http.client.HTTPConnection(u.hostname, u.port, timeout=120)
cookie = ""


def call(method, path, body=None):
    global cookie
    headers = {"Cookie": cookie} if cookie else {}
    data = None
    if body is not None:
        data = json.dumps(body).encode()
        headers["Content-Type"] = "application/json"
    conn.request(method, path, body=data, headers=headers)
    r = conn.getresponse()
    raw = r.read()
    for k, v in r.getheaders():
        if k.lower() == "set-cookie" and v.startswith("distans_session="):
            cookie = v.split(";")[0]
    if r.status >= 400:
        raise SystemExit(f"{method} {path}: {r.status} {raw[:300]!r}")
    return raw


call("POST", "/api/v1/login", {"username": "hr", "password": "demo"})
today = datetime.date.today()
year_ago = today - datetime.timedelta(days=364)
quarter = today - datetime.timedelta(days=90)
units = json.loads(call("GET", "/api/v1/units?depth=2&limit=50"))["items"]
unit = next((x for x in units if x.get("depth", 0) == 1), units[0])

cases = [
    ("remote share, whole organisation, a year by week",
     f"/api/v1/stats/remote-share?from={year_ago}&to={today}&by=week"),
    ("remote share, whole organisation, a year by month",
     f"/api/v1/stats/remote-share?from={year_ago}&to={today}&by=month"),
    (f"remote share, one top unit ({unit['name']}), a year by week",
     f"/api/v1/stats/remote-share?from={year_ago}&to={today}&by=week&unit={unit['id']}"),
    ("emissions, whole organisation, a year by month",
     f"/api/v1/stats/emissions?from={year_ago}&to={today}&by=month"),
    ("agreements by state", "/api/v1/stats/agreements"),
    ("decisions, a year", f"/api/v1/stats/decisions?from={year_ago}&to={today}"),
    ("occupancy, every site, a quarter", f"/api/v1/stats/occupancy?from={quarter}&to={today}"),
    ("remote share CSV, a year by week", f"/api/v1/stats/remote-share?from={year_ago}&to={today}&format=csv"),
]

print(f"\n{label}:\n")
print("| what | median | p95 | answer |")
print("|---|---|---|---|")
for what, path in cases:
    size = len(call("GET", path))  # warm-up
    times = []
    for _ in range(repeats):
        t = time.perf_counter()
        call("GET", path)
        times.append((time.perf_counter() - t) * 1000)
    times.sort()
    p95 = times[min(len(times) - 1, int(len(times) * 0.95))]
    print(f"| {what} | {statistics.median(times):.0f} ms | {p95:.0f} ms | {size / 1024:.0f} KB |")
