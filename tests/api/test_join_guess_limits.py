"""The join (POST /v1/join, the invite in its body) under the guess limits (api/guess_limits.py): its failed lookups
count against the caller's address, and a spent address is refused before a pooled connection is taken; an invite
this process has seen valid joins on."""

from __future__ import annotations

import secrets
from typing import Any

import pytest

from api.db import sessions_repo
from api.security import INVITE_PREFIX
from tests.api.conftest import serve
from tests.conftest import ApiServer


async def test_guessed_invites_at_the_join_spend_the_address_and_cost_no_lookup_after(
    api_server: ApiServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = 0
    original = sessions_repo.get_candidate_by_invite

    async def counted(*args: Any) -> Any:
        nonlocal calls
        calls += 1
        return await original(*args)

    monkeypatch.setattr(sessions_repo, "get_candidate_by_invite", counted)
    settings = api_server.settings.model_copy(update={"credential_guess_client_rate_limit": "4/minute"})
    live, unseen = await api_server.create_session(), await api_server.create_session()
    async with serve(settings) as client:
        assert (await client.post("/v1/join", json={"invite": live["invite"]})).status_code == 200
        guesses = [
            await client.post("/v1/join", json={"invite": INVITE_PREFIX + secrets.token_urlsafe(32)})
            for _ in range(5)
        ]
        assert [r.status_code for r in guesses] == [401] * 4 + [429]
        before = calls
        refused = await client.post("/v1/join", json={"invite": unseen["invite"]})
        assert (refused.status_code, refused.json()["error"]["code"]) == (429, "rate_limited")
        assert calls == before
        assert (await client.post("/v1/join", json={"invite": live["invite"]})).status_code == 200
        malformed = await client.post("/v1/join", json={"invite": "inv_short"})
        assert (malformed.status_code, malformed.json()["error"]["code"]) == (401, "invalid_invite")
