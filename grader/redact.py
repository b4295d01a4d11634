"""Keeping the candidate's identity out of the model's input: their name, e-mail and contact details are replaced
in transcript lines and code, with a map back to the original text so that verified quotes stay verbatim.

What is replaced (never sent to the model):
- the e-mail address, and any e-mail address (`[email]`); profile links (LinkedIn, GitHub, GitLab, X) (`[link]`);
- the full name in any case (`[candidate]`), everywhere;
- names with or without their accents, and in full-width letters (`José` also as `Jose`, see `fold`);
- the full name also joined as in a handle or identifier (`ada_lovelace`, `AdaLovelace`, `@adalovelace`), and a
  hyphenated name as its words (`Jean-Luc` as `Jean Luc`, `Luc`);
- phone numbers (`[phone]`): in speech any run of nine or more digits, in code only one written as a phone number;
- in speech, each distinctive part of the name in any case (`lovelace`);
- in code, distinctive name parts when written as names (`Ada`, `ADA`): a lowercase identifier is not a person,
  and replacing it would garble the code the model judges;
- a part that is also an everyday word, or has one or two letters (`Will`, `Max`, `An`, `Do`), alone only when
  written as a name and not at the start of a sentence: "an array" and "So I'd use" stay intact.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

Mode = Literal["speech", "code"]

EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
PROFILE_LINK = re.compile(
    r"(?:https?://)?(?:www\.)?(?:linkedin\.com|github\.com|gitlab\.com|twitter\.com|x\.com)/[^\s)\]>\"'`]*[^\s)\]>\"'`.,;:!?]",
    re.IGNORECASE,
)
PHONE = re.compile(r"(?<![\w+])\+?\d(?:[ \-.()]{0,2}\d){8,14}(?!\w)")
# In code only what is written as a phone number (`+44 20 7946 0958`, `(415) 555-0100`, `415-555-0100`): a plain
# run of digits there is a number (`1000000007`).
CODE_PHONE = re.compile(
    r"(?<![\w+])(?:\+\d{1,3}[ .-]?(?:\(\d{1,4}\)|\d{1,4})(?:[ .-]\d{2,4}){2,4}"
    r"|\(\d{3}\)[ .-]?\d{3}[ .-]\d{4}|\d{3}[.-]\d{3}[.-]\d{4})(?!\w)"
)
NAME = "[candidate]"


@dataclass(frozen=True)
class Redacted:
    """`text` with replacements; `segments` are the replaced spans `(out_start, out_end, orig_start, orig_end)`."""

    text: str
    original: str
    segments: tuple[tuple[int, int, int, int], ...] = ()

    def _map(self, p: int, *, left: bool) -> int:
        delta = 0
        for out_start, out_end, orig_start, orig_end in self.segments:
            if p <= out_start:
                return p - delta
            if p < out_end:  # inside a replacement: widen to the whole original span
                return orig_start if left else orig_end
            delta = out_end - orig_end
        return p - delta

    def original_span(self, start: int, end: int) -> tuple[int, int]:
        """The span of `original` that `text[start:end]` stands for."""
        return self._map(start, left=True), self._map(end, left=False)


# Name parts that are also everyday English (or coding) words, and every part of one or two letters: alone they are
# replaced only when written as a name (`An`, `AN`) and not at the start of a sentence (unless a comma follows:
# "Grace, ..."), so that "an array", "So I'd", "the max" and "will" survive for a candidate called An Do, So, Max or
# Will. The full name is always replaced.
COMMON_WORDS = frozenset(
    """
    a an and are as at be but by can do for go had has he her him his how i if in is it its me my no not of oh ok on
    or our out she so than that the then they this to too up us was we what when who why will with yes you all am
    any ask back bad best big bill bit both call case cash change chase check child clear close cook cool count dawn
    day deal dean do does done down early end even fair faith fast field fine first free frank glad gold good grace
    grant gray green grey hall hard head heap hill hold home hope hunter jack joy just key king kind lake last lee
    less light like line list long love low mark may max mean min miles min more most new next nick noble node open
    page park pat pay peace pearl price queue rain ray read rich river rock root rose run sage set shape short sky
    small smith sort star stone storm sue summer sun sunny swift tree true very wait ward way well west white will
    win winter wood young
    """.split()  # noqa: SIM905  # a word list reads better as text
)


@lru_cache(maxsize=4096)
def _fold_char(c: str) -> str:
    """A character's base letter (`é` -> `e`, a full-width A -> `A`), or the character itself."""
    for b in unicodedata.normalize("NFKD", c):
        if not unicodedata.combining(b):
            return b
    return c


def fold(text: str) -> str:
    """`text` with each character replaced by its base letter, one for one (so that positions are unchanged): the
    name "José Núñez" is matched where speech-to-text or an ASCII comment writes "Jose Nunez"."""
    return text if text.isascii() else "".join(c if c.isascii() else _fold_char(c) for c in text)


def _bounded(term: str) -> str:
    return rf"(?<!\w){term}(?!\w)"


def _words(name: str) -> list[str]:
    """A name's words, a hyphenated one split too: "Jean-Luc" is said and written "Jean Luc" as often."""
    return [w for w in re.split(r"[\s-]+", name) if w]


