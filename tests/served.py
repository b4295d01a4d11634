"""uvicorn inside the test process, leaving the process's signal handlers alone.

`uvicorn.Server.serve` in the main thread puts its own SIGINT and SIGTERM handlers in and, when it stops, puts back
the ones it found. A fixture's server starts in one run of pytest-asyncio's runner (the setup) and stops in another
(the teardown): the handler put back is the setup's runner's, bound to a task long finished, and it stays for the
rest of the process (the next runner installs its own only over Python's default). Any later SIGINT then raised
KeyboardInterrupt wherever the main thread was: in a CI run, inside a later test's application start-up, which
failed that test and every test after it in the same worker. A server in a test is stopped by `should_exit`, never
by a signal, so it needs none.

Its port is a socket bound before the app is built and handed to `serve(sockets=...)` (`bound_socket`): a port chosen
by binding and closing a socket (`tests.conftest.free_port`) was free again while the app was built and its lifespan
started (seconds, on a loaded box): any other process choosing a port meanwhile (another test run's server, a Redis)
could take it, and uvicorn's bind would then fail with a `sys.exit` inside the test's event loop.
"""

from __future__ import annotations

import contextlib
import socket
from collections.abc import Iterator

import uvicorn


def bound_socket(host: str = "127.0.0.1") -> socket.socket:
    """A TCP socket bound to a free port of `host`, to pass to `InProcessServer.serve(sockets=[...])`: the port is the
    server's from the moment it is chosen (uvicorn listens on it, and closes it as it stops)."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        sock.bind((host, 0))
    except BaseException:
        sock.close()
        raise
    return sock


class InProcessServer(uvicorn.Server):
    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield
