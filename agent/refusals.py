"""What a candidate says no to, read out of a turn before the interviewer's rules of requests read it
(agent.addressing): a hint said no to ("I don't want a hint") is no hint request, and ending said no to ("please
don't end the interview", "no me rindo") is no request to end, nor a yes to "shall we stop here?". Each rule is
bounded (a negation, a few words of hedging, the verb, its object), and a refusal said in a question is a request
after all, so it is kept ("can't you give me a hint?", "shouldn't we end the interview?"). Ending asked about ("what
happens if I stop?") is read out with the refusals (agent.end_questions): it is no request to end either."""

from __future__ import annotations

import bisect
import re

from agent.end_questions import without_questions

# Where a clause ends in a reading (agent.addressing reads its turns with the same marks).
CLAUSE_END = re.compile(r"[,.!;:?…]")

# A hint said no to ("I don't want a hint", "I don't think I need a hint yet", "no hints, thanks", "I'm not asking for
# a clue", "no quiero una pista", "sin pistas"): read out of the turn before the hint rules are (``explicit_request``),
# so that "I don't need a hint, but can you give me a clue?" is still one. Bounded: a negation, at most two words of
# hedging, a verb, at most two determiners, the noun. A question with a negation ("can't you give me a hint?", "don't
# you have a hint?", "¿no me das una pista?") is a request, and is not read out.
_HINT_NOUN_EN = r"(?:hints?|clues?|tips?|nudges?)"
_NO_HINT_EN = (
    r"\b(?:(?:don'?t|do not|doesn'?t|does not|didn'?t|did not|won'?t|will not|wouldn'?t|would not|never|rather not"
    r"|no longer)(?: (?:really|actually|even|think (?:i|we)|need (?:you )?to|want (?:you )?to|have to)){0,2}"
    r" (?:give|get|have|need|want|use|take|see|hear|show)(?: (?:me|us|one|it))?"
    r"|no|not|without|no need for|not (?:asking|looking) for|none of)"
    rf"(?: (?:a|an|another|any|one more|some|more|the|your|of (?:the|your)|small|little|big)){{0,2}} {_HINT_NOUN_EN}\b"
)
_NO_HINT_ES = (
    r"\b(?:no (?:me )?(?:quiero|necesito|des|de|den|hace falta|hacen falta)|sin|ninguna)"
    r"(?: (?:una|ninguna|otra|mas|la|las|tu|tus|alguna)){0,2} pistas?\b"
)
NO_HINT = {"en": re.compile(_NO_HINT_EN), "es": re.compile(_NO_HINT_ES)}

# Ending said no to ("please don't end the interview", "I don't want to stop", "let's not stop yet", "I'm not leaving",
# "I'd hate to end the call", "no quiero terminar", "no me voy", "no me rindo"): read out of the turn before the rules
# of leaving and giving up are (``explicit_request``, ``asks_to_end``), as a hint said no to is, and a turn that says
# it is no request to end (``asks_to_end`` False, ``confirms`` False to "shall we stop here?"). Before, "stop the
# interview" or "end the call" inside it was a request to end, and the words answering "shall we stop here?" a yes.
# What the turn says besides is read all the same ("I don't want to stop, but I have to go" is leaving). Bounded: a
# negation, at most two words of hedging, the verb, its object. A question is not read out ("you won't end it here?",
# "¿no vamos a terminar?"): ``without_refusals``.
_END_VERB_EN = (
    r"(?:stop|end|finish|quit|leave|go|give up|wrap (?:it |this |things )?up|hang up|drop(?: off)?|call it"
    r"(?: a day| quits)?|log off|sign off|head out|bail|disconnect)"
)
_CALL_WORD_EN = r"(?:interview|call|session|screen|conversation|chat|meeting|whole thing)"
_NO_END_EN = (
    r"\b(?:(?:don'?t|do not|won'?t|will not|wouldn'?t|would not|shouldn'?t|should not|mustn'?t"
    r"|must not|never|no need to|no reason to|let'?s not|(?:i'?d|we'?d|i would|we would) (?:rather not|hate to)"
    r"|(?:i'?d|we'?d|i|we) (?:had )?better not|(?:i|we)'(?:d|ll) not"
    r"|(?:i'?m|i am|we'?re|we are) not (?:going to|about to|trying to))"
    r"(?: (?:really|actually|even|just|want to|need to|have to|plan to|mean to|think (?:i|we) (?:should|need to"
    r"|want to|have to)|wish to|like to)){0,2}"
    rf" {_END_VERB_EN}\b(?: (?:the|this|our|my) {_CALL_WORD_EN}\b)?(?: (?:here|now|yet|just yet|early|today)\b)?"
    r"|(?:i'?m|i am|we'?re|we are) not (?:leaving|stopping|quitting|giving up|going anywhere|ending (?:it|this)"
    r"|hanging up|dropping(?: off)?|logging off)\b)"
)
_NO_END_ES = (
    r"\bno (?:(?:quiero|quisiera|necesito|tengo que|tengo q|debo|voy a|vamos a|pienso|hace falta"
    r"|hay que|deberiamos|queremos|me quiero|me voy a) )?(?:me )?(?:parar|terminar|acabar|dejarlo|salir|irme"
    r"|marcharme|retirarme|desconectarme|colgar|finalizar|rendirme|rindo|ir|voy|retiro|marcho|largo|paremos"
    r"|terminemos|acabemos|dejemoslo|rendir)\b(?: (?:la|esta) (?:entrevista|llamada|sesion))?"
    r"(?: (?:todavia|aun|ahora|ya|por ahora))?"
)
NO_END = {"en": re.compile(_NO_END_EN), "es": re.compile(_NO_END_ES)}


def without_refusals(readings: tuple[str, ...], languages: tuple[str, ...]) -> tuple[str, ...]:
    """``readings`` with the ending they say no to read out (``NO_END``), unless said in a question: its clause
    ends in "?"; and with the ending they ask the cost of read out, a question or not (agent.end_questions: "what
    happens if I stop?" asks to end nothing). Linear: the clauses' ends are found once per reading, each refusal
    looks its clause's up."""
    patterns = [NO_END[language] for language in dict.fromkeys(languages) if language in NO_END]
    out = []
    for reading in readings:
        for pattern in patterns:
            reading = _read_out(pattern, reading)
        out.append(without_questions(reading, languages))
    return tuple(out)


def _read_out(pattern: re.Pattern[str], reading: str) -> str:
    """``reading`` with each match of ``pattern`` outside a question replaced by a pause."""
    ends = [(m.start(), m.group()) for m in CLAUSE_END.finditer(reading)]

    def out_of_a_question(found: re.Match[str]) -> str:
        at = bisect.bisect_left(ends, (found.end(), ""))
        return found.group() if at < len(ends) and ends[at][1] == "?" else " . "

    return pattern.sub(out_of_a_question, reading)


def refuses_ending(readings: tuple[str, ...], languages: tuple[str, ...]) -> bool:
    """Whether a reading says no to ending (``without_refusals`` reads something out of it)."""
    return without_refusals(readings, languages) != readings
