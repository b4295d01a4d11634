"""Outbound HTTP to URLs that organisations and ATSs give us (webhook endpoints, Greenhouse's callback, Ashby's API):
the SSRF guard, and one bounded request.

With the guard on (every environment but `local` and `test`, `ApiSettings.egress_guard`):
- only `https` URLs;
- the host is resolved, and every address it resolves to must be public: not private, loopback, link-local,
  shared (CGNAT), multicast, reserved, unspecified, or a cloud metadata address (IPv4-mapped, NAT64 and 6to4 IPv6
  forms are unwrapped first; other IPv6 must be global unicast, 2000::/3, which leaves out the IPv4-compatible,
  IPv4-translated and local-use NAT64 forms);
- the request then connects to the address that was checked. The URL's host stays in the `Host` header and in TLS
  (SNI and the certificate check), so a DNS answer that changes between the check and the connection (rebinding)
  cannot move the request elsewhere;
- URLs are checked when they are registered and again before every request.
Always: no redirects followed, no proxy from the environment, credentials in URLs refused, one deadline for the
whole request (the lookup of the host's name included: DNS queries the deadline ends, never a thread left waiting),
and at most `max_bytes` of the response read. An answer is its status: a body still coming at the deadline is cut
there (`truncated`), not turned into a timeout.

We ask for `Accept-Encoding: identity`. A receiver that compresses anyway (`Content-Encoding` gzip, x-gzip,
deflate or br, one or several) has its answer decoded as it arrives, and `max_bytes` bounds the DECODED bytes (a few
KiB of gzip, or a few hundred bytes of Brotli, can inflate to gigabytes): every coding's decoder is asked for no more
than the room left (Brotli's for at most one 32 KiB buffer past it), decoding stops there and the body is
`truncated`, as for a long plain answer. At most `max_bytes` of the compressed bytes are read too. Before, such an
answer was kept as its compressed bytes: Ashby's `{"success": true}` read as not an answer, and an update Ashby took
was retried until it ended a dead letter. A coding we do not decode (compress, zstd, or a made-up name) keeps the
bytes as they came; a corrupt stream keeps what decoded before it; both are marked complete, so they read as what
they are (not an answer), never as an answer cut short.

Errors (`EgressError.code` is what delivery logs store):
EgressError
├── UrlRefusedError    invalid_url, scheme_not_allowed, credentials_in_url, host_unresolvable, address_not_allowed
└── (request failures) timeout, connection_failed, request_failed
"""

from __future__ import annotations

import asyncio
import ipaddress
import re
import ssl
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import UTC
from email.utils import parsedate_to_datetime
from functools import lru_cache
from typing import TYPE_CHECKING

import dns.exception
import httpx

from api.egress_decoding import Decoder, UndecodableError

if TYPE_CHECKING:
    import dns.asyncresolver

MAX_URL_CHARS = 2_000
CLOSE_GRACE_S = 5.0  # past the deadline, for closing a connection whose answer came in time
Resolver = Callable[[str, int], Awaitable[list[str]]]

# Cloud metadata services; the link-local and ULA ones are refused anyway, Azure's wireserver is a public address.
METADATA_ADDRESSES = frozenset(
    ipaddress.ip_address(a)
    for a in ("169.254.169.254", "169.254.170.2", "100.100.100.200", "168.63.129.16", "fd00:ec2::254")
)
NAT64 = ipaddress.ip_network("64:ff9b::/96")  # the well-known prefix: the IPv4 address is its last 32 bits
# IPv6 that a public receiver can have: global unicast (2000::/3), but neither 6to4 (checked as the IPv4 address it
# embeds) nor the forms that carry an IPv4 address a gateway or the host itself may reach: IPv4-compatible
# (::a.b.c.d), IPv4-translated (::ffff:0:a.b.c.d) and local-use NAT64 (64:ff9b:1::/48) all lie outside 2000::/3.
GLOBAL_UNICAST_V6 = ipaddress.ip_network("2000::/3")
# IETF protocol assignments (the IPv4 dummy address 192.0.0.8 among them): Python 3.11 calls most of it global.
PROTOCOL_ASSIGNMENTS_V4 = ipaddress.ip_network("192.0.0.0/24")


