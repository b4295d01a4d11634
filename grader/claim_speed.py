"""What the scorecard's own words say about the code's speed, checked against the runs' time limits.

A run's results say when the judge stopped a test at its time limit (`time_limit`, in a run's verdict or its failed
tests, "hidden tests 0/1 passed (failed: 1 time_limit)"). "The solution is efficient", "the code runs fast" or "the
submission never timed out" where the last submission hit the time limit is a finding the record contradicts, as
"every hidden test passed" is where one failed (grader/claims.py), and neither the result checks nor the success
reading (grader/claim_success.py, which reads correctness: "correct but too slow" is true there) read it. A candidate
can say "it's O(n), so it's definitely fast enough", and a model that takes it in writes it as a result. So, sentence
by sentence, as a person reads them (`grader.claims.readable`):

- **the code said fast**: the code, the solution, the submission, the implementation, the program, the function,
  the answer or "it" said to be efficient, fast, fast enough, performant, optimal or scalable ("The solution is
  efficient", "the final code was both correct and efficient", "La solución es eficiente"), or to run, finish,
  perform or scale fast, well, efficiently or within the time limit ("The code runs fast", "it ran within the time
  limit", "scales to the largest inputs"), holds only where the last judged code did not hit the time limit (the
  last submission shown, else the last run shown);
- **the code called fast**: the same said as an attribute of the code (grader/claim_speed_attribute.py): before the
  noun, alone or in a list ("an efficient solution", "a fast, correct implementation", "her performant code", "an
  optimal O(n) solution"), after it in Spanish ("una solución eficiente"), in apposition ("the submission, efficient
  and idiomatic, ..."), holds as the code said fast does;
- **no time-out at all**: "never timed out", "no time-outs", "did not hit the time limit", "no performance problems",
  "nunca excedió el límite de tiempo" hold only where no run shown hit it.

Not claims: the approach, the idea, the algorithm, the analysis or the complexity said efficient ("The approach is
efficient in principle, but the submission timed out"), the candidate's work said quick or efficient ("debugged
efficiently", "communicated efficiently", "wrote working code within the time limit": the interview's time), a
negation, a hypothesis or a condition ("is not fast enough", "would be fast with a hash map"), a report ("the
candidate said it was fast"), and speed said of the visible tests, the examples or small inputs ("runs fast on the
visible tests"); as an attribute also the problem's or a reference solution ("there is an efficient solution",
"the optimal solution ..., which they did not reach"), an aim or advice ("tried to write an efficient solution",
"Write efficient code"), a question, a comparison or another resource ("a more efficient solution", "a
space-efficient solution"), a name ("fast and slow pointers") and the candidate's pace ("a fast implementation, done
in ten minutes"; "quick" is not read before a noun). Not read: a big-O said of the code ("the final code is O(n)"):
the complexity is the model's reading of the code, which the runs do not state (grader/claim_complexity.py).

Which code: a time word in the noun phrase names it (`_named`: "their first submission,
efficient and correct, passed" is the first submission's claim), and code said fast must have run the hidden tests
within the time limit, or the sentence must give the reason from the code as a bare big-O must ("efficient: one pass
with a hash map"); code never run on them had been callable fast with nothing behind it. A denial in other words than
"not" ("far from efficient", "anything but an efficient solution": `_DENIED`, grader/claim_speed_sentence.py), a
report in one word ("supposedly") and a question ("The code is efficient?") are no claim."""

from __future__ import annotations

import re
from collections.abc import Iterable

from grader.claim_complexity import REASON
from grader.claim_sentences import sentences
from grader.claim_speed_attribute import ATTRIBUTIVE, as_attribute
from grader.claim_speed_sentence import NARROWED, NOT_A_CLAIM, STOP, Sentence, tokens
from grader.claims import readable
from grader.evidence import RUN_TYPES, CitableEvent, CitationIndex

