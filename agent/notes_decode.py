"""A reply's words as compared with the private notes: what a listener decodes at once, decoded (agent.notes_match).

The candidate hears the interviewer (TTS) and reads its transcript, so an encoding the model performs on request and
a listener undoes at a glance is undone here, before any rule of agent.notes_match sees the words: the windows, the
runs, the pairs and single words counted across replies, and agent.notes_sequence's chain all see decoded words.
The same decoding reads the notes, the public texts, the prompts and the candidate's texts (agent.notes_build).

- **Characters.** Before words are found, each character a reader takes for one ASCII letter or digit is written as
  it (``read_letters``: small capitals, regional indicators, negative squared and circled letters, tag characters).
  A word is letters and digits, with zero-width and other format characters, combining marks, a
  ``@``/``$`` and stars between letters inside it ("ha<U+200B>sh" is one word, not "ha" and "sh"); a capital
  followed by a small letter starts a new word after a letter ("hashMapLookup", "HTTPServer"). Each word is folded: NFKC
  (fullwidth and mathematical letters, ligatures), format characters and combining marks dropped ("máp"),
  Cyrillic and Greek look-alikes read as Latin letters (``_CONFUSABLES``, a small table: no confusables library
  is in the lockfile), lower-cased.
- **Spelled letters** ("h a s h m a p", "h-a-s-h"), **spelling-alphabet words** (NATO and variants, "hotel alpha
  sierra hotel", mixed with letters) and a letter **"as in"**, **"for"**, **"like"** or (Spanish) **"de"** a word
  that starts with it ("h as in Harry, a as in apple", "S for Sam", "s like Sam", "h de hotel") are a run of
  letters, joined and split into the notes' words (``_segment``) when those cover ``SPELLED_COVER`` of it;
  otherwise they stay the words they were, all of them ("i for index, j for the inner loop" is talk: a run of fewer
  than 3 letters is never joined).

Each of the following decodes a word only into the notes' words (``vocab``: every word of the question's notes),
never a word that is a note's word itself; a word that decodes to nothing is compared as before:

- **Leetspeak**: digits and ``@``/``$`` in a word with letters read as letters ("h4sh m@p l00kup"; 1 as i or l).
- **Run together**: a word of ``JOINED_MIN`` letters or more split into the notes' words (``_joined``:
  "hashmaplookup", "usesahashmap"), one of them not a common word.
- **Masked letters**: a word with letters replaced by ``*`` ("h*sh m*p", "fr*q**nc**s"), one star a letter, read as
  the note's word it fits when at most half of it is masked and two letters are left ("n*m", "a*b" stay).
- **Base64 and hexadecimal**: a word of ``ENCODED_MIN`` characters or more (``ENCODED_SPAN`` of base64's alphabet,
  "+", "/" and a trailing "=" in it, are one word, however its capitals fall) that decodes to printable text,
  mostly letters, holding two of the notes' words of 3 letters or more: that text's words ("VXNlcyBhIGhhc2g...").
  A commit hash, a constant ("0x7fffffff") or an identifier decodes to no text, or to none of the notes' words.
- **Escapes**: two or more escaped characters in a run with letters and digits (``_ESCAPED``: percent-encoding,
  "\\x57", "\\u0057", "&#87;", "&#x57;") are one word, read as the text they write (agent.fence_decode ``decoded``, in
  layers), whatever it holds: an escape decodes to one text only. "50%", "\\n" and "&amp;" are no such run.
- **Pieces**: a word cut into pieces of one to four letters by hyphens or middle dots (``_PIECED``: "Wa-lk",
  "ar-ra-y", "ke·ep·ing") is one word, read as the pieces joined when that is a note's word or decodes to the notes'
  words as above; otherwise as its pieces, as before ("in-place", "k-th").
- **Pig latin**: "ashhay apmay" (the first consonants moved behind, "ay" added), "indexway" / "indexyay".
- **Letters reversed**: a word whose letters backwards are a note's word ("pam hsah"). English has words that are
  others backwards ("keep"/"peek", "pool"/"loop", "part"/"trap"), so a reversed word is decoded only beside another
  (a run of two or more, one of 3 letters or more) or alone with ``REVERSED_ALONE`` letters or more, or alone with
  4 or 5 letters when, as said, it starts with consonants no English word starts with (``_ONSETS``: "hsah",
  "tsoc"; "keep", "pool", "pam" stay; a word of 3 letters or fewer may be an acronym, "lru", and stays). A phrase
  reversed whole reverses its words' order too: a run is said again backwards when it ends (the rules follow a
  note's order), letters, numbers and "on" for "no" going with it.

Not decoded (measured against the corpus, each of these decoded ordinary talk or cannot be told from it): a reversed
word of fewer than ``REVERSED_ALONE`` letters said alone that could be English as said ("pam", "flah": one word per
reply; "keep"/"peek"), or of 3 letters or fewer; a run-together word holding
a letter other than "a"/"i" ("theo" of "the O(n)"; allowing any letter read "dominate" as "do min at e");
compounds of common words ("cannot", "everyone"), which stay whole; and a note's words translated or paraphrased.
Ciphers, Morse code, byte values spaced out ("55 73 65"), letter numbers, words in pieces, doubled, interleaved or
without vowels are no word a listener reads alone: agent.notes_readings reads the whole reply in each. Pig latin
of a word of two letters ("orway") is left.
"""

