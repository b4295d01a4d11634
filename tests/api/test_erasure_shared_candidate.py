"""Erasing one session of a candidate who has several (one ATS external id, a retake under another name): the shared
candidate row loses what the erased session alone gave, and keeps what the others gave. Real API, real PostgreSQL."""

from __future__ import annotations

from typing import Any

import psycopg
from psycopg.rows import DictRow

from tests.conftest import ApiServer

Conn = psycopg.AsyncConnection[DictRow]


async def _candidate(db: Conn) -> dict[str, Any]:
    cur = await db.execute(
        "select name, email, other_names from candidates where external_id = 'cand-retakes'"
    )
    rows = await cur.fetchall()
    assert len(rows) == 1, rows
    return dict(rows[0])


async def test_erasing_one_of_a_candidates_sessions_takes_off_only_the_names_it_alone_gave(
    api_server: ApiServer, db: Conn
) -> None:
    # The row keeps the newest session's name and address and, in `other_names`, those it replaced: erasing a
    # session left its name and address there (or as the row's own), for the grader and every later session.
    async def take(name: str, email: str) -> str:
        created = await api_server.create_session(
            candidate={"name": name, "email": email, "external_id": "cand-retakes"}
        )
        return str(created["id"])

    async def erase(session_id: str) -> None:
        r = await api_server.client.delete(f"/v1/sessions/{session_id}", headers=api_server.org_headers())
        assert r.status_code == 204, r.text

    await take("Ada Lovelace", "ada@example.com")
    byron = await take("Ada Byron", "ada@example.com")  # the same address as the first
    king = await take("Ada King", "king@example.com")
    assert await _candidate(db) == {
        "name": "Ada King",
        "email": "king@example.com",
        "other_names": ["Ada Byron", "ada@example.com", "Ada Lovelace"],
    }

    await erase(byron)  # its name goes; its address stays: the first session gave it too
    assert await _candidate(db) == {
        "name": "Ada King",
        "email": "king@example.com",
        "other_names": ["ada@example.com", "Ada Lovelace"],
    }

    await erase(king)  # the row's own name and address were its: the remaining session's come back
    assert await _candidate(db) == {"name": "Ada Lovelace", "email": "ada@example.com", "other_names": []}
