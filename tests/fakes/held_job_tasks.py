"""A job that runs until its test lets it end, for queue tests inside a real `shadows worker`
(SHADOWS_WORKER_EXTRA_IMPORTS=tests.fakes.held_job_tasks): `held_probe(key)` writes `started-<key>-<n>` into
$SHADOWS_TEST_PROBE_DIR as its n-th run starts, then waits until `release-<key>` is there."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

from api.jobs.queue import queue


@queue.task(name="tests.held_probe", queue="tests")
async def held_probe(key: str) -> None:
    probes = Path(os.environ["SHADOWS_TEST_PROBE_DIR"])
    run = len(await asyncio.to_thread(lambda: list(probes.glob(f"started-{key}-*")))) + 1
    await asyncio.to_thread((probes / f"started-{key}-{run}").write_text, str(os.getpid()))
    release = probes / f"release-{key}"
    while not await asyncio.to_thread(release.exists):  # noqa: ASYNC110  # another process writes it: no event
        await asyncio.sleep(0.02)
