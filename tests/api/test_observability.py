"""Operator signals of the API: `/metrics` behind its token, the gauges read from Postgres, the judge's gauges, and
OpenTelemetry traces exported over OTLP to a local receiver (one trace per interview, query spans inside)."""

from __future__ import annotations

import asyncio
import re

import psycopg
import pytest
from cryptography.fernet import Fernet
from psycopg.rows import DictRow
from pydantic import SecretStr

from api.db.orgs_repo import create_org
from api.settings import ApiSettings
from api.tracing import (
    InterviewTracePropagator,
    root_span_id_for,
    session_in_path,
    trace_id_for,
    tracer_provider,
)
from tests.api.conftest import serve
from tests.conftest import ApiServer
from tests.fakes.otlp_receiver import OtlpReceiver

Conn = psycopg.AsyncConnection[DictRow]
TOKEN = "metrics-" + "k" * 40


def _sample(text: str, name: str, labels: str = "") -> float | None:
    pattern = (
        re.escape(name) + (re.escape("{" + labels + "}") if labels else r"(?:\{\})?") + r" ([0-9.e+-]+)$"
    )
    m = re.search(pattern, text, re.MULTILINE)
    return float(m.group(1)) if m else None


async def test_metrics_token_is_required_when_set_and_health_stays_open(api_settings: ApiSettings) -> None:
    settings = api_settings.model_copy(update={"metrics_token": SecretStr(TOKEN)})
    async with serve(settings) as client:
        denied = [
            await client.get("/metrics"),
            await client.get("/metrics", headers={"Authorization": "Bearer " + "x" * 48}),
            await client.get("/metrics", headers={"Authorization": f"Basic {TOKEN}"}),
            await client.get("/metrics", headers={"Authorization": TOKEN}),
            await client.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}x"}),
            await client.get("/metrics", headers={"Authorization": f"Bearer {TOKEN[:-1]}"}),
        ]
        ok = await client.get("/metrics", headers={"Authorization": f"bearer {TOKEN}"})
        health = [(await client.get(p)).status_code for p in ("/healthz", "/readyz")]
    assert [r.status_code for r in denied] == [401] * len(denied)
    assert all(r.json()["error"]["code"] == "invalid_token" for r in denied)
    assert all("shadows_" not in r.text for r in denied)
    assert ok.status_code == 200 and "shadows_interviews_in_progress" in ok.text
    assert health == [200, 200]


def test_a_short_metrics_token_is_refused_outside_local(api_settings: ApiSettings) -> None:
    fields = api_settings.model_dump() | {
        "environment": "production",
        "internal_token": "i" * 40,
        "livekit_api_secret": "s" * 40,
        "livekit_api_key": "APIkey",
        "share_signing_key": "h" * 40,
        "sealing_keys": Fernet.generate_key().decode(),
    }
    with pytest.raises(ValueError, match="METRICS_TOKEN"):
        ApiSettings(_env_file=None, **(fields | {"metrics_token": "short"}))  # type: ignore[call-arg]
    # Unset is refused too: an anonymous `/metrics` shows every organisation's interviews in progress and grading
    # spend, and each scrape reads Postgres (a loop of them keeps a pooled connection busy).
    with pytest.raises(ValueError, match="SHADOWS_API_METRICS_TOKEN is required"):
        ApiSettings(_env_file=None, **(fields | {"metrics_token": None}))  # type: ignore[call-arg]
    ApiSettings(_env_file=None, **(fields | {"metrics_token": TOKEN}))  # type: ignore[call-arg]


async def test_interviews_in_progress_and_grading_usage_come_from_the_database(
    api_server: ApiServer, db: Conn
) -> None:
    before = _sample((await api_server.client.get("/metrics")).text, "shadows_interviews_in_progress")
    assert before == 0
    sessions = [await api_server.create_session() for _ in range(3)]
    for s in sessions[:2]:
        r = await api_server.agent_start(s)
        assert r.status_code == 200, r.text
    await db.execute(
        "insert into scorecards (session_id, version, status, completed_at, reason, model, input_tokens, "
        "output_tokens, cost_usd) values (%s, 1, 'failed', now(), 'grader_error', 'grader-x', 1200, 300, 0.0125)",
        (sessions[2]["id"],),
    )
    text = (await api_server.client.get("/metrics")).text
    assert _sample(text, "shadows_interviews_in_progress") == 2
    assert _sample(text, "shadows_grading_llm_tokens", 'kind="input",model="grader-x"') == 1200
    assert _sample(text, "shadows_grading_llm_tokens", 'kind="output",model="grader-x"') == 300
    assert _sample(text, "shadows_grading_llm_cost_usd", 'model="grader-x"') == pytest.approx(0.0125)


