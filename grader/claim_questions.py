"""A yes-or-no question about the solution, read as the statement its answer makes.

"Does it work? It does." is "it worked"; a question not answered yes says nothing (`as_said`, for
grader/claim_success.py and grader/claims.py)."""

from __future__ import annotations

import re

from grader.claim_reported import CONFIRMED
from grader.claim_success_words import (
    FAILING,
    HEDGE,
    NOT_BEFORE,
)
from grader.claim_words import prepared_sentence

# A question asks, it does not say ("Does the code work?", "Is it correct? Not quite."), unless the next sentence
# answers it yes ("Does it work? It does.", "Did the code pass? Yes."): then it says what it asked. Only a yes-or-no
# question, one that opens with its verb ("Did it pass?", "¿Funciona?"): "Why did the code pass?" takes it as given.
YES_NO = re.compile(
    r"\W*(?:(?:so|and|but|then|y|pero)\W+)?(?:(?P<aux>do|does|did|has|have|had)(?:n't)?|is|was|are|were"
    r"|(?:is|was|are|were)n't)\b|\W*¿(?!\W*(?:que|por\s+que|como|cual|cuales|cuando|donde|quien|quienes"
    r"|cuanto|cuantos|cuantas)\b)",
    re.IGNORECASE,
)
ANSWERED_YES = re.compile(
    r"\W*(?:(?:well|so|oh|and|in\s+short|in\s+a\s+word|short\s+answer)\W+)?(?:yes|yeah|yep|yup|indeed|absolutely"
    r"|definitely|certainly|sure|of\s+course|correct|right|affirmative"
    r"|si|claro|por\s+supuesto|efectivamente|en\s+efecto|(?:the\s+)?answer\s+is\s+(?:a\s+(?:clear\s+)?)?(?:yes|si)"
    r"|(?:it|they|she|he|this|that|lo|(?:the|their|its)\s+(?:final\s+)?(?:code|solution|submission|implementation"
    r"|program|function|candidate))\s+"
    r"(?:\w+ly\s+|indeed\s+|sure\s+)?(?:does|did|do|is|was|were|are|has|had|hace|hizo|es"
    r"|fue|pass\w*|work\w*|funcion\w*|pas[oa]))\b",
    re.IGNORECASE,
)
# "The only one" is the one there is, no hedge: "Did it pass the hidden test? Yes, the only one."
THE_ONLY = re.compile(
    r"\b(?:the|its|their|la|el|su)\s+(?:only|single|sole|unic[oa])\s+(?:(?:visible|hidden)\s+)?(?:one|test|case"
    r"|prueba|caso)\b",
    re.IGNORECASE,
)
# What makes an answer no yes: "Yes, but only the visible tests.", "It does not.", "Unclear.", "It shows otherwise."
DOUBT = re.compile(
    r"\b(?:otherwise|opposite|unclear|unknown|unverified|uncertain|doubt\w*|maybe|perhaps|probably|possibly|likely"
    r"|quizas|tal\s+vez)\b",
    re.IGNORECASE,
)
# The question said as a statement: "Does it work?" is "it worked", "Did the code pass?" is "the code passed".
ASKED_VERB = re.compile(r"\b(work|pass|succeed|solve|handle|cover|run)\b", re.IGNORECASE)
STATED = {"work": "worked", "pass": "passed", "succeed": "succeeded", "solve": "solved", "handle": "handled",
          "cover": "covered", "run": "ran"}  # fmt: skip


def as_said(sentence: str, following: str) -> str | None:
    """What `sentence` says: itself, or a yes-or-no question (`YES_NO`) as a statement where `following` (the next
    sentence) answers it yes ("Does it work? It does." is "it worked"); None: a question it does not answer yes, which
    says nothing."""
    if not sentence.rstrip().endswith("?") or not YES_NO.match(sentence):
        return sentence
    question, answer = sentence, prepared_sentence(following)
    yes = ANSWERED_YES.match(answer) or CONFIRMED.match(answer)
    if (
        not yes
        or NOT_BEFORE.search(answer)
        or HEDGE.search(THE_ONLY.sub(" ", answer))
        or FAILING.search(answer)
        or DOUBT.search(answer)
    ):
        return None
    asked = YES_NO.match(question)
    if asked is not None and asked.group("aux"):
        question = question[asked.end() :]  # "Did the code pass?": "the code pass", then "the code passed"
        question = ASKED_VERB.sub(lambda m: STATED[m.group(1).lower()], question)
    elif asked is not None:  # "Isn't it correct? It is.": asked of it being so
        question = question[: asked.end()].lower().replace("n't", "") + question[asked.end() :]
    return question.rstrip().rstrip("?").rstrip() + "."
