"""POST /v1/sessions with an `Idempotency-Key`: an integration that retries after a timeout gets the first answer
back, not a second session and invite. Same key and body within 24 hours: the first 201 again, nothing scheduled;
same key, other body: 422 `idempotency_key_mismatch`; concurrent requests with one key: one session (a unique
constraint, not a check-then-insert); a refused request leaves its key free; keys are bounded, per organisation,
stored only as a keyed HMAC (never as sent), their answers sealed at rest, and pruned by the retention job. Before,
every retry scheduled another session."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

import psycopg
import pytest
from cryptography.fernet import Fernet
from psycopg.rows import DictRow
from pydantic import SecretStr

from api.db.pool import DatabaseUnavailableError, connection
from api.idempotency import KeyNamer, fingerprint, namer
from api.jobs.pruning import prune
from api.reseal import reseal
from api.schemas import SessionCreate
from api.sealing import sealer
from tests.api.conftest import minimal_pdf, serve
from tests.api.lock_support import until_blocked
from tests.conftest import ApiServer

Conn = psycopg.AsyncConnection[DictRow]
ADA = {"name": "Ada Lovelace", "email": "ada@example.com"}
KEY = "6f1c0d2e-4b8a-4c57-9a43-0b8f7e5d2a11"


def _headers(server: ApiServer, key: str | None = KEY, org_key: str | None = None) -> dict[str, str]:
    return {**server.org_headers(org_key), **({"Idempotency-Key": key} if key is not None else {})}


def _name(server: ApiServer, key: str = KEY, org_id: str | None = None) -> bytes:
    """The name a key's row is stored under: its HMAC under the first sealing key, for its organisation."""
    return namer(server.settings).name(UUID(org_id or server.org_id), key)


async def _stored_text(db: Conn) -> str:
    """Every row of the table as PostgreSQL prints it (bytea in hex): where a key as sent would show."""
    cur = await db.execute("select t::text as row from session_idempotency_keys t")
    return "\n".join(r["row"] for r in await cur.fetchall())


def _holds_as_sent(text: str, key: str) -> bool:
    return key in text or key.encode().hex() in text


async def _sessions(db: Conn, org_id: str) -> int:
    cur = await db.execute("select count(*) as n from sessions where organization_id = %s", (org_id,))
    row = await cur.fetchone()
    assert row is not None
    return int(row["n"])


