# ruff: noqa: RUF002, RUF003  # look-alike characters (of "<", of letters) are what this module reads
"""Look-alike characters: what one character reads as to a reader, an ASCII letter or digit, or "<".

Other scripts' look-alikes, styled and enclosed letters, other scripts' digits and the symbols drawn as "<" are read
as the ASCII they pass for; agent.fence reads whole texts with it, agent.notes_words the private notes' words.
"""

from __future__ import annotations

import functools
import re
import unicodedata

# Characters a reader does not see, or sees as part of the letter before: combining marks (accents, enclosing
# circles, variation selectors), format characters (zero-width spaces and joiners, bidi controls, tag characters,
# U+FEFF), other controls but whitespace, unassigned and private-use code points, and the Hangul fillers (letters
# drawn as nothing).
_BLANK_LETTERS = frozenset("\u115f\u1160\u3164\uffa0")
# What NFKC leaves alone but a reader takes for "<": Unicode's confusables for "<" (letters and notation symbols drawn
# as one), and the symbols whose name says they are one (``_lt_by_name``).
_READS_AS_LT = dict.fromkeys("\u02c2\u1438\u16b2\U0001d236", "<")
# A symbol named as "<" or drawn as one: less-than in any form ("≤", "⩽", "⋖", "⧀"), "precedes" ("≺", "≼"), the left
# angle brackets and angle quotation marks ("‹", "⟨", "〈", "❮"), the left-pointing triangles ("◁", "◀", "⊲", a normal
# subgroup); "double" or "much" reads as two ("«", "≪", "⟪", "⪡"), "triple" or "very much" as three ("⋘", "⫷"). One
# that names "greater-than" or "succeeds" first is no "<" ("≷").
_LT_NAME = re.compile(
    r"LESS-THAN|PRECEDES|LEFT(?:-POINTING)? (?:[A-Z]+ )*?(?:ANGLE|TRIANGLE|POINTER)|NORMAL SUBGROUP OF"
)
_NOT_LT_NAME = re.compile(r"GREATER-THAN|SUCCEEDS|CONTAINS|RIGHT")  # when named first
_NEVER_LT_NAME = re.compile(r"ARROW|UPPER|LOWER")  # an arrow; a corner triangle ("◣")


def _lt_by_name(c: str) -> str | None:
    """What the symbol ``c`` reads as by its name (``_LT_NAME``): one "<" or several, or None."""
    name = unicodedata.name(c, "")
    first = _LT_NAME.search(name)
    if unicodedata.category(c)[0] not in "SP" or first is None or _NEVER_LT_NAME.search(name):
        return None
    not_lt = _NOT_LT_NAME.search(name)
    if not_lt is not None and not_lt.start() < first.start():
        return None
    if re.search(r"TRIPLE|VERY MUCH", name):
        return "<<<"
    return "<<" if re.search(r"DOUBLE(?!-LINE)|MUCH", name) else "<"


