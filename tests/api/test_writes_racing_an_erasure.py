"""A write to a session racing the session's erasure (`DELETE /v1/sessions/{id}` on another replica, or the
retention job). The route read the session, the erasure committed, and a row the write then inserted referring to
the session failed on the foreign key: a 500. Held here deterministically for each route that writes to a session
an erasure may take (scheduled or finished): the test locks the session's row, lets the write block on it, deletes
the session in that transaction and commits. Each must answer as if the session had never been there (404)."""

from __future__ import annotations

import asyncio
from types import SimpleNamespace
from typing import Any

import psycopg
import pytest
from psycopg.rows import DictRow

from api.db import bundle_repo
from api.db.pool import connection
from api.jobs.grading import _final_submit
from grader.final_submit import final_submission
from tests.api.conftest import consent_and_start
from tests.api.lock_support import until_blocked
from tests.conftest import ApiServer

Conn = psycopg.AsyncConnection[DictRow]

# name: (caller, method, path under the session, body); "consent" is filled from the notice the page shows.
WRITES: dict[str, tuple[str, str, str, Any]] = {
    "share link": ("org", "POST", "/share", {"expires_in_days": 3}),
    "legal hold": ("org", "POST", "/legal-hold", {"reason": "Dispute 2026-114"}),
    "update": ("org", "PATCH", "", {"extra_time_minutes": 5}),
    "consent": ("candidate", "POST", "/consent", "consent"),
    "accommodation request": (
        "candidate",
        "POST",
        "/accommodation-requests",
        {"kind": "human_interview", "message": "m"},
    ),
    # The interview running when the save was admitted; ended and erased before it was stored.
    "draft": ("candidate", "PUT", "/drafts/python", {"code": "def two_sum(nums, target): ..."}),
    "ats call sent again": ("org", "POST", "/ats-callbacks/{callback}/send-again", None),
}


@pytest.mark.parametrize("write", list(WRITES))
async def test_a_write_that_an_erasure_overtook_is_404_not_a_500(
    api_server: ApiServer, db: Conn, db_url: str, write: str
) -> None:
    caller, method, path, body = WRITES[write]
    session = await api_server.create_session()
    if body == "consent":
        notice = (await api_server.client.post("/v1/join", json={"invite": session["invite"]})).json()[
            "notice"
        ]
        body = {"notice_version": notice["version"], "notice_sha256": notice["sha256"], "agreed": True}
    if write == "draft":
        await consent_and_start(api_server.client, session)
    if "{callback}" in path:  # a call back to an ATS that failed, to send again
        cur = await db.execute(
            "insert into ats_callbacks (session_id, organization_id, provider, kind, status)"
            " values (%s, %s, 'greenhouse', 'started', 'failed') returning id",
            (session["id"], api_server.org_id),
        )
        callback = await cur.fetchone()
        assert callback is not None
        path = path.format(callback=callback["id"])
    headers = (
        api_server.org_headers() if caller == "org" else {"Authorization": f"Bearer {session['invite']}"}
    )
    async with await psycopg.AsyncConnection.connect(db_url) as locker:
        async with locker.transaction():
            await locker.execute("select 1 from sessions where id = %s for update", (session["id"],))
            request = asyncio.create_task(
                api_server.client.request(
                    method, f"/v1/sessions/{session['id']}{path}", json=body, headers=headers
                )
            )
            await until_blocked(db, request, "the write")
            await locker.execute("delete from sessions where id = %s", (session["id"],))
        r = await request
    assert (r.status_code, r.json()["error"]["code"]) == (404, "session_not_found"), r.text
    cur = await db.execute("select count(*) as n from share_links where session_id = %s", (session["id"],))
    assert await cur.fetchone() == {"n": 0}


RUN = {"language": "python", "code": "def two_sum(nums, target):\n    return [0, 1]\n", "mode": "run"}


@pytest.mark.parametrize(
    "lock",
    [
        "update",  # conflicts with the run's lease (key share): held before the judge
        "share",  # not with the lease, with the store (no key update): held after the judge
    ],
)
async def test_an_agent_run_that_an_erasure_overtook_is_404_and_stores_nothing(
    api_server: ApiServer, db: Conn, db_url: str, lock: str
) -> None:
    # The interviewer's runs are taken for a while after the interview ends (its last call may trail the end), and a
    # finished session may be erased meanwhile.
    session = await api_server.create_session()
    internal = api_server.internal_headers()
    base = f"/v1/internal/sessions/{session['id']}"
    assert (await api_server.agent_start(session, internal)).status_code == 200
    ended = await api_server.client.post(
        f"{base}/complete", json={"final_code": "x", "language": "python"}, headers=internal
    )
    assert ended.status_code == 200, ended.text
    async with await psycopg.AsyncConnection.connect(db_url) as locker:
        async with locker.transaction():
            await locker.execute(f"select 1 from sessions where id = %s for {lock}", (session["id"],))  # type: ignore[arg-type]  # one of two literals
            run = asyncio.create_task(api_server.client.post(f"{base}/runs", json=RUN, headers=internal))
            await until_blocked(db, run, "the run")  # the judge runs first when only the store waits
            await locker.execute("delete from sessions where id = %s", (session["id"],))
        r = await run
    assert (r.status_code, r.json()["error"]["code"]) == (404, "session_not_found"), r.text
    cur = await db.execute("select count(*) as n from submissions where session_id = %s", (session["id"],))
    assert await cur.fetchone() == {"n": 0}


async def test_a_grading_whose_session_is_erased_before_its_final_submission_stops_there(
    api_server: ApiServer, db: Conn
) -> None:
    # The grading job read the interview, then submits the candidate's last code for them (they never submitted).
    # The session erased in between: that submission is a 404, and the job went on to send the record it had read
    # to the model, after the erasure. It stops instead (its scorecard version went with the session).
    session = await api_server.create_session()
    internal = api_server.internal_headers()
    base = f"/v1/internal/sessions/{session['id']}"
    assert (await api_server.agent_start(session, internal)).status_code == 200
    ended = await api_server.client.post(
        f"{base}/complete", json={"final_code": RUN["code"], "language": "python"}, headers=internal
    )
    assert ended.status_code == 200, ended.text
    pool = api_server.app.state.pool
    async with connection(pool) as conn:
        bundle = await bundle_repo.load_bundle_input(conn, session["id"])
    assert bundle is not None and final_submission(bundle) is not None  # there is code to submit for them
    await db.execute("delete from sessions where id = %s", (session["id"],))
    resources = SimpleNamespace(  # the judge is never reached
        pool=pool, judge=None, admission=None, settings=api_server.settings
    )
    assert await _final_submit(resources, bundle, 0) is None  # type: ignore[arg-type]  # what the job uses of them
