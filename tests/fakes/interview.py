"""Stand-ins around one interview for agent tests: client channel, event sink, test runner, contexts."""

from __future__ import annotations

import functools
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from agent.context import SessionContext
from agent.errors import ApiError
from judge.bank import Question, load_question

ROOT = Path(__file__).resolve().parents[2]


@functools.cache
def bank_question(slug: str = "two-sum") -> Question:
    """The bank's question (frozen), read once per test process: its tests.json is parsed and validated in full, and
    the agent tests build a context from it hundreds of times."""
    return load_question(ROOT / "questions" / slug)


def make_context(
    slug: str = "two-sum",
    *,
    language: str = "python",
    minutes_left: float | None = 45.0,
    duration_minutes: int = 45,
    resume_text: str | None = None,
    job_description: str | None = None,
    name: str | None = "Ada Lovelace",
    now: datetime | None = None,
) -> SessionContext:
    """A session context as the API would return it: only visible tests, no reference solutions."""
    q = bank_question(slug)
    now = now or datetime.now(UTC)
    started = ends = None
    if minutes_left is not None:
        ends = now + timedelta(minutes=minutes_left)
        started = ends - timedelta(minutes=duration_minutes)
    return SessionContext.model_validate(
        {
            "session": {
                "id": "ses_test",
                "status": "in_progress",
                "language": language,
                "duration_minutes": duration_minutes,
                "started_at": started,
                "ends_at": ends,
                "room_name": "shadows-ses_test",
                "practice": False,
            },
            "candidate": {"name": name},
            "question": {
                "id": "q-" + slug,
                "slug": slug,
                "title": q.meta.title,
                "difficulty": q.meta.difficulty.value,
                "topics": q.meta.topics,
                "statement_md": q.statement_md,
                "signature": q.signature.model_dump(),
                "hints": list(q.meta.hints),
                "rubric": [r.model_dump() for r in q.meta.rubric],
                "visible_tests": [t.model_dump(exclude={"hidden", "note"}) for t in q.visible_tests],
                "starter_code": dict(q.starters),
            },
            "resume_text": resume_text,
            "job_description": job_description,
            "events": [],
        }
    )


class FakeChannel:
    """Records what would go to the candidate's client; `editor_payload` answers `editor.get`."""

    def __init__(self, *, editor_connected: bool = True) -> None:
        self.editor_connected = editor_connected
        self.events: list[dict[str, Any]] = []
        self.attributes: dict[str, str] = {}
        self.editor_payload: dict[str, Any] | None = None
        self.editor_requests = 0

    async def send_event(self, event: dict[str, Any]) -> None:
        self.events.append(event)

    async def set_attributes(self, attributes: dict[str, str]) -> None:
        self.attributes.update(attributes)

    async def request_editor(self, timeout: float) -> dict[str, Any] | None:  # noqa: ASYNC109 -- ClientChannel's signature
        self.editor_requests += 1
        return self.editor_payload

    def of_type(self, type_: str) -> list[dict[str, Any]]:
        return [e for e in self.events if e.get("type") == type_]


class OrderedChannel(FakeChannel):
    """A FakeChannel that also writes what it sends into a timeline shared with other fakes, to check what came
    first (the goodbye before `ended`, the END's delivery before `ended`)."""

    def __init__(self, timeline: list[str]) -> None:
        super().__init__()
        self.timeline = timeline

    async def send_event(self, event: dict[str, Any]) -> None:
        self.timeline.append(f"event:{event.get('type')}")
        await super().send_event(event)


class FakeSink:
    """An in-memory `EventSink`: keeps (type, payload, key, t) and dedupes by key like the API does."""

    def __init__(self) -> None:
        self.events: list[dict[str, Any]] = []
        self._keys: set[str] = set()
        self._n = 0

    def record(
        self, type: str, payload: dict[str, Any], *, key: str | None = None, t: float | None = None
    ) -> str:
        self._n += 1
        key = key or f"auto:{self._n}"
        if key not in self._keys:
            self._keys.add(key)
            self.events.append({"type": type, "payload": payload, "key": key, "t": t})
        return key

    async def flush(self, max_wait: float | None = 10.0) -> bool:
        """Everything is kept the moment it is recorded: delivered already."""
        return True

    def of_type(self, type_: str) -> list[dict[str, Any]]:
        return [e for e in self.events if e["type"] == type_]


class FakeRunClient:
    """Answers `run_tests` with a fixed report or raises a given `ApiError`; records calls."""

    def __init__(self, report: dict[str, Any] | None = None, error: ApiError | None = None) -> None:
        self.report = report
        self.error = error
        self.calls: list[dict[str, Any]] = []
        self.times: list[float | None] = []

    async def run_tests(
        self, session_id: str, language: str, code: str, mode: str = "run", t: float | None = None
    ) -> dict[str, Any]:
        self.calls.append({"session_id": session_id, "language": language, "code": code, "mode": mode})
        self.times.append(t)
        if self.error is not None:
            raise self.error
        assert self.report is not None
        return self.report


def test_settings(**overrides: Any) -> Any:
    """AgentSettings that ignore the developer's .env and environment overrides."""
    from agent.settings import AgentSettings

    return AgentSettings(_env_file=None, **overrides)  # type: ignore[call-arg]  # pydantic-settings kwarg


test_settings.__test__ = False  # type: ignore[attr-defined]  # not a pytest test
