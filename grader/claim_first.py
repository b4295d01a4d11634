"""What the scorecard's own words say of the first run, checked against the first run shown.

The result checks (grader/claims.py) hold a claim of passing against any run shown of its kind, and a word of an
earlier time ("first", "initially") against a run that passed everything it ran. So "The first run passed every
visible test", "it passed both visible tests on the first try" or "the code was right the first time" verified where
the first run failed every visible test and a later one, after a hint, passed them: a finding that lifts problem
solving and verification, which the run record contradicts. Here a clause that names the first run, attempt, try,
time or go ("la primera ejecución", "al primer intento", "a la primera"; "the opening run", "run #1", "the first of
the two runs"), or the first submission, with a word of
passing (grader/claim_words.py `PASS_WORD`) and no negation, failure, report or hypothesis in it, must hold for that
run: the first run shown whose result counts tests (a custom run of the candidate's own inputs counts none; where the
clause names the submission, "the submission was accepted on the first try", the first submission), every test it
ran passing, or every one of the kind the clause names ("visible", "hidden"). The grader's final submission, made
after the interview when the candidate never submitted, is no try of the candidate's: it is never the first run, and a
first try said where it is the only run that counts tests goes to the repair round.

Not such a claim: the first run that passed, or to pass ("the first run passing every visible test came at 130 s",
the facts' wording), a clause with a word of failing ("After a failed first run, the code passed"), a negation ("did
not pass on the first try"), a report ("the candidate said the first run passed") or a hypothesis.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from itertools import pairwise

from grader.claim_tallies import NUMBER, SHOWN_COUNT, SUBMITTED, number_value
from grader.claim_words import FAIL_WORD, PASS_WORD
from grader.claims import readable
from grader.evidence import RUN_TYPES, CitableEvent, CitationIndex
from grader.facts import GRADER

FIRST = re.compile(
    r"\b(?:(?:very\s+)?first|initial|primer[oa]?)\s+(?P<what>runs?|attempts?|try|tries|time|go|submissions?"
    r"|executions?|pass|intento|ejecucion|entrega|vez)\b(?!\s+(?:that|which|to|where|passing|succeeding|with"
    r"|in\s+which|que|en\s+pasar)\b)"
    r"|\ba\s+la\s+primera\b|\bde\s+primeras\b|\bfirst[\s-]+time\s+right\b|\bfirst[\s-]+try\b"
    # the first run in other words: "the opening run", "run #1", "run 1", "the first of the two runs"
    r"|\bopening\s+(?P<opening>runs?|attempts?|try|submissions?)\b(?!\s+(?:that|which|to|where|passing|succeeding)\b)"
    r"|\b(?P<numbered>run|attempt|try|submission|ejecucion|intento|entrega)\s*(?:#\s*|no\.\s*|number\s+|n\.?o\s*)?1\b"
    r"(?![/.,]?\d|\s*(?:/|of\b|out\b|de\b))"
    r"|\bfirst\s+of\s+(?:the|their|its|his|her|las|los)\s+(?:[\w-]+\s+)?(?P<of_the>runs|attempts|tries|submissions)\b",
    re.IGNORECASE,
)
_CLAUSE = re.compile(
    r"[.!?;,:(\u2014\u2013]|\s-\s|\b(?:but|although|though|while|whereas|then|pero|aunque)\b", re.I
)
# "For the first time", "por primera vez", "the first time the code passed": the first occasion of what the clause
# says (its first passing run, whichever run that was), not the first run.
_OCCASION_BEFORE = re.compile(r"\b(?:for|por)\s+(?:the\s+|la\s+)?(?:very\s+)?$", re.IGNORECASE)
_OCCASION_AFTER = re.compile(
    r"\s+(?:the|it|they|he|she|their|its|his|her|this|[\[(]?they[\])]?|el|su)\b", re.IGNORECASE
)
_NOT_A_CLAIM = re.compile(
    r"\b(?:not|never|no|none|neither|nothing|nor|without|would|could|should|might|may|if|unless|whether|said|says|claimed|claims"
    r"|believed|thought|hoped|expected|asked|wanted|assumed|dijo|creia|pensaba|nunca|sin)\b|n't",
    re.IGNORECASE,
)
_COUNT = re.compile(rf"(?<![\w/])({NUMBER})\s*(?:/|out\s+of|of)\s*(?:the\s+)?({NUMBER})(?![\w/])", re.I)
_KIND = re.compile(r"\b(visible|hidden|visibles?|ocultas?)\b", re.IGNORECASE)


def _clauses(sentence: str) -> list[str]:
    cuts = [0, *(m.end() for m in _CLAUSE.finditer(sentence)), len(sentence)]
    return [sentence[a:b] for a, b in pairwise(cuts) if sentence[a:b].strip()]


def _first(index: CitationIndex, submission: bool) -> CitableEvent | None:
    """The first run shown whose result counts tests (with `submission`, the first submission), of the candidate's
    or the interviewer's: the grader's final submission, made after the interview, is no try of theirs."""
    for seq in sorted(index.citable):
        event = index.citable[seq]
        kind_ok = event.type in RUN_TYPES and (not submission or event.type == "submission")
        if kind_ok and event.by != GRADER and SHOWN_COUNT.search(event.shown):
            return event
    return None


def _graders_only(index: CitationIndex, submission: bool) -> CitableEvent | None:
    """The grader's final submission, when no run (with `submission`, no submission) of the candidate's or the
    interviewer's counts tests."""
    runs = [
        e
        for _, e in sorted(index.citable.items())
        if e.type in RUN_TYPES and (not submission or e.type == "submission") and SHOWN_COUNT.search(e.shown)
    ]
    return runs[0] if runs and all(e.by == GRADER for e in runs) else None