def _flexible(term: str) -> str:
    """A literal term whose inner whitespace may be any whitespace, or the parts joined as in a handle or an
    identifier (`ada_lovelace`, `ada.lovelace`, `AdaLovelace`); directly joined only when that makes six letters
    or more, so that a short name's parts do not make an everyday word ("An Do": "ando")."""
    parts = _words(term)
    joined = r"(?:\s+|[._-]?)" if len("".join(parts)) >= 6 else r"(?:\s+|[._-])"
    return joined.join(re.escape(part) for part in parts)


def _alternation(terms: Iterable[str], flags: int = 0) -> re.Pattern[str]:
    ordered = sorted(set(terms), key=len, reverse=True)
    return re.compile(_bounded("(?:" + "|".join(re.escape(t) for t in ordered) + ")"), flags)


def _as_names(parts: Iterable[str]) -> set[str]:
    """`Ada` and `ADA` (and the form given, if capitalised): how a name is written in code or as a name."""
    forms = {form for p in parts for form in (p, p[:1].upper() + p[1:].lower(), p.upper())}
    return {f for f in forms if f[:1].isupper()}


@dataclass(frozen=True)
class _Rule:
    pattern: re.Pattern[str]
    replacement: str
    mid_sentence: bool = False  # skip a match that starts the text or a sentence


class Redactor:
    """Built once per session from `BundleInput.redact` (name parts, full name, e-mail, e-mail local part)."""

    def __init__(self, terms: Sequence[str]) -> None:
        terms = [fold(t) for t in terms]  # matched against folded text (`fold`)
        emails = {t for t in terms if "@" in t}
        locals_ = {e.split("@", 1)[0] for e in emails}
        names = [t for t in terms if "@" not in t and t not in locals_]
        whole = [n for n in names if len(_words(n)) > 1]
        parts = {p for n in names for p in _words(n) if len(p) >= 2}
        for local in locals_:
            if len(local) >= 6 or not local.isalpha():
                whole.append(local)  # distinctive: any case, everywhere
            elif len(local) >= 2:
                parts.add(local)
        ambiguous = {p for p in parts if len(p) <= 2 or p.lower() in COMMON_WORDS}
        distinctive = parts - ambiguous
        always: list[_Rule] = []
        if emails:
            always.append(_Rule(_alternation(emails, re.I), "[email]"))
        always += [_Rule(EMAIL, "[email]"), _Rule(PROFILE_LINK, "[link]")]
        if whole:
            alternatives = "|".join(_flexible(w) for w in sorted(whole, key=len, reverse=True))
            always.append(_Rule(re.compile(_bounded(f"(?:{alternatives})"), re.I), NAME))
        self._speech = list(always)
        self._code = list(always)
        if distinctive:
            self._speech.append(_Rule(_alternation(distinctive, re.I), NAME))
            self._code.append(_Rule(_alternation(_as_names(distinctive)), NAME))
        if ambiguous:
            rule = _Rule(_alternation(_as_names(ambiguous)), NAME, mid_sentence=True)
            self._speech.append(rule)
            self._code.append(rule)
        self._speech.append(_Rule(PHONE, "[phone]"))
        self._code.append(_Rule(CODE_PHONE, "[phone]"))

    def speech(self, text: str) -> Redacted:
        return _apply(text, self._speech)

    def code(self, text: str) -> Redacted:
        return _apply(text, self._code)

    def __call__(self, text: str, mode: Mode) -> Redacted:
        return self.speech(text) if mode == "speech" else self.code(text)


NOT_DIGIT = re.compile(r"\D+")


def _starts_sentence(text: str, start: int, end: int) -> bool:
    """A word that opens the text or a sentence, unless it addresses someone ("Grace, the example...")."""
    before = text[:start].rstrip()
    vocative = text[end:].lstrip().startswith(",")
    return (not before or before[-1] in ".!?:;\n\"'") and not vocative


def _worth_trying(pattern: re.Pattern[str], text: str) -> bool:
    """Cheap tests that skip the costly scans on text that cannot match (most lines have no '@' or 9 digits)."""
    if pattern is EMAIL:
        return "@" in text
    if pattern is PROFILE_LINK:
        return "/" in text
    if pattern is PHONE or pattern is CODE_PHONE:
        return len(NOT_DIGIT.sub("", text)) >= 9
    return True


def _apply(text: str, rules: Sequence[_Rule]) -> Redacted:
    folded = fold(text)  # same length and positions as `text`
    found: list[tuple[int, int, str]] = []
    for rule in rules:
        if _worth_trying(rule.pattern, folded):
            found.extend(
                (m.start(), m.end(), rule.replacement)
                for m in rule.pattern.finditer(folded)
                if m.end() > m.start()
                and not (rule.mid_sentence and _starts_sentence(folded, m.start(), m.end()))
            )
    if not found:
        return Redacted(text, text)
    found.sort(key=lambda f: (f[0], -(f[1] - f[0])))
    out: list[str] = []
    segments: list[tuple[int, int, int, int]] = []
    pos = 0
    length = 0
    for start, end, replacement in found:
        if start < pos:
            continue  # overlaps a longer or earlier replacement
        out.append(text[pos:start])
        length += start - pos
        out.append(replacement)
        segments.append((length, length + len(replacement), start, end))
        length += len(replacement)
        pos = end
    out.append(text[pos:])
    return Redacted("".join(out), text, tuple(segments))
