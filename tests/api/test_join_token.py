"""Candidate routes: /v1/join and LiveKit's standard /v1/livekit/token, with every claim of the room token checked."""

from __future__ import annotations

import json
import shutil
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import jwt
import psycopg
import pytest
from livekit import api as lk
from psycopg import sql
from psycopg.rows import DictRow

from api.cli_database import import_questions
from api.settings import ApiSettings
from api.tokens import mint_candidate_token
from tests.api.test_candidate_flow import _consent
from tests.conftest import LIVEKIT_KEY, LIVEKIT_SECRET, ROOT, ApiServer

Conn = psycopg.AsyncConnection[DictRow]


def _decode(token: str) -> dict[str, Any]:
    return dict(jwt.decode(token, LIVEKIT_SECRET, algorithms=["HS256"], issuer=LIVEKIT_KEY))


def _assert_room_token(claims: dict[str, Any], server: ApiServer, session: dict[str, Any]) -> None:
    sid = session["id"]
    assert claims["sub"] == f"candidate-{sid}"
    assert claims["iss"] == LIVEKIT_KEY
    assert claims["video"] == {
        "roomJoin": True,
        "room": f"shadows-{sid}",
        "canPublish": True,
        "canSubscribe": True,
        "canPublishData": True,
        "canPublishSources": ["microphone"],
        "canUpdateOwnMetadata": True,  # for the page's `editor.ready` attribute
    }
    assert claims["attributes"] == {"role": "candidate"}
    grace = server.settings.token_grace_minutes
    ttl = claims["exp"] - claims["nbf"]
    assert 0 < ttl <= (session["duration_minutes"] + grace) * 60
    room = claims["roomConfig"]
    assert room["maxParticipants"] == 2
    assert room["emptyTimeout"] == server.settings.room_empty_timeout_s
    assert room["departureTimeout"] == server.settings.room_departure_timeout_s
    assert len(room["agents"]) == 1
    assert room["agents"][0]["agentName"] == server.settings.agent_name
    assert json.loads(room["agents"][0]["metadata"]) == {"session_id": sid}


async def test_join_returns_connection_details_and_the_question_only_once_started(
    api_server: ApiServer,
) -> None:
    s = await api_server.create_session(duration_minutes=30, languages=["python", "cpp"])

    r = await api_server.client.post("/v1/join", json={"invite": s["invite"]})

    assert r.status_code == 200, r.text
    body = r.json()
    assert body["server_url"] == api_server.settings.livekit_url
    assert body["room_name"] == f"shadows-{s['id']}"
    assert body["participant_identity"] == f"candidate-{s['id']}"
    assert body["participant_name"] == "Ada Lovelace"
    assert body["session"]["id"] == s["id"]
    assert body["session"]["status"] == "scheduled"
    assert body["session"]["duration_minutes"] == 30
    assert body["question"] is None, "nothing of the problem before the interview starts"
    assert s["question_id"] not in r.text

    started = await api_server.agent_start(s)
    assert started.status_code == 200
    body = (await api_server.client.post("/v1/join", json={"invite": s["invite"]})).json()
    assert body["question"]["id"] == s["question_id"]
    assert set(body["question"]["starter_code"]) == {"python", "cpp"}, "only the session's languages"
    assert body["question"]["visible_tests"]
    assert body["question"]["hidden_test_count"] > 0
    assert "hints" not in body["question"] and "rubric" not in body["question"]


async def test_join_token_claims_identity_grants_ttl_and_agent_dispatch(api_server: ApiServer) -> None:
    s = await api_server.create_session(duration_minutes=20)
    await _consent(api_server, s)
    r = await api_server.client.post("/v1/join", json={"invite": s["invite"]})
    claims = _decode(r.json()["participant_token"])

    _assert_room_token(claims, api_server, s)
    assert claims["name"] == "Ada Lovelace"
    assert claims["exp"] - claims["nbf"] == (20 + api_server.settings.token_grace_minutes) * 60


