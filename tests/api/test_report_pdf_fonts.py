"""CJK and emoji in a candidate's name, code and words print as themselves in the PDF, not as boxes, and a long line
of them is still cut into marked pieces that fit the page.

The PDF host had the DejaVu fonts only: a CJK name or comment, or an emoji in the chat, printed as boxes (DejaVu has
no glyph for them). It now has Noto CJK and Noto Color Emoji (deploy/api.Dockerfile, scripts/setup.sh), and the print
stylesheet names them after DejaVu (api/templates/report.css). Those fonts draw some characters wider than the em
the widths counted them as (an emoji about 1.25 em, "⸻" 2.5 em), so a long line of them, cut for DejaVu, was still
too long for the page and the browser wrapped it without the mark; the widths are measured with the new fonts too
(api/report_widths.py).

Checked in the real PDF (Chromium) on Letter and A4 paper: the fonts embedded, the text pypdf extracts, every printed
line of the code and of the words after its number or mark, and where every glyph ends: none past the right margin.
"""

from __future__ import annotations

import io
import re
import unicodedata
from collections import Counter
from typing import Any

import psycopg
import pytest
from psycopg.rows import DictRow
from pypdf import PdfReader
from pypdf.generic import ContentStream, DictionaryObject, NameObject

from api.db import events_repo
from tests.api.report_support import Seeded, grade, seed_interview
from tests.conftest import ApiServer

pytestmark = pytest.mark.usefixtures("web_dist")

Conn = psycopg.AsyncConnection[DictRow]
PAPERS = {"Letter": (612.0, 792.0), "A4": (595.28, 841.89)}  # in points
MARGIN = 12 / 25.4 * 72  # the print stylesheet's left and right page margin, 12 mm
NAME = "山田太郎 🚀 김민준"
# Long lines without a space: CJK ideographs (double width in the code's monospace), Hangul, kana, emoji DejaVu
# lacks (about 1.25 em each in Noto Color Emoji), the two- and three-em dashes (Noto CJK: 1.7 and 2.5 em), a
# digit with the emoji selector and keycap, and a mix.
LONG = [
    "中文注释" * 25,
    "한국어" * 30,
    "ひらがなカタカナ" * 12,
    "🚀🧿🦀" * 30,
    "\u2e3a\u2e3b" * 20,
    "1\ufe0f\u20e3" * 50,
    ("ab中😀⸻Ж" * 20),
]
CODE = [f"s{n} = '{line}'" for n, line in enumerate(LONG)] + [
    "# " + "这是一个很重要的注释" * 12,
    "print('完成 ✅')",
]
# A printed line of the final code: its number, or (a piece of a long line) the bar alone.
CODE_LINE = re.compile(r"^(\d+ )?\u2502( |$)")
MARK = "\u2502"
WIDE = re.compile("[\u1100-\u11ff\u2e3a\u2e3b\u3040-\u30ff\uac00-\ud7af\u4e00-\u9fff\U0001f300-\U0001faff]")


def _matrix(a: list[float], b: list[float]) -> list[float]:
    return [
        a[0] * b[0] + a[1] * b[2],
        a[0] * b[1] + a[1] * b[3],
        a[2] * b[0] + a[3] * b[2],
        a[2] * b[1] + a[3] * b[3],
        a[4] * b[0] + a[5] * b[2] + b[4],
        a[4] * b[1] + a[5] * b[3] + b[5],
    ]


def _advances(font: DictionaryObject) -> tuple[dict[int, float], float, int]:
    """A font's glyph advances (per unit of font size), its default, and the bytes of one code in a string."""
    if font.get("/Subtype") == "/Type0":
        cid = font["/DescendantFonts"][0].get_object()
        table: dict[int, float] = {}
        w = list(cid.get("/W", []))
        i = 0
        while i < len(w):
            first = int(w[i])
            if isinstance(w[i + 1], list):
                table.update({first + k: float(v) / 1000 for k, v in enumerate(w[i + 1])})
                i += 2
            else:
                table.update({c: float(w[i + 2]) / 1000 for c in range(first, int(w[i + 1]) + 1)})
                i += 3
        return table, float(cid.get("/DW", 1000)) / 1000, 2
    scale = float(font["/FontMatrix"][0])  # Type3, as Chromium embeds Noto CJK and Noto Color Emoji
    first = int(font["/FirstChar"])
    return {first + k: float(v) * scale for k, v in enumerate(font["/Widths"])}, 0.0, 1


def _read_pdf(data: bytes) -> PdfReader:
    """`data` read by pypdf, each page's content stream parsed once, as `extract_text` parses it (its strings as
    bytes): the page's text and its glyphs' edges (`_glyph_right_edges`) are then both read from that one parse.
    Otherwise pypdf parses the stream again for each, in pure Python, about a CPU-second a page of these reports:
    most of what a test of them costs."""
    reader = PdfReader(io.BytesIO(data))
    for page in reader.pages:
        page[NameObject("/Contents")] = ContentStream(page["/Contents"], reader, "bytes")
    return reader


