"""A probe task for queue tests inside a real `shadows worker` (SHADOWS_WORKER_EXTRA_IMPORTS=tests.fakes.job_tasks):
`record_probe(key)` writes `probe-<key>` into $SHADOWS_TEST_PROBE_DIR, so a test sees which jobs ran."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

from api.jobs.queue import queue


@queue.task(name="tests.record_probe", queue="tests")
async def record_probe(key: str) -> None:
    path = Path(os.environ["SHADOWS_TEST_PROBE_DIR"], f"probe-{key}")
    await asyncio.to_thread(path.write_text, str(os.getpid()))


@queue.task(name="tests.record_other_probe", queue="tests_other")
async def record_other_probe(key: str) -> None:
    path = Path(os.environ["SHADOWS_TEST_PROBE_DIR"], f"other-{key}")
    await asyncio.to_thread(path.write_text, str(os.getpid()))