# Letters of other scripts (and symbols) drawn as a Latin letter or digit that NFKD and the Unicode names do not
# read as one: generated from Unicode's confusables (UTS #39 confusables.txt, 17.0.0) by scripts/fence_confusables.py,
# the entries whose prototype is one of a-g, i, l, n, o (what BEGIN, END, the hex digits, "1" and "0" are confused
# with: "I" and "1" with "l", "0" with "o"), one of the digits 2-9, or several of these ("Ю" is "lo"), less those NFKD,
# case folding, the names or the digit values already read; a prototype is read as this module reads it ("∃" is
# confused with "Ǝ", a reversed E by its name: an "e"). Prototype "l" and "o" stand for "i" or "1", and "0":
# agent.fence's patterns accept them there.
CONFUSABLE = {
    "2": "\u01a7\u03e8\u14bf\ua644\ua6ef\ua75a\U0001ccf2",
    "3": "\u01b7\u021c\u0417\u04e0\u2c9c\u2cc4\u2ccc\ua76a\ua7ab\U000118ca\U00016f3b\U0001ccf3",
    "4": "\u13ce\U000118af\U0001ccf4",
    "5": "\u01bc\U000118bb\U0001ccf5",
    "6": "\u03ec\u0431\u13ee\u2cd3\u2cdc\U000118d5\U0001ccf6",
    "7": "\U000104d2\U000118c6\U0001ccf7",
    "8": "\u0223\U0001031a\U0001ccf8\U0001e8cb",
    "9": "\u2ccb\ua76e\U000118cc\U000118d6\U0001ccf9",
    "a": "\u03b1\u0430\u13aa\u15c4\u15c5\u2200\u237a\ua4ee\ua4ef\U000102a0\U0001041f\U00016f40\U0001ccd6\U0001d217",
    "aa": "\ua733",
    "ae": "\u00e6\u04d5",
    "ao": "\ua735",
    "b": (
        "\u0184\u0392\u042c\u0432\u13cf\u13f4\u1472\u15af\u15f7\u2c83\ua4d0\ua7b4\U00010282\U000102a1\U00010301"
        "\U00016eb6\U0001ccd7\U0001d6a9\U0001d6e3\U0001d71d\U0001d757\U0001d791"
    ),
    "bl": "\u042b",
    "c": (
        "\u03f2\u0441\u1004\u105a\u13df\u2ca5\ua4da\U000102a2\U00010302\U0001043d\U0001051c\U000118f2\U0001ccd8"
        "\U0001f74c"
    ),
    "d": "\u0501\u13a0\u13e7\u146f\u15de\u15ea\ua4d2\ua4d3\U0001ccd9",
    "e": (
        "\u0259\u0395\u0435\u0437\u04bd\u04d9\u0510\u13ac\u13cb\u212e\u2203\u22ff\u2d39\u2d3a\ua4f0\ua4f1\ua79d"
        "\U00010286\U00010401\U0001042a\U00010442\U000118a6\U000118ae\U00016f2d\U0001ccda\U0001d221\U0001d6ac\U0001d6e6"
        "\U0001d720\U0001d75a\U0001d794"
    ),
    "eo": "\u1d14",
    "f": (
        "\u03dc\u0584\u15b4\u15b7\u1e9d\ua4dd\U00010287\U000102a5\U00010525\U000118c2\U0001ccdb\U0001d213\U0001d230"
        "\U0001d7ca"
    ),
    "g": "\u018d\u050d\u0581\u13c0\u13f3\ua4d6\U0001ccdc",
    "i": "\u037a\u03b9\u0456\u0582\u13a5\u2373\u2c93\ua647\U000118c3",
    "l": (
        "\u0196\u01c0\u0399\u0406\u04cf\u05c0\u05d5\u05df\u0627\u07ca\u13de\u14aa\u16c1\u2223\u23fd\u2c92\u2cd1\u2d4f"
        "\ua4e1\ua4f2\uffe8\U0001028a\U00010309\U00010320\U00010443\U00010526\U000118a3\U000118b2\U00011dda\U00011de1"
        "\U00016eaa\U00016f16\U00016f28\U0001ccde\U0001cce1\U0001ccf1\U0001d22a\U0001d6b0\U0001d6ea\U0001d724\U0001d75e"
        "\U0001d798\U0001e8c7"
    ),
    "ll": "\u01c1\u05f0",
    "lo": "\u042e",
    "n": (
        "\u0377\u039d\u0438\u0578\u057c\u2c9b\ua4e0\U0001044d\U00010513\U0001cce3\U0001d6b4\U0001d6ee\U0001d728"
        "\U0001d762\U0001d79c"
    ),
    "o": (
        "\u037b\u03bf\u03c3\u03ed\u043e\u0585\u05e1\u0647\u06be\u06c1\u06d5\u0b20\u0d20\u101d\u10ff\u12d0\u2184\u2c9f"
        "\u2d54\u3007\ua4db\ua4f3\U00010292\U000102ab\U0001042c\U0001044b\U000104ea\U00010516\U000118b5\U000118c8"
        "\U000118d7\U00011de0\U0001cce4\U0001ccf0"
    ),
    "oe": "\u0153\u0276\uab62",
    "oo": "\ua699\ua74f",
}
# Every other Latin letter's look-alikes, letters only (a symbol is a gap between a marker's letters: agent.fence):
# generated from the same confusables.txt by `scripts/fence_confusables.py --letters`, the letters confused with one
# of h, j, k, m, p-z (or with one of a-o that ``CONFUSABLE`` does not hold) that NFKD, case folding, the names and
# ``CONFUSABLE`` do not read, less those confused with a turned or reversed letter ("м" with a turned "w"). What
# agent.outcome_words reads every word with ("\u0440\u0430ss" is "pass", "\u04bbire" is "hire").
LATIN_LOOKALIKES = {
    "h": (
        "\u0370\u0397\u041d\u043d\u04bb\u0570\u13a8\u13b0\u13bb\u13c2\u157c\u1d78\u2c8e\u2c8f\ua4e7\ua6b1\uab80\uab8b"
        "\U000102cf\U0001ccdd\U0001d6ae\U0001d6e8\U0001d722\U0001d75c\U0001d796"
    ),
    "j": "\u037f\u03f3\u0408\u0458\u0575\u13ab\u148d\ua4d9\uab7b\U0001ccdf",
    "k": "\u039a\u041a\u13e6\u16d5\u2c94\ua4d7\U00010518\U0001cce0\U0001d6b1\U0001d6eb\U0001d725\U0001d75f\U0001d799",
    "m": (
        "\u039c\u03fa\u041c\u13b7\u15f0\u16d6\u2c98\ua4df\U000102b0\U00010311\U0001cce2\U0001d6b3\U0001d6ed\U0001d727"
        "\U0001d761\U0001d79b"
    ),
    "p": (
        "\u00fe\u01bf\u03a1\u03c1\u03f1\u03f8\u0420\u0440\u13e2\u146d\u1d29\u2ca2\u2ca3\u2cce\u2ccf\ua4d1\uabb2"
        "\U00010295\U0001cce5\U0001d6b8\U0001d6d2\U0001d6e0\U0001d6f2\U0001d70c\U0001d71a\U0001d72c\U0001d746\U0001d754"
        "\U0001d766\U0001d780\U0001d78e\U0001d7a0\U0001d7ba\U0001d7c8"
    ),
    "q": "\u051b\u0563\u0566\u2d55\U0001cce6",
    "r": "\u0433\u13a1\u13d2\u1587\u1d26\u2c85\ua4e3\uab47\uab71\uab81\uaba2\U000104b4\U00016f35\U0001cce7",
    "s": (
        "\u01bd\u0405\u0455\u054f\u0d1f\u13d5\u13da\ua4e2\uabaa\U00010296\U00010420\U00010448\U000118c1\U00016f3a"
        "\U0001cce8"
    ),
    "t": (
        "\u03a4\u03c4\u0422\u0442\u10a0\u13a2\u2ca6\u2ca7\ua4d4\uab72\U00010297\U000102b1\U00010315\U000118bc\U00016f0a"
        "\U0001cce9\U0001d6bb\U0001d6d5\U0001d6f5\U0001d70f\U0001d72f\U0001d749\U0001d769\U0001d783\U0001d7a3\U0001d7bd"
    ),
    "u": (
        "\u03c5\u054d\u057d\u1200\u144c\ua4f4\ua79f\U000104ce\U000104f6\U000118b8\U000118d8\U00016f42\U0001ccea"
        "\U0001d6d6\U0001d710\U0001d74a\U0001d784\U0001d7be"
    ),
    "v": (
        "\u03bd\u0474\u0475\u05d8\u13d9\u142f\u2d38\ua4e6\ua6df\uaba9\U0001051d\U00011706\U000118a0\U000118c0\U00016f08"
        "\U0001cceb\U0001d6ce\U0001d708\U0001d742\U0001d77c\U0001d7b6"
    ),
    "w": "\u0448\u0461\u051c\u051d\u0561\u13b3\u13d4\u2cbd\ua4ea\uab83\U0001170a\U0001170e\U0001170f\U0001ccec",
    "x": (
        "\u03a7\u0425\u0445\u1541\u157d\u16b7\u2cac\u2d5d\ua4eb\ua7b3\U00010290\U000102b4\U00010317\U00010527\U0001cced"
        "\U0001d6be\U0001d6f8\U0001d732\U0001d76c\U0001d7a6"
    ),
    "y": (
        "\u0263\u03a5\u03b3\u03d2\u0423\u0443\u04ae\u04af\u10e7\u13a9\u13bd\u213d\u2ca8\u2ca9\ua4ec\U000102b2\U000118a4"
        "\U000118dc\U00016f43\U0001ccee\U0001d6bc\U0001d6c4\U0001d6f6\U0001d6fe\U0001d730\U0001d738\U0001d76a\U0001d772"
        "\U0001d7a4\U0001d7ac"
    ),
    "z": "\u0396\u13c3\ua4dc\uab93\U000118a9\U000118c4\U0001ccef\U0001d6ad\U0001d6e7\U0001d721\U0001d75b\U0001d795",
}
# Not in confusables.txt but drawn as the letter in common fonts; and the emoji drawn as the word ("🔚", END WITH
# LEFTWARDS ARROW ABOVE).
_DRAWN_AS = {"\u03b7": "n", "\u0454": "e", "\u0510": "e", "\u0511": "e", "\U0001f51a": "end"}
# Latin letters by another name than their own: "LATIN SMALL LETTER ALPHA" is an "a".
_LETTER_WORDS = {"ALPHA": "a", "IOTA": "i"}


