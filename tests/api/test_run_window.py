"""When runs, submissions and joins are allowed: only while the session is in progress and until its end plus the
grace period; one run of a session in flight at a time, whoever asked for it; a per-session run rate;
the room_finished-before-complete race keeps the agent's final code."""

from __future__ import annotations

import asyncio
from typing import Any

import psycopg
import pytest
from psycopg.rows import DictRow

from tests.api.conftest import serve, signed_webhook
from tests.conftest import ApiServer

Conn = psycopg.AsyncConnection[DictRow]
pytestmark = pytest.mark.sandbox

QUICK = "def two_sum(nums, target):\n    return [0, 1]\n"
SLEEPY = "import time\ndef two_sum(nums, target):\n    time.sleep(1.5)\n    return [0, 1]\n"
# One process runs every test: only the first call waits, so a Submit of many tests is as slow as a Run.
SLEEPY_ONCE = (
    "import time\n_slept = False\ndef two_sum(nums, target):\n    global _slept\n"
    "    if not _slept:\n        _slept = True\n        time.sleep(1.5)\n    return [0, 1]\n"
)


def _auth(s: dict[str, Any]) -> dict[str, str]:
    return {"Authorization": f"Bearer {s['invite']}"}


async def _start(server: ApiServer, s: dict[str, Any]) -> None:
    r = await server.agent_start(s)
    assert r.status_code == 200, r.text


async def _count(db: Conn, sql: str, *args: Any) -> int:
    cur = await db.execute(sql, args)
    row = await cur.fetchone()
    assert row is not None
    return int(row["n"])


async def _until_leased(db: Conn, sid: str) -> None:
    """Until a run of the session holds its lease (the run is in flight)."""
    for _ in range(600):
        if await _count(db, "select count(*) as n from session_run_leases where session_id = %s", sid):
            return
        await asyncio.sleep(0.02)
    pytest.fail("the first run never took its lease")


async def _age(db: Conn, sid: str, minutes: float) -> None:
    """Pretend the session started `minutes` ago."""
    await db.execute(
        "update sessions set started_at = now() - make_interval(secs => %s) where id = %s",
        (minutes * 60, sid),
    )


@pytest.mark.parametrize("route", ["runs", "submissions"])
async def test_run_before_the_session_starts_is_409_session_not_started(
    api_server: ApiServer, db: Conn, route: str
) -> None:
    s = await api_server.create_session()
    r = await api_server.client.post(
        f"/v1/sessions/{s['id']}/{route}", json={"language": "python", "code": QUICK}, headers=_auth(s)
    )
    assert (r.status_code, r.json()["error"]["code"]) == (409, "session_not_started")
    assert await _count(db, "select count(*) as n from submissions") == 0
    assert await _count(db, "select count(*) as n from session_run_leases") == 0


@pytest.mark.parametrize("route", ["runs", "submissions"])
async def test_run_after_the_end_plus_grace_is_409_session_time_up(
    api_server: ApiServer, db: Conn, route: str
) -> None:
    s = await api_server.create_session(duration_minutes=30)
    await _start(api_server, s)
    await _age(db, s["id"], 30 + api_server.settings.token_grace_minutes + 1)
    r = await api_server.client.post(
        f"/v1/sessions/{s['id']}/{route}", json={"language": "python", "code": QUICK}, headers=_auth(s)
    )
    assert (r.status_code, r.json()["error"]["code"]) == (409, "session_time_up")
    assert await _count(db, "select count(*) as n from submissions") == 0


async def test_run_in_the_grace_period_is_judged(api_server: ApiServer, db: Conn) -> None:
    s = await api_server.create_session(duration_minutes=30)
    await _start(api_server, s)
    await _age(db, s["id"], 30 + api_server.settings.token_grace_minutes - 2)
    r = await api_server.client.post(
        f"/v1/sessions/{s['id']}/runs", json={"language": "python", "code": QUICK}, headers=_auth(s)
    )
    assert r.status_code == 200, r.text
    assert await _count(db, "select count(*) as n from session_run_leases") == 0


