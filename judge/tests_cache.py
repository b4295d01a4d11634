"""Caches of questions' tests.

- `TestsCache`: a judge service's tests by digest (judge.remote_protocol), parsed once when put, then shared by
  every run that names them. Bounded by the size of their JSON, least recently used dropped first; the tests last
  put always stay, whatever their size (a request body is bounded on its own: serve_max_body_bytes).
- `TestsMemo`: the tests' JSON and digest, computed once per set of TestCase objects, for the remote backend (the
  digest it names them by, the bytes it puts) and the local one (the bytes it hands a pool worker).
"""

from __future__ import annotations

import weakref
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass

from judge import remote_protocol as wire
from judge.bank import TestCase

MEMO_MIN_BYTES = 64 << 10  # smaller encodings are not remembered (cheap to make again)
MEMO_BYTES = 64 << 20  # of encodings a memo keeps


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


@dataclass(frozen=True)
class EncodedTests:
    data: bytes
    digest: str


class TestsMemo:
    """Tests as a host receives them, encoded and hashed once per set of TestCase objects: by their identity, which
    the API's question cache shares across a question version's runs, and which no run changes (TestCases are
    frozen). An entry keeps weak references to the objects, so it holds no test alive, and is used only while every
    one of them is the object it encoded (an id can be reused once its object is gone). Only tests sent by digest
    (at least `min_bytes`) are remembered: at most `max_bytes` of encodings, least recently used dropped first."""

    __test__ = False  # not a pytest class

    def __init__(self, max_bytes: int = MEMO_BYTES, min_bytes: int = MEMO_MIN_BYTES) -> None:
        self.max_bytes, self.min_bytes = max_bytes, min_bytes
        self._entries: OrderedDict[tuple[int, ...], tuple[list[weakref.ref[TestCase]], EncodedTests]] = (
            OrderedDict()
        )
        self._bytes = 0
        self.encoded = 0  # how many times tests were encoded (a miss)

    def get(self, tests: Sequence[TestCase]) -> EncodedTests:
        key = tuple(map(id, tests))
        hit = self._entries.get(key)
        if hit is not None and all(ref() is test for ref, test in zip(hit[0], tests, strict=True)):
            self._entries.move_to_end(key)
            return hit[1]
        data = wire.encode_tests(tests)
        encoded = EncodedTests(data, wire.tests_digest(data))
        self.encoded += 1
        if len(data) >= self.min_bytes:
            self._drop_dead()  # a miss is rare (once per question version): worth a look at every entry
            self._entries[key] = ([weakref.ref(t) for t in tests], encoded)
            self._bytes += len(data)
            while self._bytes > self.max_bytes and len(self._entries) > 1:
                _, (_, dropped) = self._entries.popitem(last=False)
                self._bytes -= len(dropped.data)
        return encoded

    def __len__(self) -> int:
        return len(self._entries)

    def _drop_dead(self) -> None:
        """Forget the encodings of tests whose objects are gone (a question loaded afresh for one run): they can
        never be used again, and would hold their bytes until pushed out."""
        for key, (refs, encoded) in list(self._entries.items()):
            if any(ref() is None for ref in refs):
                del self._entries[key]
                self._bytes -= len(encoded.data)
