"""A reply's words as compared with the private notes: what a listener decodes at once, decoded (agent.notes_match).

The candidate hears the interviewer (TTS) and reads its transcript, so an encoding the model performs on request and
a listener undoes at a glance is undone here, before any rule of agent.notes_match sees the words: the windows, the
runs, the pairs and single words counted across replies, and agent.notes_sequence's chain all see decoded words.
The same decoding reads the notes, the public texts, the prompts and the candidate's texts (agent.notes_build).
Words are found, folded and stemmed by agent.notes_words; one word is read as the notes' words it encodes by
agent.notes_lexicon; this module holds the runs (spelled letters, words reversed) and applies both. Of the names
below, ``read_letters``, ``_CONFUSABLES``, ``_ESCAPED`` and ``_PIECED`` are agent.notes_words'; ``_joined``,
``JOINED_MIN``, ``REVERSED_ALONE`` and ``ONSETS`` (``_ONSETS``) agent.notes_lexicon's.

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
  4 or 5 letters when, as said, it starts with consonants no English word starts with (``ONSETS``: "hsah",
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

import functools

from agent.fence_decode import decoded as unescaped
from agent.notes_lexicon import (
    ENCODED_MIN,
    Lexicon,
    decoded_word,
    encoded_text,
    lexicon,
    reads_reversed,
    reversed_word,
)
from agent.notes_words import (
    ENCODED_SPAN,
    ENCODED_WORD,
    ESCAPED_WORD,
    PIECE_CUT,
    PIECED_WORD,
    PIECES,
    PLAIN,
    STOPWORDS,
    fold,
    stem,
    words,
)

SPELLED_COVER = 0.7

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


def _plain(w: str) -> list[str]:
    """A word that decodes to nothing, as compared: stemmed; "a@b" as its pieces."""
    return [stem(w)] if w.isalnum() else [stem(p) for p in PLAIN.findall(w)]


@functools.lru_cache(maxsize=16384)
def _alone(raw: str, lex: Lexicon) -> tuple[str, ...] | None:
    """A word as compared when it neither starts nor goes on a run (spelled letters, reversed words), as it does not
    for nearly every word: the words it decodes to (stemmed). None when it may start or go on a run."""
    if not raw.isascii() or len(raw) < 2 or raw in SPELLING_ALPHABET:
        return None
    w = raw.lower()
    if not lex.vocab or w in lex.known or w.isdigit() or stem(w) in lex.known:
        return tuple(_plain(w))
    if reversed_word(w, lex) is not None:
        return None
    decoded = decoded_word(w, lex)
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
        self._lex = lexicon(vocab)
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
        if PIECED_WORD.fullmatch(raw):  # "Wa-lk": the pieces joined when that is the notes' words
            joined = PIECE_CUT.sub("", raw).lower()
            if (read := self._joined_pieces(joined)) is not None:
                return [*self.end(), *read]
            return [w for piece in PIECES.findall(raw) for w in self._push(piece.lower())]
        if ESCAPED_WORD.fullmatch(raw):  # escapes: the text they write, as a reader decodes it
            text = unescaped(raw.replace("+", " ") if "%" in raw else raw)[0]
            return [*self.end(), *normalise(words(text), self._lex.vocab)]
        if len(raw) >= ENCODED_SPAN and ENCODED_WORD.fullmatch(
            raw
        ):  # base64-like, no text: its words as written
            return [w for piece in PIECES.findall(raw) for w in self._push(piece.lower())]
        return self._push(raw.lower())

    def _joined_pieces(self, joined: str) -> list[str] | None:
        """A word cut into pieces, joined (``joined``), as the notes' words it is or decodes to; None otherwise."""
        lex = self._lex
        w = fold(joined)
        if len(w) != 1:
            return None
        if w[0] in lex.known or stem(w[0]) in lex.known:
            return [stem(w[0])]
        decoded = decoded_word(w[0], lex) if w[0].isalpha() else None
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
        if (word := reversed_word(w, lex)) is not None:
            was = self._backwards_run()
            self._reversed.append((w, word))
            self._backwards += len(w) >= 3
            if was:
                return [*out, stem(word)]
            if self._backwards_run():
                return [*out, *(stem(b) for _, b in self._reversed)]
            return out  # not a run yet: held
        out += self._end_reversed()
        decoded = decoded_word(w, lex)
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
            return [stem(back) if reads_reversed(said) else stem(said) for said, back in run]
        return [
            b if len(b) == 1 else stem(b) for _, b in reversed(run)
        ]  # said again backwards: a phrase reversed
