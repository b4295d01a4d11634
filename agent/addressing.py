"""Explicit requests to the interviewer, recognised without a model (English and Spanish).

This is the guarantee layer of the turn decision (agent.turns): an utterance that explicitly asks the interviewer
for something (run the code, a hint, to stop or leave, says it is finished or gives up, or asks the interviewer a
direct question) is always answered, whatever the classifier says. It can only force a reply, never silence:
anything it does not recognise (thinking aloud, muttering, other languages) goes to the language-independent
classifier. Patterns are anchored to how a request is phrased (imperative, "can you", "I'd like to"), so words
inside a thought ("the hint said...", "hey wait...", "then I run the loop") do not match.
"""

from __future__ import annotations

import re
import unicodedata

_FILLERS_EN = r"(?:(?:ok(?:ay)?|so|alright|all right|right|now|and|please|well|um+|uh+|hm+|yeah|yes|hey|oh|sorry|actually|i think|maybe|thanks|thank you|cool|great|perfect)[ ,.!]+)*"
_FILLERS_ES = r"(?:(?:vale|bueno|ok(?:ay)?|entonces|y|ahora|pues|por favor|eh+|em+|mm+|si|oye|perdon|creo que|gracias|genial|perfecto)[ ,.!]+)*"


def normalize(text: str) -> str:
    """Lower case, accents and Spanish inverted marks removed, apostrophes unified, spaces collapsed."""
    text = unicodedata.normalize("NFKD", text.replace("\u2019", "'").replace("\u2018", "'"))
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = text.lower().replace("¿", " ").replace("¡", " ")
    return " ".join(text.split())


def _rx(*patterns: str) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{p})" for p in patterns))


def _start(fillers: str, body: str) -> str:
    return rf"^{fillers}(?:{body})"


# After a verb of stopping, what makes it about something else than the interview: an object ("this loop", "the
# helper", "my approach"; not "the interview", "the call"), a gerund ("stop using the dict", "finish writing"), or a
# pause ("stop for a second"). "Let's finish this loop first" is coding talk, and a request to end it would let the
# model end the interview on a yes to "shall we stop here?".
_INTERVIEW_EN = (
    r"(?:interview|call|session|screen|conversation|chat|meeting|whole thing|here|now|please|right)\b"
)
_ELSE_EN = (
    rf"(?! (?:(?:this|the|that|my|our|a|an|these|those|with (?:this|the|that|my)) (?!{_INTERVIEW_EN})[a-z]"
    r"|[a-z]+ing\b|for a (?:second|sec|moment|minute|bit)\b|(?:it|them) (?:when|once|if|after|before)\b))"
)
_INTERVIEW_ES = r"(?:entrevista|llamada|sesion|conversacion|aqui|ya|ahora)\b"
_ELSE_ES = rf"(?! (?:(?:este|esta|esto|el|la|los|las|mi|un|una|de|con) (?!{_INTERVIEW_ES})[a-z]|[a-z]+(?:ando|iendo)\b))"

