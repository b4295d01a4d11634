"""Report share links: minted by an organisation, signed and expiring, refused when tampered with, expired, revoked,
signed with a rotated key or pointing at a deleted session."""

from __future__ import annotations

import asyncio
import base64
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import uuid4

import psycopg
import pytest
from psycopg.rows import DictRow
from pydantic import SecretStr

from api import share_links
from api.settings import ApiSettings
from tests.conftest import ApiServer

Conn = psycopg.AsyncConnection[DictRow]


async def _share(
    server: ApiServer, session_id: str, body: object = None, key: str | None = None
) -> dict[str, Any]:
    r = await server.client.post(
        f"/v1/sessions/{session_id}/share", json=body, headers=server.org_headers(key)
    )
    assert r.status_code == 201, r.text
    return dict(r.json())


def _token(created: dict[str, Any]) -> str:
    return str(created["report_url"].rsplit("/", 1)[1])


async def test_share_returns_a_signed_report_url_that_opens_only_its_session(
    api_server: ApiServer, db: Conn
) -> None:
    session = await api_server.create_session()
    other = await api_server.create_session()
    before = datetime.now(UTC)
    created = await _share(api_server, session["id"], {})

    assert created["session_id"] == session["id"]
    assert created["report_url"].startswith(f"{api_server.url}/v1/reports/shr_")
    expires = datetime.fromisoformat(created["expires_at"])
    # 14 days by default (whole seconds).
    assert (
        before + timedelta(days=14) - timedelta(seconds=2)
        <= expires
        <= datetime.now(UTC) + timedelta(days=14)
    )
    token = _token(created)
    assert session["id"] not in token and session["invite"] not in token

    opened = await share_links.verify(db, api_server.settings, token)
    assert opened.session_id == session["id"]
    assert str(opened.link_id) == created["id"]
    assert opened.expires_at == expires
    assert str(opened.organization_id) == api_server.org_id
    # Two links to one session are distinct and both work; neither opens the other session.
    second = await _share(api_server, session["id"])
    assert _token(second) != token
    assert (await share_links.verify(db, api_server.settings, _token(second))).session_id == session["id"]
    assert other["id"] not in {opened.session_id}

    cur = await db.execute(
        "select session_id, organization_id, revoked_at from share_links order by created_at"
    )
    rows = await cur.fetchall()
    assert [r["session_id"] for r in rows] == [session["id"], session["id"]]
    assert all(r["revoked_at"] is None for r in rows)


async def test_share_lifetime_is_bounded_by_settings(api_server: ApiServer) -> None:
    session = await api_server.create_session()
    one_day = await _share(api_server, session["id"], {"expires_in_days": 1})
    expires = datetime.fromisoformat(one_day["expires_at"])
    assert timedelta(hours=23) < expires - datetime.now(UTC) <= timedelta(days=1)

    for body in ({"expires_in_days": 0}, {"expires_in_days": 91}, {"expires_in_days": "x"}, {"other": 1}):
        r = await api_server.client.post(
            f"/v1/sessions/{session['id']}/share", json=body, headers=api_server.org_headers()
        )
        assert r.status_code == 422, body
        assert r.json()["error"]["code"] == "validation_error"
    # No body at all is the same as {}.
    r = await api_server.client.post(f"/v1/sessions/{session['id']}/share", headers=api_server.org_headers())
    assert r.status_code == 201


async def test_default_lifetime_comes_from_settings(api_server: ApiServer, db: Conn) -> None:
    session = await api_server.create_session()
    settings = api_server.settings.model_copy(update={"share_link_days": 3})
    link = await share_links.mint(db, settings, session["id"])
    assert (
        timedelta(days=3) - timedelta(seconds=2) <= link.expires_at - datetime.now(UTC) <= timedelta(days=3)
    )
    with pytest.raises(Exception, match="between 1 and 90"):
        await share_links.mint(db, settings, session["id"], expires_in_days=365)
    with pytest.raises(ValueError, match="SHARE_LINK_DAYS"):
        ApiSettings(_env_file=None, share_link_days=30, share_link_max_days=7)  # type: ignore[call-arg]