async def test_join_and_livekit_token_after_the_end_plus_grace_are_409(
    api_server: ApiServer, db: Conn
) -> None:
    s = await api_server.create_session(duration_minutes=20)
    await _start(api_server, s)
    await _age(db, s["id"], 20 + api_server.settings.token_grace_minutes - 1)
    ok = await api_server.client.post("/v1/join", json={"invite": s["invite"]})
    assert ok.status_code == 200
    await _age(db, s["id"], 20 + api_server.settings.token_grace_minutes + 0.5)
    late = await api_server.client.post("/v1/join", json={"invite": s["invite"]})
    token = await api_server.client.post("/v1/livekit/token", json={}, headers=_auth(s))
    assert (late.status_code, late.json()["error"]["code"]) == (409, "session_time_up")
    assert (token.status_code, token.json()["error"]["code"]) == (409, "session_time_up")


async def test_agent_run_follows_the_same_end_bound(api_server: ApiServer, db: Conn) -> None:
    s = await api_server.create_session(duration_minutes=30)
    await _start(api_server, s)
    body = {"language": "python", "code": QUICK, "mode": "submit"}
    path = f"/v1/internal/sessions/{s['id']}/runs"
    await _age(db, s["id"], 30 + 1)  # overtime: still inside the grace period
    inside = await api_server.client.post(path, json=body, headers=api_server.internal_headers())
    assert inside.status_code == 200, inside.text
    await _age(db, s["id"], 30 + api_server.settings.token_grace_minutes + 1)
    late = await api_server.client.post(path, json=body, headers=api_server.internal_headers())
    assert (late.status_code, late.json()["error"]["code"]) == (409, "session_time_up")


async def test_second_run_while_one_is_in_flight_is_429_with_retry_after(
    api_server: ApiServer, db: Conn
) -> None:
    s = await api_server.create_session()
    await _start(api_server, s)
    path = f"/v1/sessions/{s['id']}/runs"
    first = asyncio.create_task(
        api_server.client.post(path, json={"language": "python", "code": SLEEPY}, headers=_auth(s))
    )
    await _until_leased(db, s["id"])

    second = await api_server.client.post(path, json={"language": "python", "code": QUICK}, headers=_auth(s))
    submit = await api_server.client.post(
        f"/v1/sessions/{s['id']}/submissions", json={"language": "python", "code": QUICK}, headers=_auth(s)
    )
    # The agent's run too: two runs of one session at once were each the other's "other work" to the judge's meter,
    # which credited each with waiting behind the other (tests/api/test_runs_one_per_session.py).
    agent = await api_server.client.post(
        f"/v1/internal/sessions/{s['id']}/runs",
        json={"language": "python", "code": QUICK},
        headers=api_server.internal_headers(),
    )
    done = await first

    for r in (second, submit, agent):
        assert (r.status_code, r.json()["error"]["code"]) == (429, "run_in_progress"), r.text
        assert int(r.headers["retry-after"]) >= 1
    assert done.status_code == 200, done.text
    assert await _count(db, "select count(*) as n from session_run_leases") == 0
    again = await api_server.client.post(path, json={"language": "python", "code": QUICK}, headers=_auth(s))
    assert again.status_code == 200, again.text
    assert await _count(db, "select count(*) as n from submissions where session_id = %s", s["id"]) == 2


# (who runs first, what; who runs beside it, what). A Submit's process holds the hidden tests' inputs and a Run's
# output is shown (the agent's too: its report goes to the candidate's page); two processes at once on one host can
# signal each other through what they share (the page cache), so within a session a Submit never overlaps another
# run, whoever asked for either.
APART = [
    (("candidate", "submit"), ("agent", "run")),
    (("agent", "submit"), ("candidate", "run")),
    (("agent", "submit"), ("candidate", "custom")),
    (("candidate", "run"), ("agent", "submit")),
    (("candidate", "custom"), ("agent", "submit")),
    (("agent", "run"), ("candidate", "submit")),
]


