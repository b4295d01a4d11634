"""What the scorecard's own words say about the code's speed, checked against the runs' time limits.

A run's results say when the judge stopped a test at its time limit (`time_limit`, in a run's verdict or its failed
tests, "hidden tests 0/1 passed (failed: 1 time_limit)"). "The solution is efficient", "the code runs fast" or "the
submission never timed out" where the last submission hit the time limit is a finding the record contradicts, as
"every hidden test passed" is where one failed (grader/claims.py), and neither the result checks nor the success
reading (grader/claim_success.py, which reads correctness: "correct but too slow" is true there) read it. A candidate
can say "it's O(n), so it's definitely fast enough", and a model that takes it in writes it as a result. So, sentence
by sentence, as a person reads them (`grader.claims.readable`):

- **the code said fast**: the code, the solution, the submission, the implementation, the program, the function,
  the answer or "it" said to be efficient, fast, fast enough, performant or scalable ("The solution is efficient",
  "the final code was both correct and efficient", "La solución es eficiente"), or to run, finish, perform or scale
  fast, well, efficiently or within the time limit ("The code runs fast", "it ran within the time limit", "scales to
  the largest inputs"), holds only where the last judged code did not hit the time limit (the last submission shown,
  else the last run shown);
- **no time-out at all**: "never timed out", "no time-outs", "did not hit the time limit", "no performance problems",
  "nunca excedió el límite de tiempo" hold only where no run shown hit it.

Not claims: the approach, the idea, the algorithm, the analysis or the complexity said efficient ("The approach is
efficient in principle, but the submission timed out"), the candidate's work said quick or efficient ("debugged
efficiently", "communicated efficiently", "wrote working code within the time limit": the interview's time), a
negation, a hypothesis or a condition ("is not fast enough", "would be fast with a hash map"), a report ("the
candidate said it was fast"), and speed said of the visible tests, the examples or small inputs ("runs fast on the
visible tests"). Not read: speed said as an attribute ("an efficient solution"), and a big-O said of the code ("the
final code is O(n)"): the complexity is the model's reading of the code, which the runs do not state.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterable

from grader.claim_sentences import sentences
from grader.claims import readable
from grader.evidence import RUN_TYPES, CitableEvent, CitationIndex

TIME_LIMIT = "time_limit"
WINDOW = 200  # how far before a phrase its negation, hypothesis or report is read (bounded work)
_CLAUSE_START = re.compile(
    r"[,:(\u2014\u2013]|\s-\s|\b(?:but|although|though|while|whereas|pero|aunque)\b", re.I
)

_CODE = (
    r"code|solution|submission|submitted\s+code|implementation|program|function|answer|it|codigo|solucion|entrega"
    r"|programa|implementacion"
)
_NOT_CODE = (
    r"approach|idea|algorithm|analysis|complexity|reasoning|plan|strategy|intuition|explanation|debugging|testing"
    r"|communication|candidate|they|he|she|you|enfoque|idea|analisis|complejidad|candidat[oa]"
)
_SUBJECT = re.compile(rf"\b(?:(?P<code>{_CODE})|(?P<other>{_NOT_CODE}))\b", re.IGNORECASE)
_FAST = (
    r"efficient|performant|scalable|fast(?:\s+enough)?|quick(?:\s+enough)?|eficiente|rapid[oa]|veloz"
    r"|lo\s+bastante\s+rapid[oa]"
)
_SAID_FAST = re.compile(
    # "is efficient", "was both correct and efficient", "is correct, efficient and idiomatic"
    rf"\b(?:is|was|are|were|stays|stayed|remains|remained|es|era|fue|resulto)\s+(?:[\w,'-]+\s+){{0,4}}?(?:{_FAST})\b"
    r"|\b(?:runs|ran|executes|executed|finishes|finished|completes|completed|performs|performed|scales|scaled"
    r"|corre|se\s+ejecuta|termina)\s+(?:\w+\s+)?(?:fast|quickly|efficiently|well|in\s+time"
    r"|(?:well\s+)?within\s+(?:the\s+)?time\s+limits?|under\s+(?:the\s+)?time\s+limits?|to\s+the\s+largest"
    r"|rapido|rapidamente|dentro\s+del\s+(?:limite|limite)\s+de\s+tiempo)\b",
    re.IGNORECASE,
)
_NEVER_TIMED_OUT = re.compile(
    r"\b(?:never|did\s+not|didn't|does\s+not|doesn't|no|without|zero|nunca|sin|ningun|ninguna)\s+(?:\w+\s+)?"
    r"(?:tim(?:ed|es|ing)?\s*-?\s*outs?|time\s*-?\s*outs?|(?:hit|hitting|exceed\w*|reach\w*|pass\w*)\s+(?:the|a|any)"
    r"\s+time\s+limits?|performance\s+(?:problems?|issues?)|(?:excedio|supero)\s+el\s+(?:limite|limite)\s+de"
    r"\s+tiempo)\b",
    re.IGNORECASE,
)
# What makes it no statement of the judged code's speed: a negation, a hypothesis or a condition, a report, a hedge
# to the approach, and speed said of the visible tests, the examples or small inputs.
_NOT_A_CLAIM = re.compile(
    r"\b(?:not|never|no|nor|n't|would|could|should|might|may|can|if|unless|whether|once|in\s+principle"
    r"|in\s+theory|on\s+paper|asymptotically|said|says|claimed|claims|believed|believes|thought|thinks|argued"
    r"|felt|assumed|expected|hoped|asked|aimed|wanted|dijo|creia|pensaba|podria|seria)\b|n't",
    re.IGNORECASE,
)
_NARROWED = re.compile(
    r"\b(?:visible|examples?|sample|small(?:er)?|tiny|toy|first\s+run|visibles?|ejemplos?|pequen\w+)\b", re.I
)


def _timed_out(event: CitableEvent) -> bool:
    return event.verdict == TIME_LIMIT or TIME_LIMIT in event.shown


def _runs(index: CitationIndex) -> list[CitableEvent]:
    return [index.citable[s] for s in sorted(index.citable) if index.citable[s].type in RUN_TYPES]


def _last_judged(runs: list[CitableEvent]) -> CitableEvent | None:
    """The last submission shown, else the last run shown: the code the scorecard speaks of in the present."""
    submissions = [r for r in runs if r.type == "submission"]
    judged = submissions or runs
    return judged[-1] if judged else None


class _Sentence:
    """One sentence, with where its clauses start and its subjects, found once: each phrase in it is then judged in
    time logarithmic in the sentence, however many the model wrote."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.clauses = [0, *(c.end() for c in _CLAUSE_START.finditer(text))]
        self.subjects = list(_SUBJECT.finditer(text))
        self.starts = [m.start() for m in self.subjects]

    def of_the_code(self, m: re.Match[str]) -> bool:
        """The phrase at `m` is said of the code: its clause's last subject before it (else the sentence's: "...:
        efficient and idiomatic") is the code's, not the approach's or a person's, with no negation, hypothesis or
        report from the clause's start to the phrase, and it is not narrowed to the visible tests."""
        clause = self.clauses[bisect_right(self.clauses, m.start()) - 1]
        last = bisect_left(self.starts, m.start()) - 1
        if last < 0 or self.subjects[last].group("code") is None:
            return False
        subject = self.subjects[last]
        if _NOT_A_CLAIM.search(self.text, max(min(clause, subject.start()), m.start() - WINDOW), m.end()):
            return False
        return not _NARROWED.search(self.text, m.end(), m.end() + 60)


