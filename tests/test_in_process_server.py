"""A server a fixture runs in the test process leaves no stale SIGINT handler behind (`tests/served.py`)."""

from __future__ import annotations

import asyncio
import functools
import signal
from collections.abc import AsyncIterator

import pytest
import uvicorn
from fastapi import FastAPI

from tests.conftest import free_port
from tests.served import InProcessServer


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
