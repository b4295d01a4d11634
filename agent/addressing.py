"""Explicit requests to the interviewer, recognised without a model (English and Spanish).

This is the guarantee layer of the turn decision (agent.turns): an utterance that explicitly asks the interviewer
for something (run the code, a hint, to stop or leave, says it is finished or gives up, or asks the interviewer a
direct question) is always answered, whatever the classifier says. It can only force a reply, never silence:
anything it does not recognise (thinking aloud, muttering, other languages) goes to the language-independent
classifier. Patterns are anchored to how a request is phrased (imperative, "can you", "I'd like to"), so words
inside a thought ("the hint said...", "hey wait...", "then I run the loop") do not match. Each rule reads a turn as
transcribed and as its spoken words (agent.turn_readings).
"""

from __future__ import annotations

import functools
import re

from agent.ending_words import (
    END_EN,
    END_ES,
    ENDING,
    FILLERS_EN,
    FILLERS_ES,
    GOING_ON,
    LEAVING_WORD,
    STOPPING,
    any_of,
    at_start,
    goes_on,
    rests,
)
from agent.refusals import NO_HINT, refuses_ending, without_refusals
from agent.transcript_forms import HESITATION, HESITATION_WORDS, colloquial, normalize, spelled
from agent.turn_readings import RULE_WORDS, readings_of, said_once, unpaused

__all__ = [
    "HESITATION",
    "HESITATION_WORDS",
    "asks_for_help",
    "asks_to_end",
    "confirms",
    "explicit_request",
    "normalize",
]

# A request for a hint that is the whole turn ("any hints", "hint?", "a small hint please"), maybe said twice.
_HINT_ALONE = r"(?:(?:any|a|one|another|small|little) )*(?:hints?|clues?|tips?|nudges?)(?: please)?[.!?]*"


# kind -> pattern, per language. Order matters only for the reported kind.
_EN: dict[str, re.Pattern[str]] = {
    **ENDING["en"],
    "finished": any_of(
        at_start(
            FILLERS_EN,
            r"(?:i'?m|i am|i'?ve|i have|we'?re|we are|i think i'?m) (?:all )?(?:done|finished)(?: now| here| with (?:it|this|the code|my code|the solution))?(?: i think)?(?:[.!,;?]|$)",
        ),
        at_start(FILLERS_EN, r"(?:that'?s|this is) (?:it|my (?:final )?(?:solution|answer|code))[.!]*$"),
        at_start(FILLERS_EN, r"(?:all )?(?:done|finished)(?: now)?[.!]*$"),  # the whole turn
        r"\bready to (?:test|submit|run)\b",
        r"\bi think (?:that'?s|this is) it\b",
    ),
    "run": any_of(
        at_start(
            FILLERS_EN,
            r"(?:let'?s |please |go ahead and )?(?:run|test|execute|try) (?:it|this|that|the (?:tests?|code|examples?)|my (?:code|tests?|solution))\b",
        ),
        r"\b(?:can|could|would|will) you (?:please )?(?:run|test|execute|try)\b",
        r"\b(?:run|execute) the tests?\b",
        r"\b(?:can|could|may) (?:i|we) (?:run|test|execute)\b",
    ),
    # "A hint", "a clue", "a tip", "a nudge": one request ("wanna" is "want a" here, read as "want to").
    "hint": any_of(
        r"\b(?:give|get|have|need|want(?: to)?|use|got|gimme)(?: me)? (?:a |another |one more |some |any |all (?:of )?the |a (?:small|little) )?(?:hints?|clues?|tips?|nudges?)\b",
        r"\b(?:any|a) (?:hints?|clues?|tips?|nudges?)\?",
        at_start(FILLERS_EN, rf"{_HINT_ALONE}(?: {_HINT_ALONE})*$"),  # the whole turn, no "?" written
        r"\bhint,? please\b",
        r"\b(?:is there|do you have) (?:a |any )?hints?\b",
        r"\b(?:wouldn'?t|would not|don'?t|do not) mind (?:a |another |one more |some |a (?:small|little) )?(?:hints?|clues?)\b",
    ),
    "stuck": any_of(
        at_start(FILLERS_EN, r"(?:i'?m|i am) (?:really |completely |totally |kind of |a bit )?stuck\b"),
        r"\b(?:can|could) you help\b",
        r"\bhelp me\b",
        at_start(FILLERS_EN, r"(?:some )?help(?: please)?[.!?]*$"),
    ),
    "question": any_of(
        at_start(FILLERS_EN, r"(?:can|could|would|will|do|did|are|have|should|may) you\b"),
        r"\bwhat do you (?:think|mean|suggest|want)\b",
        at_start(
            FILLERS_EN, r"(?:can|may|could|should) i (?:use|ask|assume|import|look|change|modify|have|get)\b"
        ),
        r"\b(?:(?:should|shall|can|may|do) i|what (?:happens )?if i) (?:just )?give up\b",
        r"\b(?:is it|would it be) (?:ok(?:ay)?|fine|alright|allowed) (?:if|to)\b",
        r"\bam i allowed\b",
        r"\bhow much time\b",
        r"\btime (?:left|remaining)\b",
        r"\b(?:quick )?question for you\b",
        at_start(FILLERS_EN, r"(?:quick question|excuse me|i have a question)\b"),
        r"\b(?:are you there|can you hear me|hello\?)",
        r"\binterviewer\b",
        r"\b(?:look|looks|seem|seems|sound|sounds) (?:ok(?:ay)?|right|good|correct|fine) to you\b",
    ),
}