def speed_problems(texts: Iterable[tuple[str, str]], index: CitationIndex) -> list[str]:
    """Problems with what `texts` (`(where, text)`) say of the code's speed, one line each for the repair round."""
    runs = _runs(index)
    last = _last_judged(runs)
    slow_at_end = last is not None and _timed_out(last)
    timed_out = [r.seq for r in runs if _timed_out(r)]
    if not timed_out:
        return []
    problems: list[str] = []
    for where, text in texts:
        for sentence in sentences(readable(text)):
            said = sentence.strip()[:300]
            never = next(
                (
                    m
                    for m in _NEVER_TIMED_OUT.finditer(sentence)
                    if not _NOT_A_CLAIM.search(sentence, max(0, m.start() - 40), m.start())
                    and not _NARROWED.search(sentence, m.end(), m.end() + 60)
                ),
                None,
            )
            if never is not None:
                problems.append(
                    f"- {where}: {said!r} says no run hit the time limit, but run [{timed_out[0]}] did (see its "
                    "result line)"
                )
                continue
            if last is None or not slow_at_end:
                continue
            if any(map(_Sentence(sentence).of_the_code, _SAID_FAST.finditer(sentence))):
                problems.append(
                    f"- {where}: {said!r} says the code is fast or efficient, but the last judged run, "
                    f"[{last.seq}], hit the time limit: say what the runs show, or what the approach gets right"
                )
    return problems
