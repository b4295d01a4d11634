"""What the scorecard's own words say the candidate did with the Run and Submit buttons, checked against who ran what.

The facts count runs and submissions "by the candidate or interviewer" (`Facts.runs`, `Facts.submissions`): the
interviewer can run the candidate's code, and the grader submits it after the interview when the candidate never did
(`by` of each run event: "candidate", "agent", "grader"). A model that reads those counts can write "the candidate ran
the tests three times" where they ran it twice and the interviewer once, "never ran the code" where they did, "never
submitted" where they did, or "tested only after the hint" where their first run came before it: findings about
verification, which the rubric scores, that the record contradicts. So each is checked against the candidate's own
runs (`Activity`, read from the run events), sentence by sentence and clause by clause, as a person reads them
(`grader.claims.readable`):

- **never ran**: a person (the candidate, they, you in the advice) or no subject, then "never ran", "did not run",
  "never tested", "never executed", "never pressed Run" with the code, the tests, "it" or nothing as the object and
  nothing after it that narrows it ("never tested it on edge cases", "did not run the hidden tests" are other
  claims); "without ever running the code", "made no runs". Holds only where the candidate made no run (a
  submission alone is not counted against it); with "before submitting", no run before their first submission;
- **never submitted**: "never submitted", "did not submit (it)", "forgot to submit", "made no submission", "without
  ever submitting", "nunca envió"; passive ("was never submitted", "nothing was submitted", "no submission was
  made"): nobody but the grader submitted. Holds only where the candidate (passive: the candidate or the
  interviewer) made no submission. A person said to have submitted ("the candidate submitted") needs one of theirs;
- **a count**: "ran the tests three times", "ran it twice", "made four runs", "submitted twice": at most the
  candidate's runs and submissions together (a run counted loosely may be a submission), exactly that many where
  said as the whole ("only once", "exactly twice", "three times in total");
- **the hint and the first run**: "tested only after the hint", "did not run the code until after the second hint",
  "first ran the tests after the hint" need the candidate's first run (or submission) after that hint (the first
  hint unless an ordinal, "hint 2" or "the last hint" says which); "ran the tests before the hint" needs one before.

Not claims: the interviewer or the grader as the subject, a hypothesis, a condition, a report or an aim in the clause
before the phrase ("would have run", "if they had submitted", "said they tested it", "time ran out before they
submitted"), a question, "ran out of time", runs by hand ("ran through the examples", "tested it mentally"), and
the tests or the code as the subject ("the hidden tests never ran": grader/claims.py reads how many tests ran).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import pairwise

from grader.claim_sentences import sentences
from grader.claim_tallies import NUMBER, number_value
from grader.claims import readable
from grader.facts import GRADER, made_by, run_events
from grader.schemas import BundleInput

INTERVIEWER = "agent"


@dataclass(frozen=True)
class Activity:
    """Who pressed Run and Submit, and when (seconds from the start; None where the record has no time)."""

    runs: tuple[float | None, ...] = ()  # the candidate's runs (visible tests or their own inputs), in order
    submissions: tuple[float | None, ...] = ()  # the candidate's submissions, in order
    interviewer_runs: int = 0
    interviewer_submissions: int = 0
    hints: tuple[float | None, ...] = ()


def activity_of(source: BundleInput) -> Activity:
    """The candidate's runs and submissions, the interviewer's counted, the grader's left out."""
    events = run_events(source)
    runs: list[float | None] = []
    submissions: list[float | None] = []
    interviewer = {"run": 0, "submit": 0}
    started = source.session.started_at
    for run in sorted(source.runs, key=lambda r: r.created_at):
        by = made_by(run, events)
        if by == GRADER:
            continue
        if by == INTERVIEWER:
            interviewer[run.kind] = interviewer.get(run.kind, 0) + 1
            continue
        event = events.get(run.id)
        t = event.t if event is not None and event.t is not None else None
        if t is None and started is not None:
            t = (run.created_at - started).total_seconds()
        (submissions if run.kind == "submit" else runs).append(t)
    hints = tuple(e.t for e in source.events if e.type == "hint")
    return Activity(tuple(runs), tuple(submissions), interviewer["run"], interviewer["submit"], hints)


