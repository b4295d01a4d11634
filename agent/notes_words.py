"""A reply's words as a reader finds them, before agent.notes_decode decodes them.

Characters read as the letters they show, where a word starts and ends (camelCase, base64 and escapes as one word, a
word cut into pieces), each word folded and stemmed, and the common words no rule counts."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator

from agent.lookalikes import letter_reading

ENCODED_SPAN = 16  # characters: base64 this long is read as one word, whatever case and "+" or "/" it holds


# Format characters (zero-width, joiners, direction marks, soft hyphen, tags) and combining marks, kept inside a
# word and dropped when it is folded.
_INNER = (
    "\u00ad\u034f\u061c\u180b-\u180f\u200b-\u200f\u202a-\u202e\u2060-\u206f\ufe00-\ufe0f\ufeff"
    "\U000e0000-\U000e007f\u0300-\u036f\u0483-\u0489\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f"
)
# A capital followed by a small letter after a small letter, or by two after a capital, starts a word:
# "hashMapLookup", "HTTPServer" are three and two words, as a reader reads them ("seldnaH", "topK", "APIs" are one).
_WORD_ONLY = (
    rf"[^\W_](?:(?:(?<![A-Za-z])|(?<=[a-z])(?![A-Z][a-z])|(?<=[A-Z])(?![A-Z][a-z]{{2}}))[A-Z]|[^\W_A-Z]|[{_INNER}]"
    r"|(?:[@$]|\*+)(?=[^\W_]))*"
)
# Base64 or hexadecimal as written: ``ENCODED_SPAN`` characters or more of its alphabet, a digit, "+" or "/" among
# them, read as one word (``Normaliser.push`` decodes it, or splits it into ``_WORD_ONLY`` words when it is none).
_ENCODED = rf"(?<![\w+/=])(?=[A-Za-z0-9+/]*[0-9+/])[A-Za-z0-9+/]{{{ENCODED_SPAN},}}={{0,2}}(?![\w+/=])"
# Characters written as escapes, two or more in a run with letters and digits ("Walk%20the%20array", "\x57\x61",
# "\u0057\u0061", "&#87;&#97;"): one word, read as the text it writes (``Normaliser.push``, agent.fence_decode
# ``decoded``, the reading the fence takes them in).
_ESC = (
    r"(?:%[0-9A-Fa-f]{2}|%u[0-9A-Fa-f]{4}|&#[0-9]{1,7};?|&#[xX][0-9A-Fa-f]{1,6};?"
    r"|\\(?:[xX][0-9A-Fa-f]{2}|u[0-9A-Fa-f]{4}|U[0-9A-Fa-f]{8}|[0-7]{3}|[uUxX]\{[0-9A-Fa-f]{1,6}\}))"
)
_ESCAPED = rf"(?:[A-Za-z0-9+._~-]*{_ESC}){{2,}}[A-Za-z0-9+._~-]*"
ESCAPED_WORD = re.compile(_ESCAPED)
# A word cut into pieces of one to four letters by hyphens or middle dots ("Wa-lk", "ar-ra-y", "ke·ep·ing"): one word,
# read as the pieces joined when that is the notes' words (``Normaliser.push``), as the pieces otherwise ("in-place").
_PIECED = r"[^\W\d_]{1,4}(?:[-\u00b7\u2027][^\W\d_]{1,4})+(?![^\W\d_])"
PIECED_WORD = re.compile(_PIECED)
PIECE_CUT = re.compile(r"[-\u00b7\u2027]")
WORD = re.compile(f"{_ESCAPED}|{_ENCODED}|{_PIECED}|{_WORD_ONLY}")
PIECES = re.compile(_WORD_ONLY)
ENCODED_WORD = re.compile(_ENCODED)
# Text without any of what ``WORD`` reads apart from plain words (most of a reply) is split by the plain pattern:
# the same words, at half the cost (the guard splits the held text at every streamed piece).
_CAMEL = re.compile(r"[a-zA-Z][A-Z][a-z]")
_ENCODED_HINT = re.compile(
    r"[A-Za-z][0-9+/][A-Za-z0-9]|[A-Za-z0-9][0-9+/][A-Za-z]"
)  # base64 may be under way
_PIECED_HINT = re.compile(r"[^\W\d_][-\u00b7\u2027][^\W\d_]")  # a word cut into pieces may be under way
_SPECIAL = re.compile(
    rf"[{_INNER}@$*%\\]|&#|[a-zA-Z][A-Z][a-z]|{_ENCODED_HINT.pattern}|{_PIECED_HINT.pattern}"
)
PLAIN = re.compile(r"[^\W_]+")
_FOLDED = re.compile(r"[^\W_](?:[^\W_]|(?:[@$]|\*+)(?=[^\W_]))*")

_CONFUSABLES = str.maketrans(
    "АВЕЅІЈКМНОРСТХУаеѕіјһорсухԁԛԝӏъьΑΒΕΖΗΙΚΜΝΟΡΤΥΧαεικνορτυχϲϳ",
    "abesijkmhopctxyaesijhopcyxdqwlbbabezhikmnoptyxaeiknoptuxcj",
)

_STOPWORDS = """a about above after again against all also am an and any are as at be because been before being below
    between both but by can could did do does doing down during each either else even every few for from further
    get gets got had has have having he her here hers him his how i if in into is it its itself just let like may
    me might more most must my no nor not now of off on once one only or other our out over own per same say says
    she should so some such than that the their them then there these they this those through to too two under
    until up upon us use very via was we well were what when where whether which while who whom why will with
    would yes yet you your yours okay ok right good great sure think see way thing things go going make makes
    el la los las un una unos unas y o de del al en con por para que se es son lo le les su sus mi tu como pero
    si no ya muy más mas esto esta este eso esa ese hay"""
STOPWORDS = frozenset(_STOPWORDS.split())


def read_letters(text: str) -> str:
    """``text`` with each character a reader takes for an ASCII letter or digit written as that letter or digit
    (agent.lookalikes ``letter_reading``: "ᴡᴀʟᴋ", "🇼🇦🇱🇰", "🆆🅰🅻🅺", "ⓦⓐⓛⓚ", tag characters), one for one: its positions
    are the text's. Symbols drawn as letters are no word characters as written, and NFKC leaves small capitals alone:
    the words they spell went past every rule unread."""
    return text if text.isascii() else text.translate(letter_reading())


def special(text: str) -> bool:
    """Whether ``text`` holds anything ``WORD`` reads apart from plain words."""
    if text.isascii():
        return (
            "@" in text
            or "$" in text
            or "*" in text
            or "%" in text
            or "\\" in text
            or "&#" in text
            or ("-" in text and _PIECED_HINT.search(text) is not None)
            or (not text.islower() and _CAMEL.search(text) is not None)
            or _ENCODED_HINT.search(text) is not None
        )
    return _SPECIAL.search(text) is not None


def find_words(text: str, special: bool = True) -> Iterator[re.Match[str]]:
    """``text``'s words (``WORD``), as matches over ``read_letters(text)`` (the same positions); ``special``:
    whether it may hold more than plain words."""
    return (WORD if special else PLAIN).finditer(read_letters(text))


def words(text: str) -> list[str]:
    """``text``'s words as read (``read_letters``), lower-cased (format characters and marks still inside them:
    ``fold`` reads them)."""
    text = read_letters(text)
    return [w.lower() for w in (PIECES if special(text) else PLAIN).findall(text)]


def fold(w: str) -> list[str]:
    """A word as read: NFKC, format characters and combining marks dropped, look-alikes as Latin letters; the
    pieces it then holds (one, nearly always)."""
    if w.isascii():
        return [w.lower()]
    t = unicodedata.normalize("NFKC", w).translate(_CONFUSABLES)
    t = "".join(
        c for c in unicodedata.normalize("NFD", t) if unicodedata.category(c) not in ("Mn", "Me", "Cf")
    )
    return _FOLDED.findall(t.translate(_CONFUSABLES).lower())


def stem(word: str) -> str:
    if len(word) > 5 and word.endswith("ing"):
        return word[:-3]
    if len(word) > 4 and word.endswith("ed"):
        return word[:-2]
    if len(word) > 4 and word.endswith("es"):
        return word[:-2]
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word
