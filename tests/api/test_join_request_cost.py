"""The per-request work of the candidate page's join, the API's most frequent call (issue 13's 600 joins/s): no
dependency solving beyond its body, its route matched first, and no FastAPI telemetry layer asking the global
OpenTelemetry providers on every request (the API's traces come from api/tracing.py, only when configured)."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from fastapi.routing import APIRoute
from opentelemetry import trace
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from api.app import create_app
from api.routers import join as join_routes
from api.settings import ApiSettings


def _settings(tmp_path: Path) -> ApiSettings:
    return ApiSettings(database_url="postgresql://unused/none", data_dir=tmp_path)


def test_join_solves_no_dependency_but_its_body() -> None:
    join = next(r for r in join_routes.router.routes if isinstance(r, APIRoute) and r.path == "/v1/join")
    # Settings, the question cache and a pooled connection come from the app's state inside the route: each
    # dependency is a solve per request, and a generator's an exit stack and a shielded exit besides.
    assert join.dependant.dependencies == []
    assert [p.name for p in join.dependant.body_params] == ["body"]


def test_join_routes_are_matched_first(tmp_path: Path) -> None:
    app = create_app(_settings(tmp_path))
    # FastAPI keeps an included router as one entry (matched router by router), a route added to the app as itself.
    first = next(r for r in app.routes if not isinstance(r, APIRoute) or r.path.startswith("/v1/"))
    assert getattr(first, "original_router", None) is join_routes.router


async def test_no_fastapi_telemetry_even_with_a_global_tracer(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A global tracer provider (another library's, or an operator's auto-instrumentation) does not switch on
    FastAPI's own telemetry: no span per request, and no per-request provider checks to pay for."""
    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    monkeypatch.setattr(trace, "get_tracer_provider", lambda: provider)
    app = create_app(_settings(tmp_path))
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://api") as client:
        r = await client.get("/healthz")
    assert r.status_code == 200
    assert exporter.get_finished_spans() == ()
