"""What a running task may use: the API's settings, its connection pool and the judge, handed over by the worker."""

from __future__ import annotations

from dataclasses import dataclass

from procrastinate import JobContext

from api.db.pool import Pool
from api.jobs.continuity import Continuity
from api.jobs.settings import WorkerSettings
from api.judging import LazyJudge
from api.run_admission import RunAdmission
from api.settings import ApiSettings

CONTEXT_KEY = "shadows"


@dataclass(frozen=True)
class WorkerResources:
    settings: ApiSettings
    worker_settings: WorkerSettings
    pool: Pool
    judge: LazyJudge  # started on first use only
    admission: RunAdmission  # this worker's fair share of its judge (the grader's final submissions)
    # What the worker's heartbeats saw of the database (the stalled-job pass); None where a test runs one job alone.
    continuity: Continuity | None = None


def resources(context: JobContext) -> WorkerResources:
    """The resources of the worker running this job (tasks declare `pass_context=True`)."""
    found = context.additional_context.get(CONTEXT_KEY)
    if not isinstance(found, WorkerResources):
        raise RuntimeError("this job runs outside `shadows worker`: no worker resources in its context")
    return found
