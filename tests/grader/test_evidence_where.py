"""The verifier records `where` it found a quote in its event's text, so that the report marks the place verified
instead of searching the text again (api/report_quotes.py); the model's answer cannot hold `where`."""

from __future__ import annotations

import json
from typing import Any

import pytest
from pydantic import ValidationError

from grader.bundle import build_bundle
from grader.evidence import CitableEvent, CitationIndex, check, verify_all
from grader.facts import compute_facts
from grader.output import output_schema, parse
from grader.redacted import Redacted
from grader.schemas import BundleEvent, Evidence, QuoteWhere, Scorecard
from grader.transcript_lines import redact_line
from tests.grader.bundles import event, interview, transcript

FILLER = "the hash map keeps each value and its index so we look up the complement in constant time. "
LONG = f"Hi, I'm Ada Lovelace and   I think {FILLER * 1_000}So   the answer is O(n), Ada Lovelace signing off"
CODE = "def checksum(nums):\n    # by Ada Lovelace\n    return sum(nums)\n"


def _bundle(*extra: BundleEvent):  # type: ignore[no-untyped-def]
    source = interview(extra_events=list(extra))
    return build_bundle(source, compute_facts(source)), {e.seq: e.payload for e in source.events}


@pytest.mark.parametrize(
    ("seq", "quote", "stored"),
    [
        # A line with the name replaced: the place of the original words.
        (31, "I said [candidate] would return sum(nums)", "I said Ada Lovelace would return sum(nums)"),
        # A long line's head and its tail, as shown: places in the whole line.
        (
            30,
            "Hi, I'm [candidate] and I think the hash map",
            "Hi, I'm Ada Lovelace and   I think the hash map",
        ),
        (
            30,
            "So the answer is O(n), [candidate] signing off",
            "So   the answer is O(n), Ada Lovelace signing off",
        ),
        # A snapshot's code.
        (32, "return sum(nums)", "return sum(nums)"),
    ],
)
def test_a_verified_quote_records_where_it_is_in_the_events_text(seq: int, quote: str, stored: str) -> None:
    bundle, payloads = _bundle(
        transcript(30, 190.0, "user", LONG),
        transcript(31, 195.0, "user", "Ok. I said Ada Lovelace would return sum(nums)."),
        event(32, "editor_snapshot", 196.0, language="python", code=CODE),
    )
    verified = check(Evidence(seq=seq, quote=quote), bundle.index)
    assert isinstance(verified, Evidence) and verified.quote == stored
    assert verified.where is not None
    text = payloads[seq].get("text") or payloads[seq]["code"]
    assert text[verified.where.start : verified.where.end] == stored


def test_the_place_is_the_one_verified_when_the_words_occur_twice() -> None:
    """The head's "My code handles duplicates" runs on past the head as shown (what was not shown may deny it), so
    the grader verifies the same words in the tail: that is the place recorded, not the first."""
    quote = "My code handles duplicates"
    text = f"{quote} and {'then it walks the list ' * 70}and stops. {'It is fine. ' * 40}{quote}."
    views, _ = redact_line(text, lambda part: Redacted(part, part))
    line = CitableEvent(1, "transcript", views, speaker="candidate", size=len(text))
    verified = check(Evidence(seq=1, quote=quote), CitationIndex(types={1: "transcript"}, citable={1: line}))
    assert isinstance(verified, Evidence) and verified.where is not None
    assert (verified.where.start, verified.where.end) == (len(text) - len(quote) - 1, len(text) - 1)
    # Not knowing the whole line's length, a quote found in its tail has no place (the report searches for it).
    unsized = CitableEvent(1, "transcript", views, speaker="candidate")
    found = check(Evidence(seq=1, quote=quote), CitationIndex(types={1: "transcript"}, citable={1: unsized}))
    assert isinstance(found, Evidence) and found.quote == quote and found.where is None


def test_a_runs_citation_has_no_place_and_one_citation_is_kept_once_whatever_its_place() -> None:
    bundle, _ = _bundle()
    assert check(Evidence(seq=14, quote=""), bundle.index) == Evidence(seq=14, quote="")
    ran = check(Evidence(seq=14, quote=""), bundle.index)
    assert isinstance(ran, Evidence) and ran.where is None
    said = Evidence(seq=5, quote="I would first check every pair")
    verified, problems = verify_all(
        {"d": [said, said, said.model_copy(update={"quote": "i would FIRST check every pair"})]}, bundle.index
    )
    assert problems == [] and len(verified["d"]) == 1 and verified["d"][0].where is not None
    # The same citation is equal whatever its place (a scorecard graded before `where` has none).
    assert verified["d"][0] == said and hash(verified["d"][0]) == hash(said)


def _answer(evidence: dict[str, Any]) -> str:
    dimension = {"score": 3, "justification": "Because.", "evidence": [evidence]}
    return json.dumps(
        {
            "dimensions": {
                name: dimension for name in ("problem_solving", "coding", "verification", "communication")
            },
            "rubric": [],
            "recommendation": "hire",
            "strengths": [],
            "areas_to_improve": [],
            "candidate_advice": "",
        }
    )


def test_the_model_cannot_write_where_a_quote_is() -> None:
    """`where` is our verifier's: an answer holding one is sent back, and the schema the model answers in has none."""
    assert "where" not in json.dumps(output_schema([]))
    refused = parse(
        _answer({"seq": 5, "quote": "I would first check every pair", "where": {"start": 0, "end": 5}}), []
    )
    assert isinstance(refused, list) and any("where" in p for p in refused), refused
    answer = parse(_answer({"seq": 5, "quote": "I would first check every pair"}), [])
    assert not isinstance(answer, list)
    assert all(e.where is None for cited in answer.cited().values() for e in cited)


def test_a_scorecard_stored_before_where_still_reads_and_a_place_is_never_negative() -> None:
    card = {
        "recommendation": "hire",
        "dimensions": {
            name: {
                "score": 3,
                "band": "hire",
                "justification": "J.",
                "evidence": [{"seq": 5, "quote": "abc"}],
            }
            for name in ("problem_solving", "coding", "verification", "communication")
        },
    }
    old = Scorecard.model_validate(card)
    assert [e.where for e in old.evidence()] == [None] * 4
    placed = Evidence(seq=5, quote="abc", where=QuoteWhere(start=3, end=6))
    assert placed.model_dump(mode="json") == {"seq": 5, "quote": "abc", "where": {"start": 3, "end": 6}}
    with pytest.raises(ValidationError):
        QuoteWhere(start=-1, end=2)
