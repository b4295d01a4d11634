"""The page's `POST /v1/sessions/{id}/end` after the interviewer ended the interview stores nothing.

The interviewer freezes the code at the interview's END (agent.ending.enter_end: the held snapshot is recorded, no
later one is taken), says goodbye, then completes the session with that code. The page's End button waits for the
interviewer's `ended`, then calls `/end` with the editor's code as it is then, and whichever completion came first
was kept: code typed during the goodbye (after the time was up, say) became the final code, and so could any code a
script holding the invite sent at any moment after the END. Once the END is recorded, `/end` answers 200 with the
session's status as it is and keeps nothing; the interviewer's completion (or, the agent lost, `room_finished`)
ends the session with the code of its end. Before any END, `/end` ends the interview with the page's code, as
before. The check reads the END under the session's row lock, as the event append takes it: an END that committed
first is never missed."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from typing import Any

import httpx
import psycopg
import pytest
from psycopg.rows import dict_row

from tests.api.conftest import signed_webhook
from tests.api.lock_support import until_blocked
from tests.api.test_one_interviewer import Conn, World, world  # noqa: F401  # `world` is a fixture
from tests.api.test_one_interviewer_ending import _ended

AT_THE_END = "def solve():\n    return 'at the end'\n"
DURING_GOODBYE = "def solve():\n    return 'typed during the goodbye'\n"
DRAFT = "def solve():\n    return 'draft'\n"


@pytest.fixture
async def holder(db_url: str) -> AsyncIterator[Conn]:
    """A second connection, to hold a session's row while requests queue behind it."""
    async with await psycopg.AsyncConnection.connect(db_url, autocommit=True, row_factory=dict_row) as conn:
        yield conn


async def _running(w: World) -> dict[str, Any]:
    s = await w.running_session()
    assert (await w.start(s["id"], "AJ_holder")).status_code == 200
    return s


async def _page_end(w: World, s: dict[str, Any], code: str) -> httpx.Response:
    """The page's End interview: `/end` with the editor's code, authorised by the invite."""
    return await w.client.post(
        f"/v1/sessions/{s['id']}/end",
        json={"code": code, "language": "python"},
        headers={"Authorization": f"Bearer {s['invite']}"},
    )


async def _save_draft(w: World, s: dict[str, Any], code: str) -> httpx.Response:
    """The page's autosave of its python draft, authorised by the invite."""
    return await w.client.put(
        f"/v1/sessions/{s['id']}/drafts/python",
        json={"code": code},
        headers={"Authorization": f"Bearer {s['invite']}"},
    )


async def _room_finished(w: World, s: dict[str, Any], event_id: str) -> httpx.Response:
    """LiveKit closes the room (its holder crashed after the END): the ending without the agent."""
    body, auth = signed_webhook(
        "room_finished", room=s["room"], event_id=event_id, created_at=int(time.time())
    )
    return await w.client.post("/v1/livekit/webhook", content=body, headers={"Authorization": auth})


async def _ending(db: Conn, sid: str) -> dict[str, Any]:
    cur = await db.execute("select status, end_reason, final_code from sessions where id = %s", (sid,))
    row = await cur.fetchone()
    assert row is not None
    return dict(row)


async def _gradings(db: Conn, sid: str) -> int:
    cur = await db.execute(
        "select count(*) as n from procrastinate_jobs where task_name = 'grade_session' and args->>'session_id' = %s",
        (sid,),
    )
    row = await cur.fetchone()
    assert row is not None
    return int(row["n"])


async def test_the_pages_end_after_the_interviewers_end_keeps_nothing_and_its_completion_decides(
    world: World,  # noqa: F811  # the fixture
    db: Conn,
) -> None:
    s = await _running(world)
    assert (
        await _ended(world, s["id"], "AJ_holder")
    ).status_code == 200  # time up: the END, then the goodbye

    # The candidate types during the goodbye and presses End (or a script posts it): 200, the session as it is.
    late = await _page_end(world, s, DURING_GOODBYE)
    assert late.status_code == 200, late.text
    assert late.json() == {"id": s["id"], "status": "in_progress"}
    assert await _ending(db, s["id"]) == {"status": "in_progress", "end_reason": None, "final_code": None}
    assert await _gradings(db, s["id"]) == 0

    # The interviewer completes with the code at its END: that is the final code, graded once.
    done = await world.complete(s["id"], "AJ_holder", AT_THE_END)
    assert done.status_code == 200 and done.json()["status"] == "completed", done.text
    assert await _ending(db, s["id"]) == {
        "status": "completed",
        "end_reason": "completed",
        "final_code": AT_THE_END,
    }
    assert await _gradings(db, s["id"]) == 1

    # The page's /end after the completion is refused as over, as before (the page shows the end on it).
    again = await _page_end(world, s, DURING_GOODBYE)
    assert again.status_code == 409 and again.json()["error"]["code"] == "session_finished", again.text
    assert (await _ending(db, s["id"]))["final_code"] == AT_THE_END
    assert await _gradings(db, s["id"]) == 1


