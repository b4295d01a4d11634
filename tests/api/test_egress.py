"""The SSRF guard and the bounded request, without a network: names resolve through a test resolver, and where a
request would leave the machine, the transport is replaced to capture it instead."""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpcore
import httpx
import pytest

from api import egress
from tests.fakes.resolver import MappedResolver


@pytest.fixture
def resolver(tmp_path: Path) -> Iterator[MappedResolver]:
    r = MappedResolver(tmp_path / "dns.json")
    egress.use_resolver(r)
    try:
        yield r
    finally:
        egress.use_resolver(None)


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "127.255.0.9",
        "10.0.0.1",
        "172.16.5.4",
        "192.168.1.1",
        "169.254.169.254",
        "169.254.170.2",
        "100.64.0.1",
        "100.100.100.200",
        "168.63.129.16",
        "0.0.0.0",
        "255.255.255.255",
        "224.0.0.251",
        "192.0.2.10",
        "198.18.0.1",
        "::1",
        "::",
        "fe80::1",
        "fe80::1%eth0",
        "fc00::1",
        "fd00:ec2::254",
        "::ffff:127.0.0.1",
        "::ffff:10.0.0.1",
        "64:ff9b::a00:1",
        "ff02::1",
        # IPv6 forms that embed a private IPv4 address where a gateway, a tunnel or the host may unwrap it.
        "::7f00:1",  # IPv4-compatible ::127.0.0.1
        "::169.254.169.254",
        "::ffff:0:7f00:1",  # IPv4-translated
        "::ffff:0:a9fe:a9fe",
        "64:ff9b:1::a9fe:a9fe",  # local-use NAT64 (RFC 8215)
        "64:ff9b:1:7f00:1::",
        "2002:7f00:1::",  # 6to4 of 127.0.0.1
        "2002:a9fe:a9fe::1",  # 6to4 of 169.254.169.254
        "2001:0:4136:e378:8000:63bf:3fff:fdd2",  # Teredo
        "192.0.0.8",  # the IPv4 dummy address
        "192.0.0.170",  # NAT64 discovery
        "not an address",
    ],
)
def test_the_guard_refuses_non_public_addresses(address: str) -> None:
    assert egress.address_allowed(address) is False


@pytest.mark.parametrize(
    "address",
    [
        "93.184.216.34",
        "8.8.8.8",
        "2606:4700:4700::1111",
        "::ffff:93.184.216.34",
        "64:ff9b::5db8:d822",  # well-known NAT64 of 93.184.216.34
        "2002:5db8:d822::1",  # 6to4 of 93.184.216.34
    ],
)
def test_the_guard_allows_public_addresses(address: str) -> None:
    assert egress.address_allowed(address) is True


@pytest.mark.parametrize(
    ("url", "code"),
    [
        ("http://public.test/hook", "scheme_not_allowed"),
        ("ftp://public.test/hook", "scheme_not_allowed"),
        ("https://user:pw@public.test/hook", "credentials_in_url"),
        ("https://public.test/hook#x", "invalid_url"),
        ("https:///nohost", "invalid_url"),
        ("https://127.0.0.1/hook", "address_not_allowed"),
        ("https://[::1]:8443/hook", "address_not_allowed"),
        ("https://[::ffff:127.0.0.1]/hook", "address_not_allowed"),
        ("https://2130706433/hook", "address_not_allowed"),  # 127.0.0.1 as one decimal number
        ("https://0x7f.1/hook", "address_not_allowed"),
        ("https://169.254.169.254/latest/meta-data/", "address_not_allowed"),
        ("https://loopback.test/hook", "address_not_allowed"),
        ("https://split.test/hook", "address_not_allowed"),  # one public and one private answer
        ("https://nowhere.test/hook", "host_unresolvable"),
        ("https://" + "a" * 2000 + ".test/", "invalid_url"),
    ],
)
async def test_check_url_with_the_guard_refuses(resolver: MappedResolver, url: str, code: str) -> None:
    resolver.write({"loopback.test": ["127.0.0.1"], "split.test": ["93.184.216.34", "10.9.8.7"]})
    with pytest.raises(egress.UrlRefusedError) as e:
        await egress.check_url(url, guard=True)
    assert e.value.code == code


