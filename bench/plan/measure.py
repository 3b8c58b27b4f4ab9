"""Times the plan's read paths over HTTP (one keep-alive connection, as HR).

Usage: python3 measure.py BASE_URL LABEL REPEATS
Prints a Markdown table: what, median and 95th percentile in ms, answer size.
"""
import datetime
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
from common import Client, args, leaf_unit_near, time_cases  # noqa: E402

base, label, repeats = args()
client = Client(base, timeout=60)
client.sign_in("hr")

best = leaf_unit_near(client, 40)
person = client.get_json(f"/api/v1/people?unit={best['id']}&limit=1")["items"][0]

today = datetime.date.today()
monday = today - datetime.timedelta(days=today.weekday())
four_weeks = (monday, monday + datetime.timedelta(days=27))
first = today.replace(day=1)
last = (first + datetime.timedelta(days=32)).replace(day=1) - datetime.timedelta(days=1)

time_cases(client, label, repeats, [
    (f"a unit's 4-week plan ({best['people']} people)",
     f"/api/v1/plan?unit={best['id']}&from={four_weeks[0]}&to={four_weeks[1]}"),
    (f"a unit's 4-week coverage ({best['people']} people)",
     f"/api/v1/coverage?unit={best['id']}&from={four_weeks[0]}&to={four_weeks[1]}"),
    ("one person's month", f"/api/v1/plan?person={person['id']}&from={first}&to={last}"),
    ("who is on site tomorrow, every site", "/api/v1/occupancy"),
    # Follow-up, deviations, equipment, redeployment, as HR (who sees everyone).
    ("HR: follow-ups due within 30 days (first page)",
     f"/api/v1/followups?due_before={today + datetime.timedelta(days=30)}"),
    ("HR: open actions", "/api/v1/actions?state=open"),
    ("HR: open deviations", "/api/v1/deviations?state=open"),
    ("HR: the inventory (first page)", "/api/v1/equipment"),
    ("HR: loans to collect", "/api/v1/loans/to-collect"),
    ("HR: redeployment, skill reception, 4 weeks (first page)",
     f"/api/v1/redeployment?skill=reception&from={four_weeks[0]}&to={four_weeks[1]}"),
    ("HR: redeployment CSV, skill reception, 4 weeks (all matches)",
     f"/api/v1/redeployment.csv?skill=reception&from={four_weeks[0]}&to={four_weeks[1]}"),
])
