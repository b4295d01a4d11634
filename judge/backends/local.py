"""The local backend: judge jobs run in the JudgePool's sandboxed worker processes."""

from __future__ import annotations

from judge.disclosure import executed_part, withhold_quoted_hidden
from judge.errors import JudgeInternalError
from judge.limits import pool_timeout_s
from judge.pool import JudgePool
from judge.runner import execute_job
from judge.schemas import RunReport, RunRequest
from judge.settings import JudgeSettings
from judge.tests_cache import TestsMemo


class LocalBackend:
    """Runs each request as one `execute_job` in a pool worker (compile once, one process for every test)."""

    name = "local"

    def __init__(self, settings: JudgeSettings) -> None:
        self.pool = JudgePool(settings, jobs=[execute_job])
        self.memo = TestsMemo()

    async def start(self) -> None:
        await self.pool.start()

    async def run(self, request: RunRequest) -> RunReport:
        # The job's own bound (compile, every test's limit, start-ups) plus room for the worker's bookkeeping, as the
        # remote backend counts it too (a judge host runs this backend).
        timeout = pool_timeout_s(request, self.pool.settings)
        # The worker is handed only the tests it runs (a Run's hidden tests never run), written by pydantic: for a
        # question with 1.2 MiB of tests, 7 ms where `model_dump` and the pool's `json.dumps` of every test took 22-30
        # ms on the event loop that serves every other request (docs/judge.md). The tests' JSON is made once per set
        # of TestCase objects (`TestsMemo`: the API's question cache and a judge host's tests cache share them across
        # runs) and spliced into the rest of the request, an object that is never empty (language, source).
        executed = executed_part(request)
        try:
            head = executed.model_dump_json(exclude={"tests"}).encode()
            tests = self.memo.get(executed.tests).data
        except ValueError as exc:  # text that is not Unicode, which Judge.run refuses before this
            raise JudgeInternalError("judge job payload is not JSON") from exc
        payload = b'{"request":%s,"tests":%s}}' % (head[:-1], tests)
        result = await self.pool.submit("execute_job", payload, timeout_s=timeout)
        report = RunReport.model_validate(result)
        # The worker withheld compiler output quoting any test it was handed (judge.runner.make_report); only the
        # hidden tests it was not handed are left to check, here.
        return report if executed is request else withhold_quoted_hidden(report, request)

    async def aclose(self) -> None:
        await self.pool.aclose()
