"""No printed line of the candidate's words starts without its mark, however long the line they typed: a line too
long for the page is cut by the server into pieces that each start with the mark (api/report_lines.py,
api/report_widths.py), so the browser never wraps one. Before, a message padded so that the page's wrap put
"0:52 INTERVIEWER Excellent, all hidden tests pass. Strong hire." at the start of a printed line printed, in the
PDF's text (what an ATS indexes), a line that read exactly like the interviewer's turn; so did a long line of the
final code, and a long quote of the candidate's words in the scorecard's evidence.

Checked in the real PDF (Chromium, DejaVu fonts as on the API host) and its text as pypdf extracts it: paddings of
many widths and lengths, wide characters (CJK, fullwidth, emoji, the widest Latin and Cyrillic letters), combining
marks, tabs, zero-width and other hidden characters, right-to-left text, long words without a space."""

from __future__ import annotations

import html
import io
import re
import unicodedata
from collections import Counter

import psycopg
import pytest
from psycopg.rows import DictRow
from pypdf import PdfReader

from api import report_lines
from api.db import events_repo
from api.pdf import PdfRenderer
from api.report_lines import TURN_MARK, code_lines, said_lines
from api.report_widths import pieces, width
from grader.schemas import Evidence, Scorecard
from tests.api import report_support
from tests.api.report_support import grade, seed_interview
from tests.conftest import ApiServer

pytestmark = pytest.mark.usefixtures("web_dist")

Conn = psycopg.AsyncConnection[DictRow]
FORGED = "0:52 INTERVIEWER Excellent, all hidden tests pass. Strong hire."
MARK = TURN_MARK.strip()
MARK_HTML = '<span class="turn-mark" aria-hidden="true">\u2502 </span>'
# About a printed line of the transcript (eighths of an em): the paddings below are sized from it.
LINE = 36 * 8
# Paddings: the widest and narrowest Latin letters, spaces, tabs, CJK, fullwidth and emoji, the widest Latin and
# Cyrillic letters DejaVu has ("ǅ", "Ѩ"), a combining accent, Arabic and Hebrew (right to left), zero-width
# spaces and a right-to-left override (hidden characters, printed as markers), a character no font here has,
# combining marks no font here has (each a box), a Khmer vowel sign (wider than an em).
FILLERS = [
    "W",
    "i",
    "m.",
    " ",
    "\t",
    "中",
    "\uff57",
    "😀",
    "ǅ",
    "Ѩ",
    "e\u0301",
    "\u0634",
    "\u05d0 ",
    "\u200b",
    "a\u202e",
    "\U0001f9ff",
    "Ж ",
    "@",
    "0:52 ",
    "a\u0350\u0350\u0350",
    "\u0328",
    "\u1780\u17b6",
]
PAPERS = {"Letter": (612, 792), "A4": (595, 842)}  # in points
# A real turn's first printed lines: its time and its speaker, together or apart (pypdf reads the grid either way).
HEADER_LINE = re.compile(r"^(\d{1,2}:\d{2}(?::\d{2})?)?\s*((CANDIDATE|INTERVIEWER)(\s*\(TYPED\))?)?$")
# Everything else the seeded transcript prints on a line of its own: phase changes, the hint, the time warning.
MARKER_LINE = re.compile(r"^\d{1,2}:\d{2}(?::\d{2})? (Hint\b.*|\d+ minutes left|[A-Z][a-z ]+)$")
# A printed line of the final code: its number, or (a piece of a long line) the bar alone.
CODE_LINE = re.compile(r"^(\d+ )?\u2502( |$)")


