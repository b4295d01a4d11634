"""The solution's success said with no tests and no count ("The submission passed.", "The solution is fully
correct.", "no bugs remained", "La solución es correcta."), checked against what the recorded runs hold
(`success_problems`, called by grader/claims.py for each sentence no other rule of a result read)."""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right

from grader import claim_idioms as idioms
from grader.claim_questions import as_said
from grader.claim_reported import (
    CONFIRMED,
    ENDORSED,
    ENDORSED_ALONE,
    FIRST_PERSON,
    IN_QUOTES,
    REPORTED,
    REPORTED_BESIDE,
    UNGOVERNED,
    report_start,
    reported,
)
from grader.claim_runs import RUNS_SAID, runs_held, runs_said
from grader.claim_slow import CORRECT_ONLY, NOT_ONLY_CORRECT, only_too_slow
from grader.claim_slow import slow as said_slow
from grader.claim_success_words import (
    AS_IT_SHOULD,
    COMPLEMENT,
    FAILING,
    GOOD,
    HEDGE,
    KINDS,
    MODAL,
    NO_BAD,
    NO_BUGS,
    NOT_BEFORE,
    NOT_THE_CODE,
    OF_THE_CODE,
    QUALITY,
    QUALITY_STATE,
    QUALITY_SUBJECT,
    STATE,
    SUBJECTLESS,
    SUCCESS,
    SUCCESS_CLAUSES,
    TESTS_FIRST,
    THE_CODE,
    WHETHER_OR_NOT,
    WORKS,
)
from grader.claim_tallies import CONTRAST, SHOWN_COUNT, a_run_passed_all, all_passed
from grader.claim_words import prepared_sentence, summary
from grader.evidence import CitationIndex
from grader.schemas import Facts


def _full(shown: str) -> bool:
    counts = [(int(m.group(2)), int(m.group(3))) for m in SHOWN_COUNT.finditer(shown)]
    return bool(counts) and all(a == b > 0 for a, b in counts)


def _clipped(text: str, limit: int = 200) -> str:
    return text if len(text) <= limit else f"{text[:limit]}\u2026"


def succeeded(facts: Facts, index: CitationIndex, *, at_end: bool) -> bool:
    """The candidate's solution passed every test: at the end, the last submission shown and every final count of
    the facts (and something was submitted); else, any run shown or the best of both kinds."""
    submissions = [index.citable[s] for s in sorted(index.citable) if index.citable[s].type == "submission"]
    if not at_end:
        return a_run_passed_all(index) or (all_passed(facts.hidden_tests) and all_passed(facts.visible_tests))
    finals = [r.final for r in (facts.visible_tests, facts.hidden_tests) if r.final is not None]
    if facts.hidden_tests.final is None and not submissions:
        return False  # nothing was submitted
    if submissions and not _full(submissions[-1].shown):
        return False
    return all(f.total > 0 and f.passed == f.total for f in finals)


def _subject(before: str) -> str:
    """What comes before a claim, read for its subject: a complement of the approach is the approach's ("the idea
    for an O(n) solution"), and "whether or not" denies nothing."""
    return WHETHER_OR_NOT.sub("whether", COMPLEMENT.sub(r"\1", before))


def _claims_success(
    clause: str, claim: re.Match[str], state: bool, endorsed: bool, tests: bool = False
) -> bool:
    """`claim` in `clause` says the candidate's solution succeeded; `state`: it is said as a state (`STATE`);
    `endorsed`: its sentence takes up what it reports (`ENDORSED`); `tests`: said with no subject, it is the tests'
    named before it."""
    before, said = _subject(clause[: claim.start()]), claim.group(0)
    if NOT_BEFORE.search(before) or (NOT_BEFORE.search(said) and not NO_BUGS.fullmatch(said)):
        return False  # "did not pass", "is not correct"
    if FAILING.search(said) or NOT_THE_CODE.search(said) or TESTS_FIRST.search(before):
        return False  # "correct approach, incorrect code"; tests named first: the test checks read it
    if reported(before, endorsed):
        return False  # "The candidate said the code was correct"
    rest = before + clause[claim.start() :]
    if NOT_THE_CODE.search(rest) and not THE_CODE.search(rest):
        return False  # "The approach is correct in principle", "The idea for an O(n) solution was right"
    if WORKS.search(said) and not (OF_THE_CODE.search(before) or THE_CODE.search(said)):
        return False  # "The candidate worked steadily"
    if state and QUALITY_SUBJECT.search(before):
        return False  # "The code's structure is sound"
    subjectless = not tests and SUBJECTLESS.fullmatch(before) is not None
    return not state or OF_THE_CODE.search(before) is not None or subjectless