async def test_scrapes_that_arrive_together_share_one_read_of_the_database(api_server: ApiServer) -> None:
    # /metrics needs no credentials unless SHADOWS_API_METRICS_TOKEN is set. Each scrape took two pooled
    # connections for its own reads: 60 anonymous scrapes at once made 120 pool requests, 116 of them queued, and
    # drew the pool out to 15 connections, where every other route waits for one.
    pool = api_server.app.state.pool
    before = pool.get_stats()["requests_num"]
    replies = await asyncio.gather(*(api_server.client.get("/metrics") for _ in range(60)))
    assert all(r.status_code == 200 and "shadows_interviews_in_progress" in r.text for r in replies)
    assert pool.get_stats()["requests_num"] - before <= 10


async def test_webhook_failure_counters_exist_at_zero_before_any_delivery(api_server: ApiServer) -> None:
    text = (await api_server.client.get("/metrics")).text
    for reason in ("status", "timeout", "connection", "exhausted", "endpoint_disabled"):
        assert _sample(text, "shadows_webhook_delivery_failures_total", f'reason="{reason}"') is not None, (
            reason
        )
    assert "# TYPE shadows_judge_queue_depth gauge" in text


@pytest.mark.sandbox
async def test_judge_runs_are_timed_and_leave_nothing_in_flight(api_server: ApiServer) -> None:
    s = await api_server.create_session()
    r = await api_server.agent_start(s)
    assert r.status_code == 200
    labels = 'language="python",mode="run"'
    before = _sample(
        (await api_server.client.get("/metrics")).text, "shadows_judge_run_seconds_count", labels
    )
    r = await api_server.client.post(
        f"/v1/sessions/{s['id']}/runs",
        json={"language": "python", "code": "def two_sum(nums, target):\n    return [0, 1]\n"},
        headers={"Authorization": f"Bearer {s['invite']}"},
    )
    assert r.status_code == 200, r.text
    text = (await api_server.client.get("/metrics")).text
    assert _sample(text, "shadows_judge_run_seconds_count", labels) == (before or 0) + 1
    assert _sample(text, "shadows_judge_runs_in_flight") == 0
    assert _sample(text, "shadows_judge_queue_depth") == 0
    assert _sample(text, "shadows_judge_saturation") == 0


# --- traces ---------------------------------------------------------------------------------------------------


def test_session_paths_and_the_interview_trace_ids() -> None:
    assert session_in_path("/v1/sessions/ses_abc123/runs") == "ses_abc123"
    assert session_in_path("/v1/internal/sessions/ses_abc123") == "ses_abc123"
    assert session_in_path("/v1/sessions") is None
    assert session_in_path("/v1/sessions/ses_abc/../../x") == "ses_abc"
    assert session_in_path("/v1/practice/ses_abc") is None
    assert trace_id_for("ses_a") != trace_id_for("ses_b")
    assert 0 < trace_id_for("ses_a") < 2**128 and 0 < root_span_id_for("ses_a") < 2**64
    # What the agent derives for the same interview (it cannot import the API).
    from agent.telemetry import interview_span_context

    assert interview_span_context("ses_a").trace_id == trace_id_for("ses_a")
    assert interview_span_context("ses_a").span_id == root_span_id_for("ses_a")


def test_tracing_is_off_without_an_endpoint(api_settings: ApiSettings) -> None:
    assert api_settings.otlp_endpoint is None
    assert tracer_provider(api_settings) is None


async def test_requests_and_queries_are_traced_per_interview_to_an_otlp_receiver(
    api_settings: ApiSettings, db: Conn
) -> None:
    _, key = await create_org(db, "Traced Org")
    headers = {"Authorization": f"Bearer {key}"}
    caller_trace = 0x0AF7651916CD43DD8448EB211C80319C
    async with OtlpReceiver() as receiver:
        settings = api_settings.model_copy(update={"otlp_endpoint": receiver.endpoint})
        async with serve(settings) as client:
            r = await client.post(
                "/v1/sessions",
                json={"candidate": {"name": "Grace Hopper", "email": "grace@example.com"}},
                headers=headers,
            )
            assert r.status_code == 201, r.text
            sid = r.json()["id"]
            assert (await client.get(f"/v1/sessions/{sid}", headers=headers)).status_code == 200
            traced = {**headers, "traceparent": f"00-{caller_trace:032x}-00f067aa0ba902b7-01"}
            assert (await client.get(f"/v1/sessions/{sid}", headers=traced)).status_code == 200
            assert (await client.get("/healthz")).status_code == 200
        # The app's shutdown flushed the exporter.
    spans = receiver.spans
    assert spans and {s.service for s in spans} == {"shadows-api"}
    interview = [s for s in spans if s.trace_id == trace_id_for(sid)]
    server = [s for s in interview if s.attributes.get("http.route") == "/v1/sessions/{session_id}"]
    assert len(server) == 1, [s.name for s in interview]
    assert server[0].parent_span_id == root_span_id_for(sid)
    assert server[0].attributes["shadows.session_id"] == sid
    queries = [s for s in interview if s.attributes.get("db.system") == "postgresql"]
    assert queries and all(q.parent_span_id == server[0].span_id for q in queries)
    continued = [s for s in spans if s.trace_id == caller_trace and s.attributes.get("http.route")]
    assert len(continued) == 1 and continued[0].parent_span_id == 0x00F067AA0BA902B7
    assert continued[0].attributes["shadows.session_id"] == sid
    created = [
        s for s in spans if s.attributes.get("http.route") == "/v1/sessions" and s.parent_span_id is None
    ]
    assert len(created) == 1, "a request off any session's path starts its own trace"
    assert not [s for s in spans if s.attributes.get("http.route") == "/healthz"], (
        "health checks are not traced"
    )
    everything = repr([s.attributes for s in spans])
    assert "grace@example.com" not in everything and "Grace Hopper" not in everything