def _flip(token: str, index: int) -> str:
    chars = list(token)
    chars[index] = "A" if chars[index] != "A" else "B"
    return "".join(chars)


async def test_tampered_foreign_or_malformed_tokens_are_invalid(api_server: ApiServer, db: Conn) -> None:
    session = await api_server.create_session()
    token = _token(await _share(api_server, session["id"]))
    raw = base64.urlsafe_b64decode(token[4:] + "=" * (-len(token[4:]) % 4))
    # Later expiry with the original MAC: a forged extension.
    extended = raw[:16] + (int.from_bytes(raw[16:24], "big") + 86_400 * 365).to_bytes(8, "big") + raw[24:]
    forged_extension = "shr_" + base64.urlsafe_b64encode(extended).decode().rstrip("=")
    # Another link id with the original MAC.
    forged_id = "shr_" + base64.urlsafe_b64encode(uuid4().bytes + raw[16:]).decode().rstrip("=")
    bad = [
        _flip(token, 5),  # inside the link id
        _flip(token, 30),  # inside the expiry
        _flip(token, len(token) - 3),  # inside the MAC
        token[:-1],
        token + "A",
        token[4:],
        "shv_" + token[4:],
        token + "=",
        forged_extension,
        forged_id,
        "shr_",
        "shr_" + "%" * 40,
        "shr_" + "é" * 75,
        "shr_" + "A" * 300,
        session["id"],
        session["invite"],
        api_server.org_key,
    ]
    for value in bad:
        with pytest.raises(share_links.ShareLinkInvalidError):
            await share_links.verify(db, api_server.settings, value)
    assert (await share_links.verify(db, api_server.settings, token)).session_id == session["id"]


async def test_non_canonical_base64_spelling_is_refused(api_server: ApiServer, db: Conn) -> None:
    session = await api_server.create_session()
    token = _token(await _share(api_server, session["id"]))
    # 56 bytes encode to 75 characters; the last one carries 2 padding bits. Setting them decodes to the same bytes.
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    last = alphabet.index(token[-1])
    assert last % 4 == 0
    variant = token[:-1] + alphabet[last + 1]
    assert base64.urlsafe_b64decode(variant[4:] + "=") == base64.urlsafe_b64decode(token[4:] + "=")
    with pytest.raises(share_links.ShareLinkInvalidError):
        await share_links.verify(db, api_server.settings, variant)


async def test_expired_links_are_refused_even_if_the_row_says_otherwise(
    api_server: ApiServer, db: Conn
) -> None:
    session = await api_server.create_session()
    created = await _share(api_server, session["id"], {"expires_in_days": 1})
    token = _token(created)
    expires = datetime.fromisoformat(created["expires_at"])
    assert await share_links.verify(db, api_server.settings, token, now=expires - timedelta(seconds=1))
    with pytest.raises(share_links.ShareLinkExpiredError) as info:
        await share_links.verify(db, api_server.settings, token, now=expires)
    assert (info.value.status, info.value.code) == (410, "share_link_expired")
    # The signed expiry wins over a row edited to last longer.
    await db.execute("update share_links set expires_at = expires_at + interval '30 days'")
    with pytest.raises(share_links.ShareLinkExpiredError):
        await share_links.verify(db, api_server.settings, token, now=expires + timedelta(days=1))
    # And the row must agree with the token.
    with pytest.raises(share_links.ShareLinkInvalidError):
        await share_links.verify(db, api_server.settings, token)


