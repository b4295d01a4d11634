# ruff: noqa: RUF002, RUF003  # look-alike characters (of "<", of letters) are what this module reads
"""Untrusted content as delimited data: code, transcripts, the résumé and the job description reach the model
only inside a fenced block in user or tool content, never in a system message.

The markers carry a per-interview random nonce. Content must hold nothing that reads as one of our markers, so that
it cannot close its own block and pose as instructions (a `# SYSTEM OVERRIDE` comment stays a comment):

- any occurrence of the nonce is removed;
- text in the shape of a marker's opening, "<<<BEGIN" or "<<<END" (whatever tag and code follow, made up or
  guessed), is broken apart ("<<\\<END"), so that it reads as no marker at all, whatever the model makes of codes.

Both are found in the text as a reader takes it in (``_folded``), not as it is encoded: a model reads "𝐄𝐍𝐃",
"E\\u200bND", "ＥＮＤ", "ᴱᴺᴰ", "ᴇɴᴅ", "ЕND" (Cyrillic Е), "ᎬNᎠ" (Cherokee), "*E*N*D*" and "‹‹‹" or "&lt;&lt;&lt;" as
"END" and "<<<", and a nonce written in mathematical bold, circled or superscript characters, in another script's
digits ("٣") or with spaces or punctuation between its characters, as the nonce. What reads as what is derived, not
listed: NFKD, each character's digit value, the Latin letter its Unicode name says it is, Unicode's confusables.
Only what is found is changed: other text (accented letters, "List<List<int>>", "x << 2", "<<EOF") reaches the model
as written.
"""

from __future__ import annotations

import functools
import html.entities
import re
import secrets
import unicodedata

from agent.payloads import clean_text


def new_nonce() -> str:
    """Twelve hex digits (``_REMOVED`` relies on the nonce being hex)."""
    return secrets.token_hex(6)


def fence(kind: str, body: str, nonce: str) -> str:
    """``body`` between ``<<<BEGIN KIND nonce>>>`` and ``<<<END KIND nonce>>>`` markers."""
    tag = f"{kind.upper()} {nonce}"
    safe = _break_markers(_remove_nonce(clean_text(body), nonce))
    return f"<<<BEGIN {tag}>>>\n{safe}\n<<<END {tag}>>>"


