"""The public `/openapi.json` describes only what anyone may call. It left out the agent's internal routes and the
LiveKit webhook but kept their bodies' schemas (`CompleteBody`, `EventBatch`, `InternalRunBody`, `PracticeBody`):
the shape of the agent's calls, readable by anyone. The complete document (the internal service token) keeps them."""

from __future__ import annotations

import json
import re
from typing import Any

from tests.conftest import ApiServer

REF = re.compile(r'"#/components/schemas/([^"]+)"')
HIDDEN = ("/v1/internal/", "/v1/livekit/webhook")


def _reachable(doc: dict[str, Any], paths: dict[str, Any]) -> set[str]:
    schemas = doc["components"]["schemas"]
    found = set(REF.findall(json.dumps(paths)))
    todo = list(found)
    while todo:
        for name in set(REF.findall(json.dumps(schemas[todo.pop()]))) - found:
            found.add(name)
            todo.append(name)
    return found


async def test_the_public_document_carries_no_schema_only_hidden_routes_use(api_server: ApiServer) -> None:
    public = (await api_server.client.get("/openapi.json")).json()
    full = (await api_server.client.get("/openapi.json", headers=api_server.internal_headers())).json()
    shown = {p: ops for p, ops in full["paths"].items() if not p.startswith(HIDDEN)}
    hidden = {p: ops for p, ops in full["paths"].items() if p.startswith(HIDDEN)}
    hidden_only = _reachable(full, hidden) - _reachable(full, shown)
    assert {"CompleteBody", "EventBatch", "InternalRunBody", "PracticeBody"} <= hidden_only
    assert hidden_only <= set(full["components"]["schemas"])  # the complete document keeps them
    assert set(public["components"]["schemas"]) & hidden_only == set()
    # Nothing the public paths use went missing with them.
    assert _reachable(public, public["paths"]) == set(public["components"]["schemas"])
    assert "CompleteBody" not in json.dumps(public)
