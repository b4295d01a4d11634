"""The matching form of text for redaction: what a name is matched as, whatever Unicode form it is written in.

Accents (precomposed or combining), letters with a stroke or ligatures that Unicode does not decompose (`Ł`, `Ø`,
`Đ`, `Æ`, `ß`: `STROKED`), compatibility letters (full-width, mathematical), invisible format characters
(a soft hyphen, a zero-width joiner) and typographic apostrophes fold away (`match_form`); Cyrillic and Greek
look-alike letters inside a Latin word read as the Latin ones (`LOOK_ALIKES`). `normalise` keeps an index back to the
original text, where grader/redact.py makes its replacements; grader/evidence.py reads quotes with the look-alikes
folded the same way (`latin_look_alikes`). A long run of one separator (spaces, tabs, line breaks, a rule of dashes
or dots) reads as its first and last `RUN_KEEP` characters (`LONG_RUN`), so that no rule's scan of a candidate's
text costs the square of a run's length.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

# Left out of the matching form: combining marks (accents, decomposed or not) and invisible format characters
# (soft hyphen, zero-width space and joiners, word joiner, bidi marks), which can sit inside a name unseen.
IGNORED_CATEGORIES = frozenset({"Mn", "Me", "Cf"})
# The marks that set a staged piece apart where a line is shown (grader/staged.py), read past as a quote reads them
# (grader/evidence.py): typed by the candidate inside a word ("Inter\u27eaviewer:"), they hide nothing.
SET_APART = "\u27ea\u27eb"


# Apostrophes as keyboards, speech-to-text and word processors write them (U+2019, U+02BC, ...): matched as `'`.
APOSTROPHES = frozenset("\u2018\u2019\u201b\u02bc\u02b9\u02bb\u02bd\u00b4\u2032\ua78c")
# Latin letters that have no decomposition, as an ASCII keyboard writes them ("Lukasiewicz" for Łukasiewicz, "OBrien"
# for Ø'Brien).
STROKED = dict(zip("ŁłØøĐđĦħıŦŧƀƗɨðÐ", "LlOoDdHhiTtbIidD", strict=True))
STROKED |= dict(zip("ÆæŒœßẞÞþ", ("AE", "ae", "OE", "oe", "ss", "SS", "Th", "th"), strict=True))


@lru_cache(maxsize=4096)
def match_form(c: str) -> str:
    """What a character is matched as: its compatibility decomposition without marks (`é` -> `e`, `ﬁ` -> `fi`, a
    full-width A -> `A`), nothing for a mark or an invisible character, `'` for any apostrophe."""
    if c in APOSTROPHES:
        return "'"
    if c in SET_APART:
        return ""
    if c in STROKED:
        return STROKED[c]
    return "".join(
        b for b in unicodedata.normalize("NFKD", c) if unicodedata.category(b) not in IGNORED_CATEGORIES
    )


# A run of one separator longer than twice this keeps this many characters at each end in the matching form and
# drops its middle. Rules read whitespace and separators with unbounded repeats (`\s+`, `\s*`, `[\s,-]*`) that the
# regex engine retries from every position of a run: a typed line of 2,000 spaces cost seconds of CPU for each rule
# (the self-introduction, the spoken phone number), a 4,000-character chat message more. Every bounded repeat of a
# separator in grader/ is shorter than a run kept whole (`[ \t]{0,8}` around a line break: grader/split_names.py),
# so a long run and one of `2 * RUN_KEEP` characters read alike; a window a rule reads past a run (a cue's reach, a
# literal's length) reads at most the kept characters of it, so it reaches further, never less far.
RUN_KEEP = 16
# Runs of one class: whitespace (spaces, tabs, no-break and full-width spaces, line breaks, mixed), or one
# punctuation or symbol character repeated ("-----", ".....", "=====", "_____"). A line break in the dropped middle
# is kept (one), so that what a run separates stays on separate lines (a comment ends at its line's end).
LONG_RUN = re.compile(rf"\s{{{2 * RUN_KEEP + 1},}}|([^\w\s])\1{{{2 * RUN_KEEP},}}|(_)\2{{{2 * RUN_KEEP},}}")
_LINE_BREAK = re.compile(r"[\n\r\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")


@dataclass(frozen=True)
class Normal:
    """`text` in the matching form; `index[i]` is the position in the original of the i-th character (None: the
    same positions, an ASCII text); `cuts`, the positions of `text` after which the middle of a long run was
    dropped (`LONG_RUN`)."""

    text: str
    index: list[int] | None
    original_len: int
    cuts: frozenset[int] = frozenset()

    def span(self, start: int, end: int) -> tuple[int, int]:
        """The original span of `text[start:end]`, with the marks and invisible characters that follow it (not the
        dropped middle of a run it ends before: the original keeps that)."""
        if self.index is None:
            return start, end
        if end - 1 in self.cuts:
            return self.index[start], self.index[end - 1] + 1
        # Up to the next character matched: only marks and invisible characters lie in between.
        o_next = self.index[end] if end < len(self.index) else self.original_len
        return self.index[start], max(self.index[end - 1] + 1, o_next)


# Cyrillic and Greek letters that look like a Latin one, both cases alike (a name's forms in code are its upper and
# capitalised cases): read as Latin in a word that mixes them with Latin letters ("Ada" written with a Cyrillic A,
# U+0410), which a model reads as the Latin word. A word wholly in Cyrillic or Greek is left as it is (Russian "ne",
# U+043D U+0435, "not", is not "he").
LOOK_ALIKES = dict(
    zip(
        "АаВвЕеКкМмНнОоРрСсТтХхУуІіЈјЅѕԀԁԚԛԜԝҺһӀӏΑαΒβΕεΖζΗηΙιΚκΜμΝνΟοΡρΤτΥυΧχ",
        "AaBbEeKkMmHhOoPpCcTtXxYyIiJjSsDdQqWwHhIiAaBbEeZzHhIiKkMmNnOoPpTtYyXx",
        strict=True,
    )
)


def _look_alike_words(text: str, forms: list[str]) -> None:
    """In each word that mixes Latin letters with `LOOK_ALIKES`, those letters' forms as the Latin ones."""
    start = 0
    n = len(text)
    while start < n:
        while start < n and not text[start].isalpha():
            start += 1
        end = start
        while end < n and (text[end].isalpha() or unicodedata.category(text[end]) in IGNORED_CATEGORIES):
            end += 1
        word = text[start:end]
        if any("a" <= f.lower() <= "z" for f in forms[start:end] if len(f) == 1) and any(
            c in LOOK_ALIKES for c in word
        ):
            for i in range(start, end):
                if text[i] in LOOK_ALIKES:
                    forms[i] = LOOK_ALIKES[text[i]]
        start = end


