"""The replay marks a citation's quote where the grader verified it (its `where`, api/report_quotes.py): the place the
grader read as the model was shown the line (an address replaced, a long line's head and tail), which the report's
own reading of the line can place elsewhere; and a quote of capital Greek words, which the replay found nowhere
(lower-cased as one string, a word's last capital sigma is a final sigma, which no letter of the line lower-cased on
its own is). A `where` that does not hold falls back to the search."""

from __future__ import annotations

import psycopg
import pytest
from psycopg.rows import DictRow
from psycopg.types.json import Jsonb

from api.db import events_repo
from api.db.bundle_repo import redaction_terms
from grader.evidence import CitableEvent, CitationIndex, check
from grader.redact import Redactor
from grader.schemas import Evidence, QuoteWhere
from grader.transcript_lines import redact_line
from tests.api.report_support import grade, seed_interview
from tests.conftest import ApiServer
from tests.web.report_driver import drive_report

pytestmark = pytest.mark.browser
Db = psycopg.AsyncConnection[DictRow]

AT = 300.0
QUOTE = "My code handles duplicates"
ADDRESSED = f"{QUOTE}, write to not.me@example.com for it. {QUOTE}."
LONG = f"{QUOTE} and {'then it walks the list ' * 70}and stops. {'It is fine. ' * 40}{QUOTE}."
GREEK = "ΕΙΝΑΙ ΣΩΣΤΟΣ ΚΑΙ ΓΡΗΓΟΡΟΣ."  # noqa: RUF001  # Greek capitals, not Latin look-alikes
GREEK_QUOTE = "ΕΙΝΑΙ ΣΩΣΤΟΣ ΚΑΙ ΓΡΗΓΟΡΟΣ"  # noqa: RUF001
REDACTOR = Redactor(redaction_terms("Ada Lovelace", "ada@example.com"))


def _verified(text: str, quote: str) -> Evidence:
    """The grader's citation of `quote` in the candidate's line `text`, as grader/bundle.py indexes it."""
    views, _ = redact_line(text, REDACTOR.speech)
    line = CitableEvent(1, "transcript", views, speaker="candidate", size=len(text))
    verified = check(Evidence(seq=1, quote=quote), CitationIndex(types={1: "transcript"}, citable={1: line}))
    assert isinstance(verified, Evidence) and verified.where is not None, verified
    return verified


@pytest.mark.timeout(300)
async def test_the_replay_marks_the_place_the_grader_verified(api_server: ApiServer, db: Db) -> None:
    seeded = await seed_interview(api_server, db)
    lines = {"addressed": ADDRESSED, "long": LONG, "greek": GREEK, "forged": ADDRESSED}
    stored = await events_repo.append_events(
        db,
        seeded.id,
        [
            events_repo.EventIn(
                f"where:{name}",
                "transcript",
                {"role": "user", "text": text, "start": AT + n, "end": AT + n + 1},
                AT + n,
            )
            for n, (name, text) in enumerate(lines.items())
        ],
    )
    assert stored is not None
    seqs = {name: s.seq for name, s in zip(lines, stored, strict=True)}
    await grade(db, seeded)
    cited = {
        "problem_solving": _verified(ADDRESSED, QUOTE).model_copy(update={"seq": seqs["addressed"]}),
        "coding": _verified(LONG, QUOTE).model_copy(update={"seq": seqs["long"]}),
        "verification": _verified(GREEK, GREEK_QUOTE).model_copy(update={"seq": seqs["greek"]}),
        # The second place's words, but the offsets of a place that is not the quote: the search's place (the report's
        # reading of the rule reads "not" after the first).
        "communication": Evidence(seq=seqs["forged"], quote=QUOTE, where=QuoteWhere(start=5, end=31)),
    }
    for dimension, evidence in cited.items():
        await db.execute(
            "update scorecards set scorecard = jsonb_set(scorecard, %s, %s) where session_id = %s",
            (["dimensions", dimension, "evidence"], Jsonb([evidence.model_dump(mode="json")]), seeded.id),
        )
    r = await api_server.client.post(
        f"/v1/sessions/{seeded.id}/share", json={}, headers=api_server.org_headers()
    )
    url = str(r.json()["report_url"]).replace(api_server.settings.public_url, api_server.url)

    seen = await drive_report(
        "clicks", url=url, clicks=[f'a[data-evidence][data-seq="{seqs[n]}"]' for n in lines]
    )
    addressed, long, greek, forged = seen["steps"]

    # The words before the address, as the grader verified them (the report's reading marked the second place).
    (mark,) = addressed["marks"]
    assert mark["seq"] == str(seqs["addressed"]) and mark["text"] == QUOTE, mark
    assert "It is" not in addressed["marked_after"][0] and "for it." not in addressed["marked_after"][0]
    # The words in the long line's tail, as the grader verified them (the report's reading marked the head's).
    (mark,) = long["marks"]
    assert mark["text"] == QUOTE and long["marked_after"][0].endswith("It is fine. "), long["marked_after"]
    # Capital Greek words ending in a sigma: marked (the replay had found them nowhere).
    (mark,) = greek["marks"]
    assert mark["seq"] == str(seqs["greek"]) and mark["text"] == GREEK_QUOTE, mark
    # A `where` that does not hold there: the search's place.
    (mark,) = forged["marks"]
    assert mark["text"] == QUOTE and forged["marked_after"][0].endswith("for it. "), forged["marked_after"]
