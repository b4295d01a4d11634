"""What the facts and the runs shown hold of the tests, for the checks of what a scorecard says about them
(grader/claims.py for its phrasings, grader/claim_words.py for any other words): every (passed, total) a fact or a
run's result as shown holds, by kind; what the last run of each kind held; counts in words; the words that put a
claim at the end of the interview."""

from __future__ import annotations

import re

from grader.evidence import RUN_TYPES, CitationIndex
from grader.schemas import Facts, PassRecord

# Counts in words as well as in digits ("eleven of twelve tests"): the candidate's words, repeated, take either form.
_ONES = (
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen"
)
_TEENS = "seventeen eighteen nineteen twenty"
NUMBER_WORDS = {word: n for n, word in enumerate(f"{_ONES} {_TEENS}".split())} | {
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "hundred": 100,
}
NUMBER = rf"\d+|(?:{'|'.join(sorted(NUMBER_WORDS, key=len, reverse=True))})\b"

SHOWN_COUNT = re.compile(r"(?:\b(visible|hidden) tests )?(\d+)/(\d+)")

Tallies = dict[str | None, set[tuple[int, int]]]
# A claim about the end of the interview ("the final submission passed 12/12 hidden tests", "in the end every hidden
# test passed", "all tests pass on the last code"): it must be what the last run held, not the best one before the
# candidate broke their code. Said in the claim's sentence before it with no contrast between ("passed 12/12 early,
# but the final submission ..." is two claims), or in its clause after it ("... passed in the end").
FINAL = re.compile(
    r"\b(?:final|in\s+the\s+end|at\s+the\s+end|ended|ends|last\s+(?:run|submission|version|code|attempt)|latest)\b",
    re.IGNORECASE,
)
CONTRAST = re.compile(
    r"\b(?:but|while|whereas|although|though|however|yet|earlier|early|initially|first|before|once|previous(?:ly)?)\b",
    re.IGNORECASE,
)


def held_counts(facts: Facts, index: CitationIndex) -> Tallies:
    """Every (passed, total) a fact or a run's result as shown holds, by the kind of tests (None: all of a run's)."""
    found: Tallies = {"visible": set(), "hidden": set(), None: set()}
    for kind, record in (("visible", facts.visible_tests), ("hidden", facts.hidden_tests)):
        for tally in (record.best, record.final):
            if tally is not None:
                found[kind].add((tally.passed, tally.total))
    for event in index.citable.values():
        if event.type in RUN_TYPES:
            for m in SHOWN_COUNT.finditer(event.shown):
                shown_kind = m.group(1).lower() if m.group(1) else None
                found[shown_kind].add((int(m.group(2)), int(m.group(3))))
    return found


def tests_named(kind: str | None) -> str:
    return f"{kind} tests" if kind else "tests"


def final_counts(facts: Facts) -> Tallies:
    """The (passed, total) of the last run of each kind of tests (the facts' `final`)."""
    found: Tallies = {"visible": set(), "hidden": set(), None: set()}
    for kind, record in (("visible", facts.visible_tests), ("hidden", facts.hidden_tests)):
        if record.final is not None:
            found[kind].add((record.final.passed, record.final.total))
    return found


def a_run_passed_all(index: CitationIndex) -> bool:
    """A run shown passed every test it ran (each of its counts full)."""
    for event in index.citable.values():
        if event.type in RUN_TYPES:
            counts = [(int(m.group(2)), int(m.group(3))) for m in SHOWN_COUNT.finditer(event.shown)]
            if counts and all(a == b > 0 for a, b in counts):
                return True
    return False


# The submitted code named as what passed: "The submission passed all tests", "La entrega pasó todas las pruebas".
# Its tests are every test, hidden ones included: a run of the visible tests that passed them all does not hold it.
SUBMITTED = re.compile(
    r"\b(?:submissions?|submitted\s+(?:code|solution|version|program)|entregas?|envios?|solucion\s+enviada)\b",
    re.IGNORECASE,
)


