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


# How a transcript of the same words differs with the speech-to-text model and the speaker, none of it a difference
# in what was asked: sounds of hesitation ("um", "uh", "erm", "hmm"; Spanish "eh", "em"), the commas and stops an
# STT puts at a pause ("I need to, uh, stop."), a word said twice ("I I need to stop") and contractions written out
# or without their apostrophe ("I am giving up", "im done"). Each rule below reads the transcript as written and as
# these spoken words (``_spoken``), so a request one candidate's transcript states is one in another's.
HESITATION_WORDS = r"(?:u+m+|u+h+|e+r+m*|h+m+|m{2,}|a+h+|e+h+|e+m+)"
HESITATION = re.compile(rf"(?<![\w'-]){HESITATION_WORDS}(?![\w'-])")
_PAUSE = re.compile(r"\s*[,.;:!…]+\s*|\s+-+\s+")
_REPEATED = re.compile(r"\b(\w+(?:'\w+)?)(?: \1\b)+")
_CONTRACTIONS = (
    (re.compile(r"\bi am\b|\bim\b"), "i'm"),
    (re.compile(r"\bwe are\b"), "we're"),
    (re.compile(r"\blet us\b"), "let's"),
    (re.compile(r"\bi would\b"), "i'd"),
    (re.compile(r"\bcan ?not\b"), "can't"),
    (re.compile(r"\bthat is\b"), "that's"),
)


def _spoken(norm: str) -> str:
    """``norm`` (normalised) as its spoken words: hesitations, pauses' punctuation (not a question mark) and a word
    said twice in a row dropped, contractions in one form. "I, uh, I need to... stop." reads "i need to stop"."""
    return _said_once(_unpaused(norm))


def _unpaused(norm: str) -> str:
    """``norm`` without hesitations and the punctuation of pauses."""
    return " ".join(_PAUSE.sub(" ", HESITATION.sub(" ", norm)).split())


def _said_once(text: str) -> str:
    """Contractions in one form, a word said twice in a row read once."""
    for pattern, contracted in _CONTRACTIONS:
        text = pattern.sub(contracted, text)
    return _REPEATED.sub(r"\1", text).strip()


def _readings(text: str) -> tuple[str, ...]:
    """The normalised text and, when it differs, its spoken words (empty ones left out)."""
    norm = normalize(text)
    spoken = _spoken(norm)
    return tuple(t for t in dict.fromkeys((norm, spoken)) if t)


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
    r"|(?!(?:some|any|no|every)thing\b)[a-z]+ing\b|for a (?:second|sec|moment|minute|bit)\b|(?:it|them) (?:when|once|if|after|before)\b))"
)
_INTERVIEW_ES = r"(?:entrevista|llamada|sesion|conversacion|aqui|ya|ahora)\b"
_ELSE_ES = rf"(?! (?:(?:este|esta|esto|el|la|los|las|mi|un|una|de|con) (?!{_INTERVIEW_ES})[a-z]|[a-z]+(?:ando|iendo)\b))"

# A verb of stopping, whatever follows it. Where the object rule above is all that keeps it from being a request to
# end, the rules do not decide: a transcript without punctuation writes "I need to stop, the kids are calling" as
# "i need to stop the kids are calling", an object by the rule. ``asks_to_end`` leaves such words to the classifier.
_STOPPING_EN = (
    r"\b(?:i'?d like to|i would like to|i want to|i wanna|can we|could we|let'?s|i need to|i have to|i must|we should"
    r"|i'd rather) (?:please |just )?(?:stop|end|finish|quit|leave|wrap (?:it )?up|hang up|call it(?: a day)?)\b"
)
_STOPPING_ES = (
    r"\b(?:quiero|quisiera|podemos|vamos a|necesito|tengo que|prefiero|deberiamos)"
    r" (?:parar|terminar|acabar|dejarlo|salir|irme|colgar|finalizar)\b"
)
_STOPPING_ES_SHORT = r"\b(?:terminemos|paremos|dejemoslo|acabemos)\b"
_STOPPING = _rx(
    _STOPPING_EN, _start(_FILLERS_EN, r"(?:stop|let'?s stop)\b"), _STOPPING_ES, _STOPPING_ES_SHORT
)

