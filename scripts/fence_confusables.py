"""Print agent/lookalikes.py's `CONFUSABLE` table (or, with --letters, its `LATIN_LOOKALIKES` table) from Unicode's
confusables (UTS #39).

    python scripts/fence_confusables.py confusables.txt
    python scripts/fence_confusables.py --letters confusables.txt

`confusables.txt` is Unicode's (https://www.unicode.org/Public/security/latest/confusables.txt; the table in
agent/lookalikes.py was made from 17.0.0). A prototype is read as agent/lookalikes.py reads it: "∃" is confused with
"Ǝ", which it reads as "e" by its name, so "∃" is an "e". Kept: single characters, not ASCII, confused with one of
a-g, i, l, n, o (what BEGIN, END and the hex digits are read as; "I" and "1" are confused with "l", "0" with "o"),
with one of the digits 2-9, or with several of these ("Ю" is "lo", "æ" is "ae"), less those agent/lookalikes.py
already reads by NFKD and case folding, by digit value or by their Latin letter's name. A symbol counts as a gap
between the letters of a marker: one is kept only for a single letter of a-o (as before), not for a digit or several
letters ("‖" is no "ll"). A character this Python does not know (a later Unicode's: the outlined digits) is kept.
The entries are printed as escapes, one line per reading.

With --letters: the letters (of any script, and characters this Python does not know) confused with one Latin letter
of a-z, less those NFKD, case folding, the names, the digit values or `CONFUSABLE` already read as that letter: what
agent.outcome_words reads every word with (Cyrillic "er" and "a" in "pass", "shha" in "hire").
"""

from __future__ import annotations

import re
import sys
import unicodedata
from collections.abc import Iterator

from agent.lookalikes import by_name, unmarked

LETTERS = set("abcdefgilno")
DIGITS = set("23456789")


def _read(prototype: str) -> str:
    """``prototype`` as agent/lookalikes.py reads it: ASCII as itself, another character by NFKD or by the Latin
    letter its name says it is, undecorated ("∃" is confused with "Ǝ", LATIN CAPITAL LETTER REVERSED E: an "e"); ""
    otherwise."""
    out = []
    for c in prototype:
        plain = unmarked(c)
        read = plain if plain.isascii() and plain else by_name(c)
        if read is None or " WITH " in unicodedata.name(
            c, ""
        ):  # "ε" is confused with "ꞓ" (C WITH BAR): no "c"
            return ""
        out.append(read)
    return "".join(out).casefold()


def _confusables(path: str) -> Iterator[tuple[str, str, str]]:
    """The entries of confusables.txt whose source is a single character, not ASCII, in the file's order: the
    character, its prototype, and the prototype as agent/lookalikes.py reads it (``_read``)."""
    with open(path, encoding="utf-8-sig") as f:
        for raw in f:
            line = raw.split("#")[0].strip()
            if not line:
                continue
            source, target, _ = (part.strip() for part in line.split(";"))
            src = "".join(chr(int(x, 16)) for x in source.split())
            if len(src) != 1 or src.isascii():
                continue
            prototype = "".join(chr(int(x, 16)) for x in target.split())
            yield src, prototype, _read(prototype)


def table(path: str) -> dict[str, list[str]]:
    targets: dict[str, set[str]] = {}
    for src, _, read in _confusables(path):
        if not read or not set(read) <= LETTERS | DIGITS:
            continue
        if read in LETTERS or unicodedata.category(src)[0] in "LN" or unicodedata.category(src) == "Cn":
            targets.setdefault(read, set()).add(src)
    confused = {
        s: t
        for t, sources in targets.items()
        for s in sources
        if not unmarked(s).isascii() and unicodedata.digit(s, None) is None and by_name(s) != t
    }
    out: dict[str, list[str]] = {}
    for s, t in confused.items():
        n = unmarked(s)
        if n != s and (
            confused.get(n) == t or (len(n) == 1 and (by_name(n) == t or confused.get(n.casefold()) == t))
        ):
            continue  # read through another entry already
        if s.casefold() != s and confused.get(s.casefold()) == t:
            continue
        out.setdefault(t, []).append(s)
    return out


_TURNED = re.compile(r"TURNED|REVERSED|INVERTED")


def letters_table(path: str, known: dict[str, str]) -> dict[str, list[str]]:
    """The letters confused with one Latin letter that nothing else reads as it (``known``: `CONFUSABLE`, by
    character), by the letter."""
    out: dict[str, list[str]] = {}
    for src, prototype, read in _confusables(path):
        if len(read) != 1 or not "a" <= read <= "z":
            continue
        if any(_TURNED.search(unicodedata.name(c, "")) for c in prototype):
            continue  # "м" is confused with a turned "w": a reader reads no "w" in a word
        if unicodedata.category(src)[0] != "L" and unicodedata.category(src) != "Cn":
            continue  # a symbol: a gap between a marker's letters (agent.fence), no letter of a word
        if unmarked(src).isascii() or unicodedata.digit(src, None) is not None or by_name(src) is not None:
            continue  # NFKD, the digit value or the name reads it already
        if known.get(src) == read or known.get(src.casefold()) == read:
            continue
        n = unmarked(src)
        if len(n) == 1 and n != src and (by_name(n) == read or known.get(n) == read):
            continue  # read through its unaccented form
        out.setdefault(read, []).append(src)
    return out


def _print(tables: dict[str, list[str]]) -> None:
    """One entry per reading, its characters as escapes, in lines of at most 110 characters."""
    for letter, chars in sorted(tables.items()):
        escapes = [f"\\u{ord(c):04x}" if ord(c) < 0x10000 else f"\\U{ord(c):08x}" for c in sorted(chars)]
        lines = [""]
        for escape in escapes:
            if len(lines[-1]) + len(escape) > 110:
                lines.append("")
            lines[-1] += escape
        if len(lines) == 1:
            print(f'    "{letter}": "{lines[0]}",')
        else:
            print(f'    "{letter}": (')
            for line in lines:
                print(f'        "{line}"')
            print("    ),")


def main() -> None:
    if sys.argv[1] == "--letters":
        from agent.lookalikes import CONFUSABLE

        known = {c: read for read, chars in CONFUSABLE.items() for c in chars}
        _print(letters_table(sys.argv[2], known))
    else:
        _print(table(sys.argv[1]))


if __name__ == "__main__":
    main()
