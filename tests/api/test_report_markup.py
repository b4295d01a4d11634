"""The markup the report builds by hand around candidate text (api/report_lines.py: a turn's words, the code, a quote,
a one-line field, each cut into printed pieces with hidden characters shown as markers) holds only the report's own
elements and attributes, and every markup character the candidate wrote reads as text. Those functions join escaped
pieces into `Markup` themselves, past the templates' autoescape: one piece left unescaped there is stored XSS on the
page, a share link and the PDF."""

from __future__ import annotations

from html.parser import HTMLParser
from typing import Literal

from hypothesis import given, settings
from hypothesis import strategies as st

from api.report_lines import code_lines, field_lines, said_lines

# What the report's own markup is made of (api/report_lines.py, api/templating.py `_marker`).
OWN = {"span": {"class", "aria-hidden", "title", "data-code"}, "i": {"class"}}
SPECIAL = "<>&\"'"
# Markup, line breaks of every kind, hidden runs the page shows as markers, wide and long pieces that are cut.
PIECES = [
    *SPECIAL,
    "<script>alert(1)</script>",
    '<img src=x onerror="x()">',
    "</span><i>",
    "&amp;",
    "&#x3c;",
    "a",
    " ",
    "\t",
    "\r",
    "\n",
    "\r\n",
    "\u2028",
    "\x85",
    "\x0b",
    "\u202e",
    "\u2066",
    "\u200b",
    "\ufe0f",
    "\U000e0041",
    "\u0301",
    "\U0001f600",
    "\u3000",
    "W" * 40,
    "\u6f22" * 12,
    "\u05d0",  # right-to-left letters: each run of them in code is an isolate (api/report_lines.py)
    "\u05d1\u05d2",
    "\u0628",
    "\u061c",
]
TEXT = st.lists(st.sampled_from(PIECES), max_size=60).map("".join)


class _Read(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.foreign: list[tuple[str, list[tuple[str, str | None]]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in OWN or any(name not in OWN[tag] for name, _ in attrs):
            self.foreign.append((tag, attrs))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def _holds_as_text(markup: str, written: str) -> None:
    read = _Read()
    read.feed(markup)
    read.close()
    assert read.foreign == [], f"foreign markup {read.foreign} from {written!r}"
    if markup:  # a `copy` with nothing to print is empty
        shown = "".join(read.text)
        for char in SPECIAL:
            assert shown.count(char) == written.count(char), f"{char!r} of {written!r} not kept as text"


@settings(max_examples=150, deadline=None, derandomize=True)
@given(
    TEXT,
    st.booleans(),
    st.booleans(),
    st.sampled_from([None, "words", "code"]),
    st.sampled_from(["name", "meta", "fact"]),
)
def test_candidate_text_is_only_ever_text_in_the_markup_the_report_builds(
    text: str,
    printed: bool,
    copy: bool,
    quote: Literal["words", "code"] | None,
    box: Literal["name", "meta", "fact"],
) -> None:
    _holds_as_text(str(said_lines(text, printed=printed, copy=copy, quote=quote)), text)
    _holds_as_text(str(code_lines(text, cut=printed, printed=printed, copy=copy)), text)
    _holds_as_text(str(field_lines(text, box, printed=printed, copy=copy)), text)
