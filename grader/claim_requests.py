"""The scorecard's own words never hold against the candidate a request they made of the interviewer: a person, an
accommodation, a break, more time, a repetition, or the other interview language.

The system prompt says so (its Fairness section); this module checks the words, as grader/claim_fairness.py checks
verdicts on integrity observations, so that a steered or careless model cannot store "needed a break" or "asked for
a human" as a weakness for a hiring team to act on. None of these requests is evidence about skill, so a scorecard
has no reason to name one: a text (a justification, a strength, an area, the advice) that states such a request
(`REQUEST`, in English and Spanish) gets the repair round, unless its clause denies it before ("not counted: they
asked for a break", `denied`) or its sentence says after it that it does not count or is fine ("... was not held
against them", "... is fine", `ALLOWED_AFTER`). A quote of the record's own words (the candidate's "can I take a
break?") is the record's, not the grader's (`unquoted`). Asking about the problem ("asked clarifying questions",
"asked whether the input can be empty") is evidence and is not a request here; nor is the code's language ("switched
to Python"), a request or need whose clause opens with another subject (`OTHER_SUBJECT`: "the interviewer asked for
an extension", "the task asks for a human-readable duration", "the first version needed adjustments", "the loop
needed a break once the pair was found"), nor a pause to think ("took a short pause to think").
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from grader.claim_fairness import DENIAL_REACH, denied, fold, unquoted

# Words between a verb and its object: articles and the few adjectives a request takes ("a short break", "some
# more time"). Bounded: at most three.
_FILL = (
    r"(?:(?:an?|the|some|another|more|extra|additional|short|quick|brief|little|real|actual|live|un|una|otro"
)
_FILL += r"|otra|m[áa]s|poco|peque[ñn]o|breve)\s+){0,3}"
_ASK = r"(?:ask(?:ed|ing|s)?|request(?:ed|ing|s)?|want(?:ed|ing|s)?|beg(?:ged|ging)|plead(?:ed|ing)|insist(?:ed|ing))"
_NEEDED = r"(?:need(?:ed|ing|s)?|requir(?:ed|ing|es))"
_NEED = r"(?:need(?:ed|ing|s)?|requir(?:ed|ing|es)|took|tak(?:es|ing)|had\s+to\s+take|having\s+to\s+take)"
_BREAK = (
    r"(?:break|pause|breather)s?\b(?!\s*(?:statements?|conditions?|clauses?|keywords?|points?|cases?|out\b|in\s+(?:the|a)"
    r"\s+loop|from\s+the\s+loop|once\b|to\s+(?:exit|stop|end|leave|terminate)\b|from\s+(?:coding|typing"
    r"|writing|the\s+(?:code|keyboard|editor|implementation))\b))"
)
_PERSON = (
    r"(?:human|person|recruiter|hiring\s+manager|human\s+interviewer|real\s+interviewer|someone\s+real"
    r"|(?:a|the)\s+(?:human|person))\b(?![-\u2010\u2011]|\s+readable)"
)
_SPOKEN = r"(?:spanish|english|espa[ñn]ol|ingl[ée]s)"
# Whom a request is made of, between the verb and what is asked ("asked the interviewer for more time", "pidió al
# entrevistador más tiempo").
_OF = r"(?:(?:the\s+)?(?:interviewer|ai)\s+)?"
_AL = r"(?:(?:al|a\s+la)\s+entrevistador(?:a)?\s+)?"
# More time, in minutes too ("a few more minutes", "five extra minutes").
_MORE_TIME = (
    r"(?:(?:\d+|few|couple\s+of|two|three|four|five|ten|fifteen)\s+)?(?:more|extra|additional)\s+(?:time|minutes?)"
    r"(?![-\u2010\u2011]|\s+complexit)"  # not "more time-efficient", "more time complexity"
)
_PIDIO = r"(?:pidi[óo]|pide|pidiendo|pedir|pedido|solicit[óo]|solicita|solicitando|solicitar|quiso|quer[íi]a|rog[óo])"
REQUEST = re.compile(
    # a break: asked for or needed, or taken ("needed a break", "took a short pause", "asked for a breather")
    rf"\b(?:{_ASK}|{_NEED})\s+{_OF}(?:for\s+|to\s+(?:take|have|get)\s+)?{_FILL}{_BREAK}\b"
    rf"|\b{_ASK}\s+{_OF}to\s+pause\b"
    # more time, an extension, an accommodation, captions or the text-only mode: asked for ("asked for more time")
    rf"|\b{_ASK}\s+{_OF}(?:for\s+|to\s+(?:have|get)\s+)?{_FILL}(?:{_MORE_TIME}|time\s+extension"
    r"|extension|accommodations?|adjustments?|captions|subtitles|text[\s-]only(?:\s+mode)?)\b"
    # "needed adjustments" is said of code ("the first version needed adjustments"): accommodations only
    rf"|\b(?:needed|needing|required|requiring)\s+(?:an?\s+)?accommodations?\b"
    # a person: "asked for a human", "wanted to speak to a real person", "requested a recruiter"
    rf"|\b{_ASK}\s+{_OF}(?:for\s+|to\s+(?:speak|talk)\s+(?:to|with)\s+|to\s+be\s+put\s+through\s+to\s+)?{_FILL}"
    rf"{_PERSON}"
    # asked whether they could: "asked if they could take a break", "asked whether the question could be repeated"
    rf"|\b{_ASK}\s+{_OF}(?:if|whether)\s+(?:they|he|she|\[they\]|the\s+candidate|it|the\s+(?:question|prompt"
    r"|problem|statement|instructions?))\s+(?:could|can|might|may|would)\s+(?:(?:take|have|get)\s+"
    rf"{_FILL}(?:{_BREAK}|{_MORE_TIME}|(?:time\s+)?extension)|be\s+repeated|pause|(?:speak|talk)\s+(?:to|with)\s+"
    rf"{_FILL}{_PERSON}|(?:switch|continue|speak)\s+(?:to|in|into)\s+{_SPOKEN})"
    # a repetition: "asked to repeat the question", "asked the interviewer to repeat it", "asked for the question to
    # be repeated", "needed the question repeated", "requested a repetition"; not "needed to repeat the scan" nor
    # "wanted to repeat the dry run" (the candidate's own work)
    rf"|\b(?:{_ASK}|{_NEEDED})\s+(?:the\s+(?:interviewer|ai)\s+to\s+repeat\b|to\s+(?:have\s+)?repeat\s+(?:the\s+"
    r"(?:question|prompt|problem|statement|instructions?|constraints?|requirements?|task)|it|that|this)\b"
    r"|to\s+repeat(?=\s*(?:[,.;!?)]|\Z)|\s+(?:twice|again|once)\b))"
    rf"|\b(?:{_ASK}|{_NEEDED})\s+(?:for\s+)?(?:the|an?)\s+(?:question|prompt|problem|statement|instructions?)\s+"
    r"(?:to\s+be\s+)?(?:repeated|said\s+again)\b"
    rf"|\b(?:{_ASK}|{_NEEDED})\s+(?:for\s+)?{_FILL}repetitions?\b"
    # the other interview language: "asked to switch to Spanish", "switched the conversation to English"
    rf"|\b{_ASK}\s+{_OF}(?:to\s+(?:switch|change|move|continue|speak|talk|go)\s+(?:(?:the\s+)?(?:conversation|interview"
    rf"|language)\s+)?(?:to\s+|in\s+|into\s+)?|for\s+){_FILL}(?:{_SPOKEN}|(?:another|a\s+different|other)\s+"
    r"(?:spoken\s+)?language)\b"
    rf"|\bswitch(?:ed|es|ing)?\s+(?:(?:the\s+)?(?:conversation|interview)\s+)?(?:to|into)\s+{_SPOKEN}\b"
    # in Spanish: "pidió un descanso", "necesitó una pausa", "pidió más tiempo", "pidió hablar con una persona",
    # "pidió que le repitieran la pregunta", "pidió cambiar al inglés", "cambió al español"
    rf"|\b(?:{_PIDIO}|necesit(?:[óo]|aba|ar|ando)|tom[óo]|tuvo\s+que\s+tomar)\s+{_AL}{_FILL}(?:descansos?|pausas?"
    r"|respiro)\b"
    rf"|\b{_PIDIO}\s+{_AL}{_FILL}(?:tiempo(?:\s+(?:extra|adicional))?|(?:\w+\s+)?minutos\s+(?:m[áa]s|extra"
    r"|adicionales)|pr[óo]rroga|adaptaci[óo]n(?:es)?|ajustes?|subt[íi]tulos)\b"
    rf"|\b{_PIDIO}\s+{_AL}(?:hablar\s+con\s+)?{_FILL}(?:humano|persona(?:\s+real)?|reclutador[a]?"
    r"|entrevistador[a]?\s+humano)\b"
    rf"|\b(?:{_PIDIO}|necesit(?:[óo]|aba))\s+{_AL}(?:que\s+(?:se\s+)?(?:(?:le|la|lo|las|los)\s+)*repiti\w*"
    r"|repetir(?:le)?\s+(?:la\s+(?:pregunta|consigna|instrucci[óo]n)|el\s+(?:enunciado|problema|ejercicio)"
    r"|las\s+(?:instrucciones|preguntas))|repetirl[ao]s?|una\s+repetici[óo]n"
    r"|que\s+(?:se\s+)?(?:(?:le|la|lo|las|los)\s+)*volvier\w*\s+a\s+leer)\b"
    rf"|\b(?:{_PIDIO}\s+(?:cambiar|pasar|seguir|continuar|hablar)\s+(?:(?:de\s+)?idioma|(?:al|en|a)\s+{_SPOKEN})"
    rf"|cambi[óo]\s+(?:(?:de|el)\s+idioma|al\s+{_SPOKEN}))\b",
    re.IGNORECASE,
)
# After the request, in its sentence: it is said not to count, or to be fine ("..., which is not held against them",
# "... is perfectly fine", "... no cuenta en su contra"). Looked for within `DENIAL_REACH` characters.
ALLOWED_AFTER = re.compile(
    r"(?:(?:\bnot|\bnever|n't)\s+(?:be\s+)?(?:held|counted|weighed|scored|considered|used|taken)\s+against"
    r"|\b(?:does|did|do|should|must|will)(?:\s+not|n't)\s+(?:count|weigh|matter|affect|reflect)"
    r"|\bnot\s+(?:a\s+)?(?:negative|concern|weakness|evidence|relevant)|no\s+(?:bearing|effect|weight)"
    r"|\b(?:is|was|are|were)\s+(?:always\s+|perfectly\s+|completely\s+|entirely\s+)?(?:fine|ok(?:ay)?|normal|welcome"
    r"|allowed|expected|reasonable|legitimate)"
    r"|\bno\s+(?:cuenta|pesa|influye|afecta|es\s+(?:una\s+)?(?:debilidad|evidencia))|\ben\s+su\s+contra\s+no"
    r"|\b(?:est[áa]|estaba)\s+bien|\bes\s+normal)\b",
    re.IGNORECASE,
)
SENTENCE_END = re.compile(r"[.;!?](?:\s|\Z)|\n")
# Before the request, its subject when that is not the candidate: the interviewer's request of them ("the interviewer
# asked for a repetition of the argument"), the problem's ("the task asks for a human-readable duration") or the
# code's need ("the loop needed a break once the pair was found", "el algoritmo necesitaba repetir"): a noun phrase
# opening its clause, right before the verb. Read within `SUBJECT_REACH` characters.
OTHER_SUBJECT = re.compile(
    r"(?:\A|[.;:,!?(]\s*|\b(?:and|but|when|while|after|once|then|so|y|pero|cuando|mientras)\s+)(?:the|a|an|their|its"
    r"|this|that|each|every|el|la|los|las|su|sus|este|esta|cada)\s+(?:[\w'-]+\s+){0,2}(?:interviewer|ai|entrevistador"
    r"|entrevistadora|problem|task|question|prompt|statement|follow[\s-]?up|exercise|loop|algorithm|code|solution"
    r"|function|method|version|approach|implementation|force|scan|recursion|search|test|problema|tarea|pregunta"
    r"|enunciado|ejercicio|bucle|ciclo|algoritmo|c[óo]digo|soluci[óo]n|funci[óo]n|versi[óo]n|enfoque|recorrido)"
    r"(?:'s)?\s+(?:(?:then|also|later|again|still|only|first|now|explicitly|luego|tambi[ée]n|despu[ée]s)\s+)?\Z",
    re.IGNORECASE,
)
SUBJECT_REACH = 120
# After a pause, thinking: "took a short pause to think", "tomó una pausa para pensar" is a way of working, not a
# request of the interviewer.
THINKING = re.compile(
    r"\s+(?:to|para|and|y)\s+(?:think|reason|plan|reflect|consider|pensar|razonar|planificar|reflexionar)\b",
    re.IGNORECASE,
)
PAUSE = re.compile(r"(?:pause|breather|pausa|respiro)s?\Z", re.IGNORECASE)
# A negation before the last "and" is of the verb before it ("did not finish and needed a break"), not the request.
AND = re.compile(r"\b(?:and|y)\s", re.IGNORECASE)
# Before the request, a passive or a condition: the interviewer asked them ("when asked to repeat their analysis").
PASSIVE = re.compile(r"\b(?:was|were|when|been|being|is|are|if|once|cuando|si)\s+\Z", re.IGNORECASE)


def _allowed_after(rest: str) -> bool:
    """Whether the rest of the request's sentence says it does not count or is fine."""
    end = SENTENCE_END.search(rest)
    return bool(ALLOWED_AFTER.search(rest[: min(end.start() if end else len(rest), DENIAL_REACH)]))


def request_problems(texts: Iterable[tuple[str, str]], record: str = "") -> list[str]:
    """Texts (`(where, text)`) that state a request the candidate made of the interviewer, not denied or allowed in
    its sentence (the module's rule); `record` (grader/claim_fairness.py `record_of`) holds what a quote may repeat."""
    problems = []
    for where, text in texts:
        plain = unquoted(fold(text), record)
        for m in REQUEST.finditer(plain):
            before = plain[max(0, m.start() - DENIAL_REACH) : m.start()]
            own = before[ands[-1].end() :] if (ands := list(AND.finditer(before))) else before
            if (
                PASSIVE.search(before)
                or denied(own)
                or _allowed_after(plain[m.end() :])
                or OTHER_SUBJECT.search(plain, max(0, m.start() - SUBJECT_REACH), m.start())
                or (PAUSE.search(m.group(0)) and THINKING.match(plain, m.end()))
            ):
                continue
            problems.append(
                f"- {where}: it states {m.group(0)!r}: a request the candidate made of the interviewer (a person, "
                "an accommodation, a break, more time, a repetition, another language) is never evidence about "
                "their skill and never counts against them; leave it out and assess their work"
            )
            break
    return problems