class EgressError(Exception):
    """An outbound request that was refused or failed; `code` is stable and safe to store and show."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


class UrlRefusedError(EgressError):
    """The URL may not be called (scheme, credentials, or an address the guard refuses)."""


# --- name resolution (a hook, so tests never use real DNS) ---------------------------------------------------------


# Lookups of the hosts organisations and ATSs name are DNS queries from the event loop (dnspython's asyncio resolver,
# configured from /etc/resolv.conf), not getaddrinfo on threads. The name server is the organisation's and may never
# answer: a thread stays in getaddrinfo until the system resolver gives up (about 30 s), after its request has ended,
# so a few organisations with silent name servers took every lookup thread and everyone's deliveries waited for one.
# A query is a coroutine: the request's deadline ends it and frees its socket. Only A and AAAA records are asked for
# (IPv4 first); /etc/hosts and search domains are not consulted, and need not be: the guard refuses the private
# addresses they would name.
LOOKUP_LIFETIME_S = 30.0  # one lookup's own bound; a request's deadline (shorter) ends it first
CACHE_ENTRIES = 4096  # answers are cached for their TTL


class DnsResolver:
    """A `Resolver` over DNS: the system's name servers, or `nameservers` on `port` (tests)."""

    def __init__(self, nameservers: list[str] | None = None, port: int = 53) -> None:
        self._nameservers = nameservers
        self._port = port
        self._resolver: dns.asyncresolver.Resolver | None = None

    def _configured(self) -> dns.asyncresolver.Resolver:
        # The resolver (with dnspython's DoH/DoQ clients: about 0.1 s of CPU) at the first lookup, not in every
        # process that reads ApiSettings.
        import dns.asyncresolver
        import dns.resolver

        if self._resolver is None:
            if self._nameservers is None:
                resolver = (
                    dns.asyncresolver.Resolver()
                )  # /etc/resolv.conf: raises when it names no name server
            else:
                resolver = dns.asyncresolver.Resolver(configure=False)
                resolver.nameservers = list(self._nameservers)
                resolver.port = self._port
            resolver.lifetime = LOOKUP_LIFETIME_S
            resolver.cache = dns.resolver.LRUCache(CACHE_ENTRIES)
            self._resolver = resolver
        return self._resolver

    async def _addresses(self, resolver: dns.asyncresolver.Resolver, host: str, rdtype: str) -> list[str]:
        try:
            answer = await resolver.resolve(host, rdtype, search=False, raise_on_no_answer=False)
        except (
            dns.exception.DNSException
        ):  # NXDOMAIN, no name server answered, a malformed name, its lifetime
            return []
        return [str(r.address) for r in answer.rrset or ()]

    async def __call__(self, host: str, port: int) -> list[str]:
        try:
            resolver = self._configured()
        except dns.exception.DNSException as e:
            raise UrlRefusedError(
                "host_unresolvable", "No name server is configured to resolve the URL's host."
            ) from e
        v4, v6 = await asyncio.gather(
            self._addresses(resolver, host, "A"), self._addresses(resolver, host, "AAAA")
        )
        if not v4 and not v6:
            raise UrlRefusedError("host_unresolvable", "The URL's host name does not resolve.")
        return list(dict.fromkeys(v4 + v6))


system_resolver = DnsResolver()


_resolver: Resolver | None = None


def use_resolver(resolver: Resolver | None) -> None:
    """Replace name resolution in this process (tests); None restores the system resolver."""
    global _resolver
    _resolver = resolver


def current_resolver() -> Resolver:
    return _resolver or system_resolver


# --- the guard ---------------------------------------------------------------------------------------------------


def address_allowed(address: str) -> bool:
    """Whether the guard lets a request connect to `address` (an IP literal, possibly with an IPv6 zone)."""
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            ip = ip.ipv4_mapped
        elif ip in NAT64:
            ip = ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
        elif ip.sixtofour is not None:
            ip = ip.sixtofour
        elif ip not in GLOBAL_UNICAST_V6:
            return False
    if isinstance(ip, ipaddress.IPv4Address) and ip in PROTOCOL_ASSIGNMENTS_V4:
        return False
    return ip.is_global and not ip.is_multicast and ip not in METADATA_ADDRESSES


