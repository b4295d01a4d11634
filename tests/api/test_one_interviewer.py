"""One interviewer per interview: the agent job that starts a session holds it (api/db/interviewers_repo.py).

LiveKit admits any number of agent participants to a room: a second job (a dispatch racing the first job's
arrival, a redispatch after a webhook) resumed from the log, answered the candidate and wrote its own transcript,
hints and ending into the one record. Here, against the real API and Postgres: a second job's start is refused, its
events and completion are never stored, a crashed holder's lease runs out and a redispatched job takes over, and
LiveKit's participant_left for the holder releases it at once."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import httpx
import psycopg
import pytest
from livekit import api as lk
from psycopg.rows import DictRow

from api.db.orgs_repo import create_org
from api.settings import ApiSettings
from api.tokens import candidate_identity
from tests.api.conftest import serve, signed_webhook
from tests.api.lock_support import until_blocked
from tests.conftest import LIVEKIT_KEY, LIVEKIT_SECRET
from tests.fakes.livekit_server import FakeLiveKitServer

Conn = psycopg.AsyncConnection[DictRow]
JOB = "X-Shadows-Agent-Job"


def agent_left(room: str, job_id: str, event_id: str) -> tuple[str, str]:
    """LiveKit's participant_left for an agent job's participant (livekit-agents joins as `agent-<job id>`)."""
    return signed_webhook(
        "participant_left", room=room, identity=f"agent-{job_id}", event_id=event_id,
        created_at=int(time.time()), kind=lk.ParticipantInfo.Kind.AGENT,
    )  # fmt: skip


@dataclass
class World:
    client: httpx.AsyncClient
    livekit: FakeLiveKitServer
    key: str
    settings: ApiSettings

    def job(self, job_id: str | None) -> dict[str, str]:
        headers = {"Authorization": f"Bearer {self.settings.internal_token.get_secret_value()}"}
        return headers | ({JOB: job_id} if job_id else {})

    async def start(self, sid: str, job_id: str | None) -> httpx.Response:
        return await self.client.post(f"/v1/internal/sessions/{sid}/start", headers=self.job(job_id))

    async def events(self, sid: str, job_id: str | None, *lines: str) -> httpx.Response:
        events = [
            {"idempotency_key": f"agent:transcript:{job_id}:{i}", "type": "transcript",
             "payload": {"role": "user", "text": text}}
            for i, text in enumerate(lines)
        ]  # fmt: skip
        return await self.client.post(
            f"/v1/internal/sessions/{sid}/events", json={"events": events}, headers=self.job(job_id)
        )

    async def heartbeat(self, sid: str, job_id: str) -> httpx.Response:
        """The agent's heartbeat (ApiClient.heartbeat): its `interviewer` note, stored once, then exact repeats."""
        note = {"idempotency_key": f"agent:note:interviewer:{job_id}", "type": "note",
                "payload": {"kind": "interviewer", "job_id": job_id}}  # fmt: skip
        return await self.client.post(
            f"/v1/internal/sessions/{sid}/events", json={"events": [note]}, headers=self.job(job_id)
        )

    async def complete(self, sid: str, job_id: str | None, code: str) -> httpx.Response:
        """The agent's completion (agent.completion.complete) with `code` as the final code."""
        return await self.client.post(
            f"/v1/internal/sessions/{sid}/complete",
            json={"final_code": code, "language": "python", "reason": "completed"},
            headers=self.job(job_id),
        )

    async def webhook(self, body_auth: tuple[str, str]) -> httpx.Response:
        body, auth = body_auth
        return await self.client.post("/v1/livekit/webhook", content=body, headers={"Authorization": auth})

    async def running_session(self) -> dict[str, Any]:
        r = await self.client.post(
            "/v1/sessions",
            json={"candidate": {"name": "Ada", "email": "ada@example.com"}},
            headers={"Authorization": f"Bearer {self.key}"},
        )
        s = dict(r.json())
        notice = (await self.client.post("/v1/join", json={"invite": s["invite"]})).json()["notice"]
        consent = await self.client.post(
            f"/v1/sessions/{s['id']}/consent",
            json={"notice_version": notice["version"], "notice_sha256": notice["sha256"], "agreed": True},
            headers={"Authorization": f"Bearer {s['invite']}"},
        )
        assert consent.status_code == 201, consent.text
        join = (await self.client.post("/v1/join", json={"invite": s["invite"]})).json()
        s["room"] = join["room_name"]
        joined = signed_webhook(
            "participant_joined",
            room=s["room"],
            identity=candidate_identity(s["id"]),
            event_id=f"EV_j_{s['id']}",
        )
        assert (await self.webhook(joined)).json()["status"] == "started"
        self.livekit.participants[s["room"]] = [candidate_identity(s["id"])]
        return s