def unmarked(c: str) -> str:
    """``c`` after NFKD and case folding, marks dropped."""
    folded = unicodedata.normalize("NFKD", unicodedata.normalize("NFKD", c).casefold())
    return "".join(d for d in folded if unicodedata.category(d)[0] != "M")


def by_name(c: str) -> str | None:
    """The Latin letter ``c``'s name says it is, in any style: "LATIN LETTER SMALL CAPITAL E", "LATIN SMALL LETTER
    OPEN E", "LATIN CAPITAL LETTER D WITH STROKE", "MODIFIER LETTER CAPITAL N", "LATIN SMALL LETTER ALPHA"; and the
    symbols drawn as one: "NEGATIVE SQUARED LATIN CAPITAL LETTER E" ("🅴"), "REGIONAL INDICATOR SYMBOL LETTER E"."""
    category, name = unicodedata.category(c), unicodedata.name(c, "")
    if category[0] == "S":
        if not re.search(r"LATIN (?:CAPITAL|SMALL) LETTER [A-Z]$|SYMBOL LETTER [A-Z]$", name):
            return None
    elif category[0] != "L":
        return None
    if "LETTER" not in name or not (
        "LATIN" in name or "SYMBOL LETTER" in name or name.startswith("MODIFIER LETTER")
    ):
        return None
    word = re.split(r" WITH | PRECEDED BY ", name)[0].split()[-1]
    return _LETTER_WORDS.get(word) or (word.lower() if len(word) == 1 and "A" <= word <= "Z" else None)


