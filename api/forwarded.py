"""The client's address behind trusted proxies (`SHADOWS_API_FORWARDED_ALLOW_IPS`): every rate limit and guess limit
keys on it, so it comes from one rule, applied before the app runs.

- A peer that is not a trusted proxy is the client: its own X-Forwarded-For is ignored.
- Behind a trusted proxy the client is the right-most X-Forwarded-For entry that is not itself a trusted proxy: the
  address the nearest untrusted hop was seen from, whatever the client wrote before it (each proxy appends).
- An IPv4-mapped IPv6 address ("::ffff:10.0.0.7", how a dual-stack socket names an IPv4 peer) is trusted as the IPv4
  address it maps: a proxy named "10.0.0.0/8" is one however the socket or the header writes its address.
- With "*" (every peer is a proxy) the client is the right-most entry: the address the proxy that connected saw.
  uvicorn's own handling, used before, read the left-most entry with "*", which the client writes itself: behind a
  proxy that appends, a client took a fresh rate-limit bucket per request by sending `X-Forwarded-For: <anything>`.

`X-Forwarded-Proto` from a trusted proxy sets the scheme, as uvicorn's did (nothing the API sends back is built
from it)."""

from __future__ import annotations

import ipaddress
from functools import lru_cache

from starlette.types import ASGIApp, Receive, Scope, Send

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network
SCHEMES = {"http", "https", "ws", "wss"}


def _host_port(entry: str) -> tuple[str, int]:
    """An X-Forwarded-For entry as (host, port): `1.2.3.4`, `1.2.3.4:5678`, `::1`, `[::1]:5678`."""
    if entry.startswith("["):
        host, _, rest = entry[1:].partition("]")
        port = rest.removeprefix(":")
    elif entry.count(":") == 1:
        host, _, port = entry.partition(":")
    else:
        host, port = entry, ""
    number = int(port) if port.isascii() and port.isdigit() and len(port) <= 5 else 0
    return host, number if number <= 65535 else 0


class TrustedProxies:
    """The proxies `SHADOWS_API_FORWARDED_ALLOW_IPS` names: comma-separated addresses and networks, other names
    (a unix socket) as written, or "*" for every peer."""

    def __init__(self, spec: str) -> None:
        entries = [e.strip() for e in spec.split(",") if e.strip()]
        self.all = "*" in entries
        self.names: set[str] = set()
        self.networks: list[Network] = []
        for entry in entries:
            try:
                self.networks.append(ipaddress.ip_network(entry, strict=False))
            except ValueError:
                self.names.add(entry)
        self.trusts = lru_cache(maxsize=4096)(self._trusts)

    def __bool__(self) -> bool:
        return self.all or bool(self.names or self.networks)

    def _trusts(self, host: str) -> bool:
        if self.all:
            return True
        try:
            address: Address = ipaddress.ip_address(host)
        except ValueError:
            return host in self.names
        # An IPv4 peer of a dual-stack socket, or an entry a proxy wrote so, is an IPv4-mapped IPv6 address
        # ("::ffff:10.0.0.7"): the IPv4 address it maps, for IPv4 networks (as api/ratelimits.py buckets it).
        forms: list[Address] = [address]
        if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
            forms.append(address.ipv4_mapped)
        return any(form in network for form in forms for network in self.networks)

    def client(self, forwarded_for: str) -> tuple[str, int] | None:
        """The client an X-Forwarded-For value names, its peer being a trusted proxy (None: it names nobody)."""
        hops = [e.strip() for e in forwarded_for.split(",")]
        hops = [e for e in hops if e]
        if not hops:
            return None
        if self.all:
            return _host_port(hops[-1])
        for hop in reversed(hops):
            host, port = _host_port(hop)
            if len(host) > 253 or not self.trusts(host):  # longer than any name: nobody we trust
                return host, port
        return _host_port(hops[0])  # every hop a trusted proxy: the first of them is the client


class ForwardedClientMiddleware:
    """Sets `scope["client"]` (and the scheme) from a trusted proxy's X-Forwarded-For (and X-Forwarded-Proto)."""

    def __init__(self, app: ASGIApp, trusted: str) -> None:
        self.app = app
        self.proxies = TrustedProxies(trusted)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        peer = scope.get("client")
        if (
            scope["type"] in ("http", "websocket")
            and self.proxies
            and self.proxies.trusts(peer[0] if peer else "")
        ):
            forwarded = [v for k, v in scope["headers"] if k == b"x-forwarded-for"]
            proto = next((v for k, v in scope["headers"] if k == b"x-forwarded-proto"), None)
            if forwarded and (client := self.proxies.client(b", ".join(forwarded).decode("latin-1"))):
                scope["client"] = client
            if proto is not None and (scheme := proto.decode("latin-1").strip().lower()) in SCHEMES:
                scope["scheme"] = scheme.replace("http", "ws") if scope["type"] == "websocket" else scheme
        await self.app(scope, receive, send)
