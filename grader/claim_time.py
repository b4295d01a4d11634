"""What the scorecard's own words say about the interview's time, checked against the facts' `time_used_s`,
`time_allowed_s` and `first_all_visible_pass_s`.

The model is told "time used: 200 s of 2700 s allowed", but a justification, a strength, an area to improve or the
advice is free text a person reads as the grader's finding: "ran out of time before finishing" where the candidate
used 200 s of 2,700 marks them down for a limit they never met, and "finished with plenty of time to spare" where the
time ran out lifts them past it. The time used already stops at the interview's own end (grader/time_used.py): a
session closed late by our side reads as no overrun here either. Sentence by sentence, as a person reads them
(`grader.claims.readable`), in English and Spanish (grader/claim_time_words.py), each with its tolerance
(`SLACK_S`, `SLACK_SHARE`, `QUANTITY_S`, `QUANTITY_SHARE`):

- **the time ran out** ("ran out of time", "used the whole 45 minutes", "went over time", "did not finish in
  time", "se quedó sin tiempo", "just in time", "down to the wire", "in the final stretch of the allotted time"): the
  time used reached the time allowed less the slack;
- **the time was short** ("struggled with time", "pressed for time", "nearly ran out of time"): the time used is at
  least half the time allowed;
- **time left over** ("finished with plenty of time to spare", "finished early", "solved it quickly", "con tiempo de
  sobra", "had time left", "with minutes to spare"): the time did not run out (as above), or a run passed every
  visible test before the slack;
- **half the time** ("in half the time", "with most of the time unused"): a run passed every visible test by half
  the time allowed, with the slack; **half the time reached** ("halfway through the allotted time", "by the halfway
  point"): the time used reached half the time allowed less the slack;
- **slow** ("the candidate was slow", "slow to finish", "took too long to solve"): no run passed every visible test
  within a third of the time allowed;
- **a duration** stated with its unit, read whole (`_span`: "2,700 seconds", "1 hour 20 minutes", "an hour and a
  half", a range "40-45 minutes", "45+ minutes"; "1000s of lines" is no duration): the time allowed ("the 45-minute
  interview", "of the 45 minutes") must be it; the time used ("the interview lasted 20 minutes", "used 12 minutes in
  total") must be it within the quantity tolerance; a finish ("solved it in 10 minutes", "took 10 minutes to solve
  it", "had a working solution 10 minutes in", and a pass said after its moment: "ten minutes in, every visible test
  passed", "at the 10-minute mark every visible test passed", "by minute 10 all tests passed", or before it: "passed
  all visible tests at minute 10"; in Spanish "al minuto 10 todas las pruebas pasaron", "paso todas las pruebas
  visibles en 10 minutos") must not come before the first run that passed every visible test, and where no run ever
  passed them the candidate never finished,
  whenever it is said (the interview's own end, "the interview finished after 30 minutes", "the session ended at 45
  minutes", is the time used);
  what was left ("with 10 minutes left") must be a moment the interview reached, and said of the finish ("finished
  with 10 minutes to spare") one by which a run passed every visible test; any other duration of what happened
  ("spent 20 minutes on the brute force", "at the 30-minute mark", "after 3 minutes", "five minutes into coding")
  must fit in the time used. "Under 15 minutes" bounds from above and "over 40 minutes" from below.

Not claims: a complexity ("O(n) time", "linear time"), the judge's time limit and its verdict ("time limit
exceeded", "the hidden test timed out"), a hypothesis, an aim, advice, a report of what someone said or felt
("said they felt rushed"), a plan, estimate, proposal or description ("planned to finish in 20 minutes", "proposed
caching results for 5 minutes"), the words of a quote of two words or more (`_unquoted`: code, a test's name), a
negated phrase ("did not run out of time": a denial is never refused), the code's time
("the submission ran out of time on the hidden test"), "time" in a compound or a complexity ("short on time
complexity detail", "the time-space trade-off"), and a phase's pace ("quickly found the bug", "slow in debugging").
In the advice only what is said of "you" is a claim. Without both times in the facts nothing is checked. What the
words here do not hold passes: unlike the test claims, the time check does not fail closed."""

from __future__ import annotations

import math
import re
from bisect import bisect_right
from collections.abc import Iterable