async def test_rotating_the_signing_key_invalidates_every_link(api_server: ApiServer, db: Conn) -> None:
    session = await api_server.create_session()
    token = _token(await _share(api_server, session["id"]))
    rotated = api_server.settings.model_copy(
        update={"share_signing_key": SecretStr("rotated-share-signing-key-" + "k" * 32)}
    )
    with pytest.raises(share_links.ShareLinkInvalidError):
        await share_links.verify(db, rotated, token)
    # Links minted after the rotation work with the new key only.
    fresh = await share_links.mint(db, rotated, session["id"])
    assert (await share_links.verify(db, rotated, fresh.token)).session_id == session["id"]
    with pytest.raises(share_links.ShareLinkInvalidError):
        await share_links.verify(db, api_server.settings, fresh.token)


async def test_revoked_links_stop_working_and_listing_shows_it(api_server: ApiServer, db: Conn) -> None:
    session = await api_server.create_session()
    kept = await _share(api_server, session["id"])
    revoked = await _share(api_server, session["id"])
    path = f"/v1/sessions/{session['id']}/share"

    r = await api_server.client.delete(f"{path}/{revoked['id']}", headers=api_server.org_headers())
    assert r.status_code == 204 and r.content == b""
    with pytest.raises(share_links.ShareLinkRevokedError) as info:
        await share_links.verify(db, api_server.settings, _token(revoked))
    assert (info.value.status, info.value.code) == (410, "share_link_revoked")
    assert (await share_links.verify(db, api_server.settings, _token(kept))).session_id == session["id"]
    cur = await db.execute("select revoked_at from share_links where id = %s", (revoked["id"],))
    first = (await cur.fetchone())["revoked_at"]  # type: ignore[index]  # the link exists

    # Revoking again is a no-op that keeps the first revocation time.
    r = await api_server.client.delete(f"{path}/{revoked['id']}", headers=api_server.org_headers())
    assert r.status_code == 204
    cur = await db.execute("select revoked_at from share_links where id = %s", (revoked["id"],))
    assert (await cur.fetchone())["revoked_at"] == first  # type: ignore[index]  # the link exists

    listed = await api_server.client.get(path, headers=api_server.org_headers())
    assert listed.status_code == 200
    data = listed.json()["data"]
    assert [(d["id"], d["active"], d["revoked_at"] is not None) for d in data] == [
        (revoked["id"], False, True),
        (kept["id"], True, False),
    ]
    assert "report_url" not in listed.text and "shr_" not in listed.text  # URLs are shown once

    for missing in (str(uuid4()), "not-a-uuid"):
        r = await api_server.client.delete(f"{path}/{missing}", headers=api_server.org_headers())
        assert r.status_code in (404, 422), missing
        if r.status_code == 404:
            assert r.json()["error"]["code"] == "share_link_not_found"


async def test_another_organisation_can_neither_share_list_nor_revoke(
    api_server: ApiServer, db: Conn
) -> None:
    session = await api_server.create_session()
    link = await _share(api_server, session["id"])
    _, other_key = await api_server.create_org("Other Org")
    path = f"/v1/sessions/{session['id']}/share"
    for method, url in (("POST", path), ("GET", path), ("DELETE", f"{path}/{link['id']}")):
        r = await api_server.client.request(
            method, url, json={} if method == "POST" else None, headers=api_server.org_headers(other_key)
        )
        assert r.status_code == 404, (method, r.text)
        assert "shr_" not in r.text and session["invite"] not in r.text
    assert (await share_links.verify(db, api_server.settings, _token(link))).session_id == session["id"]
    cur = await db.execute("select count(*) as n from share_links")
    assert (await cur.fetchone())["n"] == 1  # type: ignore[index]  # count(*) returns a row


async def test_practice_sessions_cannot_be_shared_and_unknown_sessions_are_404(
    api_server: ApiServer, db: Conn
) -> None:
    r = await api_server.client.post("/v1/practice", json={})
    assert r.status_code == 201
    practice = r.json()
    with pytest.raises(Exception, match="Session not found"):
        await share_links.mint(db, api_server.settings, practice["id"])
    r = await api_server.client.post(
        "/v1/sessions/ses_000000000000000000000000/share", json={}, headers=api_server.org_headers()
    )
    assert (r.status_code, r.json()["error"]["code"]) == (404, "session_not_found")