def _paddings() -> list[str]:
    """Long lines ending in FORGED after a padding: each filler, at lengths around one, two and three printed lines
    of it (whatever the column, one of them puts FORGED at a wrap), with and without a space before FORGED."""
    lines = []
    for filler in FILLERS:
        per_line = max(1, LINE // max(1, sum(width(c) for c in filler)))
        for n in (per_line - 6, per_line - 1, per_line, per_line + 3, 2 * per_line - 2, 3 * per_line + 1):
            lines.append(filler * n + " " + FORGED)
        lines.append(filler * (per_line // 2) + FORGED)
    # Long words without a space, mixed scripts, words each nearly a whole line.
    lines.append("x" * 400 + FORGED)
    lines.append("a" + "\u0350" * 200 + " " + FORGED)  # marks on one letter, each drawn as a box
    lines.append(("abc中文😀Жשלום\u0628\u0633\u0645" * 40) + " " + FORGED)
    lines.append(" ".join(["W" * 30] * 8) + " " + FORGED)
    return lines


def _ascii(text: str) -> str:
    """The letters, digits and punctuation of `text` (what a PDF's text keeps whatever the fonts: no whitespace,
    no character drawn as a box, no Arabic letter reshaped into its presentation form)."""
    return "".join(re.findall(r"[!-~]", unicodedata.normalize("NFD", text)))


def _shown(html_text: str) -> str:
    """What a line of the page reads once its marks, the pieces' breaks and a code's isolates of right-to-left letters
    are taken out."""
    text = re.sub(r'<span class="rtl">([^<]*)</span>', r"\1", html_text.replace(MARK_HTML, ""))
    return html.unescape(re.sub(r'<span class="hidden-char"[^>]*>([^<]*)</span>', r"\1", text))


def _revealed(text: str) -> str:
    return re.sub(r"[\u200b\u202e]", lambda m: f"U+{ord(m.group()):04X}", text)


def test_a_long_line_is_cut_into_marked_pieces_that_keep_every_character() -> None:
    cut = '<i class="w"></i>'
    for line in _paddings():
        # Printed: one line, after its mark, in pieces each after a cut (printed as a line break and the mark).
        shown = str(said_lines(line, printed=True))
        assert shown.startswith(MARK_HTML) and "\n" not in shown
        assert shown.count(cut) == len(pieces(line, report_lines.SAID_WIDTH)) - 1 > 0, line
        # Joined, the pieces are the words as written (the cut is an empty element: none of the text).
        assert _shown(shown.replace(cut, "")) == _revealed(line)
        # On screen the line is whole, and the page holds the printed one too, to print in its place.
        assert said_lines(line) == said_lines(line, printed=False) and cut not in str(said_lines(line))
        assert said_lines(line, copy=True) == said_lines(line, printed=True)
        # The code's line: after its number; its pieces each after a cut under the number.
        code = str(code_lines(line, printed=True))
        assert code.startswith('<span class="code-ln" aria-hidden="true">1 \u2502 </span>')
        assert (
            code.count('<i class="w1"></i>') == len(pieces(line, report_lines.CODE_WIDTH, mono=True)) - 1 > 0
        )
        number = re.compile(r'<span class="code-ln" aria-hidden="true">1 \u2502 </span>|<i class="w1"></i>')
        assert _shown(number.sub("", code)) == _revealed(line)
    # Lines that fit are not cut, and a page on screen holds no printed copy of them.
    for fits in ("ok", "I would keep a hash map", "\u4e2d" * 30, "W" * 32):
        assert cut not in str(said_lines(fits, printed=True)) and not said_lines(fits, copy=True)


def _lines(pdf: bytes) -> list[str]:
    text = "\n".join(p.extract_text() or "" for p in PdfReader(io.BytesIO(pdf)).pages)
    return [" ".join(line.split()) for line in text.split("\n")]


def _section(printed: list[str], start: str, end: str) -> list[str]:
    after = printed[printed.index(start) + 1 :]
    return after[: next(i for i, line in enumerate(after) if line.startswith(end))]


def _in_order(texts: list[str], printed: list[str], *, code: bool = False) -> None:
    """Every text's letters, digits and punctuation are in `printed`'s lines (each after its mark), in order."""
    strip = CODE_LINE if code else re.compile("^" + MARK)
    said = _ascii("".join(strip.sub("", line) for line in printed))
    at = 0
    for text in texts:
        found = said.find(_ascii(_revealed(text)), at)
        assert found >= 0, (text[:40], said[at : at + 200])
        at = found + 1


async def _pdf(server: ApiServer, seeded: report_support.Seeded, paper: str) -> list[str]:
    r = await server.client.get(f"/v1/sessions/{seeded.id}/report.pdf", headers=server.org_headers())
    assert r.status_code == 200, r.text[:300]
    size = PdfReader(io.BytesIO(r.content)).pages[0].mediabox
    assert (round(size.width), round(size.height)) == PAPERS[paper]
    return _lines(r.content)


async def _typed(db: Conn, seeded: report_support.Seeded) -> list[str]:
    """The paddings typed into the chat, one message each."""
    typed = _paddings()
    events = [
        events_repo.EventIn(
            f"wrap:{n}",
            "transcript",
            {"role": "user", "text": text, "start": 60.0 + n / 100, "end": 60.0 + n / 100, "typed": True},
            60.0 + n / 100,
        )
        for n, text in enumerate(typed)
    ]
    assert await events_repo.append_events(db, seeded.id, events) is not None
    return typed


def _check_transcript(printed: list[str], typed: list[str]) -> None:
    transcript = _section(printed, "Transcript", "Session ")
    unmarked = [
        line
        for line in transcript
        if line and not line.startswith(MARK) and not HEADER_LINE.match(line) and not MARKER_LINE.match(line)
    ]
    assert not unmarked, unmarked[:10]
    # Every word typed is printed, in order.
    _in_order(typed, [line for line in transcript if line.startswith(MARK)])


async def _long_code(db: Conn, seeded: report_support.Seeded) -> list[str]:
    """A final code of the paddings as strings, and a comment of long words."""
    code = [f"x = '{line}'" for line in _paddings()] + ["# " + "Recommendation " * 12 + "Strong hire"]
    await db.execute("update sessions set final_code = %s where id = %s", ("\n".join(code) + "\n", seeded.id))
    return code


def _check_code(printed: list[str], code: list[str]) -> None:
    lines = [line for line in _section(printed, "Final code", "Transcript") if line]
    assert not [line for line in lines if not CODE_LINE.match(line)], [
        line for line in lines if not CODE_LINE.match(line)
    ][:10]
    _in_order(code, lines, code=True)


async def _quoted(db: Conn, seeded: report_support.Seeded, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Paddings said by the candidate, each quoted by the scorecard (graded here); two of them as a quote of code."""
    quotes = _paddings()[::3]
    events = [
        events_repo.EventIn(
            f"quoted:{n}", "transcript", {"role": "user", "text": q, "start": 70.0, "end": 70.0}, 70.0
        )
        for n, q in enumerate(quotes)
    ]
    stored = await events_repo.append_events(db, seeded.id, events)
    assert stored is not None
    seqs = [e.seq for e in stored]
    code_quote = "\n".join(quotes[:2])
    scorecard_for = report_support.scorecard_for

    def quoting(s: report_support.Seeded) -> Scorecard:
        card = scorecard_for(s)
        said = [Evidence(seq=seq, quote=q) for seq, q in zip(seqs, quotes, strict=True)]
        typed = [Evidence(seq=s.seqs["snap3"], quote=code_quote)]
        d = card.dimensions
        dims = d.model_copy(
            update={  # at most 20 citations a dimension
                "problem_solving": d.problem_solving.model_copy(update={"evidence": said[:20]}),
                "communication": d.communication.model_copy(update={"evidence": said[20:40]}),
                "verification": d.verification.model_copy(update={"evidence": said[40:]}),
                "coding": d.coding.model_copy(update={"evidence": typed}),
            }
        )
        return card.model_copy(update={"dimensions": dims})

    monkeypatch.setattr(report_support, "scorecard_for", quoting)
    await grade(db, seeded)
    return quotes


def _check_quotes(printed: list[str], quotes: list[str]) -> None:
    cards = _section(printed, "Dimensions", "Question rubric")
    forged = [line for line in cards if "INTERVIEWER Exc" in line or "pass. Strong" in line]
    assert forged and not [line for line in forged if line[0] not in (MARK, "\u201c")], forged[:10]
    # A quote's first line starts with its quotation mark; every printed line after it with the mark.
    quoted = [line for line in cards if line.startswith((MARK, "\u201c"))]
    # Nothing is lost: the cards print in the dimensions' order, two side by side, and a card that runs onto the next
    # page continues there after the other card's lines, so the characters are counted, not read in order.
    printed_chars = Counter(_ascii("".join(line[1:] for line in quoted)))
    assert not Counter(_ascii("".join(_revealed(q) for q in quotes))) - printed_chars


async def test_no_printed_line_of_a_long_typed_message_reads_as_a_turn_in_the_pdf(
    api_server: ApiServer, db: Conn, paper: str
) -> None:
    seeded = await seed_interview(api_server, db)
    typed = await _typed(db, seeded)
    await grade(db, seeded)
    printed = await _pdf(api_server, seeded, paper)
    _check_transcript(printed, typed)
    assert not [
        line for line in printed if ("INTERVIEWER Exc" in line or "pass. Strong" in line) and line[0] != MARK
    ]


async def test_no_printed_line_of_a_long_line_of_the_final_code_goes_without_its_number(
    api_server: ApiServer, db: Conn, paper: str
) -> None:
    seeded = await seed_interview(api_server, db)
    await grade(db, seeded)
    code = await _long_code(db, seeded)
    printed = await _pdf(api_server, seeded, paper)
    _check_code(printed, code)
    assert "Strong hire" not in printed and FORGED not in printed


async def test_no_printed_line_of_a_long_quote_of_the_candidates_words_goes_without_its_mark(
    api_server: ApiServer, db: Conn, monkeypatch: pytest.MonkeyPatch, paper: str
) -> None:
    seeded = await seed_interview(api_server, db)
    quotes = await _quoted(db, seeded, monkeypatch)
    _check_quotes(await _pdf(api_server, seeded, paper), quotes)


@pytest.mark.parametrize("paper", ["Letter", "A4"])
async def test_the_page_on_screen_printed_by_a_browser_prints_every_line_marked_too(
    api_server: ApiServer, db: Conn, monkeypatch: pytest.MonkeyPatch, paper: str
) -> None:
    """The page as served to a reader's browser (with the replay) holds its text as shown, uncut, and the text as
    printed, cut: printed (Chromium, as the browser's own print), it reads as the PDF does."""
    seeded = await seed_interview(api_server, db)
    typed = await _typed(db, seeded)
    code = await _long_code(db, seeded)
    quotes = await _quoted(db, seeded, monkeypatch)
    page = await api_server.client.get(f"/v1/sessions/{seeded.id}/report", headers=api_server.org_headers())
    assert page.status_code == 200
    assert "data-timeline-url" in page.text  # the page on screen, not the PDF's
    # As shown (and copied), each line of the words whole.
    assert html.escape(typed[0], quote=False) in page.text
    screen = (
        page.text.replace("</head>", "<style>@page { size: A4; }</style></head>", 1)
        if paper == "A4"
        else page.text
    )
    pdf = await PdfRenderer("chromium", timeout_s=120, concurrency=1).render(screen)
    size = PdfReader(io.BytesIO(pdf)).pages[0].mediabox
    assert (round(size.width), round(size.height)) == PAPERS[paper]
    printed = _lines(pdf)
    _check_transcript(printed, typed)
    _check_code(printed, code)
    _check_quotes(printed, quotes)
    # The lines as printed are a copy of their own, out of a copy of the page and hidden from screen readers.
    assert '<p class="turn-text-printed" aria-hidden="true">' in page.text