async def test_join_token_verifies_with_livekit_token_verifier(api_server: ApiServer) -> None:
    s = await api_server.create_session()
    await _consent(api_server, s)
    r = await api_server.client.post("/v1/join", json={"invite": s["invite"]})

    claims = lk.TokenVerifier(LIVEKIT_KEY, LIVEKIT_SECRET).verify(r.json()["participant_token"])

    assert claims.identity == f"candidate-{s['id']}"
    assert claims.video.room == f"shadows-{s['id']}"
    assert claims.video.room_join is True
    assert claims.room_config.agents[0].agent_name == api_server.settings.agent_name
    assert json.loads(claims.room_config.agents[0].metadata)["session_id"] == s["id"]
    assert claims.room_config.max_participants == 2
    with pytest.raises(jwt.InvalidSignatureError):
        lk.TokenVerifier(LIVEKIT_KEY, "another-secret-" + "y" * 40).verify(r.json()["participant_token"])


async def test_join_token_after_start_lasts_only_for_what_is_left_of_the_session(
    api_server: ApiServer, db: Conn
) -> None:
    s = await api_server.create_session(duration_minutes=45)
    await api_server.agent_start(s)
    await db.execute(
        "update sessions set started_at = now() - interval '40 minutes' where id = %s", (s["id"],)
    )

    r = await api_server.client.post("/v1/join", json={"invite": s["invite"]})

    assert r.status_code == 200
    claims = _decode(r.json()["participant_token"])
    left = (45 + api_server.settings.token_grace_minutes - 40) * 60
    assert claims["exp"] - claims["nbf"] <= left
    assert claims["exp"] - claims["nbf"] >= left - 120
    assert r.json()["session"]["status"] == "in_progress"
    assert r.json()["session"]["ends_at"] is not None


async def test_livekit_token_endpoint_refuses_a_token_before_consent(api_server: ApiServer) -> None:
    s = await api_server.create_session()
    r = await api_server.client.post(
        "/v1/livekit/token", json={}, headers={"Authorization": f"Bearer {s['invite']}"}
    )
    assert (r.status_code, r.json()["error"]["code"]) == (409, "consent_required")
    assert "participant_token" not in r.text


async def test_livekit_token_endpoint_returns_201_with_server_url_and_token(api_server: ApiServer) -> None:
    s = await api_server.create_session()
    await api_server.consent(s)

    r = await api_server.client.post(
        "/v1/livekit/token",
        json={"room_name": f"shadows-{s['id']}", "participant_identity": "someone-else"},
        headers={"Authorization": f"Bearer {s['invite']}"},
    )

    assert r.status_code == 201, r.text
    assert set(r.json()) == {"server_url", "participant_token"}
    assert r.json()["server_url"] == api_server.settings.livekit_url
    # Identity and room come from the invite, never from the request.
    _assert_room_token(_decode(r.json()["participant_token"]), api_server, s)


async def test_livekit_token_endpoint_with_empty_body_uses_the_invites_room(api_server: ApiServer) -> None:
    s = await api_server.create_session()
    await api_server.consent(s)
    r = await api_server.client.post(
        "/v1/livekit/token", json={}, headers={"Authorization": f"Bearer {s['invite']}"}
    )
    assert r.status_code == 201
    assert _decode(r.json()["participant_token"])["video"]["room"] == f"shadows-{s['id']}"


async def test_livekit_token_endpoint_refuses_another_room_with_403(api_server: ApiServer) -> None:
    s = await api_server.create_session()
    other = await api_server.create_session()
    r = await api_server.client.post(
        "/v1/livekit/token",
        json={"room_name": f"shadows-{other['id']}"},
        headers={"Authorization": f"Bearer {s['invite']}"},
    )
    assert r.status_code == 403
    assert r.json()["error"]["code"] == "room_mismatch"
    assert other["id"] not in r.text


async def test_join_with_expired_invite_is_410_invite_expired(api_server: ApiServer, db: Conn) -> None:
    s = await api_server.create_session()
    await db.execute(
        "update sessions set invite_expires_at = %s where id = %s",
        (datetime.now(UTC) - timedelta(minutes=1), s["id"]),
    )
    r = await api_server.client.post("/v1/join", json={"invite": s["invite"]})
    assert r.status_code == 410
    assert r.json()["error"]["code"] == "invite_expired"


