"""The public judge API: `async with Judge(settings) as judge: report = await judge.run(request)`."""

from __future__ import annotations

import logging

from judge.backends import Backend
from judge.errors import CodeTooLargeError, JudgeBusyError, JudgeError, UnsupportedLanguageError
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


def check_request(request: RunRequest, settings: JudgeSettings) -> RunRequest:
    """Refuse what the judge never runs; return the request with its limits clamped."""
    if request.language not in SUPPORTED_LANGUAGES:
        raise UnsupportedLanguageError(f"unsupported language {request.language!r}")
    if len(request.source.encode("utf-8")) > settings.max_code_bytes:
        raise CodeTooLargeError(f"source is larger than {settings.max_code_bytes} bytes")
    return request.model_copy(update={"limits": clamp_limits(request.limits, settings)})


class Judge:
    """Runs candidate code against a question's tests.

    `run()` returns a RunReport whose verdict is data (including `internal_error` when the judge itself failed).
    It raises only for requests to refuse (UnsupportedLanguageError, CodeTooLargeError) and for JudgeBusyError
    (retryable: every slot busy and the queue full). Starting the local backend raises SandboxUnavailableError when
    the sandbox cannot isolate untrusted code.
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

    async def run(self, request: RunRequest) -> RunReport:
        request = check_request(request, self.settings)
        try:
            return await self.backend.run(request)
        except JudgeError as exc:
            if isinstance(exc, JudgeBusyError | UnsupportedLanguageError | CodeTooLargeError):
                raise  # retryable, or a request to refuse (a judge service may refuse what this process let by)
            log.error("judge backend %s failed: %s", self.backend.name, exc.code)
            return internal_error_report(
                request, "the judge failed to run this code; please try again", backend=self.backend.name
            )
