"""What the scorecard's own words say about the interviewer's hints, checked against the facts' `hints`.

The facts count every hint the interviewer gave (`Facts.hints`), and the model is told them; but a justification, a
strength, an area to improve or the advice is free text a person reads as the grader's finding, and "solved it
without any hints" where the interviewer gave two (or "needed three hints" where it gave one) is a finding the record
contradicts: the first lifts problem solving past the rubric's "an approach reached mostly through hints scores at
most 2", the second lowers a candidate for help they never had. A candidate can also say "I didn't need any hints",
and a model that takes it in writes it as a result. So, sentence by sentence, as a person reads them
(`grader.claims.readable`: invisible characters, look-alike letters, markdown):

- **none**: "needed no hints", "without (any) hints", "zero hints", "hint-free", "no hint was needed", "did not
  need (require, use, get, receive, take) any hint", "never needed a hint", "sin pistas", "ninguna pista", "no
  necesitó pistas" hold only where the facts have no hint;
- **a count**: "one hint", "two hints", "3 hints", "a couple of hints" (2) hold where at most that many were given
  ("after two hints" where three were given is true of a moment); said as the whole ("only one hint", "just two
  hints", "a single hint", "the only hint", "both hints", "all three hints", "two hints in total", "hints given:
  2"), it must be exactly the facts';
- **an ordinal**: "hint 2", "the second hint", "la segunda pista" need that many hints given;
- **a hint given**, where the facts have none: "after the hint", "the interviewer's hint", "needed a hint", "with a
  hint", "thanks to the hints", "the hints helped" ("the hint" said as given or taken).

Where the record is incomplete from some time on (the interviewer's events refused past the session's budget), the
facts count only the hints recorded before then: "none", a count said as the whole, "the only hint", "both hints"
and "no further hints" speak of the time after it too, and are unverifiable, so a problem like a contradicted one.

Not claims: the question's hints ("one of the four available hints", "the question has three hints"), a hypothesis,
an aim or advice ("would have needed a hint", "try solving without hints", "practise ...
without hints"; in the advice only what is said of "you"), a hint asked for, offered or declined ("asked for a hint",
"declined the hint"), "further", "more", "another" or "additional" hints (after some), "not without hints" and "could
not have done it without the hint" (some were given), and words of help that name no hint ("unaided", "on their own",
"independently"): an approach reached on one's own may precede a hint about an edge case, and the rubric reads those
from the timeline.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable

from grader.claim_sentences import sentences
from grader.claim_tallies import NUMBER, number_value
from grader.claims import readable
from grader.schemas import Facts

# "hint of" and "hints at" are a trace and a verb ("no hint of confusion", "the name hints at a heap").
# "Type hints" are code ("the code has no type hints").
_HINT = (
    r"(?<!\btype\s)(?<!\btype-)(?<!\btyping\s)(?<!\bquery\s)(?<!\bcompiler\s)"
    r"(?:hints?|pistas?)(?!\s+(?:of\b|at\b(?!\s+all\b)))"
)
_HINT_WORD = re.compile(rf"\b{_HINT}\b|\bhint-free\b|\bhintless\b", re.IGNORECASE)
# A sentence ends at ".", "!", "?" or ";" and a space (not the point of "e.g." or a decimal).
# Where the clause a hint phrase stands in starts: a comma, a colon, a dash, "but", "and", "although", "though".
_CLAUSE_START = re.compile(
    r"[,:(\u2014\u2013]|\s-\s|\b(?:but|and|although|though|while|whereas|pero|aunque)\b", re.I
)

# Said of no hint at all.
_VERBS = (
    r"(?:need|needs|needed|needing|require|requires|required|use|uses|used|get|gets|got|receive|receives|received"
    r"|take|takes|took|rely|relied|relying|depend|depended|depending)"
)
_NONE = re.compile(
    rf"\b(?:no|zero|0)\s+(?:\w+\s+)?{_HINT}\b"  # "no hints", "zero hints", "no interviewer hints"
    rf"|(?<!\bnot\s)\bwithout\s+(?:any\s+|a\s+single\s+|a\s+|one\s+|the\s+need\s+for\s+(?:a\s+|any\s+)?)?{_HINT}\b"
    r"|\bhint-free\b|\bhintless\b"
    rf"|(?:\bnot|n't|\bnever)\s+(?:\w+\s+)?{_VERBS}\s+(?:on\s+|for\s+)?(?:any\s+|a\s+|a\s+single\s+|one\s+)?"
    rf"(?:\w+\s+)?{_HINT}\b"  # "did not need any hints", "never needed a hint"
    rf"|\bnot\s+(?:a\s+single|one)\s+{_HINT}\b"
    rf"|(?<!\bnot\s)\bwithout\s+{_VERBS[:-1]}|needing|requiring|using|getting|receiving|taking)\s+"
    rf"(?:any\s+|a\s+|a\s+single\s+)?(?:\w+\s+)?{_HINT}\b"  # "without needing any hints"
    rf"|\bno\s+need\s+(?:for|of)\s+(?:any\s+|a\s+)?{_HINT}\b"
    r"|\bsin\s+(?:ninguna\s+|una\s+sola\s+)?pistas?\b|\bninguna\s+pista\b|\bno\s+(?:\w+\s+)?pistas?\b",
    re.IGNORECASE,
)
# After some hints: "no further hints", "without more hints"; or the ones given: "without the hint". The first say
# none came after some time, to the end: of a record incomplete from some time on, unverifiable (`hint_problems`).
_MORE = rf"\b(?:further|more|another|additional|extra|other|second|third|next|remaining|mas|otra|otras)\s+{_HINT}\b"
_AFTER_SOME = re.compile(
    rf"{_MORE}|\bthe\s+(?:interviewer'?s?\s+)?{_HINT}\b|\b(?:its|their|that|this|those|these)\s+{_HINT}\b",
    re.IGNORECASE,
)
_MORE_HINTS = re.compile(_MORE, re.IGNORECASE)
_COUNT = re.compile(
    r"\b(?:(?P<whole>only|just|exactly|all|solo)\s+(?:(?:needed|required|used|got|received|took|necesito|uso|recibio)\s+)?)?"
    rf"(?P<n>{NUMBER}|a\s+couple\s+of|a\s+pair\s+of|a\s+single|una\s+sola|una|dos|tres|cuatro|cinco)\s+"
    rf"(?:\w+\s+)?{_HINT}\b"
    r"(?P<total>\s+(?:in\s+total|in\s+all|altogether|overall|en\s+total))?"
    rf"|\b{_HINT}\s*(?:given|used|needed|received)?\s*[:=]\s*(?P<label>\d+)\b",
    re.IGNORECASE,
)
_ONLY = re.compile(rf"\bthe\s+(?:only|sole|single|one)\s+(?:\w+\s+)?{_HINT}\b", re.IGNORECASE)
_BOTH = re.compile(rf"\b(?:both|ambas)\s+(?:of\s+the\s+)?(?:\w+\s+)?{_HINT}\b", re.IGNORECASE)
_ORDINALS = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7, "eighth": 8,
    "primera": 1, "segunda": 2, "tercera": 3, "cuarta": 4, "quinta": 5,
}  # fmt: skip
_ORDINAL = re.compile(
    rf"\b(?:{'|'.join(_ORDINALS)}|\d+(?:st|nd|rd|th))\s+(?:\w+\s+)?{_HINT}\b"
    rf"|\b{_HINT}\s+(?:#|no\.?\s*|number\s+|n\.?º\s*)?(\d+)\b"
    r"(?!\s*(?:s|secs?|seconds?|segundos?|m|mins?|minutes?|minutos?|%)(?:\b|$))",  # "the hint 90 s later" is a time
    re.IGNORECASE,
)
_SPANISH_NUMBERS = {"una": 1, "dos": 2, "tres": 3, "cuatro": 4, "cinco": 5}
_SINGLE = ("a single", "una sola")  # said as the whole: "after a single hint"
# A hint said as given or taken (with none in the facts, a claim the record contradicts).
_GIVEN = re.compile(
    rf"\b(?:after|with|following|thanks\s+to|from|needed|required|got|received|took|used|using|applied|was\s+given"
    rf"|were\s+given|gave|despite|tras|con|despues\s+de|gracias\s+a)\s+"
    rf"(?:(?:a|an|the|one|their|its|his|her|la|una|las)\s+)?(?:interviewer'?s?\s+|small\s+|brief\s+|gentle\s+)?"
    rf"{_HINT}\b"
    rf"|\bthe\s+(?:interviewer'?s?\s+)?{_HINT}\s+(?:helped|unblocked|worked|led|pointed|was|were|came|given|made)"
    rf"|\binterviewer'?s\s+{_HINT}\b|\b{_HINT}\s+(?:was|were)\s+(?:given|needed|required|used|provided)\b",
    re.IGNORECASE,
)
# What makes a hint phrase no statement of what happened: a hypothesis, an aim, advice, a hint asked for or declined.
_NOT_A_CLAIM = re.compile(
    r"\b(?:would|could|should|might|may|can|will|shall|must|if|unless|whether|try|trying|tries|practi[cs]e"
    r"|practi[cs]ing|aim|aiming|goal|next\s+time|in\s+(?:the\s+)?future|work\s+on|focus\s+on|keep|continue"
    r"|yourself|asked|asking|asks|ask|request|requested|requesting|offer|offered|offering|declined|refused"
    r"|decline|refuse|wanted|want|podria|deberia|intenta|practica|pidio|pedir|ofrecio|rechazo)\b",
    re.IGNORECASE,
)
# The question's hints, not the ones given: "one of the four hints", "the question's two hints", "three hints were
# available"; and a hypothesis after the count: "two hints would have helped".
_POOL_BEFORE = re.compile(
    r"(?:\bof|\bout\s+of)\s+(?:the\s+|its\s+|their\s+|all\s+)?$"
    r"|\b(?:question'?s?|problem'?s|bank|pregunta|available|prepared|scripted|has|had|offers|lists|listed)\b",
    re.IGNORECASE,
)
_POOL_AFTER = re.compile(
    r"\s*(?:available|possible|on\s+offer|prepared|in\s+the\s+(?:question|bank)|disponibles?"
    r"|would|could|might|may|should)\b",
    re.IGNORECASE,
)
_YOU = re.compile(r"\b(?:you|your|tu|tu|usted)\b", re.IGNORECASE)
# A phrase saying a hint was given, counted or named, denied in its clause: "never gave a hint", "did not need a
# second hint", "no second hint", "without a second hint", "neither hint was given". A time word between the
# negation and the phrase leaves the phrase said ("did not see the bug until the second hint").
_NEGATION = re.compile(r"\b(?:never|not|no|without|neither|nor|nunca|sin|ningun[ao]?)\b|n't", re.IGNORECASE)
_TIME_WORD = re.compile(r"\b(?:until|till|before|after|when|once|since|hasta|antes|despues)\b", re.IGNORECASE)


# How far back a phrase's clause is read for what makes it no claim (a clause is a few words; bounded work).
LOOK_BACK_CHARS = 200


class _Sentence:
    """One sentence, with where its clauses start and where "you" is first said, found once (every phrase in it is
    judged in constant work besides, however many the model wrote)."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.starts = [0, *(m.end() for m in _CLAUSE_START.finditer(text))]
        you = _YOU.search(text)
        self.you = you.start() if you else len(text)

    def claimed(self, m: re.Match[str], advice: bool, affirm: bool = False) -> bool:
        """The phrase at `m` states what happened: not a hypothesis, an aim, advice, a hint asked for or declined
        (in its clause, up to it, or in it); in the advice, only what is said of "you". With `affirm` (a phrase
        that says a hint was given), not denied in its clause either."""
        start = self.starts[bisect_right(self.starts, m.start()) - 1]
        clause = self.text[max(start, m.start() - LOOK_BACK_CHARS) : m.start()]
        if _NOT_A_CLAIM.search(clause) or _NOT_A_CLAIM.search(m.group(0)):
            return False
        denied = list(_NEGATION.finditer(clause)) if affirm else []
        if denied and not _TIME_WORD.search(clause, denied[-1].end()):
            return False
        if (_POOL_BEFORE.search(clause) or _POOL_AFTER.match(self.text, m.end())) and not _NONE.fullmatch(
            m.group(0)
        ):
            return False
        return not advice or self.you < m.start()


