"""The OpenAPI document declares 429 with Retry-After on exactly the operations whose credential lookup the guess
limits guard (api/guess_limits.py), read from each route's guard (`guess_limits.lookup_guard`) and checked here
against what every route answers: from an address that has spent its guesses, each route of the table
(tests/api/route_table.py) that takes a looked-up credential is asked with one this process has never seen. The
ATS partners' routes (Basic keys) and the report routes (a key or a practice invite) were answering a 429 the
document did not have. Real Postgres and Redis (the rate-limit store)."""

from __future__ import annotations

import json
import secrets
from typing import Any

from api.openapi_doc import guess_limited_operations
from tests.api.conftest import serve
from tests.api.route_table import NIL_UUID, ROUTES, full_app
from tests.conftest import ApiServer
from tests.fakes.greenhouse import basic

SESSION_ID = "ses_" + "0" * 24
# Kinds of caller whose credential is looked up in the database (tests/api/route_table.py); the others (the agent's
# service token, LiveKit's signature, signed links, nobody) are checked without a lookup.
LOOKED_UP = ("org", "report", "candidate", "greenhouse", "ashby", "join")


def _unseen(kind: str) -> tuple[dict[str, str], str]:
    """A credential of the kind's shape that no process has seen valid: (headers, the invite for a join's body)."""
    token = secrets.token_urlsafe(32)
    headers = {
        "org": {"Authorization": f"Bearer shk_{token}"},
        "report": {"Authorization": f"Bearer shk_{token}"},
        "candidate": {"Authorization": f"Bearer inv_{token}"},
        "greenhouse": {"Authorization": basic(f"shgh_{token}")},
        "ashby": {"Authorization": basic(f"shab_{token}")},
    }
    return headers.get(kind, {}), f"inv_{token}"


def _path(template: str) -> str:
    for name in ("session_id", "endpoint_id", "delivery_id", "link_id", "callback_id", "key_id", "language"):
        value = {"session_id": SESSION_ID, "language": "python"}.get(name, NIL_UUID)
        template = template.replace("{" + name + "}", value)
    return template + ("?partner_interview_id=" + SESSION_ID if template.endswith("test_status") else "")


async def test_the_document_declares_429_on_exactly_the_routes_that_answer_it_to_a_spent_address(
    api_server: ApiServer, api_settings: Any, tmp_path: Any
) -> None:
    settings = api_server.settings.model_copy(update={"credential_guess_client_rate_limit": "2/hour"})
    doc = (await api_server.client.get("/openapi.json", headers=api_server.internal_headers())).json()
    async with serve(settings) as client:
        spending = [
            (await client.get("/v1/sessions", headers=_unseen("org")[0])).status_code for _ in range(3)
        ]
        assert spending == [401, 401, 429]
        answered: dict[tuple[str, str], int] = {}
        for key, spec in ROUTES.items():
            method, template = key.split(" ", 1)
            if spec.kind not in LOOKED_UP:
                continue
            headers, invite = _unseen(spec.kind)
            body = spec.body
            if body is not None:
                body = json.loads(
                    json.dumps(body).replace("{session_id}", SESSION_ID).replace("{invite}", invite)
                )
            r = await client.request(method, _path(template), json=body, headers=headers)
            answered[template, method.lower()] = r.status_code
            if r.status_code == 429:
                assert r.json()["error"]["code"] == "rate_limited" and int(r.headers["Retry-After"]) >= 1, key
    refused = {op for op, status in answered.items() if status == 429}
    assert refused == set(answered), {op: s for op, s in answered.items() if s != 429}  # every one is guarded
    assert len(refused) > 60
    documented = set()
    for path, method in answered:
        response = doc["paths"][path][method]["responses"].get("429")
        if response is not None and "Retry-After" in response.get("headers", {}):
            documented.add((path, method))
    assert refused - documented == set(), "answer 429 with Retry-After, undocumented"
    # The guards the document reads mark every route refused above but those that look their credential up in the
    # handler (the join, the LiveKit token, runs and submissions, the report PDF), which declare their 429 themselves.
    marked = guess_limited_operations(full_app(api_settings, tmp_path / "web"))
    in_handler = {
        ("/v1/join", "post"),
        ("/v1/livekit/token", "post"),
        ("/v1/sessions/{session_id}/runs", "post"),
        ("/v1/sessions/{session_id}/submissions", "post"),
        ("/v1/sessions/{session_id}/report.pdf", "get"),
    }
    assert refused - marked == in_handler
    assert all(doc["paths"][p][m]["responses"]["429"]["headers"]["Retry-After"] for p, m in marked)