async def test_check_url_with_the_guard_pins_the_checked_address(resolver: MappedResolver) -> None:
    resolver.write({"public.test": ["93.184.216.34", "93.184.216.35"]})
    target = await egress.check_url("https://public.test/hook", guard=True)
    assert target.address == "93.184.216.34"
    assert resolver.lookups == ["public.test"]


async def test_without_the_guard_http_and_loopback_are_allowed_and_nothing_is_resolved(
    resolver: MappedResolver,
) -> None:
    target = await egress.check_url("http://127.0.0.1:9/hook", guard=False)
    assert (target.address, resolver.lookups) == (None, [])


class _Captured:
    def __init__(self) -> None:
        self.requests: list[httpx.Request] = []
        self.pools: list[type[Any]] = []


@pytest.fixture
def captured(monkeypatch: pytest.MonkeyPatch) -> _Captured:
    """Replace the transport's send so that no request leaves the process; record what would have been sent."""
    seen = _Captured()

    async def handle(self: httpx.AsyncHTTPTransport, request: httpx.Request) -> httpx.Response:
        seen.requests.append(request)
        seen.pools.append(type(self._pool))
        return httpx.Response(204, request=request, stream=httpx.ByteStream(b""))

    monkeypatch.setattr(httpx.AsyncHTTPTransport, "handle_async_request", handle)
    return seen