async def test_join_after_invite_expiry_still_works_once_the_session_has_started(
    api_server: ApiServer, db: Conn
) -> None:
    s = await api_server.create_session()
    await api_server.agent_start(s)
    await db.execute(
        "update sessions set invite_expires_at = now() - interval '1 minute' where id = %s", (s["id"],)
    )
    r = await api_server.client.post("/v1/join", json={"invite": s["invite"]})
    assert r.status_code == 200


@pytest.mark.parametrize("column", ["invite_expires_at", "expires_at"])
async def test_a_room_token_for_a_session_not_yet_started_lasts_no_longer_than_its_invite(
    api_server: ApiServer, db: Conn, column: str
) -> None:
    # Joining the room starts the interview (LiveKit's participant_joined). A token minted a minute before the
    # invite (or the session) expired lasted the interview's length plus the grace: the room, and the start, stayed
    # open to it for most of an hour after the invite could no longer be used.
    s = await api_server.create_session(duration_minutes=45)
    await _consent(api_server, s)
    soon = datetime.now(UTC) + timedelta(minutes=2)
    await db.execute(
        sql.SQL("update sessions set {} = %s where id = %s").format(sql.Identifier(column)), (soon, s["id"])
    )
    joined = await api_server.client.post("/v1/join", json={"invite": s["invite"]})
    lk_token = await api_server.client.post(
        "/v1/livekit/token", json={}, headers={"Authorization": f"Bearer {s['invite']}"}
    )
    for token in (joined.json()["participant_token"], lk_token.json()["participant_token"]):
        assert _decode(token)["exp"] <= soon.timestamp()


async def test_join_after_session_expiry_is_410_session_expired(api_server: ApiServer, db: Conn) -> None:
    s = await api_server.create_session()
    await db.execute("update sessions set expires_at = now() - interval '1 minute' where id = %s", (s["id"],))
    r = await api_server.client.post("/v1/join", json={"invite": s["invite"]})
    assert r.status_code == 410
    assert r.json()["error"]["code"] == "session_expired"


@pytest.mark.parametrize("status", ["completed", "abandoned"])
async def test_join_finished_session_is_409_session_finished(
    api_server: ApiServer, db: Conn, status: str
) -> None:
    s = await api_server.create_session()
    await db.execute("update sessions set status = %s where id = %s", (status, s["id"]))
    for path, kwargs in (
        ("/v1/join", {"json": {"invite": s["invite"]}}),
        ("/v1/livekit/token", {"json": {}, "headers": {"Authorization": f"Bearer {s['invite']}"}}),
    ):
        r = await api_server.client.post(path, **kwargs)  # type: ignore[arg-type]  # kwargs per route
        assert r.status_code == 409, path
        assert r.json()["error"]["code"] == "session_finished"


async def test_join_cancelled_session_is_409_session_cancelled(api_server: ApiServer) -> None:
    s = await api_server.create_session()
    await api_server.client.post(f"/v1/sessions/{s['id']}/cancel", headers=api_server.org_headers())
    r = await api_server.client.post("/v1/join", json={"invite": s["invite"]})
    assert r.status_code == 409
    assert r.json()["error"]["code"] == "session_cancelled"


async def test_join_with_unknown_invite_is_401_invalid_invite(api_server: ApiServer) -> None:
    r = await api_server.client.post("/v1/join", json={"invite": "inv_" + "x" * 43})
    assert r.status_code == 401
    assert r.json()["error"]["code"] == "invalid_invite"