def _glyph_right_edges(page: Any) -> list[float]:
    """Where each glyph drawn on `page` ends, in points from the page's left edge: its position and advance, read
    from the content stream (Chromium draws each glyph with `Td` and `Tj`); the parse `_read_pdf` left on the page,
    or a parse of its own."""
    fonts = page["/Resources"].get("/Font", {})
    contents = page["/Contents"]
    stream = contents if isinstance(contents, ContentStream) else ContentStream(contents, page.pdf, "bytes")
    ctm, saved = [1.0, 0, 0, 1, 0, 0], []
    line = tm = [1.0, 0, 0, 1, 0, 0]
    advances: tuple[dict[int, float], float, int] = ({}, 0.0, 1)
    size = 0.0
    edges: list[float] = []
    for operands, op in stream.operations:
        if op == b"q":
            saved.append(ctm)
        elif op == b"Q":
            ctm = saved.pop()
        elif op == b"cm":
            ctm = _matrix([float(x) for x in operands], ctm)
        elif op == b"BT":
            line = tm = [1.0, 0, 0, 1, 0, 0]
        elif op == b"Tf":
            advances, size = _advances(fonts[operands[0]].get_object()), float(operands[1])
        elif op == b"Tm":
            line = tm = [float(x) for x in operands]
        elif op == b"Td":
            line = tm = _matrix([1.0, 0, 0, 1, float(operands[0]), float(operands[1])], line)
        elif op in (b"Tj", b"TJ"):
            table, default, n = advances
            for item in operands[0] if op == b"TJ" else [operands[0]]:
                if isinstance(item, (int, float)):
                    tm = _matrix([1.0, 0, 0, 1, -float(item) / 1000 * size, 0], tm)
                    continue
                data = item.original_bytes
                for k in range(0, len(data), n):
                    advance = table.get(int.from_bytes(data[k : k + n], "big"), default) * size
                    tm = _matrix([1.0, 0, 0, 1, advance, 0], tm)
                    edges.append(_matrix(tm, ctm)[4])
        else:
            # Anything else that moves text or spaces it out would make the edges wrong: Chromium writes none.
            assert op not in (b"TD", b"T*", b"'", b'"', b"Tz") and not (
                op in (b"Tc", b"Tw") and float(operands[0])
            ), op
    return edges


def _font_names(reader: PdfReader) -> set[str]:
    names = set()
    for page in reader.pages:
        for font in page["/Resources"].get("/Font", {}).values():
            font = (
                font.get_object()
            )  # Type0 (DejaVu) names itself; Type3 (Noto, as Chromium embeds it) in its descriptor
            names.add(str(font.get("/BaseFont") or font["/FontDescriptor"].get_object()["/FontName"]))
    return names


def _plain(text: str) -> str:
    """`text` without whitespace, in NFKC: pypdf reads some ideographs back as the radical that shares their glyph,
    "⽂" for "文" (Chromium writes the ideograph in the glyph's /ActualText, which pypdf does not read). NFKC folds
    the Kangxi radicals back; not those of the CJK Radicals Supplement ("⻓" for "长"), which the text here avoids."""
    return "".join(unicodedata.normalize("NFKC", text).split())


def _section(printed: list[str], start: str, end: str) -> list[str]:
    after = printed[printed.index(start) + 1 :]
    return after[: next(i for i, line in enumerate(after) if line.startswith(end))]


async def _seed(api_server: ApiServer, db: Conn) -> Seeded:
    seeded = await seed_interview(api_server, db, candidate={"name": NAME, "email": "yamada@example.com"})
    events = [
        events_repo.EventIn(
            f"cjk:{n}",
            "transcript",
            {"role": "user", "text": f"{line} 好的 👍", "start": 60.0 + n, "end": 60.0 + n, "typed": True},
            60.0 + n,
        )
        for n, line in enumerate(LONG)
    ]
    assert await events_repo.append_events(db, seeded.id, events) is not None
    await grade(db, seeded)
    await db.execute("update sessions set final_code = %s where id = %s", ("\n".join(CODE) + "\n", seeded.id))
    return seeded


async def test_cjk_and_emoji_print_in_noto_fonts_cut_into_marked_lines_within_the_margins(
    api_server: ApiServer, db: Conn, paper: str
) -> None:
    seeded = await _seed(api_server, db)
    r = await api_server.client.get(f"/v1/sessions/{seeded.id}/report.pdf", headers=api_server.org_headers())
    assert r.status_code == 200, r.text[:300]
    reader = _read_pdf(r.content)
    width, height = PAPERS[paper]
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (round(width), round(height))

    # The glyphs come from the CJK and emoji fonts, not DejaVu's box.
    fonts = _font_names(reader)
    assert any("NotoSansCJK" in f or "NotoSansMonoCJK" in f for f in fonts), fonts
    assert any("NotoColorEmoji" in f for f in fonts), fonts

    text = "\n".join(p.extract_text() or "" for p in reader.pages)
    printed = [" ".join(line.split()) for line in text.split("\n")]
    plain = _plain(text)
    assert _plain(NAME) in plain  # the name, in the header
    # Every CJK character and emoji of the words and the code is in the PDF's text, as many times as written.
    written = Counter(WIDE.findall(_plain("".join(CODE + LONG))))
    missing = written - Counter(WIDE.findall(_plain(text)))
    assert not missing, missing

    # Every printed line of the code starts with its number or the bar; every printed line of the words with the mark.
    code = [line for line in _section(printed, "Final code", "Transcript") if line]
    assert len(code) > len(CODE)  # the long lines were cut
    assert not [line for line in code if not CODE_LINE.match(line)]
    said = [line for line in _section(printed, "Transcript", "Session ") if WIDE.search(line)]
    assert said and not [line for line in said if not line.startswith(MARK)]

    # And nothing is drawn past the right margin (a line too wide for the page is clipped there).
    right = width - MARGIN + 0.5
    for n, page in enumerate(reader.pages):
        edges = _glyph_right_edges(page)
        assert edges and max(edges) <= right, (n, max(edges), right)
