"""The report marks a citation's quote at the place the grader verified it (its `where`, api/report_quotes.py), not
at the place the report's own reading of the grader's rule picks: the report reads the line as stored, the grader
read it as the model was shown it (names and addresses replaced, a long line's head and tail), and the two can pick
different places of the same words. A `where` that does not hold falls back to that reading, as does a scorecard
graded before `where` was recorded."""

from __future__ import annotations

import re

import psycopg
import pytest
from psycopg.rows import DictRow
from psycopg.types.json import Jsonb

from api.db import events_repo
from api.db.bundle_repo import redaction_terms
from api.report_quotes import ReplayPlace, quote_place, replay_place, replay_places, verified_place
from grader.evidence import CitableEvent, CitationIndex, check
from grader.redact import Redactor
from grader.schemas import MAX_QUOTE_CHARS, Evidence, QuoteWhere
from grader.transcript_lines import redact_line
from tests.api.report_support import grade, seed_interview
from tests.conftest import ApiServer

Db = psycopg.AsyncConnection[DictRow]
QUOTE = "My code handles duplicates"
# The grader reads the address as "[email]" (no denial after the quote), the report's reading as the words "not",
# "me", ...: the grader verified the first place, the report's reading picks the second.
ADDRESSED = f"{QUOTE}, write to not.me@example.com for it. {QUOTE}."
# The first sentence runs on past the long line's head as shown (what was not shown may deny it): the grader verified
# the words in the tail, the report's reading (the whole line) picks the first place.
LONG = f"{QUOTE} and {'then it walks the list ' * 70}and stops. {'It is fine. ' * 40}{QUOTE}."
REDACTOR = Redactor(redaction_terms("Ada Lovelace", "ada@example.com"))


def _verified(text: str) -> Evidence:
    """The grader's citation of `QUOTE` in the candidate's line `text`, as grader/bundle.py indexes it."""
    views, _ = redact_line(text, REDACTOR.speech)
    line = CitableEvent(1, "transcript", views, speaker="candidate", size=len(text))
    verified = check(Evidence(seq=1, quote=QUOTE), CitationIndex(types={1: "transcript"}, citable={1: line}))
    assert isinstance(verified, Evidence) and verified.where is not None
    return verified


@pytest.mark.parametrize(("text", "verified", "read"), [(ADDRESSED, 0, 1), (LONG, 1, 0)])
def test_a_quote_is_placed_where_the_grader_verified_it(text: str, verified: int, read: int) -> None:
    cited = _verified(text)
    assert cited.where is not None
    places = replay_places(text, cited.quote)
    assert places[verified] == (cited.where.start, cited.where.end)
    assert quote_place(text, cited.quote, speech=True, where=cited.where) == verified
    # Without it (a scorecard graded before), the report's own reading of the rule, as before.
    assert quote_place(text, cited.quote, speech=True) == read


@pytest.mark.parametrize(
    "where",
    [
        QuoteWhere(start=0, end=len(LONG) + 1),  # past the text's end
        QuoteWhere(start=len(LONG), end=len(LONG) + 26),
        QuoteWhere(start=5, end=5),  # empty
        QuoteWhere(start=30, end=56),  # other words
        QuoteWhere(start=0, end=MAX_QUOTE_CHARS + 1),  # longer than any stored quote
    ],
)
def test_a_place_that_does_not_hold_the_quote_falls_back_to_the_search(where: QuoteWhere) -> None:
    assert verified_place(LONG, QUOTE, where) is None
    assert quote_place(LONG, QUOTE, speech=True, where=where) == quote_place(LONG, QUOTE, speech=True) == 0


def test_a_place_holds_the_quote_as_the_grader_normalises_it() -> None:
    text = "So  MY code\u200b handles   duplicates. My code handles duplicates."
    assert verified_place(text, QUOTE, QuoteWhere(start=4, end=33)) == (4, 33)
    assert verified_place(text, QUOTE, QuoteWhere(start=4, end=32)) is None  # a letter short