# Characters a reader does not see, or sees as part of the letter before: combining marks (accents, enclosing
# circles, variation selectors), format characters (zero-width spaces and joiners, bidi controls, tag characters,
# U+FEFF), other controls but whitespace, unassigned and private-use code points, and the Hangul fillers (letters
# drawn as nothing).
_BLANK_LETTERS = frozenset("\u115f\u1160\u3164\uffa0")
# What NFKC leaves alone but a reader takes for "<" (Unicode's confusables for "<", the angle brackets and angle
# quotation marks; the doubled ones for two, "⋘" for three).
_READS_AS_LT = {
    **dict.fromkeys("\u02c2\u1438\u16b2\u2039\u276c\u276e\u2770\u27e8\u29fc\u3008\U0001d236", "<"),
    **dict.fromkeys("\u00ab\u226a\u27ea\u2aa1\u300a", "<<"),
    "\u22d8": "<<<",
}
# Letters of other scripts (and symbols) drawn as a Latin letter or digit that NFKD and the Unicode names do not
# read as one: generated from Unicode's confusables (UTS #39 confusables.txt, 17.0.0), the entries whose prototype
# is one of a-g, i, l, n, o (what BEGIN, END, the hex digits, "1" and "0" are confused with: "I" and "1" with "l",
# "0" with "o"), less those NFKD, case folding, the names or the digit values already read. Prototype "l" and "o"
# stand for "i" or "1", and "0": the patterns below accept them there.
_CONFUSABLE = {
    "a": "\u03b1\u0430\u13aa\u15c5\u237a\ua4ee\U000102a0\U00016f40\U0001ccd6",
    "b": (
        "\u0184\u0392\u0412\u042c\u13cf\u13f4\u1472\u15af\u15f7\u2c82\ua4d0\ua7b4\U00010282\U000102a1"
        "\U00010301\U00016eb6\U0001ccd7\U0001d6a9\U0001d6e3\U0001d71d\U0001d757\U0001d791"
    ),
    "c": (
        "\u03f2\u0441\u1004\u105a\u13df\u2ca5\ua4da\U000102a2\U00010302\U0001043d\U0001051c\U000118f2"
        "\U0001ccd8\U0001f74c"
    ),
    "d": "\u0501\u13a0\u13e7\u146f\u15de\u15ea\ua4d2\ua4d3\U0001ccd9",
    "e": (
        "\u0395\u0435\u04bd\u13ac\u212e\u22ff\u2d39\ua4f0\U00010286\U000118a6\U000118ae\U0001ccda\U0001d6ac"
        "\U0001d6e6\U0001d720\U0001d75a\U0001d794"
    ),
    "f": "\u03dc\u0584\u15b4\u1e9d\ua4dd\U00010287\U000102a5\U00010525\U000118c2\U0001ccdb\U0001d213\U0001d7ca",
    "g": "\u018d\u050c\u0581\u13c0\u13f3\ua4d6\U0001ccdc",
    "i": "\u037a\u03b9\u0456\u0582\u13a5\u2373\u2c93\ua647\U000118c3",
    "l": (
        "\u0196\u01c0\u0399\u0406\u04cf\u05c0\u05d5\u05df\u0627\u07ca\u13de\u14aa\u16c1\u2223\u23fd\u2c92"
        "\u2cd0\u2d4f\ua4e1\ua4f2\uffe8\U0001028a\U00010309\U00010320\U0001041b\U00010526\U000118a3\U000118b2"
        "\U00011dda\U00011de1\U00016eaa\U00016f16\U00016f28\U0001ccde\U0001cce1\U0001ccf1\U0001d22a\U0001d6b0"
        "\U0001d6ea\U0001d724\U0001d75e\U0001d798\U0001e8c7"
    ),
    "n": "\u039d\u0578\u057c\u2c9a\ua4e0\U00010513\U0001cce3\U0001d6b4\U0001d6ee\U0001d728\U0001d762\U0001d79c",
    "o": (
        "\u03bf\u03c3\u03ed\u043e\u0585\u05e1\u0647\u06be\u06c1\u06d5\u0b20\u0d20\u101d\u10ff\u12d0\u2c9f"
        "\u2d54\u3007\ua4f3\U00010292\U000102ab\U0001042c\U000104ea\U00010516\U000118b5\U000118c8\U000118d7"
        "\U00011de0\U0001cce4\U0001ccf0"
    ),
}
# Not in confusables.txt but drawn as the letter in common fonts.
_DRAWN_AS = {"\u03b7": "n", "\u0454": "e", "\u0510": "e", "\u0511": "e"}
# Latin letters by another name than their own: "LATIN SMALL LETTER ALPHA" is an "a".
_LETTER_WORDS = {"ALPHA": "a", "IOTA": "i"}


def _plain(c: str) -> str:
    """``c`` after NFKD and case folding, marks dropped."""
    folded = unicodedata.normalize("NFKD", unicodedata.normalize("NFKD", c).casefold())
    return "".join(d for d in folded if unicodedata.category(d)[0] != "M")


def _by_name(c: str) -> str | None:
    """The Latin letter ``c``'s name says it is, in any style: "LATIN LETTER SMALL CAPITAL E", "LATIN SMALL LETTER
    OPEN E", "LATIN CAPITAL LETTER D WITH STROKE", "MODIFIER LETTER CAPITAL N", "LATIN SMALL LETTER ALPHA"."""
    if unicodedata.category(c)[0] != "L":
        return None
    name = unicodedata.name(c, "")
    if "LETTER" not in name or not ("LATIN" in name or name.startswith("MODIFIER LETTER")):
        return None
    word = re.split(r" WITH | PRECEDED BY ", name)[0].split()[-1]
    return _LETTER_WORDS.get(word) or (word.lower() if len(word) == 1 and "A" <= word <= "Z" else None)


def warm() -> None:
    """Derive the reading table now (about 0.2 s of CPU, once a process) rather than on a job's first fenced text."""
    _reads_as()


