"""Questions about ending: what stopping would cost ("what happens if I stop?", "if I give up now, do I fail?", "would
stopping count against me?", "¿qué pasa si me rindo?") asks the interviewer something and asks to end nothing.

Before, the rules read such a question as the ending it names or not at all: "what happens if I stop the interview?"
and "¿qué pasa si me rindo?" were requests to end (and a yes to "shall we stop here?": the interview ended on a
question about ending), and "if I give up now do I fail?" or "would stopping count against me?" went to the
classifier model while coding, as words the rules could not read. Now each is read as a question (agent.turns
answers it without asking the classifier), and its words of ending are read out of the turn before the rules of
leaving and giving up read it (agent.refusals ``without_refusals``): "I need to stop, does that count against me?"
still asks to end, "what happens if I stop?" does not.

The class is a consequence asked about and an ending supposed: a condition ("if I stop now", "si me rindo") said with
a question of what follows from it (before: "do I fail if...", "what happens if...", "does it count against me
if..."; after: "..., do I fail?", "..., ¿repruebo?"), or the ending as the subject of such a question ("would
stopping count against me?", "is giving up an automatic fail?", "¿rendirme ahora cuenta en mi contra?"). Asking leave
to end ("is it okay if I leave now?", "can we stop here?") and proposing it ("what if we stop here?") are requests,
and are not read out. Bounded: each pattern is a closed list of words with at most a few of hedging between them, and
a condition's question is read to the end of its clause.
"""

from __future__ import annotations

import re

from agent.turn_readings import readings_of

# Words between "if I" and the verb that change nothing of it ("if I just stop", "if I were to give up").
_HEDGE_EN = (
    r"(?:(?:just|really|actually|like|kind of|sort of|maybe|now|decide to|decided to|choose to|want to|wanted to"
    r"|were to|was to|have to|had to|need to) ){0,2}"
)
_VERB_EN = (
    r"(?:stop|stopped|end|ended|quit|leave|left|give up|gave up|drop (?:out|off)|dropped (?:out|off)|bail|bailed"
    r"|walk away|walked away|hang up|hung up|wrap (?:it |this )?up|wrapped (?:it |this )?up|call it(?: a day| quits)?"
    r"|called it(?: a day| quits)?|log off|logged off|finish early|finished early|don'?t finish|didn'?t finish"
    r"|can'?t finish|couldn'?t finish)"
)
_OBJECT_EN = r"(?: (?:the|this|my) (?:interview|call|session|screen|test|whole thing))?"
_WHEN_EN = (
    r"(?: (?:now|here|early|today|right now|at this point|halfway(?: through)?|midway|before the end"
    r"|without finishing|then)){0,2}"
)
_IF_EN = rf"\b(?:if|when|in case) (?:i|we) {_HEDGE_EN}{_VERB_EN}\b{_OBJECT_EN}{_WHEN_EN}"
# What stopping could cost, asked about.
_COST_EN = (
    r"(?:fail|failing|lose|get (?:a )?(?:zero|rejected|penali[sz]ed|marked down|disqualified)|be (?:rejected"
    r"|penali[sz]ed|disqualified|marked down|out|held against me|counted against me|a (?:problem|fail(?:ure)?))"
    r"|count|counted|hurt|affect|matter|look|reflect|mean|penali[sz]e|disqualify|ruin|go against|be bad|bad)"
)
_ASKS_EN = r"(?:do|does|did|will|would|could|can|is|am|are|won'?t|wouldn'?t|doesn'?t|isn'?t)"
_GERUND_EN = (
    r"(?:stopping|ending (?:it|this|the interview|the call)|quitting|leaving|giving up|dropping (?:out|off)|bailing"
    r"|walking away|hanging up|wrapping up|not finishing)"
)
_ABOUT_END_EN = "|".join(
    f"(?:{p})"
    for p in (
        # "What happens if I stop?", "do I fail if I give up?", "does it count against me if I leave early?"
        rf"\b(?:what (?:happens|would happen|will happen)(?: to (?:me|my [a-z]+))?|{_ASKS_EN}(?: (?:i|it|that|this))?"
        rf" (?:going to |automatically |still )?{_COST_EN}\b[a-z' ]{{0,40}}?),? {_IF_EN}",
        # "If I give up now, do I fail?", "if we end now, what happens to my application?": to the clause's end. A
        # yes-no question only with a cost in it: "if I leave now, is that okay?", "if I stop now, can we end the
        # interview?" ask leave to end, or ask it outright.
        rf"{_IF_EN},? (?:then |so )?(?:(?:what|how)\b|{_ASKS_EN}\b[a-z' ]{{0,40}}?\b{_COST_EN}\b)[^,.!;:?…]*+",
        # "Would stopping count against me?", "is giving up an automatic fail?", "does leaving early hurt me?"
        rf"\b{_ASKS_EN}(?: (?:me|my))? {_GERUND_EN}{_OBJECT_EN}{_WHEN_EN} (?:automatically |really |even )?"
        rf"(?:{_COST_EN}\b|an? (?:automatic )?(?:fail(?:ure)?|problem|red flag|bad sign|rejection)\b)[^,.!;:?…]*+",
        rf"\b(?:penalty|consequences?|downside) (?:for|of|to) {_GERUND_EN}\b",
    )
)

