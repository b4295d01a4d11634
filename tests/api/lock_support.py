"""Holding a row and letting a request block on it: the barrier of the race tests (no timing luck)."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import psycopg
from psycopg.rows import DictRow

Conn = psycopg.AsyncConnection[DictRow]


async def lock_waits(db: Conn) -> int:
    """How many of this database's backends wait on a lock now."""
    cur = await db.execute(
        "select count(*) as n from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'"
    )
    row = await cur.fetchone()
    return int(row["n"]) if row else 0


async def until_blocked(
    db: Conn, task: asyncio.Task[Any], what: str, *, waiting: int = 1, within_s: float = 60
) -> None:
    """Wait until `task` (a request) waits on the lock the test holds, so that what the test does next overtakes
    it. It must get there: the generous deadline is for a loaded box, where a request can take seconds to reach
    the database; finishing without waiting is a failure that says so."""
    deadline = time.monotonic() + within_s
    while await lock_waits(db) < waiting:
        if task.done():
            raise AssertionError(f"{what} finished without waiting on the row: {task.result()!r}")
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {within_s}s waiting for {what} to reach the row")
        await asyncio.sleep(0.01)
    assert not task.done(), f"{what} finished without waiting on the row"