@functools.cache
def _reads_as() -> dict[str, str]:
    """Every character NFKD and case folding do not take to ASCII letters or digits that a reader still reads as
    one, or as "<": each character with a digit value (Arabic-Indic "٣", Devanagari "३") as that digit, each Latin
    letter by its name, the confusables; and each of these case folded too. Derived once, from the first two planes
    (where every letter and digit concerned is)."""
    table: dict[str, str] = {}
    for cp in range(0x80, 0x20000):
        c = chr(cp)
        if _plain(c).isascii():  # NFKD reads it already (or it is unassigned: dropped)
            continue
        digit = unicodedata.digit(c, None)
        read = str(digit) if digit is not None else _by_name(c)
        if read is not None:
            table[c] = read
    for read, chars in _CONFUSABLE.items():
        for c in chars:
            table.setdefault(c, read)
    for c, read in _DRAWN_AS.items():
        table.setdefault(c, read)
    for c, read in list(table.items()):  # "Β" is a "b": so is "β", its case folded form
        if len(folded := c.casefold()) == 1 and not folded.isascii():
            table.setdefault(folded, read)
    return table | _READS_AS_LT


def _unseen(c: str) -> bool:
    category = unicodedata.category(c)
    return category[0] == "M" or (category[0] == "C" and not c.isspace()) or c in _BLANK_LETTERS


@functools.lru_cache(maxsize=1 << 15)  # distinct characters: a script's letters, kept across turns
def _fold(c: str) -> str:
    """``c`` as a reader takes it in: compatibility forms (NFKD: bold, script, circled, superscript, fullwidth,
    ligatures) as the plain characters, case folded, accents and unseen characters dropped, digits of every script
    as ASCII digits, Latin letters in any style and look-alikes read (``_reads_as``)."""
    reads_as = _reads_as()
    if (
        read := reads_as.get(c, reads_as.get(c.casefold()))
    ) is not None:  # before NFKD: "ϲ" (a "c") is no "σ"
        return read
    plain = unicodedata.normalize("NFKD", unicodedata.normalize("NFKD", c).casefold())
    return "".join(reads_as.get(d, d) for d in plain if not _unseen(d))


# A character reference, read as the character it stands for ("&lt;", "&LT", "&#60;", "&#x3C", "&laquo;"): named
# (HTML's names; some are read without ";") or by number, decimal or hexadecimal.
_REFERENCE = re.compile(r"&(?:#[xX]0*([0-9a-fA-F]{1,6})|#0*([0-9]{1,7})|([A-Za-z][A-Za-z0-9]{0,31}))(;?)")


def _reference(m: re.Match[str]) -> tuple[str, int] | None:
    """What the reference ``m`` stands for, and where it ends (a name read without ";" ends where the name does)."""
    hexa, decimal, name, semicolon = m.groups()
    if name is None:
        cp = int(hexa, 16) if hexa is not None else int(decimal)
        return (chr(cp), m.end()) if cp < 0x110000 and not 0xD800 <= cp < 0xE000 else None
    if semicolon and (read := html.entities.html5.get(f"{name};")) is not None:
        return read, m.end()
    for k in range(len(name), 1, -1):  # the longest name a reader takes without ";": "&ltEND" is "<END"
        if (read := html.entities.html5.get(name[:k])) is not None:
            return read, m.start() + 1 + k
    return None


_NOT_PLAIN = re.compile(r"[^\s!-~]|&")  # in ASCII: a control, dropped by _fold; "&", maybe a reference


def _folded(text: str) -> tuple[str, list[tuple[int, int]] | None]:
    """``text`` folded (``_fold``, character references read), and for each character of it the span of ``text`` it
    comes from (None: the same index, plain ASCII folding only to lower case: nearly all code)."""
    if text.isascii() and not _NOT_PLAIN.search(text):
        return text.lower(), None
    parts: list[str] = []
    spans: list[tuple[int, int]] = []
    i = 0
    while i < len(text):
        m = _REFERENCE.match(text, i) if text[i] == "&" else None
        ref = _reference(m) if m is not None else None
        if ref is not None:
            read, end = ref
            part = "".join(_fold(c) for c in read)
        else:
            part, end = _fold(text[i]), i + 1
        parts.append(part)
        spans += [(i, end)] * len(part)
        i = end
    return "".join(parts), spans