_VERB_ES = (
    r"(?:me rindo|me rindiera|paro|parara|termino|terminara|acabo|acabara|lo dejo|lo dejara|abandono|abandonara"
    r"|me voy|me fuera|me retiro|me retirara|cuelgo|colgara|me desconecto|no termino|no lo termino)"
)
_INFINITIVE_ES = r"(?:rendirme|parar|terminar|acabar|dejarlo|abandonar|irme|retirarme|colgar|no terminar)"
_WHEN_ES = r"(?: (?:la entrevista|ahora|ya|aqui|antes|antes de tiempo|a la mitad|ahorita)){0,2}"
_COST_ES = (
    r"(?:repruebo|repruebe|suspendo|pierdo|fallo|quedo (?:fuera|descalificad[oa]|eliminad[oa])|me descalifican"
    r"|me eliminan|me penalizan|(?:me )?(?:cuenta|contaria|afecta|afectaria|perjudica|perjudicaria|penaliza"
    r"|penalizaria)|(?:es|seria|esta|estaria) (?:malo|mal|un problema)|pasa algo|pasaria algo|que pasa|que pasaria)"
)
_ABOUT_END_ES = "|".join(
    f"(?:{p})"
    for p in (
        # "¿Qué pasa si me rindo?", "¿cuenta en mi contra si termino ahora?", "¿repruebo si lo dejo?"
        rf"\b(?:que (?:pasa|pasaria|sucede|sucederia|ocurre|ocurriria)|{_COST_ES}(?: (?:en mi contra|negativamente"
        rf"|algo|mal|para mi|a mi))?),? si {_VERB_ES}{_WHEN_ES}",
        # "Si me rindo ahora, ¿repruebo?"
        rf"\bsi {_VERB_ES}{_WHEN_ES},? (?:entonces )?{_COST_ES}\b[^,.!;:?…]*+",
        # "¿Rendirme ahora cuenta en mi contra?"
        rf"\b{_INFINITIVE_ES}{_WHEN_ES} (?:me )?(?:cuenta|contaria|afecta|afectaria|perjudica|perjudicaria|penaliza"
        r"|penalizaria|(?:es|seria|esta|estaria) (?:malo|mal|un problema))\b[^,.!;:?…]*+",
    )
)

ABOUT_END = {"en": re.compile(_ABOUT_END_EN), "es": re.compile(_ABOUT_END_ES)}


def without_questions(reading: str, languages: tuple[str, ...]) -> str:
    """``reading`` with each question about ending (``ABOUT_END``) read out: replaced by a pause."""
    for language in dict.fromkeys(languages):
        pattern = ABOUT_END.get(language)
        if pattern is not None:
            reading = pattern.sub(" . ", reading)
    return reading


def asks_about_ending(text: str, languages: tuple[str, ...] = ("en", "es")) -> bool:
    """Whether ``text`` (a candidate's turn) asks what ending would cost (``ABOUT_END``), read as the rules read a
    turn (agent.turn_readings)."""
    patterns = [ABOUT_END[language] for language in dict.fromkeys(languages) if language in ABOUT_END]
    return any(pattern.search(reading) for reading in readings_of(text) for pattern in patterns)
