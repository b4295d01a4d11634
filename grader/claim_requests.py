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
to Python").
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
    r"\s+loop|from\s+the\s+loop))"
)
_PERSON = (
    r"(?:human|person|recruiter|hiring\s+manager|human\s+interviewer|real\s+interviewer|someone\s+real"
    r"|(?:a|the)\s+(?:human|person))\b"
)
_SPOKEN = r"(?:spanish|english|espa[ñn]ol|ingl[ée]s)"
_PIDIO = r"(?:pidi[óo]|pide|pidiendo|pedir|pedido|solicit[óo]|solicita|solicitando|solicitar|quiso|quer[íi]a|rog[óo])"
REQUEST = re.compile(
    # a break: asked for or needed, or taken ("needed a break", "took a short pause", "asked for a breather")
    rf"\b(?:{_ASK}|{_NEED})\s+(?:for\s+|to\s+(?:take|have|get)\s+)?{_FILL}{_BREAK}\b"
    # more time, an extension, an accommodation, captions or the text-only mode: asked for ("asked for more time")
    rf"|\b{_ASK}\s+(?:for\s+|to\s+(?:have|get)\s+)?{_FILL}(?:(?:more|extra|additional)\s+time|time\s+extension"
    r"|extension|accommodations?|adjustments?|captions|subtitles|text[\s-]only(?:\s+mode)?)\b"
    rf"|\b(?:needed|needing|required|requiring)\s+(?:an?\s+)?(?:accommodations?|adjustments?)\b"
    # a person: "asked for a human", "wanted to speak to a real person", "requested a recruiter"
    rf"|\b{_ASK}\s+(?:for\s+|to\s+(?:speak|talk)\s+(?:to|with)\s+|to\s+be\s+put\s+through\s+to\s+)?{_FILL}{_PERSON}"
    # a repetition: "asked to repeat the question", "asked the interviewer to repeat it", "asked for the question to
    # be repeated", "needed the question repeated", "requested a repetition"
    rf"|\b(?:{_ASK}|{_NEEDED})\s+(?:the\s+(?:interviewer|ai)\s+)?to\s+repeat\b"
    rf"|\b(?:{_ASK}|{_NEEDED})\s+(?:for\s+)?(?:the|an?)\s+(?:question|prompt|problem|statement|instructions?)\s+"
    r"(?:to\s+be\s+)?(?:repeated|said\s+again)\b"
    rf"|\b(?:{_ASK}|{_NEEDED})\s+(?:for\s+)?{_FILL}repetitions?\b"
    # the other interview language: "asked to switch to Spanish", "switched the conversation to English"
    rf"|\b{_ASK}\s+(?:to\s+(?:switch|change|move|continue|speak|talk|go)\s+(?:(?:the\s+)?(?:conversation|interview"
    rf"|language)\s+)?(?:to\s+|in\s+|into\s+)?|for\s+){_FILL}(?:{_SPOKEN}|(?:another|a\s+different|other)\s+"
    r"(?:spoken\s+)?language)\b"
    rf"|\bswitch(?:ed|es|ing)?\s+(?:(?:the\s+)?(?:conversation|interview)\s+)?(?:to|into)\s+{_SPOKEN}\b"
    # in Spanish: "pidió un descanso", "necesitó una pausa", "pidió más tiempo", "pidió hablar con una persona",
    # "pidió que le repitieran la pregunta", "pidió cambiar al inglés", "cambió al español"
    rf"|\b(?:{_PIDIO}|necesit(?:[óo]|aba|ar|ando)|tom[óo]|tuvo\s+que\s+tomar)\s+{_FILL}(?:descansos?|pausas?"
    r"|respiro)\b"
    rf"|\b{_PIDIO}\s+{_FILL}(?:tiempo(?:\s+(?:extra|adicional))?|pr[óo]rroga|adaptaci[óo]n(?:es)?|ajustes?"
    r"|subt[íi]tulos)\b"
    rf"|\b{_PIDIO}\s+(?:hablar\s+con\s+)?{_FILL}(?:humano|persona(?:\s+real)?|reclutador[a]?"
    r"|entrevistador[a]?\s+humano)\b"
    rf"|\b(?:{_PIDIO}|necesit(?:[óo]|aba))\s+(?:que\s+(?:se\s+)?(?:le\s+)?repiti\w*|repetir|una\s+repetici[óo]n"
    r"|que\s+(?:se\s+)?(?:le\s+)?volvier\w*\s+a\s+leer)\b"
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
            if PASSIVE.search(before) or denied(before) or _allowed_after(plain[m.end() :]):
                continue
            problems.append(
                f"- {where}: it states {m.group(0)!r}: a request the candidate made of the interviewer (a person, "
                "an accommodation, a break, more time, a repetition, another language) is never evidence about "
                "their skill and never counts against them; leave it out and assess their work"
            )
            break
    return problems
