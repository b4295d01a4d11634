"""The names the candidate introduces themself by in their own words ("I'm Priya", "my name is Priya Raman", "Priya
here, I work at Acme"), found once per interview (grader/bundle.py) and redacted as their name everywhere, as the
name on file is: in what their program prints too, where a record's "Name: Priya" is otherwise read as any
record's field (grader/introductions.py `introduced_in_output`), and in code. A name asked for in lower case
("call me pri") only where it is written as a name (`called_in_lower_case`)."""

from __future__ import annotations

import re
from collections.abc import Iterable

from grader.introductions import INTRODUCTION, introduced_name
from grader.line_pairs import goes_on
from grader.matching_form import normalise
from grader.name_particles import particle
from grader.spoken_names import NAME_CUE, spoken_name

# A candidate who "introduces themself" by many names (a list of them read out) adds no more than this many: each is
# redacted everywhere, and a name is one or two. Past it, the names the interviewer says or that share a word with
# the name on file (`prefer`) are kept first, then the earliest: six decoy names said first had pushed the real one
# out (2026-12-08). Each name costs every redacted text a little (docs/grading.md, `python -m bench
# grader_name_cap`). Of the names found, `MAX_FOUND` are ranked, the rest never read.
MAX_NAMES = 24
MAX_FOUND = 200
# Of a long interview, the first lines only, and of a long line its head: an introduction comes early.
MAX_TEXTS = 400
MAX_CHARS = 2000
# A word longer than this is no name part (the longest family names in use are about 35 letters): "my name is " and
# 4,000 letters made a term whose prefix tree and pinyin readings recursed once a letter and overflowed the stack.
MAX_WORD_CHARS = 40
_WORDS = re.compile(r"[^\W\d_](?:[\w'-]*\w)?")


def terms(name: str) -> list[str]:
    """A name as the redactor's terms: whole, and each of its words of two letters or more; spelled out ("P R I Y A")
    as one word. A name of one letter ("J", "J.") is a term of its own, which the redactor reads only where it
    addresses someone (grader/letter_names.py)."""
    words = name.split()
    if len(words) == 1 and len(letter := words[0].rstrip(".")) == 1 and letter.upper() != letter.lower():
        return [letter]  # a cased letter: a character of Han ("张") alone is no name
    if len(words) > 2 and all(len(w) == 1 for w in words):
        words = ["".join(words)]
    words = [w for w in words if 2 <= len(w) <= MAX_WORD_CHARS]
    whole = " ".join(words)
    # A particle ("de", "van", "bin") is no part of its own (grader/name_particles.py): "de" is not redacted alone.
    return [whole, *(w for w in words if w != whole and not (w.islower() and particle(w)))] if words else []


def _introduced(text: str) -> list[tuple[int, int, int]]:
    """(cue's start, name's start, name's end) of each name `text` introduces its speaker by."""
    spans = [
        (m.start(), *s)
        for m in INTRODUCTION.finditer(text)
        for s in introduced_name(text, m.start(), m.end())
    ]
    # not a name in lower case after "call me" ("call me pri"): `called_in_lower_case`
    spans += [
        (m.start(), *s)
        for m in NAME_CUE.finditer(text)
        for s in spoken_name(text, m.start(), m.end(), lower=False)
    ]
    return spans


def self_introduced(
    texts: Iterable[str], pairs: Iterable[tuple[str, str]] = (), prefer: Iterable[str] = ()
) -> list[str]:
    """The names (as terms for grader/redact.py `Redactor`) that `texts`, the candidate's own lines, introduce them
    by: what an introduction or a name cue there would replace with `[candidate]`. `pairs`: the edges of two of
    their lines read together (grader/line_pairs.py `edges`): "you can call me" / "Priya.", "my name is Priya" /
    "Raman, and ..."; of the second line, only words that are no everyday word (`goes_on`: its first word has a
    capital whatever it is). `prefer`: texts whose words rank a name first when more than `MAX_NAMES` are found
    (the interviewer's lines, the name on file)."""
    found: dict[str, None] = {}

    def add(name: str) -> None:
        if len(found) < MAX_FOUND and (name := " ".join(name.split()).strip(".,")):
            found.setdefault(name, None)

    for i, said in enumerate(texts):
        if i >= MAX_TEXTS or len(found) >= MAX_FOUND:
            break
        text = normalise(said[:MAX_CHARS]).text
        for _, start, end in _introduced(text):
            add(text[start:end])
    for i, (left, right) in enumerate(pairs):
        if i >= MAX_TEXTS or len(found) >= MAX_FOUND:
            break
        head = normalise(left).text
        text = f"{head} {normalise(right).text}"
        gap = len(head) + 1
        for cue, start, end in _introduced(text):
            if cue < gap < end:  # the cue in the first line, the name (or its end) in the second
                add(text[start : max(start, gap) + goes_on(text[max(start, gap) : end])])
    return [term for name in _kept(list(found), prefer) for term in terms(name)]


def _kept(names: list[str], prefer: Iterable[str]) -> list[str]:
    """Of `names` (in the order said), `MAX_NAMES`: first those with a word that `prefer` writes with a capital (the
    interviewer's "Thanks, Amélie", the name on file), then the earliest."""
    if len(names) <= MAX_NAMES:
        return names
    said: set[str] = set()
    for i, text in enumerate(prefer):
        if i >= MAX_TEXTS:
            break
        # Written as a name ("Thanks, Amélie"): the interviewer's everyday words rank no decoy named with them.
        said.update(w.casefold() for w in _WORDS.findall(normalise(text[:MAX_CHARS]).text) if w[0].isupper())
    ranked = sorted(names, key=lambda name: not said.intersection(name.casefold().split()))  # stable
    return ranked[:MAX_NAMES]


def called_in_lower_case(texts: Iterable[str]) -> list[str]:
    """The names `texts`, the candidate's own lines, ask in lower case to be called by ("call me pri", "everyone
    calls me wei chen"; grader/spoken_names.py), as terms the redactor replaces only where written as a name
    (grader/redact.py `Redactor(written_names=...)`): speech-to-text writes a cue's words as said, the interviewer's
    "Great, Priya." and a line's opening "Priya" with a capital, and those had reached the model. Never in lower
    case elsewhere: a word mistaken for a name there would go from every line, and the candidate would choose it."""
    found: dict[str, None] = {}
    for i, said in enumerate(texts):
        if i >= MAX_TEXTS or len(found) >= MAX_NAMES:
            break
        text = normalise(said[:MAX_CHARS]).text
        for m in NAME_CUE.finditer(text):
            if spoken_name(text, m.start(), m.end(), lower=False):
                continue  # written as a name: `self_introduced`
            for start, end in spoken_name(text, m.start(), m.end()):
                if len(found) < MAX_NAMES and (name := " ".join(text[start:end].split())):
                    found.setdefault(name, None)
    return [term for name in found for term in terms(name)]
