"""A name of more than two words, or with a particle inside, in the slots that say a name follows (grader/spoken.py
`spoken_name`, grader/introductions.py `INTRODUCTION`): "my name is Sanne de Vries", "tên tôi là Nguyễn Văn An", "I'm
Maria del Carmen López", "call me Kofi Annan Boateng" (2026-12-05, graderI4: the slots had stopped at the second
word, or at a particle, which is also a word of speech, and "Vries", "An" and "Boateng" reached the model).

What decides:
- a particle (`PARTICLES`: "de", "van der", "bin", "al", "da", ...) is part of the name when a name's word follows
  it: written as a name ("de Vries"), or, in a name said wholly in lower case, a word that is not one of speech
  ("sanne de vries"; "priya y trabajo" is not read: "y" and "e" join a name only before a capital);
- after the two words a strong cue takes in any case, up to two more are the name's when written as a name: a
  capital first ("Nguyen Van An", "Kofi Annan Boateng"), not a word that opens what is said next ("I", "And",
  "Thanks": `_NOT_AFTER`); at most two particles' groups ("de la Cruz", "van der Berg") are read after a name;
- a particle alone is never a name's part of its own (grader/self_named.py does not redact "de" everywhere).
"""

from __future__ import annotations

import re

PARTICLES = frozenset(
    """
    de del della delle dei degli di da das do dos du des van von der den ter ten la le lo las los bin binti bint ibn
    al el ben bat ap af zu y e st
    """.split()  # noqa: SIM905  # a word list reads better as text
)
# The conjunctions among them ("García y López"): only before a capital, since "y" and "e" join clauses too.
_CONJUNCTIONS = frozenset({"y", "e"})
# A name's letters (grader/spoken.py `_NAME_LETTERS`).
_LETTERS = r"(?:[\w\u0900-\u0963\u0966-\u0dff]|['-](?=[^\W\d_]))*"
WORD = re.compile(rf"[ \t]+([^\W\d_]{_LETTERS})")
# Regular-expression text for grader/introductions.py: up to two particles before a name's word.
PARTICLE_RUN = (
    r"(?:" + "|".join(sorted(PARTICLES - _CONJUNCTIONS, key=len, reverse=True)) + r"|[ye](?=[ \t]+[A-Z]))"
)
PARTICLE_RUN = rf"(?:{PARTICLE_RUN}[ \t]+){{0,2}}"
# Words written with a capital after a name that open what is said next ("my name is Priya Raman And I ...").
_NOT_AFTER = frozenset(
    """
    i i'm i've i'd i'll and but so the a or if hi hello hey nice thanks thank please yes no ok okay um uh well
    my me we you it this that what how
    """.split()  # noqa: SIM905  # a word list reads better as text
)


def as_name(word: str) -> bool:
    """`word` is written as a name: a capital first, two letters or more, not a word that opens what is said next."""
    return word[:1].isupper() and word.lower() not in _NOT_AFTER and len(word) > 1


def particle(word: str) -> bool:
    """`word` is a particle of a name (`PARTICLES`), not a part of its own."""
    return word.lower() in PARTICLES


def extend(text: str, stop: int, lower: bool, stops: frozenset[str], more: int = 2) -> int:
    """Where a name that ends at `stop` ends with its particles and up to `more` further words written as a name
    (see the module's rules). `lower`: the name so far is written in lower case, so a word after a particle may be
    too; `stops`: words of speech that end a name."""
    groups = 0
    while True:
        at, run = stop, 0
        m = WORD.match(text, at)
        while m is not None and particle(m.group(1)) and run < 2:
            run += 1
            at = m.end()
            m = WORD.match(text, at)
        if m is None:
            return stop
        word = m.group(1)
        if run:
            joins = (
                not particle(word)
                and (as_name(word) or (lower and word.islower() and word.lower() not in stops))
                and not (text[stop:at].split()[-1].lower() in _CONJUNCTIONS and not as_name(word))
            )
            if not joins or groups >= 2:
                return stop
            stop, groups = m.end(), groups + 1
            continue
        if more <= 0 or not as_name(word):
            return stop
        stop, more = m.end(), more - 1