def warm() -> None:
    """Derive the reading tables now (about 0.5 s of CPU each, once a process) rather than on a job's first fenced
    text or reply (``letter_reading``: agent.notes_decode)."""
    _reads_as()
    letter_reading()


@functools.cache
def letter_reading() -> dict[int, str]:
    """Each character but ASCII that a reader takes for one ASCII letter or digit, as ``fold`` reads it (a capital
    kept a capital): small capitals "ᴡᴀʟᴋ", regional indicators "🇼🇦🇱🇰", negative squared "🆆" and circled "ⓦ"
    letters (symbols, no word characters as written), look-alikes, other scripts' digits. Tag characters as the
    ASCII character they mirror: unseen, but a model writes them on request and a reader who copies the text reads
    them ("ASCII smuggling"). One character for one, so that a text translated with it keeps its positions."""
    table: dict[int, str] = {cp: chr(cp - 0xE0000) for cp in range(0xE0020, 0xE007F)}
    for cp in range(0x80, 0x20000):
        c = chr(cp)
        read = fold.__wrapped__(c)  # not through the cache, which keeps the characters texts hold
        if len(read) == 1 and read.isascii() and read.isalnum():
            table[cp] = read.upper() if "CAPITAL" in unicodedata.name(c, "") else read
    return table


@functools.cache
def _reads_as() -> dict[str, str]:
    """Every character NFKD and case folding do not take to ASCII letters or digits that a reader still reads as
    one, or as "<": each character with a digit value (Arabic-Indic "٣", Devanagari "३") as that digit, each Latin
    letter by its name, the confusables; and each of these case folded too. Derived once, from the first two planes
    (where every letter and digit concerned is)."""
    table: dict[str, str] = {}
    for cp in range(0x80, 0x20000):
        c = chr(cp)
        if unmarked(c).isascii():  # NFKD reads it already (or it is unassigned: dropped)
            continue
        digit = unicodedata.digit(c, None)
        read = str(digit) if digit is not None else by_name(c) or _lt_by_name(c)
        if read is not None:
            table[c] = read
    for read, chars in (*CONFUSABLE.items(), *LATIN_LOOKALIKES.items()):
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
def fold(c: str) -> str:
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


@functools.lru_cache(maxsize=1 << 15)
def char_kind(c: str) -> str:
    """ "unknown": a character this Python's Unicode data does not know; "tag": a tag character, unseen, which a model
    may read as the ASCII character it mirrors ("ASCII smuggling"); "symbol": a symbol read as a letter or digit
    ("🅴", "🇪", "∣"), which a reader may also skip as any symbol; "" for the rest."""
    category = unicodedata.category(c)
    if category == "Cn":
        return "unknown"
    if "\U000e0020" <= c <= "\U000e007e":
        return "tag"
    return "symbol" if category[0] == "S" and any(d.isalnum() for d in fold(c)) else ""
