# ruff: noqa: RUF001, RUF002  # dashes drawn as others are what this module reads
"""Morse code in a reply, read as letters: a family of agent.notes_readings.

- **Morse code** (``morse``): three or more codes in a row (".-- .- .-.. -.-", dots and dashes also as "·", "•",
  "−", "–", "—" or "_"), a word ending at "/", "|" or a wider gap; the letters of a run without word gaps are read
  as spelled letters (joined into the notes' words, agent.notes_decode). A run with no letter's end marked (a
  symbol a token, ". - - .", or codes run together, ".--.-") is read as the notes' words whose codes make it
  (agent.notes_morse_codes ``unmarked_morse``). Morse code said as words ("dit dah") or drawn in other symbols is
  rewritten as dots and dashes first (agent.notes_morse_drawn).
"""

from __future__ import annotations

import itertools
import re

from agent.notes_morse_codes import MORSE, unmarked_run
from agent.notes_morse_drawn import morse_forms
from agent.notes_splice import spliced
from agent.notes_tables import MIN_RUN, Tables

_DOTS = str.maketrans("·•∙⋅", "....", "")
_DASHES = str.maketrans("−–—_‒", "-----", "")
MORSE_TOKEN = re.compile(r"[.\-·•∙⋅−–—_‒]{1,7}|[/|]+")
_MORSE_RUN_TOKEN = re.compile(r"[.\-·•∙⋅−–—_‒]{1,4000}|[/|]+")  # also a word's codes run together
_TOKENS = re.compile(r"\S+")


def morse(text: str, tab: Tables) -> list[str]:
    return [r for t in [text, *morse_forms(text)] for r in _morse_one(t, tab)]  # also "dit dah", "*~* ~~~"


def _morse_one(text: str, tab: Tables) -> list[str]:
    if text.count(".") + text.count("-") + sum(c in "·•∙⋅−–—_‒" for c in text) < 4:
        return []
    tokens = list(_TOKENS.finditer(text))
    found: list[tuple[int, int, str]] = []
    i = 0
    while i < len(tokens):
        j = i
        while j < len(tokens) and _MORSE_RUN_TOKEN.fullmatch(tokens[j].group()):
            j += 1
        run = tokens[i:j]
        codes = [_last_code(text, t, t is run[-1]) for t in run if t.group()[0] not in "/|"]
        valid = sum(_code(c) is not None for c in codes)
        unmarked = None
        if all(len(c) == 1 for c in codes) or valid < 0.75 * len(codes):  # no letter's end marked
            unmarked = unmarked_run(text, run, codes, tab.morse, tab.targets & tab.lex.vocab)
        if unmarked is not None:
            found.append((run[0].start(), run[-1].end(), unmarked))
        elif valid >= MIN_RUN and valid >= 0.75 * len(codes):
            found.append((run[0].start(), run[-1].end(), _morse_words(text, run)))
        i = max(j, i + 1)
    return [spliced(text, found)] if found else []


def _last_code(text: str, token: re.Match[str], last: bool) -> str:
    """A code of a run as written (the last without the sentence's full stop: ".-. Anything else?")."""
    code = token.group().translate(_DOTS).translate(_DASHES)
    if last and code.endswith(".") and len(code) > 1 and _SENTENCE_NEXT.match(text, token.end()):
        return code[:-1]
    return code


def _code(token: str) -> str | None:
    return MORSE.get(token.translate(_DOTS).translate(_DASHES))


def _morse_words(text: str, run: list[re.Match[str]]) -> str:
    """A run of Morse codes as words: a word ends at "/" or "|", or at a gap wider than the narrowest in the run."""
    gaps = [text[a.end() : b.start()] for a, b in itertools.pairwise(run)]
    narrow = min((len(g) for g in gaps if "\n" not in g), default=1)
    groups: list[list[str]] = [[]]
    for n, token in enumerate(run):
        if token.group()[0] in "/|":
            groups.append([])
            continue
        if n and (len(gaps[n - 1]) > narrow or "\n" in gaps[n - 1]) and groups[-1]:
            groups.append([])
        code = token.group()
        if (
            n == len(run) - 1
            and code.endswith(".")
            and len(code) > 1
            and _SENTENCE_NEXT.match(text, token.end())
        ):
            code = code[:-1]  # the sentence's full stop: ".-. Anything else?"
        groups[-1].append(_code(code) or "")
    return _joined_groups(groups)


_SENTENCE_NEXT = re.compile(r"\s+[A-Z]|\s*$")


def _joined_groups(groups: list[list[str]]) -> str:
    """Letters in words: each word's joined; one word alone (no word gaps seen) spelled out, to be split into the
    notes' words as spelled letters are."""
    groups = [g for g in groups if g]
    if len(groups) == 1:
        return " " + " ".join(groups[0]) + " "
    return " " + " ".join("".join(g) for g in groups) + " "


def run_together(token: str) -> bool:
    """Whether ``token`` is a word's Morse codes run together: 8 dots and dashes or more, both among them."""
    if len(token) < 8 or token[0] not in ".-·•∙⋅−–—_‒":
        return False
    code = token.translate(_DOTS).translate(_DASHES)
    return len(code) >= 8 and _MORSE_RUN_TOKEN.fullmatch(code) is not None and "." in code and "-" in code


def is_code(token: str) -> bool:
    return token[0] in "/|" or _code(token) is not None
