"""What a `shadows worker` loads before its first job: only what starting needs, the rest when a job needs it.

The suite starts about a hundred workers (and every deployment one per host and restart); each paid about a second of
CPU for modules none of its jobs had asked for yet: the grading pipeline with the grader's regex tables, the report's
rendering, FastAPI, LiveKit's SDK, dnspython's resolver.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# What `python -m api worker` imports before it fetches a job (api/jobs/worker.py: the CLI, the worker, every task
# module), without a grading model configured: the suite's workers, a grader loaded with
# SHADOWS_WORKER_EXTRA_IMPORTS, or none.
START = """
import importlib, json, sys
import api.cli
from api.jobs.settings import get_worker_settings
from api.jobs.worker import run_worker
from api.jobs.queue import TASK_MODULES
for module in TASK_MODULES:
    importlib.import_module(module)
print(json.dumps(sorted(sys.modules)))
"""

LOADED_BY_JOBS = (
    "grader.pipeline",  # grading with the configured model: preloaded at start only when one is configured
    "grader.bundle",
    "grader.redact",  # the grader's regex tables
    "grader.introductions",
    "api.artifacts",  # writing or erasing a session's artifacts, retention: the report's rendering
    "api.report_pages",
    "api.run_flow",  # a final submission by the grading job
    "api.integrations.greenhouse",  # a call back to Greenhouse (its module builds the API's routes)
    "fastapi",  # the API's framework: a module the jobs share with the API names it in annotations only
    "livekit.api",  # closing a LiveKit room
    "dns.asyncresolver",  # the first outbound lookup (api.egress)
    "openai",
)


def test_a_worker_start_loads_no_module_that_only_a_job_needs() -> None:
    out = subprocess.run(
        [sys.executable, "-c", START], cwd=ROOT, capture_output=True, text=True, timeout=120, check=False
    )
    assert out.returncode == 0, out.stderr[-3000:]
    loaded = set(json.loads(out.stdout.strip().splitlines()[-1]))
    assert "api.jobs.grading" in loaded and "api.rooms" in loaded  # the task modules themselves did load
    assert sorted(m for m in LOADED_BY_JOBS if m in loaded) == []
