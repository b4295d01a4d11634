"""A judge service's cache of questions' tests by digest (judge.remote_protocol): parsed once when put, then shared
by every run that names them. Bounded by the size of their JSON, least recently used dropped first; the tests last
put always stay, whatever their size (a request body is bounded on its own: serve_max_body_bytes)."""

from __future__ import annotations

from collections import OrderedDict

from judge.bank import TestCase


class TestsCache:
    __test__ = False  # not a pytest class

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self._entries: OrderedDict[str, tuple[tuple[TestCase, ...], int]] = OrderedDict()
        self._bytes = 0

    def __len__(self) -> int:
        return len(self._entries)

    @property
    def bytes(self) -> int:
        """The JSON size of the tests held."""
        return self._bytes

    def get(self, digest: str) -> tuple[TestCase, ...] | None:
        entry = self._entries.get(digest)
        if entry is None:
            return None
        self._entries.move_to_end(digest)
        return entry[0]

    def put(self, digest: str, tests: tuple[TestCase, ...], size: int) -> None:
        if digest in self._entries:
            self._entries.move_to_end(digest)
            return
        self._entries[digest] = (tests, size)
        self._bytes += size
        while self._bytes > self.max_bytes and len(self._entries) > 1:
            _, (_, dropped) = self._entries.popitem(last=False)
            self._bytes -= dropped
