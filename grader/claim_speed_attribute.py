"""Speed said as an attribute of the candidate's code, read in one sentence (for grader/claim_speed.py).

"an efficient solution", "her performant code", "una solución eficiente", "the submission, efficient and idiomatic,
..." (`as_attribute`): the words between are modifiers, the noun is the candidate's code, and nothing around it
makes it the idea, the candidate's pace, a negation, a hypothesis or the visible tests."""

from __future__ import annotations

import re
from bisect import bisect_right

from grader.claim_speed_sentence import NARROWED, NOT_A_CLAIM, STOP, WINDOW, WORD, Sentence, denied, tokens

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
_GAP = rf"(?:(?:\s*,)?\s+(?:{WORD}))"
ATTRIBUTIVE = (
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
        rf"(?P<apposed>(?:{WORD}){_GAP}{{0,4}}?)\s*(?=[,)\u2014\u2013.;:!?]|\s-\s|$)",
        re.IGNORECASE,
    ),
)
_ATTR_WORD = re.compile(rf"\b(?:{_ATTR})\b", re.IGNORECASE)
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
# solution"), besides a negation, a hypothesis or a report (`NOT_A_CLAIM`).
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
    rf"(?:\s+[\w'-]+){{0,4}}?\s*(?:(?:{NOT_A_CLAIM.pattern})|(?:{_NOT_OF_THE_CODE.pattern})"
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


def _theirs(sentence: Sentence, m: re.Match[str]) -> bool:
    """The noun phrase at `m` (`ATTRIBUTIVE`'s first two) is the candidate's code: owned, made or said to be it, or
    the clause alone (see `_LEAD`)."""
    text = sentence.text
    lead = _LEAD.search(text, max(0, m.start() - 120), m.start())
    if lead is None:  # pragma: no cover -- every pattern may match empty at its end
        return False
    if lead.group("own") or lead.group("made"):
        return True
    clause = sentence.clauses[bisect_right(sentence.clauses, lead.start()) - 1]
    return not re.search(r"\w", text[clause : lead.start()]) and bool(_ALONE_AFTER.match(text, m.end()))


def _listed(words: str, *, last_many: bool = True) -> bool:
    """`words` are a list of modifiers: items parted by commas or "and", each one word but the last (with
    `last_many`: "efficient and readable O(n) hash-map", not "fast communication and clean")."""
    items = [tokens(item) for item in re.split(r"\s*,\s*(?:and\s+|y\s+)?|\s+(?:and|y|&)\s+", words.strip())]
    return all(len(item) <= 1 for item in (items[:-1] if last_many else items))


def as_attribute(sentence: Sentence, m: re.Match[str]) -> bool:
    """`m` (`ATTRIBUTIVE`) says the code fast: its words between are modifiers, the noun is the code's, and nothing
    around it makes it the idea, the candidate's pace, a negation, a hypothesis or the visible tests."""
    text = sentence.text
    prenominal = m.re is ATTRIBUTIVE[0]
    if text.rstrip().endswith("?"):  # a question ("Is this an efficient solution?")
        return False
    if "apposed" in m.re.groupindex:
        apposed = m.group("apposed")
        if not _ATTR_WORD.search(apposed) or any(w in STOP for w in tokens(apposed)) or not _listed(apposed):
            return False
        if _IDEA_OR_PACE.search(apposed) or _COMPOUND.search(apposed):
            return False
    else:
        words = tokens(m.group("gap"))
        if any(w in STOP for w in words) or (prenominal and words and words[-1] in _JOIN):
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
    if NOT_A_CLAIM.search(text, before, m.end()) or _NOT_OF_THE_CODE.search(text, before, m.end()):
        return False
    if denied(text, max(0, m.start() - WINDOW), m.end()):  # "anything but an efficient solution"
        return False
    if _SAID_OF_IDEA.search(text, max(0, m.start() - 80), m.start()) or _AFTER.match(
        text[m.end() : m.end() + 200]
    ):
        return False
    if _PACE.search(text, m.end(), min(len(text), m.end() + 40)):
        return False
    if _THE.search(text, max(0, m.start() - 80), m.start()) and (
        NOT_A_CLAIM.search(text, m.end(), m.end() + 2 * WINDOW)
        or _NOT_OF_THE_CODE.search(text, m.end(), m.end() + 2 * WINDOW)
    ):  # "the optimal solution" of the problem: "..., which the candidate did not reach"
        return False
    return not NARROWED.search(text, before, min(len(text), m.end() + 60))
