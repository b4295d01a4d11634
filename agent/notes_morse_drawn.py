# ruff: noqa: RUF001  # dashes drawn as others are what this module reads
"""Morse code said as words or drawn in other symbols, rewritten as dots and dashes for agent.notes_morse.

- **Morse code as words** (``morse_forms``): "dit dah", "di-dah-dit", "dot dash" (also "dih", "dash", any case),
  or two other symbols for dot and dash, any two, a letter or a digit among them ("*~* ~~~", "o=o", "010 0 1010",
  "sls sll"): rewritten as dots and dashes, then read as Morse code is (agent.notes_morse ``morse``). Between
  the syllables or symbols of a reply the narrowest cut ("-", a space) is inside a letter, the next ("," or a
  space) between letters, any wider ("/", "|", "  ", a new line) between words. A run of symbols is read both ways
  round (which is the dot is not said); it is the longest run of tokens two symbols write (``_symbol_runs``).
  Likewise any two words said in turn, six or more ("beep-boop beep", "tick tock", ``_word_pairs``).
- While a reply streams, ``SymbolCue``, ``PairCue`` and ``morse_cue`` tell a token that may be one of such a run.
"""

from __future__ import annotations

import re

from agent.notes_morse_codes import UNMARKED_MIN
from agent.notes_splice import spliced
from agent.notes_tables import MIN_RUN

_SYLLABLE = r"(?:dit|dih|di|dot|dah|dash)"
_SYLLABLES = re.compile(rf"(?<![A-Za-z]){_SYLLABLE}(?:[ \t,;/|\-–]+{_SYLLABLE})*(?![A-Za-z])", re.IGNORECASE)
_SYLLABLE_SPLIT = re.compile(r"([ \t,;/|\-–\n]+)")
_DOT_SYLLABLES = frozenset({"dit", "dih", "di", "dot"})
_SYLLABLE_WORDS = _DOT_SYLLABLES | {"dah", "dash"}
# A code drawn in two symbols, any two (a letter or a digit among them: "o=o"); "/", "|", "," and ";" cut between
# codes. A token of it alone, no letter in it, no digit but 0 and 1, is a cue by itself (``morse_cue``).
_SYMBOL = r"[^\sA-Za-z2-9/|,;]{1,8}"
_ANY_SYMBOL = r"[^\s/|,;]{1,4000}"
_ANY_RUN = re.compile(rf"(?<!\S){_ANY_SYMBOL}(?:(?:[ \t]*[/|,;])*[ \t]+{_ANY_SYMBOL})*")
_ANY_TOKEN = re.compile(_ANY_SYMBOL)
_CODE_SPLIT = re.compile(r"([ \t,;/|]+)")
_STANDARD = frozenset(".-·•∙⋅−–—_‒")


def _rank(sep: str) -> int:
    if "/" in sep or "|" in sep or "\n" in sep or "  " in sep:
        return 3
    if "," in sep or ";" in sep:
        return 2
    return 1 if sep.strip() == "" else 0


def _as_codes(symbols: list[str], seps: list[str], inside_cut: bool) -> str:
    """Dots and dashes (``symbols``) with the cuts between them (``seps``) as standard Morse. ``inside_cut``: the
    narrowest cut is inside a letter (syllables; symbols of a letter are written together), the next between
    letters, any wider between words ("/")."""
    ranks = [_rank(s) for s in seps]
    kinds = sorted(set(ranks))
    if inside_cut and len(kinds) >= 2:
        inside, between = kinds[0], kinds[1]
    else:
        inside, between = -1, kinds[0] if kinds else 0
    out = symbols[:1]
    for sym, r in zip(symbols[1:], ranks, strict=True):
        out.append(sym if r == inside else (" " if r == between else " / ") + sym)
    return "".join(out)