def _count(m: re.Match[str]) -> int:
    if m.group("label"):
        return int(m.group("label"))
    n = re.sub(r"\s+", " ", m.group("n").lower())
    if n in _SINGLE:
        return 1
    if n in ("a couple of", "a pair of"):
        return 2
    return _SPANISH_NUMBERS.get(n) or number_value(n)


def _ordinal(m: re.Match[str]) -> int:
    if m.group(1):
        return int(m.group(1))
    word = m.group(0).split()[0].lower()
    return _ORDINALS.get(word) or int(re.match(r"\d+", word).group(0))  # type: ignore[union-attr]


def hint_problems(
    texts: Iterable[tuple[str, str]], facts: Facts, record_full_s: float | None = None
) -> list[str]:
    """Problems with what `texts` (`(where, text)`) say of the hints, one line each for the repair round.

    With `record_full_s` (the record incomplete from then: `BundleSession.record_full_s`), the facts' count is a
    lower bound: a claim that holds only if it is the whole count ("no hints", "only one hint", "the only hint",
    "both hints", "two hints in total") speaks of the time after the cut too, which nothing records, and is
    unverifiable rather than supported. A count within what was recorded ("after two hints") still holds."""
    given = len(facts.hints)
    told = f"the facts have {given} hint(s) given" if given else "the facts have no hint given"
    cut = None if record_full_s is None else round(record_full_s)
    if cut is not None:
        told = (
            f"the record is incomplete from {cut} s: the facts count {given} hint(s) given before then, and any "
            "after it are not recorded (the whole count is not known)"
        )
    exact = cut is None  # the facts' count is the whole interview's
    problems: list[str] = []
    for where, text in texts:
        advice = where == "candidate_advice"
        for sentence in sentences(readable(text)):
            if not _HINT_WORD.search(sentence):
                continue
            said, read = sentence.strip()[:300], _Sentence(sentence)
            for m in _NONE.finditer(sentence):
                # "did not need three hints" denies a count, not every hint (the count may be what was meant)
                counted = any(_count(c) > 1 for c in _COUNT.finditer(m.group(0)))
                if (
                    (given or not exact)
                    and read.claimed(m, advice)
                    and not (_AFTER_SOME.search(m.group(0)) and (exact or not _MORE_HINTS.search(m.group(0))))
                    and not counted
                ):
                    problems.append(f"- {where}: {said!r} says no hint was given or needed, but {told}")
                    break
            for m in _COUNT.finditer(sentence):
                if not read.claimed(m, advice, affirm=True):
                    continue
                n = _count(m)
                whole = bool(
                    m.group("whole")
                    or m.group("total")
                    or m.group("label")
                    or re.sub(r"\s+", " ", (m.group("n") or "").lower()) in _SINGLE
                )
                if n > given or (whole and (n != given or not exact)):
                    problems.append(
                        f"- {where}: {said!r} says {m.group(0).strip()!r} of hints, but {told}: state the hints "
                        "only as the facts count them"
                    )
                    break
            for m in _ONLY.finditer(sentence):
                if read.claimed(m, advice, affirm=True) and (given != 1 or not exact):
                    problems.append(f"- {where}: {said!r} says {m.group(0).strip()!r}, but {told}")
                    break
            for m in _BOTH.finditer(sentence):
                if read.claimed(m, advice, affirm=True) and (given != 2 or not exact):
                    problems.append(f"- {where}: {said!r} says both hints, but {told}")
                    break
            for m in _ORDINAL.finditer(sentence):
                if read.claimed(m, advice, affirm=True) and _ordinal(m) > given:
                    problems.append(f"- {where}: {said!r} names {m.group(0).strip()!r}, but {told}")
                    break
            if not given and not _NONE.search(sentence):
                for m in _GIVEN.finditer(sentence):
                    if read.claimed(m, advice, affirm=True):
                        problems.append(f"- {where}: {said!r} says a hint was given, but {told}")
                        break
    return list(dict.fromkeys(problems))