def _request(server: ApiServer, s: dict[str, Any], who: str, what: str, code: str) -> Any:
    body: dict[str, Any] = {"language": "python", "code": code}
    if who == "agent":
        body["mode"] = what
        return server.client.post(
            f"/v1/internal/sessions/{s['id']}/runs", json=body, headers=server.internal_headers()
        )
    if what == "custom":
        body["inputs"] = [[[3, 4], 7]]
    path = {"run": "runs", "submit": "submissions", "custom": "custom-runs"}[what]
    return server.client.post(f"/v1/sessions/{s['id']}/{path}", json=body, headers=_auth(s))


@pytest.mark.parametrize(("first", "beside"), APART, ids=lambda p: "-".join(p))
async def test_a_submission_never_runs_beside_another_run_of_its_session(
    api_server: ApiServer, db: Conn, first: tuple[str, str], beside: tuple[str, str]
) -> None:
    row = await (await db.execute("select id from questions where slug = 'two-sum'")).fetchone()
    assert row is not None
    s = await api_server.create_session(question_id=str(row["id"]))
    other = await api_server.create_session(question_id=str(row["id"]))
    for sess in (s, other):
        await _start(api_server, sess)
    running = asyncio.create_task(_request(api_server, s, *first, SLEEPY_ONCE))
    await _until_leased(db, s["id"])
    refused = await _request(api_server, s, *beside, QUICK)
    elsewhere = await _request(api_server, other, *beside, QUICK)  # another session is not held up
    done = await running
    assert done.status_code in (200, 201), done.text
    assert (refused.status_code, refused.json()["error"]["code"]) == (429, "run_in_progress"), refused.text
    assert int(refused.headers["retry-after"]) >= 1
    assert elsewhere.status_code in (200, 201), elsewhere.text
    assert await _count(db, "select count(*) as n from session_run_leases") == 0  # every row of it released
    after = await _request(api_server, s, *beside, QUICK)
    if (
        first[1] == "submit"
    ):  # the final answer is in and the organisation allows no resubmission: no more runs,
        # refused under the lease (a lease still held would be 429 run_in_progress)
        assert (after.status_code, after.json()["error"]["code"]) == (409, "already_submitted"), after.text
    else:
        assert after.status_code in (200, 201), after.text


async def test_an_expired_lease_left_by_a_dead_process_does_not_block_the_session(
    api_server: ApiServer, db: Conn
) -> None:
    s = await api_server.create_session()
    await _start(api_server, s)
    await db.execute(
        "insert into session_run_leases (session_id, caller, token, expires_at) "
        "values (%s, 'candidate', gen_random_uuid(), now() - interval '1 second')",
        (s["id"],),
    )
    r = await api_server.client.post(
        f"/v1/sessions/{s['id']}/runs", json={"language": "python", "code": QUICK}, headers=_auth(s)
    )
    assert r.status_code == 200, r.text
    assert await _count(db, "select count(*) as n from session_run_leases") == 0


async def test_runs_over_the_per_session_rate_are_429_and_leave_no_lease(
    api_server: ApiServer, db: Conn
) -> None:
    settings = api_server.settings.model_copy(update={"run_rate_limit": "2/minute"})
    async with serve(settings) as client:
        s = await api_server.create_session()
        other = await api_server.create_session()
        for sess in (s, other):
            await _start(api_server, sess)
        path = f"/v1/sessions/{s['id']}/runs"
        codes = [
            (
                await client.post(path, json={"language": "python", "code": QUICK}, headers=_auth(s))
            ).status_code
            for _ in range(2)
        ]
        over = await client.post(path, json={"language": "python", "code": QUICK}, headers=_auth(s))
        elsewhere = await client.post(
            f"/v1/sessions/{other['id']}/runs",
            json={"language": "python", "code": QUICK},
            headers=_auth(other),
        )
    assert codes == [200, 200]
    assert (over.status_code, over.json()["error"]["code"]) == (429, "rate_limited")
    assert 1 <= int(over.headers["retry-after"]) <= 60
    assert elsewhere.status_code == 200  # the limit is per session, not per address
    assert await _count(db, "select count(*) as n from session_run_leases") == 0
    assert await _count(db, "select count(*) as n from submissions where session_id = %s", s["id"]) == 2


