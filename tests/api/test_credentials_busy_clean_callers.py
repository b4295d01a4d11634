"""The global guess budget spent (429 `credentials_busy`, api/guess_limits.py) refuses only callers that failed a
lookup lately: a few addresses holding it spent do not lock out every new candidate, organisation key or replica,
and the lookups callers with no recent failure then get are bounded by a second budget shared through Redis. Real
Postgres, Redis (the shared rate-limit store) and two apps over loopback."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from api.db import orgs_repo, sessions_repo
from api.security import INVITE_PREFIX
from api.settings import ApiSettings
from tests.api.conftest import serve
from tests.conftest import ApiServer


class Lookups:
    """Credential lookups the apps make (API keys and invites), all of them together."""

    def __init__(self) -> None:
        self.count = 0


@pytest.fixture
def lookups(monkeypatch: pytest.MonkeyPatch) -> Iterator[Lookups]:
    seen = Lookups()
    for module, name in (
        (orgs_repo, "org_for_key"),
        (sessions_repo, "get_session_by_invite"),
        (sessions_repo, "get_candidate_by_invite"),
    ):

        def counted(real: Any) -> Any:
            async def lookup(*args: Any) -> Any:
                seen.count += 1
                return await real(*args)

            return lookup

        monkeypatch.setattr(module, name, counted(getattr(module, name)))
    yield seen


def _busy_settings(api_server: ApiServer) -> ApiSettings:
    # The global budget (and so its overflow) three failures a minute; every address's own budget far from spent.
    return api_server.settings.model_copy(
        update={"forwarded_allow_ips": "127.0.0.1", "credential_guess_global_rate_limit": "3/minute"}
    )


def _guess() -> str:
    return INVITE_PREFIX + secrets.token_urlsafe(32)


async def _join(client: httpx.AsyncClient, invite: str, address: str) -> tuple[int, str | None]:
    r = await client.post("/v1/join", json={"invite": invite}, headers={"X-Forwarded-For": address})
    return r.status_code, (r.json().get("error") or {}).get("code")


async def _list_sessions(client: httpx.AsyncClient, key: str, address: str) -> int:
    headers = {"Authorization": f"Bearer {key}", "X-Forwarded-For": address}
    return (await client.get("/v1/sessions", headers=headers)).status_code


ATTACKERS = ["198.51.100.1", "198.51.100.2", "2001:db8:66::1"]
BUSY = (429, "credentials_busy")
UNKNOWN = (401, "invalid_invite")


async def test_a_clean_address_joins_while_other_addresses_hold_the_global_budget_spent(
    api_server: ApiServer, lookups: Lookups
) -> None:
    fresh, other = await api_server.create_session(), await api_server.create_session()
    _, unseen_key = await api_server.create_org("Fresh Replica Ltd")
    async with serve(_busy_settings(api_server)) as client:
        spent = [await _join(client, _guess(), ATTACKERS[i % 3]) for i in range(4)]
        assert spent == [UNKNOWN] * 3 + [BUSY]
        # A candidate's first join, and an organisation key this process has never seen, from addresses with no
        # failed lookup: looked up and opened, while the budget is spent.
        assert await _join(client, fresh["invite"], "203.0.113.7") == (200, None)
        assert await _list_sessions(client, unseen_key, "2001:db8:77::5") == 200
        # A clean address's own guess is looked up (and refused); then that address is refused as the others are.
        before = lookups.count
        assert await _join(client, _guess(), "203.0.113.8") == BUSY
        assert lookups.count == before + 1
        assert await _join(client, other["invite"], "203.0.113.8") == BUSY
        assert lookups.count == before + 1
        assert await _join(client, other["invite"], "203.0.113.9") == (200, None)


async def test_addresses_that_spent_the_global_budget_stay_refused_without_lookups(
    api_server: ApiServer, lookups: Lookups
) -> None:
    live, unseen = await api_server.create_session(), await api_server.create_session()
    async with serve(_busy_settings(api_server)) as client:
        assert await _join(client, live["invite"], ATTACKERS[0]) == (200, None)
        spent = [await _join(client, _guess(), ATTACKERS[i % 3]) for i in range(6)]
        assert spent == [UNKNOWN] * 3 + [BUSY] * 3
        before = lookups.count
        guesses = [await _join(client, _guess(), address) for address in ATTACKERS * 5]
        # Another /64 of the IPv6 attacker's /48 is that site, and refused as well.
        rotated = [await _join(client, _guess(), f"2001:db8:66:{i + 1:x}::1") for i in range(5)]
        real = await _join(client, unseen["invite"], ATTACKERS[1])
        assert guesses + rotated == [BUSY] * 20 and real == BUSY
        assert lookups.count == before
        # An invite this process has seen valid opens from them all the same.
        assert await _join(client, live["invite"], ATTACKERS[1]) == (200, None)


async def test_lookups_of_callers_without_a_recent_failure_are_bounded_by_the_overflow_budget(
    api_server: ApiServer, lookups: Lookups
) -> None:
    """Many addresses, each failing once: past the global budget their failures spend an overflow of the same size,
    and past that every credential the process has not seen valid waits (a botnet is still bounded)."""
    live = await api_server.create_session()
    unseen = await api_server.create_session()
    async with serve(_busy_settings(api_server)) as client:
        assert await _join(client, live["invite"], "203.0.113.1") == (200, None)
        before = lookups.count
        botnet = [await _join(client, _guess(), f"192.0.2.{i + 1}") for i in range(9)]
        # 3 in the global budget, 3 in the overflow, the 7th refused by the overflow: none after it is looked up.
        assert botnet == [UNKNOWN] * 3 + [BUSY] * 6
        assert lookups.count == before + 7
        closed = await _join(client, unseen["invite"], "203.0.113.2")
        assert closed == BUSY and lookups.count == before + 7
        assert await _join(client, live["invite"], "203.0.113.3") == (200, None)


async def test_two_replicas_sharing_redis_let_clean_callers_in_and_share_the_overflow(
    api_server: ApiServer, lookups: Lookups
) -> None:
    settings = _busy_settings(api_server)
    sessions = [await api_server.create_session() for _ in range(3)]
    _, unseen_key = await api_server.create_org("Second Replica Ltd")
    async with serve(settings) as a, serve(settings) as b:
        assert [await _join(a, _guess(), ATTACKERS[i % 3]) for i in range(4)] == [UNKNOWN] * 3 + [BUSY]
        # Replica b learns the budget is spent from an attacker's first failure there (its one lookup)...
        assert await _join(b, _guess(), ATTACKERS[0]) == BUSY
        before = lookups.count
        assert await _join(b, _guess(), ATTACKERS[0]) == BUSY
        assert lookups.count == before
        # ...and still lets in a candidate and an organisation it has never seen, from clean addresses.
        assert await _join(b, sessions[0]["invite"], "203.0.113.20") == (200, None)
        assert await _list_sessions(b, unseen_key, "203.0.113.21") == 200
        # The overflow is one budget in Redis: a's failure and b's two spend its three, and b's next is refused there:
        # b refuses every credential it has not seen valid, while a (not refused yet) still lets a clean caller in.
        assert await _join(b, _guess(), "192.0.2.50") == BUSY
        assert await _join(b, _guess(), "192.0.2.51") == BUSY
        assert await _join(a, sessions[1]["invite"], "203.0.113.22") == (200, None)
        assert await _join(b, sessions[2]["invite"], "203.0.113.23") == BUSY