# A clause: cut at a comma, a colon, a dash, a bracket and the conjunctions that open one.
_CLAUSE = re.compile(
    r"[,:(\u2014\u2013]|\s-\s|\b(?:and|but|so|then|although|though|while|whereas|because|since|y|pero|aunque)\b",
    re.IGNORECASE,
)
# Who a phrase is about, read in its clause before it: a person, perhaps with an auxiliary and adverbs between.
_PERSON = (
    r"(?:the\s+candidate|candidate|they|he|she|you|who|\[they\]|\[candidate\]|el\s+candidato|la\s+candidata)"
)
_ADVERBS = (
    r"also|still|then|simply|just|actually|clearly|only|even|ever|once|first|finally|later|never|did|does|do|had|has"
    r"|have|was|were|not|n't"
)
_LEAD_PERSON = re.compile(rf"(?:^|\b{_PERSON})(?:\s+(?:{_ADVERBS}))*\s*$", re.IGNORECASE)
# Before "without running ...": a person and what they did ("the candidate submitted without ever running it").
_LEAD_WITHOUT = re.compile(rf"(?:^|\b{_PERSON}\b)(?:\s+[\w']+){{0,5}}\s*$", re.IGNORECASE)
_NO_SUBJECT = re.compile(rf"(?:\s*\b(?:{_ADVERBS})\b)*\s*", re.IGNORECASE)
_NEGATED = re.compile(r"\b(?:never|not|no|without|nunca|sin)\b|n't", re.IGNORECASE)
# A verb said of the candidate whose object denies it ("submitted nothing", "submitted no code", "ran none of the
# tests"): no statement that they did. "No" opens one only before a noun, not "no more than", "no later than".
_NEGATED_OBJECT = re.compile(
    r"\s+(?:nothing|none|neither|nada|no\s+(?!(?:more|less|fewer|later|sooner|longer|earlier)\b)[a-z])",
    re.IGNORECASE,
)
_OTHER_ACTOR = re.compile(r"\b(?:interviewer|grader|judge|entrevistador)\b(?!'s|s')", re.IGNORECASE)
# What makes a phrase no statement of what happened (read in the clause before it and in it).
_NOT_A_CLAIM = re.compile(
    r"\b(?:would|could|should|might|may|must|can|will|if|unless|whether|had\s+they|had\s+the\s+candidate|before"
    r"|until|till|once|when|said|says|say|claimed|claims|stated|mentioned|mentions|mention|reported|admitted"
    r"|admits|admit|thought|believed|felt|hoped|planned|meant|intended|wanted"
    r"|tried|asked|told|offered|suggested|prompted|reminded|encouraged|expected|seemed|appeared|try|aim|remember"
    r"|next\s+time|habria|podria|deberia|dijo|si)\b|\bto\s*$",
    re.IGNORECASE,
)
# In the phrase itself ("never once ran", "before submitting", "until after the hint" are its own words).
_HYPOTHESIS = re.compile(r"\b(?:would|could|should|might|may|if|unless|whether)\b", re.IGNORECASE)
_DISCOURSE = re.compile(
    r"^(?:\s*(?:also|still|then|so|and|but|yet|however|in\s+fact|notably|overall|y|pero))*\s*"
)