async def test_a_retry_gets_the_first_answer_and_another_body_is_refused(
    api_server: ApiServer, db: Conn
) -> None:
    s = api_server
    body = {"candidate": ADA, "difficulty": "Medium", "metadata": {"ats_id": "a-1", "round": 2}}
    first = await s.client.post("/v1/sessions", json=body, headers=_headers(s))
    assert first.status_code == 201, first.text
    assert "Idempotent-Replayed" not in first.headers
    # The same request, written differently (key order, spacing): the same body once read.
    same = json.dumps(
        {"metadata": {"round": 2, "ats_id": "a-1"}, "difficulty": "Medium", "candidate": ADA}, indent=2
    )
    headers = {**_headers(s), "content-type": "application/json"}
    again = await s.client.post("/v1/sessions", content=same.encode(), headers=headers)
    assert again.status_code == 201, again.text
    assert again.json() == first.json()  # the same session, the same invite
    assert again.headers["Idempotent-Replayed"] == "true"
    assert await _sessions(db, s.org_id) == 1
    # Blanks around the value are not part of it (RFC 9110 5.5): the HTTP layer drops them, the same key. httpx
    # refuses to send them, so this request is written by hand.
    host, port = s.url.removeprefix("http://").split(":")
    payload = json.dumps(body).encode()
    reader, writer = await asyncio.open_connection(host, int(port))
    writer.write(
        f"POST /v1/sessions HTTP/1.1\r\nHost: {host}\r\nAuthorization: Bearer {s.org_key}\r\n"
        f"Idempotency-Key: \t {KEY} \t\r\nContent-Type: application/json\r\nContent-Length: {len(payload)}\r\n"
        "Connection: close\r\n\r\n".encode()
        + payload
    )
    raw = await reader.read()
    writer.close()
    await writer.wait_closed()
    head, _, answer = raw.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 201") and b"idempotent-replayed: true" in head.lower(), raw
    assert json.loads(answer) == first.json()

    other = await s.client.post("/v1/sessions", json={**body, "difficulty": "Hard"}, headers=_headers(s))
    assert (other.status_code, other.json()["error"]["code"]) == (422, "idempotency_key_mismatch"), other.text
    assert await _sessions(db, s.org_id) == 1

    # The raw invite is not readable at rest: the stored answer is sealed. The key is stored only as its HMAC.
    cur = await db.execute(
        "select key, key_hmac, response, session_id from session_idempotency_keys where organization_id = %s",
        (s.org_id,),
    )
    (stored,) = await cur.fetchall()
    assert stored["session_id"] == first.json()["id"]
    assert first.json()["invite"] not in stored["response"]
    assert stored["key"] is None and bytes(stored["key_hmac"]) == _name(s)
    assert not _holds_as_sent(await _stored_text(db), KEY)

    # Keys compare as sent (the header's own rule): another case is another key; a key with a space inside it, or
    # outside printable ASCII (whatever its Unicode normalisation would make of it), is refused.
    upper = await s.client.post("/v1/sessions", json=body, headers=_headers(s, KEY.upper()))
    assert upper.status_code == 201 and upper.json()["id"] != first.json()["id"], upper.text
    assert "Idempotent-Replayed" not in upper.headers
    for unicode_key in ("café", "cafe\u0301", "\uff2b\uff25\uff39"):  # NFC, NFD, fullwidth KEY (NFKC: "KEY")
        headers = {**s.org_headers(), "Idempotency-Key": unicode_key.encode()}
        r = await s.client.post("/v1/sessions", json=body, headers=headers)
        assert (r.status_code, r.json()["error"]["code"]) == (422, "invalid_idempotency_key"), r.text
    assert await _sessions(db, s.org_id) == 2

    # Per organisation: another organisation's same key is its own, under a name of its own; each still answers its
    # own first answer.
    other_org, other_key = await s.create_org("Other")
    theirs = await s.client.post("/v1/sessions", json=body, headers=_headers(s, org_key=other_key))
    assert theirs.status_code == 201, theirs.text
    assert theirs.json()["id"] != first.json()["id"]
    assert await _sessions(db, other_org) == 1
    assert _name(s, org_id=other_org) != _name(s)
    for org_key, answer in ((None, first), (other_key, theirs)):
        r = await s.client.post("/v1/sessions", json=body, headers=_headers(s, org_key=org_key))
        assert r.status_code == 201 and r.json() == answer.json(), r.text

    # Bounded: too long, a space or a control character, or two headers; each refused before anything is stored.
    for bad in ("k" * 256, "two words", "tab\there"):
        r = await s.client.post("/v1/sessions", json=body, headers=_headers(s, bad))
        assert (r.status_code, r.json()["error"]["code"]) == (422, "invalid_idempotency_key"), (bad, r.text)
    twice = [("Authorization", f"Bearer {s.org_key}"), ("Idempotency-Key", "a"), ("Idempotency-Key", "b")]
    r = await s.client.post("/v1/sessions", json=body, headers=twice)
    assert (r.status_code, r.json()["error"]["code"]) == (422, "invalid_idempotency_key"), r.text
    r = await s.client.post("/v1/sessions", json=body, headers=_headers(s, "k" * 255))
    assert r.status_code == 201, r.text
    assert await _sessions(db, s.org_id) == 3

    # Documented in the API document.
    doc = (await s.client.get("/openapi.json", headers=s.internal_headers())).json()
    op = doc["paths"]["/v1/sessions"]["post"]
    (param,) = [p for p in op["parameters"] if p["name"] == "Idempotency-Key"]
    assert (param["in"], param["schema"]["maxLength"]) == ("header", 255)
    assert "Idempotent-Replayed" in op["responses"]["201"]["headers"]