async def test_join_sees_a_reimported_statement_at_once(api_server: ApiServer, db, tmp_path) -> None:
    """The question cache is keyed by the question's version, so a bank import shows on the next join."""
    cur = await db.execute("select id from questions where slug = 'two-sum'")
    qid = str((await cur.fetchone())["id"])
    s = await api_server.create_session(question_id=qid)
    r = await api_server.agent_start(s)
    assert r.status_code == 200
    first = (await api_server.client.post("/v1/join", json={"invite": s["invite"]})).json()
    assert "Two Sum" in first["question"]["title"]

    bank = tmp_path / "bank"
    shutil.copytree(ROOT / "questions", bank, ignore=shutil.ignore_patterns("_*"))
    statement = bank / "two-sum" / "statement.md"
    statement.write_text(statement.read_text() + "\n\nUPDATED-STATEMENT-MARKER\n")
    await import_questions(api_server.settings.database_url or "", bank)

    second = (await api_server.client.post("/v1/join", json={"invite": s["invite"]})).json()
    assert "UPDATED-STATEMENT-MARKER" in second["question"]["statement_md"]
    assert "UPDATED-STATEMENT-MARKER" not in first["question"]["statement_md"]


def test_minted_tokens_follow_their_session_and_each_has_its_own_window(api_settings: ApiSettings) -> None:
    ada = {"id": "ses_" + "a" * 24, "candidate_name": "Ada", "room_name": "shadows-ses_" + "a" * 24}
    first = _decode(mint_candidate_token(ada, api_settings, ttl=timedelta(minutes=10)))
    renamed = _decode(
        mint_candidate_token({**ada, "candidate_name": "Ada L."}, api_settings, ttl=timedelta(minutes=5))
    )
    grace = _decode(
        mint_candidate_token({**ada, "id": "ses_" + "b" * 24}, api_settings, ttl=timedelta(seconds=90.9))
    )
    assert (first["name"], renamed["name"]) == ("Ada", "Ada L.")
    assert first["exp"] - first["nbf"] == 600 and renamed["exp"] - renamed["nbf"] == 300
    assert grace["exp"] - grace["nbf"] == 90  # rounded down: never past the window token_ttl allowed
    assert grace["sub"] == "candidate-ses_" + "b" * 24 and first["sub"] == "candidate-ses_" + "a" * 24
    agents = grace["roomConfig"]["agents"]
    assert json.loads(agents[0]["metadata"]) == {"session_id": "ses_" + "b" * 24}


def test_the_candidate_may_publish_a_microphone_and_nothing_else(api_settings: ApiSettings) -> None:
    # The page publishes its microphone only. A camera or screen share (any number, any bitrate) was the agent's to
    # receive: it subscribes to what is published in the room, and it has no use for video.
    ada = {"id": "ses_" + "a" * 24, "candidate_name": "Ada", "room_name": "shadows-ses_" + "a" * 24}
    video = _decode(mint_candidate_token(ada, api_settings, ttl=timedelta(minutes=10)))["video"]
    assert video["canPublish"] is True
    assert video["canPublishSources"] == ["microphone"]


# --- one query reads the session, its organisation and its consent: each part must stay the session's own ---------


async def _token_endpoint(server: ApiServer, invite: str) -> httpx.Response:
    return await server.client.post(
        "/v1/livekit/token", json={}, headers={"Authorization": f"Bearer {invite}"}
    )


async def test_join_counts_only_its_own_sessions_consent_and_shows_its_own_organisation(
    api_server: ApiServer,
) -> None:
    _, other_key = await api_server.create_org("Globex Talent")
    patched = await api_server.client.patch(
        "/v1/organization",
        json={"allow_text_only": True, "allow_resubmission": False, "retention_days": 45},
        headers=api_server.org_headers(other_key),
    )
    assert patched.status_code == 200, patched.text
    agreed = await api_server.create_session()
    await api_server.consent(agreed)
    # Another organisation's session, with events of every other kind the page writes, but no consent of its own.
    pending = await api_server.create_session(key=other_key)
    asked = await api_server.client.post(
        f"/v1/sessions/{pending['id']}/accommodation-requests",
        json={"kind": "accommodation", "message": "consent"},
        headers={"Authorization": f"Bearer {pending['invite']}"},
    )
    assert asked.status_code == 201, asked.text

    mine = (await api_server.client.post("/v1/join", json={"invite": agreed["invite"]})).json()
    theirs = (await api_server.client.post("/v1/join", json={"invite": pending["invite"]})).json()

    assert mine["consented"] is True and mine["organization"]["name"] == "Acme Hiring"
    _assert_room_token(_decode(mine["participant_token"]), api_server, agreed)
    assert (theirs["consented"], theirs["participant_token"]) == (False, "")
    assert theirs["organization"] == {
        "name": "Globex Talent",
        "slug": "globex-talent",
        "logo_url": None,
        "allow_text_only": True,
        "allow_resubmission": False,
        "retention_days": 45,
    }
    assert "Globex Talent" in theirs["notice"]["html"] and "45 days" in theirs["notice"]["html"]
    assert "Acme Hiring" not in theirs["notice"]["html"]
    refused = await _token_endpoint(api_server, pending["invite"])
    assert (refused.status_code, refused.json()["error"]["code"]) == (409, "consent_required")
    assert (await _token_endpoint(api_server, agreed["invite"])).status_code == 201


