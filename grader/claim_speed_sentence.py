"""One sentence, read for what it says of the code's speed (for grader/claim_speed.py).

Where its clauses start, its subjects, and what makes a phrase no statement of the judged code's speed (a negation,
a hypothesis, a report, a denial in other words than "not", speed narrowed to the visible tests or small inputs)."""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right

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
    # a solution that is not the candidate's, a part of the code: "the reference solution is efficient", "the code
    # path for small inputs is fast"
    r"|(?:reference|model|sample|official|textbook|canonical)\s+(?:solutions?|code|implementations?)|code\s+paths?"
    r"|solucion\s+de\s+referencia"
)
# The other subjects first: "code path" is not the code.
_SUBJECT = re.compile(rf"\b(?:(?P<other>{_NOT_CODE})|(?P<code>{_CODE}))\b", re.IGNORECASE)
# What makes it no statement of the judged code's speed: a negation, a hypothesis or a condition, a report, a hedge
# to the approach, and speed said of the visible tests, the examples or small inputs.
NOT_A_CLAIM = re.compile(
    r"\b(?:not|never|no|nor|n't|would|could|should|might|may|can|if|unless|whether|once|in\s+principle"
    r"|in\s+theory|on\s+paper|asymptotically|said|says|claimed|claims|believed|believes|thought|thinks|argued"
    r"|felt|assumed|expected|hoped|asked|aimed|wanted|dijo|creia|pensaba|podria|seria"
    # a report in one word: "the code was supposedly efficient"
    r"|supposedly|allegedly|purportedly|ostensibly|nominally|supuestamente)\b|n't",
    re.IGNORECASE,
)
NARROWED = re.compile(
    r"\b(?:visible|examples?|sample|small(?:er)?|tiny|toy|first\s+run|visibles?|ejemplos?|pequen\w+)\b", re.I
)
# A denial said straight before the word of speed, in words other than "not": "the code is
# far from efficient", "was far from an efficient solution", "anything but fast", "hardly optimal", "nowhere near
# fast enough", "a far cry from an efficient solution", "less than efficient", "lejos de ser eficiente". Before, the
# predicative reading took "is far from efficient" as "is efficient" and refused it where the code timed out.
_SPEED_WORD = (
    r"efficient|performant|scalable|optimal|fast|quick|speedy|high[\s-]perform\w*|eficientes?|rapid[oa]s?"
)
_DENIED = re.compile(
    r"\b(?:(?:far|a\s+long\s+way)\s+from|anything\s+(?:but|other\s+than)|hardly|scarcely|nowhere\s+(?:near|close\s+to)"
    r"|a\s+far\s+cry\s+from|nothing\s+like|lejos\s+de|dista(?:ba)?\s+de|less(?:\s+than)?(?=\s+(?:ideally\s+)?(?:"
    rf"{_SPEED_WORD})\b))(?:\s+(?:being|an?|the|ser|una?|truly|really|very|particularly|ideally|muy)\b)*"
    rf"(?P<mods>(?:\s+[\w'-]+\s*,?(?:\s+(?:and|y))?){{0,3}}?)\s+(?:{_SPEED_WORD})\b",
    re.IGNORECASE,
)


def denied(text: str, start: int, end: int) -> bool:
    """A denial (`_DENIED`) ends at the word of speed that ends in `text[start:end]`. Its modifiers are modifiers
    only: not a word that opens another clause or predicate (`STOP`): "far from perfect but efficient"
    and "hardly readable, yet fast" deny the first word, and say the code fast."""
    return any(
        d.end() <= end and not any(w in STOP or w in _CONTRAST for w in tokens(d.group("mods")))
        for d in _DENIED.finditer(text, start, end)
    )


_CONTRAST = frozenset("though although whereas still however nonetheless nevertheless albeit sino".split())  # noqa: SIM905


class Sentence:
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
        if last < 0 or self.subjects[last].group("code") is None or self.text.rstrip().endswith("?"):
            return False  # a question ("The code is efficient?") states nothing
        subject = self.subjects[last]
        if NOT_A_CLAIM.search(self.text, max(min(clause, subject.start()), m.start() - WINDOW), m.end()):
            return False
        if denied(self.text, max(0, m.start() - WINDOW), m.end()):
            return False
        return not NARROWED.search(self.text, m.end(), m.end() + 60)

    def subject_of(self, m: re.Match[str]) -> re.Match[str]:
        """The subject `of_the_code` found for the phrase at `m` (call it only where that held)."""
        return self.subjects[bisect_left(self.starts, m.start()) - 1]

    def clause_of(self, at: int) -> int:
        """Where the clause holding `at` starts."""
        return self.clauses[bisect_right(self.clauses, at) - 1]


WORD = r"O\s*\([^()]{1,30}\)|[\w'-]+"
# What no attribute of the code is said through: a determiner, a pronoun, a verb or a preposition between the word
# and the noun ("the approach is efficient, and the code ...", "efficient, but the code"), a comparative ("a more
# efficient solution": than the brute force), or "and" straight before the noun ("efficient and code").
_STOP_WORDS = (
    "the a an this that these those their his her its our your my which who whose it they he she we you i is was are"
    " were be been being has had have but or nor so yet to of in on for with by from at as than then while when if"
    " not no more less es era fue sea son eran fueron no que de del la el los las un una unos unas pero aunque se lo"
    " le para con en por si sin ni mas menos o seria sera podria habria esta estaba estuvo queda quedo resulto parece"
)
STOP = frozenset(_STOP_WORDS.split())


def tokens(text: str) -> list[str]:
    return [t.lower() for t in re.findall(WORD, text)]
