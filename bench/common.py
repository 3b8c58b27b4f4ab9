"""What the HTTP measurements share: one keep-alive connection signed in,
and timing a list of requests into a Markdown table.

A measurement script is run as `python3 measure.py BASE_URL LABEL REPEATS`.
"""
import http.client
import json
import statistics
import sys
import time
import urllib.parse


class Client:
    """One keep-alive connection to the server, with its session cookie."""

    def __init__(self, base, timeout=120):
        u = urllib.parse.urlparse(base)
        self.conn = http.client.HTTPConnection(u.hostname, u.port, timeout=timeout)
        self.cookie = ""

    def call(self, method, path, body=None):
        headers = {"Cookie": self.cookie} if self.cookie else {}
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        self.conn.request(method, path, body=data, headers=headers)
        r = self.conn.getresponse()
        raw = r.read()
        for k, v in r.getheaders():
            if k.lower() == "set-cookie" and v.startswith("distans_session="):
                self.cookie = v.split(";")[0]
        if r.status >= 400:
            raise SystemExit(f"{method} {path}: {r.status} {raw[:300]!r}")
        return raw

    def get_json(self, path):
        return json.loads(self.call("GET", path))

    def sign_in(self, username, password="demo"):
        self.call("POST", "/api/v1/login", {"username": username, "password": password})


def args():
    """BASE_URL, LABEL and REPEATS from the command line."""
    return sys.argv[1], sys.argv[2], int(sys.argv[3])


def time_cases(client, label, repeats, cases):
    """Times each (what, path) after one warm-up; prints what, median and
    95th percentile in ms, and the answer's size."""
    print(f"\n| {label} | median | p95 | answer |")
    print("|---|---|---|---|")
    for what, path in cases:
        size = len(client.call("GET", path))  # warm up
        times = []
        for _ in range(repeats):
            t = time.perf_counter()
            client.call("GET", path)
            times.append((time.perf_counter() - t) * 1000)
        times.sort()
        p95 = times[min(len(times) - 1, int(len(times) * 0.95))]
        print(f"| {what} | {statistics.median(times):.1f} ms | {p95:.1f} ms | {size / 1024:.0f} KiB |",
              flush=True)


def leaf_unit_near(client, people):
    """The unit without units below it whose number of people is closest to
    `people` (the first in tree order on a tie), read page by page."""
    best, offset = None, 0
    while True:
        page = client.get_json(f"/api/v1/units?limit=500&offset={offset}")
        for unit in page["items"]:
            if unit["children"] == 0 and (
                best is None or abs(unit["people"] - people) < abs(best["people"] - people)
            ):
                best = unit
        offset += len(page["items"])
        if not page["items"] or offset >= page["total"]:
            return best