# Written in the nonce's place: letters that are not hex digits at both ends, so that no nonce can be read across
# it with what is written around it.
_REMOVED = "[not shown]"


# In the nonce's digits, what is confused with one: "O" with "0", "l" (and "I") with "1".
_DIGIT_READ = {"0": "[0o]", "1": "[1l]"}


def _span(spans: list[tuple[int, int]] | None, start: int, end: int) -> tuple[int, int]:
    """The span of the text that ``folded[start:end]`` comes from."""
    return (start, end) if spans is None else (spans[start][0], spans[end - 1][1])


def _remove_nonce(text: str, nonce: str) -> str:
    """``text`` with every occurrence of ``nonce`` as read (``_folded``: in any case, form or script, with anything but
    letters and digits between its characters) replaced."""
    folded, spans = _folded(text)
    # Possessive: a long run of punctuation after a nonce character is not tried again at each length.
    pattern = re.compile(
        r"[^0-9a-z]*+".join(_DIGIT_READ.get(c, re.escape(c)) for c in _fold(nonce) if c.isalnum())
    )
    out, done = [], 0
    for m in pattern.finditer(folded):
        start, end = _span(spans, m.start(), m.end())
        out += [text[done : max(start, done)], _REMOVED]
        done = max(done, end)
    return "".join(out) + text[done:] if out else text


# The opening of one of our markers as read: three "<" or more (``_RUN``), then BEGIN or END (``_OPENS``), with
# anything but letters and digits (spaces, punctuation, symbols: "<<<*END*", "<<</END", "<<‹E⁄N⁄D", what a reader
# skips) anywhere between them but a backslash; the "I" of BEGIN may be written "l", "1" or "|" (Unicode's confusables
# for it). The break is a backslash, which no gap crosses. A run of "<" is matched whole, once, and so is each gap
# (possessive: a long run tried again from each of its "<" took seconds for 8,000 of them); a run ends where no
# "<" follows before a letter or digit, so what follows it up to BEGIN or END is looked at once.
_GAP = r"(?:[^\w\\]|_)*+"
_RUN = re.compile(r"<(?:(?:[^<\w\\]|_)*+<)*+")
_I = r"(?:(?:[^\w\\]|_)*+[il1]|(?:[^|\w\\]|_)*+\|)"
_OPENS = re.compile(rf"{_GAP}(?:b{_GAP}e{_GAP}g{_I}{_GAP}n|e{_GAP}n{_GAP}d)")


def _break_markers(text: str) -> str:
    """``text`` with a backslash before the last "<" of each marker-shaped opening: "<<\\<END"."""
    folded, spans = _folded(text)
    out, done = [], 0
    for m in _RUN.finditer(folded):
        if m.group().count("<") < 3 or not _OPENS.match(folded, m.end()):
            continue
        start, end = _span(spans, m.end() - 1, m.end())  # what reads as the "<" next to BEGIN or END
        if start < done:  # a character that reads as several "<" and was broken already
            continue
        written = text[start:end]
        read = _fold(written) if spans is not None and end - start == 1 else "<"
        if read == "<":
            piece = "\\" + written  # kept as written ("<", "‹", "＜", "&lt;")
        else:  # a character read as several "<" ("⋘") is written out, the break before the last one
            k = read.rindex("<")
            piece = read[:k] + "\\" + read[k:]
        out += [text[done:start], piece]
        done = end
    return "".join(out) + text[done:] if out else text


_BEGIN = re.compile(r"<<<BEGIN ([A-Z][A-Z ]*? [0-9a-f]+)>>>")


def cut(text: str, limit: int) -> str:
    """``text`` kept to its first ``limit`` characters (and a note), with every block the cut left open closed
    again, so that a shortened copy (a tool output in the event log, restored on resume) never leaves content
    outside its fence. Content cannot hold our markers: the nonce is removed from it."""
    if len(text) <= limit:
        return text
    head = text[:limit]
    still_open = [
        m.group(1) for m in _BEGIN.finditer(head) if f"<<<END {m.group(1)}>>>" not in head[m.end() :]
    ]
    closing = "".join(f"\n<<<END {tag}>>>" for tag in reversed(still_open))
    return f"{head}\n… [{len(text) - limit} more characters not kept]{closing}"