def latin_look_alikes(text: str) -> str:
    """`text` with the `LOOK_ALIKES` in words that mix them with Latin letters as those Latin letters (the same
    length: one character for one)."""
    if text.isascii() or not any(c in LOOK_ALIKES for c in text):
        return text
    forms = list(text)
    _look_alike_words(text, forms)
    return "".join(forms)


def normalise(text: str) -> Normal:
    """The matching form of `text` (see `match_form`): "José", "Jose\u0301", "Ｊｏｓé" and "Jo\u00adse" all read
    "Jose", and "Ada" with a Cyrillic A (U+0410, `LOOK_ALIKES`) "Ada". Replacements are made in the original text
    through the index. A long run of one separator reads as its ends (`LONG_RUN`)."""
    if text.isascii():
        return _short_runs(Normal(text, None, len(text)))
    forms = [c if c.isascii() else match_form(c) for c in text]
    if any(c in LOOK_ALIKES for c in text):
        _look_alike_words(text, forms)
    index: list[int] = []
    for i, form in enumerate(forms):
        index.extend([i] * len(form))
    return _short_runs(Normal("".join(forms), index, len(text)))


def short_runs(text: str) -> str:
    """`text` with each `LONG_RUN` read as its ends, as `normalise` reads it, for a check that needs no way back to
    the original (grader/claim_fairness.py `fold`)."""
    return _short_runs(Normal(text, None, len(text))).text


def _short_runs(normal: Normal) -> Normal:
    """`normal` with each `LONG_RUN` of its text cut to its first and last `RUN_KEEP` characters (and the first line
    break of its middle), the index kept to the original's positions."""
    text = normal.text
    runs = list(LONG_RUN.finditer(text))
    if not runs:
        return normal
    index = normal.index if normal.index is not None else range(len(text))
    out: list[str] = []
    kept: list[int] = []
    cuts: set[int] = set()
    pos = 0
    for run in runs:
        start, end = run.span()
        middle = (start + RUN_KEEP, end - RUN_KEEP)
        line_break = _LINE_BREAK.search(text, *middle)
        pieces = [(pos, middle[0]), *([line_break.span()] if line_break is not None else [])]
        for (lo, hi), after in zip(pieces, [*(lo for lo, _ in pieces[1:]), middle[1]], strict=True):
            out.append(text[lo:hi])
            kept.extend(index[lo:hi])
            if hi < after:  # characters dropped after the last one kept
                cuts.add(len(kept) - 1)
        pos = middle[1]
    out.append(text[pos:])
    kept.extend(index[pos:])
    return Normal("".join(out), kept, normal.original_len, frozenset(cuts))