async def test_concurrent_requests_with_one_key_schedule_one_session(
    api_server: ApiServer, db: Conn, db_url: str
) -> None:
    """The first request holds its claim while it waits on the candidate's row (held here); the others arrive with
    the same key meanwhile and must wait for it, then answer with its session."""
    s = api_server
    candidate = {**ADA, "external_id": "race-9001"}
    await s.create_session(candidate=candidate)  # the candidate's row, which the test holds next
    before = await _sessions(db, s.org_id)
    body = {"candidate": candidate}
    async with await psycopg.AsyncConnection.connect(db_url) as locker:
        async with locker.transaction():
            await locker.execute(
                "select 1 from candidates where organization_id = %s and external_id = %s for update",
                (s.org_id, candidate["external_id"]),
            )
            first = asyncio.create_task(s.client.post("/v1/sessions", json=body, headers=_headers(s)))
            await until_blocked(db, first, "the first request")
            rest = [
                asyncio.create_task(s.client.post("/v1/sessions", json=body, headers=_headers(s)))
                for _ in range(3)
            ]
            await until_blocked(db, rest[0], "the repeats", waiting=4)
        answers: list[Any] = await asyncio.gather(first, *rest)
    assert [r.status_code for r in answers] == [201] * 4, [r.text for r in answers]
    assert len({r.json()["invite"] for r in answers}) == 1
    assert sorted(r.headers.get("Idempotent-Replayed") for r in answers[1:]) == ["true"] * 3
    assert await _sessions(db, s.org_id) == before + 1


async def test_a_refused_request_leaves_its_key_free_and_old_keys_go(api_server: ApiServer, db: Conn) -> None:
    s = api_server
    refused = await s.client.post(
        "/v1/sessions",
        json={"candidate": ADA, "question_id": "00000000-0000-4000-8000-000000000000"},
        headers=_headers(s),
    )
    assert (refused.status_code, refused.json()["error"]["code"]) == (422, "question_not_found"), refused.text
    first = await s.client.post("/v1/sessions", json={"candidate": ADA}, headers=_headers(s))
    assert first.status_code == 201, first.text

    # Past 24 hours a key claims afresh, whether or not the prune has run yet.
    await db.execute("update session_idempotency_keys set created_at = now() - interval '25 hours'")
    later = await s.client.post(
        "/v1/sessions", json={"candidate": ADA, "difficulty": "Hard"}, headers=_headers(s)
    )
    assert later.status_code == 201, later.text
    assert later.json()["id"] != first.json()["id"] and "Idempotent-Replayed" not in later.headers

    # The retention job's prune removes keys older than 24 hours and keeps the rest.
    fresh = await s.client.post("/v1/sessions", json={"candidate": ADA}, headers=_headers(s, "fresh-1"))
    assert fresh.status_code == 201, fresh.text
    await db.execute(
        "update session_idempotency_keys set created_at = %s where key_hmac = %s",
        (datetime.now(UTC) - timedelta(hours=25), _name(s)),
    )
    removed = await prune(s.app.state.pool)
    assert removed["session_idempotency_keys"] == 1
    cur = await db.execute(
        "select key_hmac from session_idempotency_keys where organization_id = %s", (s.org_id,)
    )
    assert [bytes(r["key_hmac"]) for r in await cur.fetchall()] == [_name(s, "fresh-1")]


async def test_a_stored_answer_outlives_the_sealing_key_rotation(api_server: ApiServer, db: Conn) -> None:
    """The runbook (docs/deployment.md): the new key in front, `shadows db reseal`, then the old key dropped. A retry
    within the 24 hours then still gets its first answer: the stored answer was sealed again with the rest, not left
    under the dropped key (a 500 on every retry until the key expired), and the key's name is no sealing key's."""
    s = api_server
    body = {"candidate": ADA}
    first = await s.client.post("/v1/sessions", json=body, headers=_headers(s))
    assert first.status_code == 201, first.text

    new = Fernet.generate_key().decode()
    counts = await reseal(db, [new, *s.settings.sealing_key_list], lambda _line: None)
    assert counts["session_idempotency_keys.response"].resealed == 1

    rotated = s.settings.model_copy(update={"sealing_keys": SecretStr(new)})  # the old key dropped
    async with serve(rotated) as client:
        again = await client.post("/v1/sessions", json=body, headers=_headers(s))
    assert again.status_code == 201, again.text
    assert again.json() == first.json() and again.headers["Idempotent-Replayed"] == "true"
    assert await _sessions(db, s.org_id) == 1