def _of_the_code(clause: str, endorsed: bool, tests: bool = False) -> re.Match[str] | None:
    """`clause` says, in any other words, that the code succeeded (`GOOD`) or did not fail (`NO_BAD`): said of the
    code ("the submission", "it") or of nothing else, with no tests, approach, hedge or negation in it; the word
    that says it."""
    clause = _subject(clause)  # "the idea for an O(n) solution was right": the idea was
    if TESTS_FIRST.search(clause) or KINDS.search(clause):
        return None  # the test checks read it ("the sample" is read as the visible tests)
    if NOT_THE_CODE.search(clause) and not THE_CODE.search(clause):
        return None
    # Each word of success, read against what comes before it, found once for the clause (linear in its length).
    denied, named = NOT_BEFORE.search(clause), OF_THE_CODE.search(clause)
    subjectless = None if tests else SUBJECTLESS.match(clause)
    quality = QUALITY_STATE.search(clause)
    reports = [] if endorsed else [report_start(clause, r) for r in REPORTED.finditer(clause)]
    stops = [u.start() for u in UNGOVERNED.finditer(clause)]
    for m in GOOD.finditer(clause):
        p = m.start()
        if denied is not None and denied.end() <= p:
            break  # "did not pass", and every word after it
        if not (
            (named is not None and named.end() <= p)
            or (subjectless is not None and p <= subjectless.end() and SUBJECTLESS.fullmatch(clause, 0, p))
        ):
            continue
        if quality is not None and quality.end() <= p:
            continue  # "The code style is clean and airtight"
        last = bisect_right(reports, p) - 1  # the last report before it governs it, with no stop between
        if last >= 0 and bisect_left(stops, reports[last]) == bisect_left(stops, p):
            continue  # "The candidate said the code worked"
        return m
    bad = NO_BAD.search(clause)
    if bad is None or QUALITY.search(clause) or reported(clause[: bad.start()], endorsed):
        return None
    if OF_THE_CODE.search(clause) is not None or (not tests and SUBJECTLESS.fullmatch(clause[: bad.start()])):
        return bad
    return None


def success_problems(
    where: str,
    sentence: str,
    facts: Facts,
    index: CitationIndex,
    following: str = "",
    rest: str = "",
    *,
    tests: bool = False,
) -> list[str]:
    """A clause of `sentence` that says the candidate's solution succeeded, where the recorded runs say otherwise
    (`SUCCESS`, `NO_BUGS`); `following`: the sentence after it, which may take up what it reports ("It was.") or
    answer its question ("Does it work? It does."); `rest`: for a question answered yes, the sentence after its answer,
    where the answer goes on ("Is it correct? Yes, it is; it is just too slow."); `tests`: the sentence goes on about
    the tests named before it, which are what it says succeeded when it names no subject ("The visible tests? All
    green.", "Did it pass the visible tests? Yes, both.")."""
    stated = as_said(prepared_sentence(sentence), following)
    if stated is None:
        return []  # "Does the code work?", "Is it correct? Not quite."
    prepared = stated
    endorsed = bool(
        ENDORSED.search(prepared)
        or FIRST_PERSON.search(IN_QUOTES.sub(" ", prepared))
        or ENDORSED_ALONE.fullmatch(next_one := prepared_sentence(following))
        or (CONFIRMED.match(next_one) is not None and NOT_BEFORE.search(next_one) is None)
    )
    slow = said_slow(f"{prepared} {following} {rest}")  # "The code is correct; it just times out."
    for clause in SUCCESS_CLAUSES.split(prepared):
        if HEDGE.search(clause) or MODAL.search(AS_IT_SHOULD.sub(" ", clause)) or idioms.AIMED.search(clause):
            continue
        if not endorsed and REPORTED_BESIDE.search(clause):
            continue  # "It works, the candidate said."
        claims = [
            claim
            for pattern in (SUCCESS, STATE, NO_BUGS)
            if (claim := pattern.search(clause))
            and _claims_success(clause, claim, pattern is STATE, endorsed, tests)
        ]
        if not claims and (other := _of_the_code(clause, endorsed, tests)):
            claims = [other]
        if not claims:
            continue
        earlier = CONTRAST.search(clause) is not None
        # A run named as what succeeded ("Every run passed.", "Their last run was accepted."): held to the runs.
        runs = runs_said(clause[: min(c.start() for c in claims)])
        if runs is not None:
            if runs_held(index, runs):
                continue
            said = repr(clause.strip().rstrip(",:").rstrip())
            return [
                f"- {where}: {said}: says {RUNS_SAID[runs]} succeeded (passed every test it ran), which the runs "
                f"shown do not hold ({summary(facts)}); state what each run's result line shows (\"visible tests "
                '1/2 passed") or what the facts count'
            ]
        if succeeded(facts, index, at_end=not earlier):
            continue
        if (
            slow
            and all(CORRECT_ONLY.search(c.group(0)) for c in claims)
            and not NOT_ONLY_CORRECT.search(clause)
            and only_too_slow(facts, index)
        ):
            continue  # "The solution is correct but too slow": every test that finished passed
        when = "at some point" if earlier else "at the end"
        said = repr(clause.strip().rstrip(",:").rstrip())
        if len(clause.split()) < 4 and clause.strip() != prepared.strip():
            said = f"{said} in {_clipped(sentence.strip())!r}"  # "'Correct' in 'Correct, but ...'"
        taken_up = ""
        if endorsed and any(REPORTED.search(clause, 0, c.start()) for c in claims):
            taken_up = " (its sentence, or the next, takes up as yours what it reports)"
        return [
            f"- {where}: {said}: says the candidate's solution succeeded (passed, correct, works, "
            f"solved) {when}{taken_up}, which the recorded runs do not hold ({summary(facts)}); state what the "
            'runs show ("passed N of M hidden tests") or what the approach gets right, not that the solution '
            "succeeded"
        ]
    return []
