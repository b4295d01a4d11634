"""The names the candidate introduces themself by in their own words ("I'm Priya", "my name is Priya Raman", "Priya
here, I work at Acme"), found once per interview (grader/bundle.py) and redacted as their name everywhere, as the
name on file is: in what their program prints too, where a record's "Name: Priya" is otherwise read as any
record's field (grader/introductions.py `introduced_in_output`), and in code."""

from __future__ import annotations

from collections.abc import Iterable

from grader.introductions import INTRODUCTION, introduced_name
from grader.matching_form import normalise
from grader.name_particles import particle
from grader.spoken_names import NAME_CUE, spoken_name

# A candidate who "introduces themself" by many names (a list of them read out) adds no more than this many: each is
# redacted everywhere, and a name is one or two.
MAX_NAMES = 6
# Of a long interview, the first lines only, and of a long line its head: an introduction comes early.
MAX_TEXTS = 400
MAX_CHARS = 2000


def terms(name: str) -> list[str]:
    """A name as the redactor's terms: whole, and each of its words of two letters or more; spelled out ("P R I Y A")
    as one word. A name of one letter ("J", "J.") is a term of its own, which the redactor reads only where it
    addresses someone (grader/letter_names.py)."""
    words = name.split()
    if len(words) == 1 and len(letter := words[0].rstrip(".")) == 1 and letter.upper() != letter.lower():
        return [letter]  # a cased letter: a character of Han ("张") alone is no name
    if len(words) > 2 and all(len(w) == 1 for w in words):
        words = ["".join(words)]
    words = [w for w in words if len(w) >= 2]
    whole = " ".join(words)
    # A particle ("de", "van", "bin") is no part of its own (grader/name_particles.py): "de" is not redacted alone.
    return [whole, *(w for w in words if w != whole and not (w.islower() and particle(w)))] if words else []


def self_introduced(texts: Iterable[str]) -> list[str]:
    """The names (as terms for grader/redact.py `Redactor`) that `texts`, the candidate's own lines, introduce them
    by: what an introduction or a name cue there would replace with `[candidate]`."""
    found: dict[str, None] = {}
    for i, said in enumerate(texts):
        if i >= MAX_TEXTS or len(found) >= MAX_NAMES:
            break
        text = normalise(said[:MAX_CHARS]).text
        spans = [s for m in INTRODUCTION.finditer(text) for s in introduced_name(text, m.start(), m.end())]
        # not a name in lower case after "call me" ("call me pri"): replaced where said, never everywhere
        spans += [
            s for m in NAME_CUE.finditer(text) for s in spoken_name(text, m.start(), m.end(), lower=False)
        ]
        for start, end in spans:
            if len(found) < MAX_NAMES and (name := " ".join(text[start:end].split()).strip(".,")):
                found.setdefault(name, None)
    return [term for name in found for term in terms(name)]
