"""The public `/openapi.json` describes only what anyone may call. It left out the agent's internal routes and the
LiveKit webhook but kept their bodies' schemas (`CompleteBody`, `EventBatch`, `InternalRunBody`, `PracticeBody`):
the shape of the agent's calls, readable by anyone. The complete document (the internal service token) keeps them."""

from __future__ import annotations

import gc
import json
import re
import weakref
from typing import Any

import httpx

from api.app import create_app
from api.settings import ApiSettings
from tests.conftest import CLIENT_TLS, ApiServer

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


async def test_an_app_that_served_its_documents_is_freed_with_its_last_reference(
    api_settings: ApiSettings,
) -> None:
    # FastAPI keeps every endpoint it has classified in a process-wide cache; the document's handlers closed over
    # their app, so every app that had served them stayed alive, with its state, for as long as the process.
    app = create_app(api_settings)
    internal = {"Authorization": f"Bearer {api_settings.internal_token.get_secret_value()}"}
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://t", verify=CLIENT_TLS
    ) as client:
        for path, headers in (
            ("/openapi.json", {}),
            ("/openapi.json", internal),
            ("/docs", {}),
            ("/redoc", {}),
        ):
            r = await client.get(path, headers=headers)
            assert r.status_code == 200, (path, r.text[:300])
    gone = weakref.ref(app)
    del app, client, r
    gc.collect()
    assert gone() is None, [type(o).__name__ for o in gc.get_referrers(gone())]