from __future__ import annotations

import base64
import functools
import itertools
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass

from agent.fence import letter_reading
from agent.fence_decode import decoded as unescaped

SPELLED_COVER = 0.7
JOINED_COVER = 0.8  # of a word run together, what the notes' words must cover (the rest: single letters)
JOINED_MIN = 6  # letters: shorter words run together are mostly ordinary words ("into", "input")
ENCODED_MIN = 8  # characters: a shorter word is not read as hexadecimal or base64
ENCODED_SPAN = 16  # characters: base64 this long is read as one word, whatever case and "+" or "/" it holds
REVERSED_ALONE = 6  # letters: a reversed word this long is decoded alone (English pairs this long are rare)

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
_ESCAPED_WORD = re.compile(_ESCAPED)
# A word cut into pieces of one to four letters by hyphens or middle dots ("Wa-lk", "ar-ra-y", "ke·ep·ing"): one word,
# read as the pieces joined when that is the notes' words (``Normaliser.push``), as the pieces otherwise ("in-place").
_PIECED = r"[^\W\d_]{1,4}(?:[-\u00b7\u2027][^\W\d_]{1,4})+(?![^\W\d_])"
_PIECED_WORD = re.compile(_PIECED)
_PIECE_CUT = re.compile(r"[-\u00b7\u2027]")
WORD = re.compile(f"{_ESCAPED}|{_ENCODED}|{_PIECED}|{_WORD_ONLY}")
_PIECES = re.compile(_WORD_ONLY)
_ENCODED_WORD = re.compile(_ENCODED)
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
_PLAIN = re.compile(r"[^\W_]+")
_FOLDED = re.compile(r"[^\W_](?:[^\W_]|(?:[@$]|\*+)(?=[^\W_]))*")

_CONFUSABLES = str.maketrans(
    "АВЕЅІЈКМНОРСТХУаеѕіјһорсухԁԛԝӏъьΑΒΕΖΗΙΚΜΝΟΡΤΥΧαεικνορτυχϲϳ",
    "abesijkmhopctxyaesijhopcyxdqwlbbabezhikmnoptyxaeiknoptuxcj",
)
_LEET = {"0": "o", "1": "il", "3": "e", "4": "a", "5": "s", "7": "t", "8": "b", "9": "g", "@": "a", "$": "s"}
_LEET_CHARS = frozenset(_LEET)
_VOWELS = frozenset("aeiou")

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

# The consonants an English word can start with, two or three of them (any one can).
_ONSETS_TEXT = """bl br ch chl chr cl cr dr dw fl fr gh gl gn gr kl kn kr ph phl phr pl pr ps rh sc sch scr sh shr sk sl
    sm sn sp sph spl spr sq st str sv sw th thr tr tw vl wh wr zh"""
_ONSETS = frozenset(_ONSETS_TEXT.split())

# What joins a spelled letter to a word that starts with it ("h as in Harry", "s for Sam", Spanish "h de hotel").
_NAMING_PREFIXES = (["as"], ["as", "in"], ["for"], ["like"], ["de"])
_NAMING_START = frozenset(p[0] for p in _NAMING_PREFIXES)

