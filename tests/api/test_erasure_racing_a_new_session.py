"""An erasure (`DELETE /v1/sessions/{id}`) racing a new session for the same candidate (their external id, as an
ATS sends it). The erasure deletes the candidate when no other session refers to them, in one statement; waiting
for the candidate's row, which the new session's create held, that statement kept its snapshot from before the
wait, did not see the new session, deleted the candidate, and `on delete set null` took them off the new session:
its page named nobody, and the grader had no name on file to redact. Held here deterministically: the test locks
the question the new session takes, so its create holds the candidate's row (upserted) while it waits to insert the
session; the erasure then waits for that row, and the test lets both go."""

from __future__ import annotations

import asyncio

import psycopg
from psycopg.rows import DictRow

from tests.api.lock_support import until_blocked
from tests.conftest import ApiServer

Conn = psycopg.AsyncConnection[DictRow]
CANDIDATE = {"name": "Ada Lovelace", "email": "ada@example.com", "external_id": "gh-candidate-4821"}


async def test_erasing_a_candidates_old_session_keeps_them_on_a_new_one_created_meanwhile(
    api_server: ApiServer, db: Conn, db_url: str
) -> None:
    old = await api_server.create_session(candidate=CANDIDATE)
    cur = await db.execute("select question_id, candidate_id from sessions where id = %s", (old["id"],))
    row = await cur.fetchone()
    assert row is not None
    async with await psycopg.AsyncConnection.connect(db_url) as locker:
        async with locker.transaction():
            await locker.execute("select 1 from questions where id = %s for update", (row["question_id"],))
            create = asyncio.create_task(
                api_server.client.post(
                    "/v1/sessions",
                    json={"candidate": CANDIDATE, "question_id": str(row["question_id"])},
                    headers=api_server.org_headers(),
                )
            )
            await until_blocked(
                db, create, "the create", waiting=1
            )  # the candidate upserted, the session's insert waiting
            erase = asyncio.create_task(
                api_server.client.delete(f"/v1/sessions/{old['id']}", headers=api_server.org_headers())
            )
            await until_blocked(
                db, erase, "the erasure", waiting=2
            )  # the erasure waiting for the candidate's row
        created, erased = await create, await erase
    assert created.status_code == 201, created.text
    assert erased.status_code == 204, erased.text
    cur = await db.execute(
        "select s.candidate_id, c.name, c.external_id from sessions s left join candidates c on c.id = s.candidate_id"
        " where s.id = %s",
        (created.json()["id"],),
    )
    assert await cur.fetchone() == {
        "candidate_id": row["candidate_id"],
        "name": "Ada Lovelace",
        "external_id": "gh-candidate-4821",
    }
    # What the candidate's page shows: their own name, not the stand-in for a session without a candidate.
    joined = await api_server.client.post("/v1/join", json={"invite": created.json()["invite"]})
    assert joined.json()["participant_name"] == "Ada Lovelace"
    cur = await db.execute("select removed from session_deletions where session_id = %s", (old["id"],))
    deletion = await cur.fetchone()
    assert deletion is not None and deletion["removed"]["candidate"] == 0
