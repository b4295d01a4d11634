"""The procrastinate application: one per process, shared by the API (to enqueue) and the worker (to run)."""

from __future__ import annotations

from procrastinate import App, PsycopgConnector

# Every module that defines tasks; the worker imports them all before it fetches a job.
TASK_MODULES = (
    "api.jobs.grading",
    "api.jobs.maintenance",
    "api.webhooks.delivery",
    "api.integrations.callbacks",
    "api.integrations.invites",
    "api.rooms",
    "api.jobs.artifacts",
    "api.jobs.retention",
    "api.jobs.lapsed_sessions",
)

# No connection parameters here: the worker opens the app on the API's own pool (`queue.open_async(pool=...)`)
# and the API defers on the caller's connection (`api.jobs.enqueue`), so both follow the API's settings.
queue = App(connector=PsycopgConnector(), import_paths=list(TASK_MODULES))
