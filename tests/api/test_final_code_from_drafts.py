"""An interview that ends without anyone handing in its code keeps the candidate's newest saved draft as its final
code. Without voice there is no interviewer to snapshot the editor: a candidate whose time ran out before they
pressed Submit or End interview (or whose tab closed) left their work in the drafts only, and the session ended
by the stall sweep or LiveKit's room_finished had no final code, so the grader had nothing to submit or read."""

from __future__ import annotations

from typing import Any

import psycopg
from psycopg.rows import DictRow

from api.db import endings_repo
from api.db.pool import connection
from api.jobs.lapsed_sessions import abandon_stalled_sessions
from tests.api.conftest import consent_and_start
from tests.conftest import ApiServer

Conn = psycopg.AsyncConnection[DictRow]


async def _started_with_drafts(
    api_server: ApiServer, db: Conn, drafts: list[tuple[str, str]]
) -> dict[str, Any]:
    """A started two-language session whose candidate saved `drafts` (language, code) in this order."""
    s = await api_server.create_session(language="python", languages=["python", "java"])
    await consent_and_start(api_server.client, s)
    auth = {"Authorization": f"Bearer {s['invite']}"}
    for language, code in drafts:
        r = await api_server.client.put(
            f"/v1/sessions/{s['id']}/drafts/{language}", json={"code": code}, headers=auth
        )
        assert r.status_code == 200, r.text
    return s


async def _ending(db: Conn, session_id: str) -> dict[str, Any]:
    cur = await db.execute(
        "select status, end_reason, final_code, language from sessions where id = %s", (session_id,)
    )
    row = await cur.fetchone()
    assert row is not None
    return dict(row)


async def test_an_interview_nothing_ended_keeps_the_newest_draft_as_its_final_code(
    api_server: ApiServer, db: Conn
) -> None:
    s = await _started_with_drafts(
        api_server,
        db,
        [("python", "def f():\n    return 1\n"), ("java", "class Solution { int f() { return 2; } }")],
    )
    await db.execute("update sessions set started_at = now() - interval '3 hours' where id = %s", (s["id"],))
    async with connection(api_server.app.state.pool) as conn:
        assert await abandon_stalled_sessions(conn) == 1
    assert await _ending(db, s["id"]) == {
        "status": "abandoned",
        "end_reason": "stalled",
        "final_code": "class Solution { int f() { return 2; } }",  # the draft saved last, in its own language
        "language": "java",
    }


async def test_a_room_that_finished_keeps_the_newest_draft_and_a_completion_with_code_keeps_its_own(
    api_server: ApiServer, db: Conn
) -> None:
    s = await _started_with_drafts(api_server, db, [("python", "def f():\n    return 'draft'\n")])
    async with connection(api_server.app.state.pool) as conn:
        assert await endings_repo.mark_abandoned(conn, s["id"], "room_finished")
    assert (await _ending(db, s["id"]))["final_code"] == "def f():\n    return 'draft'\n"

    # The agent's completion that the webhook overtook still brings its own code, which wins over the draft.
    async with connection(api_server.app.state.pool) as conn:
        status = await endings_repo.mark_completed(
            conn,
            s["id"],
            final_code="def f():\n    return 'agent'\n",
            language="python",
            reason="completed",
            after_abandon_s=60,
        )
    assert status == "completed"
    assert (await _ending(db, s["id"]))["final_code"] == "def f():\n    return 'agent'\n"

    # A completion that carries no code (an agent that never saw the editor) takes the newest draft.
    t = await _started_with_drafts(api_server, db, [("java", "class Solution {}")])
    async with connection(api_server.app.state.pool) as conn:
        await endings_repo.mark_completed(conn, t["id"], final_code=None, language=None, reason="completed")
    ending = await _ending(db, t["id"])
    assert (ending["final_code"], ending["language"]) == ("class Solution {}", "java")


async def test_a_session_without_drafts_ends_without_final_code(api_server: ApiServer, db: Conn) -> None:
    s = await _started_with_drafts(api_server, db, [])
    async with connection(api_server.app.state.pool) as conn:
        assert await endings_repo.mark_abandoned(conn, s["id"], "room_finished")
    ending = await _ending(db, s["id"])
    assert (ending["final_code"], ending["language"]) == (None, "python")


async def test_code_handed_in_for_a_language_the_interview_does_not_use_is_not_the_final_answer(
    api_server: ApiServer, db: Conn
) -> None:
    # The agent hands in what the candidate's editor reported; an editor made to report C++ in a Python-or-Java
    # interview neither became the answer graded nor widened the organisation's choice of languages.
    s = await _started_with_drafts(api_server, db, [("java", "class Solution { int f() { return 2; } }")])
    r = await api_server.client.post(
        f"/v1/internal/sessions/{s['id']}/complete",
        json={"final_code": "int f() { return 3; }", "language": "cpp"},
        headers=api_server.internal_headers(),
    )
    assert r.status_code == 200, r.text
    assert await _ending(db, s["id"]) == {
        "status": "completed",
        "end_reason": "completed",
        "final_code": "class Solution { int f() { return 2; } }",
        "language": "java",
    }
    cur = await db.execute("select languages from sessions where id = %s", (s["id"],))
    assert await cur.fetchone() == {"languages": ["python", "java"]}


async def test_end_interview_from_a_tab_without_the_newest_code_keeps_the_newest_draft(
    api_server: ApiServer, db: Conn
) -> None:
    # A tab whose draft save was refused as `draft_conflict` (another tab saved since) hands in no code when the
    # candidate ends the interview from it (web/src/workspace.ts `finalCode`): the other tab's newer draft is final.
    s = await _started_with_drafts(api_server, db, [("python", "def f():\n    return 'the newer tab'\n")])
    r = await api_server.client.post(
        f"/v1/sessions/{s['id']}/end",
        json={"code": None, "language": None},
        headers={"Authorization": f"Bearer {s['invite']}"},
    )
    assert r.status_code == 200, r.text
    ending = await _ending(db, s["id"])
    assert (ending["status"], ending["end_reason"]) == ("completed", "candidate_ended")
    assert (ending["final_code"], ending["language"]) == ("def f():\n    return 'the newer tab'\n", "python")