def _passed(event: CitableEvent, kind: str | None) -> bool:
    counts = [
        (int(m.group(2)), int(m.group(3)))
        for m in SHOWN_COUNT.finditer(event.shown)
        if kind is None or (m.group(1) or "").lower() == kind
    ]
    return bool(counts) and all(a == b > 0 for a, b in counts)


OCCASION_LOOK_BACK = (
    32  # "for the very " and its spaces: constant work for each FIRST, however long the clause
)


def _occasion(clause: str, m: re.Match[str]) -> bool:
    """Whether `m` (a FIRST in `clause`) names the first time something happened rather than the first run."""
    what = (m.group("what") or "").lower()
    if what not in ("time", "vez"):
        return False
    before = _OCCASION_BEFORE.search(clause, max(0, m.start() - OCCASION_LOOK_BACK), m.start())
    return bool(before or _OCCASION_AFTER.match(clause, m.end()))


def _passing_besides(clause: str, first: re.Match[str]) -> bool:
    """Whether `clause` has a word of passing other than its FIRST's own "pass": "the first pass over the array
    counts each value" describes an algorithm, not a run."""
    return any(m.end() <= first.start() or m.start() >= first.end() for m in PASS_WORD.finditer(clause))


def first_run_problems(texts: Iterable[tuple[str, str]], index: CitationIndex) -> list[str]:
    """Problems with what `texts` (`(where, text)`) say the first run passed, one line each for the repair round."""
    problems: list[str] = []
    for where, text in texts:
        for clause in _clauses(readable(text)):
            first = next((m for m in FIRST.finditer(clause) if not _occasion(clause, m)), None)
            if first is None or not _passing_besides(clause, first) or FAIL_WORD.search(clause):
                continue
            if _NOT_A_CLAIM.search(clause) or clause.rstrip().endswith("?"):
                continue  # a question says nothing (grader/claims.py reads its answer)
            what = next(
                (first.group(g) for g in ("what", "opening", "numbered", "of_the") if first.group(g)), ""
            )
            what = what.lower()
            # "The submission was accepted on the first try": the first submission
            submission = what.startswith(("submission", "entrega")) or bool(SUBMITTED.search(clause))
            run = _first(index, submission)
            if run is None and (graders := _graders_only(index, submission)) is not None:
                problems.append(
                    f"- {where}: {clause.strip()[:300]!r} speaks of a first try, but the only "
                    f"{'submission' if submission else 'run'} that counts tests is [{graders.seq}], the grader's own "
                    "final submission after the interview, no try of the candidate's"
                )
                continue
            if run is None:
                continue  # nothing judged: the other checks read a claim of passing with no run
            named = _KIND.search(clause)
            kind = None
            if named:
                kind = "visible" if named.group(1).lower().startswith("visible") else "hidden"
            counts = {(number_value(a), number_value(b)) for a, b in _COUNT.findall(clause)}
            if counts:  # "the first run had 0 of 2 tests passing": its counts, not every test
                held = {(int(m.group(2)), int(m.group(3))) for m in SHOWN_COUNT.finditer(run.shown)}
                if counts <= held:
                    continue
                problems.append(
                    f"- {where}: {clause.strip()[:300]!r}: the first run, [{run.seq}], has no such count (see its "
                    "result line)"
                )
            elif not _passed(run, kind):
                tests = f"{kind} tests" if kind else "every test it ran"
                problems.append(
                    f"- {where}: {clause.strip()[:300]!r} says the first run passed, but the first one, "
                    f"[{run.seq}], did not pass {tests} (see its result line)"
                )
    return problems
