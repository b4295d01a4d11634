"""The client's address behind a proxy (`SHADOWS_API_FORWARDED_ALLOW_IPS`, api/forwarded.py), which every rate limit
and guess limit keys on. With "*" (every peer a proxy) uvicorn read the left-most X-Forwarded-For entry: the one the
client writes itself, before the entry its proxy appends. Behind a proxy that appends, as every proxy does, a client
took a fresh bucket per request by sending `X-Forwarded-For: <anything>`; now "*" reads the right-most entry, the
address the proxy saw."""

from __future__ import annotations

import pytest

from tests.api.conftest import serve
from tests.conftest import ApiServer


def _limit(server: ApiServer) -> int:
    return int(server.settings.practice_rate_limit.split("/")[0])


async def test_with_every_peer_trusted_the_client_still_cannot_choose_its_bucket(
    api_server: ApiServer,
) -> None:
    limit = _limit(api_server)
    settings = api_server.settings.model_copy(update={"forwarded_allow_ips": "*"})
    async with serve(settings) as client:

        async def practice(forwarded_for: str) -> int:
            r = await client.post("/v1/practice", json={}, headers={"X-Forwarded-For": forwarded_for})
            return r.status_code

        # The client wrote the first entry, a new one each time; its proxy appended the address it saw.
        spoofed = [await practice(f"192.0.2.{i}, 203.0.113.200") for i in range(limit + 2)]
        # Two headers (the client's, then its proxy's) read as one list, in order.
        r = await client.post(
            "/v1/practice",
            json={},
            headers=[("X-Forwarded-For", "192.0.2.99"), ("X-Forwarded-For", "203.0.113.200")],
        )
        others = [await practice(f"203.0.113.{i}") for i in range(3)]  # other clients of the proxy
    assert spoofed == [201] * limit + [429] * 2
    assert r.status_code == 429
    assert others == [201] * 3


@pytest.mark.parametrize(
    ("trusted", "forwarded_for", "client"),
    [
        ("10.0.0.0/8", "192.0.2.1, 203.0.113.5, 10.0.0.7", ("203.0.113.5", 0)),  # the right-most not trusted
        ("10.0.0.0/8", "10.9.9.9, 10.0.0.7", ("10.9.9.9", 0)),  # every hop trusted: the first of them
        ("10.0.0.0/8", " , 203.0.113.5:4321 ,", ("203.0.113.5", 4321)),
        ("10.0.0.0/8", "[2001:db8::1]:443, 10.0.0.7", ("2001:db8::1", 443)),
        ("10.0.0.0/8", "2001:db8::1", ("2001:db8::1", 0)),
        ("10.0.0.0/8", "x" * 300 + ", 10.0.0.7", ("x" * 300, 0)),  # longer than any name: nobody trusted
        ("*", "192.0.2.1, 198.51.100.2, 203.0.113.5", ("203.0.113.5", 0)),  # "*": the right-most
        ("*", "203.0.113.5:99999", ("203.0.113.5", 0)),  # no such port
        ("*", " , ", None),
    ],
)
def test_the_client_a_trusted_proxys_header_names(
    trusted: str, forwarded_for: str, client: tuple[str, int] | None
) -> None:
    from api.forwarded import TrustedProxies

    assert TrustedProxies(trusted).client(forwarded_for) == client


def test_which_peers_are_trusted() -> None:
    from api.forwarded import TrustedProxies

    proxies = TrustedProxies(" 10.1.2.3 , 192.168.0.0/16, unix-socket ")
    assert [proxies.trusts(p) for p in ("10.1.2.3", "192.168.4.5", "unix-socket", "10.1.2.4", "", "::1")] == [
        True,
        True,
        True,
        False,
        False,
        False,
    ]
    assert not TrustedProxies("") and not TrustedProxies(" , ")
    assert TrustedProxies("*").trusts("203.0.113.5")


def test_an_ipv4_mapped_address_is_the_ipv4_address_it_maps() -> None:
    """A dual-stack socket names an IPv4 peer "::ffff:10.0.0.7", and a proxy may write its hop so: a proxy named by
    its IPv4 network is trusted either way (before, neither was: every client took the balancer's one bucket, or
    the inner proxy's)."""
    from api.forwarded import TrustedProxies

    proxies = TrustedProxies("10.0.0.0/8")
    assert [
        proxies.trusts(p) for p in ("::ffff:10.0.0.7", "::ffff:a00:7", "::ffff:192.0.2.1", "::10.0.0.7")
    ] == [
        True,
        True,
        False,
        False,  # IPv4-compatible, deprecated: not a mapped address
    ]
    assert proxies.client("203.0.113.5, ::ffff:10.0.0.7") == ("203.0.113.5", 0)
    assert proxies.client("192.0.2.1, [::ffff:10.0.0.7]:443") == ("192.0.2.1", 0)
    assert TrustedProxies("::ffff:10.0.0.0/104").trusts("::ffff:10.0.0.7")  # named as written, still trusted


async def test_a_proxy_on_a_dual_stack_socket_is_trusted_by_its_ipv4_network() -> None:
    """The middleware, its peer named as a dual-stack socket names an IPv4 peer."""
    from api.forwarded import ForwardedClientMiddleware

    seen: list[object] = []

    async def app(scope: dict[str, object], receive: object, send: object) -> None:
        seen.append(scope["client"])

    middleware = ForwardedClientMiddleware(app, trusted="10.0.0.0/8")  # type: ignore[arg-type]
    scope = {
        "type": "http",
        "client": ("::ffff:10.0.0.7", 50000),
        "headers": [(b"x-forwarded-for", b"192.0.2.1, 203.0.113.5")],
    }
    await middleware(scope, None, None)  # type: ignore[arg-type]
    assert seen == [("203.0.113.5", 0)]