# The code itself named as what passed, no run of it: "The code passed every test", "Their solution passed all the
# tests", "It passed each and every test". Its tests are every test too: what the last submission held (with a word of
# an earlier time, any submission's), not a run of the visible tests that passed them.
CODE_SUBJECT = re.compile(
    r"^\W*(?:(?:the|their|his|her|its|this|that|our|(?:the\s+)?candidate's|su|la|el)\s+(?:[\w'-]+\s+){0,2}?"
    r"(?:code|solution|implementation|program|function|version|answer|codigo|solucion|implementacion|programa)"
    r"|it|everything)\s+(?:[\w'-]+\s+){0,2}\Z",
    re.IGNORECASE,
)
# Its tests named as the ones it ran: "passed all the tests it ran" is a run's, not every test.
RAN_ONES = re.compile(
    r"\b(?:tests?|cases?)\s+(?:(?:that|which)\s+)?(?:it|they|were|was)\s+(?:ran|run)\b", re.I
)


def last_submission_whole(index: CitationIndex) -> set[tuple[int, int]]:
    """The last submission's (passed, total) of every test it ran, as shown (its kinds' counts summed); empty: none."""
    shown = [index.citable[s].shown for s in sorted(index.citable) if index.citable[s].type == "submission"]
    counts = [(int(m.group(2)), int(m.group(3))) for m in SHOWN_COUNT.finditer(shown[-1])] if shown else []
    return {(sum(p for p, _ in counts), sum(t for _, t in counts))} if counts else set()


def submissions_whole(index: CitationIndex) -> set[tuple[int, int]]:
    """Each submission's (passed, total) of every test it ran, as shown (its kinds' counts summed)."""
    found: set[tuple[int, int]] = set()
    for event in index.citable.values():
        if event.type == "submission":
            counts = [(int(m.group(2)), int(m.group(3))) for m in SHOWN_COUNT.finditer(event.shown)]
            if counts:
                found.add((sum(p for p, _ in counts), sum(t for _, t in counts)))
    return found


def all_passed(record: PassRecord) -> bool:
    """The best run of a kind passed every test of it."""
    return record.best is not None and record.best.total > 0 and record.best.passed == record.best.total


# Counts said in words with more than one, English and Spanish (the result checks read them as numbers).
_SP_NUMBERS = {"cero": 0, "uno": 1, "una": 1, "un": 1, "dos": 2, "tres": 3, "cuatro": 4, "cinco": 5, "seis": 6,
               "siete": 7, "ocho": 8, "nueve": 9, "diez": 10, "doce": 12}  # fmt: skip
_SP_NUMBERS |= {"trece": 13, "catorce": 14, "quince": 15, "dieciseis": 16, "diecisiete": 17, "dieciocho": 18,
                "diecinueve": 19, "veinte": 20, "treinta": 30, "cuarenta": 40, "cincuenta": 50,
                "cien": 100}  # fmt: skip
_TENS = {
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
}
_UNITS = "one|two|three|four|five|six|seven|eight|nine"
_SP_UNITS = {"un": 1, "uno": 1, "una": 1, "dos": 2, "tres": 3, "cuatro": 4, "cinco": 5, "seis": 6, "siete": 7,
             "ocho": 8, "nueve": 9}  # fmt: skip
# Said in words with more than one: "twenty-four", "twenty four", "one hundred", "veinticuatro", "treinta y dos".
_COMPOUND = (
    rf"(?:{'|'.join(_TENS)})[\s-](?:{_UNITS})\b|(?:one|a)\s+hundred\b"
    rf"|veinti(?:{'|'.join(sorted(_SP_UNITS, key=len, reverse=True))})\b"
    rf"|(?:treinta|cuarenta|cincuenta)\s+y\s+(?:{'|'.join(sorted(_SP_UNITS, key=len, reverse=True))})\b"
)
ANY_NUMBER = rf"(?:{_COMPOUND}|{NUMBER}|(?:{'|'.join(_SP_NUMBERS)})\b)"


def number_value(text: str) -> int:
    """A number in digits or in words, English or Spanish, compounds included ("twenty-four", "veinticuatro")."""
    low = re.sub(r"[\s-]+", " ", text.lower())
    if low in _SP_NUMBERS:
        return _SP_NUMBERS[low]
    if low in ("one hundred", "a hundred"):
        return 100
    if low.startswith("veinti"):
        return 20 + _SP_UNITS[low.removeprefix("veinti")]
    if " y " in low:
        tens, units = low.split(" y ")
        return _SP_NUMBERS[tens] + _SP_UNITS[units]
    if " " in low:
        tens, units = low.split(" ")
        return _TENS[tens] + NUMBER_WORDS[units]
    return int(low) if low.isdigit() else (_TENS | NUMBER_WORDS)[low]