async def test_complete_after_room_finished_keeps_the_final_code(api_server: ApiServer, db: Conn) -> None:
    s = await api_server.create_session()
    await _start(api_server, s)
    body, auth = signed_webhook("room_finished", room=f"shadows-{s['id']}", event_id="EV_race")
    hook = await api_server.client.post(
        "/v1/livekit/webhook", content=body.encode(), headers={"Authorization": auth}
    )
    assert hook.json() == {"status": "abandoned"}
    cur = await db.execute("select ended_at from sessions where id = %s", (s["id"],))
    ended = (await cur.fetchone())["ended_at"]  # type: ignore[index]  # the session exists

    r = await api_server.client.post(
        f"/v1/internal/sessions/{s['id']}/complete",
        json={"final_code": "def two_sum(): pass", "language": "python", "reason": "time_up"},
        headers=api_server.internal_headers(),
    )

    assert r.json() == {"id": s["id"], "status": "completed"}
    cur = await db.execute(
        "select status, final_code, end_reason, ended_at from sessions where id = %s", (s["id"],)
    )
    row = await cur.fetchone()
    assert row == {
        "status": "completed",
        "final_code": "def two_sum(): pass",
        "end_reason": "time_up",
        "ended_at": ended,
    }


async def test_complete_long_after_room_finished_leaves_the_session_abandoned(
    api_server: ApiServer, db: Conn
) -> None:
    s = await api_server.create_session()
    await _start(api_server, s)
    body, auth = signed_webhook("room_finished", room=f"shadows-{s['id']}", event_id="EV_late_race")
    await api_server.client.post(
        "/v1/livekit/webhook", content=body.encode(), headers={"Authorization": auth}
    )
    window = api_server.settings.complete_after_abandon_s
    await db.execute(
        "update sessions set ended_at = now() - make_interval(secs => %s) where id = %s",
        (window + 5, s["id"]),
    )
    r = await api_server.client.post(
        f"/v1/internal/sessions/{s['id']}/complete",
        json={"final_code": "late code", "language": "python"},
        headers=api_server.internal_headers(),
    )
    assert r.json() == {"id": s["id"], "status": "abandoned"}
    cur = await db.execute("select final_code, end_reason from sessions where id = %s", (s["id"],))
    assert await cur.fetchone() == {"final_code": None, "end_reason": "room_finished"}


@pytest.mark.parametrize("ending", ["cancel", "complete"])
async def test_complete_never_revives_a_cancelled_or_completed_session(
    api_server: ApiServer, db: Conn, ending: str
) -> None:
    s = await api_server.create_session()
    await _start(api_server, s)
    if ending == "cancel":
        await api_server.client.post(f"/v1/sessions/{s['id']}/cancel", headers=api_server.org_headers())
    else:
        await api_server.client.post(
            f"/v1/internal/sessions/{s['id']}/complete",
            json={"final_code": "first", "reason": "completed"},
            headers=api_server.internal_headers(),
        )
    r = await api_server.client.post(
        f"/v1/internal/sessions/{s['id']}/complete",
        json={"final_code": "second", "reason": "time_up"},
        headers=api_server.internal_headers(),
    )
    expected = "cancelled" if ending == "cancel" else "completed"
    assert r.json()["status"] == expected
    cur = await db.execute("select final_code, end_reason from sessions where id = %s", (s["id"],))
    row = await cur.fetchone()
    assert row is not None and row["final_code"] != "second" and row["end_reason"] != "time_up"
