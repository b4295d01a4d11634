"""What the interviewer must not read out (agent.notes_match.ProtectedNotes), built for every reply, incrementally.

The guard is built for every reply on the agent's event loop, from the notes, the public texts, the interviewer's
prompts, every text of the candidate's and every earlier reply of the interviewer's: the last two grow through an
interview, and read again at each reply they made its cost grow with the interview (at 40 replies, 15 ms per reply
for two-sum's notes, 28 ms for every note of the bank). Nearly all of it is the same from one reply to the next, so
it is done once and kept:

- **Per question** (``_Static``): the notes' words as compared, their own words, pairs and runs, less what the
  public texts and the prompts hold. Kept per exact ``(secret, public, common)``: a hint given changes ``secret``
  and ``public``, so it is another entry.
- **Per text** of the candidate's (``_Candidate``) or the interviewer's (``_Said``): what that text does to the
  notes (which note words it holds, which pairs and runs, whether it reads a note near word for word, which note
  words it uses as a note does). Kept per exact text (under its 128-bit digest), within the question's entry: a
  new turn, or the code changed, is a new text, read once.

Then a reply's guard is these kept pieces put together (set unions and differences over the notes' words), which is
what ``build`` did before for every text at every reply; the decisions are the same. The kept pieces are small (sets
of the notes' words and pairs), never a text's words; each cache is bounded (least recently used out).
"""

from __future__ import annotations

import hashlib
import itertools
import math
from collections import OrderedDict
from collections.abc import Hashable, Iterable
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from agent.notes_match import (
    FORMULA_OWN,
    FORMULA_SYMBOLS,
    FORMULA_WORDS,
    PAIR_GAP,
    RUN_WORDS,
    SINGLE_REPLY_WORDS,
    SPELLED_WORD_MIN,
    STOPWORDS,
    USED_GAP,
    VERBATIM_SHARE,
    WORD_LIST_SHARE,
    ProtectedNotes,
    _Bag,
    _Note,
    formula_shape,
    normalise,
    reply_letter,
    stem,
    words,
)
from agent.notes_readings import read_as

STATIC_KEPT = (
    32  # questions (with a number of hints given) whose notes are kept: a worker's interviews at once
)
TEXTS_KEPT = 512  # texts kept per question, of the candidate's and of the interviewer's each

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class _Lru(Generic[K, V]):
    """A bounded map, least recently used out (one event loop uses it: no locking)."""

    def __init__(self, size: int) -> None:
        self._size = self._base = size
        self._items: OrderedDict[K, V] = OrderedDict()

    def get(self, key: K) -> V | None:
        value = self._items.get(key)
        if value is not None:
            self._items.move_to_end(key)
        return value

    def put(self, key: K, value: V) -> V:
        self._items[key] = value
        if len(self._items) > self._size:
            self._items.popitem(last=False)
        return value

    def reserve(self, n: int) -> None:
        """Keep room for ``n`` more than it was made for: the texts one build reads. Read in the same order every
        reply, more texts than it keeps evict each other before they are read again, and every one was read anew
        each time (2,000 short typed or spoken turns: half a second of the event loop per reply, and growing)."""
        self._size = max(self._size, self._base + n)

    def clear(self) -> None:
        self._items.clear()


def _digest(text: str) -> bytes:
    """What a text is kept under: not the text itself (the code's view is up to 20,000 characters, and hundreds of
    texts are kept per question)."""
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).digest()


def _unrepeated(s: list[str]) -> list[str]:
    return [w for i, w in enumerate(s) if not (len(w) > 1 and w in s[max(0, i - 3) : max(0, i - 1)])]


def _runs_of(s: list[str]) -> Iterable[tuple[str, ...]]:
    return (tuple(s[i : i + RUN_WORDS]) for i in range(len(s) - RUN_WORDS + 1))


def _runs_in(
    runs: frozenset[tuple[str, ...]], starts: frozenset[str], unrepeated: list[str], n: int = RUN_WORDS
) -> set[tuple[str, ...]]:
    """The runs of ``runs`` (``n`` words each, whose first words are ``starts``) that the text holds (looked up
    where a run's first word is: texts are long, runs few)."""
    found: set[tuple[str, ...]] = set()
    for i in range(len(unrepeated) - n + 1):
        if unrepeated[i] in starts and (run := tuple(unrepeated[i : i + n])) in runs:
            found.add(run)
    return found


