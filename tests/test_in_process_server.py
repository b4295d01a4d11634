"""A server a fixture runs in the test process leaves no stale SIGINT handler behind, and holds its port from the
moment it is chosen (`tests/served.py`)."""

from __future__ import annotations

import asyncio
import contextlib
import errno
import functools
import signal
import socket
from collections.abc import AsyncIterator

import pytest
import uvicorn
from fastapi import FastAPI

import tests.api.conftest as api_fixtures
from api.settings import ApiSettings
from tests.conftest import free_port
from tests.served import InProcessServer, bound_socket


@pytest.fixture
async def served() -> AsyncIterator[None]:
    # Started in the setup's run of the event loop, stopped in the teardown's: what every server fixture does.
    server = InProcessServer(
        uvicorn.Config(FastAPI(), host="127.0.0.1", port=free_port(), log_level="warning")
    )
    task = asyncio.create_task(server.serve())
    for _ in range(6000):
        if server.started or task.done():
            break
        await asyncio.sleep(0.01)
    assert server.started
    yield
    server.should_exit = True
    await task


async def test_a_server_runs_in_a_fixture(served: None) -> None:
    pass


def test_no_handler_of_a_finished_event_loop_run_is_left_for_sigint() -> None:
    """With `uvicorn.Server`, SIGINT's handler here was the setup's runner's `_on_sigint`, bound to its finished
    main task: a SIGINT raised KeyboardInterrupt at whatever the process did next."""
    handler = signal.getsignal(signal.SIGINT)
    stale = isinstance(handler, functools.partial) and getattr(
        handler.keywords.get("main_task"), "done", None
    )
    assert not (stale and handler.keywords["main_task"].done()), handler


async def test_a_served_apps_port_is_its_own_from_the_choice_to_the_start(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # `free_port` closed its socket: the port was anyone's while the app was built and its lifespan started, and a
    # process choosing one meanwhile could take it (uvicorn's bind then failed, with `sys.exit` in the test's loop).
    chosen: list[int] = []

    def recording(host: str = "127.0.0.1") -> socket.socket:
        sock = bound_socket(host)
        chosen.append(sock.getsockname()[1])
        return sock

    monkeypatch.setattr(api_fixtures, "bound_socket", recording)
    refused: list[int | None] = []

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        with socket.socket() as other:  # another process choosing a port, mid-start
            try:
                other.bind(("127.0.0.1", chosen[0]))
                refused.append(None)
            except OSError as e:
                refused.append(e.errno)
        yield

    settings = ApiSettings(_env_file=None)  # type: ignore[call-arg]  # pydantic-settings init kwarg
    async with api_fixtures.serve(settings, app=FastAPI(lifespan=lifespan)) as client:
        assert client.base_url.port == chosen[0]
        assert (await client.get("/nowhere")).status_code == 404  # served on that port
    assert refused == [errno.EADDRINUSE]
