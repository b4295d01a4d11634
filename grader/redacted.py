"""A redacted text and its map back to the original (grader/redact.py makes it; grader/evidence.py reads a verified
quote's original words through it)."""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass
from functools import cached_property


@dataclass(frozen=True)
class Redacted:
    """`text` with replacements; `segments` are the replaced spans `(out_start, out_end, orig_start, orig_end)`, in
    order and apart (as grader/redact.py makes them)."""

    text: str
    original: str
    segments: tuple[tuple[int, int, int, int], ...] = ()

    @cached_property
    def starts(self) -> list[int]:
        """Each segment's `out_start`, for a search: a snapshot of the candidate's can hold tens of thousands of
        replacements, and a position is looked up for each place a quote matches."""
        return [segment[0] for segment in self.segments]

    def segment_at(self, p: int) -> int:
        """The index of the last segment that starts before `p` (-1: none)."""
        return bisect_left(self.starts, p) - 1

    def inside(self, p: int) -> bool:
        """`p` falls inside a replacement, not at its ends."""
        i = self.segment_at(p)
        return i >= 0 and p < self.segments[i][1]

    def _map(self, p: int, *, left: bool) -> int:
        i = self.segment_at(p)
        if i < 0:
            return p
        _, out_end, orig_start, orig_end = self.segments[i]
        if p < out_end:  # inside a replacement: widen to the whole original span
            return orig_start if left else orig_end
        return p - (out_end - orig_end)

    def original_span(self, start: int, end: int) -> tuple[int, int]:
        """The span of `original` that `text[start:end]` stands for."""
        return self._map(start, left=True), self._map(end, left=False)

    def cut(self, start: int, end: int) -> Redacted:
        """`text[start:end]` as a text of its own, with the part of `original` it stands for (`start` and `end` not
        inside a replacement)."""
        o_start, o_end = self.original_span(start, end)
        lo, hi = bisect_left(self.starts, start), bisect_left(self.starts, end)
        return Redacted(
            self.text[start:end],
            self.original[o_start:o_end],
            tuple((s - start, e - start, c - o_start, d - o_start) for s, e, c, d in self.segments[lo:hi]),
        )
