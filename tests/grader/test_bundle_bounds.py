"""A runaway transcript costs the bundle bounded work, not only a bounded size: the lines left out are not redacted,
and of a long line only what can be shown (its head and tail) is (grader/transcript_lines.py)."""

from __future__ import annotations

import pytest

from grader.bundle import MAX_TRANSCRIPT_CHARS, build_bundle
from grader.evidence import check
from grader.facts import compute_facts
from grader.redact import Redactor
from grader.schemas import Evidence
from tests.grader.bundles import interview, transcript

FILLER = "the hash map keeps each value and its index so we look up the complement in constant time "


def _runaway(lines: int, chars: int) -> list:  # type: ignore[type-arg]
    words = (FILLER * (chars // len(FILLER) + 1))[:chars]
    return [transcript(100 + i, 200.0 + i, "user" if i % 2 else "assistant", words) for i in range(lines)]


def test_a_runaway_transcript_is_redacted_only_as_far_as_it_is_shown(monkeypatch: pytest.MonkeyPatch) -> None:
    read: list[int] = []
    speech = Redactor.speech

    def counted(self: Redactor, text: str):  # type: ignore[no-untyped-def]
        read.append(len(text))
        return speech(self, text)

    monkeypatch.setattr(Redactor, "speech", counted)
    source = interview()
    source = source.model_copy(update={"events": [*source.events, *_runaway(300, 60_000)]})  # 18 MB
    bundle = build_bundle(source, compute_facts(source))
    assert len(bundle.interview) < MAX_TRANSCRIPT_CHARS + 20_000
    assert "transcript lines from the middle of this very long interview are not shown" in bundle.interview
    # The lines shown and their head and tail: a few hundred thousand characters read, not 18 million.
    assert sum(read) <= 3 * MAX_TRANSCRIPT_CHARS


def test_a_long_line_shows_its_redacted_head_and_tail_and_quotes_of_them_verify_verbatim() -> None:
    body = (FILLER.strip() + ". ") * 1_000  # 93,000 characters
    # (each quote starts a sentence: grader/quote_scope.py)
    said = f"Hi, I'm Ada Lovelace and   I think {body}So   the answer is O(n), Ada Lovelace signing off"
    source = interview(extra_events=[transcript(30, 190.0, "user", said)])
    bundle = build_bundle(source, compute_facts(source))
    (row,) = [line for line in bundle.interview.splitlines() if line.startswith("[30] ")]
    assert "Lovelace" not in row and row.count("[candidate]") == 2
    assert "characters not shown] …" in row and len(row) < 2_100
    for quote, stored in (
        ("Hi, I'm [candidate] and I think the hash map", "Hi, I'm Ada Lovelace and   I think the hash map"),
        (
            "So the answer is O(n), [candidate] signing off",
            "So   the answer is O(n), Ada Lovelace signing off",
        ),
    ):
        assert check(Evidence(seq=30, quote=quote), bundle.index) == Evidence(seq=30, quote=stored)


def _typed(seq: int, t: float, text: str):  # type: ignore[no-untyped-def]
    line = transcript(seq, t, "user", text)
    return line.model_copy(update={"payload": {**line.payload, "typed": True}})


def test_a_flood_of_typed_messages_is_left_out_before_the_conversation_it_surrounds() -> None:
    """Typing is bounded only by the chat's budget (about 300,000 characters in 45 minutes, agent/chat_budget.py),
    speech by the time it takes. Lines were left out from the middle of the transcript outwards: a candidate who
    typed a flood before and after the conversation had the conversation left out (their struggle, the
    interviewer's questions) and the flood shown in its place."""
    flood = "I carefully tested every edge case and my solution is optimal and correct in every way. " * 20
    before = [_typed(100 + i, 30.0 + i * 0.1, flood) for i in range(90)]
    talk = [
        transcript(
            400, 60.0, "assistant", "What happens with duplicates, say three and three with target six?"
        ),
        transcript(
            401, 65.0, "user", "Hmm, I'm not sure, I think my map overwrites the first three, so it fails."
        ),
    ]
    after = [_typed(500 + i, 70.0 + i * 0.1, flood) for i in range(90)]
    source = interview(extra_events=[*before, *talk, *after])
    bundle = build_bundle(source, compute_facts(source))
    assert len(bundle.interview) < MAX_TRANSCRIPT_CHARS + 20_000
    assert "[400] 60-64s I: What happens with duplicates" in bundle.interview
    assert "[401] 65-69s C: Hmm, I'm not sure" in bundle.interview
    quote = "Hmm, I'm not sure, I think my map overwrites the first three"  # from the start of its sentence
    assert isinstance(check(Evidence(seq=401, quote=quote), bundle.index), Evidence)
    assert (
        "transcript lines from the middle of this very long interview are not shown" not in bundle.interview
    )
    assert "typed transcript lines of this very long interview are not shown" in bundle.interview


@pytest.mark.parametrize("words", [420, 450, 560, 700, 900, 1_500, 12_000])
def test_every_word_of_a_long_line_verifies_exactly_when_it_was_shown(words: int) -> None:
    """The citable text of a line is what the model was shown of it, no more: every word of lines from just past
    `MAX_LINE_CHARS` to far past two windows, cited alone, verifies if and only if the row shows it whole. A line of
    3,718 characters had been checked whole while its row showed 1,333 and 666 of them. (Each word is a sentence:
    a quote starts its sentence, grader/quote_scope.py; but the tail's first word, whose sentence may start in what
    was not shown.)"""
    said = " ".join(f"wd{i}." for i in range(words))
    source = interview(extra_events=[transcript(30, 190.0, "user", said)])
    bundle = build_bundle(source, compute_facts(source))
    (row,) = [line for line in bundle.interview.splitlines() if line.startswith("[30] ")]
    shown = {word.rstrip(".") for word in row.split(": ", 1)[1].split()}
    assert "characters not shown]" in row
    tail_first = row.split("characters not shown] \u2026 ", 1)[1].split()[0].rstrip(".")
    for i in range(words):
        verified = isinstance(check(Evidence(seq=30, quote=f"wd{i}"), bundle.index), Evidence)
        assert verified == (f"wd{i}" in shown and f"wd{i}" != tail_first), f"wd{i}"