def _formulas_of(s: list[str], own: frozenset[str]) -> set[tuple[str, ...]]:
    """A note's formulas (agent.notes_match ``FORMULA_WORDS``): stretches of ``s`` (its words, unrepeated) with
    ``FORMULA_SYMBOLS`` single letters or numbers among them, and ``FORMULA_OWN`` words of ``own`` each followed by
    one: a name of the note's indexed ("best[a] = 1 + min(best[a - c]"). Big-O talk ("O(m n) worst case extra",
    "O(n log n) time, dominated by") indexes nothing, and stays talk."""
    found: set[tuple[str, ...]] = set()
    for i in range(len(s) - FORMULA_WORDS + 1):
        run = formula_shape(s[i : i + FORMULA_WORDS])
        symbol = [w == "_" or w.isdigit() for w in run]
        indexed = sum(w in own and symbol[k + 1] for k, w in enumerate(run[:-1]))
        if sum(symbol) >= FORMULA_SYMBOLS and indexed >= FORMULA_OWN:
            found.add(run)
    return found


def _pairs_in(
    pairs: frozenset[tuple[str, str]], firsts: frozenset[str], unrepeated: list[str]
) -> set[tuple[str, str]]:
    """The pairs of ``pairs`` (whose first words are ``firsts``) that the text says (looked up where a pair's first
    word is)."""
    found: set[tuple[str, str]] = set()
    s = unrepeated
    for i, w in enumerate(s):
        if w in firsts:
            found.update(
                p for g in range(1, PAIR_GAP + 1) if i + g < len(s) and (p := (w, s[i + g])) in pairs
            )
    return found


def _order(seq: tuple[str, ...], own: frozenset[str]) -> tuple[dict[str, int], dict[str, int]]:
    """Where each word of ``own`` comes first and last in the note ``seq``."""
    first: dict[str, int] = {}
    last: dict[str, int] = {}
    for i, w in enumerate(seq):
        if w in own:
            first.setdefault(w, i)
            last[w] = i
    return first, last


def _used_as_noted(
    own: frozenset[str], order: tuple[dict[str, int], dict[str, int]], where_in: dict[str, list[int]]
) -> set[str]:
    """The words of ``own`` that a candidate text uses as their note does (``order``: where each comes first and
    last in it): two of them or more in the note's order, each within ``USED_GAP`` words of the one before. A word
    the candidate wrote only elsewhere (a pasted word list, a comment on something else) stays the note's.
    ``where_in``: where each word of any note is in the text."""
    first, last = order
    theirs: set[str] = set()
    s = sorted((at, w) for w in own for at in where_in.get(w, ()))  # this note's own words, in text order
    seen: dict[str, tuple[int, tuple[str, ...]]] = {}  # a note word: where last written, the chain it ends
    for at, w in s:
        before: tuple[str, ...] = ()
        for v, (where, chain) in seen.items():
            if at - where <= USED_GAP and first[v] < last[w] and w not in chain and len(chain) > len(before):
                before = chain
        chain = (*before, w)
        if len(chain) >= 2:
            theirs.update(chain)
        seen[w] = (at, chain[-8:])
    return theirs


def _verbatim_in(note: _Note, types: frozenset[str], ws: list[str], present: frozenset[str]) -> bool:
    """Whether ``ws`` (whose words are ``present``) reads ``note`` (whose words are ``types``) near word for word.
    Most texts hold too few of its words at all to: they are not read through."""
    if len(types & present) < math.ceil(VERBATIM_SHARE * len(types)):
        return False
    bag = _Bag(note)
    return any(bag.push(w, at) for at, w in enumerate(ws))


@dataclass(frozen=True)
class _Candidate:
    """What one text of the candidate's does to the notes."""

    present: frozenset[str]  # the notes' words it holds
    claims: bool  # not a word list: its words used as a note does are theirs
    pairs: frozenset[tuple[str, str]]  # the notes' pairs it says
    runs: frozenset[tuple[str, ...]]  # the notes' runs it holds
    formulas: frozenset[tuple[str, ...]]  # the notes' formulas it holds
    verbatim: frozenset[int]  # the notes it reads near word for word
    used: tuple[
        frozenset[str], ...
    ]  # per note, its words the text uses as the note does (none unless ``claims``)


@dataclass(frozen=True)
class _Said:
    """What one earlier reply of the interviewer's said of the notes."""

    pairs: frozenset[tuple[str, str]]  # the notes' pairs it said
    short_words: frozenset[str]  # its words, when it is short enough to count a word said alone
    in_order: tuple[str, ...]  # the notes' words it said, in order, a word repeated close by once
    letter: str = (
        ""  # the letters it said, when it is short and says a few (agent.notes_match ``reply_letter``)
    )


