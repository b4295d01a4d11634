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
  time", "se quedó sin tiempo"): the time used reached the time allowed less the slack;
- **the time was short** ("struggled with time", "pressed for time", "nearly ran out of time"): the time used is at
  least half the time allowed;
- **time left over** ("finished with plenty of time to spare", "finished early", "solved it quickly", "con tiempo de
  sobra"): the time did not run out (as above), or a run passed every visible test before the slack;
- **slow** ("the candidate was slow", "slow to finish", "took too long to solve"): no run passed every visible test
  within a third of the time allowed;
- **a duration** stated with its unit: the time allowed ("the 45-minute interview", "of the 45 minutes") must be
  it; the time used ("the interview lasted 20 minutes", "used 12 minutes in total") must be it within the quantity
  tolerance; a finish ("solved it in 10 minutes") must not come before the first run that passed every visible test;
  what was left ("with 10 minutes left") must be a moment the interview reached; any other duration of what
  happened ("spent 20 minutes on the brute force", "at the 30-minute mark", "after 3 minutes") must fit in the time
  used. "Under 15 minutes" bounds from above and "over 40 minutes" from below.

Not claims: a complexity ("O(n) time", "linear time"), the judge's time limit and its verdict ("time limit
exceeded", "the hidden test timed out"), a hypothesis, an aim, advice, a report of what someone said or felt
("said they felt rushed"), a negated phrase ("did not run out of time": a denial is never refused), the code's time
("the submission ran out of time on the hidden test"), "time" in a compound or a complexity ("short on time
complexity detail", "the time-space trade-off"), and a phase's pace ("quickly found the bug", "slow in debugging").
In the advice only what is said of "you" is a claim. Without both times in the facts nothing is checked."""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable

from grader.claim_sentences import sentences
from grader.claim_tallies import number_value
from grader.claim_time_words import (
    ALLOWED_AFTER,
    ALLOWED_BEFORE,
    AT_LEAST,
    AT_MOST,
    CLAUSE_START,
    CODE_SUBJECT,
    DURATION,
    EARLY,
    FINISHED_BEFORE,
    FIXED,
    IMPERATIVE,
    NEGATION,
    NOT_A_CLAIM,
    NOT_THE_INTERVIEW,
    RAN_OUT,
    REMAINING_AFTER,
    REMAINING_BEFORE,
    SECONDS_PER,
    SHORT,
    SLOW,
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
_YOU = re.compile(r"\b(?:you|your|tu|usted)\b", re.IGNORECASE)


def _seconds(m: re.Match[str]) -> float:
    if m.groupdict().get("fixed"):
        return float(FIXED[re.sub(r"[\s-]+", " ", m.group("fixed").lower())])
    raw = m.group("n")
    n = float(raw) if raw[0].isdigit() else float(number_value(raw))
    return n * SECONDS_PER[m.group("unit")[0].lower()]


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
        return abs(stated - actual) <= max(QUANTITY_S, QUANTITY_SHARE * actual)


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
    """What is wrong with the duration at `m`, read for what its words make it; None: it holds or is no claim."""
    text = read.text
    before, after = text[max(0, m.start() - 80) : m.start()], text[m.end() : m.end() + 80]
    value, said = _seconds(m), m.group(0).strip()
    at_most, at_least = bool(AT_MOST.search(before)), bool(AT_LEAST.search(before))
    if ALLOWED_AFTER.match(after) or (ALLOWED_BEFORE.search(before) and not REMAINING_AFTER.match(after)):
        if not limits.near(value, limits.allowed) and not (at_least and value <= limits.allowed):
            return f"states {said!r} as the time allowed"
        if WHOLE_BEFORE.search(before) or WHOLE_AFTER.match(after):
            return None if limits.ran_out else f"says the whole {said!r} was used"
        return None
    # "the whole 45 minutes" that is not the time allowed
    if WHOLE_BEFORE.search(before) or WHOLE_AFTER.match(after):
        return f"states {said!r} as the time allowed" if not limits.near(value, limits.allowed) else None
    if REMAINING_AFTER.match(after) or REMAINING_BEFORE.search(before):
        moment = limits.allowed - value  # the moment with `value` left: one the interview reached
        if value > limits.allowed + QUANTITY_S or moment > limits.used + max(QUANTITY_S, limits.slack):
            return f"says {said!r} were left at a moment the interview never reached"
        return None
    if TOTAL_BEFORE.search(before) or TOTAL_AFTER.match(after):
        if at_most:
            bad = limits.used > value + max(QUANTITY_S, QUANTITY_SHARE * limits.used)
        elif at_least:
            bad = value > limits.used + max(QUANTITY_S, QUANTITY_SHARE * limits.used)
        else:
            bad = not limits.near(value, limits.used)
        return f"states {said!r} as the time used" if bad else None
    passed_at = limits.passed_at
    if (  # "solved it in 10 minutes": no run passed every visible test that early
        FINISHED_BEFORE.search(before)
        and passed_at is not None
        and not at_least
        and passed_at > value + max(QUANTITY_S, QUANTITY_SHARE * passed_at)
    ):
        return f"says the candidate finished in {said!r}"
    if at_most:  # "within 15 minutes", "in under 15 minutes": an upper bound of something in the interview
        return None
    if value > limits.used + max(QUANTITY_S, QUANTITY_SHARE * limits.used):
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
        for sentence in sentences(readable(text)):
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
            problems += [
                f"- {where}: {said!r} {f}, but {limits.told}: state the time only as the facts give it"
                for f in found[:1]
            ]
    return list(dict.fromkeys(problems))