# kind -> pattern, per language. Order matters only for the reported kind.
_EN: dict[str, re.Pattern[str]] = {
    "leave": _rx(
        r"\b(?:good ?bye|bye(?: bye)?)\b",
        _STOPPING_EN + _ELSE_EN,
        r"\b(?:end|stop|finish) (?:the|this) (?:interview|call|session)\b",
        r"\bi (?:have|need|gotta) to go\b",
        _start(_FILLERS_EN, r"(?:stop|let'?s stop|i'?m leaving|i'?m out)\b" + _ELSE_EN),
    ),
    "give_up": _rx(
        r"\bi(?: give|'?m giving| am giving) up\b", r"\bi can'?t do (?:it|this)(?: anymore)?[.!]?$"
    ),
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
        _start(
            _FILLERS_EN, r"(?:any|a|one|another) hints?(?: please)?[.!?]*$"
        ),  # the whole turn, no "?" written
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
        _STOPPING_ES + _ELSE_ES,
        _STOPPING_ES_SHORT + _ELSE_ES,
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
        _start(_FILLERS_ES, r"(?:alguna|una|otra) pista(?: por favor)?[.!?]*$"),
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

_END_EN = _rx(r"\bi(?: give|'?m giving| am giving) up\b")
_END_ES = _rx(r"\bme rindo\b")

# Words with "no" in them that say no to nothing: "yeah, no problem", "sure, no worries", "okay, no more questions,
# thanks" are a yes to "shall we stop here?". Read without them, so a "no" of theirs is not taken for a refusal.
_NOT_A_NO = re.compile(
    r"\b(?:(?:no|not an?y?) (?:problems?|worries|worry|big deal|(?:(?:more|other|further) )?questions?(?: from me)?)"
    r"|no hay (?:problema|(?:mas |otras )?preguntas)|sin problemas?|no pasa nada|no te preocupes|no se preocupe)\b"
)
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
    readings = _readings(text)
    for language in dict.fromkeys(languages):
        lexicon = _LEXICONS.get(language)
        if lexicon is None:
            continue
        for kind, pattern in lexicon.items():
            if any(pattern.search(reading) for reading in readings):
                return kind
    return None


def asks_to_end(text: str, languages: tuple[str, ...] = ("en", "es")) -> bool | None:
    """True when ``text`` asks to end the interview, False when it clearly does not, None when the language is
    not covered here (the caller asks the classifier)."""
    kind = explicit_request(text, languages)
    if kind in ("leave", "give_up"):
        return True
    readings = _readings(text)
    if any(_END_EN.search(reading) or _END_ES.search(reading) for reading in readings):
        return True
    if any(_STOPPING.search(reading) for reading in readings):
        return None
    return False if _covered(normalize(text), languages) else None


def confirms(text: str, languages: tuple[str, ...] = ("en", "es")) -> bool | None:
    """True for a plain yes (also a repeated request to stop), False for a no, None when not recognised: a yes
    that goes on to something else ("okay, hold on", "sure, let me finish this first") is left to the caller's
    classifier, never taken as a yes to stopping now."""
    # The spoken words alone: a yes or a no does not hang on punctuation, and "no, uh, problem" is "no problem". The
    # words that refuse nothing go before a repeated word is read once: "no, no problem, ..." keeps its "no".
    words = _said_once(" ".join(_NOT_A_NO.sub(" ", _unpaused(normalize(text))).split())).strip(" ,.!?")
    if not words:
        return None
    if _NO.search(words) and not words.startswith(("yes", "si ")):
        return False
    if any(_PLAIN_YES[lang].match(words) for lang in languages if lang in _PLAIN_YES):
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