@dataclass
class _Static:
    """A question's notes less what is public; the texts read against them, each once."""

    vocab: frozenset[str]
    seqs: list[tuple[str, ...]]
    owns: list[frozenset[str]]
    note_pairs: list[frozenset[tuple[str, str]]]
    noted_words: frozenset[str]
    all_own: frozenset[str]
    all_pairs: frozenset[tuple[str, str]]
    public_pairs: frozenset[tuple[str, str]]  # the notes' pairs a public text or a prompt holds
    runs: frozenset[tuple[str, ...]]  # the notes' runs, less those a public text holds
    formulas: list[frozenset[tuple[str, ...]]]  # per note, its formulas, less those a public text holds
    probes: list[
        tuple[_Note, frozenset[str]] | None
    ]  # per note, for the near-word-for-word reading (None: it
    # does not apply), with its words
    orders: list[tuple[dict[str, int], dict[str, int]]] = field(
        init=False
    )  # per note, where its own words are
    pair_firsts: frozenset[str] = field(init=False)
    run_starts: frozenset[str] = field(init=False)
    all_formulas: frozenset[tuple[str, ...]] = field(init=False)
    formula_starts: frozenset[str] = field(init=False)
    candidate: _Lru[bytes, _Candidate] = field(default_factory=lambda: _Lru(TEXTS_KEPT))
    said: _Lru[bytes, _Said] = field(default_factory=lambda: _Lru(TEXTS_KEPT))

    def __post_init__(self) -> None:
        self.orders = [_order(seq, own) for seq, own in zip(self.seqs, self.owns, strict=True)]
        self.pair_firsts = frozenset(p[0] for p in self.all_pairs)
        self.run_starts = frozenset(r[0] for r in self.runs)
        self.all_formulas = frozenset().union(*self.formulas)
        self.formula_starts = frozenset(r[0] for r in self.all_formulas)

    def read_candidate(self, text: str) -> _Candidate:
        key = _digest(text)
        if (kept := self.candidate.get(key)) is not None:
            return kept
        cs = normalise(words(text), self.vocab)
        where: dict[str, list[int]] = {}
        for at, w in enumerate(cs):
            if w in self.noted_words:
                where.setdefault(w, []).append(at)
        present = frozenset(where)
        # A text holding most of every note's own words (`WORD_LIST_SHARE`) is a word list (a dictionary pasted by
        # someone who does not know the notes), not a candidate's own use of one note: two note words near each
        # other in it are chance, so it makes no note word the candidate's. Its words still count as written.
        claims = len(self.all_own & present) <= WORD_LIST_SHARE * len(self.all_own)
        unrepeated = _unrepeated(cs)
        verbatim = frozenset(
            i
            for i, probe in enumerate(self.probes)
            if probe is not None and _verbatim_in(*probe, cs, present)
        )
        used = tuple(
            frozenset(_used_as_noted(own, order, where)) if claims else frozenset()
            for own, order in zip(self.owns, self.orders, strict=True)
        )
        pairs = frozenset(_pairs_in(self.all_pairs, self.pair_firsts, unrepeated))
        runs = frozenset(_runs_in(self.runs, self.run_starts, unrepeated))
        shaped = list(formula_shape(unrepeated))
        formulas = frozenset(_runs_in(self.all_formulas, self.formula_starts, shaped, FORMULA_WORDS))
        return self.candidate.put(key, _Candidate(present, claims, pairs, runs, formulas, verbatim, used))

    def read_said(self, text: str) -> _Said:
        key = _digest(text)
        if (kept := self.said.get(key)) is not None:
            return kept
        s = normalise(words(read_as(text, self.vocab)), self.vocab)
        short = frozenset(s) & self.noted_words if len(s) <= SINGLE_REPLY_WORDS else frozenset()
        unrepeated = _unrepeated(s)
        pairs = frozenset(_pairs_in(self.all_pairs, self.pair_firsts, unrepeated))
        in_order = tuple(w for w in unrepeated if w in self.noted_words)
        return self.said.put(key, _Said(pairs, short, in_order, reply_letter(s)))


