"""How the candidate's name is written as a name, a handle or an identifier (grader/redact.py builds its patterns
from these): its words, the parts joined as in a username, and the forms a part takes in code."""

from __future__ import annotations

import re
from collections.abc import Iterable


def words(name: str) -> list[str]:
    """A name's words, a hyphenated one or one with an apostrophe split too: "Jean-Luc" is said and written "Jean
    Luc" as often, "O'Brien" "O Brien" or "OBrien"."""
    return [w for w in re.split(r"[\s'-]+", name) if w]


def flexible(term: str, spaced: bool = True) -> str:
    """A literal term whose inner whitespace may be any whitespace, or the parts joined as in a handle or an
    identifier (`ada_lovelace`, `ada.lovelace`, `AdaLovelace`, `O'Brien`); directly joined only when that makes six
    letters or more, so that a short name's parts do not make an everyday word ("An Do": "ando"). Not `spaced`:
    joined only (a name of everyday words, "will best", is prose when spaced)."""
    parts = words(term)
    joint = "[._'-]?" if len("".join(parts)) >= 6 else "[._'-]"
    joined = f"(?:\\s+|{joint})" if spaced else f"(?:{joint})"
    return joined.join(re.escape(part) for part in parts)


# The bounds of a segment of an identifier or a username: not inside a run of letters and digits, but after or
# before an underscore, or at a change of case (`solveAdaLovelace`, `LovelaceSolver`, `ada_lovelace_solution`);
# digits may follow (`adalovelace42`) and are part of the match. Case-sensitive whatever the pattern's flags.
SEGMENT_START = r"(?:(?<![^\W_])|(?-i:(?<=[a-z0-9])(?=[A-Z])))"
SEGMENT_END = r"\d*(?:(?![^\W_])|(?-i:(?<=[a-z])(?=[A-Z])))"


def segment(terms: Iterable[str], flags: int = 0) -> re.Pattern[str]:
    """Any of the (regex) `terms` as a segment of an identifier or a username, digits after it included."""
    return re.compile(f"{SEGMENT_START}(?:{'|'.join(terms)}){SEGMENT_END}", flags)


def username(name: str, distinctive: set[str]) -> str | None:
    """The regex of a username made of a name's initial and its distinctive surname (`alovelace`, `a_lovelace`,
    `ALovelace`): joined directly only when that makes six letters or more, so that an initial and a short
    surname do not make an everyday word ("skim" for S. Kim, "clang" for C. Lang)."""
    parts = words(name)
    if len(parts) < 2 or parts[-1] not in distinctive or not parts[0][:1].isalpha():
        return None
    joint = "[._-]?" if 1 + len(parts[-1]) >= 6 else "[._-]"
    return f"{re.escape(parts[0][0])}{joint}{re.escape(parts[-1])}"


def caseless(part: str) -> bool:
    """A name in a script without capitals (Han, Hangul, Arabic, Hebrew): its length or case says nothing of
    whether it is a name, and a two-character one (张伟) is often the whole name."""
    return part.lower() == part.upper()


def as_names(parts: Iterable[str]) -> set[str]:
    """`Ada` and `ADA` (and the form given, if capitalised): how a name is written in code or as a name."""
    forms = {form for p in parts for form in (p, p[:1].upper() + p[1:].lower(), p.upper())}
    return {f for f in forms if f[:1].isupper() or caseless(f)}
