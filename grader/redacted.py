"""A redacted text and its map back to the original (grader/redact.py makes it; grader/evidence.py reads a verified
quote's original words through it)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Redacted:
    """`text` with replacements; `segments` are the replaced spans `(out_start, out_end, orig_start, orig_end)`."""

    text: str
    original: str
    segments: tuple[tuple[int, int, int, int], ...] = ()

    def _map(self, p: int, *, left: bool) -> int:
        delta = 0
        for out_start, out_end, orig_start, orig_end in self.segments:
            if p <= out_start:
                return p - delta
            if p < out_end:  # inside a replacement: widen to the whole original span
                return orig_start if left else orig_end
            delta = out_end - orig_end
        return p - delta

    def original_span(self, start: int, end: int) -> tuple[int, int]:
        """The span of `original` that `text[start:end]` stands for."""
        return self._map(start, left=True), self._map(end, left=False)
