"""Validates the OpenAPI document that `distans openapi` prints with a real
OpenAPI parser (openapi-spec-validator), and checks the routes of api.md."""
import json
import subprocess
import sys

from openapi_spec_validator import validate

binary = sys.argv[1]
doc = json.loads(subprocess.run([binary, "openapi"], check=True, capture_output=True, text=True).stdout)
validate(doc)
required = ["/healthz", "/api/v1/login", "/api/v1/logout", "/api/v1/me", "/api/v1/units",
            "/api/v1/units/{id}", "/api/v1/people", "/api/v1/people/{id}", "/api/v1/audit"]
missing = [p for p in required if p not in doc["paths"]]
if missing:
    print("missing from the OpenAPI document:", ", ".join(missing))
    print("0 passed, 1 failed")
    sys.exit(1)
print(f"OpenAPI {doc['openapi']}: valid, {len(doc['paths'])} paths")
print("1 passed, 0 failed")
