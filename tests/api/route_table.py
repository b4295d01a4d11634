"""Every route of the app with the kind of caller it takes and a body it accepts: the table the route-wide
authorisation and hostile-input tests walk. It is checked against the app's own routes (`app_routes`), so a route
added without an entry here fails those tests until someone says who may call it."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from fastapi.routing import iter_route_contexts
from starlette.routing import Mount, Route

from api.app import create_app
from api.settings import ApiSettings

# Kinds of caller:
# org         an organisation API key (Bearer shk_...)
# candidate   a candidate's invite (Bearer inv_...), for the session in the path (or the invite's own, without one)
# report      an organisation key, or a practice candidate's invite (the coaching view)
# internal    the agent's service token
# greenhouse  Basic with a live Greenhouse integration key as the username
# ashby       Basic with a live Ashby integration key as the username
# webhook     LiveKit's signature over the body (a JWT signed with our LiveKit secret)
# link        a signed token in the path (share links, artifact downloads) and nothing else
# join        the invite in the body
# public      nobody in particular: health, docs, the candidate page's files, self-serve practice


@dataclass(frozen=True)
class RouteSpec:
    kind: str
    body: Any = None  # a body the route accepts (None: it takes none)
    ends: bool = False  # ends, cancels, erases or revokes what it is called on: give it things of its own


RUN = {"language": "python", "code": "def two_sum(nums, target):\n    return [0, 1]\n"}
NIL_UUID = "00000000-0000-4000-8000-000000000000"
SID = "/v1/sessions/{session_id}"
GREENHOUSE_TEST = {
    "partner_test_id": "difficulty:easy",
    "url": "http://127.0.0.1:9/cb",
    "candidate": {"first_name": "A", "last_name": "B", "email": "a@example.com"},
}
ASHBY_START = {
    "assessment_type_id": "difficulty:easy",
    "candidate": {"ashby_id": "c", "first_name": "A", "email": "a@example.com"},
    "application": {"ashby_id": "a"},
    "job": {"ashby_id": "j"},
}

ROUTES: dict[str, RouteSpec] = {
    # health, docs and the candidate page (web/dist, when built)
    "GET /healthz": RouteSpec("public"),
    "GET /readyz": RouteSpec("public"),
    "GET /metrics": RouteSpec("public"),  # or a bearer token when SHADOWS_API_METRICS_TOKEN is set
    "GET /openapi.json": RouteSpec("public"),  # the complete document only for the service token
    "GET /docs": RouteSpec("public"),
    "GET /redoc": RouteSpec("public"),
    "MOUNT /docs-assets": RouteSpec("public"),
    "MOUNT /assets": RouteSpec("public"),
    "GET /": RouteSpec("public"),
    "HEAD /": RouteSpec("public"),
    "GET /join": RouteSpec("public"),
    "HEAD /join": RouteSpec("public"),
    "GET /embed/{org_slug}": RouteSpec("public"),
    "HEAD /embed/{org_slug}": RouteSpec("public"),
    "POST /v1/practice": RouteSpec("public", {"name": "P", "difficulty": "Easy", "language": "python"}),
    # organisation
    "POST /v1/sessions": RouteSpec(
        "org",
        {"candidate": {"name": "X", "email": "x@example.com", "external_id": "e1"}, "metadata": {"a": 1}},
    ),
    "GET /v1/sessions": RouteSpec("org"),
    "GET /v1/sessions/export": RouteSpec("org"),
    f"GET {SID}": RouteSpec("org"),
    f"PATCH {SID}": RouteSpec("org", {"text_only": True, "extra_time_minutes": 5}),
    f"POST {SID}/cancel": RouteSpec("org", ends=True),
    f"DELETE {SID}": RouteSpec("org", ends=True),
    f"POST {SID}/grade": RouteSpec("org", {}),
    f"POST {SID}/share": RouteSpec("org", {"expires_in_days": 3}),
    f"GET {SID}/share": RouteSpec("org"),
    f"DELETE {SID}/share/{{link_id}}": RouteSpec("org", ends=True),
    f"POST {SID}/legal-hold": RouteSpec("org", {"reason": "Dispute 2026-114"}),
    f"DELETE {SID}/legal-hold": RouteSpec("org", {"reason": "Settled"}, ends=True),
    f"GET {SID}/legal-holds": RouteSpec("org"),
    "GET /v1/legal-holds": RouteSpec("org"),
    f"GET {SID}/artifacts": RouteSpec("org"),
    f"GET {SID}/ats-callbacks": RouteSpec("org"),
    f"POST {SID}/ats-callbacks/{{callback_id}}/send-again": RouteSpec("org"),
    "GET /v1/ats-callbacks": RouteSpec("org"),
    "GET /v1/organization": RouteSpec("org"),
    "PATCH /v1/organization": RouteSpec(
        "org", {"allow_text_only": True, "embed_origins": ["https://a.example.com"], "slug": "acme-hiring"}
    ),
    "GET /v1/api-keys": RouteSpec("org"),
    "POST /v1/api-keys": RouteSpec("org", {"name": "ATS production"}),
    "DELETE /v1/api-keys/{key_id}": RouteSpec("org", ends=True),
    "GET /v1/questions": RouteSpec("org"),
    "GET /v1/analytics": RouteSpec("org"),
    "GET /v1/analytics/summary": RouteSpec("org"),
    "POST /v1/webhook-endpoints": RouteSpec(
        "org", {"url": "http://127.0.0.1:9/x", "event_types": ["session.scheduled"], "description": "d"}
    ),
    "GET /v1/webhook-endpoints": RouteSpec("org"),
    "GET /v1/webhook-endpoints/{endpoint_id}": RouteSpec("org"),
    "PATCH /v1/webhook-endpoints/{endpoint_id}": RouteSpec(
        "org", {"enabled": False, "url": "http://127.0.0.1:9/y"}
    ),
    "DELETE /v1/webhook-endpoints/{endpoint_id}": RouteSpec("org", ends=True),
    "POST /v1/webhook-endpoints/{endpoint_id}/rotate-secret": RouteSpec("org"),
    "GET /v1/webhook-endpoints/{endpoint_id}/deliveries": RouteSpec("org"),
    "POST /v1/webhook-endpoints/{endpoint_id}/deliveries/{delivery_id}/replay": RouteSpec("org"),
    "POST /v1/integrations/greenhouse/keys": RouteSpec("org", ends=True),  # revokes the live key it replaces
    "DELETE /v1/integrations/greenhouse/keys": RouteSpec("org", ends=True),
    "POST /v1/integrations/ashby/keys": RouteSpec("org", {"ashby_api_key": "ashby-key-1"}, ends=True),
    "DELETE /v1/integrations/ashby/keys": RouteSpec("org", ends=True),
    # reports: an organisation key, or a practice candidate's invite
    f"GET {SID}/scorecard": RouteSpec("report"),
    f"GET {SID}/scorecards": RouteSpec("report"),
    f"GET {SID}/report": RouteSpec("report"),
    f"GET {SID}/timeline": RouteSpec("report"),
    f"GET {SID}/report.pdf": RouteSpec("report"),
    f"POST {SID}/coaching-link": RouteSpec("report"),
    # signed links
    "GET /v1/reports/{token}": RouteSpec("link"),
    "GET /v1/reports/{token}/timeline": RouteSpec("link"),
    "GET /v1/artifacts/{token}/{name}": RouteSpec("link"),
    # the candidate
    "POST /v1/join": RouteSpec("join", {"invite": "{invite}"}),
    "POST /v1/livekit/token": RouteSpec("candidate", {"room_name": None}),
    f"POST {SID}/runs": RouteSpec("candidate", RUN),
    f"POST {SID}/submissions": RouteSpec("candidate", RUN),
    f"POST {SID}/custom-runs": RouteSpec("candidate", {**RUN, "inputs": [[[1, 2], 3]]}),
    f"POST {SID}/consent": RouteSpec(
        "candidate", {"notice_version": "v1", "notice_sha256": "0" * 64, "agreed": True}
    ),
    f"POST {SID}/accommodation-requests": RouteSpec("candidate", {"kind": "human_interview", "message": "m"}),
    f"POST {SID}/start": RouteSpec("candidate", {"mode": "voice"}),
    f"POST {SID}/agent-dispatch": RouteSpec("candidate"),
    f"POST {SID}/end": RouteSpec("candidate", {"code": "x", "language": "python"}, ends=True),
    f"GET {SID}/drafts": RouteSpec("candidate"),
    f"PUT {SID}/drafts/{{language}}": RouteSpec("candidate", {"code": "x", "base_revision": 0}),
    f"GET {SID}/results": RouteSpec("candidate"),
    f"POST {SID}/integrity": RouteSpec(
        "candidate", {"events": [{"id": "paste-0001", "kind": "paste", "chars": 5, "lines": 1}]}
    ),
    # the agent
    "GET /v1/internal/sessions/{session_id}/context": RouteSpec("internal"),
    "POST /v1/internal/sessions/{session_id}/start": RouteSpec("internal"),
    "POST /v1/internal/sessions/{session_id}/events": RouteSpec(
        "internal",
        {"events": [{"idempotency_key": "k1", "type": "note", "t": 1.5, "payload": {"kind": "x"}}]},
    ),
    "POST /v1/internal/sessions/{session_id}/complete": RouteSpec(
        "internal", {"final_code": "x", "language": "python", "reason": "completed"}, ends=True
    ),
    "POST /v1/internal/sessions/{session_id}/runs": RouteSpec("internal", {**RUN, "mode": "run", "t": 1.0}),
    "POST /v1/internal/practice": RouteSpec("internal", {"difficulty": "Easy", "language": "python"}),
    # LiveKit
    "POST /v1/livekit/webhook": RouteSpec("webhook"),
    # the ATSs
    "GET /integrations/greenhouse/list_tests": RouteSpec("greenhouse"),
    "POST /integrations/greenhouse/send_test": RouteSpec("greenhouse", GREENHOUSE_TEST),
    "GET /integrations/greenhouse/test_status": RouteSpec("greenhouse"),
    "POST /integrations/greenhouse/response_error": RouteSpec(
        "greenhouse", {"api_call": "x", "errors": ["e"]}
    ),
    "POST /integrations/ashby/assessment.list": RouteSpec("ashby", {}),
    "POST /integrations/ashby/assessment.start": RouteSpec("ashby", ASHBY_START),
    "POST /integrations/ashby/assessment.cancel": RouteSpec("ashby", {"assessment_id": "{session_id}"}),
}


def app_routes(app: FastAPI) -> dict[str, Route | Mount | Any]:
    """'METHOD path' for every route the app answers (every method of each), 'MOUNT path' for mounted apps."""
    out: dict[str, Any] = {}
    for context in iter_route_contexts(app.routes):
        route = context.original_route if hasattr(context, "original_route") else context
        if isinstance(route, Mount):
            out[f"MOUNT {route.path}"] = route
            continue
        for method in sorted(getattr(route, "methods", None) or ()):
            out[f"{method} {route.path}"] = route
    return out


def full_app(settings: ApiSettings, web_dir: Path) -> FastAPI:
    """The app with every route it can have: the candidate page's routes exist only with a built web/dist, so a
    stand-in one (an index and an assets folder) is made in `web_dir`."""
    (web_dir / "assets").mkdir(parents=True, exist_ok=True)
    (web_dir / "index.html").write_text("<!doctype html><title>stand-in</title>")
    return create_app(settings.model_copy(update={"web_dir": web_dir}))