async def test_the_report_page_marks_the_place_verified(api_server: ApiServer, db: Db) -> None:
    """The page's citations say which place of each line the grader verified (`data-occurrence`), from its stored
    `where`; a `where` changed by hand, and one of a scorecard graded before, fall back to the report's reading."""
    seeded = await seed_interview(api_server, db)
    stored = await events_repo.append_events(
        db,
        seeded.id,
        [
            events_repo.EventIn(
                f"where:{n}",
                "transcript",
                {"role": "user", "text": text, "start": 300.0 + n, "end": 301.0 + n},
                300.0 + n,
            )
            for n, text in enumerate((ADDRESSED, LONG, LONG, LONG))
        ],
    )
    assert stored is not None
    addressed, long, forged, old = (s.seq for s in stored)
    await grade(db, seeded)
    at_first, in_tail = _verified(ADDRESSED), _verified(LONG)
    evidence = {
        "problem_solving": [at_first.model_copy(update={"seq": addressed})],
        "coding": [in_tail.model_copy(update={"seq": long})],
        # Another place's offsets: the words there are not the quote.
        "verification": [Evidence(seq=forged, quote=QUOTE, where=QuoteWhere(start=30, end=56))],
        "communication": [Evidence(seq=old, quote=QUOTE)],
    }
    for dimension, items in evidence.items():
        await db.execute(
            "update scorecards set scorecard = jsonb_set(scorecard, %s, %s) where session_id = %s",
            (
                ["dimensions", dimension, "evidence"],
                Jsonb([e.model_dump(mode="json") for e in items]),
                seeded.id,
            ),
        )

    page = (
        await api_server.client.get(f"/v1/sessions/{seeded.id}/report", headers=api_server.org_headers())
    ).text
    # The first place, verified (the reading picks the second); the tail's (the reading picks the first).
    assert _places(page, addressed) == {(None, "0 26")}
    assert _places(page, long) == {("1", f"{len(LONG) - 27} {len(LONG) - 1}")}
    # The reading's: the first place, and no `where` for the replay.
    assert _places(page, forged) == _places(page, old) == {(None, None)}

    r = await api_server.client.get(f"/v1/sessions/{seeded.id}/scorecard", headers=api_server.org_headers())
    dimensions = r.json()["dimensions"]
    assert dimensions["coding"]["evidence"][0]["where"] == in_tail.model_dump(mode="json")["where"]
    assert dimensions["communication"]["evidence"][0]["where"] is None


def _places(page: str, seq: int) -> set[tuple[str | None, str | None]]:
    """The `data-occurrence` (None: the first place) and `data-where` of each citation link of `seq` on the page."""
    links = re.findall(rf'<a class="evidence"[^>]*data-seq="{seq}"[^>]*>', page)
    assert links, seq
    return {(_attribute(link, "occurrence"), _attribute(link, "where")) for link in links}


def _attribute(link: str, name: str) -> str | None:
    found = re.search(rf'data-{name}="([^"]*)"', link)
    return found.group(1) if found else None


def test_the_replay_is_given_the_place_in_javascripts_offsets() -> None:
    """A character past U+FFFF is two UTF-16 code units in JavaScript's strings, one code point in the grader's."""
    text = "\U0001f600 ok. My code handles duplicates \U0001f600. My code handles duplicates."
    start = text.index(QUOTE)
    place = replay_place(text, QUOTE, speech=True, where=QuoteWhere(start=start, end=start + len(QUOTE)))
    assert place == ReplayPlace(0, (start + 1, start + 1 + len(QUOTE)))
    later = text.rindex(QUOTE)
    place = replay_place(text, QUOTE, speech=True, where=QuoteWhere(start=later, end=later + len(QUOTE)))
    assert place == ReplayPlace(1, (later + 2, later + 2 + len(QUOTE)))
    assert replay_place(text, QUOTE, speech=True, where=None) == ReplayPlace(0, None)
