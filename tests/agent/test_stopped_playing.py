"""``agent.ending.stopped_playing`` returns once nothing plays, possibly before livekit's interruption future is done;
that future's outcome is still read when it comes, so an error in it is logged, never asyncio's "Future exception
was never retrieved" at garbage collection."""

from __future__ import annotations

import asyncio
import gc
import logging
from typing import Any

import pytest

from agent.ending import stopped_playing


class _Quiet:
    current_speech = None  # nothing plays: stopped_playing returns at once


async def _interrupted_later(error: BaseException) -> None:
    interrupted: asyncio.Future[None] = asyncio.get_running_loop().create_future()
    session: Any = _Quiet()
    await stopped_playing(session, interrupted)
    assert not interrupted.done()  # it returned before the interruption ended
    interrupted.set_exception(error)
    await asyncio.sleep(0)  # the done callbacks run
    del interrupted
    gc.collect()


async def test_an_interruption_that_fails_after_the_goodbye_began_is_logged_not_lost(
    caplog: pytest.LogCaptureFixture,
) -> None:
    unretrieved: list[dict[str, Any]] = []
    loop = asyncio.get_running_loop()
    loop.set_exception_handler(lambda _loop, context: unretrieved.append(context))
    try:
        with caplog.at_level(logging.WARNING, logger="shadows.agent.ending"):
            await _interrupted_later(ValueError("speech broke"))
            await _interrupted_later(RuntimeError("session closing"))  # expected: not logged
    finally:
        loop.set_exception_handler(None)
    assert unretrieved == []
    said = [r.getMessage() for r in caplog.records if r.name == "shadows.agent.ending"]
    assert said == ["interrupting the speech for the goodbye failed: ValueError"], said