def test_a_key_s_name_is_an_hmac_per_organisation_and_secret() -> None:
    """The name is the same for the same key, organisation and secret, and differs when any of them does; it is 32
    bytes that never spell the key, and the namer shows neither the secret nor its subkey."""
    secret = "a-share-signing-key-of-32-characters-or-more"
    org, other_org = UUID(int=1), UUID(int=2)
    one = KeyNamer(secret)
    names = one.names(org, KEY)
    assert (names.stored, names.as_sent) == (one.name(org, KEY), KEY)
    assert len(names.stored) == 32 and KEY.encode() not in names.stored
    assert KeyNamer(secret).name(org, KEY) == names.stored
    assert one.name(other_org, KEY) != names.stored
    assert one.name(org, KEY.upper()) != names.stored
    assert KeyNamer(secret + "!").name(org, KEY) != names.stored
    assert secret not in repr(one) and "subkey" not in repr(one)
    assert KEY not in repr(names) and repr(names.stored) not in repr(names)


async def test_a_stored_answer_no_key_opens_is_a_409_naming_its_session_never_a_500(
    api_server: ApiServer, db: Conn
) -> None:
    """The old sealing key dropped without `shadows db reseal`, or a damaged row: a retry had been a 500 (the
    Fernet error unhandled). Now 409 `idempotency_answer_unreadable`, naming the session the key scheduled, nothing
    scheduled and the key still that session's; the reason's text never reaches the body."""
    s = api_server
    body = {"candidate": ADA}
    first = await s.client.post("/v1/sessions", json=body, headers=_headers(s))
    assert first.status_code == 201, first.text
    session_id = first.json()["id"]
    cur = await db.execute(
        "select id, response from session_idempotency_keys where key_hmac = %s", (_name(s),)
    )
    row = await cur.fetchone()
    assert row is not None
    kept = row["response"]

    def unreadable(r: Any) -> None:
        assert (r.status_code, r.json()["error"]["code"]) == (409, "idempotency_answer_unreadable"), r.text
        assert session_id in r.json()["error"]["message"]
        assert first.json()["invite"] not in r.text
        for leaked in ("InvalidToken", "Fernet", "Traceback", "SHADOWS_API_SEALING_KEYS", "validation error"):
            assert leaked not in r.text

    dropped = s.settings.model_copy(update={"sealing_keys": SecretStr(Fernet.generate_key().decode())})
    async with serve(dropped) as client:
        unreadable(await client.post("/v1/sessions", json=body, headers=_headers(s)))
    # Damaged: not a token at all; a token that opens to something other than an answer.
    for damaged in (
        "not-a-fernet-token",
        sealer(s.settings).seal('{"id": "ses_x"}'),
        sealer(s.settings).seal("["),
    ):
        await db.execute(
            "update session_idempotency_keys set response = %s where id = %s", (damaged, row["id"])
        )
        unreadable(await s.client.post("/v1/sessions", json=body, headers=_headers(s)))
    assert await _sessions(db, s.org_id) == 1
    cur = await db.execute("select session_id from session_idempotency_keys where key_hmac = %s", (_name(s),))
    assert [r["session_id"] for r in await cur.fetchall()] == [
        session_id
    ]  # no half state: still the session's

    # The key back, the first answer again.
    await db.execute("update session_idempotency_keys set response = %s where id = %s", (kept, row["id"]))
    again = await s.client.post("/v1/sessions", json=body, headers=_headers(s))
    assert again.status_code == 201 and again.json() == first.json(), again.text

    doc = (await s.client.get("/openapi.json", headers=s.internal_headers())).json()
    assert "409" in doc["paths"]["/v1/sessions"]["post"]["responses"]
    assert "idempotency_answer_unreadable" in doc["info"]["description"]


