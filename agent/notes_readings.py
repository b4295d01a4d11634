"""Other readings of a whole reply, each compared with the private notes as the reply itself is (agent.disclosure).

agent.notes_decode reads a reply word by word, as a listener hears it. Some encodings a model performs on request
cannot be read so: a word of them is nothing alone, or is an English word (a Caesar shift moves every letter of the
reply by one key; a Morse letter, a byte value or a letter number is a symbol or a number; "ha sh" is two words).
Each family is one decoder that reads the whole reply so far into one text (``readings``); a reading counts only
when it holds ``NEW_WORDS`` of the notes' words (3 letters or more, not common words) that the reply as written does
not, and it is then matched as a reply of its own (agent.notes_match, with what was said before it). The
interviewer's earlier replies are counted as read so too (``read_as``, agent.notes_build). The families, each
module's docstring saying what it reads:

- letters written as other letters (agent.notes_ciphers): a Caesar shift or Atbash (``shifted_letters``), upside-down
  text (``upside_down``), a key per word (``shifted_words``), a repeated key (``vigenere``);
- Morse code (agent.notes_morse, ``morse``), also said as words or drawn in other symbols
  (agent.notes_morse_drawn) or with no letter's end marked (agent.notes_morse_codes);
- numbers as letters or bytes (agent.notes_numbers, ``numbers``);
- words written apart (agent.notes_pieces): cut into pieces (``word_pieces``), letters with one symbol between them
  (``between``);
- words in other shapes (agent.notes_shapes): doubled, interleaved, without vowels.

Cost is bounded by the reply: every decoder is one pass over its text, lookups in tables built once per question
(``tables``). While it streams, agent.notes_cues scans each token once for a family's cues, and agent.notes_reader
reads the reply only in the families that have one.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Collection

from agent.notes_ciphers import shift, shifted_letters, shifted_table, shifted_words, upside_down, vigenere
from agent.notes_decode import normalise
from agent.notes_lexicon import Lexicon, lexicon
from agent.notes_morse import morse
from agent.notes_morse_codes import morse_words
from agent.notes_numbers import numbers
from agent.notes_pieces import between, word_pieces
from agent.notes_shapes import SHAPES, shapes, skeletons
from agent.notes_tables import Tables
from agent.notes_words import STOPWORDS, stem, words

NEW_WORDS = 1  # notes' words a reading must hold that the reply as said does not
_WORD = re.compile(r"[A-Za-z]+")


@functools.lru_cache(maxsize=64)
def tables(lex: Lexicon) -> Tables:
    """The tables the families read for the notes ``lex`` holds, built once per question."""
    targets = frozenset(w for w in lex.known if len(w) >= 3 and w.isalpha() and w not in STOPWORDS)
    morse_codes = morse_words(lex.vocab, lex.known, STOPWORDS)
    return Tables(lex, targets, shifted_table(targets), skeletons(targets), morse_codes)


def note_words(text: str, lex: Lexicon) -> frozenset[str]:
    """The notes' words ``text`` says as compared (3 letters or more, not common words)."""
    return (
        frozenset(w for w in normalise(words(text), lex.vocab) if len(w) >= 3 and w in lex.known) - STOPWORDS
    )


def _plain_words(text: str, lex: Lexicon) -> frozenset[str]:
    """The notes' words ``text`` says as written (3 letters or more), stemmed: what a reading must add to (what
    agent.notes_decode decodes of the reply as written, the guard reads already)."""
    return frozenset(stem(w) for w in {w.lower() for w in _WORD.findall(text)} if len(w) >= 3) & lex.known


_FAMILIES: tuple[tuple[str, Callable[[str, Tables], list[str]]], ...] = (
    ("shifted", shifted_letters),
    ("upside_down", upside_down),
    ("morse", morse),
    ("numbers", numbers),
    ("pieces", word_pieces),
    ("between", between),
    ("shifted_words", lambda text, tab: shifted_words(text, tab.shifted, tab.lex.known, shift)),
    ("vigenere", lambda text, tab: vigenere(text, tab.targets, tab.lex.known)),
    *((name, shapes(read, shortest)) for name, read, shortest in SHAPES),
)


FAMILIES = tuple(name for name, _ in _FAMILIES)


def readings(text: str, vocab: frozenset[str], families: Collection[str] = FAMILIES) -> list[tuple[str, str]]:
    """(family, reading) of ``text`` that hold ``NEW_WORDS`` of the notes' words (``vocab``) it does not say as
    written; of ``families`` only."""
    if not vocab or not text:
        return []
    tab = tables(lexicon(vocab))
    said: frozenset[str] | None = None
    out = []
    for family, decode in _FAMILIES:
        if family not in families:
            continue
        for reading in decode(text, tab):
            if said is None:
                said = _plain_words(text, tab.lex)
            if len(note_words(reading, tab.lex) - said) >= NEW_WORDS:
                out.append((family, reading))
    return out


def read_as(text: str, vocab: frozenset[str]) -> str:
    """An earlier reply as its notes' words are counted across replies (agent.notes_build): its reading that holds
    most of the notes' words it does not say as written, or itself when it has none (a note coaxed a few words per
    reply, each reply in Morse code or ROT13, is counted as if said plain)."""
    found = readings(text, vocab)
    if not found:
        return text
    lex = lexicon(vocab)
    return max((reading for _, reading in found), key=lambda r: len(note_words(r, lex)))