from grader.claim_fairness import QUOTED
from grader.claim_sentences import sentences
from grader.claim_tallies import number_value
from grader.claim_time_words import (
    ALLOWED_AFTER,
    ALLOWED_BEFORE,
    ANCHOR_AFTER,
    ANCHOR_BEFORE,
    AT_LEAST,
    AT_MOST,
    CLAUSE_START,
    CODE_SUBJECT,
    DURATION,
    DURATION_PART,
    EARLY,
    FINISH_WITH_LEFT,
    FINISHED_AT,
    FINISHED_BEFORE,
    FIXED,
    HALF_LEFT,
    HALFWAY,
    IMPERATIVE,
    IN_AFTER,
    MINUTE_MARK,
    MOST_BEFORE,
    NEGATION,
    NOT_A_CLAIM,
    NOT_THE_INTERVIEW,
    RAN_OUT,
    REMAINING_AFTER,
    REMAINING_BEFORE,
    SECONDS_PER,
    SHORT,
    SLOW,
    TO_FINISH_AFTER,
    TOOK_BEFORE,
    TOTAL_AFTER,
    TOTAL_BEFORE,
    USED_OF,
    WHOLE_AFTER,
    WHOLE_BEFORE,
)
from grader.claims import readable
from grader.schemas import Facts

# The time ran out where the time used came within this much of the time allowed: the larger of 120 s and 10 % of
# the time allowed (270 s of a 45-minute interview). The interviewer's wrap-up and a late goodbye move the end by
# seconds, and a person says "ran out of time" of the last minutes.
SLACK_S, SLACK_SHARE = 120.0, 0.10
# A stated duration holds within the larger of 60 s and 10 % of the facts' value: "about 3 minutes" of 200 s holds,
# "10 minutes" does not.
QUANTITY_S, QUANTITY_SHARE = 60.0, 0.10
# The time was short only where at least this share of the time allowed was used; slow only where no run passed
# every visible test within this share.
SHORT_SHARE, SLOW_SHARE = 0.5, 1 / 3
# How far back a phrase's clause is read for what makes it no claim (bounded work per phrase).
LOOK_BACK_CHARS = 200
_FROM_MINUTE = re.compile(r"(?:after|past|from|until|till)\b", re.IGNORECASE)
_YOU = re.compile(r"\b(?:you|your|tu|usted)\b", re.IGNORECASE)


def _number(raw: str) -> float:
    return float(raw.replace(",", "")) if raw[0].isdigit() else float(number_value(raw))


def _seconds(m: re.Match[str]) -> float:
    """The duration of a `USED_OF` match: its count in its unit."""
    return _number(m.group("n")) * SECONDS_PER[m.group("unit")[0].lower()]


def _span(m: re.Match[str]) -> tuple[float, float, bool]:
    """The seconds a `DURATION` match says, as a range (`lo`, `hi`: the same for one value) with its parts summed,
    and whether it is said as a lower bound ("45+ minutes")."""
    total, plus, first_unit = 0.0, False, 0
    for part in DURATION_PART.finditer(m.group("parts")):
        if part.group("fixed"):
            fixed = re.sub(r"[\s-]+", " ", part.group("fixed").lower())
            total += FIXED[fixed]
            first_unit = first_unit or (60 if "minut" in fixed else 3600)
            continue
        unit = SECONDS_PER[part.group("unit")[0].lower()]
        halves = 0.5 * (bool(part.group("half")) + bool(part.group("half2")))
        total += (_number(part.group("n")) + halves) * unit
        plus = plus or bool(part.group("plus"))
        first_unit = first_unit or unit
    low = _number(m.group("lo")) * first_unit if m.group("lo") else total
    return min(low, total), max(low, total), plus


def _unquoted(text: str) -> str:
    """`text` with each quote of two words or more (quotation marks, guillemets or backticks: code, a test's name, what
    someone said) left as its marks around "[...]": a duration inside one is the quoted words', not the scorecard's
    claim of the interview's time ("wrote `assert elapsed < 600  # 10 minutes`", 'said: "I'll need 20 minutes"')."""

    def blank(m: re.Match[str]) -> str:
        said = next(g for g in m.groups() if g is not None)
        if len(said.split()) < 2:
            return m.group(0)
        return m.group(0)[0] + "[...]" + m.group(0)[-1]

    return QUOTED.sub(blank, text)


def _minutes(seconds: float) -> str:
    return f"{round(seconds)} s ({seconds / 60:.1f} min)"


