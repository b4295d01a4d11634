"""The judge as the API uses it: one per process, started lazily; a run admitted fairly, its errors translated, its
report redacted (hidden tests keep only id, verdict, hidden and time), and shown to the candidate without the hidden
tests' ids (`for_candidate`)."""

from __future__ import annotations

import asyncio
from typing import Any, Literal

import structlog

from api.db.runs_repo import HIDDEN_FIELDS
from api.errors import PayloadTooLargeError, ServiceUnavailableError, UnprocessableError
from api.judge_metrics import MeteredJudge
from api.metrics import JUDGE_RUNS
from api.run_admission import JudgeBusy, RunAdmission
from judge.errors import (
    CodeTooLargeError,
    InvalidTextError,
    JudgeBusyError,
    JudgeError,
    UnsupportedLanguageError,
)
from judge.schemas import RunReport, RunRequest
from judge.service import Judge
from judge.settings import JudgeSettings

log = structlog.get_logger(__name__)

Mode = Literal["run", "submit"]


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
                judge = MeteredJudge(self.settings)
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
    """The report as stored and returned: hidden tests keep only id, verdict, hidden and time."""
    body = report.model_dump(mode="json")
    body["tests"] = [
        {k: t.get(k) for k in HIDDEN_FIELDS} if t.get("hidden") else t for t in body.get("tests", [])
    ]
    return body


def for_candidate(body: dict[str, Any]) -> dict[str, Any]:
    """A redacted report as its candidate is shown it: each hidden test named by its place among the hidden ones
    (`hidden-1`, `hidden-2` …), never by its id in the bank, which says what it checks (`same-value-not-reused`,
    `complement-out-of-range`): with a pass or fail beside it, a hint the candidate was not given. The stored report,
    and the organisation's, keep the bank's ids."""
    tests = body.get("tests")
    if not isinstance(tests, list):
        return body
    shown: list[Any] = []
    hidden = 0
    for t in tests:
        if isinstance(t, dict) and t.get("hidden"):
            hidden += 1
            t = {**t, "id": f"hidden-{hidden}"}
        shown.append(t)
    return {**body, "tests": shown}


def check_code_size(code: str, settings: JudgeSettings) -> None:
    if len(code.encode("utf-8", "surrogatepass")) > settings.max_code_bytes:  # the judge refuses surrogates
        raise PayloadTooLargeError(
            f"Code is larger than {settings.max_code_bytes} bytes.", code="code_too_large"
        )


async def judge_code(
    judge: LazyJudge, admission: RunAdmission, tenant: str, request: RunRequest
) -> RunReport:
    """Wait for this tenant's turn, then run. No database connection may be held while this awaits."""
    async with admission.slot(tenant):
        try:
            report = await (await judge.get()).run(request)
        except JudgeBusyError as e:
            raise JudgeBusy("The judge is busy; try again in a moment.") from e
        except UnsupportedLanguageError as e:
            raise UnprocessableError("Unsupported language.", code="unsupported_language") from e
        except CodeTooLargeError as e:
            raise PayloadTooLargeError("Code is too large.", code="code_too_large") from e
        except InvalidTextError as e:  # the caller's text, never our failure (a 500)
            raise UnprocessableError(
                f"The {'code' if e.field == 'source' else 'input'} holds a lone UTF-16 surrogate, which is not text.",
                code="unprocessable",
            ) from e
    JUDGE_RUNS.labels(language=request.language, mode=request.mode, verdict=report.verdict.value).inc()
    return report
