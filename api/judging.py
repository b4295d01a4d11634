"""Running a session's code through the judge: start it lazily, record the run, redact hidden tests, log the event."""

from __future__ import annotations

import asyncio
import hashlib
import secrets
from typing import Any, Literal

import structlog
from psycopg.types.json import Jsonb

from api.db import events_repo, questions_repo
from api.db.pool import Conn
from api.errors import PayloadTooLargeError, ServiceUnavailableError, UnprocessableError
from api.metrics import JUDGE_RUNS
from judge.errors import CodeTooLargeError, JudgeBusyError, JudgeError, UnsupportedLanguageError
from judge.schemas import RunReport, RunRequest
from judge.service import Judge
from judge.settings import JudgeSettings

log = structlog.get_logger(__name__)

Mode = Literal["run", "submit"]
HIDDEN_FIELDS = ("id", "verdict", "hidden", "time_ms")


class JudgeBusy(ServiceUnavailableError):
    code = "judge_busy"


class JudgeUnavailable(ServiceUnavailableError):
    code = "judge_unavailable"
    retryable = False


class LazyJudge:
    """One judge per API process, started on first use (worker processes are not spawned for idle APIs)."""

    def __init__(self, settings: JudgeSettings) -> None:
        self.settings = settings
        self._judge: Judge | None = None
        self._lock = asyncio.Lock()

    async def get(self) -> Judge:
        async with self._lock:
            if self._judge is None:
                judge = Judge(self.settings)
                try:
                    await judge.start()
                except JudgeError as e:
                    log.error("judge.unavailable", code=e.code)
                    raise JudgeUnavailable("Code execution is unavailable on this server.") from e
                self._judge = judge
            return self._judge

    async def aclose(self) -> None:
        if self._judge is not None:
            await self._judge.aclose()
            self._judge = None


def redact(report: RunReport) -> dict[str, Any]:
    """The report as stored and returned: hidden tests keep only id, verdict and time."""
    body = report.model_dump(mode="json")
    body["tests"] = [
        {k: t.get(k) for k in HIDDEN_FIELDS} if t.get("hidden") else t for t in body.get("tests", [])
    ]
    return body


async def run_code(
    conn: Conn,
    judge: LazyJudge,
    session: dict[str, Any],
    *,
    language: str,
    code: str,
    mode: Mode,
    by: Literal["candidate", "agent"],
    event_t: float | None = None,
) -> dict[str, Any]:
    """Judge `code` for this session's question, store it in `submissions`, append a `test_run`/`submission` event,
    and return the redacted report with the submission id and event seq."""
    if len(code.encode("utf-8")) > judge.settings.max_code_bytes:
        raise PayloadTooLargeError(
            f"Code is larger than {judge.settings.max_code_bytes} bytes.", code="code_too_large"
        )
    question = await questions_repo.load_question_for_judge(conn, session["question_id"])
    request = RunRequest(
        language=language,  # type: ignore[arg-type]  # validated by the route's Literal
        source=code,
        signature=question["signature"],
        tests=question["tests"],
        compare=question["compare"],
        mode=mode,
    )
    try:
        report = await (await judge.get()).run(request)
    except JudgeBusyError as e:
        raise JudgeBusy("The judge is busy; try again in a moment.") from e
    except UnsupportedLanguageError as e:
        raise UnprocessableError("Unsupported language.", code="unsupported_language") from e
    except CodeTooLargeError as e:
        raise PayloadTooLargeError("Code is too large.", code="code_too_large") from e
    JUDGE_RUNS.labels(language=language, mode=mode, verdict=report.verdict.value).inc()
    body = redact(report)
    async with conn.transaction():
        cur = await conn.execute(
            """
            insert into submissions (question_id, session_id, language, code, result_json, kind, verdict)
            values (%s, %s, %s, %s, %s, %s, %s) returning id
            """,
            (session["question_id"], session["id"], language, code, Jsonb(body), mode, report.verdict.value),
        )
        row = await cur.fetchone()
        assert row is not None
        submission_id = str(row["id"])
        stored = await events_repo.append_events(
            conn,
            session["id"],
            [
                events_repo.EventIn(
                    idempotency_key=f"api:{mode}:{submission_id}:{secrets.token_hex(4)}",
                    type="test_run" if mode == "run" else "submission",
                    t=event_t,
                    payload={
                        "submission_id": submission_id,
                        "by": by,
                        "mode": mode,
                        "language": language,
                        "code_sha256": hashlib.sha256(code.encode("utf-8")).hexdigest(),
                        "verdict": body["verdict"],
                        "passed": body["passed"],
                        "total": body["total"],
                        "tests": [{k: t.get(k) for k in HIDDEN_FIELDS} for t in body["tests"]],
                        "timings": body["timings"],
                    },
                )
            ],
        )
    return {**body, "submission_id": submission_id, "event_seq": stored[0].seq if stored else None}