SPELLING_ALPHABET = {
    "alpha": "a", "alfa": "a", "bravo": "b", "charlie": "c", "delta": "d", "echo": "e", "foxtrot": "f",
    "golf": "g", "hotel": "h", "india": "i", "juliet": "j", "juliett": "j", "kilo": "k", "lima": "l",
    "mike": "m", "november": "n", "oscar": "o", "papa": "p", "quebec": "q", "romeo": "r", "sierra": "s",
    "tango": "t", "uniform": "u", "victor": "v", "whiskey": "w", "whisky": "w", "xray": "x", "yankee": "y",
    "zulu": "z",
}  # fmt: skip


def read_letters(text: str) -> str:
    """``text`` with each character a reader takes for an ASCII letter or digit written as that letter or digit
    (agent.fence ``letter_reading``: "ᴡᴀʟᴋ", "🇼🇦🇱🇰", "🆆🅰🅻🅺", "ⓦⓐⓛⓚ", tag characters), one for one: its positions are
    the text's. Symbols drawn as letters are no word characters as written, and NFKC leaves small capitals alone:
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
    return (WORD if special else _PLAIN).finditer(read_letters(text))


def words(text: str) -> list[str]:
    """``text``'s words as read (``read_letters``), lower-cased (format characters and marks still inside them:
    ``fold`` reads them)."""
    text = read_letters(text)
    return [w.lower() for w in (_PIECES if special(text) else _PLAIN).findall(text)]


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


def _segment(letters: str, vocab: frozenset[str]) -> list[str] | None:
    """``letters`` split into words of ``vocab`` and single letters (fewest pieces, a letter counting as three), or
    None when words of ``vocab`` cover less than ``SPELLED_COVER`` of it."""
    inf = 3 * len(letters) + 1
    cost = [0] + [inf] * len(letters)
    best: list[list[str]] = [[] for _ in range(len(letters) + 1)]
    for end in range(1, len(letters) + 1):
        for start in range(max(0, end - 30), end):
            piece = letters[start:end]
            step = 1 if piece in vocab and len(piece) > 1 else 3 if end - start == 1 else inf
            if cost[start] + step < cost[end]:
                cost[end] = cost[start] + step
                best[end] = [*best[start], piece]
    covered = sum(len(p) for p in best[-1] if len(p) > 1)
    return best[-1] if covered >= SPELLED_COVER * len(letters) else None


@dataclass(frozen=True, eq=False)  # one per vocab (``_lexicon``): compared by identity
class _Lexicon:
    vocab: frozenset[str]
    known: frozenset[str]  # the notes' words, their stems and the stems with -s: what a decoded word must be
    parts: frozenset[str]  # what a word run together may start with: the notes' words and their stems
    longest: int


@functools.lru_cache(maxsize=64)
def _lexicon(vocab: frozenset[str]) -> _Lexicon:
    stems = {stem(w) for w in vocab if len(w) > 1}
    parts = frozenset({w for w in vocab if len(w) > 1} | stems)
    parts = frozenset(w for w in parts if len(w) > 2 or w in STOPWORDS)  # "re", "ab": not words of their own
    known = frozenset({w for w in vocab if len(w) > 1} | stems | {s + "s" for s in stems})
    return _Lexicon(vocab, known, parts, max((len(w) for w in known), default=0))


@functools.lru_cache(maxsize=16384)
def _decoded(w: str, lex: _Lexicon) -> tuple[str, ...] | None:
    """``w`` (not a note's word) as the notes' words it encodes by leetspeak, running together or pig latin; None
    when it encodes none."""
    known = lex.known
    if "*" in w:
        return _masked(w, lex)
    if not w.isalpha():
        if not any(c.isalpha() for c in w) or not (_LEET_CHARS & set(w)):
            return None
        options = [_LEET.get(c, c) for c in w]
        if sum(len(o) > 1 for o in options) > 3:
            return None
        for letters in itertools.product(*options):
            if (plain := "".join(letters)) in known:
                return (plain,)
        return None
    if len(w) >= JOINED_MIN and (pieces := _joined(w, lex)) is not None:
        return pieces
    if len(w) >= 5 and w.endswith("ay"):
        core = w[:-2]
        for k in range(1, 4):  # "ashhay": consonants moved behind
            front, back = core[-k:], core[:-k]
            if len(core) > k and not (_VOWELS & set(front)) and back[0] in _VOWELS and front + back in known:
                return (front + back,)
        for tail in ("w", "y", "h", ""):  # "indexway", "indexyay", "indexay": a word starting with a vowel
            base = core[: len(core) - len(tail)]
            if core.endswith(tail) and len(base) >= 3 and base[0] in _VOWELS and base in known:
                return (base,)
    return None


def _masked(w: str, lex: _Lexicon) -> tuple[str, ...] | None:
    """``w`` with letters masked by ``*`` ("h*sh", "s*nt*n*l"), one star a letter, as the note word it fits; None
    unless two letters or more are left and at most half of it is masked ("n*m", "a*b" of talk about code stay)."""
    stars = w.count("*")
    if len(w) < 3 or stars * 2 > len(w) or len(w) - stars < 2 or not w.replace("*", "").isalpha():
        return None
    fits = sorted(
        k for k in lex.known if len(k) == len(w) and all(a in ("*", b) for a, b in zip(w, k, strict=True))
    )
    return (fits[0],) if fits else None


def _joined(w: str, lex: _Lexicon) -> tuple[str, ...] | None:
    """``w`` split into the notes' words (the last may take an -s; "a" and "i" among them), fewest pieces
    ("usesahashmap"): two words of 2 letters or more at least, covering ``JOINED_COVER`` of it, one not a common
    word ("banana" is no "banan a"). English compounds of common words ("cannot", "within", "another",
    "everyone") and of a word and a syllable ("person", "restart": "re" is no word of its own) stay whole."""
    n = len(w)
    inf = 3 * n + 1
    cost = [0] + [inf] * n
    back = [0] * (n + 1)
    for start in range(n):  # forward, from the ends reached only: most words reach none past their start
        c = cost[start]
        if c >= inf:
            continue
        if w[start] in lex.vocab and c + 3 < cost[start + 1]:  # "a", "i": a letter that is a word
            cost[start + 1], back[start + 1] = c + 3, start
        for end in range(start + 2, min(n, start + lex.longest) + 1):
            if c + 1 < cost[end]:
                piece = w[start:end]
                if piece in lex.parts or (end == n and len(piece) > 3 and piece in lex.known):
                    cost[end], back[end] = c + 1, start
    if cost[n] >= inf:
        return None
    pieces: list[str] = []
    end = n
    while end > 0:
        pieces.append(w[back[end] : end])
        end = back[end]
    pieces.reverse()
    words_ = [p for p in pieces if len(p) > 1]
    if (
        len(words_) < 2
        or sum(map(len, words_)) < JOINED_COVER * n
        or all(p in STOPWORDS or stem(p) in STOPWORDS for p in words_)
    ):
        return None
    return tuple(pieces)


def _reversed(w: str, lex: _Lexicon) -> str | None:
    back = w[::-1]
    return back if len(w) >= 2 and w.isalpha() and back in lex.known else None


def _reads_reversed(said: str) -> bool:
    """Whether a word that is a note's word backwards, said alone, is read as that word: when it is long
    (``REVERSED_ALONE``), or cannot be English as said, since it starts with consonants no English word starts with
    ("hsah", "tsoc"; "keep", "pool", "pam" can be, and stay as said). A word of three letters or fewer, or without a
    vowel, may be an acronym or a code name ("lru", "dfs", "ptr") and stays."""
    if len(said) >= REVERSED_ALONE:
        return True
    if len(said) < 4:  # "lru", "dfs": acronyms
        return False
    onset = len(said) - len(said.lstrip("bcdfghjklmnpqrstvwxz"))
    return 2 <= onset < len(said) and said[:onset] not in _ONSETS


_HEX_DIGITS = frozenset("0123456789abcdefABCDEF")


@functools.lru_cache(maxsize=4096)
def encoded_text(raw: str) -> str | None:
    """``raw`` (a word as written, case kept) as the text it encodes in hexadecimal or base64, when it is
    ``ENCODED_MIN`` characters or more and decodes to printable text, mostly letters and spaces; else None. Base64
    broken into several words by its "+" and "/" is decoded a piece at a time, each at the alignment that reads
    (a word at a piece's edge may be lost: the rules allow for a word missing)."""
    raw = raw.rstrip("=")
    if len(raw) < ENCODED_MIN or not raw.isascii() or (raw.isalpha() and raw.islower()):
        return None
    if not raw.replace("+", "").replace("/", "").isalnum():
        return None
    tries: list[bytes] = []
    if len(raw) % 2 == 0 and _HEX_DIGITS.issuperset(raw):
        tries.append(bytes.fromhex(raw))
    for skip in range(4):
        piece = raw[skip:]
        piece = piece[:-1] if len(piece) % 4 == 1 else piece + "=" * (-len(piece) % 4)
        if len(piece) >= ENCODED_MIN:
            tries.append(base64.b64decode(piece))
    for data in tries:
        text = data.decode("latin-1")
        if text.isprintable() and sum(c.isalpha() or c == " " for c in text) >= 0.7 * len(text):
            return text
    return None


def _plain(w: str) -> list[str]:
    """A word that decodes to nothing, as compared: stemmed; "a@b" as its pieces."""
    return [stem(w)] if w.isalnum() else [stem(p) for p in _PLAIN.findall(w)]


@functools.lru_cache(maxsize=16384)
def _alone(raw: str, lex: _Lexicon) -> tuple[str, ...] | None:
    """A word as compared when it neither starts nor goes on a run (spelled letters, reversed words), as it does not
    for nearly every word: the words it decodes to (stemmed). None when it may start or go on a run."""
    if not raw.isascii() or len(raw) < 2 or raw in SPELLING_ALPHABET:
        return None
    w = raw.lower()
    if not lex.vocab or w in lex.known or w.isdigit() or stem(w) in lex.known:
        return tuple(_plain(w))
    if _reversed(w, lex) is not None:
        return None
    decoded = _decoded(w, lex)
    if decoded is not None:
        return tuple(p if len(p) == 1 else stem(p) for p in decoded)
    return tuple(_plain(w))


def normalise(ws: list[str], vocab: frozenset[str] = frozenset()) -> list[str]:
    """Lower-case words as compared: decoded (into ``vocab``'s words), stemmed."""
    out: list[str] = []
    norm = Normaliser(vocab)
    for w in ws:
        out.extend(norm.push(w))
    out.extend(norm.end())
    return out


class Normaliser:
    """Words in, words as compared out; a run of spelled letters, or a reversed word alone so far, is held until it
    ends."""

    def __init__(self, vocab: frozenset[str]) -> None:
        self._lex = _lexicon(vocab)
        # (the letter, the words said for it: itself or a spelling-alphabet word, then "as in Harry" / "for Sam")
        self._letters: list[tuple[str, tuple[str, ...]]] = []
        self._reversed: list[tuple[str, str]] = []  # (the word said, decoded) of a run of reversed words
        self._backwards = 0  # the words of that run that are a note's word backwards
        self._as: list[str] = []  # "as", "in", "for" after a spelled letter: "h as in hotel" may be under way

    def push(self, raw: str) -> list[str]:
        """``raw``: a word as written (its case read for base64, then dropped)."""
        if len(raw) >= ENCODED_MIN and (text := encoded_text(raw)) is not None:
            decoded = normalise(words(text), self._lex.vocab)
            if len({w for w in decoded if len(w) > 2 and w in self._lex.known and w not in STOPWORDS}) >= 2:
                return [*self.end(), *decoded]  # only into the notes' words, as every decoding here
        if _PIECED_WORD.fullmatch(raw):  # "Wa-lk": the pieces joined when that is the notes' words
            joined = _PIECE_CUT.sub("", raw).lower()
            if (read := self._joined_pieces(joined)) is not None:
                return [*self.end(), *read]
            return [w for piece in _PIECES.findall(raw) for w in self._push(piece.lower())]
        if _ESCAPED_WORD.fullmatch(raw):  # escapes: the text they write, as a reader decodes it
            text = unescaped(raw.replace("+", " ") if "%" in raw else raw)[0]
            return [*self.end(), *normalise(words(text), self._lex.vocab)]
        if len(raw) >= ENCODED_SPAN and _ENCODED_WORD.fullmatch(
            raw
        ):  # base64-like, no text: its words as written
            return [w for piece in _PIECES.findall(raw) for w in self._push(piece.lower())]
        return self._push(raw.lower())

    def _joined_pieces(self, joined: str) -> list[str] | None:
        """A word cut into pieces, joined (``joined``), as the notes' words it is or decodes to; None otherwise."""
        lex = self._lex
        w = fold(joined)
        if len(w) != 1:
            return None
        if w[0] in lex.known or stem(w[0]) in lex.known:
            return [stem(w[0])]
        decoded = _decoded(w[0], lex) if w[0].isalpha() else None
        return None if decoded is None else [p if len(p) == 1 else stem(p) for p in decoded]

    def _push(self, raw: str) -> list[str]:
        if (
            not (self._letters or self._reversed or self._as)
            and (alone := _alone(raw, self._lex)) is not None
        ):
            return list(
                alone
            )  # most words: nothing held, and the word is what it is whatever comes around it
        out: list[str] = []
        for w in fold(raw):
            out.extend(self._one(w))
        return out

    def _one(self, w: str) -> list[str]:
        lex = self._lex
        if self._letters and (
            self._as or w in _NAMING_START
        ):  # "h as in hotel", "s for sam": the letter, said once
            said = [*self._as, w]
            if said in _NAMING_PREFIXES:
                self._as = said
                return []
            self._as = []
            letter, before = self._letters[-1]
            if len(w) > 1 and w.isalpha() and w[0] == letter:
                self._letters[-1] = (letter, (*before, *said))  # said as it was if the run is no spelling
                return []
            out = [*self._end_letters(), *said[:-1]]  # not spelling: the words as said
            return [*out, *self._one(w)]
        if self._backwards_run() and (len(w) == 1 or w.isdigit() or (w.isalpha() and w[::-1] in lex.known)):
            # within a phrase said backwards: a letter, a number, "on" for "no" go with it
            same = w[::-1] if w.isalpha() and w[::-1] in lex.known else w
            self._reversed.append((w, same))
            return [same if len(same) == 1 else stem(same)]
        if (len(w) == 1 and w.isalpha()) or w in SPELLING_ALPHABET:
            return [*self._end_reversed(), *self._push_letter(w)]
        out = self._end_letters()
        if not lex.vocab or w in lex.known or w.isdigit() or stem(w) in lex.known:
            return [*out, *self._end_reversed(), *_plain(w)]
        if (word := _reversed(w, lex)) is not None:
            was = self._backwards_run()
            self._reversed.append((w, word))
            self._backwards += len(w) >= 3
            if was:
                return [*out, stem(word)]
            if self._backwards_run():
                return [*out, *(stem(b) for _, b in self._reversed)]
            return out  # not a run yet: held
        out += self._end_reversed()
        decoded = _decoded(w, lex)
        if decoded is not None:
            return [*out, *(p if len(p) == 1 else stem(p) for p in decoded)]
        return [*out, *_plain(w)]

    def _backwards_run(self) -> bool:
        """Two reversed words in a row or more, one of 3 letters or more ("PD ro desiomem")."""
        return len(self._reversed) >= 2 and self._backwards >= 1

    def _push_letter(self, w: str) -> list[str]:
        # One spelling is one way of spelling: letters then spelling-alphabet words are two runs ("s t a t e s" and
        # "oscar mike november" after "hotel ..."), each joined alone.
        out = (
            self._end_letters()
            if self._letters and (len(self._letters[-1][1][0]) == 1) != (len(w) == 1)
            else []
        )
        self._letters.append((SPELLING_ALPHABET.get(w, w), (w,)))
        return out

    def end(self) -> list[str]:
        said, self._as = self._as, []
        return [*self._end_letters(), *said, *self._end_reversed()]

    def held(self) -> int:
        """How many words are held (a spelled run, or a reversed word alone so far)."""
        return len(self._letters) + len(self._reversed) + len(self._as)

    def _end_letters(self) -> list[str]:
        run, self._letters = self._letters, []
        if len(run) >= 3:
            parts = _segment("".join(letter for letter, _ in run), self._lex.vocab)
            if parts is not None:
                return [stem(p) for p in parts]
        return [w if len(w) == 1 else stem(w) for _, said in run for w in said]

    def _end_reversed(self) -> list[str]:
        run, decoded = self._reversed, self._backwards_run()
        self._reversed, self._backwards = [], 0
        if not decoded:  # "keep", "pool": as said, but a long word alone
            return [stem(back) if _reads_reversed(said) else stem(said) for said, back in run]
        return [
            b if len(b) == 1 else stem(b) for _, b in reversed(run)
        ]  # said again backwards: a phrase reversed