@pytest.fixture
async def world(api_settings: ApiSettings, db: Conn) -> AsyncIterator[World]:
    _, key = await create_org(db, "One Interviewer Org")
    async with FakeLiveKitServer(LIVEKIT_KEY, LIVEKIT_SECRET) as livekit:
        settings = api_settings.model_copy(update={"livekit_url": livekit.ws_url})
        async with serve(settings) as client:
            yield World(client, livekit, key, settings)


async def _texts(db: Conn, sid: str) -> list[str]:
    cur = await db.execute(
        "select payload->>'text' as text from session_events where session_id = %s and type = 'transcript' "
        "order by seq",
        (sid,),
    )
    return [r["text"] for r in await cur.fetchall()]


async def _status(db: Conn, sid: str) -> str:
    cur = await db.execute("select status from sessions where id = %s", (sid,))
    return str((await cur.fetchone())["status"])  # type: ignore[index]  # the session exists


async def test_two_jobs_starting_one_session_at_once_only_one_interviews(world: World, db: Conn) -> None:
    s = await world.running_session()
    sid = s["id"]
    first, second = await asyncio.gather(world.start(sid, "AJ_one"), world.start(sid, "AJ_two"))
    assert sorted([first.status_code, second.status_code]) == [200, 409]
    holder, other = ("AJ_one", "AJ_two") if first.status_code == 200 else ("AJ_two", "AJ_one")
    refused = second if first.status_code == 200 else first
    assert refused.json()["error"]["code"] == "interviewer_present"

    # The holder's retried start is idempotent; the other's retry is still refused.
    assert (await world.start(sid, holder)).status_code == 200
    assert (await world.start(sid, other)).json()["error"]["code"] == "interviewer_present"

    assert (await world.events(sid, holder, "I would use a hash map.")).status_code == 200
    straggler = await world.events(sid, other, "I would use a hash map.")
    assert straggler.status_code == 409 and straggler.json()["error"]["code"] == "interviewer_present"
    ended = await world.complete(sid, other, "print('other')")
    assert ended.status_code == 409 and ended.json()["error"]["code"] == "interviewer_present"
    assert (await world.heartbeat(sid, other)).status_code == 409

    # One interview: every candidate line once, nothing of the other job, and it is still running.
    assert await _texts(db, sid) == ["I would use a hash map."]
    assert await _status(db, sid) == "in_progress"
    done = await world.complete(sid, holder, "print('holder')")
    assert done.json()["status"] == "completed"
    cur = await db.execute("select final_code from sessions where id = %s", (sid,))
    assert (await cur.fetchone())["final_code"] == "print('holder')"  # type: ignore[index]


