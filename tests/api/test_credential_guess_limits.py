"""Guessed credentials (api/guess_limits.py): an invite or API key lookup that finds nothing is counted per client
address, per IPv6 /48 and for every caller together; past a limit the caller is refused (429) without a lookup
(past the global one, a caller that failed a lookup lately: test_credentials_busy_clean_callers.py), while
credentials this process has seen valid are still looked up. A bearer not shaped like one we issue costs no
lookup at all. Real Postgres and Redis (the app's rate-limit store)."""

from __future__ import annotations

import secrets
from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest
from limits import parse_many

from api.db import orgs_repo, sessions_repo
from api.ratelimits import RateLimits
from api.security import API_KEY_PREFIX, INVITE_PREFIX
from tests.api.conftest import serve
from tests.conftest import ApiServer


def _guess_key() -> str:
    return API_KEY_PREFIX + secrets.token_urlsafe(32)


def _guess_invite() -> str:
    return INVITE_PREFIX + secrets.token_urlsafe(32)


def _bearer(token: str) -> dict[str, Any]:
    return {"Authorization": f"Bearer {token}".encode()}  # bytes: a non-ASCII character goes as its UTF-8


class Lookups:
    """Counts the credential lookups the app makes (API keys; invites by session or with the candidate's org)."""

    def __init__(self) -> None:
        self.keys = 0
        self.invites = 0


@pytest.fixture
def lookups(monkeypatch: pytest.MonkeyPatch) -> Iterator[Lookups]:
    seen = Lookups()
    org_for_key = orgs_repo.org_for_key
    by_invite = sessions_repo.get_session_by_invite
    candidate_by_invite = sessions_repo.get_candidate_by_invite

    async def counted_key(*args: Any) -> Any:
        seen.keys += 1
        return await org_for_key(*args)

    async def counted_invite(*args: Any) -> Any:
        seen.invites += 1
        return await by_invite(*args)

    async def counted_candidate(*args: Any) -> Any:
        seen.invites += 1
        return await candidate_by_invite(*args)

    monkeypatch.setattr(orgs_repo, "org_for_key", counted_key)
    monkeypatch.setattr(sessions_repo, "get_session_by_invite", counted_invite)
    monkeypatch.setattr(sessions_repo, "get_candidate_by_invite", counted_candidate)
    yield seen


async def test_a_bearer_not_shaped_like_an_issued_credential_costs_no_lookup(
    api_server: ApiServer, lookups: Lookups
) -> None:
    session = await api_server.create_session()
    real_key, real_invite = api_server.org_key, session["invite"]
    lookups.keys = lookups.invites = 0  # creating the session looked the key up
    misshapen = [
        real_key[:-1],  # one character short
        real_key + "A",  # one too many
        real_key[:-1] + "!",  # outside the alphabet
        real_key[:-1] + "é",
        "SHK_" + real_key[4:],  # another prefix
        real_invite,  # an invite on an organisation's route
        api_server.internal_token,
        "x" * 500,
    ]
    for token in misshapen:
        r = await api_server.client.get(f"/v1/sessions/{session['id']}", headers=_bearer(token))
        assert (r.status_code, r.json()["error"]["code"]) == (401, "invalid_api_key"), token
    for token in [real_invite[:-1], real_invite + "A", real_invite[:-1] + "~", real_key, "inv_" + "A" * 200]:
        r = await api_server.client.get(f"/v1/sessions/{session['id']}/drafts", headers=_bearer(token))
        assert (r.status_code, r.json()["error"]["code"]) == (401, "invalid_invite"), token
        r = await api_server.client.post("/v1/livekit/token", json={}, headers=_bearer(token))
        assert (r.status_code, r.json()["error"]["code"]) == (401, "invalid_invite"), token
    assert (lookups.keys, lookups.invites) == (0, 0)
    # The real ones still open what they open.
    assert (
        await api_server.client.get(f"/v1/sessions/{session['id']}", headers=_bearer(real_key))
    ).status_code == 200
    drafts = await api_server.client.get(f"/v1/sessions/{session['id']}/drafts", headers=_bearer(real_invite))
    assert drafts.status_code == 200


async def test_an_address_guessing_api_keys_is_refused_without_lookups_but_keys_seen_valid_go_on(
    api_server: ApiServer, lookups: Lookups
) -> None:
    settings = api_server.settings.model_copy(update={"credential_guess_client_rate_limit": "5/minute"})
    _, unseen_key = await api_server.create_org("Unseen Ltd")
    async with serve(settings) as client:
        assert (await client.get("/v1/sessions", headers=_bearer(api_server.org_key))).status_code == 200
        guesses = [await client.get("/v1/sessions", headers=_bearer(_guess_key())) for _ in range(6)]
        assert [r.status_code for r in guesses] == [401] * 5 + [429]
        assert guesses[-1].json()["error"]["code"] == "rate_limited"
        assert int(guesses[-1].headers["Retry-After"]) >= 1
        looked_up = lookups.keys
        # Spent: further guesses, and a real key this process has not seen, are refused without a lookup...
        more = [await client.get("/v1/sessions", headers=_bearer(_guess_key())) for _ in range(20)]
        unseen = await client.get("/v1/sessions", headers=_bearer(unseen_key))
        assert {r.status_code for r in more} == {429} and unseen.status_code == 429
        assert lookups.keys == looked_up
        # ...while the key already seen valid is looked up as before (and so still revocable at once).
        seen = await client.get("/v1/sessions", headers=_bearer(api_server.org_key))
        assert seen.status_code == 200
        assert lookups.keys == looked_up + 1


async def test_invite_guesses_are_counted_on_every_candidate_route_and_spend_the_address(
    api_server: ApiServer, lookups: Lookups
) -> None:
    settings = api_server.settings.model_copy(update={"credential_guess_client_rate_limit": "6/minute"})
    live = await api_server.create_session()
    unseen = await api_server.create_session()
    async with serve(settings) as client:
        drafts = f"/v1/sessions/{live['id']}/drafts"
        assert (await client.get(drafts, headers=_bearer(live["invite"]))).status_code == 200
        statuses = []
        for _ in range(3):  # one route by dependency, one that reads the bearer itself
            statuses.append((await client.get(drafts, headers=_bearer(_guess_invite()))).status_code)
            statuses.append(
                (
                    await client.post("/v1/livekit/token", json={}, headers=_bearer(_guess_invite()))
                ).status_code
            )
        assert statuses == [401] * 6
        refused = await client.post("/v1/livekit/token", json={}, headers=_bearer(_guess_invite()))
        assert (refused.status_code, refused.json()["error"]["code"]) == (429, "rate_limited")
        looked_up = lookups.invites
        other = await client.get(f"/v1/sessions/{unseen['id']}/drafts", headers=_bearer(unseen["invite"]))
        assert other.status_code == 429
        assert lookups.invites == looked_up
        assert (await client.get(drafts, headers=_bearer(live["invite"]))).status_code == 200


async def test_guesses_from_many_networks_spend_the_global_budget_but_never_a_credential_seen_valid(
    api_server: ApiServer, lookups: Lookups
) -> None:
    settings = api_server.settings.model_copy(
        update={"forwarded_allow_ips": "127.0.0.1", "credential_guess_global_rate_limit": "8/minute"}
    )
    live = await api_server.create_session()
    async with serve(settings) as client:
        drafts = f"/v1/sessions/{live['id']}/drafts"
        assert (await client.get(drafts, headers=_bearer(live["invite"]))).status_code == 200
        assert (await client.get("/v1/sessions", headers=_bearer(api_server.org_key))).status_code == 200
        codes = []
        for i in range(10):
            headers = {
                **_bearer(_guess_key() if i % 2 else _guess_invite()),
                "X-Forwarded-For": f"198.51.100.{i}",
            }
            r = await client.get(drafts if i % 2 == 0 else "/v1/sessions", headers=headers)
            codes.append((r.status_code, r.json()["error"]["code"]))
        assert codes[:8] == [(401, "invalid_invite"), (401, "invalid_api_key")] * 4
        assert codes[8:] == [(429, "credentials_busy")] * 2
        # An address with no failed lookup has its lookup (refused once it fails), then waits as the others do.
        looked_up = (lookups.keys, lookups.invites)
        fresh = {"X-Forwarded-For": "203.0.113.9"}
        failed = await client.get(drafts, headers={**_bearer(_guess_invite()), **fresh})
        assert (failed.status_code, failed.json()["error"]["code"]) == (429, "credentials_busy")
        assert (lookups.keys, lookups.invites) == (looked_up[0], looked_up[1] + 1)
        refused = await client.get(drafts, headers={**_bearer(_guess_invite()), **fresh})
        assert refused.status_code == 429 and int(refused.headers["Retry-After"]) >= 1
        assert (lookups.keys, lookups.invites) == (looked_up[0], looked_up[1] + 1)
        # Credentials seen valid are still looked up and answered, from any address.
        assert (await client.get(drafts, headers={**_bearer(live["invite"]), **fresh})).status_code == 200
        org = await client.get("/v1/sessions", headers={**_bearer(api_server.org_key), **fresh})
        assert org.status_code == 200


async def test_an_ipv6_client_rotating_its_slash_64s_meets_its_sites_guess_limit(
    api_server: ApiServer,
) -> None:
    settings = api_server.settings.model_copy(
        update={
            "forwarded_allow_ips": "127.0.0.1",
            "credential_guess_client_rate_limit": "2/minute",
            "credential_guess_site_rate_limit": "5/minute",
        }
    )
    async with serve(settings) as client:

        async def guess(address: str) -> int:
            headers = {**_bearer(_guess_key()), "X-Forwarded-For": address}
            return (await client.get("/v1/sessions", headers=headers)).status_code

        rotated = [await guess(f"2001:db8:7:{i:x}::1") for i in range(7)]
        other_site = await guess("2001:db8:8::1")
        same_64 = [await guess(f"2001:db8:9:1::{i + 1:x}") for i in range(3)]
    assert rotated == [401] * 5 + [429] * 2
    assert other_site == 401
    assert same_64 == [401, 401, 429]


async def test_an_office_of_real_candidates_with_some_typos_stays_far_below_the_default_limits(
    api_server: ApiServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    # One office behind one NAT address: 30 candidates use their invites (each on several routes), 10 of them first
    # paste a mangled link (an invite with characters changed: well-formed, unknown), one org script loops a
    # revoked key 20 times. Nobody is refused, and the address has used under a tenth of its hourly budget.
    ratelimits: RateLimits = api_server.app.state.ratelimits
    counted: list[str] = []
    hit = ratelimits.hit

    async def spy(scope: str, *args: Any, **kwargs: Any) -> None:
        counted.append(scope)
        await hit(scope, *args, **kwargs)

    monkeypatch.setattr(ratelimits, "hit", spy)
    sessions = [await api_server.create_session() for _ in range(30)]
    _, doomed = await api_server.create_org("Old Script Ltd")
    for s in sessions[:10]:
        typo = s["invite"][:-3] + ("abc" if not s["invite"].endswith("abc") else "xyz")
        r = await api_server.client.get(f"/v1/sessions/{s['id']}/drafts", headers=_bearer(typo))
        assert r.status_code == 401
    for _ in range(20):
        r = await api_server.client.get("/v1/sessions", headers=_bearer(doomed[:-2] + "zz"))
        assert r.status_code == 401
    before = len(counted)
    for s in sessions:
        for path in ("drafts", "results"):
            r = await api_server.client.get(f"/v1/sessions/{s['id']}/{path}", headers=_bearer(s["invite"]))
            assert r.status_code == 200
        assert (
            await api_server.client.post("/v1/livekit/token", json={}, headers=_bearer(s["invite"]))
        ).status_code in (201, 409)
    assert not [c for c in counted[before:] if c.startswith("credential_guess")]  # valid: no store round trip
    hourly = [
        i
        for i in parse_many(api_server.settings.credential_guess_client_rate_limit)
        if i.GRANULARITY.name == "hour"
    ]
    assert hourly and hourly[0].amount >= 10 * 30  # 30 failures used here: under a tenth of the hour's budget
    for item in parse_many(api_server.settings.credential_guess_client_rate_limit):
        stats = await ratelimits._limiter.get_window_stats(item, "credential_guess_client", "127.0.0.1")
        assert stats.remaining == item.amount - 30


async def test_guesses_carrying_large_bodies_spend_the_address_and_meet_its_limit_as_small_ones_do(
    api_server: ApiServer, lookups: Lookups
) -> None:
    """A body past the anonymous cap is read only for a live credential (api/body_credentials.py), which looks the
    bearer up before the route does: those lookups are counted too, and a spent address sends no more of them. The
    limit comes before the credential whatever the body's size: a real key this process has not seen, from a spent
    address, is answered 429 with a large body (declared or streamed) as with a small one, never 401."""
    settings = api_server.settings.model_copy(update={"credential_guess_client_rate_limit": "3/minute"})
    _, unseen_key = await api_server.create_org("Unseen Bodies Ltd")
    large = (
        b'{"url": "http://127.0.0.1:9/x", "event_types": ["session.scheduled"]'
        + b" " * (api_server.settings.max_public_body_bytes + 1)
        + b"}"
    )
    headers = {"content-type": "application/json"}

    async def streamed() -> AsyncIterator[bytes]:
        for i in range(0, len(large), 16 * 1024):
            yield large[i : i + 16 * 1024]

    async with serve(settings) as client:
        assert (await client.get("/v1/sessions", headers=_bearer(api_server.org_key))).status_code == 200
        lookups.keys = 0
        guesses = [
            await client.post(
                "/v1/webhook-endpoints",
                content=large,
                headers=headers | {"authorization": f"Bearer {_guess_key()}"},
            )
            for _ in range(10)
        ]
        assert [(r.status_code, r.json()["error"]["code"]) for r in guesses] == [
            (401, "invalid_credentials")
        ] * 3 + [(429, "rate_limited")] * 7
        assert all(int(r.headers["Retry-After"]) >= 1 for r in guesses[3:])
        # Three failures counted, the fourth refused by the store after its lookup: none after that.
        assert lookups.keys == 4
        unseen = headers | {"authorization": f"Bearer {unseen_key}"}
        answers = {
            "small": await client.post(
                "/v1/webhook-endpoints", json={"url": "http://127.0.0.1:9/x"}, headers=unseen
            ),
            "declared": await client.post("/v1/webhook-endpoints", content=large, headers=unseen),
            "streamed": await client.post("/v1/webhook-endpoints", content=streamed(), headers=unseen),
        }
        for size, r in answers.items():
            assert (r.status_code, r.json()["error"]["code"]) == (429, "rate_limited"), (size, r.text)
            assert int(r.headers["Retry-After"]) >= 1, size
        assert lookups.keys == 4
        # The key this process has seen valid is looked up and its large body read, from the spent address too.
        seen = headers | {"authorization": f"Bearer {api_server.org_key}"}
        for body in (large, streamed()):
            r = await client.post("/v1/webhook-endpoints", content=body, headers=seen)
            assert r.status_code == 201, r.text
