"""Voice against a local server speaking LiveKit's signalling and server APIs (a real WebRTC peer on loopback):
the interviewer that never joins (one redispatch through the API, then the text-only path), the one that joins
after the redispatch with its states, mute, and End interview asking the agent before completing."""

from __future__ import annotations

import psycopg
import pytest
from psycopg.rows import DictRow

from api.db.orgs_repo import create_org
from api.settings import ApiSettings
from tests.api.conftest import serve
from tests.conftest import LIVEKIT_KEY, LIVEKIT_SECRET
from tests.fakes.livekit_server import FakeLiveKitServer
from tests.web.conftest import drive
from tests.web.test_candidate_page import no_violations

pytestmark = pytest.mark.browser
Db = psycopg.AsyncConnection[DictRow]


@pytest.mark.timeout(600)
@pytest.mark.parametrize("agent_ends", [False, True], ids=["end-by-chat", "end-by-rpc"])
async def test_agent_not_joined_is_redispatched_once_then_text_only_and_a_joined_agent_shows_its_states(
    api_settings: ApiSettings, db: Db, agent_ends: bool
) -> None:
    _, key = await create_org(db, "Acme Hiring")
    await db.execute("update organizations set allow_text_only = true")
    async with FakeLiveKitServer(LIVEKIT_KEY, LIVEKIT_SECRET) as livekit:
        settings = api_settings.model_copy(update={"livekit_url": livekit.ws_url, "agent_join_timeout_s": 3})
        async with serve(settings) as client:
            base = str(client.base_url).rstrip("/")
            links = {}
            sessions = {}
            for name in ("absent", "joins"):
                s = (
                    await client.post(
                        "/v1/sessions",
                        json={"candidate": {"name": "Ada", "email": "ada@example.com"}},
                        headers={"Authorization": f"Bearer {key}"},
                    )
                ).json()
                notice = (await client.post("/v1/join", json={"invite": s["invite"]})).json()["notice"]
                await client.post(
                    f"/v1/sessions/{s['id']}/consent",
                    json={
                        "notice_version": notice["version"],
                        "notice_sha256": notice["sha256"],
                        "agreed": True,
                    },
                    headers={"Authorization": f"Bearer {s['invite']}"},
                )
                links[name] = f"{base}/join#invite={s['invite']}"
                sessions[name] = s
            livekit.agent_on_dispatch.add(f"shadows-{sessions['joins']['id']}")
            if agent_ends:
                livekit.agent_ends.add(f"shadows-{sessions['joins']['id']}")

            seen = await drive("call", limit_s=500, **links)

    assert seen["connected"] == "Connected."
    assert seen["indicator_absent"] == "Interviewer not here"
    assert seen["late"] == "The interviewer has not joined yet. We are calling them again…"
    assert seen["gave_up"].startswith("The interviewer could not join. You can continue without voice")
    assert seen["text_only_offered"] and seen["editor_usable"]
    assert "continuing without voice" in seen["after_text_only"]
    # One redispatch per session, through the API, to LiveKit's AgentDispatchService for the right room.
    rooms = [d.room for d in livekit.dispatches]
    assert rooms == [f"shadows-{sessions['absent']['id']}", f"shadows-{sessions['joins']['id']}"]
    assert livekit.metadata(0) == {"session_id": sessions["absent"]["id"]}
    cur = await db.execute("select id, agent_redispatches from sessions")
    assert {r["id"]: r["agent_redispatches"] for r in await cur.fetchall()} == {
        sessions["absent"]["id"]: 1,
        sessions["joins"]["id"]: 1,
    }
    # Both browsers really joined their rooms (a WebRTC peer connection over loopback).
    assert {j["room"] for j in livekit.joins} >= {f"shadows-{s['id']}" for s in sessions.values()}

    # The agent that joined: its lk.agent.state shows, the page sent it the editor, mute reached the server.
    assert {"listening", "thinking", "speaking"} <= set(seen["states"])
    assert seen["joined_detail"] == "The interviewer has joined."
    assert seen["muted"] == {"text": "Muted", "panel": "Unmute microphone"}
    assert livekit.published and any(m.muted for m in livekit.mutes)
    assert any(
        topic == "editor.snapshot" and attrs.get("language") == "python" for topic, attrs in livekit.streams
    )
    # End interview asked the agent: its interview.end RPC; a typed message only when the agent lacks the method.
    assert livekit.rpc_requests.count(("agent-interviewer", "interview.end")) == 1
    if agent_ends:  # the agent took it: the page waited for its goodbye (`ended`), and sent no typed message
        assert not any(topic == "lk.chat" for topic, _ in livekit.streams)
        assert "The interviewer is saying goodbye…" in seen["end_details"]
    else:
        assert any(topic == "lk.chat" for topic, _ in livekit.streams)
        assert "The interviewer was asked to wrap up…" in seen["end_details"]
    assert "The interview has ended" in seen["finished"]
    cur = await db.execute(
        "select status, end_reason from sessions where id = %s", (sessions["joins"]["id"],)
    )
    assert await cur.fetchone() == {"status": "completed", "end_reason": "candidate_ended"}
    no_violations(seen)