# kind -> pattern, per language. Order matters only for the reported kind.
_EN: dict[str, re.Pattern[str]] = {
    "leave": _rx(
        r"\b(?:good ?bye|bye(?: bye)?)\b",
        r"\b(?:i'?d like to|i would like to|i want to|i wanna|can we|could we|let'?s|i need to|i have to|i must|we should|i'd rather) (?:stop|end|finish|quit|leave|wrap (?:it )?up|hang up|call it(?: a day)?)\b"
        + _ELSE_EN,
        r"\b(?:end|stop|finish) (?:the|this) (?:interview|call|session)\b",
        r"\bi (?:have|need|gotta) to go\b",
        _start(_FILLERS_EN, r"(?:stop|let'?s stop|i'?m leaving|i'?m out)\b" + _ELSE_EN),
    ),
    "give_up": _rx(r"\bi (?:give|'?m giving) up\b", r"\bi can'?t do (?:it|this)(?: anymore)?[.!]?$"),
    "finished": _rx(
        _start(
            _FILLERS_EN,
            r"(?:i'?m|i am|i'?ve|i have|we'?re|we are|i think i'?m) (?:all )?(?:done|finished)(?: now| here| with (?:it|this|the code|my code|the solution))?(?: i think)?(?:[.!,;?]|$)",
        ),
        _start(_FILLERS_EN, r"(?:that'?s|this is) (?:it|my (?:final )?(?:solution|answer|code))[.!]*$"),
        r"\bready to (?:test|submit|run)\b",
        r"\bi think (?:that'?s|this is) it\b",
    ),
    "run": _rx(
        _start(
            _FILLERS_EN,
            r"(?:let'?s |please |go ahead and )?(?:run|test|execute|try) (?:it|this|that|the (?:tests?|code|examples?)|my (?:code|tests?|solution))\b",
        ),
        r"\b(?:can|could|would|will) you (?:please )?(?:run|test|execute|try)\b",
        r"\b(?:run|execute) the tests?\b",
        r"\b(?:can|could|may) (?:i|we) (?:run|test|execute)\b",
    ),
    "hint": _rx(
        r"\b(?:give|get|have|need|want|use|got|gimme)(?: me)? (?:a |another |one more |some |any |all (?:of )?the |a (?:small|little) )?hints?\b",
        r"\b(?:any|a) hints?\?",
        r"\bhint,? please\b",
        r"\b(?:is there|do you have) (?:a |any )?hints?\b",
    ),
    "stuck": _rx(
        _start(_FILLERS_EN, r"(?:i'?m|i am) (?:really |completely |totally |kind of |a bit )?stuck\b"),
        r"\b(?:can|could) you help\b",
        r"\bhelp me\b",
    ),
    "question": _rx(
        _start(_FILLERS_EN, r"(?:can|could|would|will|do|did|are|have|should|may) you\b"),
        r"\bwhat do you (?:think|mean|suggest|want)\b",
        _start(
            _FILLERS_EN, r"(?:can|may|could|should) i (?:use|ask|assume|import|look|change|modify|have|get)\b"
        ),
        r"\b(?:is it|would it be) (?:ok(?:ay)?|fine|alright|allowed) (?:if|to)\b",
        r"\bam i allowed\b",
        r"\bhow much time\b",
        r"\btime (?:left|remaining)\b",
        r"\b(?:quick )?question for you\b",
        _start(_FILLERS_EN, r"(?:quick question|excuse me|i have a question)\b"),
        r"\b(?:are you there|can you hear me|hello\?)",
        r"\binterviewer\b",
        r"\b(?:look|looks|seem|seems|sound|sounds) (?:ok(?:ay)?|right|good|correct|fine) to you\b",
    ),
}

_ES: dict[str, re.Pattern[str]] = {
    "leave": _rx(
        r"\b(?:adios|chao|chau|hasta luego|hasta pronto|nos vemos)\b",
        r"\b(?:quiero|quisiera|podemos|vamos a|necesito|tengo que|prefiero|deberiamos) (?:parar|terminar|acabar|dejarlo|salir|irme|colgar|finalizar)\b"
        + _ELSE_ES,
        r"\b(?:terminemos|paremos|dejemoslo|acabemos)\b" + _ELSE_ES,
        r"\b(?:termina|terminar|acaba|acabar|finaliza|finalizar) (?:la|esta) (?:entrevista|llamada)\b",
        r"\bme tengo que ir\b",
    ),
    "give_up": _rx(r"\bme rindo\b", r"\bno puedo (?:mas|hacerlo)\b"),
    "finished": _rx(
        _start(
            _FILLERS_ES,
            r"(?:ya )?(?:termine|acabe|he terminado|he acabado|estoy (?:listo|lista)|lo tengo|esta (?:listo|terminado))(?: con (?:esto|el codigo))?(?:[.!,;?]|$)",
        ),
        r"\b(?:esta|esa) es mi (?:solucion|respuesta)\b",
        r"\blist[oa] para (?:probar|ejecutar|correr|enviar)\b",
    ),
    "run": _rx(
        _start(
            _FILLERS_ES, r"(?:ejecuta|ejecutalo|corre|correlo|prueba|pruebalo|ejecutemos|corramos|probemos)\b"
        ),
        r"\b(?:puedes|podrias|podes|puede|podria) (?:ejecutar|correr|probar|ejecutarlo|correrlo|probarlo)\b",
        r"\bvamos a (?:ejecutar|correr|probar)\b",
        r"\b(?:ejecuta|corre|ejecutar|correr) (?:los|las) (?:tests?|pruebas)\b",
        r"\b(?:puedo|podemos) (?:ejecutar|correr|probar)\b",
    ),
    "hint": _rx(
        r"\b(?:dame|dale|me das|me puedes dar|me podrias dar|podrias darme|puedes darme|necesito|quiero|tienes|tiene|hay) (?:una |otra |alguna |algunas |todas las |unas |mas )?pistas?\b",
        r"\b(?:alguna|una) pista\?",
    ),
    "stuck": _rx(
        _start(
            _FILLERS_ES,
            r"estoy (?:muy |bastante |un poco )?(?:atascad[oa]|trabad[oa]|bloquead[oa]|perdid[oa])\b",
        ),
        r"\b(?:me )?(?:puedes|podrias|puede|podria) ayudar\b",
        r"\bayudame\b",
    ),
    "question": _rx(
        _start(
            _FILLERS_ES,
            r"(?:puedes|podrias|podes|sabes|crees|tienes|me (?:puedes|podrias|dices|explicas|aclaras))\b",
        ),
        r"\bque (?:opinas|piensas|te parece)\b",
        r"\b(?:puedo|se puede) (?:usar|importar|asumir|suponer|preguntar|cambiar|modificar)\b",
        r"\bcuanto tiempo\b",
        r"\b(?:tengo )?una pregunta\b",
        _start(_FILLERS_ES, r"(?:disculpa|perdona|perdon)\b"),
        r"\b(?:estas ahi|me escuchas|me oyes)\b",
        r"\bentrevistador[a]?\b",
    ),
}