async def test_the_pages_end_after_the_end_with_the_agent_lost_leaves_the_ending_to_room_finished(
    world: World,  # noqa: F811  # the fixture
    db: Conn,
) -> None:
    s = await _running(world)
    draft = await _save_draft(world, s, DRAFT)
    assert draft.status_code == 200, draft.text
    assert (await _ended(world, s["id"], "AJ_holder")).status_code == 200
    late = await _page_end(world, s, DURING_GOODBYE)
    assert late.status_code == 200 and late.json()["status"] == "in_progress", late.text

    # The holder crashed after its END: LiveKit closes the room, and the ending without it keeps what it would.
    finished = await _room_finished(world, s, "EV_rf_after_end")
    assert finished.status_code == 200 and finished.json()["status"] == "completed", finished.text
    assert await _ending(db, s["id"]) == {
        "status": "completed",
        "end_reason": "ended_agent_lost",
        "final_code": DRAFT,
    }
    assert await _gradings(db, s["id"]) == 1


async def test_an_end_committed_while_the_pages_end_waited_on_the_row_is_seen(
    world: World,  # noqa: F811  # the fixture
    db: Conn,
    holder: Conn,
) -> None:
    """The END's append and the page's /end queue behind the session's row (held by the test), the END first: the
    page's /end reads it under the lock, after it committed, and keeps nothing."""
    s = await _running(world)
    async with holder.transaction():
        await holder.execute("select 1 from sessions where id = %s for update", (s["id"],))
        end = asyncio.create_task(_ended(world, s["id"], "AJ_holder"))
        await until_blocked(db, end, "the END's append")
        page = asyncio.create_task(_page_end(world, s, DURING_GOODBYE))
        await until_blocked(db, page, "the page's /end", waiting=2)
    assert (await end).status_code == 200
    answered = await page
    assert answered.status_code == 200 and answered.json()["status"] == "in_progress", answered.text
    assert await _ending(db, s["id"]) == {"status": "in_progress", "end_reason": None, "final_code": None}
    done = await world.complete(s["id"], "AJ_holder", AT_THE_END)
    assert done.status_code == 200, done.text
    assert (await _ending(db, s["id"]))["final_code"] == AT_THE_END


async def test_the_pages_end_before_any_end_still_ends_the_interview_with_its_code(
    world: World,  # noqa: F811  # the fixture
    db: Conn,
) -> None:
    s = await _running(world)
    ended = await _page_end(world, s, DURING_GOODBYE)
    assert ended.status_code == 200 and ended.json() == {"id": s["id"], "status": "completed"}, ended.text
    assert await _ending(db, s["id"]) == {
        "status": "completed",
        "end_reason": "candidate_ended",
        "final_code": DURING_GOODBYE,
    }
    assert await _gradings(db, s["id"]) == 1


async def test_a_draft_saved_after_the_end_is_refused_and_never_the_final_code(
    world: World,  # noqa: F811  # the fixture
    db: Conn,
) -> None:
    """With the agent lost after its END, the ending without it keeps the newest saved draft: a draft the page saved
    during the goodbye (or a script, at any moment after the END) was that code. After the END the draft route
    refuses as over, and the page stops saving on it."""
    s = await _running(world)
    assert (await _save_draft(world, s, DRAFT)).status_code == 200
    assert (await _ended(world, s["id"], "AJ_holder")).status_code == 200
    late = await _save_draft(world, s, DURING_GOODBYE)
    assert late.status_code == 409 and late.json()["error"]["code"] == "session_finished", late.text
    finished = await _room_finished(world, s, "EV_rf_draft_after_end")
    assert finished.status_code == 200 and finished.json()["status"] == "completed", finished.text
    assert await _ending(db, s["id"]) == {
        "status": "completed",
        "end_reason": "ended_agent_lost",
        "final_code": DRAFT,
    }
