"""Runs every check of scim2-tester against SCIM_URL with SCIM_TOKEN; fails
if any check does not pass (skipped checks are listed, not failures)."""
import os
import sys

from httpx2 import Client
from scim2_client.engines.httpx2 import SyncSCIMClient
from scim2_tester import Status, check_server

client = SyncSCIMClient(
    Client(base_url=os.environ["SCIM_URL"], headers={"Authorization": f"Bearer {os.environ['SCIM_TOKEN']}"})
)
client.discover()
results = check_server(client)
failed = [r for r in results if r.status not in (Status.SUCCESS, Status.SKIPPED)]
for r in results:
    print(f"{r.status.name:8} {r.title}: {r.reason or ''}".splitlines()[0])
print(f"{len(results)} checks, {len(failed)} failed")
sys.exit(1 if failed or not results else 0)