async def test_a_crashed_holder_is_replaced_after_its_lease_and_its_straggler_writes_are_refused(
    world: World, db: Conn, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("api.db.interviewers_repo.LEASE_S", 1)  # the lease the API gives, in this process
    s = await world.running_session()
    sid = s["id"]
    assert (await world.start(sid, "AJ_crashed")).status_code == 200
    assert (await world.events(sid, "AJ_crashed", "Before the crash.")).status_code == 200

    # Renewed by its heartbeats, the holder keeps the session past its lease.
    for beats in range(4):
        await asyncio.sleep(0.4)
        beat = await world.heartbeat(sid, "AJ_crashed")
        assert beat.status_code == 200 and beat.json()["events"][0]["duplicate"] is (beats > 0)
        assert (await world.start(sid, "AJ_early")).status_code == 409

    await asyncio.sleep(1.3)  # the holder crashed: no renewal, and LiveKit's leave never came
    taken = await world.start(sid, "AJ_redispatched")
    assert taken.status_code == 200
    resumed = [e["payload"]["text"] for e in taken.json()["events"] if e["type"] == "transcript"]
    assert resumed == ["Before the crash."]  # it resumes from the record

    assert (await world.events(sid, "AJ_crashed", "A straggler's line.")).status_code == 409
    assert (await world.heartbeat(sid, "AJ_crashed")).json()["error"]["code"] == "interviewer_present"
    assert (await world.start(sid, "AJ_crashed")).status_code == 409  # nor may it take the session back
    assert (await world.events(sid, "AJ_redispatched", "After the takeover.")).status_code == 200
    assert await _texts(db, sid) == ["Before the crash.", "After the takeover."]


async def test_the_holder_leaving_the_room_releases_it_at_once_and_a_refused_job_leaving_does_not(
    world: World, db: Conn
) -> None:
    s = await world.running_session()
    sid = s["id"]
    assert (await world.start(sid, "AJ_holder")).status_code == 200
    assert (await world.start(sid, "AJ_extra")).status_code == 409

    # The refused job's leave: the interviewer is still in the room, so it is neither released nor redispatched.
    extra_left = await world.webhook(agent_left(s["room"], "AJ_extra", "EV_extra_left"))
    assert extra_left.json()["status"] == "interviewer_present"
    assert world.livekit.dispatches == []
    assert (await world.start(sid, "AJ_next")).status_code == 409

    # The holder's leave releases it now (well within the lease) and redispatches.
    left = await world.webhook(agent_left(s["room"], "AJ_holder", "EV_holder_left"))
    assert left.json()["status"] == "redispatched"
    # livekit disconnects a job before its shutdown callbacks flush: the holder's last events are still its own,
    # and they do not renew the released lease.
    assert (await world.events(sid, "AJ_holder", "My last words.")).status_code == 200
    assert (await world.heartbeat(sid, "AJ_holder")).status_code == 200
    assert (await world.start(sid, "AJ_next")).status_code == 200
    assert (await world.events(sid, "AJ_holder", "Too late.")).status_code == 409
    assert await _texts(db, sid) == ["My last words."]


async def test_events_without_a_job_id_are_kept_only_while_no_job_holds_the_session(
    world: World, db: Conn
) -> None:
    s = await world.running_session()
    sid = s["id"]
    # An agent from before claims (a rolling deploy) sends no job id: its session runs as it did.
    assert (await world.start(sid, None)).status_code == 200
    assert (await world.events(sid, None, "Unclaimed.")).status_code == 200
    assert (await world.start(sid, "AJ_new")).status_code == 200
    anonymous = await world.events(sid, None, "Anonymous after the claim.")
    assert anonymous.status_code == 409 and anonymous.json()["error"]["code"] == "interviewer_present"
    assert (await world.start(sid, None)).status_code == 409
    assert await _texts(db, sid) == ["Unclaimed."]
    bad = await world.client.post(f"/v1/internal/sessions/{sid}/start", headers=world.job("AJ bad/job"))
    assert bad.status_code in (400, 422)


# A job's start racing the session's end: its status check and its claim were two autocommit statements, so a
# holder's completion (which releases the claim) committing between them let the waiting job claim a finished
# session and answer 200: a second interviewer joined the room after the end. Held deterministically: the test
# locks the row the start must wait on, ends the session in that transaction (as `/complete`, or `room_finished`
# after the holder's leave released it, would) and commits; the start must then see the end.
@pytest.mark.parametrize(
    ("job_id", "locked"),
    [("AJ_waiting", "claim"), (None, "claim"), ("AJ_next", "session")],
    ids=["job-behind-the-completion", "no-job-id-behind-the-completion", "job-behind-room-finished"],
)
async def test_a_start_racing_the_end_of_the_session_is_409_session_finished_and_claims_nothing(
    world: World, db: Conn, db_url: str, job_id: str | None, locked: str
) -> None:
    s = await world.running_session()
    sid = s["id"]
    assert (await world.start(sid, "AJ_holder")).status_code == 200
    release = "update session_interviewers set released_at = now(), lease_until = now() where session_id = %s"
    if locked == "session":  # the holder left the room: released, so the next job could take the session
        await db.execute(release, (sid,))
    lock = {
        "claim": "select 1 from session_interviewers where session_id = %s for update",
        "session": "select 1 from sessions where id = %s for no key update",
    }[locked]
    end = {
        "claim": "update sessions set status = 'completed', end_reason = 'completed', ended_at = now() where id = %s",
        "session": "update sessions set status = 'abandoned', end_reason = 'room_finished', ended_at = now() "
        "where id = %s",
    }[locked]
    async with await psycopg.AsyncConnection.connect(db_url) as locker:
        async with locker.transaction():
            await locker.execute(lock, (sid,))
            start = asyncio.create_task(world.start(sid, job_id))
            await until_blocked(db, start, "the start")
            await locker.execute(end, (sid,))
            if locked == "claim":
                await locker.execute(release, (sid,))
        r = await start
    assert (r.status_code, r.json().get("error", {}).get("code")) == (409, "session_finished"), r.text
    cur = await db.execute("select job_id from session_interviewers where session_id = %s", (sid,))
    assert await cur.fetchone() == {"job_id": "AJ_holder"}  # the refused start claimed nothing
