"""uvicorn inside the test process, leaving the process's signal handlers alone.

`uvicorn.Server.serve` in the main thread puts its own SIGINT and SIGTERM handlers in and, when it stops, puts back
the ones it found. A fixture's server starts in one run of pytest-asyncio's runner (the setup) and stops in another
(the teardown): the handler put back is the setup's runner's, bound to a task long finished, and it stays for the
rest of the process (the next runner installs its own only over Python's default). Any later SIGINT then raised
KeyboardInterrupt wherever the main thread was: in a CI run, inside a later test's application start-up, which
failed that test and every test after it in the same worker. A server in a test is stopped by `should_exit`, never
by a signal, so it needs none.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import uvicorn


class InProcessServer(uvicorn.Server):
    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield
