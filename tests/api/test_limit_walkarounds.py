"""Ways round the API's limits that were tried and hold: a client naming itself with headers other than a trusted
proxy's X-Forwarded-For, one IPv6 client writing its address another way, a burst of session creations racing one
per-organisation limit on two replicas, an organisation issuing itself new API keys to reset its limits, and a
rate-limit store that is down (every limit then refuses, none lets through). Each says what an attacker tried."""

from __future__ import annotations

import asyncio
from typing import Any
from uuid import uuid4

import pytest

from api.forwarded import ForwardedClientMiddleware
from api.org_limits import count_session, invite_allowed
from api.ratelimits import RateLimiterUnavailableError, RateLimits, client_bucket, client_site
from tests.api.conftest import serve
from tests.conftest import ApiServer, free_port

ADA = {"candidate": {"name": "Ada Lovelace", "email": "ada@example.com"}}


async def _client_seen(trusted: str, peer: str, headers: list[tuple[bytes, bytes]]) -> Any:
    seen: dict[str, Any] = {}

    async def app(scope: Any, receive: Any, send: Any) -> None:
        seen["client"] = scope["client"]

    middleware = ForwardedClientMiddleware(app, trusted=trusted)  # type: ignore[arg-type]
    scope = {"type": "http", "client": (peer, 5555), "headers": headers, "scheme": "http"}
    await middleware(scope, None, None)  # type: ignore[arg-type]
    return seen["client"]


@pytest.mark.parametrize("trusted", ["", "10.0.0.0/8", "*"])
async def test_only_x_forwarded_for_from_a_trusted_proxy_names_the_client(trusted: str) -> None:
    """RFC 7239's `Forwarded`, `X-Real-IP`, `True-Client-IP`, `CF-Connecting-IP` and `X-Client-IP` are written by the
    client as much as by any proxy: none of them moves a client to another bucket, whatever proxies are trusted."""
    spoofs = [
        (b"forwarded", b'for="[2001:db8::7]";proto=https, for=198.51.100.9'),
        (b"x-real-ip", b"198.51.100.10"),
        (b"true-client-ip", b"198.51.100.11"),
        (b"cf-connecting-ip", b"198.51.100.12"),
        (b"x-client-ip", b"198.51.100.13"),
        (b"x-forwarded", b"for=198.51.100.14"),
    ]
    assert await _client_seen(trusted, "10.0.0.7", spoofs) == ("10.0.0.7", 5555)
    assert await _client_seen(trusted, "203.0.113.5", spoofs) == ("203.0.113.5", 5555)
    # An untrusted peer's X-Forwarded-For is ignored too (with "*" every peer is a proxy: its right-most entry).
    forwarded = [*spoofs, (b"x-forwarded-for", b"198.51.100.1, 192.0.2.44")]
    expected = ("10.0.0.7", 5555) if not trusted else ("192.0.2.44", 0)
    assert await _client_seen(trusted, "10.0.0.7", forwarded) == expected
    untrusted = ("203.0.113.5", 5555) if trusted != "*" else ("192.0.2.44", 0)
    assert await _client_seen(trusted, "203.0.113.5", forwarded) == untrusted


def test_one_client_writing_its_address_another_way_keeps_its_bucket() -> None:
    """Every spelling of one address, and every address of one /64, is one bucket; an IPv4 client is its address
    however a dual-stack socket or a proxy writes it."""
    same_64 = [
        "2001:db8:1:2::1",
        "2001:DB8:1:2::1",
        "2001:0db8:0001:0002:0000:0000:0000:0001",
        "2001:db8:1:2:ffff:ffff:ffff:ffff",
        "2001:db8:1:2:a:b:c:d%eth0",
    ]
    assert {client_bucket(a) for a in same_64} == {"2001:db8:1:2::/64"}
    assert {client_site(a) for a in same_64} == {"2001:db8:1::/48"}
    assert {client_bucket(a) for a in ("192.0.2.7", "::ffff:192.0.2.7", "::FFFF:c000:207")} == {"192.0.2.7"}
    assert {client_site(a) for a in ("192.0.2.7", "::ffff:192.0.2.7")} == {None}


async def test_a_burst_of_session_creations_on_two_replicas_passes_the_organisations_limit_exactly(
    api_server: ApiServer,
) -> None:
    """Twelve creations at once, alternating between two API processes sharing the store: the limit is counted
    atomically in the store, never read and then written, so exactly the limit's number are scheduled."""
    settings = api_server.settings.model_copy(update={"session_create_rate_limit": "3/hour"})
    headers = api_server.org_headers()
    async with serve(settings) as one, serve(settings) as two:
        answers = await asyncio.gather(
            *((one, two)[i % 2].post("/v1/sessions", json=ADA, headers=headers) for i in range(12))
        )
    assert sorted(r.status_code for r in answers) == [201] * 3 + [429] * 9
    assert {r.json()["error"]["code"] for r in answers if r.status_code == 429} == {"session_rate_limited"}


async def test_new_api_keys_and_a_revoked_key_reset_no_organisation_limit(api_server: ApiServer) -> None:
    """The per-organisation limits count the organisation, not the key that asked: issuing a fresh key (or many)
    and revoking the spent one starts nothing afresh."""
    settings = api_server.settings.model_copy(update={"session_create_rate_limit": "2/hour"})
    async with serve(settings) as client:
        first = api_server.org_headers()
        assert (await client.post("/v1/sessions", json=ADA, headers=first)).status_code == 201
        issued = await client.post("/v1/api-keys", json={"name": "fresh"}, headers=first)
        assert issued.status_code == 201, issued.text
        fresh = api_server.org_headers(issued.json()["key"])
        assert (await client.post("/v1/sessions", json=ADA, headers=fresh)).status_code == 201
        assert (await client.post("/v1/sessions", json=ADA, headers=first)).status_code == 429
        revoked = await client.delete(f"/v1/api-keys/{issued.json()['id']}", headers=first)
        assert revoked.status_code == 200, revoked.text
        another = await client.post("/v1/api-keys", json={}, headers=first)
        r = await client.post("/v1/sessions", json=ADA, headers=api_server.org_headers(another.json()["key"]))
    assert (r.status_code, r.json()["error"]["code"]) == (429, "session_rate_limited")


async def test_with_the_store_down_no_organisation_limit_lets_anything_through(api_server: ApiServer) -> None:
    """A store that refuses connections: the session count and the invite e-mail count both raise the retryable
    503 `rate_limiter_unavailable` (the invite is not sent as if allowed, nor withheld as if over the limit)."""
    settings = api_server.settings.model_copy(update={"redis_url": f"redis://127.0.0.1:{free_port()}/0"})
    limits = RateLimits.from_settings(settings)
    org = uuid4()
    with pytest.raises(RateLimiterUnavailableError):
        await count_session(limits, settings, org)
    with pytest.raises(RateLimiterUnavailableError):
        await invite_allowed(limits, settings, org)
