"""The public judge API: `async with Judge(settings) as judge: report = await judge.run(request)`."""

from __future__ import annotations

import json
import logging
from typing import Any

import pydantic_core

from judge.backends import Backend
from judge.errors import (
    CodeTooLargeError,
    InvalidTextError,
    JudgeBusyError,
    JudgeError,
    JudgeStartExpiredError,
    UnsupportedLanguageError,
)
from judge.runner import internal_error_report
from judge.schemas import SUPPORTED_LANGUAGES, RunLimits, RunReport, RunRequest
from judge.settings import JudgeSettings, get_settings

log = logging.getLogger(__name__)


def make_backend(settings: JudgeSettings) -> Backend:
    """The backend named by `settings.backend`."""
    if settings.backend == "judge0":
        from judge.backends.judge0 import Judge0Backend

        return Judge0Backend(settings)
    if settings.backend == "remote":
        from judge.backends.remote import RemoteBackend

        return RemoteBackend(settings)
    from judge.backends.local import LocalBackend

    return LocalBackend(settings)


def clamp_limits(limits: RunLimits, settings: JudgeSettings) -> RunLimits:
    """A request may lower limits, never raise them past the deployment's maxima."""
    return RunLimits(
        time_limit_s=min(limits.time_limit_s, settings.max_wall_s),
        memory_mb=min(limits.memory_mb, settings.max_memory_mb),
        output_bytes=min(limits.output_bytes, settings.max_output_bytes),
        compile_s=min(limits.compile_s, settings.max_wall_s),
    )


# Strings as they are (not escaped), so that encoding the JSON text as UTF-8 shows what is not text.
_UNESCAPED = json.JSONEncoder(ensure_ascii=False)


def _is_text_slowly(value: Any) -> bool:
    try:
        _UNESCAPED.encode(value).encode("utf-8")
    except UnicodeEncodeError:
        return False
    except (TypeError, ValueError):
        return True  # not JSON at all: not this check's concern
    return True


def _is_text(value: Any) -> bool:
    """Whether every string in a JSON value (keys too) can be written as UTF-8: a Python string, or a JSON escape
    decoded by a lenient parser, can hold a lone UTF-16 surrogate that no UTF-8 consumer accepts.

    pydantic-core's serializer writes UTF-8 as it goes and fails on such a string, 4-5x faster than the standard
    library's encoder (3.6 ms against 16.6 ms for two-sum's 1.4 MB of tests, docs/judge.md). It fails on a value
    that is not JSON too, so any failure is decided again, rarely, by the standard library."""
    try:
        pydantic_core.to_json(value)
    except (pydantic_core.PydanticSerializationError, RecursionError, ValueError):
        return _is_text_slowly(value)
    return True


def unencodable_field(request: RunRequest) -> str | None:
    """The first field of `request` holding text that is not Unicode (a lone surrogate), or None.

    Only the tests this run executes are read. A Run's hidden tests never run, never leave this process (the remote
    backend sends only the visible ones) and never reach a report, and re-encoding them cost more than the rest of
    the remote path: 25-30 ms per Run of a question with 1.2 MiB of hidden test data (docs/judge.md)."""
    if not _is_text(request.source):
        return "source"
    selected = {id(test) for test in request.selected_tests()}
    for i, test in enumerate(request.tests):
        if id(test) not in selected:
            continue
        for name, value in (("args", test.args), ("expected", test.expected)):
            if not _is_text(value):
                return f"tests.{i}.{name}"
    return None


def check_request(request: RunRequest, settings: JudgeSettings, *, from_json: bool = False) -> RunRequest:
    """Refuse what the judge never runs; return the request with its limits clamped.

    Text is checked here, before any backend sees the request: a lone surrogate in the source or a test failed
    deep inside a backend (writing the source, base64 for Judge0, the remote envelope, the report) as the judge's
    own error, where it is the caller's. `from_json`: the request was validated from JSON text by pydantic, whose
    parser refuses a lone surrogate however it is written (an escape, its UTF-8 bytes), so it holds only text and
    is not read again (for a judge service, 1.4 MB of a Submit's tests per run)."""
    if request.language not in SUPPORTED_LANGUAGES:
        raise UnsupportedLanguageError(f"unsupported language {request.language!r}")
    if not from_json and (field := unencodable_field(request)) is not None:
        raise InvalidTextError(field)
    if len(request.source.encode("utf-8")) > settings.max_code_bytes:
        raise CodeTooLargeError(f"source is larger than {settings.max_code_bytes} bytes")
    return request.model_copy(update={"limits": clamp_limits(request.limits, settings)})


class Judge:
    """Runs candidate code against a question's tests.

    `run()` returns a RunReport whose verdict is data (including `internal_error` when the judge itself failed).
    It raises only for requests to refuse (UnsupportedLanguageError, CodeTooLargeError, InvalidTextError), for
    JudgeBusyError (retryable: every slot busy and the queue full) and for JudgeStartExpiredError (the pool's
    start-by passed before the run started: judge.pool; a judge host answers it as a refusal, judge.server).
    Starting the local backend raises SandboxUnavailableError when the sandbox cannot isolate untrusted code.
    """

    def __init__(self, settings: JudgeSettings | None = None, *, backend: Backend | None = None) -> None:
        self.settings = settings or get_settings()
        self.backend = backend or make_backend(self.settings)
        self._started = False

    async def __aenter__(self) -> Judge:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    async def start(self) -> None:
        if not self._started:
            await self.backend.start()
            self._started = True

    async def aclose(self) -> None:
        if self._started:
            self._started = False
            await self.backend.aclose()

    async def run(self, request: RunRequest, *, from_json: bool = False) -> RunReport:
        """`from_json`: `request` was validated from JSON text (`RunRequest.model_validate_json`), as a judge
        service's are; see `check_request`."""
        request = check_request(request, self.settings, from_json=from_json)
        try:
            return await self.backend.run(request)
        except JudgeError as exc:
            if isinstance(
                exc, JudgeBusyError | UnsupportedLanguageError | CodeTooLargeError | JudgeStartExpiredError
            ):
                raise  # retryable, a request to refuse (a judge service may refuse what this process let by), or not
                # started: a judge service answers that as a refusal of its own, not as a report
            log.error("judge backend %s failed: %s", self.backend.name, exc.code)
            return internal_error_report(
                request, "the judge failed to run this code; please try again", backend=self.backend.name
            )
