"""What the readings tests share: every note of every question the guard cuts read out plain, said in an encoding and
checked to be cut; and a long reply of the interviewer's own talk (or it encoded), streamed through the whole guard,
and the guard's readings of it counted (their number and the characters read), not timed."""

from __future__ import annotations

from collections.abc import Callable

import pytest

import agent.notes_reader
from agent.disclosure import DisclosureGuard, protected_runs
from agent.notes_readings import readings
from agent.state import InterviewState
from tests.agent.interviewer_corpus import plausible_lines
from tests.agent.test_disclosure import SLUGS, interview
from tests.agent.test_disclosure_encoded import plain, readable, spoken

_READABLE: dict[str, tuple[InterviewState, list[str]]] = {}


async def readable_notes() -> list[tuple[str, InterviewState, list[str]]]:
    """(slug, state, notes) of each question: the notes the guard cuts read out plain with three own words or more
    (``readable``), found once a process (the guard reads a state and never changes it)."""
    for slug in SLUGS:
        if slug not in _READABLE:
            _READABLE[slug] = await readable(slug)
    return [(slug, *_READABLE[slug]) for slug in SLUGS]


async def assert_every_note_cut(
    encode: Callable[[list[str]], str],
    *,
    lead: str = "Sure, here you go: ",
    only: Callable[[str], bool] = lambda secret: True,
    at_least: int = 30,
) -> None:
    """Each readable note of each question that ``only`` keeps, ``encode``d and said after ``lead`` in a reply that
    goes on after it, is cut before the rest of the reply; ``at_least`` notes were checked."""
    checked = 0
    missed = []
    for slug, state, notes in await readable_notes():
        for secret in filter(only, notes):
            encoded = encode(plain(secret))
            out, stopped = spoken(state, f"{lead}{encoded}. Anything else?")
            checked += 1
            if not (stopped and "Anything else" not in out):
                missed.append((slug, secret, encoded[:80]))
    assert checked >= at_least
    assert missed == [], (len(missed), checked, missed[:3])


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


def assert_read_a_bounded_number_of_times(
    encode: Callable[[list[str]], str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """``long_reply(encode)`` is read at least once, at most 16 times and 12 times its length in all: at a family's
    first cue, at the end of a run, as the reply grows by half and at its end, not at every piece released."""
    reads, _ = read_long_reply(encode, monkeypatch)
    assert 1 <= len(reads) <= 16, len(reads)
    assert sum(reads) <= 12 * 2000, sum(reads)


def assert_passes_whole(line: str) -> None:
    """``line`` streamed five characters at a time through every question's guard comes out whole, never cut."""
    for slug in SLUGS:
        guard = DisclosureGuard(protected_runs(interview(slug)))
        out = "".join(guard.feed(line[at : at + 5]) for at in range(0, len(line), 5)) + guard.flush()
        assert (out, guard.stopped) == (line, False), slug