async def test_spans_never_carry_a_share_token_or_a_querys_values(
    api_settings: ApiSettings, db: Conn
) -> None:
    # A share link opens a report to whoever holds it, and a query names a candidate: a trace backend (often a
    # third party) must see neither. The instrumentation records the raw target and URL unless told otherwise.
    _, key = await create_org(db, "Traced Org")
    headers = {"Authorization": f"Bearer {key}"}
    async with OtlpReceiver() as receiver:
        settings = api_settings.model_copy(update={"otlp_endpoint": receiver.endpoint})
        async with serve(settings) as client:
            r = await client.post(
                "/v1/sessions",
                json={
                    "candidate": {
                        "name": "Grace Hopper",
                        "email": "grace@example.com",
                        "external_id": "ext-7",
                    }
                },
                headers=headers,
            )
            sid = r.json()["id"]
            r = await client.post(f"/v1/sessions/{sid}/share", json={}, headers=headers)
            assert r.status_code == 201, r.text
            token = r.json()["report_url"].rsplit("/", 1)[1]
            assert (await client.get(f"/v1/reports/{token}")).status_code == 200
            assert (await client.get(f"/v1/reports/{token}/timeline")).status_code == 200
            assert (await client.get("/v1/artifacts/art.signed-value/report.pdf")).status_code == 404
            r = await client.get("/v1/sessions", params={"candidate_external_id": "ext-7"}, headers=headers)
            assert r.status_code == 200 and r.json()["data"]
    spans = receiver.spans
    routes = {s.attributes.get("http.route") for s in spans}
    assert {"/v1/reports/{token}", "/v1/reports/{token}/timeline", "/v1/artifacts/{token}/{name}"} <= routes
    everything = repr([s.attributes for s in spans]) + repr([s.name for s in spans])
    for secret in (token, token[:24], "art.signed-value", "ext-7", "candidate_external_id="):
        assert secret not in everything, secret
    shared = [s for s in spans if s.attributes.get("http.route") == "/v1/reports/{token}"]
    assert shared[0].attributes["http.target"] == "/v1/reports/{token}"
    assert str(shared[0].attributes["http.url"]).endswith("/v1/reports/{token}")
    listed = [
        s for s in spans if s.attributes.get("http.route") == "/v1/sessions" and "http.method" in s.attributes
    ]
    assert any(s.attributes["http.target"] == "/v1/sessions" for s in listed)


def test_the_propagator_prefers_a_callers_trace_context() -> None:
    from opentelemetry import trace

    prop = InterviewTracePropagator()
    scope = {"path": "/v1/sessions/ses_x/runs", "headers": []}
    ctx = prop.extract({"path": scope["path"]})
    assert trace.get_current_span(ctx).get_span_context().trace_id == trace_id_for("ses_x")
    given = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"
    ctx = prop.extract({"path": scope["path"], "traceparent": given})
    assert trace.get_current_span(ctx).get_span_context().trace_id == 0x0AF7651916CD43DD8448EB211C80319C
    assert not trace.get_current_span(prop.extract({"path": "/v1/join"})).get_span_context().is_valid


async def test_request_metrics_keep_bounded_labels_whatever_method_is_sent(api_server: ApiServer) -> None:
    # The HTTP method is the client's to choose: any token is a method to the server. Labelled as sent, each new
    # one would be a new series in every scrape, for ever, from anyone who can reach the API without credentials.
    sent = [f"PROBE{i}" for i in range(12)]
    # The counters are the process's (prometheus_client's registry): another test in this worker may have counted
    # such requests already, so what this test sent is the difference.
    other = 'method="other",route="/v1/join",status="405"'
    before = (
        _sample((await api_server.client.get("/metrics")).text, "shadows_http_requests_total", other) or 0
    )
    for method in sent:
        r = await api_server.client.request(method, "/v1/join")
        assert r.status_code in (404, 405)
        r = await api_server.client.request(method, f"/no-route-{method.lower()}")
        assert r.status_code in (404, 405)
    text = (await api_server.client.get("/metrics")).text
    methods = set(re.findall(r'^shadows_http_request[a-z_]*\{[^}]*method="([^"]*)"', text, re.MULTILINE))
    assert methods, "no request series found"
    assert not {m for m in methods if m.startswith("PROBE")}, methods
    assert methods <= {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "other"}
    assert _sample(text, "shadows_http_requests_total", other) == before + 12
