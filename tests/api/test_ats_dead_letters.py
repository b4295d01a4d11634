"""An organisation finds the calls its ATS never took (its dead letters) across all its sessions: a failed call
back to Greenhouse or Ashby was visible only in the log of its own session, so an organisation had to read every
session's log to learn that a candidate's result never reached its ATS."""

from __future__ import annotations

from typing import Any

import psycopg
from psycopg.rows import DictRow

from api.db import attempts_repo
from tests.api.integration_support import end_interview, simulate_interview, store_version
from tests.conftest import ApiServer
from tests.fakes.greenhouse import fake_greenhouse

Conn = psycopg.AsyncConnection[DictRow]
CANDIDATE = {"first_name": "Ada", "last_name": "Lovelace", "email": "ada@example.com"}


async def _graded_interviews(server: ApiServer, db: Conn, key: str | None, n: int) -> list[str]:
    """`n` Greenhouse interviews of the key's organisation, each graded, so each has its completion PATCH queued."""
    r = await server.client.post("/v1/integrations/greenhouse/keys", headers=server.org_headers(key))
    assert r.status_code == 201, r.text
    ids = []
    async with fake_greenhouse(f"{server.url}/integrations/greenhouse", r.json()["key"]) as gh:
        for _ in range(n):
            sent = await gh.send_test("difficulty:easy", CANDIDATE)
            interview = sent.json()["partner_interview_id"]
            await simulate_interview(server, interview)
            await end_interview(server, interview)
            await store_version(db, server, interview, 1, ready=True)
            ids.append(interview)
    return ids


async def _calls(db: Conn, session_id: str) -> list[dict[str, Any]]:
    cur = await db.execute("select id from ats_callbacks where session_id = %s", (session_id,))
    return await cur.fetchall()


async def test_an_organisation_lists_the_calls_its_ats_never_took_across_its_sessions(
    api_server: ApiServer, db: Conn
) -> None:
    first, second, third = await _graded_interviews(api_server, db, None, 3)
    _, other_key = await api_server.create_org("Other Org")
    (theirs,) = await _graded_interviews(api_server, db, other_key, 1)
    for session_id in (first, third, theirs):  # the ATS was down past every retry
        (call,) = await _calls(db, session_id)
        assert await attempts_repo.fail_pending(db, "ats_callbacks", call["id"], "http_status")

    r = await api_server.client.get(
        "/v1/ats-callbacks", params={"status": "failed", "limit": 1}, headers=api_server.org_headers()
    )
    assert r.status_code == 200, r.text
    page = r.json()
    assert [(c["session_id"], c["provider"], c["kind"], c["status"]) for c in page["data"]] == [
        (third, "greenhouse", "completed", "failed")
    ]
    r = await api_server.client.get(
        "/v1/ats-callbacks",
        params={"status": "failed", "limit": 1, "cursor": page["next_cursor"]},
        headers=api_server.org_headers(),
    )
    assert [c["session_id"] for c in r.json()["data"]] == [first] and r.json()["next_cursor"] is None
    everything = await api_server.client.get("/v1/ats-callbacks", headers=api_server.org_headers())
    assert [c["session_id"] for c in everything.json()["data"]] == [third, second, first]  # newest first
    assert theirs not in everything.text  # another organisation's calls are never listed
    other = await api_server.client.get("/v1/ats-callbacks", headers=api_server.org_headers(other_key))
    assert [c["session_id"] for c in other.json()["data"]] == [theirs]
    bad = await api_server.client.get(
        "/v1/ats-callbacks", params={"cursor": "not-a-cursor"}, headers=api_server.org_headers()
    )
    assert (bad.status_code, bad.json()["error"]["code"]) == (400, "invalid_cursor")