_LEXICONS = {"en": _EN, "es": _ES}

_END_EN = _rx(r"\bi (?:give|'?m giving) up\b")
_END_ES = _rx(r"\bme rindo\b")

_NO = _rx(r"\b(?:no|not yet|nope|wait|actually no|todavia no|aun no|espera|mejor no)\b")
# What a plain yes to "shall we stop?" is made of: yes words, thanks, goodbyes and "I'm done", in any order. A yes
# that goes on to anything else ("sure, let me just finish this loop") is not a plain yes.
_CLOSING = {
    "en": r"(?:yes|yeah|yep|yup|sure|ok(?:ay)?|correct|right|please|please do|go ahead|let'?s (?:stop|do that|end|wrap up)|sounds good|that'?s fine|fine|i'?m sure|definitely|absolutely|thanks|thank you(?: (?:so|very) much)?|i'?m (?:done|finished)|that'?s (?:all|it)|we can stop|good ?bye|bye(?: bye)?)",
    "es": r"(?:si|claro|vale|de acuerdo|dale|ok(?:ay)?|por favor|esta bien|correcto|seguro|perfecto|terminemos|adelante|gracias|muchas gracias|eso es todo|ya termine|listo|adios|hasta luego)",
}
_PLAIN_YES = {lang: re.compile(rf"^{p}(?:[ ,.!]+{p})*$") for lang, p in _CLOSING.items()}


def explicit_request(text: str, languages: tuple[str, ...] = ("en", "es")) -> str | None:
    """The kind of explicit request in ``text`` (leave, give_up, finished, run, hint, stuck, question), or None."""
    norm = normalize(text)
    if not norm:
        return None
    for language in dict.fromkeys(languages):
        lexicon = _LEXICONS.get(language)
        if lexicon is None:
            continue
        for kind, pattern in lexicon.items():
            if pattern.search(norm):
                return kind
    return None


def asks_to_end(text: str, languages: tuple[str, ...] = ("en", "es")) -> bool | None:
    """True when ``text`` asks to end the interview, False when it clearly does not, None when the language is
    not covered here (the caller asks the classifier)."""
    kind = explicit_request(text, languages)
    if kind in ("leave", "give_up"):
        return True
    norm = normalize(text)
    if _END_EN.search(norm) or _END_ES.search(norm):
        return True
    return False if _covered(norm, languages) else None


def confirms(text: str, languages: tuple[str, ...] = ("en", "es")) -> bool | None:
    """True for a plain yes (also a repeated request to stop), False for a no, None when not recognised: a yes
    that goes on to something else ("okay, hold on", "sure, let me finish this first") is left to the caller's
    classifier, never taken as a yes to stopping now."""
    norm = normalize(text).strip(" .!?")
    if not norm:
        return None
    if _NO.search(norm) and not norm.startswith(("yes", "si ")):
        return False
    if any(_PLAIN_YES[lang].match(norm) for lang in languages if lang in _PLAIN_YES):
        return True
    if asks_to_end(text, languages):
        return True
    return None


_COMMON = {
    "en": {"the", "i", "a", "is", "it", "to", "and", "this", "that", "so", "of", "in", "my", "we", "you"},
    "es": {"el", "la", "de", "que", "y", "es", "un", "una", "lo", "en", "por", "no", "si", "mi", "esto"},
}


def _covered(norm: str, languages: tuple[str, ...]) -> bool:
    words = set(norm.replace("?", " ").replace(",", " ").split())
    return any(words & _COMMON.get(lang, set()) for lang in languages)
