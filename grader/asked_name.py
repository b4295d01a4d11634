"""The name the candidate asked to be called in the greeting, as the interviewer kept it (`asked_name_terms`): a term
redacted everywhere in the graded record, as the name on file is.

The interviewer passes it on with ``begin_problem``'s ``call_them`` (agent/phases.py) and the call is recorded in the
session's events (a `tool_call` event: name, arguments, is_error). The grader reads it back with the rule the agent
keeps it by (the agent reads a name's words with this module's ``name_words``, and a test holds the two to the
same answers): one to three words of letters (and their combining marks), at most `MAX_NAME_CHARS`, each a word the
candidate said themself before the call. A name the agent did not keep (a résumé's, an instruction, a word the
candidate never said) or a call that failed adds nothing: the model's own argument is never a term. So "I'd rather be
called Sam", "Sam is fine" or "just Sam" in the greeting, then the interviewer's "Sam, let's look at the code" in a
graded line, reaches the model as "[candidate]", as does "Sam" in the candidate's code or what it prints. A name of
one letter ("just call me J") is read from the call whether or not the agent keeps it (`asked_letter`) and redacted
where it addresses them (grader/letter_names.py).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from grader.schemas import BundleEvent
from grader.self_named import terms

# The agent keeps a name by these and ``name_words`` (agent/candidate_asked.py imports them): one definition.
MAX_NAME_CHARS = 40
MAX_NAME_WORDS = 3
MAX_CALLS = 4  # begin_problem is called once; a resumed job's repeat or a few more add no more than this
_JOINERS = "'\u2019-"  # inside a word: O'Neil, Jean-Luc
# Marks and letters a reader does not see, which can carry text or hide a word: variation selectors, the combining
# grapheme joiner, Mongolian free variation selectors, the Hangul fillers.
_UNSEEN = frozenset(
    ["\u034f", "\u180b", "\u180c", "\u180d", "\u180f", *map(chr, range(0xFE00, 0xFE10)),
     *map(chr, range(0xE0100, 0xE01F0)), "\u115f", "\u1160", "\u3164", "\uffa0"]
)  # fmt: skip


def _letter(c: str) -> bool:
    return unicodedata.category(c)[0] == "L" and c not in _UNSEEN


def name_words(text: str) -> list[str]:
    """The words of `text` as a name's words are read (the agent's too): a letter, then letters and combining marks
    ("प्रिया", an accent typed apart), with an apostrophe or a hyphen between two such runs."""
    words: list[str] = []
    k, n = 0, len(text)
    while k < n:
        if not _letter(text[k]):
            k += 1
            continue
        start = k
        while True:
            k += 1
            while k < n and unicodedata.category(text[k])[0] in "LM" and text[k] not in _UNSEEN:
                k += 1
            if k + 1 < n and text[k] in _JOINERS and _letter(text[k + 1]):
                k += 1
                continue
            break
        words.append(text[start:k])
    return words


def kept_name(name: object, said: Iterable[str]) -> str | None:
    """`name` as the agent keeps it given `said`, the candidate's lines before the call; None when it is not kept.
    The agent also refuses a name that reads as a fence marker ("<<<END" in Canadian syllabics): kept here, it is only
    redacted."""
    call = " ".join(name.split()) if isinstance(name, str) else ""
    split = call.split(" ")
    if (
        not call
        or len(call) > MAX_NAME_CHARS
        or not 1 <= len(split) <= MAX_NAME_WORDS
        or name_words(call) != split
    ):
        return None
    words = {w.casefold() for line in said for w in name_words(line)}
    return call if all(w.casefold() in words for w in call.split()) else None


def asked_letter(name: object, said: Iterable[str]) -> str | None:
    """A name of one letter ("J", "J.") that the candidate said as a word of its own before the call, whether or not
    the agent keeps it (it may keep no name of one letter): the interviewer may still address them by it."""
    letter = name.strip().rstrip(".") if isinstance(name, str) else ""
    if len(letter) != 1 or letter.upper() == letter.lower():
        return None  # one cased letter (a Latin, Greek or Cyrillic one), not a digit nor a character of Han
    alone = re.compile(rf"(?<![^\W\d_]){re.escape(letter)}(?![^\W\d_])", re.I)
    return letter if any(alone.search(line) for line in said) else None


def asked_name_terms(events: Iterable[BundleEvent]) -> list[str]:
    """The redactor's terms for the names recorded ``begin_problem`` calls in `events` (in seq order) kept."""
    said: list[str] = []
    found: dict[str, None] = {}
    calls = 0
    for e in events:
        p = e.payload
        if e.type == "transcript" and p.get("role") == "user":
            said.append(str(p.get("text") or ""))
        elif e.type == "tool_call" and p.get("name") == "begin_problem" and p.get("is_error") is not True:
            args = p.get("arguments")
            calls += 1
            if calls > MAX_CALLS:
                break
            if not isinstance(args, dict):
                continue
            call = args.get("call_them")
            if (name := kept_name(call, said) or asked_letter(call, said)) is not None:
                found.setdefault(name, None)
    return [term for name in found for term in terms(name)]
