"""In-memory stand-in for the internal API (aiohttp, 127.0.0.1) until tests run against the real one."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from aiohttp import web

QUESTION = {
    "id": "00000000-0000-0000-0000-000000000001",
    "slug": "two-sum",
    "title": "Two Sum",
    "difficulty": "Easy",
    "topics": ["hashing"],
    "statement_md": "Return indices of the two numbers that add up to target.",
    "signature": {"function": "two_sum", "params": [], "returns": "int[]"},
    "hints": ["Think about what you have seen.", "Use a hash map."],
    "rubric": [],
    "visible_tests": [{"id": "example-1", "args": [[2, 7, 11, 15], 9], "expected": [0, 1]}],
    "starter_code": {"python": "def two_sum(nums, target):\n    pass\n"},
}


@dataclass
class FakeSession:
    id: str
    status: str = "scheduled"
    started_at: datetime | None = None
    events: list[dict[str, Any]] = field(default_factory=list)
    final_code: str | None = None


class FakeInternalApi:
    """Implements /v1/internal with the documented semantics; ``faults`` injects failures per request."""

    def __init__(self, token: str = "internal-test-token") -> None:
        self.token = token
        self.sessions: dict[str, FakeSession] = {}
        self.requests: list[tuple[str, str]] = []
        self.fail_statuses: list[int] = []  # next requests answer with these statuses, in order
        self.url = ""
        self._runner: web.AppRunner | None = None

    def add_session(self, status: str = "scheduled") -> str:
        sid = f"ses_{uuid.uuid4().hex[:10]}"
        self.sessions[sid] = FakeSession(sid, status=status)
        return sid

    async def start(self) -> FakeInternalApi:
        app = web.Application()
        app.router.add_get("/v1/internal/sessions/{id}/context", self._context)
        app.router.add_post("/v1/internal/sessions/{id}/start", self._start)
        app.router.add_post("/v1/internal/sessions/{id}/events", self._events)
        app.router.add_post("/v1/internal/sessions/{id}/runs", self._runs)
        app.router.add_post("/v1/internal/sessions/{id}/complete", self._complete)
        app.router.add_post("/v1/internal/practice", self._practice)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self.url = f"http://127.0.0.1:{port}"
        return self

    async def aclose(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    # -- handlers -------------------------------------------------------------------------------------

    def _gate(self, request: web.Request) -> FakeSession | None:
        self.requests.append((request.method, request.path))
        if request.headers.get("Authorization") != f"Bearer {self.token}":
            raise _error(401, "unauthorized")
        if self.fail_statuses:
            raise _error(self.fail_statuses.pop(0), "injected_failure")
        sid = request.match_info.get("id")
        if sid is None:
            return None
        if sid not in self.sessions:
            raise _error(404, "session_not_found")
        return self.sessions[sid]

    def _body(self, s: FakeSession) -> dict[str, Any]:
        ends = s.started_at + timedelta(minutes=45) if s.started_at else None
        return {
            "session": {
                "id": s.id,
                "status": s.status,
                "language": "python",
                "duration_minutes": 45,
                "started_at": s.started_at.isoformat() if s.started_at else None,
                "ends_at": ends.isoformat() if ends else None,
                "room_name": f"shadows-{s.id}",
                "practice": False,
            },
            "candidate": {"name": "Ada"},
            "question": QUESTION,
            "job_description": None,
            "resume_text": None,
            "events": s.events,
        }

    async def _context(self, request: web.Request) -> web.Response:
        s = self._gate(request)
        assert s is not None
        return web.json_response(self._body(s))

    async def _start(self, request: web.Request) -> web.Response:
        s = self._gate(request)
        assert s is not None
        if s.status in {"completed", "abandoned", "cancelled"}:
            raise _error(409, "session_finished")
        if s.status == "scheduled":
            s.status, s.started_at = "in_progress", datetime.now(UTC)
        return web.json_response(self._body(s))

    async def _events(self, request: web.Request) -> web.Response:
        s = self._gate(request)
        assert s is not None
        body = await request.json()
        out = []
        for e in body["events"]:
            if not e.get("idempotency_key") or e.get("type") not in _TYPES:
                raise _error(422, "validation_error")
            if len(json.dumps(e.get("payload") or {})) > 256 * 1024:
                raise _error(422, "payload_too_large")
        for e in body["events"]:
            prior = next((x for x in s.events if x["idempotency_key"] == e["idempotency_key"]), None)
            if prior is not None:
                out.append({"idempotency_key": e["idempotency_key"], "seq": prior["seq"], "duplicate": True})
                continue
            stored = {**e, "seq": len(s.events) + 1, "created_at": datetime.now(UTC).isoformat()}
            s.events.append(stored)
            out.append({"idempotency_key": e["idempotency_key"], "seq": stored["seq"], "duplicate": False})
        return web.json_response({"events": out})

    async def _runs(self, request: web.Request) -> web.Response:
        s = self._gate(request)
        assert s is not None
        body = await request.json()
        report = {"verdict": "accepted", "passed": 1, "total": 1, "language": body["language"]}
        s.events.append(
            {
                "seq": len(s.events) + 1,
                "type": "test_run",
                "idempotency_key": uuid.uuid4().hex,
                "payload": report,
            }
        )
        return web.json_response(report)

    async def _complete(self, request: web.Request) -> web.Response:
        s = self._gate(request)
        assert s is not None
        body = await request.json()
        s.status, s.final_code = "completed", body.get("final_code")
        return web.json_response({"id": s.id, "status": "completed"})

    async def _practice(self, request: web.Request) -> web.Response:
        self._gate(request)
        sid = self.add_session(status="in_progress")
        self.sessions[sid].started_at = datetime.now(UTC)
        return web.json_response(self._body(self.sessions[sid]))


_TYPES = {
    "transcript", "editor_snapshot", "tool_call", "test_run", "submission", "hint",
    "phase_change", "turn_metrics", "model_usage", "time_warning", "note",
}  # fmt: skip


_ERRORS: dict[int, type[web.HTTPException]] = {
    401: web.HTTPUnauthorized,
    404: web.HTTPNotFound,
    409: web.HTTPConflict,
    422: web.HTTPUnprocessableEntity,
    429: web.HTTPTooManyRequests,
    500: web.HTTPInternalServerError,
    502: web.HTTPBadGateway,
    503: web.HTTPServiceUnavailable,
}


def _error(status: int, code: str) -> web.HTTPException:
    cls = _ERRORS.get(status, web.HTTPBadRequest)
    return cls(text=json.dumps({"error": {"code": code, "message": code}}), content_type="application/json")
