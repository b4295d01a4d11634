"""The routes anyone may call without a credential, each with the reason it is public. tests/api/route_table.py
names every route's caller, and a route marked "public" there is sent no wrong callers
(tests/api/test_route_auth_table.py): so a route is public only if it is also listed here, with why. A new route
marked public without a line here fails, as does a line for a route that is no longer public."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.api.route_table import ROUTES, app_routes, full_app

PUBLIC = {
    "GET /healthz": "liveness for the orchestrator: answers a constant, reads nothing",
    "GET /readyz": "readiness for the orchestrator: `select 1`, reads no row",
    "GET /metrics": "Prometheus; SHADOWS_API_METRICS_TOKEN is required outside the local environment",
    "GET /openapi.json": "the public API document; the complete one only for the service token",
    "GET /docs": "Swagger UI over the public document",
    "GET /redoc": "ReDoc over the public document",
    "MOUNT /docs-assets": "the viewers' bundled scripts and styles",
    "MOUNT /assets": "the candidate page's built files (content-hashed, no data)",
    "GET /": "a redirect to /docs",
    "HEAD /": "a redirect to /docs",
    "GET /join": "the candidate page's HTML; the invite stays in the URL fragment, which browsers never send",
    "HEAD /join": "the candidate page's HTML",
    "GET /embed/{org_slug}": "the candidate page for an organisation's iframe: its CSP names who may frame it",
    "HEAD /embed/{org_slug}": "the candidate page for an organisation's iframe",
    "POST /v1/practice": "self-serve practice, off unless enabled, limited per address, site and in all",
}


def test_every_public_route_says_why_it_is_public(api_settings: Any, tmp_path: Path) -> None:
    public = {key for key, spec in ROUTES.items() if spec.kind == "public"}
    assert public - set(PUBLIC) == set(), "public routes with no reason here"
    assert set(PUBLIC) - public == set(), "reasons for routes the table no longer marks public"
    assert set(PUBLIC) <= set(app_routes(full_app(api_settings, tmp_path / "web")))