TIME_LIMIT = "time_limit"
_FAST = (
    r"efficient|performant|scalable|optimal|fast(?:\s+enough)?|quick(?:\s+enough)?|eficiente|rapid[oa]|veloz"
    r"|optim[oa]|lo\s+bastante\s+rapid[oa]"
)
# Not a comparison or another resource straight before the word of speed, as `_COMPARED` before a noun
# (grader/claim_speed_attribute.py): "is far more efficient than the brute force", "runs more efficiently than the
# first version", "is memory efficient", "es más eficiente que la fuerza bruta" say no speed of the code's own, and
# were refused where it timed out or never ran the hidden tests; "is correct, memory efficient and fast" is still
# read at "fast".
_ABSOLUTE = "".join(
    rf"(?<!\b{w}[\s-])"
    for w in "more less non semi mas menos space memory storage cost energy espacio memoria".split()  # noqa: SIM905
)
_SAID_FAST = re.compile(
    # "is efficient", "was both correct and efficient", "is correct, efficient and idiomatic"
    rf"\b(?:is|was|are|were|stays|stayed|remains|remained|es|era|fue|resulto)\s+(?:[\w,'-]+\s+){{0,4}}?{_ABSOLUTE}"
    rf"(?:{_FAST})\b"
    r"(?!\s+to\b)"  # "fast to write" is the candidate's pace
    r"|\b(?:runs|ran|executes|executed|finishes|finished|completes|completed|performs|performed|scales|scaled"
    rf"|corre|se\s+ejecuta|termina)\s+(?:\w+\s+)?{_ABSOLUTE}(?:fast|quickly|efficiently|well|in\s+time"
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


# The code an earlier time names: "their first submission, efficient and correct, passed; the
# final one timed out" speaks of the first submission, not of the last, and holds where that one did not hit the
# time limit. Read in the words of the noun phrase before its noun, the nearest such word deciding: "first",
# "initial", "original", "second", "earlier", "previous", "prior", "older", "primera", "anterior"; "final", "last",
# "latest", "submitted", "última" name the last judged code (as a noun with none does).
_WHEN = re.compile(
    r"\b(?:(?P<first>first|initial|original|primer[ao]?|inicial)|(?P<second>second|segund[ao])"
    r"|(?P<earlier>earlier|previous|prior|older|preceding|penultimate|second[\s-]to[\s-]last|next[\s-]to[\s-]last"
    r"|anterior(?:es)?|penultim[ao])"
    r"|(?P<last>final|last|latest|submitted|current|ultim[ao]|actual))(?![\w-])",
    re.IGNORECASE,
)


def _timed_out(event: CitableEvent) -> bool:
    return event.verdict == TIME_LIMIT or TIME_LIMIT in event.shown


_HIDDEN_RAN = re.compile(r"; hidden tests \d+/\d+ passed")  # our own result line (grader/run_lines.py)


def _hidden_ran(event: CitableEvent) -> bool:
    """The run's result shows the hidden tests run (a program's output is masked in `shown`: it cannot print this)."""
    return _HIDDEN_RAN.search(event.shown) is not None


def _runs(index: CitationIndex) -> list[CitableEvent]:
    return [index.citable[s] for s in sorted(index.citable) if index.citable[s].type in RUN_TYPES]


def _last_judged(runs: list[CitableEvent]) -> CitableEvent | None:
    """The last submission shown, else the last run shown: the code the scorecard speaks of in the present."""
    submissions = [r for r in runs if r.type == "submission"]
    judged = submissions or runs
    return judged[-1] if judged else None


# A part of the code the time word names before "of": "the first version of their code", "an earlier draft of the
# solution"; and after the noun, "the code's first version".
_PARTS = r"versions?|drafts?|iterations?|attempts?|takes?|cuts?|pass(?:es)?|ones?|rounds?|submissions?|runs?"
_PART_OF = re.compile(rf"\A\s+(?:{_PARTS})\s+of\s+(?:the|their|his|her|its|a|an)\b", re.IGNORECASE)
_POSSESSED = re.compile(rf"[\w-]+'s\s+{_WHEN.pattern}\s+(?:{_PARTS})\b", re.IGNORECASE)


# A time before the last said of the whole sentence, before its code: "Initially, the code was fast", "At first the
# solution was efficient", "Al principio, la solución era eficiente" (the earlier code; the group named as `_WHEN`'s).
_EARLY = re.compile(
    r"\b(?:initially|originally|at\s+first|at\s+the\s+(?:start|beginning|outset)|early\s+on"
    r"|in\s+the\s+beginning|al\s+principio|inicialmente|originalmente)\b",
    re.IGNORECASE,
)


_DETERMINERS = frozenset("the a an their his her its our your my la el los las su sus".split())  # noqa: SIM905


def _time_word(text: str, start: int, end: int) -> re.Match[str] | None:
    """The time word (`_WHEN`) of the noun phrase that ends at `end`, read from `start`: modifiers only between (not
    "after the first hint, the code"), the nearest deciding."""
    when = None
    for found in _WHEN.finditer(text, start, end):
        # in the noun phrase ("the first version of their code"), not "after the first hint, the code"
        between = tokens(_PART_OF.sub("", text[found.end() : end], count=1))
        if len(between) <= 4 and not any(w in STOP for w in between):
            when = found
    return when


def _named(sentence: Sentence, noun_start: int, runs: list[CitableEvent], at: int) -> list[CitableEvent]:
    """The runs the code whose noun starts at `noun_start`, said fast at `at`, names: by a time word (`_WHEN`) before
    it in its noun phrase, the first, the second or the earlier submissions (runs where there is none); otherwise the
    last judged code. Where that noun is in an earlier clause than `at`, a time word in the claim's own clause before
    it names the code first: "Although the first submission timed out, the final one is efficient" speaks of the
    final one ("one" is no noun of the code, so the subject found is the first clause's)."""
    text = sentence.text
    start = max(sentence.clause_of(noun_start), noun_start - 60)
    when = _POSSESSED.match(text, noun_start)  # "the code's first version"
    own = sentence.clause_of(at)
    if when is None and own > noun_start:
        when = _time_word(text, max(own, at - 60), at)
    if when is None:
        when = _time_word(text, start, noun_start)
    last = _last_judged(runs)
    submissions = [r for r in runs if r.type == "submission"]
    pool = submissions or runs  # "the first solution" is the first submitted one, where there are any
    # "Initially, the code was fast": a time before the last, said of the sentence; not "At first the interviewer
    # hinted at a hash map, and the code ..."
    early = None if when else _EARLY.search(text, max(0, noun_start - 40), noun_start)
    if early and all(w in _DETERMINERS for w in tokens(text[early.end() : noun_start])):
        return pool[:-1] or pool[:1]
    if when is None or when.group("last"):
        return [last] if last is not None else []
    if when.group("first"):
        return pool[:1]
    if when.group("second"):  # a second that is not shown: the last judged code, as "final" names
        return pool[1:2] or ([last] if last is not None else [])
    return pool[:-1] or pool[:1]


def _claims(read: Sentence) -> Iterable[tuple[int, int]]:
    """Where each phrase saying the code fast in the sentence has its noun, and where it says it."""
    for m in _SAID_FAST.finditer(read.text):
        if read.of_the_code(m):
            yield read.subject_of(m).start(), m.start()
    for pattern in ATTRIBUTIVE:
        for m in pattern.finditer(read.text):
            if as_attribute(read, m):
                yield m.start("noun"), m.start("noun")


def speed_problems(texts: Iterable[tuple[str, str]], index: CitationIndex) -> list[str]:
    """Problems with what `texts` (`(where, text)`) say of the code's speed, one line each for the repair round."""
    runs = _runs(index)
    timed_out = [r.seq for r in runs if _timed_out(r)]
    submissions = [r for r in runs if r.type == "submission"]
    if not timed_out and submissions and all(map(_hidden_ran, submissions)):
        return []  # every code a claim can name ran the hidden tests within the time limit
    problems: list[str] = []
    for where, text in texts:
        for sentence in sentences(readable(text)):
            said = sentence.strip()[:300]
            never = next(
                (
                    m
                    for m in _NEVER_TIMED_OUT.finditer(sentence)
                    if not NOT_A_CLAIM.search(sentence, max(0, m.start() - 40), m.start())
                    and not NARROWED.search(sentence, m.end(), m.end() + 60)
                ),
                None,
            )
            if never is not None and timed_out:
                problems.append(
                    f"- {where}: {said!r} says no run hit the time limit, but run [{timed_out[0]}] did (see its "
                    "result line)"
                )
                continue
            read = Sentence(sentence)
            for noun_start, at in _claims(read):
                problem = _judged(read, noun_start, runs, at)
                if problem:
                    problems.append(f"- {where}: {said!r} says the code is fast or efficient, but {problem}")
                    break
    return problems


def _judged(read: Sentence, noun_start: int, runs: list[CitableEvent], at: int) -> str:
    """What the runs say against the code named at `noun_start` being fast: the runs it names all hit the time
    limit, or none of them ran the hidden tests and the sentence gives no reason from the code (as a bare big-O
    needs one, grader/claim_complexity.py); "" where it holds."""
    named = _named(read, noun_start, runs, at)
    if named and all(map(_timed_out, named)):
        which = "the last judged run" if named[-1] is _last_judged(runs) else "the run it names"
        return (
            f"{which}, [{named[-1].seq}], hit the time limit: say what the runs show, or what the approach gets "
            "right"
        )
    if any(_hidden_ran(r) and not _timed_out(r) for r in named) or REASON.search(read.text):
        return ""
    shown = f"run [{named[-1].seq}] ran only the visible tests" if named else "no run was made"
    return (
        f'no run shows that code on the hidden tests ({shown}): give the reason from the code ("one pass with a '
        'hash map"), or say what the runs show'
    )
