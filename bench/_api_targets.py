"""What the API benchmark sends: each endpoint with its offered rate and p99 target, and the request bodies."""

from __future__ import annotations

import json
from dataclasses import dataclass


@dataclass(frozen=True)
class Target:
    name: str
    method: str
    path: str
    rps: int
    p99_ms: float | None  # None: a baseline, not a target


# The targets on 2 cores.
CREATE = Target("POST /v1/sessions", "POST", "/v1/sessions", 150, 25.0)
JOIN = Target("POST /v1/join", "POST", "/v1/join", 300, 10.0)
HEALTH = Target("GET /healthz (floor)", "GET", "/healthz", 300, None)
# The measuring apparatus alone: the same loader against a trivial Node.js server on loopback.
LOOPBACK = Target("loader floor (Node echo)", "GET", "/healthz", 300, None)


def session_body(i: int | str) -> str:
    return json.dumps({"candidate": {"name": f"Bench Candidate {i}", "email": f"bench+{i}@example.com"}})
