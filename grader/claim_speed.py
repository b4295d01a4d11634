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
- **the code called fast**: the same said as an attribute of the code (`_ATTRIBUTIVE`): before the noun, alone or in a
  list ("an efficient solution", "a fast, correct implementation", "her performant code", "an optimal O(n)
  solution"), after it in Spanish ("una solución eficiente"), in apposition ("the submission, efficient and
  idiomatic, ..."), holds as the code said fast does;
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

Which code (2026-12-06, graderG10): a time word in the noun phrase names it (`_named`: "their first submission,
efficient and correct, passed" is the first submission's claim), and code said fast must have run the hidden tests
within the time limit, or the sentence must give the reason from the code as a bare big-O must ("efficient: one pass
with a hash map"); code never run on them had been callable fast with nothing behind it. A denial in other words than
"not" ("far from efficient", "anything but an efficient solution": `_DENIED`), a report in one word ("supposedly")
and a question ("The code is efficient?") are no claim."""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterable

from grader.claim_complexity import REASON
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
    # a solution that is not the candidate's, a part of the code: "the reference solution is efficient", "the code
    # path for small inputs is fast"
    r"|(?:reference|model|sample|official|textbook|canonical)\s+(?:solutions?|code|implementations?)|code\s+paths?"
    r"|solucion\s+de\s+referencia"
)
# The other subjects first: "code path" is not the code.
_SUBJECT = re.compile(rf"\b(?:(?P<other>{_NOT_CODE})|(?P<code>{_CODE}))\b", re.IGNORECASE)
_FAST = (
    r"efficient|performant|scalable|optimal|fast(?:\s+enough)?|quick(?:\s+enough)?|eficiente|rapid[oa]|veloz"
    r"|optim[oa]|lo\s+bastante\s+rapid[oa]"
)
# Not a comparison or another resource straight before the word of speed, as `_COMPARED` before a noun (2026-12-06,
# reviewV11): "is far more efficient than the brute force", "runs more efficiently than the first version", "is
# memory efficient", "es más eficiente que la fuerza bruta" say no speed of the code's own, and were refused where
# it timed out or never ran the hidden tests; "is correct, memory efficient and fast" is still read at "fast".
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
# What makes it no statement of the judged code's speed: a negation, a hypothesis or a condition, a report, a hedge
# to the approach, and speed said of the visible tests, the examples or small inputs.
_NOT_A_CLAIM = re.compile(
    r"\b(?:not|never|no|nor|n't|would|could|should|might|may|can|if|unless|whether|once|in\s+principle"
    r"|in\s+theory|on\s+paper|asymptotically|said|says|claimed|claims|believed|believes|thought|thinks|argued"
    r"|felt|assumed|expected|hoped|asked|aimed|wanted|dijo|creia|pensaba|podria|seria"
    # a report in one word (graderG10): "the code was supposedly efficient"
    r"|supposedly|allegedly|purportedly|ostensibly|nominally|supuestamente)\b|n't",
    re.IGNORECASE,
)
_NARROWED = re.compile(
    r"\b(?:visible|examples?|sample|small(?:er)?|tiny|toy|first\s+run|visibles?|ejemplos?|pequen\w+)\b", re.I
)
# A denial said straight before the word of speed, in words other than "not" (2026-12-06, graderG10): "the code is
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


def _denied(text: str, start: int, end: int) -> bool:
    """A denial (`_DENIED`) ends at the word of speed that ends in `text[start:end]`. Its modifiers are modifiers
    only: not a word that opens another clause or predicate (`_STOP`, reviewV11): "far from perfect but efficient"
    and "hardly readable, yet fast" deny the first word, and say the code fast."""
    return any(
        d.end() <= end and not any(w in _STOP or w in _CONTRAST for w in _tokens(d.group("mods")))
        for d in _DENIED.finditer(text, start, end)
    )


_CONTRAST = frozenset("though although whereas still however nonetheless nevertheless albeit sino".split())  # noqa: SIM905


# The code an earlier time names (2026-12-06, graderG10): "their first submission, efficient and correct, passed; the
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
        if last < 0 or self.subjects[last].group("code") is None or self.text.rstrip().endswith("?"):
            return False  # a question ("The code is efficient?") states nothing
        subject = self.subjects[last]
        if _NOT_A_CLAIM.search(self.text, max(min(clause, subject.start()), m.start() - WINDOW), m.end()):
            return False
        if _denied(self.text, max(0, m.start() - WINDOW), m.end()):
            return False
        return not _NARROWED.search(self.text, m.end(), m.end() + 60)

    def subject_of(self, m: re.Match[str]) -> re.Match[str]:
        """The subject `of_the_code` found for the phrase at `m` (call it only where that held)."""
        return self.subjects[bisect_left(self.starts, m.start()) - 1]

    def clause_of(self, at: int) -> int:
        """Where the clause holding `at` starts."""
        return self.clauses[bisect_right(self.clauses, at) - 1]


# Speed said as an attribute of the code: before the noun, alone or in a list ("an efficient solution", "a fast,
# correct implementation", "her performant code", "an optimal O(n) solution"), after it in Spanish ("una solución
# eficiente"), and in apposition to the code ("the submission, efficient and idiomatic, ...", "the final code, an
# efficient one-pass hash map, ..."). "quick" and "rápido" are not read here: "a quick solution" is the candidate's
# pace ("una solución rápida" a quick fix).
_ATTR = (
    r"efficient|performant|scalable|optimal|(?:lightning|blazing(?:ly)?)[\s-]fast|fast|speedy|high[\s-]perform\w*"
    r"|eficientes?|veloz|veloces|optim[oa]s?|de\s+alto\s+rendimiento"
)
_NOUN = (
    r"code|solutions?|submissions?|implementations?|programs?|functions?|versions?|rewrites?|codigos?|soluciones"
    r"|solucion|entregas?|programas?|implementaciones|implementacion|funcion|funciones"
)
_NOUN_ES = (
    r"codigos?|soluciones|solucion|entregas?|programas?|implementaciones|implementacion|funcion|funciones"
)
_WORD = r"O\s*\([^()]{1,30}\)|[\w'-]+"
_GAP = rf"(?:(?:\s*,)?\s+(?:{_WORD}))"
_ATTRIBUTIVE = (
    # "an efficient solution", "a fast, correct implementation", "clean and efficient code"
    re.compile(rf"\b(?P<adj>{_ATTR})\b(?P<gap>{_GAP}{{0,4}}?)\s+(?P<noun>{_NOUN})\b", re.IGNORECASE),
    # "una solución eficiente", "un código claro y eficiente"
    re.compile(
        rf"\b(?P<noun>{_NOUN_ES})\b(?P<gap>{_GAP}{{0,3}}?)(?:\s*,)?\s+(?:y\s+)?(?P<adj>{_ATTR})\b",
        re.IGNORECASE,
    ),
    # "the submission, efficient and idiomatic, passed", "the code, an efficient one-pass hash map, ..."
    re.compile(
        rf"\b(?P<noun>{_NOUN})\s*(?:,|\(|:|\u2014|\u2013|\s-\s)\s*(?:(?:an?|the|una?)\s+)?"
        rf"(?P<apposed>(?:{_WORD}){_GAP}{{0,4}}?)\s*(?=[,)\u2014\u2013.;:!?]|\s-\s|$)",
        re.IGNORECASE,
    ),
)
_ATTR_WORD = re.compile(rf"\b(?:{_ATTR})\b", re.IGNORECASE)
# What no attribute of the code is said through: a determiner, a pronoun, a verb or a preposition between the word
# and the noun ("the approach is efficient, and the code ...", "efficient, but the code"), a comparative ("a more
# efficient solution": than the brute force), or "and" straight before the noun ("efficient and code").
_STOP_WORDS = (
    "the a an this that these those their his her its our your my which who whose it they he she we you i is was are"
    " were be been being has had have but or nor so yet to of in on for with by from at as than then while when if"
    " not no more less es era fue sea son eran fueron no que de del la el los las un una unos unas pero aunque se lo"
    " le para con en por si sin ni mas menos o seria sera podria habria esta estaba estuvo queda quedo resulto parece"
)
_STOP = frozenset(_STOP_WORDS.split())
_JOIN = frozenset({"and", "y", "&"})
# A compound the speed word names something else by: "fast and slow pointers", "fast lookups", "fast to write".
_COMPOUND = re.compile(
    r"\b(?:fast|efficient|veloz)\b(?:\s*(?:and|&|/|-)\s*slow|[\s-]+(?:pointers?|runners?|lookups?|paths?|access"
    r"|forward|i/?o|input|reader|fourier|exponentiation|power|track|inverse)\b|\s+to\b)",
    re.IGNORECASE,
)
# The noun is part of a longer name that is not the code ("an efficient code path", "a fast solution time").
_NOT_HEAD = re.compile(
    r"\s+(?:times?|pace|speed|process|design|idea|approach|strategy|plan|sketch|outline|quality|style|reviews?"
    r"|paths?|space|search)\b",
    re.IGNORECASE,
)
# The approach, the idea, or the candidate's pace the attribute is said of, in the words beside it.
_IDEA_OR_PACE = re.compile(
    r"(?<![\w-])(?:approach|idea|algorithm|analysis|complexity|reasoning|plan|strategy|intuition|explanation"
    r"|design|method|pseudo-?code|whiteboard|enfoque|algoritmo|analisis|complejidad|estrategia|fix|fixes|turnaround"
    r"|start|pace|worker|learner|typist|coder|thinker|debug\w*|iterations?|attempts?|draft|prototype|pass|minutes?"
    r"|seconds?|minutos?|segundos?|communication|explanations?|progress|typing|testing|thinking|collaboration"
    r"|questions?|delivery|problem[\s-]solving|work|learning|recovery|responses?|comunicacion|progreso)\b",
    re.IGNORECASE,
)
# Before the attribute in its clause: the idea described, aimed at or asked for, not the code's result ("described
# an efficient solution", "tried to write an efficient solution", "there is an efficient solution", "the reference
# solution"), besides a negation, a hypothesis or a report (`_NOT_A_CLAIM`).
_NOT_OF_THE_CODE = re.compile(
    r"\b(?:describ\w*|descript\w*|propos\w*|suggest\w*|outlin\w*|explain\w*|explanation\w*|discuss\w*|mention\w*"
    r"|sketch\w*|identif\w*"
    r"|recogni[sz]\w*|consider\w*|envision\w*|talk\w*|spoke|speak\w*|call(?:s|ed|ing)?|label\w*|insist\w*"
    r"|assert\w*|promis\w*|fail\w*|unable|without|sin|attempt\w*|try|tried|tries|trying|aim\w*|toward|towards"
    r"|seek\w*|sought"
    r"|look\w*\s+for|search\w*|need\w*|lack\w*|missing|instead|rather|short\s+of|goal|target\w*|want\w*|plan\w*"
    r"|intend\w*|struggl\w*|requir\w*|demand\w*|there\s+(?:is|are|was|were|exists?)|came\s+up\s+with"
    r"|come\s+up\s+with|thought\s+of|knew|know\w*|reference|model|sample|official|textbook|canonical|ideal"
    r"|intended|possible|theoretical\w*|point\w*\s+(?:to|toward)|hint\w*\s+at|steer\w*|nudg\w*|push\w*|prompt\w*"
    r"|propus\w*|propon\w*|sugir\w*|explic\w*|mencion\w*|busc\w*|intent\w*|trat\w*|hubiera|habria"
    r"|queria|falt\w*|necesit\w*|referencia|posible|hacia|expect\w*|espera\w*|practi[cs]\w*|focus\w*|advi[cs]\w*"
    r"|recommend\w*|recomend\w*|encourag\w*|learn\w*|improv\w*|next\s+time|in\s+future|in\s+mind)\b",
    re.IGNORECASE,
)
# After the noun (past a phrase set off by commas): a negation, a hypothesis or the solution said possible ("an
# efficient solution was never reached", "an efficient solution, however, would need a hash map", "an efficient
# solution exists").
_AFTER = re.compile(
    rf"\A(?:\s*(?:,|\u2014|\u2013|\s-\s|\()[^,()\u2014\u2013]{{0,60}}(?:,|\u2014|\u2013|\s-\s|\)))?"
    rf"(?:\s+[\w'-]+){{0,4}}?\s*(?:(?:{_NOT_A_CLAIM.pattern})|(?:{_NOT_OF_THE_CODE.pattern})"
    r"|\b(?:possible|feasible|exists?|existed|eluded|escaped|yet|out\s+of\s+reach|posible|existe)\b)",
    re.IGNORECASE,
)
# The candidate's pace after it: "a fast implementation, done in ten minutes".
_PACE = re.compile(
    r"\b(?:minutes?|seconds?|hours?|early|ahead\s+of|record\s+time|time\s+to\s+spare|minutos?|segundos?)\b",
    re.I,
)
# Before it: a comparative ("a more efficient solution": than the brute force) or another resource ("a
# memory-efficient solution").
_COMPARED = re.compile(
    r"\b(?:more|less|non|semi|mas|menos|space|memory|storage|cost|energy|espacio|memoria)[\s-]*\Z",
    re.IGNORECASE,
)
# A clause that gives advice ("Write efficient code from the start.", "Practise writing an efficient solution first").
_ADVICE = re.compile(
    r"\W*(?:(?:next\s+time|in\s+future|going\s+forward)\W+)?(?:write|start|aim|try|practi[cs]e|focus|make|ensure"
    r"|deliver|produce|implement|code|go|move|consider|think|keep|learn|use|prefer|look|reach|get|work|build|strive"
    r"|remember|escribe|intenta|practica|busca)\b",
    re.IGNORECASE,
)
_SAID_OF_IDEA = re.compile(
    r"\b(?:approach|idea|algorithm|analysis|complexity|reasoning|plan|strategy|intuition|explanation|design|method"
    r"|enfoque|algoritmo|analisis|complejidad|estrategia)\b(?:'s)?(?:\s*[,:(\u2014\u2013]\s*|\s+-\s+"
    r"|\s+(?:is|was|are|were|seems?|seemed|looked|remains?|remained|became|es|era|fue)\s+|\s+)(?:(?:an?|the|una?|el"
    r"|la)\s+)?\Z",
    re.IGNORECASE,
)


_THE = re.compile(r"\b(?:the|el|la|los|las)\s+(?:most\s+)?\Z", re.IGNORECASE)

# Whose code the attribute is said of. Before the noun (or a Spanish noun before it), "efficient" names the
# candidate's code only through who made it or whose it is: a possessive ("her performant code", "the candidate's
# efficient solution"), a verb of making or handing in, or a copula, straight before the noun phrase ("delivered an
# efficient solution", "finished with a correct and efficient solution", "it is an efficient solution"), or the
# clause being that phrase alone ("An efficient solution.", "Strong coding: a scalable, well-tested program.").
# Anywhere else it is the idea of such code, however the sentence relates it to theirs: "close to an efficient
# solution", "unlike an efficient solution", "an efficient solution uses two pointers", "explored an efficient
# solution", "Efficient code matters here".
_POSSESSIVE = r"their|her|his|its|your|our|my|su|sus|[\w-]+'s"
_ARTICLE = r"an?|the|this|that|una?|el|la|los|las|este|esta|esa|ese"
_MADE = (
    r"wr[io]te|written|writ(?:es|ing)|deliver\w*|produc\w*|implement\w*|submit\w*|coded|cod(?:es|ing)|buil[dt]\w*"
    r"|finish\w*\s+with|end\w*\s+(?:up\s+)?with|land\w*|ship\w*|hand\w*\s+in|turn\w*\s+in|creat\w*|develop\w*"
    r"|is|was|are|were|'s|remains?|remained|became|becomes|es|era|fue|resulto|entreg\w*|escrib\w*|program\w*"
    r"|produj\w*|desarroll\w*|constru\w*|termin\w*\s+con"
)
_DEGREE = r"(?:(?:most|very|truly|highly|really|quite|fully|muy)\s+)?"
_LIST = rf"(?:{_DEGREE}[\w'-]+\s*(?:,\s*(?:and\s+|y\s+)?|\s+(?:and|y|&)\s+))*"  # "clean, readable and "
# A time word after the possessive or article ("the candidate's first efficient submission", "their final fast
# solution": which code, `_named`).
_TIME_WORD = (
    r"(?:(?:first|initial|original|second|earlier|previous|prior|older|final|last|latest|submitted|primer[ao]?"
    r"|segund[ao]|ultim[ao])\s+)?"
)
_LEAD = re.compile(
    rf"(?:\b(?P<own>{_POSSESSIVE})\s+{_TIME_WORD}|\b(?P<made>{_MADE})\s+(?:(?:{_ARTICLE}|{_POSSESSIVE})\s+)?"
    rf"{_TIME_WORD}|\b(?:{_ARTICLE})\s+{_TIME_WORD})?{_DEGREE}{_LIST}\Z",
    re.IGNORECASE,
)
# After the noun phrase of a clause that is that phrase alone: at most what it is of or for, then the clause's end.
_ALONE_AFTER = re.compile(r"(?:\s+(?:of|for|in|with|using|de|en|con)\b[^,.;:!?]{0,60})?\s*(?:[,.;:!)]|\Z)")


def _theirs(sentence: _Sentence, m: re.Match[str]) -> bool:
    """The noun phrase at `m` (`_ATTRIBUTIVE`'s first two) is the candidate's code: owned, made or said to be it, or
    the clause alone (see `_LEAD`)."""
    text = sentence.text
    lead = _LEAD.search(text, max(0, m.start() - 120), m.start())
    if lead is None:  # pragma: no cover -- every pattern may match empty at its end
        return False
    if lead.group("own") or lead.group("made"):
        return True
    clause = sentence.clauses[bisect_right(sentence.clauses, lead.start()) - 1]
    return not re.search(r"\w", text[clause : lead.start()]) and bool(_ALONE_AFTER.match(text, m.end()))


def _tokens(text: str) -> list[str]:
    return [t.lower() for t in re.findall(_WORD, text)]


def _listed(words: str, *, last_many: bool = True) -> bool:
    """`words` are a list of modifiers: items parted by commas or "and", each one word but the last (with
    `last_many`: "efficient and readable O(n) hash-map", not "fast communication and clean")."""
    items = [_tokens(item) for item in re.split(r"\s*,\s*(?:and\s+|y\s+)?|\s+(?:and|y|&)\s+", words.strip())]
    return all(len(item) <= 1 for item in (items[:-1] if last_many else items))


def _as_attribute(sentence: _Sentence, m: re.Match[str]) -> bool:
    """`m` (`_ATTRIBUTIVE`) says the code fast: its words between are modifiers, the noun is the code's, and nothing
    around it makes it the idea, the candidate's pace, a negation, a hypothesis or the visible tests."""
    text = sentence.text
    prenominal = m.re is _ATTRIBUTIVE[0]
    if text.rstrip().endswith("?"):  # a question ("Is this an efficient solution?")
        return False
    if "apposed" in m.re.groupindex:
        apposed = m.group("apposed")
        if (
            not _ATTR_WORD.search(apposed)
            or any(w in _STOP for w in _tokens(apposed))
            or not _listed(apposed)
        ):
            return False
        if _IDEA_OR_PACE.search(apposed) or _COMPOUND.search(apposed):
            return False
    else:
        words = _tokens(m.group("gap"))
        if any(w in _STOP for w in words) or (prenominal and words and words[-1] in _JOIN):
            return False
        if not _listed(
            f"{m.group('adj')}{m.group('gap')}" if prenominal else m.group("gap"), last_many=prenominal
        ):
            return False
        if _IDEA_OR_PACE.search(m.group("gap")) or _COMPOUND.search(
            text, m.start(), min(len(text), m.end() + 12)
        ):
            return False
        if prenominal and _NOT_HEAD.match(text, m.end()):
            return False
        if _COMPARED.search(text, max(0, m.start() - 12), m.start()):
            return False
        if not _theirs(sentence, m):
            return False
    clause = sentence.clauses[bisect_right(sentence.clauses, m.start()) - 1]
    before = max(clause, m.start() - WINDOW)
    if _ADVICE.match(text, clause, m.start()):
        return False
    if _NOT_A_CLAIM.search(text, before, m.end()) or _NOT_OF_THE_CODE.search(text, before, m.end()):
        return False
    if _denied(text, max(0, m.start() - WINDOW), m.end()):  # "anything but an efficient solution"
        return False
    if _SAID_OF_IDEA.search(text, max(0, m.start() - 80), m.start()) or _AFTER.match(
        text[m.end() : m.end() + 200]
    ):
        return False
    if _PACE.search(text, m.end(), min(len(text), m.end() + 40)):
        return False
    if _THE.search(text, max(0, m.start() - 80), m.start()) and (
        _NOT_A_CLAIM.search(text, m.end(), m.end() + 2 * WINDOW)
        or _NOT_OF_THE_CODE.search(text, m.end(), m.end() + 2 * WINDOW)
    ):  # "the optimal solution" of the problem: "..., which the candidate did not reach"
        return False
    return not _NARROWED.search(text, before, min(len(text), m.end() + 60))


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
        between = _tokens(_PART_OF.sub("", text[found.end() : end], count=1))
        if len(between) <= 4 and not any(w in _STOP for w in between):
            when = found
    return when


def _named(sentence: _Sentence, noun_start: int, runs: list[CitableEvent], at: int) -> list[CitableEvent]:
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
    if early and all(w in _DETERMINERS for w in _tokens(text[early.end() : noun_start])):
        return pool[:-1] or pool[:1]
    if when is None or when.group("last"):
        return [last] if last is not None else []
    if when.group("first"):
        return pool[:1]
    if when.group("second"):  # a second that is not shown: the last judged code, as "final" names
        return pool[1:2] or ([last] if last is not None else [])
    return pool[:-1] or pool[:1]


def _claims(read: _Sentence) -> Iterable[tuple[int, int]]:
    """Where each phrase saying the code fast in the sentence has its noun, and where it says it."""
    for m in _SAID_FAST.finditer(read.text):
        if read.of_the_code(m):
            yield read.subject_of(m).start(), m.start()
    for pattern in _ATTRIBUTIVE:
        for m in pattern.finditer(read.text):
            if _as_attribute(read, m):
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
                    if not _NOT_A_CLAIM.search(sentence, max(0, m.start() - 40), m.start())
                    and not _NARROWED.search(sentence, m.end(), m.end() + 60)
                ),
                None,
            )
            if never is not None and timed_out:
                problems.append(
                    f"- {where}: {said!r} says no run hit the time limit, but run [{timed_out[0]}] did (see its "
                    "result line)"
                )
                continue
            read = _Sentence(sentence)
            for noun_start, at in _claims(read):
                problem = _judged(read, noun_start, runs, at)
                if problem:
                    problems.append(f"- {where}: {said!r} says the code is fast or efficient, but {problem}")
                    break
    return problems


def _judged(read: _Sentence, noun_start: int, runs: list[CitableEvent], at: int) -> str:
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
