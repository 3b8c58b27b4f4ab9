"""Times the statistics over HTTP (one keep-alive connection, as HR).

Usage: python3 measure.py BASE_URL LABEL REPEATS
Prints a Markdown table: what, median and 95th percentile in ms, answer size.
"""
import datetime
import os
import statistics
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
from common import Client, args, time_cases  # noqa: E402

base, label, repeats = args()
client = Client(base, timeout=300)
client.sign_in("hr")
today = datetime.date.today()
year_ago = today - datetime.timedelta(days=364)
quarter = today - datetime.timedelta(days=90)
units = client.get_json("/api/v1/units?depth=2&limit=50")["items"]
unit = next((x for x in units if x.get("depth", 0) == 1), units[0])
year = f"from={year_ago}&to={today}"

# The first question of a year counts its days (the daily counts); the
# ones after it read them.
ahead = f"from={year_ago}&to={today + datetime.timedelta(days=14)}"
share = f"/api/v1/stats/remote-share?{ahead}&by=week"
t = time.perf_counter()
client.call("GET", share)
cold = (time.perf_counter() - t) * 1000
# A plan change makes its day counted again at the next question.
me = client.get_json("/api/v1/me")
day = next(today + datetime.timedelta(days=i) for i in range(1, 8)
           if (today + datetime.timedelta(days=i)).weekday() < 5)
after = []
for i in range(repeats):
    state = "workplace" if i % 2 else "other"
    client.call("PUT", f"/api/v1/plan/{me['id']}/{day}", {"state": state})
    t = time.perf_counter()
    client.call("GET", share)
    after.append((time.perf_counter() - t) * 1000)
after.sort()
print(f"\n| {label} | time |")
print("|---|---|")
print(f"| remote share, whole organisation, a year by week: the first question (counts the year's days) | {cold:.1f} ms |")
print(f"| the same after one occasional day changed (median of {repeats}) | {statistics.median(after):.1f} ms |",
      flush=True)

time_cases(client, label, repeats, [
    ("remote share, whole organisation, a year by week", f"/api/v1/stats/remote-share?{year}&by=week"),
    ("remote share, whole organisation, a year by month", f"/api/v1/stats/remote-share?{year}&by=month"),
    (f"remote share, one top unit ({unit['name']}), a year by week",
     f"/api/v1/stats/remote-share?{year}&by=week&unit={unit['id']}"),
    ("emissions, whole organisation, a year by month", f"/api/v1/stats/emissions?{year}&by=month"),
    ("agreements by state", "/api/v1/stats/agreements"),
    ("decisions, a year", f"/api/v1/stats/decisions?{year}"),
    ("occupancy, every site, a quarter", f"/api/v1/stats/occupancy?from={quarter}&to={today}"),
    ("occupancy, every site, a year", f"/api/v1/stats/occupancy?{year}"),
    ("remote share CSV, a year by week", f"/api/v1/stats/remote-share?{year}&format=csv"),
    ("coverage gaps, whole organisation, a quarter by week",
     f"/api/v1/stats/coverage?from={quarter}&to={today}&by=week"),
    ("coverage gaps, whole organisation, a year by week", f"/api/v1/stats/coverage?{year}&by=week"),
])
