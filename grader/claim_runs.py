"""Success said of the runs ("Every run the candidate made passed.", "Their last run was accepted.", "One run
succeeded."), held to the runs shown (grader/claim_success.py reads the words of success; this module, whose).

A run named as what succeeded is neither the code (the last submission and the facts' final counts) nor tests of a
kind (grader/claims.py): "All of their runs passed" and "The final run was accepted" had been read as saying
nothing checkable and reached ready scorecards where every run failed. What the clause says of the runs is held to
the runs shown in the interview that judged tests (a custom run judges none: it shows only that the code ran):
- every run ("every run", "each of their runs", "all runs", "their runs" in the plural): each of them passed every
  test it ran;
- the last one ("the last run", "their final run", "the latest run", "the most recent run"): the last of them did;
- any other ("a run", "one run", "the second run"): one of them did.
"""

from __future__ import annotations

import re

from grader.claim_tallies import FINAL, SHOWN_COUNT
from grader.claim_words import EVERY_RUN
from grader.evidence import RUN_TYPES, CitationIndex

# "run" or "runs" as a noun, after a determiner or a word of order ("Every run the candidate made", "their last
# run", "test runs"), not the verb ("It runs in O(n) and works", "they run the tests").
_DETERMINERS = (
    *("every", "each", "all", "the", "their", "his", "her", "its", "a", "one", "no", "any", "of", "test"),
    *("last", "final", "latest", "recent", "first", "second", "third", "later", "earlier"),
)
_AFTER_DETERMINER = "|".join(rf"(?<=\b{word}\s)" for word in _DETERMINERS)
RUN_NOUN = rf"\b{EVERY_RUN}\b|(?:{_AFTER_DETERMINER})runs?\b"
_RUN = re.compile(RUN_NOUN, re.IGNORECASE)
_EVERY = re.compile(rf"\b(?:every|each|all|{EVERY_RUN})\b|\bruns\b", re.IGNORECASE)
_OTHER_SUBJECT = re.compile(
    r"\b(?:it|this|code|solution|submission|program|implementation|function|version|fix|everything)\b",
    re.IGNORECASE,
)
RUNS_SAID = {"every": "every run", "last": "the last run", "one": "a run"}
_LAST = re.compile(rf"{FINAL.pattern}|\bmost\s+recent\b", re.IGNORECASE)


def runs_said(before: str) -> str | None:
    """Which runs a clause's words before its word of success name as what succeeded: "every", "last" or "one";
    None when no run is named there."""
    named = list(_RUN.finditer(before))
    if not named:
        return None
    if _OTHER_SUBJECT.search(before, named[-1].end()):
        return None  # "They watched the run fail, and then it worked": the code is what succeeded
    head = before[: named[-1].end()]
    if _EVERY.search(head):
        return "every"
    return "last" if _LAST.search(head) else "one"


def _full(shown: str) -> bool | None:
    counts = [(int(m.group(2)), int(m.group(3))) for m in SHOWN_COUNT.finditer(shown)]
    return (bool(counts) and all(a == b > 0 for a, b in counts)) if counts else None


def runs_held(index: CitationIndex, which: str) -> bool:
    """The runs shown that judged tests hold what is said of `which` (`runs_said`) of them."""
    judged = [
        full
        for seq in sorted(index.citable)
        if index.citable[seq].type in RUN_TYPES and (full := _full(index.citable[seq].shown)) is not None
    ]
    if not judged:
        return False
    if which == "every":
        return all(judged)
    if which == "last":
        return judged[-1]
    return any(judged)