async def test_an_erased_sessions_key_stays_claimed_and_keeps_nothing_of_the_candidate(
    api_server: ApiServer, db: Conn
) -> None:
    """Erasing the session had deleted its key's row with it: a hiring team's retry with the same key and body then
    scheduled the erased candidate again, a new session and invite. Now the key is a tombstone for the rest of its
    24 hours: every retry with it is 409 `idempotency_key_erased` and schedules nothing; the tombstone keeps no
    answer, session id nor fingerprint; a new key schedules afresh, and after 24 hours the old key does too."""
    s = api_server
    body = {"candidate": ADA, "difficulty": "Medium"}
    first = await s.client.post("/v1/sessions", json=body, headers=_headers(s))
    assert first.status_code == 201, first.text
    erased = await s.client.delete(f"/v1/sessions/{first.json()['id']}", headers=s.org_headers())
    assert erased.status_code == 204, erased.text
    assert await _sessions(db, s.org_id) == 0

    for retry in (body, {**body, "difficulty": "Hard"}):  # the same request, or another with the same key
        r = await s.client.post("/v1/sessions", json=retry, headers=_headers(s))
        assert (r.status_code, r.json()["error"]["code"]) == (409, "idempotency_key_erased"), r.text
        assert first.json()["id"] not in r.text and ADA["email"] not in r.text
    assert await _sessions(db, s.org_id) == 0
    cur = await db.execute(
        "select key, session_id, response, request_sha256, erased_at from session_idempotency_keys "
        "where key_hmac = %s",
        (_name(s),),
    )
    tomb = await cur.fetchone()
    assert tomb is not None and tomb["erased_at"] is not None
    assert (tomb["key"], tomb["session_id"], tomb["response"], tomb["request_sha256"]) == (
        None,
        None,
        None,
        None,
    )
    assert not _holds_as_sent(await _stored_text(db), KEY)

    fresh = await s.client.post("/v1/sessions", json=body, headers=_headers(s, "after-erasure-1"))
    assert fresh.status_code == 201, fresh.text

    # Past its 24 hours the key claims afresh, and answers as any key does after.
    await db.execute(
        "update session_idempotency_keys set created_at = now() - interval '25 hours' where key_hmac = %s",
        (_name(s),),
    )
    later = await s.client.post("/v1/sessions", json=body, headers=_headers(s))
    assert later.status_code == 201 and "Idempotent-Replayed" not in later.headers, later.text
    again = await s.client.post("/v1/sessions", json=body, headers=_headers(s))
    assert again.status_code == 201 and again.json() == later.json(), again.text
    assert await _sessions(db, s.org_id) == 2

    # The whole organisation deleted: its sessions' keys go with it (a tombstone on the way is no obstacle).
    await db.execute("delete from organizations where id = %s", (s.org_id,))
    cur = await db.execute(
        "select count(*) as n from session_idempotency_keys where organization_id = %s", (s.org_id,)
    )
    row = await cur.fetchone()
    assert row is not None and row["n"] == 0


# What replicas of the releases before migration 20270130090000 send to claim a key (api/db/idempotency_repo.py as it
# was): the key as sent, under the unique (organization_id, key). The first, from before the tombstones
# (20270120090000), then read a tombstone's null fingerprint with `bytes(...)`: a 500.
OLD_CLAIMS = [
    """
    insert into session_idempotency_keys (organization_id, key, request_sha256) values (%s, %s, %s)
    on conflict (organization_id, key) do update
      set request_sha256 = excluded.request_sha256, created_at = now(), session_id = null, response = null
      where session_idempotency_keys.created_at < now() - interval '24 hours'
    returning id
    """,
    """
    insert into session_idempotency_keys (organization_id, key, request_sha256) values (%s, %s, %s)
    on conflict (organization_id, key) do update
      set request_sha256 = excluded.request_sha256, created_at = now(), erased_at = null
      where session_idempotency_keys.created_at < now() - interval '24 hours'
    returning id
    """,
]