@dataclass(frozen=True)
class Target:
    """A URL that passed the checks; `address` is the one to connect to when the guard is on."""

    url: httpx.URL
    address: str | None


MAX_PORT = 65_535


def parse_url(raw: str, *, guard: bool) -> httpx.URL:
    if not raw or len(raw) > MAX_URL_CHARS:
        raise UrlRefusedError("invalid_url", f"The URL must be 1 to {MAX_URL_CHARS} characters.")
    try:
        url = httpx.URL(raw)
        # Read here: httpx keeps an A-label (`xn--...`) it cannot decode and raises idna's error (a ValueError)
        # only when `host` is read, which every caller does (a 500 on the routes that take URLs).
        host = url.host
    except (httpx.InvalidURL, ValueError) as e:
        raise UrlRefusedError("invalid_url", "The URL is not valid.") from e
    allowed = ("https",) if guard else ("http", "https")
    if url.scheme not in allowed:
        raise UrlRefusedError("scheme_not_allowed", "The URL must use https.")
    if not host:
        raise UrlRefusedError("invalid_url", "The URL has no host.")
    # httpx takes any number; a lookup wraps one past 65535 (99999 is port 34463: not the port that was checked).
    if url.port is not None and not 1 <= url.port <= MAX_PORT:
        raise UrlRefusedError("invalid_url", "The URL's port must be 1 to 65535.")
    if url.userinfo:
        raise UrlRefusedError("credentials_in_url", "The URL must not carry a user name or password.")
    if url.fragment:
        raise UrlRefusedError("invalid_url", "The URL must not have a #fragment.")
    return url


MAX_HOST_CHARS = 253  # a DNS name in text form, without the root's final dot (RFC 1035)
MAX_LABEL_CHARS = 63
# What a label of a host name is made of, in its ASCII (IDNA) form: letters, digits and "-" (RFC 1123), and "_",
# which DNS carries and some hosts' names hold. httpx takes any other printable character in a host ("a%20b",
# "a\b", "a!b", "a%3Cb"): no host name, and not the name a lookup asks for (a resolver reads "\." as a dot
# inside a label), so a Greenhouse callback on "x.com\.greenhouse.io" passed as a Greenhouse host and its PATCH,
# which could never go, was retried for days, then dead-lettered.
HOST_LABEL = re.compile(r"[a-z0-9_-]+", re.IGNORECASE)


def dns_host(url: httpx.URL) -> httpx.URL:
    """`url` with its host as one name: a final dot dropped ("hooks.example.com." is the absolute form of
    "hooks.example.com": kept, it went on in the Host header and TLS's server name, which certificates do not carry,
    and made one host two keys); a name DNS cannot hold (an empty label, as in "a..example.com" or ".example.com", a
    label past 63 characters or of other characters than `HOST_LABEL`'s, the name past 253) refused. An IP address
    is as it was."""
    host = ascii_host(url)
    if ":" in host or _is_ip(host):  # an IPv6 or IPv4 literal
        return url
    name = host.removesuffix(".")
    if len(name) > MAX_HOST_CHARS or not all(
        len(label) <= MAX_LABEL_CHARS and HOST_LABEL.fullmatch(label) for label in name.split(".")
    ):
        raise UrlRefusedError("invalid_url", "The URL's host is not a valid host name.")
    return url if name == host else url.copy_with(host=name)


def ascii_host(url: httpx.URL) -> str:
    """The host as the request names it: an internationalised name in IDNA 2008 (`url.host` is Unicode, which a
    header cannot carry, and which a lookup or TLS would encode in IDNA 2003: straße as strasse, another name)."""
    return url.raw_host.decode("ascii")


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


