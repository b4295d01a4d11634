"""Helpers for the webhook and ATS tests: endpoints, the outbox's rows and jobs, a worker set up for deliveries,
and payload examples written for docs/integrations.md."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any

import psycopg
from aiohttp import web
from psycopg.rows import DictRow

from api import egress
from api.db import scorecards_repo
from api.webhooks import outbox
from grader.schemas import DimensionAssessment, Dimensions, Evidence, Scorecard, band_for
from tests.conftest import ApiServer, StartWorker, WorkerProcess
from tests.fakes.loopback import serve

Conn = psycopg.AsyncConnection[DictRow]
ALL_TYPES = [
    "session.scheduled",
    "session.started",
    "session.completed",
    "session.abandoned",
    "scorecard.ready",
    "scorecard.failed",
    "session.consent_given",
    "session.accommodation_requested",
    "session.cancelled",
    "session.expired",
    "session.erased",
]


async def create_endpoint(
    server: ApiServer, url: str, event_types: list[str] | None = None, key: str | None = None
) -> dict[str, Any]:
    r = await server.client.post(
        "/v1/webhook-endpoints",
        json={"url": url, "event_types": event_types or ALL_TYPES},
        headers=server.org_headers(key),
    )
    assert r.status_code == 201, r.text
    return dict(r.json())


async def delivery_rows(db: Conn, endpoint_id: str | None = None) -> list[dict[str, Any]]:
    cur = await db.execute(
        """
        select d.*, j.lock as job_lock, j.queue_name as job_queue
        from webhook_deliveries d
        left join procrastinate_jobs j on j.task_name = 'deliver_webhook' and j.args->>'delivery_id' = d.id::text
        where (%(ep)s::uuid is null or d.endpoint_id = %(ep)s)
        order by d.seq
        """,
        {"ep": endpoint_id},
    )
    return await cur.fetchall()


async def log_of(server: ApiServer, endpoint_id: str, **params: Any) -> list[dict[str, Any]]:
    r = await server.client.get(
        f"/v1/webhook-endpoints/{endpoint_id}/deliveries", params=params, headers=server.org_headers()
    )
    assert r.status_code == 200, r.text
    return list(r.json()["data"])


def shared_config(server: ApiServer) -> dict[str, str]:
    """What a worker of `server`'s deployment is configured with as the API is: its mail server (a worker without
    one, beside an API with one, tells each ATS that the invite was not e-mailed: api.integrations.invites)."""
    smtp = server.settings.smtp_url
    return {"SHADOWS_API_SMTP_URL": smtp.get_secret_value()} if smtp is not None else {}


def delivery_worker(
    start_worker: StartWorker, server: ApiServer, tmp_path: Path, **env: str
) -> WorkerProcess:
    """A worker for `server`'s database and links, with the fake grader (released at once) and a fast retry
    schedule."""
    grader_dir = tmp_path / "grader"
    grader_dir.mkdir(exist_ok=True)
    (grader_dir / "release").touch()
    extra = env.pop("SHADOWS_WORKER_EXTRA_IMPORTS", "")
    return start_worker(
        SHADOWS_WORKER_EXTRA_IMPORTS=",".join(m for m in ("tests.fakes.grader", extra) if m),
        SHADOWS_TEST_GRADER_DIR=str(grader_dir),
        SHADOWS_API_WEBHOOK_RETRY_DELAYS_S=env.pop("SHADOWS_API_WEBHOOK_RETRY_DELAYS_S", "0.3,0.3,0.3"),
        SHADOWS_WORKER_CONCURRENCY=env.pop("SHADOWS_WORKER_CONCURRENCY", "4"),
        SHADOWS_API_PUBLIC_URL=server.url,
        **{**shared_config(server), **env},
    )


DOC = Path(__file__).resolve().parents[2] / "docs" / "integrations.md"
BLOCK = re.compile(r"(<!-- example: (?P<name>[a-z0-9_.]+) -->\n```json\n)(?P<body>.*?)(\n```)", re.DOTALL)


def document_example(name: str, payload: Any) -> None:
    """The docs' example `name` (a JSON block after `<!-- example: name -->` in docs/integrations.md) must be this
    payload, with volatile values (ids, times, tokens, ports) replaced by stable placeholders. With
    SHADOWS_WRITE_EXAMPLES=1 the test writes it instead (`make docs-examples`), so examples cannot drift from what
    the code sends."""
    text = json.dumps(stable(payload), indent=2)
    doc = DOC.read_text()
    found = {m.group("name"): m for m in BLOCK.finditer(doc)}
    if os.environ.get("SHADOWS_WRITE_EXAMPLES") == "1":
        assert name in found, f"docs/integrations.md has no <!-- example: {name} --> block"
        m = found[name]
        DOC.write_text(doc[: m.start("body")] + text + doc[m.end("body") :])
        return
    assert name in found, f"docs/integrations.md has no <!-- example: {name} --> block"
    assert found[name].group("body") == text, (
        f"docs/integrations.md's example {name!r} differs from what the code sends; run `make docs-examples`"
    )


_PLACEHOLDERS = (
    ("ses_", "ses_3f9c2a7b41d0e8c5a6b2f1d4"),
    ("msg_", "msg_0f8e6c1b9a2d4e7f8091a2b3c4d5e6f7"),
)
_BY_KEY: dict[str, Any] = {
    "rubric_version": "two-sum@5c1e0a9b",
    "notice_sha256": "9f2c" + "0" * 60,
    "webhook-timestamp": "1796637600",
    "webhook-signature": "v1,K5oZfzN95Z9UVu1EsfQmfVNQhnkZ2pj9o9NDN/H/pI4=",
}


def stable(value: Any, key: str = "") -> Any:
    if key in _BY_KEY and value is not None:
        return _BY_KEY[key]
    if isinstance(value, dict):
        return {k: stable(v, k) for k, v in value.items()}
    if isinstance(value, list):
        return [stable(v, key) for v in value]
    if not isinstance(value, str):
        if key == "timestamp" and isinstance(value, int):
            return 1796642400000
        return value
    for prefix, placeholder in _PLACEHOLDERS:
        if value.startswith(prefix):
            return placeholder
    # Only the one form we send (api/timestamps.py): a time in another stays as it is, and fails the comparison.
    if re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z", value):
        return "2026-12-07T10:00:00.000000Z"
    value = re.sub(r"/v1/reports/shr_[A-Za-z0-9_-]+", "/v1/reports/shr_EXAMPLE", value)
    value = re.sub(r"#invite=inv_[A-Za-z0-9_-]+", "#invite=inv_EXAMPLE", value)
    return re.sub(r"http://127\.0\.0\.1:\d+", "https://shadows.example.com", value)


async def simulate_interview(server: ApiServer, session_id: str) -> None:
    """The agent starts the session and records a short conversation and an editor snapshot (not ended)."""
    headers = server.internal_headers()
    r = await server.agent_start(session_id, headers)
    assert r.status_code == 200, r.text
    events = [
        {
            "idempotency_key": "t1",
            "type": "transcript",
            "t": 3.0,
            "payload": {"role": "assistant", "text": "Tell me your plan.", "start": 3.0, "end": 4.5},
        },
        {
            "idempotency_key": "t2",
            "type": "transcript",
            "t": 6.0,
            "payload": {"role": "user", "text": "A hash map from value to index.", "start": 6.0, "end": 9.0},
        },
        {
            "idempotency_key": "s1",
            "type": "editor_snapshot",
            "t": 30.0,
            "payload": {"language": "python", "code": "def two_sum(nums, target):\n    seen = {}\n"},
        },
    ]
    r = await server.client.post(
        f"/v1/internal/sessions/{session_id}/events", json={"events": events}, headers=headers
    )
    assert r.status_code == 200, r.text


async def end_interview(server: ApiServer, session_id: str) -> None:
    r = await server.client.post(
        f"/v1/internal/sessions/{session_id}/complete", json={}, headers=server.internal_headers()
    )
    assert r.status_code == 200, r.text


def grading_worker(
    start_worker: StartWorker, server: ApiServer, grader_dir: Path, **env: str
) -> WorkerProcess:
    """A worker for `server` with the fake grader held until `grader_dir/release` exists (or failing with
    `grader_dir/fail`), and a fast retry schedule."""
    grader_dir.mkdir(exist_ok=True)
    return start_worker(
        SHADOWS_WORKER_EXTRA_IMPORTS="tests.fakes.grader",
        SHADOWS_TEST_GRADER_DIR=str(grader_dir),
        SHADOWS_API_WEBHOOK_RETRY_DELAYS_S=env.pop("SHADOWS_API_WEBHOOK_RETRY_DELAYS_S", "0.3,0.3,0.3"),
        SHADOWS_API_PUBLIC_URL=server.url,
        **{**shared_config(server), **env},
    )


async def store_version(db: Conn, server: ApiServer, session_id: str, version: int, *, ready: bool) -> None:
    """Store a pending version's outcome the way the grading job does: the row, then (same transaction) what
    goes to the outbox. Ready: `hire`, overall 3.00 (score 67); failed: `model_refused`."""
    evidence = [Evidence(seq=1, quote="plan")]
    dim = DimensionAssessment(score=3, band=band_for(3), justification="Seen.", evidence=evidence)
    card = Scorecard(
        recommendation="hire",
        dimensions=Dimensions(problem_solving=dim, coding=dim, verification=dim, communication=dim),
        rubric=[],
        strengths=["Clear plan"],
        areas_to_improve=["Edge cases"],
        candidate_advice="Try duplicates.",
    )
    async with db.transaction():
        assert await scorecards_repo.store_outcome(
            db, session_id, version, status="ready" if ready else "failed",
            reason=None if ready else "model_refused",
            scorecard=card.model_dump(mode="json") if ready else None,
            recommendation=card.recommendation if ready else None,
            overall_score=card.overall_score() if ready else None, facts=None, needs_human_review=False,
            model="m", prompt_version="p1", rubric_version="r1" if ready else None, input_tokens=None,
            output_tokens=None, cost_usd=None, samples=None, duration_ms=None,
        )  # fmt: skip
        await outbox.scorecard_stored(db, server.settings, session_id, version)


async def send_to_encoded_answer(body: bytes, encoding: str, max_bytes: int) -> egress.Reply:
    """`egress.send` to a loopback receiver that answers `body` with `Content-Encoding: encoding`."""

    async def answer(request: web.Request) -> web.Response:
        return web.Response(
            body=body, headers={"Content-Encoding": encoding, "Content-Type": "application/json"}
        )

    app = web.Application()
    app.router.add_post("/", answer)
    runner, port = await serve(app)
    try:
        return await egress.send(
            f"http://127.0.0.1:{port}/", method="POST", guard=False, timeout_s=10, max_bytes=max_bytes
        )
    finally:
        await runner.cleanup()
