"""What the readings tests share: a long reply of the interviewer's own talk (or it encoded), streamed through the
whole guard, and the guard's readings of it counted (their number and the characters read), not timed."""

from __future__ import annotations

from collections.abc import Callable

import pytest

import agent.notes_reader
from agent.disclosure import DisclosureGuard, protected_runs
from agent.notes_readings import readings
from tests.agent.interviewer_corpus import plausible_lines
from tests.agent.test_disclosure import SLUGS, interview


def count_reads(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The length of each text the guard reads another way from now on (agent.notes_reader ``readings``)."""
    reads: list[int] = []

    def counted(text: str, vocab: frozenset[str], families: object = ()) -> list[tuple[str, str]]:
        reads.append(len(text))
        return readings(text, vocab, families)  # type: ignore[arg-type]

    monkeypatch.setattr(agent.notes_reader, "readings", counted)
    return reads


def long_reply(encode: Callable[[list[str]], str] | None) -> str:
    """2,000 characters of two-sum's plausible lines, ``encode``d word list and all (or as said)."""
    text = " ".join(plausible_lines()["two-sum"] * 8)
    if encode is not None:
        text = encode(text.split())
    return text[:2000]


def feed_all(text: str) -> bool:
    """Whether the guard cuts ``text`` streamed six characters at a time (two-sum's notes)."""
    guard = DisclosureGuard(protected_runs(interview("two-sum")))
    "".join(guard.feed(text[at : at + 6]) for at in range(0, len(text), 6))
    guard.flush()
    return guard.stopped


def read_long_reply(
    encode: Callable[[list[str]], str] | None, monkeypatch: pytest.MonkeyPatch
) -> tuple[list[int], bool]:
    """(the length of each reading, whether it was cut) of ``long_reply(encode)`` streamed through the guard."""
    reads = count_reads(monkeypatch)
    return reads, feed_all(long_reply(encode))


def assert_passes_whole(line: str) -> None:
    """``line`` streamed five characters at a time through every question's guard comes out whole, never cut."""
    for slug in SLUGS:
        guard = DisclosureGuard(protected_runs(interview(slug)))
        out = "".join(guard.feed(line[at : at + 5]) for at in range(0, len(line), 5)) + guard.flush()
        assert (out, guard.stopped) == (line, False), slug