def refused_address(host: str) -> bool:
    """Whether `host` (ASCII, as a request names it) is an IP address the guard refuses (loopback, private,
    link-local, a metadata address ...): known without a lookup, so that an address the operator configures
    (SHADOWS_API_ASHBY_BASE_URL's host, a Greenhouse callback domain) is refused once, at start-up, where
    `check_url` would refuse it at every request."""
    return _is_ip(host.split("%", 1)[0]) and not address_allowed(host)


def refuse_private_literal(url: httpx.URL) -> None:
    """UrlRefusedError `address_not_allowed` when `url`'s host is a `refused_address`."""
    if refused_address(ascii_host(url)):
        raise UrlRefusedError(
            "address_not_allowed", "The URL's host is a private, loopback, link-local or metadata address."
        )


async def check_url(raw: str, *, guard: bool) -> Target:
    """Parse `raw` and, with the guard on, resolve its host and check every address. Makes no connection."""
    url = parse_url(raw, guard=guard)
    if not guard:
        return Target(url, None)
    host = ascii_host(url)
    try:
        addresses = [str(ipaddress.ip_address(host))]
    except ValueError:
        addresses = await current_resolver()(host, url.port or 443)
    if not addresses:
        raise UrlRefusedError("host_unresolvable", "The URL's host name does not resolve.")
    if not all(address_allowed(a) for a in addresses):
        raise UrlRefusedError(
            "address_not_allowed", "The URL resolves to a private, loopback, link-local or metadata address."
        )
    return Target(url, addresses[0])


async def check_url_within(raw: str, *, guard: bool, timeout_s: float) -> Target:
    """`check_url` for a URL being registered: the lookup of its host ends within `timeout_s` (the organisation's
    name server may never answer), as a request's lookup ends at the request's deadline."""
    try:
        async with asyncio.timeout(timeout_s):
            return await check_url(raw, guard=guard)
    except TimeoutError:
        raise UrlRefusedError(
            "host_unresolvable", f"The URL's host name did not resolve within {timeout_s:g} s."
        ) from None


# --- one bounded request -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Reply:
    status_code: int
    body: bytes  # at most max_bytes
    truncated: bool
    retry_after_s: float | None

    @property
    def ok(self) -> bool:
        return 200 <= self.status_code < 300

    def excerpt(self, chars: int = 1_024) -> str:
        """The answer's first `chars` characters as text to store and show: bytes that are not UTF-8, and NUL (valid
        UTF-8 that PostgreSQL text refuses: the attempt would not be recorded), become U+FFFD."""
        return self.body[: chars * 4].decode("utf-8", errors="replace")[:chars].replace("\x00", "\ufffd")


@lru_cache(maxsize=1)
def _tls_context() -> ssl.SSLContext:
    return ssl.create_default_context()


# Retry-After is a number of seconds in ASCII digits or an HTTP-date (RFC 9110, 10.2.3). Read with `float()`, it
# took "Infinity", "1e400", "1_000", "+5" and Arabic-Indic digits as waits, and "-5" as "now".
_DELAY_SECONDS = re.compile(r"[0-9]{1,12}")


def _retry_after(value: str | None) -> float | None:
    """The wait a Retry-After asks for, in seconds (0 for a date passed); None when absent or not in either form."""
    value = (value or "").strip(" \t")
    if not value:
        return None
    if _DELAY_SECONDS.fullmatch(value):
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if when.tzinfo is None:  # "-0000" or no zone: an HTTP-date is always GMT, never the host's local time
        when = when.replace(tzinfo=UTC)
    return max(0.0, when.timestamp() - time.time())


def _pinned(target: Target) -> tuple[httpx.URL, dict[str, str], dict[str, str]]:
    """The URL to connect to, the extra headers and the request extensions for `target`."""
    if target.address is None:
        return target.url, {}, {}
    host = ascii_host(target.url)
    ip = _is_ip(host)
    named = f"[{host}]" if ip and ":" in host else host  # an IPv6 literal is bracketed in Host
    default_port = 443 if target.url.scheme == "https" else 80
    host_header = named if target.url.port in (None, default_port) else f"{named}:{target.url.port}"
    # An IP address is never a TLS server name (RFC 6066); the certificate is then checked against the address.
    extensions = {"sni_hostname": host} if target.url.scheme == "https" and not ip else {}
    return target.url.copy_with(host=target.address.split("%", 1)[0]), {"Host": host_header}, extensions


