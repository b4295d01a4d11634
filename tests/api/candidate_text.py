"""Candidate-written text put into a seeded interview's record (tests/api/report_support.seed_interview), as the
report tests of hostile or link-bearing text need it: a line the candidate said or typed, and their code."""

from __future__ import annotations

from typing import Any

import psycopg
from psycopg.rows import DictRow

from api.db import events_repo

Conn = psycopg.AsyncConnection[DictRow]


async def add_said_and_code(
    db: Conn, session_id: str, tag: str, said: str, code: str, *, typed: bool = False
) -> list[events_repo.Stored]:
    """Appends `said` as the candidate's line at 284 s (typed in the text-only chat with `typed`) and `code` as an
    editor snapshot at 286 s, keys `<tag>:said` and `<tag>:code`, and makes `code` the session's final code.
    Returns the stored events, the line first."""
    line: dict[str, Any] = {"role": "user", "text": said, "start": 284.0, "end": 285.0}
    if typed:
        line["typed"] = True
    stored = await events_repo.append_events(
        db,
        session_id,
        [
            events_repo.EventIn(f"{tag}:said", "transcript", line, 284.0),
            events_repo.EventIn(
                f"{tag}:code", "editor_snapshot", {"language": "python", "code": code}, 286.0
            ),
        ],
    )
    assert stored is not None
    await db.execute("update sessions set final_code = %s where id = %s", (code, session_id))
    return stored