def _syllable_run(run: str) -> str:
    parts = _SYLLABLE_SPLIT.split(run)
    symbols = ["." if p.lower() in _DOT_SYLLABLES else "-" for p in parts[::2]]
    return _as_codes(symbols, parts[1::2], True)


def morse_forms(text: str) -> list[str]:
    """``text`` with Morse code said as words or drawn in two other symbols rewritten as dots and dashes (a run of
    symbols both ways round); [] when it has none."""
    out: list[str] = []
    if any(len(_SYLLABLE_SPLIT.split(m.group())) >= 2 * MIN_RUN - 1 for m in _SYLLABLES.finditer(text)):
        out.append(_SYLLABLES.sub(lambda m: f" {_syllable_run(m.group())} ", text))
    pairs = _word_pairs(text)
    for way in (0, 1) if pairs else ():  # any two words in turn, "beep boop", read both ways round
        found = []
        for start, end, said in pairs:
            parts = _SYLLABLE_SPLIT.split(text[start:end])
            symbols = ["." if p.lower() == said[way] else "-" for p in parts[::2]]
            found.append((start, end, f" {_as_codes(symbols, parts[1::2], True)} "))
        out.append(spliced(text, found))
    runs = [(start, end, text[start:end], pair) for start, end, pair in _symbol_runs(text)]
    for way in (0, 1) if runs else ():
        found = []
        for start, end, run, pair in runs:
            table = str.maketrans(pair[way] + pair[1 - way], ".-")
            toks = _CODE_SPLIT.split(run.strip())
            found.append(
                (start, end, f" {_as_codes([t.translate(table) for t in toks[::2]], toks[1::2], False)} ")
            )
        out.append(spliced(text, found))
    return out


_SAID = re.compile(r"[A-Za-z]+")


def _word_pairs(text: str) -> list[tuple[int, int, tuple[str, str]]]:
    """(start, end, the two words) of each run of ``2 * MIN_RUN`` words or more that are two words in turn, any two
    but the syllables above ("beep boop boop", "short-long long"), cut only as syllables are."""
    out: list[tuple[int, int, tuple[str, str]]] = []
    group: list[re.Match[str]] = []

    def close() -> None:
        kinds = {m.group().lower() for m in group}
        if len(group) >= 2 * MIN_RUN and len(kinds) == 2 and not kinds <= _SYLLABLE_WORDS:
            out.append((group[0].start(), group[-1].end(), (min(kinds), max(kinds))))

    for m in _SAID.finditer(text):
        w = m.group().lower()
        if group and _SYLLABLE_SPLIT.fullmatch(text, group[-1].end(), m.start()):
            if len({g.group().lower() for g in group} | {w}) <= 2:
                group.append(m)
                continue
            close()
            group = [*_last_same(group), m]
            continue
        close()
        group = [m]
    close()
    return out


def _last_same(group: list[re.Match[str]]) -> list[re.Match[str]]:
    """The words at the end of ``group`` that are its last word ("beep beep" of "say beep beep")."""
    last = group[-1].group().lower()
    k = len(group)
    while k and group[k - 1].group().lower() == last:
        k -= 1
    return group[k:]


class PairCue:
    """Whether a run of tokens (pushed one at a time) is ``2 * MIN_RUN`` words or more, two words in turn."""

    def __init__(self) -> None:
        self._count = 0  # words in the run
        self._kinds: set[str] = set()
        self._last = ("", 0)  # the last word, and how many times in a row

    def push(self, token: str) -> bool:
        bare = token.strip(",;:.!?/|")
        parts = [bare] if bare.isalpha() else re.split(r"[\-–]", bare)
        if not bare.isascii() or not all(p.isalpha() for p in parts):
            self._count, self._kinds, self._last = 0, set(), ("", 0)
            return False
        for p in (p.lower() for p in parts):
            if (
                p not in self._kinds and len(self._kinds) == 2
            ):  # the last word, as often as it came, starts a run
                self._count, self._kinds = self._last[1], {self._last[0]}
            self._kinds.add(p)
            self._count += 1
            self._last = (p, self._last[1] + 1 if p == self._last[0] else 1)
        return self._count >= 2 * MIN_RUN and len(self._kinds) == 2