async def test_practice_join_has_no_organisation_and_opens_the_room_after_consent(
    api_server: ApiServer,
) -> None:
    created = (await api_server.client.post("/v1/practice", json={"name": "Me"})).json()

    before = (await api_server.client.post("/v1/join", json={"invite": created["invite"]})).json()
    assert before["organization"] == {
        "name": None,
        "slug": None,
        "logo_url": None,
        "allow_text_only": True,
        "allow_resubmission": True,
        "retention_days": None,
    }
    assert "Shadows (practice)" in before["notice"]["html"]
    assert (before["consented"], before["participant_token"]) == (False, "")
    await api_server.consent(created)
    after = (await api_server.client.post("/v1/join", json={"invite": created["invite"]})).json()
    assert after["consented"] is True
    assert _decode(after["participant_token"])["sub"] == f"candidate-{created['id']}"


async def test_invites_of_a_deleted_organisation_open_nothing(api_server: ApiServer, db: Conn) -> None:
    org_id, key = await api_server.create_org("Initech")
    s = await api_server.create_session(key=key)
    await api_server.consent(s)
    await db.execute("delete from organizations where id = %s", (org_id,))

    joined = await api_server.client.post("/v1/join", json={"invite": s["invite"]})
    token = await _token_endpoint(api_server, s["invite"])
    assert (joined.status_code, joined.json()["error"]["code"]) == (401, "invalid_invite")
    assert (token.status_code, token.json()["error"]["code"]) == (401, "invalid_invite")


@pytest.mark.parametrize(
    ("case", "status", "code"),
    [
        ("one character changed", 401, "invalid_invite"),
        ("the invite with its tail cut", 401, "invalid_invite"),
        ("cancelled", 409, "session_cancelled"),
        ("invite expired", 410, "invite_expired"),
        ("session expired", 410, "session_expired"),
        ("time and grace spent", 409, "session_time_up"),
    ],
)
async def test_join_and_the_token_endpoint_refuse_a_bad_invite_alike(
    api_server: ApiServer, db: Conn, case: str, status: int, code: str
) -> None:
    s = await api_server.create_session(duration_minutes=30)
    await api_server.consent(s)
    invite = s["invite"]
    if case == "one character changed":
        invite = invite[:-1] + ("A" if invite[-1] != "A" else "B")
    elif case == "the invite with its tail cut":
        invite = invite[:-4]
    elif case == "cancelled":
        await api_server.client.post(f"/v1/sessions/{s['id']}/cancel", headers=api_server.org_headers())
    elif case == "invite expired":
        await db.execute(
            "update sessions set invite_expires_at = now() - interval '1 second' where id = %s", (s["id"],)
        )
    elif case == "session expired":
        await db.execute(
            "update sessions set expires_at = now() - interval '1 second' where id = %s", (s["id"],)
        )
    else:
        await db.execute(
            "update sessions set status = 'in_progress', started_at = now() - interval '3 hours' where id = %s",
            (s["id"],),
        )

    joined = await api_server.client.post("/v1/join", json={"invite": invite})
    token = await _token_endpoint(api_server, invite)
    for r in (joined, token):
        assert (r.status_code, r.json()["error"]["code"]) == (status, code), r.text
        assert "participant_token" not in r.text and s["id"] not in r.text