class _Sentence:
    """One sentence, with where its clauses start and where "you" is first said."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.starts = [0, *(m.end() for m in CLAUSE_START.finditer(text))]
        you = _YOU.search(text)
        self.you = you.start() if you else len(text)
        self.imperative = IMPERATIVE.search(text.strip()) is not None

    def clause_before(self, at: int) -> str:
        start = self.starts[bisect_right(self.starts, at) - 1]
        return self.text[max(start, at - LOOK_BACK_CHARS) : at]

    def claimed(self, m: re.Match[str], advice: bool, code_subject: bool = True) -> bool:
        """The phrase at `m` states what happened: not a hypothesis, advice, a report or a denial in its clause up to
        it (nor the code's own time, with `code_subject`); in the advice, only what is said of "you"."""
        before = self.clause_before(m.start())
        if (
            self.imperative
            or NOT_A_CLAIM.search(before)
            or NOT_A_CLAIM.search(m.group(0))
            or NEGATION.search(before)
        ):
            return False
        if code_subject and CODE_SUBJECT.search(before):
            return False
        return not advice or self.you < m.start()


class _Limits:
    """The facts' times and the thresholds the phrases are held to."""

    def __init__(self, facts: Facts) -> None:
        self.used = float(facts.time_used_s or 0.0)
        self.allowed = float(facts.time_allowed_s or 0.0)
        self.slack = max(SLACK_S, SLACK_SHARE * self.allowed)
        self.ran_out = self.used >= self.allowed - self.slack
        self.passed_at = facts.first_all_visible_pass_s
        self.told = f"the facts say {_minutes(self.used)} used of {_minutes(self.allowed)} allowed" + (
            f", every visible test first passing at {round(self.passed_at)} s"
            if self.passed_at is not None
            else ", no run passing every visible test"
        )

    def near(self, stated: float, actual: float) -> bool:
        return self.within(stated, stated, actual)

    def within(self, lo: float, hi: float, actual: float) -> bool:
        """`actual` is in the range said, within the quantity tolerance."""
        tolerance = max(QUANTITY_S, QUANTITY_SHARE * actual)
        return lo - tolerance <= actual <= hi + tolerance


def _phrase_problems(read: _Sentence, advice: bool, limits: _Limits) -> list[str]:
    text, out = read.text, []
    finished_early = limits.passed_at is not None and limits.passed_at < limits.allowed - limits.slack
    checks = (
        (RAN_OUT, not limits.ran_out, "says the time ran out or was all used"),
        (SHORT, limits.used < SHORT_SHARE * limits.allowed, "says the time was short"),
        (
            EARLY,
            limits.ran_out and not finished_early,
            "says time was left over or the candidate finished early",
        ),
        (
            HALF_LEFT,
            limits.passed_at is None or limits.passed_at > limits.allowed / 2 + limits.slack,
            "says the candidate finished with half the time or more left",
        ),
        (
            HALFWAY,
            limits.used < limits.allowed / 2 - limits.slack,
            "says the interview reached half the time allowed",
        ),
        (
            SLOW,
            limits.passed_at is not None and limits.passed_at <= SLOW_SHARE * limits.allowed,
            "says the candidate was slow",
        ),
    )
    for pattern, contradicted, says in checks:
        if not contradicted:
            continue
        for m in pattern.finditer(text):
            if read.claimed(m, advice):
                out.append(f"{says} ({m.group(0).strip()!r})")
                break
    return out


def _duration_problem(read: _Sentence, m: re.Match[str], limits: _Limits) -> str | None:
    """What is wrong with the duration at `m`, read for what its words make it; None: it holds or is no claim.

    The duration is read as the range it allows: a range said ("40-45 minutes"), from nothing up for "under 15
    minutes" and without end for "over 40 minutes" or "45+ minutes"."""
    text = read.text
    before, after = text[max(0, m.start() - 80) : m.start()], text[m.end() : m.end() + 80]
    lo, hi, plus = _span(m)
    said = m.group(0).strip()
    if AT_MOST.search(before):
        lo = 0.0
    elif plus or AT_LEAST.search(before):
        hi = math.inf
    if ALLOWED_AFTER.match(after) or (ALLOWED_BEFORE.search(before) and not REMAINING_AFTER.match(after)):
        if not limits.within(lo, hi, limits.allowed):
            return f"states {said!r} as the time allowed"
        if WHOLE_BEFORE.search(before) or WHOLE_AFTER.match(after):
            return None if limits.ran_out else f"says the whole {said!r} was used"
        if MOST_BEFORE.search(before) and limits.used < SHORT_SHARE * limits.allowed:
            return f"says most of {said!r} was used"
        return None
    # "the whole 45 minutes" that is not the time allowed
    if WHOLE_BEFORE.search(before) or WHOLE_AFTER.match(after):
        return f"states {said!r} as the time allowed" if not limits.within(lo, hi, limits.allowed) else None
    passed_at = limits.passed_at
    if REMAINING_AFTER.match(after) or REMAINING_BEFORE.search(before):
        # the moment with `lo` to `hi` left: one the interview reached, and the finish's when it is a finish
        if lo > limits.allowed + QUANTITY_S or limits.allowed - hi > limits.used + max(
            QUANTITY_S, limits.slack
        ):
            return f"says {said!r} were left at a moment the interview never reached"
        if FINISH_WITH_LEFT.search(text[max(0, m.start() - 120) : m.start()]) and (
            passed_at is None or passed_at > limits.allowed - lo + max(QUANTITY_S, limits.slack)
        ):
            return f"says the candidate finished with {said!r} left"
        return None
    if TOTAL_BEFORE.search(before) or TOTAL_AFTER.match(after):
        return None if limits.within(lo, hi, limits.used) else f"states {said!r} as the time used"
    finished = (
        FINISHED_BEFORE.search(before)
        or (  # "took 10 minutes to solve it", not a run's own time ("the first run took 3 minutes to complete")
            TOOK_BEFORE.search(before)
            and TO_FINISH_AFTER.match(after)
            and not CODE_SUBJECT.search(read.clause_before(m.start()))
        )
        or (FINISHED_AT.search(before) and IN_AFTER.match(after))
    )
    anchored = ANCHOR_AFTER.match(after)
    # "solved it in 10 minutes", "ten minutes in, every visible test passed": a finish by then
    if (finished or (anchored and (anchored.group("in") or ANCHOR_BEFORE.search(before)))) and (
        problem := _finish_problem(said, hi, limits)
    ) is not None:
        return problem
    # any other duration of what happened ("spent 15 minutes on the brute force", "five minutes into coding", "in
    # under 15 minutes"): it fits in the time used
    if lo > limits.used + max(QUANTITY_S, QUANTITY_SHARE * limits.used):
        return f"states {said!r} of an interview that lasted less"
    return None


def _finish_problem(said: str, by: float, limits: _Limits) -> str | None:
    """A finish said to come by `by` seconds: the first run that passed every visible test came by then, with the
    quantity tolerance. Where no run ever passed them, the candidate never finished, whenever it is said."""
    passed_at = limits.passed_at
    if passed_at is None:
        return f"says the candidate finished ({said!r}) where no run passed every visible test"
    if passed_at > by + max(QUANTITY_S, QUANTITY_SHARE * passed_at):
        return f"says the candidate finished in {said!r}"
    return None


def _minute_problem(read: _Sentence, m: re.Match[str], limits: _Limits) -> str | None:
    """What is wrong with the moment "minute N" at `m` ("by minute 10 all tests passed"): a finish said after it must
    have come by then, and the moment must be one the interview reached."""
    at, said = _number(m.group("n")) * 60, m.group(0).strip()
    # the pass said before its moment too: "passed all visible tests by minute 10", "paso todas las pruebas al minuto
    # 10" (not "after minute 10" or "from minute 10 on", which bound it from below only)
    said_before = FINISHED_AT.search(read.text, 0, m.start()) and not _FROM_MINUTE.match(said)
    if (ANCHOR_AFTER.match(read.text, m.end()) or said_before) and (
        problem := _finish_problem(said, at, limits)
    ) is not None:
        return problem
    if at > limits.used + max(QUANTITY_S, QUANTITY_SHARE * limits.used):
        return f"states {said!r} of an interview that lasted less"
    return None


def time_problems(texts: Iterable[tuple[str, str]], facts: Facts) -> list[str]:
    """Problems with what `texts` (`(where, text)`) say of the interview's time, one line each for the repair
    round."""
    if facts.time_used_s is None or not facts.time_allowed_s:
        return []
    limits = _Limits(facts)
    problems: list[str] = []
    for where, text in texts:
        advice = where == "candidate_advice"
        for sentence in sentences(readable(_unquoted(text))):
            said, read = sentence.strip()[:300], _Sentence(sentence)
            found = _phrase_problems(read, advice, limits)
            if not NOT_THE_INTERVIEW.search(sentence):
                for m in USED_OF.finditer(sentence):  # "used 30 of the 45 minutes": 30 minutes used
                    if read.claimed(m, advice, code_subject=False) and not limits.near(
                        _seconds(m), limits.used
                    ):
                        found.append(f"states {m.group(0).strip()!r} as the time used")
                        break
                for m in DURATION.finditer(sentence):
                    if not read.claimed(m, advice, code_subject=False):
                        continue
                    if (problem := _duration_problem(read, m, limits)) is not None:
                        found.append(problem)
                        break
                for m in MINUTE_MARK.finditer(sentence):
                    if read.claimed(m, advice, code_subject=False) and (
                        problem := _minute_problem(read, m, limits)
                    ):
                        found.append(problem)
                        break
            problems += [
                f"- {where}: {said!r} {f}, but {limits.told}: state the time only as the facts give it"
                for f in found[:1]
            ]
    return list(dict.fromkeys(problems))