def _symbol_runs(text: str) -> list[tuple[int, int, str]]:
    """(start, end, the two symbols) of each run of ``MIN_RUN`` codes or more (or of ``UNMARKED_MIN`` symbols or
    more, run together) drawn in two symbols, any two but
    dots and dashes (agent.notes_morse reads them): the longest runs of tokens that two symbols write, a
    sentence's full stop after the last left out ("~*~. Anything else?")."""
    out: list[tuple[int, int, str]] = []

    def close(group: list[tuple[int, int]], chars: set[str]) -> None:
        many = len(group) >= _run_min(chars) or (group and group[-1][1] - group[0][0] >= UNMARKED_MIN)
        if many and len(chars) == 2 and not chars <= _STANDARD:
            out.append((group[0][0], group[-1][1], "".join(sorted(chars))))

    for m in _ANY_RUN.finditer(text):
        group: list[tuple[int, int]] = []
        chars: set[str] = set()
        for t in _ANY_TOKEN.finditer(text, m.start(), m.end()):
            token = t.group()
            if len(chars | set(token)) <= 2:
                group.append(t.span())
                chars |= set(token)
                continue
            bare = token.rstrip(".!?")
            if bare and len(chars | set(bare)) <= 2:
                group.append((t.start(), t.start() + len(bare)))
                chars |= set(bare)
                token = ""
            close(group, chars)
            group, chars = ([t.span()], set(token)) if 0 < len(set(token)) <= 2 else ([], set())
        close(group, chars)
    return out


class SymbolCue:
    """Whether a run of tokens (pushed one at a time) is ``MIN_RUN`` codes or more drawn in two symbols, any two
    ("o=o o== ===", "x-x"; words of talk seldom use two letters between them: "no no no" does, and is read)."""

    def __init__(self) -> None:
        self._chars: set[str] = set()
        self._count = 0

    def push(self, token: str) -> bool:
        """Whether ``token`` ends such a run (or is one: syllables in a row, "di-dah-dit-dah", or a code of
        ``UNMARKED_MIN`` symbols or more run together, "o=oo==o=o=o=")."""
        bare = token.rstrip(".!?").strip("/|,;")
        if ("-" in bare or "–" in bare) and len(re.split(r"[\-–]", bare)) >= MIN_RUN and morse_cue(bare):
            return True
        if not bare:
            return self._count >= MIN_RUN and token.strip() in ("/", "|")
        if len(set(bare)) > 2 or _ANY_TOKEN.fullmatch(bare) is None:
            self._chars, self._count = set(), 0
            return False
        if len(self._chars | set(bare)) <= 2:
            self._chars |= set(bare)
            self._count += 1
        else:
            self._chars, self._count = set(bare), 1
        many = self._count >= _run_min(self._chars) or len(bare) >= UNMARKED_MIN
        return many and len(self._chars) == 2 and not self._chars <= _STANDARD


def _run_min(chars: set[str]) -> int:
    """Codes in a run drawn in ``chars``: twice as many with a letter or a digit but 0 and 1 among them (letters of
    talk or of word pieces make short runs of two letters: "a n a", "e e le")."""
    return 2 * MIN_RUN if any(c.isalpha() or c in "23456789" for c in chars) else MIN_RUN


def morse_cue(token: str) -> bool:
    """Whether ``token`` may be one of a run of Morse codes said as words or drawn in other symbols."""
    bare = token.strip(",;.!?")
    if not bare:
        return False
    if all(p.lower() in _DOT_SYLLABLES | {"dah", "dash"} for p in re.split(r"[\-–]", bare)):
        return True
    return re.fullmatch(_SYMBOL, bare) is not None and len(set(bare)) <= 2