def _static(secret_words: list[list[str]], public: tuple[str, ...], common: tuple[str, ...]) -> _Static:
    vocab = frozenset(w for ws in secret_words for w in ws if len(w) > 1 or w in ("a", "i"))
    public_seqs = [normalise(words(t)) for t in public]
    common_seqs = [normalise(words(t)) for t in common]
    public_words = {w for s in [*public_seqs, *common_seqs] for w in s} | {stem(w) for w in STOPWORDS}
    seqs = [tuple(normalise(ws, vocab)) for ws in secret_words]
    owns = [frozenset(w for w in s if w not in public_words and not w.isdigit() and len(w) > 1) for s in seqs]
    note_pairs = [
        frozenset((a, b) for a, b in itertools.pairwise(s) if a in own or b in own)
        for s, own in zip(seqs, owns, strict=True)
    ]
    all_pairs: frozenset[tuple[str, str]] = frozenset().union(*note_pairs)
    firsts = frozenset(p[0] for p in all_pairs)
    public_pairs: set[tuple[str, str]] = set()
    runs = frozenset(run for s in seqs for run in _runs_of(_unrepeated(list(s))))
    starts = frozenset(r[0] for r in runs)
    formulas = [_formulas_of(_unrepeated(list(s)), own) for s, own in zip(seqs, owns, strict=True)]
    all_formulas = frozenset().union(*formulas)
    formula_starts = frozenset(r[0] for r in all_formulas)
    in_public: set[tuple[str, ...]] = set()
    for s in public_seqs:
        unrepeated = _unrepeated(s)
        public_pairs |= _pairs_in(all_pairs, firsts, unrepeated)
        in_public |= _runs_in(runs, starts, unrepeated)
        in_public |= _runs_in(all_formulas, formula_starts, list(formula_shape(unrepeated)), FORMULA_WORDS)
    for s in common_seqs:
        unrepeated = _unrepeated(s)
        public_pairs |= _pairs_in(all_pairs, firsts, unrepeated)
        in_public |= _runs_in(all_formulas, formula_starts, list(formula_shape(unrepeated)), FORMULA_WORDS)
    probes = [
        (_Note(seq, (), own, verbatim=True), frozenset(seq)) if len(seq) >= 6 and len(own) >= 2 else None
        for seq, own in zip(seqs, owns, strict=True)
    ]
    return _Static(vocab, seqs, owns, note_pairs, frozenset(w for s in seqs for w in s), frozenset().union(*owns),
                   all_pairs, frozenset(public_pairs), runs - in_public,
                   [frozenset(f - in_public) for f in formulas], probes)  # fmt: skip


_STATICS: _Lru[tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]], _Static] = _Lru(STATIC_KEPT)


def clear_caches() -> None:
    """Forget every question's notes and the texts read against them (the bench's build from nothing)."""
    _STATICS.clear()


def build(
    secret: Iterable[str],
    public: Iterable[str],
    common: Iterable[str] = (),
    candidate: Iterable[str] = (),
    said: Iterable[str] = (),
) -> ProtectedNotes:
    """The notes in ``secret``, less what is in ``public`` (any words), ``common`` (words the interviewer uses
    anyway) and ``candidate`` (the candidate's own words); ``said``: the interviewer's earlier replies."""
    key = (tuple(t for t in secret if t.strip()), tuple(public), tuple(common))
    if not key[0]:
        return ProtectedNotes()
    static = _STATICS.get(key)
    if static is None:
        static = _STATICS.put(key, _static([words(t) for t in key[0]], key[1], key[2]))
    candidate, said = list(candidate), list(said)
    static.candidate.reserve(len(candidate))  # each text is read once, however many there are
    static.said.reserve(len(said))
    texts = [static.read_candidate(t) for t in candidate]
    shared = static.public_pairs.union(*(c.pairs for c in texts))
    claiming = [c for c in texts if c.claims]
    notes = []
    for i, (seq, own, all_pairs) in enumerate(zip(static.seqs, static.owns, static.note_pairs, strict=True)):
        theirs: frozenset[str] = frozenset().union(*(c.used[i] for c in claiming))
        distinct = tuple(dict.fromkeys(w for w in seq if w in own and w not in theirs))
        pairs = all_pairs - shared
        verbatim = static.probes[i] is not None and not any(i in c.verbatim for c in texts)
        note = _Note(seq, distinct, own, verbatim=verbatim, pairs=pairs)
        if note.distinct or note.verbatim or note.pairs:
            notes.append(note)
    runs = static.runs.difference(*(c.runs for c in texts))
    written_formulas = frozenset().union(*(c.formulas for c in texts))
    formulas: set[tuple[str, ...]] = set()
    for i, found in enumerate(static.formulas):
        theirs_i: frozenset[str] = frozenset().union(*(c.used[i] for c in claiming))
        left = static.owns[i] - theirs_i  # a formula of the candidate's own words is theirs to hear
        formulas.update(f for f in found - written_formulas if len(left.intersection(f)) >= 1)
    protected_pairs: frozenset[tuple[str, str]] = frozenset().union(*(n.pairs for n in notes))
    heard_said = [static.read_said(t) for t in said]
    said_pairs = protected_pairs & frozenset().union(*(s.pairs for s in heard_said))
    written: frozenset[str] = frozenset().union(*(c.present for c in claiming))  # a word list is not theirs
    hearable = frozenset().union(*(n.heard_words for n in notes)) - written
    letters = "".join(s.letter for s in heard_said)
    said_words = frozenset(w for s in heard_said for w in s.short_words if w in hearable)
    said_words |= frozenset(w for w in hearable if len(w) >= SPELLED_WORD_MIN and w in letters)
    in_order = tuple(s.in_order for s in heard_said)
    return ProtectedNotes(
        tuple(notes),
        runs,
        frozenset(formulas),
        static.vocab,
        said_pairs,
        said_words,
        written,
        in_order,
        said_letters=letters,
    )
