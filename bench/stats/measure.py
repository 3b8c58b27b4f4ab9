"""Times the statistics over HTTP (one keep-alive connection, as HR).

Usage: python3 measure.py BASE_URL LABEL REPEATS
Prints a Markdown table: what, median and 95th percentile in ms, answer size.
"""
import datetime
import os
import sys

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
