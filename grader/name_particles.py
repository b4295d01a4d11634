"""A name of more than two words, or with a particle inside, in the slots that say a name follows (spoken_names.py
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
- a particle alone is never a name's part of its own (grader/self_named.py does not redact "de" everywhere);
- in a name said wholly in lower case, as speech-to-text writes it, those two further words may be in lower case
  too ("my name is maria del carmen lopez", "tên tôi là nguyễn văn an", "my name is kofi annan boateng and i ..."):
  a word that no list holds as a word of speech (`stops`, the lists of grader/intro_words.py, a participle, a
  contraction: "my name is priya raman, nice to meet you", "... raman i work at acme", "... raman let's start"
  stay), and one that is also an everyday word (grader/everyday_words.py: "lee", "long") or an article ("an") only
  where the clause ends after it (an article also before "and": "... văn an and i"). 2026-12-06, graderI6: a third
  word in lower case had been kept ("lopez", "boateng", "an").
"""

from __future__ import annotations

import re

from grader.everyday_words import COMMON_WORDS
from grader.intro_words import listed, participle

PARTICLES = frozenset(
    """
    de del della delle dei degli di da das do dos du des van von der den ter ten la le lo las los bin binti bint ibn
    al el ben bat ap af zu y e st
    """.split()  # noqa: SIM905  # a word list reads better as text
)
# The conjunctions among them ("García y López"): only before a capital, since "y" and "e" join clauses too.
_CONJUNCTIONS = frozenset({"y", "e"})
# A name's letters (grader/spoken_names.py `_NAME_LETTERS`).
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


_CLAUSE_ENDS = re.compile(r"[ \t]*(?:[,.;:!?)\n\"'`]|$)")
_NEXT_CLAUSE = re.compile(r"[ \t]+(?:and|but|so|y|e|pero|i)\b", re.IGNORECASE)
_CONTRACTION = re.compile(r"'(?:s|re|ll|ve|d|m|t)$", re.IGNORECASE)
# A word of speech that never ends a clause (an article) and is a name's word ("tên tôi là nguyễn văn an").
_NEVER_LAST = frozenset({"an"})


def _lower_part(text: str, m: re.Match[str], stops: frozenset[str]) -> bool:
    """The word `m` (group 1) goes on a name said in lower case: lower case itself, no word of speech the lists
    hold, and, if an everyday word, at the end of its clause."""
    word = m.group(1)
    low = word.lower()
    ends = _CLAUSE_ENDS.match(text, m.end()) is not None
    if low in _NEVER_LAST and word.islower():
        return ends or _NEXT_CLAUSE.match(text, m.end()) is not None
    if not word.islower() or len(word) < 2 or low in stops or low in _NOT_AFTER or particle(word):
        return False
    if listed(word) or participle(word) or _CONTRACTION.search(word):
        return False
    return low not in COMMON_WORDS or ends


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
        if more <= 0 or not (as_name(word) or (lower and _lower_part(text, m, stops))):
            return stop
        stop, more = m.end(), more - 1
