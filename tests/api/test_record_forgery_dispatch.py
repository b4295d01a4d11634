"""One interviewer per interview: the candidate's "call the interviewer again" never puts a second one into a call
that has one. LiveKit counts no agent against a room's `max_participants`, so a second interviewer joined beside
the first, heard and answered the candidate too, and wrote its own transcript (every candidate line twice), hints
and ending into the same record; anyone holding the invite could do it at will (and use up the redispatches a
crashed interviewer needs)."""

from __future__ import annotations

import psycopg
from aiohttp import web
from livekit import api as lk
from psycopg.rows import DictRow

from api.db.orgs_repo import create_org
from api.settings import ApiSettings
from tests.api.conftest import consent_and_start, create_session_as, serve
from tests.conftest import LIVEKIT_KEY, LIVEKIT_SECRET
from tests.fakes.livekit_server import FakeLiveKitServer

Conn = psycopg.AsyncConnection[DictRow]

AGENT = "agent-AJ_interviewer"


class KindsLiveKit(FakeLiveKitServer):
    """The fake LiveKit, whose ListParticipants also says which participant is an agent (LiveKit's `kind`)."""

    async def _list_participants(self, request: web.Request) -> web.Response:
        req = lk.ListParticipantsRequest()
        if (refused := await self._twirp_request(request, req)) is not None:
            return refused
        self.listed.append(req.room)
        if self.list_fail_with is not None:
            return self._twirp_error(self.list_fail_with[0], self.list_fail_with[1], "told to fail")
        if req.room not in self.participants:
            return self._twirp_error(404, "not_found", "room not found")
        res = lk.ListParticipantsResponse(
            participants=[
                lk.ParticipantInfo(
                    identity=i,
                    kind=lk.ParticipantInfo.Kind.AGENT
                    if i.startswith("agent-")
                    else lk.ParticipantInfo.Kind.STANDARD,
                )
                for i in self.participants[req.room]
            ]
        )
        return web.Response(body=res.SerializeToString(), content_type="application/protobuf")


async def _redispatches(db: Conn, sid: str) -> int:
    cur = await db.execute("select agent_redispatches from sessions where id = %s", (sid,))
    row = await cur.fetchone()
    assert row is not None
    return int(row["agent_redispatches"])


async def test_an_interviewer_in_the_call_is_never_joined_by_a_second_one(
    api_settings: ApiSettings, db: Conn
) -> None:
    _, key = await create_org(db, "Dispatch Org")
    async with KindsLiveKit(LIVEKIT_KEY, LIVEKIT_SECRET) as livekit:
        settings = api_settings.model_copy(
            update={"livekit_url": livekit.ws_url, "agent_redispatch_limit": 2}
        )
        async with serve(settings) as client:
            s = await create_session_as(client, key)
            await consent_and_start(client, s)
            room, auth = f"shadows-{s['id']}", {"Authorization": f"Bearer {s['invite']}"}
            url = f"/v1/sessions/{s['id']}/agent-dispatch"
            livekit.participants[room] = [f"candidate-{s['id']}", AGENT]
            # The attack: the interviewer is talking to the candidate, who asks for another one, again and again.
            tries = [await client.post(url, headers=auth) for _ in range(3)]
            assert [(r.status_code, r.json()["error"]["code"]) for r in tries] == [
                (409, "interviewer_present")
            ] * 3
            assert livekit.dispatches == [], "no second interviewer was sent"
            assert await _redispatches(db, s["id"]) == 0, (
                "the allowance stays for an interviewer that is missing"
            )
            # The interviewer left (a crashed job): calling it again dispatches, within the allowance.
            livekit.participants[room] = [f"candidate-{s['id']}"]
            again = await client.post(url, headers=auth)
    assert again.status_code == 202, again.text
    assert len(livekit.dispatches) == 1 and livekit.dispatches[0].room == room
    assert await _redispatches(db, s["id"]) == 1


async def test_a_livekit_that_cannot_say_who_is_in_the_call_dispatches_nothing(
    api_settings: ApiSettings, db: Conn
) -> None:
    _, key = await create_org(db, "Dispatch Org")
    async with KindsLiveKit(LIVEKIT_KEY, LIVEKIT_SECRET) as livekit:
        settings = api_settings.model_copy(
            update={"livekit_url": livekit.ws_url, "agent_redispatch_limit": 1}
        )
        async with serve(settings) as client:
            s = await create_session_as(client, key)
            await consent_and_start(client, s)
            livekit.participants[f"shadows-{s['id']}"] = [f"candidate-{s['id']}"]
            livekit.list_fail_with = (500, "internal")
            auth = {"Authorization": f"Bearer {s['invite']}"}
            r = await client.post(f"/v1/sessions/{s['id']}/agent-dispatch", headers=auth)
    assert (r.status_code, r.json()["error"]["code"]) == (503, "livekit_unavailable")
    assert livekit.dispatches == []
    assert await _redispatches(db, s["id"]) == 0