async def test_a_replica_of_an_older_release_stores_no_key_as_sent_and_answers_a_retryable_503(
    api_server: ApiServer, db: Conn
) -> None:
    """During a rolling deploy, between migration 20270130090000 and the last old replica's replacement, a replica
    of an older release would store a key as sent, and could not see the keys this release stores as an HMAC (a
    retry there would schedule the candidate again, an erased one too) nor, from before the tombstones, read an
    erased key's tombstone (a 500). Its claim is refused instead, as a retryable 503 `database_unavailable`
    through the same `connection` it runs in, with nothing stored: the retry reaches a replica of this release."""
    s = api_server
    body = {"candidate": ADA}
    first = await s.client.post("/v1/sessions", json=body, headers=_headers(s))
    assert first.status_code == 201, first.text
    erased = await s.client.post("/v1/sessions", json=body, headers=_headers(s, "erased-1"))
    assert erased.status_code == 201, erased.text
    gone = await s.client.delete(f"/v1/sessions/{erased.json()['id']}", headers=s.org_headers())
    assert gone.status_code == 204, gone.text
    before = await _stored_text(db)

    for old_claim in OLD_CLAIMS:
        for key in (KEY, "erased-1", "never-used-1"):
            with pytest.raises(DatabaseUnavailableError):
                async with connection(s.app.state.pool) as conn, conn.transaction():
                    await conn.execute(old_claim, (s.org_id, key, bytes(range(32))))
    assert await _stored_text(db) == before
    # Nor may anything write a key as sent into a row of this release.
    with pytest.raises(psycopg.errors.ObjectNotInPrerequisiteState):
        await db.execute("update session_idempotency_keys set key = %s, key_hmac = null", (KEY,))
    again = await s.client.post("/v1/sessions", json=body, headers=_headers(s))
    assert again.status_code == 201 and again.json() == first.json(), again.text


async def _as_sent_by_the_release_before(db: Conn, org_id: str, key: str, name: bytes) -> None:
    """The row named `name` as the release before migration 20270130090000 left it: named by the key as sent
    (written past the trigger that now refuses that, as the migration found such rows)."""
    async with db.transaction():
        await db.execute("set local session_replication_role = replica")
        await db.execute(
            "update session_idempotency_keys set key = %s, key_hmac = null where organization_id = %s "
            "and key_hmac = %s",
            (key, org_id, name),
        )


async def test_keys_stored_as_sent_before_the_deploy_still_match_and_lose_their_raw_form(
    api_server: ApiServer, db: Conn
) -> None:
    """Rows the release before stored under the key as sent cannot be renamed by the migration (the HMAC's secret
    is not in the database): for the rest of their 24 hours a request with the key finds them, and renames them to
    the key's HMAC. A retry gets its first answer; an erasure renames its session's row before the tombstone is
    made, and a tombstone left as sent is renamed by the retry it refuses. No raw key is left."""
    s = api_server
    body = {"candidate": ADA}
    live = await s.client.post("/v1/sessions", json=body, headers=_headers(s, "a@example.com"))
    to_erase = await s.client.post("/v1/sessions", json=body, headers=_headers(s, "b@example.com"))
    erased_before = await s.client.post("/v1/sessions", json=body, headers=_headers(s, "c@example.com"))
    assert {live.status_code, to_erase.status_code, erased_before.status_code} == {201}
    gone = await s.client.delete(f"/v1/sessions/{erased_before.json()['id']}", headers=s.org_headers())
    assert gone.status_code == 204, gone.text
    keys = ("a@example.com", "b@example.com", "c@example.com")
    for key in keys:
        await _as_sent_by_the_release_before(db, s.org_id, key, _name(s, key))
    as_sent = await _stored_text(db)
    assert all(_holds_as_sent(as_sent, key) for key in keys)

    retry = await s.client.post("/v1/sessions", json=body, headers=_headers(s, "a@example.com"))
    assert retry.status_code == 201 and retry.json() == live.json(), retry.text
    assert retry.headers["Idempotent-Replayed"] == "true"
    other = await s.client.post(
        "/v1/sessions", json={**body, "difficulty": "Hard"}, headers=_headers(s, keys[0])
    )
    assert (other.status_code, other.json()["error"]["code"]) == (422, "idempotency_key_mismatch"), other.text

    gone = await s.client.delete(f"/v1/sessions/{to_erase.json()['id']}", headers=s.org_headers())
    assert gone.status_code == 204, gone.text
    erased_now = await _stored_text(db)
    assert not _holds_as_sent(erased_now, keys[1]) and _holds_as_sent(erased_now, keys[2])
    for key in keys[1:]:
        r = await s.client.post("/v1/sessions", json=body, headers=_headers(s, key))
        assert (r.status_code, r.json()["error"]["code"]) == (409, "idempotency_key_erased"), r.text

    stored = await _stored_text(db)
    assert not any(_holds_as_sent(stored, key) for key in keys)
    cur = await db.execute(
        "select key_hmac, erased_at is not null as erased from session_idempotency_keys "
        "where organization_id = %s and key is null order by id",
        (s.org_id,),
    )
    assert [(bytes(r["key_hmac"]), r["erased"]) for r in await cur.fetchall()] == [
        (_name(s, keys[0]), False),
        (_name(s, keys[1]), True),
        (_name(s, keys[2]), True),
    ]
    assert await _sessions(db, s.org_id) == 1