_ES: dict[str, re.Pattern[str]] = {
    **ENDING["es"],
    "finished": any_of(
        at_start(
            FILLERS_ES,
            r"(?:ya )?(?:termine|acabe|he terminado|he acabado|estoy (?:listo|lista)|lo tengo|esta (?:listo|terminado))(?: con (?:esto|el codigo))?(?:[.!,;?]|$)",
        ),
        r"\b(?:esta|esa) es mi (?:solucion|respuesta)\b",
        r"\blist[oa] para (?:probar|ejecutar|correr|enviar)\b",
    ),
    "run": any_of(
        at_start(
            FILLERS_ES, r"(?:ejecuta|ejecutalo|corre|correlo|prueba|pruebalo|ejecutemos|corramos|probemos)\b"
        ),
        r"\b(?:puedes|podrias|podes|puede|podria) (?:ejecutar|correr|probar|ejecutarlo|correrlo|probarlo)\b",
        r"\bvamos a (?:ejecutar|correr|probar)\b",
        r"\b(?:ejecuta|corre|ejecutar|correr) (?:los|las) (?:tests?|pruebas)\b",
        r"\b(?:puedo|podemos) (?:ejecutar|correr|probar)\b",
    ),
    "hint": any_of(
        r"\b(?:dame|dale|me das|me puedes dar|me podrias dar|podrias darme|puedes darme|necesito|quiero|tienes|tiene|hay) (?:una |otra |alguna |algunas |todas las |unas |mas )?pistas?\b",
        r"\b(?:alguna|una) pista\?",
        at_start(FILLERS_ES, r"(?:alguna|una|otra) pista(?: por favor)?[.!?]*$"),
    ),
    "stuck": any_of(
        at_start(
            FILLERS_ES,
            r"estoy (?:muy |bastante |un poco )?(?:atascad[oa]|trabad[oa]|bloquead[oa]|perdid[oa])\b",
        ),
        r"\b(?:me )?(?:puedes|podrias|puede|podria) ayudar\b",
        r"\bayudame\b",
    ),
    "question": any_of(
        at_start(
            FILLERS_ES,
            r"(?:puedes|podrias|podes|sabes|crees|tienes|me (?:puedes|podrias|dices|explicas|aclaras))\b",
        ),
        r"\bque (?:opinas|piensas|te parece)\b",
        r"\b(?:puedo|se puede) (?:usar|importar|asumir|suponer|preguntar|cambiar|modificar)\b",
        r"\bcuanto tiempo\b",
        r"\b(?:tengo )?una pregunta\b",
        at_start(FILLERS_ES, r"(?:disculpa|perdona|perdon)\b"),
        r"\b(?:estas ahi|me escuchas|me oyes)\b",
        r"\bentrevistador[a]?\b",
    ),
}

