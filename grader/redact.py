"""Keeping the candidate's identity out of the model's input: their name, e-mail and contact details are replaced
in transcript lines and code, with a map back to the original text so that verified quotes stay verbatim.

What is replaced (never sent to the model):
- the e-mail address, and any e-mail address (`[email]`); profile links (LinkedIn, GitHub, GitLab, X) (`[link]`);
- in speech, phone numbers (`[phone]`) and every part of the candidate's name in any case (`[candidate]`);
- in code, the full name in any case, and name parts when written as names (`Ada`, `ADA`): a lowercase `max` or
  `will` in code is an identifier, not a person, and replacing it would garble the code the model judges.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

Mode = Literal["speech", "code"]

EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
PROFILE_LINK = re.compile(
    r"(?:https?://)?(?:www\.)?(?:linkedin\.com|github\.com|gitlab\.com|twitter\.com|x\.com)/[^\s)\]>\"'`]+",
    re.IGNORECASE,
)
PHONE = re.compile(r"(?<![\w+])\+?\d(?:[ \-.()]{0,2}\d){8,14}(?!\w)")
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


def _bounded(term: str) -> str:
    return rf"(?<!\w){term}(?!\w)"


def _flexible(term: str) -> str:
    """A literal term whose inner whitespace may be any whitespace."""
    return r"\s+".join(re.escape(part) for part in term.split())


class Redactor:
    """Built once per session from `BundleInput.redact` (name parts, full name, e-mail, e-mail local part)."""

    def __init__(self, terms: Sequence[str]) -> None:
        emails = {t for t in terms if "@" in t}
        locals_ = {e.split("@", 1)[0] for e in emails}
        names = [t for t in terms if "@" not in t and t not in locals_]
        whole = [n for n in names if len(n.split()) > 1]
        parts = {p for n in names for p in n.split() if len(p) >= 2}
        for local in locals_:
            if len(local) >= 6 or not local.isalpha():
                whole.append(local)  # distinctive: any case, everywhere
            elif len(local) >= 2:
                parts.add(local)
        always: list[tuple[re.Pattern[str], str]] = (
            [
                (
                    re.compile("|".join(re.escape(e) for e in sorted(emails, key=len, reverse=True)), re.I),
                    "[email]",
                )
            ]
            if emails
            else []
        )
        always += [(EMAIL, "[email]"), (PROFILE_LINK, "[link]")]
        if whole:
            alternatives = "|".join(_flexible(w) for w in sorted(whole, key=len, reverse=True))
            always.append((re.compile(_bounded(f"(?:{alternatives})"), re.I), NAME))
        self._speech = list(always)
        self._code = list(always)
        if parts:
            ordered = sorted(parts, key=len, reverse=True)
            self._speech.append(
                (re.compile(_bounded("(?:" + "|".join(re.escape(p) for p in ordered) + ")"), re.I), NAME)
            )
            as_names = {form for p in ordered for form in (p, p[:1].upper() + p[1:].lower(), p.upper())}
            as_names = {f for f in as_names if f[:1].isupper()}
            if as_names:
                self._code.append(
                    (
                        re.compile(
                            _bounded(
                                "(?:"
                                + "|".join(re.escape(f) for f in sorted(as_names, key=len, reverse=True))
                                + ")"
                            )
                        ),
                        NAME,
                    )
                )
        self._speech.append((PHONE, "[phone]"))

    def speech(self, text: str) -> Redacted:
        return _apply(text, self._speech)

    def code(self, text: str) -> Redacted:
        return _apply(text, self._code)

    def __call__(self, text: str, mode: Mode) -> Redacted:
        return self.speech(text) if mode == "speech" else self.code(text)


NOT_DIGIT = re.compile(r"\D+")


def _worth_trying(pattern: re.Pattern[str], text: str) -> bool:
    """Cheap tests that skip the costly scans on text that cannot match (most lines have no '@' or 9 digits)."""
    if pattern is EMAIL:
        return "@" in text
    if pattern is PROFILE_LINK:
        return "/" in text
    if pattern is PHONE:
        return len(NOT_DIGIT.sub("", text)) >= 9
    return True


def _apply(text: str, patterns: Sequence[tuple[re.Pattern[str], str]]) -> Redacted:
    found: list[tuple[int, int, str]] = []
    for pattern, replacement in patterns:
        if _worth_trying(pattern, text):
            found.extend(
                (m.start(), m.end(), replacement) for m in pattern.finditer(text) if m.end() > m.start()
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
