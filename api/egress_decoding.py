"""Content codings of an outbound answer undone as it arrives (gzip, x-gzip, deflate, br), each output bounded.

A bound of `limit` bytes holds for the DECODED output: a few KiB of gzip, or a few hundred bytes of Brotli, can
inflate to gigabytes, so every stage is asked for no more than the room left (Brotli's for at most one 32 KiB
buffer past it) and says when it stopped with input left (`full`). A coding not listed here, or a corrupt stream,
is `UndecodableError`: the caller (api/egress.py) then keeps the bytes as they came, or what decoded before the fault.
"""

from __future__ import annotations

import zlib
from typing import Any

import brotli


class UndecodableError(Exception):
    """The coding is not one we decode, or its stream is corrupt."""


class Stage:
    """One content coding undone, its output bounded: `feed` returns at most `limit` bytes in all, and `full` says
    the bound was reached with input left (a bomb, or an answer longer than we read)."""

    def __init__(self, coding: str, limit: int) -> None:
        self.limit = limit
        self.produced = 0
        self.full = False
        # deflate is zlib-wrapped as the RFC says, or raw deflate as some servers send it: tried in that order.
        self._deflate_guess = coding == "deflate"
        self._brotli: Any = None
        if coding in ("gzip", "x-gzip"):
            self._zlib: Any = zlib.decompressobj(zlib.MAX_WBITS | 16)
        elif coding == "deflate":
            self._zlib = zlib.decompressobj(zlib.MAX_WBITS)
        elif coding == "br":
            self._brotli = brotli.Decompressor()
        else:
            raise UndecodableError(coding)

    def feed(self, data: bytes) -> bytes:
        room = self.limit - self.produced
        if not data or room <= 0:
            self.full = self.full or bool(data)
            return b""
        try:
            chunk = self._unbrotli(data, room) if self._brotli is not None else self._inflate(data, room)
        except (zlib.error, brotli.error) as e:  # the stream is corrupt
            raise UndecodableError("corrupt") from e
        self.produced += len(chunk)
        return chunk

    def _inflate(self, data: bytes, room: int) -> bytes:
        try:
            chunk = self._zlib.decompress(data, room)
        except zlib.error:
            if not (self._deflate_guess and self.produced == 0):
                raise
            self._zlib = zlib.decompressobj(-zlib.MAX_WBITS)  # raw deflate, without the zlib header
            chunk = self._zlib.decompress(data, room)
        self._deflate_guess = False
        if self._zlib.unconsumed_tail:
            self.full = True
        return bytes(chunk)

    def _unbrotli(self, data: bytes, room: int) -> bytes:
        # The output buffer stops growing at `room` (it is allocated in blocks, so it may pass it by one block):
        # a bomb yields one buffer, never its whole output. Output still held back means the bound was reached.
        chunk = self._brotli.process(data, output_buffer_limit=room)
        if len(chunk) > room or not self._brotli.can_accept_more_data():
            self.full = True
        return bytes(chunk[:room])


class Decoder:
    """The answer's content codings undone in reverse order (RFC 9110 8.4), each stage bounded by `limit`."""

    def __init__(self, content_encoding: str, limit: int) -> None:
        codings = [c.strip().lower() for c in content_encoding.split(",") if c.strip()]
        self.stages = [Stage(c, limit) for c in reversed(codings) if c != "identity"]

    @property
    def full(self) -> bool:
        return any(s.full for s in self.stages)

    def feed(self, data: bytes) -> bytes:
        for stage in self.stages:
            data = stage.feed(data)
        return data