async def test_a_request_connects_to_the_checked_address_with_the_host_in_header_and_tls(
    resolver: MappedResolver, captured: _Captured, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HTTPS_PROXY", "http://127.0.0.1:9")  # ignored: no proxy from the environment
    resolver.write({"hooks.public.test": ["93.184.216.34"]})
    reply = await egress.send(
        "https://hooks.public.test:8443/in?x=1",
        method="POST",
        guard=True,
        timeout_s=5,
        max_bytes=1024,
        content=b"{}",
        headers={"webhook-id": "msg_1"},
    )
    assert reply.status_code == 204
    (request,) = captured.requests
    assert str(request.url) == "https://93.184.216.34:8443/in?x=1"
    assert request.headers["host"] == "hooks.public.test:8443"
    assert request.extensions["sni_hostname"] == "hooks.public.test"
    assert request.headers["accept-encoding"] == "identity"
    assert captured.pools == [httpcore.AsyncConnectionPool]  # a direct connection, not a proxy


@pytest.mark.parametrize(
    ("url", "resolves", "host", "sni"),
    [
        # An internationalised name is looked up, named in Host and in TLS as the request goes: in IDNA 2008, as
        # stored (straße is not strasse). In Unicode, the Host header could not be encoded and every delivery
        # ended `internal_error`.
        (
            "https://Straße.example/in",
            "xn--strae-oqa.example",
            "xn--strae-oqa.example",
            "xn--strae-oqa.example",
        ),
        # An IPv6 literal is bracketed in Host ("2606:4700::1111:8443" named another host and port); an IP
        # address is never a TLS server name.
        ("https://[2606:4700::1111]:8443/in", None, "[2606:4700::1111]:8443", None),
    ],
)
async def test_the_host_is_named_in_ascii_and_bracketed_as_the_request_goes(
    resolver: MappedResolver, captured: _Captured, url: str, resolves: str | None, host: str, sni: str | None
) -> None:
    if resolves is not None:
        resolver.write({resolves: ["93.184.216.34"]})
    reply = await egress.send(url, method="POST", guard=True, timeout_s=5, max_bytes=64)
    assert reply.status_code == 204
    (request,) = captured.requests
    assert request.headers["host"] == host
    assert request.extensions.get("sni_hostname") == sni
    assert resolver.lookups == ([resolves] if resolves else [])


async def test_each_request_resolves_again_and_a_rebound_name_is_refused_before_connecting(
    resolver: MappedResolver, captured: _Captured
) -> None:
    resolver.write({"rebind.test": ["93.184.216.34"]})
    await egress.check_url("https://rebind.test/hook", guard=True)  # registration: public
    resolver.write({"rebind.test": ["127.0.0.1"]})  # the attacker's DNS now answers loopback
    with pytest.raises(egress.UrlRefusedError) as e:
        await egress.send("https://rebind.test/hook", method="POST", guard=True, timeout_s=5, max_bytes=1024)
    assert e.value.code == "address_not_allowed"
    assert captured.requests == []
    assert resolver.lookups == ["rebind.test", "rebind.test"]


def test_retry_after_in_seconds_or_as_a_date() -> None:
    assert egress._retry_after("120") == 120.0
    assert egress._retry_after("-5") == 0.0
    assert egress._retry_after("Wed, 21 Oct 2015 07:28:00 GMT") == 0.0  # in the past
    assert egress._retry_after("soon") is None
    assert egress._retry_after(None) is None


async def test_a_name_server_that_never_answers_ends_within_the_request_deadline(captured: _Captured) -> None:
    # An organisation controls its endpoint's name server: one that never answers held the delivery (and its slot,
    # past the slot's lease) for as long as the lookup took, outside the request's deadline.
    async def silent(host: str, port: int) -> list[str]:
        await asyncio.sleep(3600)
        return ["93.184.216.34"]

    egress.use_resolver(silent)
    try:
        started = time.monotonic()
        with pytest.raises(egress.EgressError) as e:
            async with asyncio.timeout(10):
                await egress.send(
                    "https://slow.test/hook", method="POST", guard=True, timeout_s=0.5, max_bytes=64
                )
    finally:
        egress.use_resolver(None)
    assert e.value.code == "timeout" and time.monotonic() - started < 5
    assert captured.requests == []


async def test_lookups_that_hang_leave_the_event_loops_default_executor_free(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The default executor (a few threads on a small host) also resolves the database's host, the LLM's and
    # storage's, and runs the grader's CPU work: lookups of hostile names hanging in it stalled all of them.
    release = threading.Event()
    real = socket.getaddrinfo

    def hanging(host: Any, *args: Any, **kwargs: Any) -> Any:
        if host != "hang.test":
            return real(host, *args, **kwargs)
        release.wait(30)
        return real("127.0.0.1", *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", hanging)
    lookups = [asyncio.create_task(egress.system_resolver("hang.test", 443)) for _ in range(40)]
    try:
        await asyncio.sleep(0.2)
        async with asyncio.timeout(5):
            assert await asyncio.to_thread(lambda: 42) == 42
    finally:
        release.set()
        await asyncio.gather(*lookups, return_exceptions=True)


async def test_a_2xx_whose_body_never_ends_is_an_answer_not_a_timeout() -> None:
    # A receiver that answers 200 and then never finishes its body (a Content-Length it never sends, a chunked
    # stream it never closes) has taken the delivery. Counted as a timeout, it was sent again, ten times in all,
    # and ended `failed` while the receiver had acted on each copy.
    done = asyncio.Event()

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.readuntil(b"\r\n\r\n")
        writer.write(b"HTTP/1.1 200 OK\r\ncontent-length: 1000\r\n\r\naccepted")
        await writer.drain()
        await done.wait()
        writer.close()

    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    try:
        started = time.monotonic()
        reply = await egress.send(
            f"http://127.0.0.1:{port}/hook", method="POST", guard=False, timeout_s=0.5, max_bytes=1024
        )
    finally:
        done.set()
        server.close()
        await server.wait_closed()
    assert (reply.status_code, reply.body, reply.truncated) == (200, b"accepted", True)
    assert time.monotonic() - started < 5