async def test_deleting_the_session_invalidates_its_links(api_server: ApiServer, db: Conn) -> None:
    session = await api_server.create_session()
    token = _token(await _share(api_server, session["id"]))
    await db.execute("delete from sessions where id = %s", (session["id"],))
    cur = await db.execute("select count(*) as n from share_links")
    assert (await cur.fetchone())["n"] == 0  # type: ignore[index]  # count(*) returns a row
    with pytest.raises(share_links.ShareLinkInvalidError):
        await share_links.verify(db, api_server.settings, token)


async def test_mint_from_a_job_needs_no_organisation_and_builds_the_public_url(
    api_server: ApiServer, db: Conn
) -> None:
    session = await api_server.create_session()
    settings = api_server.settings.model_copy(update={"public_url": "https://shadows.example.com/"})
    link = await share_links.mint(db, settings, session["id"], expires_in_days=7)
    assert link.report_url == f"https://shadows.example.com/v1/reports/{link.token}"
    assert (await share_links.verify(db, settings, link.token)).session_id == session["id"]


async def test_shadows_share_prints_a_link_that_opens_the_report(api_server: ApiServer, db_url: str) -> None:
    import subprocess

    from tests.conftest import ROOT, child_env

    session = await api_server.create_session()
    env = child_env(("SHADOWS_API_",))
    env["DATABASE_URL"] = db_url
    done = await asyncio.to_thread(
        subprocess.run,
        [str(ROOT / ".venv" / "bin" / "shadows"), "share", session["id"], "--days", "2"],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    url = done.stdout.strip().splitlines()[-1]
    assert url.startswith("http://127.0.0.1:8000/v1/reports/shr_")  # SHADOWS_API_PUBLIC_URL's default
    page = await api_server.client.get(url.removeprefix("http://127.0.0.1:8000"))
    assert page.status_code == 200 and session["id"] in page.text
    missing = await asyncio.to_thread(
        subprocess.run,
        [str(ROOT / ".venv" / "bin" / "shadows"), "share", "ses_000000000000000000000000"],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=120,
        check=False,
    )
    assert missing.returncode == 1 and "Session not found" in missing.stderr


async def test_a_mangled_link_opens_the_invalid_link_page_whatever_its_length(api_server: ApiServer) -> None:
    """A link an e-mail client or chat app mangled (a tracking suffix appended, a paste doubled) is a link we did not
    issue, like any other: the reader gets the page that says so, a script the JSON error it handles for every
    other bad link, never a 422 validation error naming the path. The length bound is the token check's own (256
    characters, before any database read)."""
    session = await api_server.create_session()
    token = _token(await _share(api_server, session["id"]))
    mangled = [
        token + "x" * 200,  # a suffix pasted on
        token * 4,
        "shr_" + "A" * 5000,
        "shv_" + "A" * 300,
    ]
    for value in mangled:
        assert len(value) > 256
        page = await api_server.client.get(f"/v1/reports/{value}")
        assert page.status_code == 404, (len(value), page.text[:200])
        assert page.headers["content-type"].startswith("text/html") and "This link is not valid" in page.text
        timeline = await api_server.client.get(f"/v1/reports/{value}/timeline")
        assert (timeline.status_code, timeline.json()["error"]["code"]) == (404, "share_link_invalid")
        artifact = await api_server.client.get(f"/v1/artifacts/{value * 3}/report.pdf")
        assert (artifact.status_code, artifact.json()["error"]["code"]) == (404, "share_link_invalid")
    long_name = await api_server.client.get(f"/v1/artifacts/{token}/{'a' * 150}.pdf")
    assert long_name.status_code == 404
    # The link itself still opens.
    assert (await api_server.client.get(f"/v1/reports/{token}")).status_code == 200
