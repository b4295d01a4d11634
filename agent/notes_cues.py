# ruff: noqa: RUF001  # dashes and quotation marks drawn as others are what this module reads
"""Which other readings a streaming reply may need (``Cues``, for agent.notes_reader).

Each token is scanned once for a family's cues (agent.notes_readings), and the reply is read only in the families
that have one."""

from __future__ import annotations

import re

from agent.notes_ciphers import TURNED_ONLY, vigenere_cue
from agent.notes_lexicon import lexicon
from agent.notes_morse import MORSE_TOKEN, is_code, run_together
from agent.notes_morse_drawn import PairCue, SymbolCue, morse_cue
from agent.notes_numbers import BITS, NUMBER_SEP
from agent.notes_pieces import CONTRACTION, across_cue, article, between_cue
from agent.notes_readings import tables
from agent.notes_shapes import SHAPES
from agent.notes_tables import MIN_RUN
from agent.notes_words import STOPWORDS, stem

_ALNUM = re.compile(r"[A-Za-z0-9]+")
_NUMBERS_TOKEN = re.compile(
    r"[(\[{]?((?:0[xX])?[0-9A-Fa-f]{1,8}(?:[,;/|.\-–](?:0[xX])?[0-9A-Fa-f]{1,8})*)[,;:.)\]}]?"
)
_CONTRACTED = re.compile(rf"{CONTRACTION}\W*", re.IGNORECASE)
_SEPARATOR_TOKEN = re.compile(r"[/|\-–·]")
# Pieces, a number among them ("sta-1mi-nov": the number ends a run of pieces, as in the reading).
_PIECES_TOKEN = re.compile(
    r"[0-9]*[A-Za-z]{1,4}(?:(?:[.'’_\-·|/][0-9]*|[0-9]+)[A-Za-z]{1,4})*[0-9]*[,;:.!?]?"
)
_PIECE_OR_NUMBER = re.compile(r"[A-Za-z]+|[0-9]+")


class Cues:
    """The families a reply may be written in so far, read a token (a run of non-space characters) at a time as it
    is complete: a word that some family reads as a note's word (3 letters or more, not a common word); three Morse
    codes or numbers in a row; three turned letters; a piece of a word that joined to the pieces before it is a
    note's word. A reply without any is read no other way (most replies: its cost is this scan, once per token)."""

    def __init__(self, vocab: frozenset[str]) -> None:
        self._tab = tables(lexicon(vocab)) if vocab else None
        self._morse = 0  # Morse codes in a row
        self._symbols = SymbolCue()  # Morse codes drawn in two symbols (any two), in a row
        self._pairs = PairCue()  # Morse code said as two words (any two), in turn
        self._numbers = 0  # numbers in a row
        self._turned = 0  # turned letters so far
        self._pieces: list[str] = []  # the last short pieces in a row
        # Whether the last token goes on a run of a family's cues (Morse codes, numbers, pieces, turned letters).
        self.open = False

    def push(self, token: str) -> set[str]:
        """The families ``token`` is a cue of."""
        tab = self._tab
        if tab is None:
            return set()
        out: set[str] = set()
        if _SEPARATOR_TOKEN.fullmatch(token):  # "ha - sh", ".- / -...": goes on a run, as the run was
            return out
        morse = (MORSE_TOKEN.fullmatch(token) and is_code(token)) or morse_cue(token)
        self._morse = self._morse + 1 if morse else 0
        drawn = self._symbols.push(token) | self._pairs.push(token)
        if self._morse >= MIN_RUN or drawn or run_together(token):
            out.add("morse")
        m = _NUMBERS_TOKEN.fullmatch(token)
        if BITS.fullmatch(token.strip(",;:.!?")):
            self._numbers += len(token) // 8
        elif m is not None and (any(c.isdigit() for c in token) or (self._numbers and len(m.group(1)) == 2)):
            self._numbers += len(NUMBER_SEP.split(m.group(1)))
        else:
            self._numbers = 0
        if self._numbers >= MIN_RUN:
            out.add("numbers")
        if not token.isascii():
            self._turned += sum(c in TURNED_ONLY for c in token)
            if self._turned >= 3 and any(c in TURNED_ONLY for c in token):
                out.add("upside_down")
        self._push_pieces(token, out)
        if between_cue(token):
            out.add("between")
        if vigenere_cue(token, tab.targets, tab.lex.known):
            out.add("vigenere")
        self.open = bool(out & {"morse", "numbers", "pieces", "upside_down"})
        for raw in _ALNUM.findall(token):
            w = raw.lower()
            if len(w) < 3 or w in tab.lex.known or w in STOPWORDS:
                continue
            if w.isalpha() and w in tab.shifted:
                out |= {"shifted", "shifted_words"}
            for family, read, shortest in SHAPES:
                got = read(w, tab) if len(w) >= shortest else None
                if got is not None and got != w and (got in tab.targets or stem(got) in tab.targets):
                    out.add(family)
        return out

    def _push_pieces(self, token: str, out: set[str]) -> None:
        tab = self._tab
        assert tab is not None
        if not _PIECES_TOKEN.fullmatch(token) or _CONTRACTED.fullmatch(token):
            self._pieces = []
            return
        for piece in _PIECE_OR_NUMBER.findall(token):
            if piece.isdigit():
                self._pieces = []
                continue
            self._pieces = [*self._pieces[-5:], piece.lower()]
            for k in range(2, len(self._pieces) + 1):
                joined = "".join(self._pieces[-k:])
                if (
                    not article(self._pieces[-k:])
                    and len(joined) >= 4
                    and (joined in tab.targets or stem(joined) in tab.targets)
                ):
                    out.add("pieces")
            if len(self._pieces) >= 2 and across_cue(self._pieces, tab.targets, tab.lex.known, STOPWORDS):
                out.add("pieces")
        # Not at ".": "Hand. les" is a word in pieces (a sentence's end seldom joins one).
        if token[-1] in ",;:!?":
            self._pieces = []
