"""Guessed ATS keys (Greenhouse's and Ashby's Basic username) meet the guess limits of api/guess_limits.py as API keys
and invites do. Before, the partner routes looked up any username of up to 170 characters in Postgres, uncounted:
a caller refused (429) for guessing API keys went on guessing, a pooled connection and an indexed query each, with
`Authorization: Basic` on `/integrations/greenhouse/list_tests`. Real Postgres and Redis (the rate-limit store)."""

from __future__ import annotations

import asyncio
import secrets
from typing import Any

import pytest

from api.app import create_app
from api.db import integration_keys_repo
from tests.api.conftest import serve
from tests.conftest import ApiServer
from tests.fakes.greenhouse import basic


def _guess(prefix: str) -> dict[str, str]:
    return {"Authorization": basic(prefix + secrets.token_urlsafe(32))}


@pytest.fixture
def lookups(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    seen: list[str] = []
    key_by_hash = integration_keys_repo.key_by_hash

    async def counted(conn: Any, provider: str, key_hash: bytes) -> Any:
        seen.append(provider)
        return await key_by_hash(conn, provider, key_hash)

    monkeypatch.setattr(integration_keys_repo, "key_by_hash", counted)
    return seen


async def test_a_username_not_shaped_like_an_ats_key_costs_no_lookup(
    api_server: ApiServer, lookups: list[str]
) -> None:
    r = await api_server.client.post("/v1/integrations/greenhouse/keys", headers=api_server.org_headers())
    real = r.json()["key"]
    for username in (
        real[:-1],
        real + "A",
        real[:-1] + "!",
        "shab_" + real[5:],
        "x" * 170,
        "shk_" + real[5:],
    ):
        r = await api_server.client.get(
            "/integrations/greenhouse/list_tests", headers={"Authorization": basic(username)}
        )
        assert (r.status_code, r.json()["error"]["code"]) == (401, "invalid_api_key"), username
    assert lookups == []
    ok = await api_server.client.get(
        "/integrations/greenhouse/list_tests", headers={"Authorization": basic(real)}
    )
    assert ok.status_code == 200 and lookups == ["greenhouse"]


async def test_an_address_guessing_ats_keys_is_refused_without_lookups_but_a_key_seen_valid_goes_on(
    api_server: ApiServer, lookups: list[str]
) -> None:
    r = await api_server.client.post("/v1/integrations/greenhouse/keys", headers=api_server.org_headers())
    real = {"Authorization": basic(r.json()["key"])}
    settings = api_server.settings.model_copy(update={"credential_guess_client_rate_limit": "5/minute"})
    async with serve(settings) as client:
        assert (await client.get("/integrations/greenhouse/list_tests", headers=real)).status_code == 200
        guesses = [
            await client.get("/integrations/greenhouse/list_tests", headers=_guess("shgh_")) for _ in range(6)
        ]
        assert [g.status_code for g in guesses] == [401] * 5 + [429]
        assert guesses[-1].json()["error"]["code"] == "rate_limited"
        looked_up = len(lookups)
        # Spent for every credential this process has not seen valid, on both ATSs' routes and the API's own...
        ashby = await client.post("/integrations/ashby/assessment.list", json={}, headers=_guess("shab_"))
        api_key = await client.get("/v1/sessions", headers={"Authorization": "Bearer shk_" + "A" * 43})
        assert (ashby.status_code, api_key.status_code) == (429, 429)
        assert len(lookups) == looked_up
        # ...while the ATS's own key, seen valid, is looked up as before (and so still revocable at once).
        assert (await client.get("/integrations/greenhouse/list_tests", headers=real)).status_code == 200
        assert len(lookups) == looked_up + 1


async def test_ats_key_guesses_carrying_large_bodies_spend_the_address_too(
    api_server: ApiServer, lookups: list[str]
) -> None:
    """A body past the anonymous cap is read only for a live credential (api/body_credentials.py), which looks an ATS
    key up before the route does: counted as well, and a spent address has no more of them looked up and is told
    so (429) as with a small body."""
    settings = api_server.settings.model_copy(update={"credential_guess_client_rate_limit": "3/minute"})
    large = b'{"url": "https://x"' + b" " * (api_server.settings.max_public_body_bytes + 1) + b"}"
    async with serve(settings) as client:
        guesses = [
            await client.post(
                "/integrations/greenhouse/send_test",
                content=large,
                headers={"content-type": "application/json"} | _guess("shgh_"),
            )
            for _ in range(10)
        ]
        # Three failures counted, the fourth refused by the store after its lookup, none after that: the limit's
        # 429 as with a small body, never a 401 (api/body_credentials.py).
        assert [(r.status_code, r.json()["error"]["code"]) for r in guesses] == [
            (401, "invalid_credentials")
        ] * 3 + [(429, "rate_limited")] * 7
        assert len(lookups) == 4
        refused = await client.get("/integrations/greenhouse/list_tests", headers=_guess("shgh_"))
        assert (refused.status_code, refused.json()["error"]["code"]) == (429, "rate_limited")


async def test_a_spent_address_guessing_ats_keys_is_refused_while_every_pooled_connection_is_held(
    api_server: ApiServer,
) -> None:
    """A refused guess is answered before a pooled connection is taken, as an API key's or an invite's: the partner
    routes' guards took one first, so each guess from a spent address waited for the pool (503 once it timed out)
    and a flood of them held connections the organisations' own requests needed."""
    settings = api_server.settings.model_copy(
        update={
            "credential_guess_client_rate_limit": "2/hour",
            "db_pool_min": 1,
            "db_pool_max": 2,
            "db_pool_timeout_s": 2.0,
        }
    )
    app = create_app(settings)
    async with serve(settings, app=app) as client:
        spending = [
            (await client.get("/integrations/greenhouse/list_tests", headers=_guess("shgh_"))).status_code
            for _ in range(3)
        ]
        assert spending == [401, 401, 429]
        pool = app.state.pool
        held = [await pool.getconn() for _ in range(settings.db_pool_max)]
        try:
            # Every connection held: a guess that took one would wait out the pool's timeout and be a 503.
            refused = await asyncio.gather(
                *(
                    client.get("/integrations/greenhouse/list_tests", headers=_guess("shgh_"))
                    for _ in range(3)
                ),
                *(
                    client.post("/integrations/ashby/assessment.list", json={}, headers=_guess("shab_"))
                    for _ in range(3)
                ),
            )
        finally:
            for conn in held:
                await pool.putconn(conn)
        assert [r.status_code for r in refused] == [429] * 6
