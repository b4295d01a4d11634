"""A name server on loopback that speaks real DNS over UDP (messages built and parsed by dnspython), for testing the
API's own resolver without real DNS: names map to A and AAAA records, an unknown name is NXDOMAIN, and a name in
`silent` is never answered (an organisation's name server that drops queries)."""

from __future__ import annotations

import asyncio
import ipaddress
from dataclasses import dataclass, field
from typing import cast

import dns.message
import dns.rcode
import dns.rdataclass
import dns.rdatatype
import dns.rrset


@dataclass
class FakeNameServer:
    records: dict[str, list[str]] = field(default_factory=dict)  # name (no trailing dot) -> addresses
    silent: set[str] = field(default_factory=set)
    queries: list[tuple[str, str]] = field(default_factory=list)  # (name, type) in arrival order
    port: int = 0
    _transport: asyncio.DatagramTransport | None = None

    async def start(self) -> FakeNameServer:
        loop = asyncio.get_running_loop()
        transport, _ = await loop.create_datagram_endpoint(
            lambda: _Protocol(self), local_addr=("127.0.0.1", 0)
        )
        self._transport = transport
        self.port = transport.get_extra_info("sockname")[1]
        return self

    def close(self) -> None:
        if self._transport is not None:
            self._transport.close()

    def answer(self, wire: bytes) -> bytes | None:
        query = dns.message.from_wire(wire)
        question = query.question[0]
        name = question.name.to_text(omit_final_dot=True).lower()
        self.queries.append((name, dns.rdatatype.to_text(question.rdtype)))
        if name in self.silent:
            return None
        reply = dns.message.make_response(query)
        if name not in self.records:
            reply.set_rcode(dns.rcode.NXDOMAIN)
            return reply.to_wire()
        version = {dns.rdatatype.A: 4, dns.rdatatype.AAAA: 6}.get(question.rdtype)
        addresses = [a for a in self.records[name] if ipaddress.ip_address(a).version == version]
        if addresses:
            rdtype = dns.rdatatype.to_text(question.rdtype)
            reply.answer.append(
                dns.rrset.from_text_list(question.name, 60, dns.rdataclass.IN, rdtype, addresses)
            )
        return reply.to_wire()


class _Protocol(asyncio.DatagramProtocol):
    def __init__(self, server: FakeNameServer) -> None:
        self.server = server
        self.transport: asyncio.DatagramTransport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = cast(asyncio.DatagramTransport, transport)  # uvloop's is not a subclass

    def datagram_received(self, data: bytes, addr: tuple[str, int]) -> None:
        reply = self.server.answer(data)
        if reply is not None and self.transport is not None:
            self.transport.sendto(reply, addr)
