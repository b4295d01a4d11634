"""The SSRF guard and the bounded request, without a network: names resolve through a test resolver, and where a
request would leave the machine, the transport is replaced to capture it instead."""

from __future__ import annotations

import asyncio
import gc
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpcore
import httpx
import pytest

from api import egress
from tests.fakes.dns_server import FakeNameServer
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


@pytest.mark.parametrize("port", ["0", "65536", "99999"])
async def test_a_port_outside_tcps_range_is_an_invalid_url_with_or_without_the_guard(
    resolver: MappedResolver, port: str
) -> None:
    # Found in round 3 of the ATS audit: httpx takes any port number, so a webhook endpoint or a Greenhouse
    # callback `url` on port 99999 was stored; the lookup wraps it (99999 became port 34463: a request to another
    # port than the one checked) and, without the guard, the request escaped as an ExceptionGroup, not our error:
    # the delivery ended `internal_error`.
    resolver.write({"public.test": ["93.184.216.34"]})
    for guard in (True, False):
        with pytest.raises(egress.UrlRefusedError) as e:
            await egress.check_url(f"https://public.test:{port}/hook", guard=guard)
        assert e.value.code == "invalid_url"
    with pytest.raises(egress.UrlRefusedError):
        await egress.send(
            f"http://127.0.0.1:{port}/hook",
            method="POST",
            guard=False,
            timeout_s=2,
            max_bytes=100,
            content=b"{}",
            headers={},
        )


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
    assert egress._retry_after(" 120\t") == 120.0
    assert egress._retry_after("0") == 0.0
    assert egress._retry_after("Wed, 21 Oct 2015 07:28:00 GMT") == 0.0  # in the past
    assert egress._retry_after("soon") is None
    assert egress._retry_after(None) is None
    assert egress._retry_after("") is None


@pytest.mark.parametrize(
    "value",
    # Numbers Python reads and RFC 9110 does not (delay-seconds = 1*DIGIT): each is not a Retry-After at all, and
    # the delivery keeps its own schedule. Before, "-5" was "retry now" and "Infinity" or "1e400" the longest wait.
    ["-5", "+5", "1.5", "1e3", "1e400", "Infinity", "inf", "nan", "NaN", "1_000", "0x10", "\u0661\u0662\u0660",
     "\uff11\uff12\uff10", "12 0", "1" * 13],
)  # fmt: skip
def test_retry_after_is_only_ascii_digits_or_an_http_date(value: str) -> None:
    assert egress._retry_after(value) is None


def test_a_retry_after_date_without_a_zone_is_gmt_not_the_hosts_local_time(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # email.utils reads "-0000" (and a date without a zone) as naive: .timestamp() then took the host's zone.
    monkeypatch.setenv("TZ", "America/Los_Angeles")
    time.tzset()
    try:
        soon = time.time() + 600
        stamp = time.strftime("%a, %d %b %Y %H:%M:%S", time.gmtime(soon))
        for value in (f"{stamp} GMT", f"{stamp} -0000", stamp):
            wait = egress._retry_after(value)
            assert wait is not None and 590 <= wait <= 600, (value, wait)
    finally:
        monkeypatch.delenv("TZ")
        time.tzset()


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


# --- the API's own resolver, against a real name server on loopback -----------------------------------------------


async def test_the_resolver_asks_for_both_address_families_and_refuses_a_name_that_does_not_exist() -> None:
    server = await FakeNameServer(
        records={"hooks.example.test": ["93.184.216.34", "2606:2800:220:1::1"]}
    ).start()
    try:
        lookup = egress.DnsResolver(nameservers=["127.0.0.1"], port=server.port)
        assert await lookup("hooks.example.test", 443) == ["93.184.216.34", "2606:2800:220:1::1"]
        with pytest.raises(egress.UrlRefusedError) as e:
            await lookup("missing.example.test", 443)
    finally:
        server.close()
    assert e.value.code == "host_unresolvable"
    assert {q for q in server.queries if q[0] == "hooks.example.test"} == {
        ("hooks.example.test", "A"),
        ("hooks.example.test", "AAAA"),
    }


def _open_fds() -> int:
    return len(list(Path("/proc/self/fd").iterdir()))


async def test_lookups_a_silent_name_server_never_answers_hold_nothing_once_their_deadline_passes() -> None:
    # An organisation's name server that drops every query. Lookups on threads (getaddrinfo) kept a thread each
    # until the system resolver gave up, about 30 s after their request had ended: a few such organisations took
    # every lookup thread and everyone's deliveries waited. Now a lookup is a coroutine: its deadline ends it.
    server = await FakeNameServer(
        records={"ok.example.test": ["93.184.216.34"]}, silent={"hang.example.test"}
    ).start()
    lookup = egress.DnsResolver(nameservers=["127.0.0.1"], port=server.port)
    try:
        await lookup("ok.example.test", 443)  # the resolver is configured and warm
        # Earlier tests' garbage (a client, a pool) closes its descriptors when collected: collected before each
        # count, or it closes them between the two, and the counts differ for nothing this test did.
        gc.collect()
        threads, fds = threading.active_count(), _open_fds()

        deadlines: list[asyncio.Timeout] = []

        async def hang() -> None:
            async with asyncio.timeout(None) as deadline:
                deadlines.append(deadline)
                await lookup("hang.example.test", 443)

        def asked() -> int:
            return sum(1 for name, _ in server.queries if name == "hang.example.test")

        # Every lookup's query reaches the server before its deadline passes (a fixed 0.3 s could pass, on a loaded
        # host, before any was sent, and the test would prove nothing); then every deadline passes at once.
        tasks = [asyncio.create_task(hang()) for _ in range(100)]
        for _ in range(6_000):  # a minute
            if asked() >= 100 or any(t.done() for t in tasks):
                break
            await asyncio.sleep(0.01)
        assert asked() >= 100 and not any(t.done() for t in tasks)
        now = asyncio.get_running_loop().time()
        for deadline in deadlines:
            deadline.reschedule(now)
        results = await asyncio.gather(*tasks, return_exceptions=True)
        assert all(isinstance(r, TimeoutError) for r in results), results
        gc.collect()
        assert threading.active_count() == threads and _open_fds() == fds
        async with asyncio.timeout(5):
            assert await lookup("ok.example.test", 443) == ["93.184.216.34"]
    finally:
        server.close()


async def test_a_request_to_a_host_whose_name_server_is_silent_ends_at_its_deadline(
    captured: _Captured,
) -> None:
    server = await FakeNameServer(silent={"slow.example.test"}).start()
    egress.use_resolver(egress.DnsResolver(nameservers=["127.0.0.1"], port=server.port))
    try:
        with pytest.raises(egress.EgressError) as e:
            async with asyncio.timeout(10):
                await egress.send(
                    "https://slow.example.test/hook", method="POST", guard=True, timeout_s=0.5, max_bytes=64
                )
    finally:
        egress.use_resolver(None)
        server.close()
    assert e.value.code == "timeout" and captured.requests == []
    assert ("slow.example.test", "A") in server.queries
