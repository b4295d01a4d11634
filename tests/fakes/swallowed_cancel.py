"""A `shadows worker` whose lanes lose a cancellation while they register (SHADOWS_WORKER_EXTRA_IMPORTS=
tests.fakes.swallowed_cancel): the first lane to register writes `registering` into $SHADOWS_TEST_PROBE_DIR, then
waits up to 3 s and, cancelled meanwhile, goes on as if it had not been, as a call that caught the cancellation
would. What a signal in the first moments of a start met in a real worker (api.jobs.worker `_run_lane`)."""

from __future__ import annotations

import asyncio
import contextlib
import os
from pathlib import Path
from typing import Any

from procrastinate.manager import JobManager

_register = JobManager.register_worker
_first = [True]


async def _registering(self: JobManager, *args: Any, **kwargs: Any) -> Any:
    if _first[0]:
        _first[0] = False
        probes = Path(os.environ["SHADOWS_TEST_PROBE_DIR"])
        await asyncio.to_thread((probes / "registering").write_text, str(os.getpid()))
        with contextlib.suppress(asyncio.CancelledError):
            await asyncio.sleep(3)
    return await _register(self, *args, **kwargs)


JobManager.register_worker = _registering  # type: ignore[method-assign]
