"""Checking a citation costs work bounded by the size of what is cited, however often the quote occurs in it or
however many replacements it holds: the candidate writes the text, and each of up to a thousand citations of an
answer is checked again in the repair round and in every sample. Counted in operations, not timed (benchmarks
measure time: bench/grader_hostile.py)."""

from __future__ import annotations

import pytest

import grader.evidence
from grader.evidence import CitableEvent, CitationIndex, check
from grader.redacted import Redacted
from grader.schemas import Evidence


class CountingSegments(tuple):  # type: ignore[type-arg]  # a tuple of segments that counts how often one is read
    visits = 0

    def __iter__(self):  # type: ignore[no-untyped-def]
        for item in tuple.__iter__(self):
            CountingSegments.visits += 1
            yield item

    def __getitem__(self, i):  # type: ignore[no-untyped-def]
        CountingSegments.visits += 1
        return tuple.__getitem__(self, i)


def _addresses(count: int) -> Redacted:
    """A snapshot of `count` e-mail addresses, each redacted to `[email]`."""
    text, original, segments = [], [], []
    out = orig = 0
    for i in range(count):
        address = f"u{i % 10}@x.io"
        segments.append((out, out + 7, orig, orig + len(address)))
        text.append("[email] ")
        original.append(address + " ")
        out, orig = out + 8, orig + len(address) + 1
    return Redacted("".join(text) + "return []", "".join(original) + "return []", CountingSegments(segments))


def _index(view: Redacted, kind: str = "editor_snapshot") -> CitationIndex:
    return CitationIndex(types={20: kind}, citable={20: CitableEvent(20, kind, (view,), language="python")})


PLACEHOLDERS = "[email] [email] [email]"


@pytest.mark.parametrize(
    "quote",
    sorted(
        {PLACEHOLDERS[i:j] for i in range(len(PLACEHOLDERS)) for j in range(i + 3, len(PLACEHOLDERS) + 1)}
        | {"[email] return", "[email] [email] return []", "x [email]"}
    ),
)
def test_a_quote_among_thousands_of_replacements_reads_each_one_a_bounded_number_of_times(quote: str) -> None:
    """Every quote cut from a run of placeholders (whole ones, half ones, spaces), against 1,500 replacements: the
    check read every replacement for each place the quote matched (0.3 s at 1,000 addresses, 18 s at 8,000)."""
    count = 1_500
    index = _index(_addresses(count))
    CountingSegments.visits = 0
    check(Evidence(seq=20, quote=quote), index)
    assert CountingSegments.visits <= 6 * count


@pytest.mark.parametrize(
    ("unit", "quote", "kind"),
    [
        ("aaaa ", "aaa", "editor_snapshot"),  # inside a longer word everywhere
        ("incorrect ", "correct", "editor_snapshot"),
        ("0/5 passed ", "5 passed", "editor_snapshot"),  # inside a number everywhere
        ("x = -3; ", "3; x", "editor_snapshot"),  # inside a signed number
        ("I don't think it works. ", "it works", "transcript"),  # cutting away a negation everywhere
        ("¿uso un mapa? ", "uso un mapa", "transcript"),
    ],
)
def test_a_quote_that_matches_everywhere_and_holds_nowhere_is_looked_at_a_bounded_number_of_times(
    monkeypatch: pytest.MonkeyPatch, unit: str, quote: str, kind: str
) -> None:
    """The places a quote matches are looked at up to a bound: four times the text, as many looked at, and the
    model is told to quote more of the moment it means."""
    looked: list[int] = []
    cuts = grader.evidence._cuts
    monkeypatch.setattr(grader.evidence, "_cuts", lambda text, at: looked.append(at) or cuts(text, at))
    counts = []
    for repeat in (2_000, 8_000):
        text = unit * repeat
        looked.clear()
        problem = check(Evidence(seq=20, quote=quote), _index(Redacted(text, text), kind))
        assert isinstance(problem, str)
        counts.append(len(looked))
    assert counts[1] == counts[0]
