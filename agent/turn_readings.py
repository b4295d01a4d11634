"""How the rules read a candidate's turn (agent.addressing, agent.refusals): as transcribed and as its spoken words.

How a transcript of the same words differs with the speech-to-text model and the speaker, none of it a difference in
what was asked: sounds of hesitation ("um", "uh", "erm", "hmm"; Spanish "eh", "em"), the commas and stops an STT puts
at a pause ("I need to, uh, stop."), a word said twice ("I I need to stop") and contractions written out or without
their apostrophe ("I am giving up", "im done"). Each rule reads the transcript as written and as these spoken words
(``readings_of``), so a request one candidate's transcript states is one in another's.
"""

from __future__ import annotations

import functools
import re

from agent.transcript_forms import HESITATION, colloquial, normalize, spelled

__all__ = ["PAUSE", "RULE_WORDS", "readings_of", "said_once", "unpaused"]

# Spaces open a pause only at the start of their run (the look-behinds): a pattern that opens on spaces, tried at each
# of a run's spaces, reads the run again each time, and "um um um ..." with its hesitations out is one long run.
PAUSE = re.compile(r"[,.;:!…]+\s*|(?<!\s)\s+[,.;:!…]+\s*|(?<!\s)\s+-+\s+")
_SPACES = re.compile(r"\s+")  # a run of spaces as one: the hesitations out of "um um um" leave one long run
_REPEATED = re.compile(r"\b(\w+(?:'\w+)?)(?: \1\b)+")
_CONTRACTIONS = (
    (re.compile(r"\bi am\b|\bim\b"), "i'm"),
    (re.compile(r"\bwe are\b"), "we're"),
    (re.compile(r"\blet us\b"), "let's"),
    (re.compile(r"\bi would\b"), "i'd"),
    (re.compile(r"\b(i|we) will\b"), r"\1'll"),
    (re.compile(r"\bive\b"), "i've"),
    (re.compile(r"\bcan ?not\b"), "can't"),
    (re.compile(r"\bthat is\b"), "that's"),
)
# The words the rules read that a transcript may write letter by letter ("s t o p", "b y e", "h i n t").
RULE_WORDS = frozenset(
    {
        "stop",
        "end",
        "quit",
        "bye",
        "go",
        "leave",
        "hint",
        "help",
        "done",
        "finish",
        "stuck",
        "ok",
        "okay",
        "yes",
    }
)


def _spoken(norm: str) -> str:
    """``norm`` (normalised) as its spoken words: hesitations, pauses' punctuation (not a question mark) and a word
    said twice in a row dropped, contractions in one form, colloquial spellings as their words and words read out
    letter by letter joined (agent.transcript_forms). "I, uh, I gotta... s-t-o-p." reads "i have to stop"."""
    return said_once(colloquial(said_once(unpaused(spelled(norm, RULE_WORDS)))))


def _transcribed(norm: str) -> str:
    """``norm`` with the transcript's spellings of words read as the words (agent.transcript_forms)."""
    return colloquial(spelled(norm, RULE_WORDS))


def unpaused(norm: str) -> str:
    """``norm`` without hesitations and the punctuation of pauses."""
    return " ".join(PAUSE.sub(" ", _SPACES.sub(" ", HESITATION.sub(" ", norm))).split())


def said_once(text: str) -> str:
    """Contractions in one form, a word said twice in a row read once."""
    for pattern, contracted in _CONTRACTIONS:
        text = pattern.sub(contracted, text)
    return _REPEATED.sub(r"\1", text).strip()


# Several rules read the same turn (agent.turns, agent.addressing, agent.end_questions), each through its readings:
# they are worked out once per text. A few hundred recent turns at most; every reading is a pure function of the text.
@functools.lru_cache(maxsize=256)
def readings_of(text: str) -> tuple[str, ...]:
    """The normalised text (its spellings read as words, its punctuation kept) and, when it differs, its spoken
    words (empty ones left out)."""
    norm = normalize(text)
    spoken = _spoken(norm)
    return tuple(t for t in dict.fromkeys((_transcribed(norm), spoken)) if t)
