"""Name resolution for SSRF tests, so that no test uses real DNS: names map to addresses from a JSON file
(`{"host": ["addr", ...]}`) read at every lookup, so a test can change an answer between two lookups (DNS
rebinding). A name not in the file resolves only if it is a numeric address form (`AI_NUMERICHOST`: no query
leaves the machine); otherwise it does not resolve.

In a `shadows worker`: SHADOWS_WORKER_EXTRA_IMPORTS=tests.fakes.resolver with SHADOWS_TEST_RESOLVER_FILE set. In the
test's own process: `use_resolver(MappedResolver(path))`, and `use_resolver(None)` afterwards.
"""

from __future__ import annotations

import asyncio
import json
import os
import socket
from pathlib import Path

from api.egress import UrlRefusedError, use_resolver


class MappedResolver:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.lookups: list[str] = []

    def write(self, mapping: dict[str, list[str]]) -> None:
        tmp = self.path.with_suffix(".tmp")
        tmp.write_text(json.dumps(mapping))
        tmp.replace(self.path)

    async def __call__(self, host: str, port: int) -> list[str]:
        self.lookups.append(host)
        mapping = json.loads(await asyncio.to_thread(self.path.read_text)) if self.path.exists() else {}
        if host in mapping:
            return list(mapping[host])
        try:
            infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_NUMERICHOST)
        except socket.gaierror as e:
            raise UrlRefusedError("host_unresolvable", "The URL's host name does not resolve.") from e
        return list(dict.fromkeys(str(i[4][0]) for i in infos))


if os.environ.get("SHADOWS_TEST_RESOLVER_FILE"):
    use_resolver(MappedResolver(Path(os.environ["SHADOWS_TEST_RESOLVER_FILE"])))