_LEXICONS = {"en": _EN, "es": _ES}
# Words with "no" in them that say no to nothing: "yeah, no problem", "sure, no worries", "okay, no more questions,
# thanks" are a yes to "shall we stop here?". Read without them, so a "no" of theirs is not taken for a refusal.
_NOT_A_NO = re.compile(
    r"\b(?:(?:no|not an?y?) (?:problems?|worries|worry|big deal|(?:(?:more|other|further) )?questions?(?: from me)?)"
    r"|no hay (?:problema|(?:mas |otras )?preguntas)|sin problemas?|no pasa nada|no te preocupes|no se preocupe)\b"
)
_NO = any_of(r"\b(?:no|not yet|nope|wait|actually no|todavia no|aun no|espera|mejor no)\b")
# What a plain yes to "shall we stop?" is made of: yes words, thanks, goodbyes and "I'm done", in any order. A yes
# that goes on to anything else ("sure, let me just finish this loop") is not a plain yes.
_CLOSING = {
    "en": r"(?:yes|yeah|yea|yeh|yah|ya|yep|yup|k|sure(?: thing)?|ok(?:ay)?|(?:all )?right then|all right|cool|great|perfect|of course|that works|works for me|fine by me|let'?s do it|sounds good to me|yes (?:sir|ma'?am)|correct|right|please|please do|go ahead|let'?s (?:stop|do that|end|wrap up)|sounds good|that'?s fine|fine|i'?m sure|definitely|absolutely|thanks|thank you(?: (?:so|very) much)?|i'?m (?:done|finished)|that'?s (?:all|it)|we can stop|good ?bye|bye(?: bye)?)",
    "es": r"(?:si|sip|claro|vale|de acuerdo|dale|ok(?:ay)?|por favor|esta bien|correcto|seguro|perfecto|terminemos|adelante|gracias|muchas gracias|eso es todo|ya termine|listo|adios|hasta luego)",
}
_PLAIN_YES = {lang: re.compile(rf"^{p}(?:[ ,.!]+{p})*$") for lang, p in _CLOSING.items()}


def explicit_request(text: str, languages: tuple[str, ...] = ("en", "es")) -> str | None:
    """The kind of explicit request in ``text`` (leave, give_up, finished, run, hint, stuck, question), or None."""
    return _explicit_request(text, tuple(languages))


# A turn is read for its request by agent.turns and again by ``asks_to_end`` and ``confirms``: once per text and
# languages. A pure function of its arguments; a few hundred recent turns at most.
@functools.lru_cache(maxsize=256)
def _explicit_request(text: str, languages: tuple[str, ...]) -> str | None:
    readings = _readings(text, languages)
    for language in dict.fromkeys(languages):
        lexicon = _LEXICONS.get(language)
        if lexicon is None:
            continue
        unrefused = without_refusals(readings, (language,))
        for kind, pattern in lexicon.items():
            said = readings
            if kind == "hint":
                said = _without_no_hint(readings, language)
            elif kind in ("leave", "give_up"):
                said = unrefused
            if any(pattern.search(reading) for reading in said):
                return kind
    return None


def asks_for_help(text: str, languages: tuple[str, ...] = ("en", "es")) -> bool | None:
    """Whether ``text`` asks for a hint or says it is stuck, whatever else it asks besides ("I'm done. Can I get a
    hint?", "let's run it, any tips?": ``explicit_request`` reports only the first kind it finds, finished or run).
    A hint said no to is no request ("no hints please"). None when the first of ``languages``, the interview's, has
    no word list here: the caller's own judgement, not a no."""
    if not languages or languages[0] not in _LEXICONS:
        return None
    readings = _readings(text, tuple(languages))
    for language in dict.fromkeys(languages):
        lexicon = _LEXICONS.get(language)
        if lexicon is None:
            continue
        if any(lexicon["hint"].search(r) for r in _without_no_hint(readings, language)) or any(
            lexicon["stuck"].search(r) for r in readings
        ):
            return True
    return False