async def send(
    raw_url: str,
    *,
    method: str,
    guard: bool,
    timeout_s: float,
    max_bytes: int,
    content: bytes | None = None,
    headers: Mapping[str, str] | None = None,
) -> Reply:
    """One request to `raw_url`, checked again by the guard first. Any answer is a Reply (3xx included: redirects
    are never followed); a refusal or a failure to get an answer within `timeout_s` (the name's lookup included)
    is an EgressError."""
    deadline = asyncio.get_running_loop().time() + timeout_s
    try:
        async with asyncio.timeout_at(deadline) as until_answered:
            return await _send(
                raw_url, method, guard, timeout_s, max_bytes, content, headers, until_answered, deadline
            )
    except TimeoutError as e:
        raise EgressError("timeout", f"No complete answer within {timeout_s:g} s.") from e


async def _send(
    raw_url: str,
    method: str,
    guard: bool,
    timeout_s: float,
    max_bytes: int,
    content: bytes | None,
    headers: Mapping[str, str] | None,
    until_answered: asyncio.Timeout,
    deadline: float,
) -> Reply:
    target = await check_url(raw_url, guard=guard)
    url, pin_headers, extensions = _pinned(target)
    all_headers = {"Accept-Encoding": "identity", "User-Agent": "Shadows", **(headers or {}), **pin_headers}
    try:
        async with (
            httpx.AsyncClient(
                verify=_tls_context(), follow_redirects=False, trust_env=False, timeout=timeout_s
            ) as client,
            client.stream(
                method, url, content=content, headers=all_headers, extensions=extensions
            ) as response,
        ):
            # The status is the answer: a 2xx whose body never ends (a Content-Length never sent, a stream never
            # closed) took the delivery, and a timeout here would send it again. The body is read until the same
            # deadline, and what came by then is kept (`truncated`).
            until_answered.reschedule(deadline + CLOSE_GRACE_S)  # closing the connection stays bounded
            body, truncated = await _read_body(response, max_bytes, deadline)
            return Reply(
                status_code=response.status_code,
                body=bytes(body),
                truncated=truncated,
                retry_after_s=_retry_after(response.headers.get("retry-after")),
            )
    except httpx.TimeoutException as e:
        raise EgressError("timeout", f"No complete answer within {timeout_s:g} s.") from e
    except (httpx.ConnectError, httpx.NetworkError, httpx.RemoteProtocolError) as e:
        raise EgressError("connection_failed", "The connection failed.") from e
    except httpx.HTTPError as e:
        raise EgressError("request_failed", "The request failed.") from e


async def _read_body(response: httpx.Response, max_bytes: int, deadline: float) -> tuple[bytes, bool]:
    """At most `max_bytes` of the answer's body, decoded when it came compressed (see the module docstring), until
    `deadline`; and whether it was cut (by the bound, the deadline or the receiver closing the connection)."""
    decoder: Decoder | None = None
    encoding = response.headers.get("content-encoding", "")
    try:
        decoder = Decoder(encoding, max_bytes) if encoding else None
    except UndecodableError:
        decoder = None  # an encoding we do not decode: its bytes as they came (they read as what they are)
    body = bytearray()
    raw_read = 0
    try:
        async with asyncio.timeout_at(deadline):
            async for chunk in response.aiter_raw():
                raw = chunk[: max_bytes - raw_read]
                raw_read += len(raw)
                if decoder is None:
                    body += raw
                else:
                    try:
                        body += decoder.feed(raw)[: max_bytes - len(body)]
                    except UndecodableError:
                        return bytes(body), False  # corrupt: what decoded before it, not an answer cut short
                if raw_read >= max_bytes or len(body) >= max_bytes or (decoder is not None and decoder.full):
                    return bytes(body), True
    except (TimeoutError, httpx.TimeoutException, httpx.NetworkError, httpx.RemoteProtocolError):
        return bytes(body), True  # cut short by the deadline, or by the receiver closing the connection
    return bytes(body), False