_DET = r"(?:the|their|his|her|its|any|a|a\s+single|one|\[their\]|\[them/their\]|el|su|sus|ningun|ninguna)"
_THING = (
    r"(?:(?:own\s+|final\s+|finished\s+|new\s+|fixed\s+|updated\s+|current\s+)?(?:code|solution|program|function"
    r"|implementation|tests?|test\s+cases|visible\s+tests|example\s+tests|examples|answer|work|fix|submission)"
    r"|it|anything|them|codigo|solucion|pruebas)"
)
_OBJ = rf"(?:\s+(?:{_DET}\s+)?{_THING})?"
# Nothing after the phrase that narrows it ("on edge cases", "against the hidden tests", "again", "until ...").
_TAIL = (
    r"(?:\s+(?:at\s+all|even\s+once|once|before\s+submitting(?:\s+it)?|before\s+(?:the|their)\s+(?:first\s+)?"
    r"submission|during\s+the\s+interview|themselves|themself|\[themself\]|in\s+the\s+whole\s+interview))?"
    r"\s*(?=$|[,.;:!?)\u2014\u2013]|\s-\s|\s(?:and|but|so|because|since|which|as|while|or|nor|y|pero)\b)"
)
_NEG = r"(?:\bnever|\bnot|n't|\bnunca|\bno)"
_RUN_VERB = (
    r"(?:ran|run|runs|executed|execute|tested|test|pressed\s+run|clicked\s+run|hit\s+run|ejecuto|probo)"
)
_SUBMIT_VERB = (
    r"(?:submitted|submit|submits|hit\s+submit|pressed\s+submit|clicked\s+submit|turned\s+in|handed\s+in"
    r"|envio|entrego)"
)
_NEVER_RAN = re.compile(
    rf"{_NEG}\s+(?:(?:once|even|actually|ever|really|once\s+even)\s+)?{_RUN_VERB}\b{_OBJ}{_TAIL}"
    rf"|\bwithout\s+(?:ever\s+|once\s+)?(?:running|testing|executing){_OBJ}\s+(?:at\s+all|even\s+once|once)\b"
    rf"|\bwithout\s+ever\s+(?:running|testing|executing){_OBJ}{_TAIL}"
    rf"|\bwithout\s+(?:running|testing|executing)\s+(?:any|a\s+single)\s+(?:\w+\s+)?(?:tests?|runs?){_TAIL}"
    rf"|\bmade\s+no\s+(?:\w+\s+)?runs?{_TAIL}|\bsin\s+(?:nunca\s+)?(?:ejecutar|probar){_OBJ}{_TAIL}",
    re.IGNORECASE,
)
_NEVER_SUBMITTED = re.compile(
    rf"{_NEG}\s+(?:(?:once|even|actually|ever|really)\s+)?{_SUBMIT_VERB}\b{_OBJ}{_TAIL}"
    rf"|\bforgot\s+to\s+submit\b{_OBJ}{_TAIL}"
    rf"|\bmade\s+no\s+submissions?{_TAIL}|\bnever\s+made\s+a\s+submission{_TAIL}"
    rf"|\bwithout\s+ever\s+submitting{_OBJ}{_TAIL}|\bno\s+hizo\s+ninguna\s+entrega{_TAIL}",
    re.IGNORECASE,
)
# Passive: nobody (but the grader) submitted.
_NOTHING_SUBMITTED = re.compile(
    rf"\b(?:was|were|got)\s+never\s+submitted{_TAIL}|\b(?:was|were)\s+not\s+submitted{_TAIL}"
    rf"|\bnothing\s+(?:was|got)\s+(?:ever\s+)?submitted{_TAIL}"
    rf"|\bno\s+submissions?(?:\s+(?:was|were)\s+(?:ever\s+)?made|\s+at\s+all)?{_TAIL}"
    rf"|\bthere\s+(?:was|were)\s+no\s+submissions?{_TAIL}|\bno\s+hubo\s+(?:ninguna\s+)?entregas?{_TAIL}",
    re.IGNORECASE,
)
_SUBMITTED = re.compile(r"\bsubmitted\b(?!\s+(?:code|solution|version|program|submission)\b)", re.IGNORECASE)
_BY_HAND = re.compile(
    r"\s*(?:\w+\s+){0,3}?(?:by\s+hand|mentally|in\s+(?:their|his|her|\[their\])\s+head|on\s+paper|manually"
    r"|by\s+tracing|with\s+a\s+(?:dry\s+run|trace))\b|\s+(?:through|out)\b",
    re.IGNORECASE,
)
_TIMES = rf"(?P<n>once|twice|thrice|(?:{NUMBER})\s+times)"
_WHOLE_BEFORE = r"(?P<whole>only\s+|just\s+|exactly\s+)?"
_WHOLE_AFTER = r"(?P<total>\s+(?:in\s+total|in\s+all|altogether|overall|all\s+told))?"
_COUNTED = (
    re.compile(
        rf"\b(?P<verb>ran|executed|tested|submitted|resubmitted){_OBJ}\s+{_WHOLE_BEFORE}{_TIMES}\b{_WHOLE_AFTER}",
        re.IGNORECASE,
    ),
    re.compile(
        rf"\bmade\s+{_WHOLE_BEFORE}(?P<n>{NUMBER}|a\s+single)\s+(?:test\s+)?(?P<verb>runs?|submissions?)\b"
        rf"{_WHOLE_AFTER}",
        re.IGNORECASE,
    ),
)
_RAN = re.compile(rf"\b(?:ran|executed)\s+(?:{_DET}\s+)?{_THING}\b", re.IGNORECASE)
_ORDINALS = {"first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3, "fourth": 4, "4th": 4}
_HINT_REF = (
    rf"(?:the\s+|a\s+|any\s+|their\s+)?(?:(?:{'|'.join(_ORDINALS)}|last|final)\s+)?(?:interviewer'?s?\s+)?"
    r"hints?(?:\s+\d+)?\b"
)
# Which hint a phrase names (read in the phrase's own words).
_WHICH_HINT = re.compile(
    rf"\b(?:(?P<ord>{'|'.join(_ORDINALS)}|last|final)\s+)?(?:interviewer'?s?\s+)?(?P<hints>hints?)(?:\s+(?P<num>\d+))?\b",
    re.IGNORECASE,
)
_ONLY_AFTER = re.compile(
    rf"\b(?:ran|run|tested|test|executed|submitted|submit){_OBJ}\s+only\s+after\s+{_HINT_REF}"
    rf"|\bonly\s+(?:ran|tested|executed|submitted|began\s+testing|started\s+testing|started\s+running){_OBJ}"
    rf"\s+after\s+{_HINT_REF}"
    rf"|{_NEG}\s+(?:ran|run|tested|test|executed|submit|submitted){_OBJ}\s+(?:until|till)\s+(?:after\s+)?"
    rf"{_HINT_REF}"
    rf"|\bfirst\s+(?:ran|tested|executed|submitted){_OBJ}\s+after\s+{_HINT_REF}",
    re.IGNORECASE,
)
_BEFORE = re.compile(
    rf"\b(?:ran|tested|executed|submitted){_OBJ}\s+(?:even\s+|already\s+)?before\s+{_HINT_REF}",
    re.IGNORECASE,
)


def _clauses(sentence: str) -> list[tuple[int, str]]:
    """(where each clause starts in `sentence`, its text)."""
    cuts = [0, *(m.start() for m in _CLAUSE.finditer(sentence)), len(sentence)]
    return [(a, sentence[a:b]) for a, b in pairwise(cuts) if sentence[a:b].strip()]


# How far back in its clause a phrase's subject and what makes it no claim are read (a clause is a few words).
LOOK_BACK_CHARS = 160


class _Sentence:
    """One sentence, with what every phrase in it is judged by found once (whether it is a question, where "you" is
    first said, where another actor is named), so each phrase costs constant work besides, however long it is."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.question = text.rstrip().endswith("?")
        you = re.search(r"\byou\b", text, re.IGNORECASE)
        self.you = you.start() if you else len(text)
        actor = _OTHER_ACTOR.search(text)
        self.actor = actor.start() if actor else len(text)

    def of_the_candidate(
        self, clause: tuple[int, str], m: re.Match[str], advice: bool, passive: bool = False
    ) -> bool:
        """The phrase `m` (in `clause`: where it starts in the sentence, its text) states what the candidate did:
        its subject is them (or it has none, and no other actor was named before it in the sentence), and nothing
        makes it a hypothesis, a report or a question."""
        at, text = clause
        lead = text[max(0, m.start() - LOOK_BACK_CHARS) : m.start()]
        if self.question or _NOT_A_CLAIM.search(lead) or _HYPOTHESIS.search(m.group(0)):
            return False
        if _OTHER_ACTOR.search(lead) or (advice and self.you > at + m.start()):
            return False
        if passive:
            return True
        cut = _CLAUSE.match(lead)
        body = _DISCOURSE.sub("", lead[cut.end() :] if cut else lead, count=1)
        lead_ok = _LEAD_WITHOUT if m.group(0).lower().startswith(("without", "sin ")) else _LEAD_PERSON
        if not lead_ok.search(body):
            return False
        # No subject in the clause: it goes on from the one before it, so no other actor may be named before it.
        return not _NO_SUBJECT.fullmatch(body) or self.actor >= at


def _hint_time(phrase: re.Match[str], hints: tuple[float | None, ...]) -> float | None:
    m = _WHICH_HINT.search(phrase.group(0))
    if not hints or m is None:
        return None
    n = 1
    if m.group("num"):
        n = int(m.group("num"))
    elif m.group("ord"):
        word = m.group("ord").lower()
        n = len(hints) if word in ("last", "final") else _ORDINALS[word]
    elif m.group("hints").lower().endswith("s"):
        n = len(hints)  # "after the hints": all of them
    return hints[n - 1] if 0 < n <= len(hints) else None


def _times(m: re.Match[str]) -> int:
    said = (m.group("n") or "").lower()
    said = re.sub(r"\s+times$", "", " ".join(said.split()))
    return {"once": 1, "twice": 2, "thrice": 3, "a single": 1}.get(said) or number_value(said)


def activity_problems(texts: Iterable[tuple[str, str]], activity: Activity) -> list[str]:
    """Problems with what `texts` (`(where, text)`) say the candidate ran or submitted, one line each."""
    a = activity
    runs, subs = len(a.runs), len(a.submissions)
    told = (
        f"the candidate made {runs} run(s) and {subs} submission(s)"
        f" (the interviewer {a.interviewer_runs} run(s) and {a.interviewer_submissions} submission(s))"
    )
    problems: list[str] = []
    for where, text in texts:
        advice = where == "candidate_advice"
        for sentence in sentences(readable(text)):
            said, read = sentence.strip()[:300], _Sentence(sentence)
            for clause in _clauses(sentence):
                problems += _clause_problems(where, said, read, clause, advice, a, told)
    return list(dict.fromkeys(problems))


def _clause_problems(
    where: str, said: str, sentence: _Sentence, clause: tuple[int, str], advice: bool, a: Activity, told: str
) -> list[str]:
    at, text = clause
    runs, subs = len(a.runs), len(a.submissions)
    out: list[str] = []

    def claimed(m: re.Match[str], passive: bool = False) -> bool:
        return sentence.of_the_candidate((at, text), m, advice, passive)

    def affirmed(m: re.Match[str]) -> bool:
        before = text[max(0, m.start() - LOOK_BACK_CHARS) : m.start()]
        return not _NEGATED.search(before) and not _NEGATED_OBJECT.match(text, m.end()) and claimed(m)

    for m in _NEVER_RAN.finditer(text):
        if claimed(m):
            first_sub = next((t for t in a.submissions if t is not None), None)
            before = "before" in m.group(0).lower() or (
                m.group(0).lower().startswith("without") and "submit" in text[: m.start()].lower()
            )
            if before and first_sub is not None:
                held = not any(t is not None and t < first_sub for t in a.runs)
            else:
                held = runs == 0
            if not held:
                out.append(f"- {where}: {said!r} says the candidate never ran the code, but {told}")
                break
    for m in _NEVER_SUBMITTED.finditer(text):
        if claimed(m) and subs:
            out.append(f"- {where}: {said!r} says the candidate never submitted, but {told}")
            break
    for m in _NOTHING_SUBMITTED.finditer(text):
        if claimed(m, passive=True) and (subs or a.interviewer_submissions):
            out.append(f"- {where}: {said!r} says nothing was submitted, but {told}")
            break
    for m in _SUBMITTED.finditer(text):
        if not subs and affirmed(m):
            out.append(f"- {where}: {said!r} says the candidate submitted, but {told}")
            break
    for m in _RAN.finditer(text):
        if not runs and not subs and not _BY_HAND.match(text, m.end()) and affirmed(m):
            out.append(f"- {where}: {said!r} says the candidate ran the code, but {told}")
            break
    for m in (m for pattern in _COUNTED for m in pattern.finditer(text)):
        if not affirmed(m):
            continue
        n = _times(m)
        verb = m.group("verb").lower()
        whole = bool(m.group("whole") or m.group("total") or m.group("n").lower() == "a single")
        if "submi" in verb:
            held = n == subs if whole else n <= subs
        else:
            held = n in (runs, runs + subs) if whole else n <= runs + subs
        if not held:
            out.append(
                f"- {where}: {said!r} says {m.group(0).strip()!r}, but {told}: state only the candidate's own runs"
            )
            break
    for m in _ONLY_AFTER.finditer(text):
        hint = _hint_time(m, a.hints)
        if hint is None or not claimed(m):
            continue  # no such hint: grader/claim_hints.py says so
        submitting = "submit" in m.group(0).lower()
        mine = (
            a.submissions
            if submitting
            else tuple(sorted(t for t in (*a.runs, *a.submissions) if t is not None))
        )
        first = next((t for t in mine if t is not None), None)
        if first is None or first <= hint:
            out.append(
                f"- {where}: {said!r} says the candidate first ran or submitted after the hint (at {round(hint)} s), "
                f"but their first was " + ("none" if first is None else f"at {round(first)} s")
            )
            break
    for m in _BEFORE.finditer(text):
        hint = _hint_time(m, a.hints)
        if hint is None or not claimed(m):
            continue
        submitting = "submit" in m.group(0).lower()
        mine = a.submissions if submitting else (*a.runs, *a.submissions)
        if not any(t is not None and t < hint for t in mine):
            out.append(
                f"- {where}: {said!r} says the candidate ran or submitted before the hint (at {round(hint)} s), "
                "but none of theirs came before it"
            )
            break
    return out