def _readings(text: str, languages: tuple[str, ...]) -> tuple[str, ...]:
    """The readings of ``text`` the request rules read (agent.turn_readings; in English, also what each says after
    its first words of going on with the work: ``rests``)."""
    readings = readings_of(text)
    if "en" in languages:
        readings += tuple(
            dict.fromkeys(r for reading in readings for r in rests(reading) if r not in readings)
        )
    return readings


def _without_no_hint(readings: tuple[str, ...], language: str) -> tuple[str, ...]:
    """``readings`` with the hints they say no to read out (agent.refusals ``NO_HINT``)."""
    return tuple(NO_HINT[language].sub(" . ", reading) for reading in readings)


def asks_to_end(text: str, languages: tuple[str, ...] = ("en", "es")) -> bool | None:
    """True when ``text`` asks to end the interview, False when it clearly does not, None when the language is
    not covered here (the caller asks the classifier)."""
    kind = explicit_request(text, languages)
    if kind in ("leave", "give_up"):
        return True
    said = readings_of(text)
    # "Please don't end the interview", "no me rindo": ending said no to is read out; what else is said is read.
    readings = without_refusals(said, languages)
    refusing = readings != said
    if any(END_EN.search(reading) or END_ES.search(reading) for reading in readings):
        return True
    # "Okay stop, let me think", "I give up on this approach": the work goes on; what else is said is read for leaving.
    pausing = goes_on(readings, languages)
    if pausing:
        readings = tuple(GOING_ON.sub(" ", reading) for reading in readings)
    if any(STOPPING.search(reading) or LEAVING_WORD.search(reading) for reading in readings):
        return None
    return False if pausing or refusing or _covered(normalize(text), languages) else None


def confirms(text: str, languages: tuple[str, ...] = ("en", "es")) -> bool | None:
    """True for a plain yes (also a repeated request to stop), False for a no, None when not recognised: a yes
    that goes on to something else ("okay, hold on", "sure, let me finish this first") is left to the caller's
    classifier, never taken as a yes to stopping now."""
    # The spoken words alone: a yes or a no does not hang on punctuation, and "no, uh, problem" is "no problem". The
    # words that refuse nothing go before a repeated word is read once: "no, no problem, ..." keeps its "no".
    plain = colloquial(unpaused(spelled(normalize(text), RULE_WORDS)))
    words = said_once(" ".join(_NOT_A_NO.sub(" ", plain).split())).strip(" ,.!?")
    if not words:
        return None
    if _NO.search(words) and not words.startswith(("yes", "si ")):
        return False
    if any(_PLAIN_YES[lang].match(words) for lang in languages if lang in _PLAIN_YES):
        return True
    ends = asks_to_end(text, languages)
    if ends:
        return True
    readings = readings_of(text)
    if (
        ends is False
        and (goes_on(readings, languages) or refuses_ending(readings, languages))
        and explicit_request(text, languages) is None
    ):
        # "Okay stop, let me think", "please don't end it" to "shall we stop here?": they go on ("stop, I think I'm
        # done": not)
        return False
    return None


_COMMON = {
    "en": {"the", "i", "a", "is", "it", "to", "and", "this", "that", "so", "of", "in", "my", "we", "you"},
    "es": {"el", "la", "de", "que", "y", "es", "un", "una", "lo", "en", "por", "no", "si", "mi", "esto"},
}


def _covered(norm: str, languages: tuple[str, ...]) -> bool:
    words = set(norm.replace("?", " ").replace(",", " ").split())
    return any(words & _COMMON.get(lang, set()) for lang in languages)