async def test_a_retry_racing_the_erasure_of_its_session_waits_and_is_refused(
    api_server: ApiServer, db: Conn, db_url: str
) -> None:
    """The session's deletion turns the key's row into a tombstone in its transaction; a retry arriving meanwhile
    waits on that row (the unique constraint), and once the erasure commits is 409 `idempotency_key_erased`: never
    the first answer of a session no longer there, nor a second session."""
    s = api_server
    body = {"candidate": ADA}
    first = await s.client.post("/v1/sessions", json=body, headers=_headers(s))
    assert first.status_code == 201, first.text
    async with await psycopg.AsyncConnection.connect(db_url) as erasure:
        async with erasure.transaction():
            await erasure.execute("delete from sessions where id = %s", (first.json()["id"],))
            retry = asyncio.create_task(s.client.post("/v1/sessions", json=body, headers=_headers(s)))
            await until_blocked(db, retry, "the retry")
        r = await retry
    assert (r.status_code, r.json()["error"]["code"]) == (409, "idempotency_key_erased"), r.text
    assert await _sessions(db, s.org_id) == 0


def test_a_resume_pdf_stands_for_the_text_read_from_it() -> None:
    """A multipart request's `resume_text` is what this replica's parser read from the PDF: a retry answered by a
    replica whose parser reads the same bytes otherwise (another release, another text bound) is the same request,
    not a 422 `idempotency_key_mismatch`. Without a PDF the text is the caller's own, and counts."""
    pdf = minimal_pdf("Ada Lovelace, Analytical Engines")
    read_here = SessionCreate(candidate=ADA, resume_text="Ada Lovelace, Analytical Engines")
    read_there = SessionCreate(candidate=ADA, resume_text="Ada Lovelace, Analytical")
    assert fingerprint(read_here, pdf) == fingerprint(read_there, pdf)
    assert fingerprint(read_here, pdf) != fingerprint(read_here, minimal_pdf("Grace Hopper"))
    assert fingerprint(read_here, None) != fingerprint(read_there, None)
    assert fingerprint(read_here, None) != fingerprint(read_here, pdf)


async def test_a_repeat_waits_on_the_first_for_the_lock_timeout_at_most(
    api_server: ApiServer, db: Conn, db_url: str
) -> None:
    """A repeat waits for the request holding its key, but no longer than SHADOWS_API_DB_LOCK_TIMEOUT_S: then a
    retryable 503 `database_unavailable`, nothing scheduled, and the key still the first request's."""
    s = api_server
    quick = s.settings.model_copy(update={"db_lock_timeout_s": 0.5})
    before = await _sessions(db, s.org_id)
    async with await psycopg.AsyncConnection.connect(db_url) as first, first.transaction():
        # The first request's claim, its transaction not yet ended (it schedules for longer than the repeat waits).
        await first.execute(
            "insert into session_idempotency_keys (organization_id, key_hmac, request_sha256) values (%s, %s, %s)",
            (s.org_id, _name(s), b"\0" * 32),
        )
        async with serve(quick) as client:
            repeat = await client.post("/v1/sessions", json={"candidate": ADA}, headers=_headers(s))
        raise psycopg.Rollback()
    assert (repeat.status_code, repeat.json()["error"]["code"]) == (503, "database_unavailable"), repeat.text
    assert await _sessions(db, s.org_id) == before
