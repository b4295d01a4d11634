"""In real headless chromium: candidate-written text paints only inside its own box. A stack of combining marks
(zalgo: a letter followed by dozens of accents) draws far above and below its line; unclipped, a typed message of
them covered the interviewer's next turn, a name covered the header's line of facts, and a quote or the stated
complexity the report's own words around them. `api/templates/report.css` clips every box of candidate text at its
edge (the text itself is kept whole: in a copy, the PDF's text and the replay), and the clip cuts nothing of the
accents real names and words carry (Vietnamese, Thai, Devanagari, Hebrew points)."""

from __future__ import annotations

from typing import Any

import psycopg
import pytest
from psycopg.rows import DictRow
from psycopg.types.json import Jsonb

from tests.api.report_support import QUOTE_SAID, candidate_line, seeded_with, share_url
from tests.conftest import ApiServer
from tests.web.report_driver import drive_report

pytestmark = pytest.mark.browser
Db = psycopg.AsyncConnection[DictRow]


def zalgo(text: str, marks: int = 30) -> str:
    """Each letter of `text` under a stack of `marks` combining marks, above and below it in turn."""
    stack = "".join(chr((0x300, 0x316)[k % 2] + (k * 7) % 20) for k in range(marks))
    return "".join(c + (stack if c.strip() else "") for c in text)


# Real accents, stacked as far as languages stack them: Vietnamese capitals with two marks, Thai tone marks over
# vowels, Devanagari conjuncts, pointed Hebrew.
REAL = "ẤU Ỗ NGUYỄN Ặ ẫ ỹ · ที่นี่ ญั๊ · क्षत्रिय ज्ञ · שָׁלוֹם"


async def _report(
    api_server: ApiServer, db: Db, *, name: str, ats_id: str, typed: str, quote: str, complexity: str
) -> tuple[str, int]:
    """A graded interview whose name, ATS id, typed message, a quote of it and the stated complexity are the given
    text: the share link's URL and the message's seq."""
    candidate = {"name": name, "email": "ada@example.com", "external_id": ats_id}
    seeded, (seq,) = await seeded_with(
        api_server,
        db,
        candidate_line(f"paint:{name}", f"{typed}\n{quote}", 50.0, typed=True),
        cited_as={"plan": 0},  # the scorecard's quotes of the plan cite this message
        candidate=candidate,
    )
    cur = await db.execute("select scorecard, facts from scorecards where session_id = %s", (seeded.id,))
    row = await cur.fetchone()
    assert row is not None
    card, facts = row["scorecard"], row["facts"]
    for d in card["dimensions"].values():
        for e in d["evidence"]:
            if e["quote"] == QUOTE_SAID:
                e["quote"] = quote
    facts["complexity_claimed"] = complexity
    await db.execute(
        "update scorecards set scorecard = %s, facts = %s where session_id = %s",
        (Jsonb(card), Jsonb(facts), seeded.id),
    )
    return await share_url(api_server, seeded.id), seq


def _targets(seq: int) -> dict[str, str]:
    """The boxes of candidate-written text, as shown or as printed (whichever the medium displays)."""
    return {
        "name": "h1",
        "ats_id": ".meta > .ats-id",
        "turn": f"#ev-{seq} .turn-text, #ev-{seq} .turn-text-printed",
        "quote": f'a[data-evidence][data-seq="{seq}"] .evidence-quote',
        "complexity": ".fact-list > div:nth-last-child(2) > dd",  # before the language
    }


@pytest.mark.timeout(400)
async def test_candidate_text_paints_inside_its_own_box_and_real_accents_are_not_cut(
    api_server: ApiServer, db: Db
) -> None:
    stacked, stacked_seq = await _report(
        api_server,
        db,
        name=zalgo("Ada Byron", 20),  # within the 200 characters a name may have
        ats_id=zalgo("gh-4821", 20),
        typed=zalgo("ok sure"),
        quote=zalgo(QUOTE_SAID, 12),
        complexity=zalgo("O(n)"),
    )
    real, real_seq = await _report(
        api_server,
        db,
        name="Ấu Nguyễn Thị Ỗ",
        ats_id="ẤỖ-4821",
        typed=REAL,
        quote=f"{REAL} {QUOTE_SAID}",
        complexity="O(ỹ·ẫ)",
    )
    pages: dict[str, Any] = {
        "stacked": {"url": stacked, "check": "contained", "targets": _targets(stacked_seq)},
        "real": {"url": real, "check": "unclipped", "targets": _targets(real_seq)},
    }
    seen = await drive_report("paint", pages=pages, limit_s=360)  # no console error either
    for media in ("screen", "print"):
        for name, got in seen["stacked"][media].items():
            # It drew something (the marks are there), and nothing past its own box: its clip's 2 px margin (a
            # glyph's overhang) and a pixel of anti-aliasing. Unclipped, the marks reached 16 to 39 px past it.
            assert got["rect"] is not None and got["diff"] is not None, ("stacked", media, name, got)
            assert got["outside"] <= 3, ("stacked", media, name, got)
        for name, got in seen["real"][media].items():
            # Drawn without the clip, real accents look the same: the clip cut none of them.
            assert got["rect"] is not None and got["diff"] is None, ("real", media, name, got)
