"""The local backend: judge jobs run in the JudgePool's sandboxed worker processes."""

from __future__ import annotations

from judge.limits import job_budget_s
from judge.pool import JudgePool
from judge.runner import execute_job
from judge.schemas import RunReport, RunRequest
from judge.settings import JudgeSettings


class LocalBackend:
    """Runs each request as one `execute_job` in a pool worker (compile once, one process for every test)."""

    name = "local"

    def __init__(self, settings: JudgeSettings) -> None:
        self.pool = JudgePool(settings, jobs=[execute_job])

    async def start(self) -> None:
        await self.pool.start()

    async def run(self, request: RunRequest) -> RunReport:
        # The job's own bound (compile, every test's limit, start-ups) plus room for the worker's bookkeeping.
        timeout = job_budget_s(request) + 30.0
        payload = {"request": request.model_dump(mode="json")}
        result = await self.pool.submit("execute_job", payload, timeout_s=timeout)
        return RunReport.model_validate(result)

    async def aclose(self) -> None:
        await self.pool.aclose()
