"""The frames around an outcome claim (agent.outcome_claims), read on a line as agent.outcome_words ``plain`` reads it.

Four classes, English and Spanish, each bounded as agent.outcome_words' patterns are:

- An outcome taken as given. A question that presupposes one asks nothing about it: a factive frame ("did you know",
  "has anyone told you", "aren't you glad", "now that", "¿sabías que", "¿no es genial que") before a claim, or an
  outcome had ("have they told you about the offer?": ``DONE``), that nothing but joining words (and, after "tell",
  who is told) separates from it (``FACTIVE``, ``presupposed``); and the outcome inside a frame that
  needs it true, question or not ("congrats on passing", "how does it feel to be hired", "celebrate getting the job",
  "ready for the onsite?", "enhorabuena por aprobar": ``PRESUPPOSED``, ``PRESUPPOSED_NEXT``).
- An idiom of success or failure said of the candidate, where it ends its clause ("you nailed it", "you're in",
  "you knocked it out of the park", "you blew it", "lo clavaste", "estás dentro": ``IDIOM``); said of one step it is
  praise ("you nailed that edge case", "you nailed it on the complexity").
- A mark given alone: a ratio ("9 of 10", "8 on 10", agent.outcome_words' ``SCORE``), a number with the words of a
  mark ("a solid 8", "you're a 9", "that's a 9 in my book", "I'd put you at an 8", "un sólido 8", "eres un 9":
  ``MARK``).
- An outcome's words as the question's own values: a score someone else in the problem holds ("if a candidate scores
  9 out of 10", "a student who scores 9 of 10": ``held_by_other``) and a value the code returns, prints or labels
  ("the function returns 'hire' or 'no hire'", "la función devuelve 'contratar'": ``code_value``); never one said
  of the candidate ("returns 'you passed'", "your solution gets 9 out of 10").
"""

from __future__ import annotations

import re

from agent.outcome_words import (
    _DEFINED,
    _EVENT_EN,
    _EVENT_ES,
    _JOB_EN,
    _JOB_ES,
    _NUMBER_EN,
    _NUMBER_ES,
    _WHOLE_EN,
    _WHOLE_EVENT_EN,
    OTHER_RONDA,
    OTHER_ROUND,
    _claim,
)

# A frame that takes what follows as true, in a question ("did you know you passed?"); only joining words may come
# between it and the claim (``presupposed``). "Do you think you passed?", "do you know whether you passed?" ask.
FACTIVE = re.compile(
    r"\b(?:know|knew|knowing|realize|realise|realized|realised|notice|noticed|hear|heard|remember|forget|forgot"
    r"|can you believe|can't believe|cannot believe|mention|mentioned|(?P<tell>tell|told)|glad|happy|relieved"
    r"|proud|thrilled|excited|surprised|great|amazing|awesome|cool|nice|exciting|obvious|clear|evident|now|since"
    r"|sabias|sabes|te (?:han |habian |he )?(?:dicho|contado)|te dije|te conte|alegra|alegras|alegro"
    r"|genial|increible|estupendo|ahora|ya que|como)\b"
)
_JOINING_WORDS = (
    "that que de you te already finally really actually officially now ya about sobre"  # split below
)
_JOINING = frozenset(_JOINING_WORDS.split())
MAX_JOINING = 3


def presupposed(clause: str) -> list[int]:
    """Where a claim taken as given may start in ``clause``: after each factive frame, and after each of the (at most
    ``MAX_JOINING``) joining words that follow it ("did you know that you passed": "that" or "you" may start it);
    after "tell" and "told", who is told too ("have you told anyone you're hired?", "will you tell your family you got
    the job?")."""
    starts = []
    for m in FACTIVE.finditer(clause):
        at = m.end() + 1
        starts.append(at)
        for n, word in enumerate(clause[at:].split(" ", MAX_JOINING)[:MAX_JOINING]):
            if word not in _JOINING and not (m.group("tell") and n < 2):
                break
            at += len(word) + 1
            starts.append(at)
    return starts


# An outcome as a thing done or had, not said of anyone: "passing (the interview)", "getting the job", "the offer",
# "to have passed", "to be hired". After a frame that needs it true (below), it is said all the same.
_ENDS = r"(?= ?[.!?]|$)"
_DONE_EN = (
    r"(?:(?:having |to have |have )?(?:passed|aced|nailed|cleared)|passing|acing|nailing|clearing|getting through"
    r"|making it through|making the cut)"
    rf"(?: (?:the |this |your |today's )?{_EVENT_EN}\b|{_ENDS})"
    r"|(?:(?:to )?be(?:ing)?|getting) (?:hired|accepted|through|on the team)\b"
    rf"|(?:getting|landing|receiving|winning|securing|having (?:got|gotten|landed)) (?:the |this |an? |your )?"
    rf"(?:new )?{_JOB_EN}\b"
    rf"|(?:the|your|an) (?:job )?offer(?: letter)?(?= ?[.!?]|$| yet| from| already| for (?:the |this )?{_JOB_EN}\b)"
    r"|(?:the|your) new (?:job|role)\b"
    rf"|(?:moving on|advancing|going through) to (?:the )?(?:onsite|on-site|next round|final round)\b{OTHER_ROUND}"
)
PRESUPPOSED = _claim(
    # What follows only a hire: "your start date", "your offer letter", "tu fecha de incorporación".
    r"\byour (?:start date|starting date|offer letter|signing bonus|onboarding"
    r"|first day (?:on the team|here|with us))\b"
    r"|\btu (?:fecha de (?:incorporacion|inicio)|carta de oferta|contrato"
    r"|primer dia (?:en el equipo|aqui|con nosotros))\b"
    rf"|\b(?:congrat\w*|kudos|hats off)(?: to you)? (?:on|for) (?:{_DONE_EN})"
    rf"|\bcelebrat\w* (?:{_DONE_EN})"
    rf"|\bfeel(?:s|ing)? (?:to|about|like) (?:{_DONE_EN})"
    rf"|\b(?:glad|happy|relieved|thrilled|proud|excited) (?:about|at|to) (?:{_DONE_EN})"
    r"|\b(?:excited|ready|looking forward|eager|happy) (?:to (?:join|start (?:on|with|at))|to be joining|for joining)"
    r" (?:the|our|my) (?:team|company)\b"
)
# Ready for a round that follows only a pass: "ready for the onsite?", "¿listo para la siguiente ronda?" (never the
# interview's own next part: "ready for the next part?", "la siguiente fase").
PRESUPPOSED_NEXT = _claim(
    r"\b(?:ready|prepared|set|excited|looking forward) (?:for|to) (?:the |your )?(?:onsite|on-site"
    rf"|(?:next|final|second) (?:round|interview|interviews))\b{OTHER_ROUND}"
    r"|\b(?:list[oa]|preparad[oa]|lista|listos) para (?:la |tu )?(?:siguiente|proxima|ultima|segunda) "
    rf"(?:ronda|entrevista)\b{OTHER_RONDA}"
)
_DONE_ES = (
    r"(?:(?:haber )?(?:aprobado|pasado|superado)|aprobar|pasar|superar)"
    rf"(?: (?:la|el|esta|este|tu) {_EVENT_ES}\b|{_ENDS})"
    rf"|(?:haber )?(?:conseguido|conseguir|obtenido|obtener) (?:el|la|un|una) {_JOB_ES}\b"
    r"|(?:(?:haber )?sido|ser|estar) contratad[oa]\b|que te (?:contraten|hayan contratado)\b|tu contratacion\b"
    rf"|(?:el|la|tu) (?:{_JOB_ES}|nuevo puesto|nuevo trabajo){_ENDS}"
)
# An outcome had, after a factive frame ("have they told you about the offer yet?", "¿sabes lo de la oferta?").
DONE = _claim(rf"(?:{_DONE_EN})|(?:lo de )?(?:{_DONE_ES})")
PRESUPPOSED_ES = _claim(
    rf"\b(?:enhorabuena|felicidades|felicitaciones|te felicito|te felicitamos) (?:por|con) (?:{_DONE_ES})"
    rf"|\b(?:alegra|alegras|alegro de|alegrarte de|celebrar|celebraras|celebra|orgullos[oa] de) (?:{_DONE_ES})"
    rf"|\bse siente (?:al|tras|despues de) (?:{_DONE_ES})"
)

# An idiom of the whole interview said of the candidate, where it ends its clause (or "today", "in the interview"
# follow); a step praised names its step ("you nailed the edge case", "you nailed it on the complexity").
_IDIOM_ENDS = rf"(?: {_WHOLE_EN})?{_ENDS}"
IDIOM = _claim(
    r"\byou(?:'ve| have| just| really| totally| absolutely| so| completely| truly){0,2} (?:nailed|aced|crushed"
    r"|smashed|killed|rocked|owned|slayed|blew|bombed|flunked|botched|tanked) (?:it|this|that|the whole thing"
    rf"|(?:the|this|that|today's|your) (?:[\w'-]+ )?{_WHOLE_EVENT_EN})"
    rf"(?: (?:completely|totally|really|so hard|big time))?{_IDIOM_ENDS}"
    r"|\byou(?:'ve| have)? (?:knocked|hit) (?:it|this|that|one) (?:right )?out of the (?:ball)?park\b"
    rf"|\byou(?:'ve| have)? (?:hit|scored) (?:a |an absolute )?home run{_IDIOM_ENDS}"
    r"|\b(?:that|this|it|today|your interview)(?:'s| is| was|'s been| has been) (?:a |an absolute |a total )?"
    rf"(?:home run|grand slam|slam dunk){_IDIOM_ENDS}"
    # "now that you're in" (the call, the editor) is where the candidate is
    r"|(?<!now that )(?<!since )\byou(?:'re| are)(?: so| totally| definitely| basically| officially| already"
    r"| pretty much)? (?:in|out"
    rf"|home free|on the team|a shoo ?in|a slam dunk|a lock)(?: for (?:the|this) {_JOB_EN})?{_ENDS}"
    rf"|\bwould (?:definitely |totally |absolutely )?hire(?: again)?{_ENDS}"
    r"|\byou(?:'ve| have)?(?: got| have)? (?:it|this|the job|the role|the offer) in the bag\b"
    rf"|\b(?:the|this) {_JOB_EN} is (?:in the bag|a done deal|yours to lose)\b"
    rf"|^(?:it's|it is|that's|that is) a done deal{_ENDS}"
    r"|\byou(?:'ve| have)? sealed the deal\b"
    r"|\byou(?:'ve| have|'re| are| were)?(?: \w+ly| well| way| just| so)? (?:cleared|met|passed|exceeded|raised"
    rf"|fell below|fell short of|missed|above|below|over) (?:the|our|my) (?:hiring )?bar{_IDIOM_ENDS}"
    r"|\byou(?:'re| are| were|'ve been| have been) (?:\w+ )?(?:on fire|a rock ?star|a star|a machine|a beast"
    rf"|unstoppable) {_WHOLE_EN}"
    r"|\b(?:lo has hecho|lo hiciste|ha sido|fue|has estado|estuviste) (?:de diez|de 10|de matricula"
    rf"|de sobresaliente){_ENDS}"
    r"|\b(?:lo|la) (?:has |habeis )?(?:clavad[oa]|clavaste|petad[oa]|petaste|rot[oa]|rompiste|bordaste|bordad[oa]"
    rf"|bordas|clavas|petas|rompes){_ENDS}"
    rf"|\bte (?:has lucido|luciste|has salido|saliste){_ENDS}|\b(?:has arrasado|arrasaste){_ENDS}"
    # "ahora que estás dentro" (the call, the editor) is where the candidate is
    rf"|(?<!ahora que )(?<!ya que )(?<!ahora que ya )\b(?:ya )?(?:estas|quedas) (?:dentro|fuera){_ENDS}"
    r"|\blo tienes (?:en el bolsillo|hecho|ganado)\b"
    r"|\b(?:aprobaste|pasaste|superaste|has aprobado|has pasado|has superado)(?: (?:la|esta|el|este) \w+)?"
    r" (?:con nota|con creces|con matricula|con sobresaliente|de sobra|sin despeinarte)\b"
)

# The candidate joined: said in the greeting, "Great, you're in." / "Ya estás dentro." is where they are, not a verdict
# (agent.outcome_claims reads it so only while the greeting lasts; "you're officially in" is a verdict anywhere).
JOINED = re.compile(r"you(?:'re| are)(?: already| now)? in|(?:ya )?estas dentro")

# A mark alone: a number with the words of a mark (an adjective, "from me", "in my book"), the candidate as a number,
# the speaker placing them at one, a label's value.
_SOLID_EN = (
    r"(?:solid|strong|easy|clear|high|low|firm|respectable|decent|generous|fair|weak|comfortable|definite)"
)
# "one" alone is a pronoun ("a solid one", "that's a strong one": an approach, a question), a mark only as a ratio.
_RATIO_EN = (
    rf"(?!one\b(?! ?(?:out of|of|on|over|/)))"
    rf"{_NUMBER_EN}(?: ?(?:out of|of|on|over|/) ?(?:10|ten|5|five|100|a hundred))?"
)
_MINE_EN = r"(?: from me| for me| in my book| overall| today| on my scorecard)"
_SOLID_ES = r"(?:solido|solida|buen|claro|alto|merecido|firme|rotundo)"
_RATIO_ES = rf"{_NUMBER_ES}(?: ?(?:sobre|/|de) ?(?:10|diez|5|cinco|100|cien))?"
MARK = _claim(
    rf"^(?:(?:i'd say|i would say|honestly|easily|definitely|probably|overall|yeah|so|that's|it's|this is) )*"
    rf"(?:an? )?{_SOLID_EN} {_RATIO_EN}{_MINE_EN}?$"
    rf"|^(?:(?:i'd say|i would say|honestly|easily|definitely|overall|so) )*(?:an? )?{_RATIO_EN}{_MINE_EN}$"
    rf"|\ban? (?:solid|strong|respectable|decent|generous|firm|comfortable|high|low|definite) {_RATIO_EN}{_MINE_EN}?"
    rf"{_ENDS}"
    rf"|^(?:an? )?(?:solid|strong|high|low|clear) (?:a|b|c|d|f)(?: plus| minus)?{_MINE_EN}?$"
    r"|\b(?:un|una|tienes|te llevas|sacas|sacaste|has sacado|te mereces|te pongo|te pondria|te daria|te doy) (?:un )?"
    rf"(?:notable|sobresaliente|suspenso|aprobado raspado|aprobado justo)\b{_DEFINED}"
    r"|^(?:notable|suspenso)(?: alto| bajo)?$"
    rf"|\byou(?:'re| are|'d be| would be| were) (?:easily |definitely |clearly |around |about |roughly |at least )?"
    rf"an? (?:{_SOLID_EN} )?{_RATIO_EN}"
    rf"{_MINE_EN}?{_ENDS}"
    rf"|\b(?:that's|that is|it's|it is|this is|that was|it was) (?:easily )?an? (?:{_SOLID_EN} {_RATIO_EN}{_MINE_EN}?"
    rf"|{_RATIO_EN}{_MINE_EN}){_ENDS}"
    rf"|\b(?:i'd|i would|i'll|i will|i|we'd|we would) (?:put|place|peg|have|call|score|mark|grade|rate) (?:you"
    rf"|this|your \w+) (?:at |as )?(?:an? )?(?:{_SOLID_EN} )?{_RATIO_EN}(?= ?[.!]|$| from| overall| today)"
    rf"|\byou(?:'d| would) (?:earn|score)(?: easily)? (?:an? )?(?:{_SOLID_EN} )?{_RATIO_EN}{_ENDS}"
    rf"|\byou (?:deserve|deserved) (?:an? )?(?:{_SOLID_EN} )?{_RATIO_EN}{_ENDS}"
    rf"|\byou(?:'d| would)? (?:get|earn|deserve|score|got|earned|scored) (?:an? )?(?:{_SOLID_EN} )?{_RATIO_EN}"
    rf"{_MINE_EN}"
    rf"|^(?:(?:your|my|final|overall) )*(?:grade|rating|score|mark|nota|puntuacion|calificacion) ?: ?(?:an? )?"
    rf"(?:{_RATIO_EN}|{_RATIO_ES})$"
    rf"|^(?:un|una) (?:{_SOLID_ES} {_RATIO_ES}|{_RATIO_ES} (?:bien )?merecido|diez|10)$"
    rf"|\b(?:eres|serias|fuiste|has sido) (?:un|una) (?:{_SOLID_ES} )?{_RATIO_ES}{_ENDS}"
    rf"|^(?:(?:diria que|yo diria|sinceramente|facilmente) )*(?:un |una )?{_NUMBER_ES} ?(?:sobre|/|de) ?(?:10|diez"
    rf"|5|cinco|100|cien)$"
)

# Someone else in the problem holding a score: a noun phrase (no "you", no candidate's work) and a verb of having one.
_HOLDING = re.compile(
    r"(?:^|\b)(?P<holder>[\w']+(?: [\w']+){0,3}) (?:who |that |which |que |whose \w+ )?(?:scores?|scored|scoring"
    r"|gets?|got|has|had|receives?|received|earns?|earned|averages?|averaged|with|rated|is rated|was rated|saca"
    r"|sacan|saco|tiene|tienen|obtiene|obtienen|con)(?: an?| un| una| of| de)? $"
)
_HOLDING_ES = re.compile(
    r"(?:^|\b)(?:saca|sacan|saco|obtiene|obtienen|obtuvo|recibe|reciben|recibio|consigue|consiguen|consiguio"
    r"|le (?:dan|da|ponen|pone|toca)) (?:un |una |la |el )?$"
)
_CANDIDATE_WORDS = (
    "you your you're yours i i'd me my we we'd our it this that these those tu tus te eres tienes sacas mi nos"
    " solution code answer approach implementation performance interview submission work attempt design program"
    " solucion codigo respuesta entrevista entrega trabajo"
)
_CANDIDATES = frozenset(_CANDIDATE_WORDS.split())
_YOU = frozenset(["you", "your", "you're", "yours", "tu", "tus", "te", "ti"])
# A variable of the problem's with a score as its value: "when the score is 9 of 10" (never "your score").
_VALUE_OF = re.compile(
    r"\b(?:the|a|an|each|its|their|his|her|whose|el|la|su) (?:\w+ )?(?:score|grade|rating|mark|result|total"
    r"|average|sum|nota|puntuacion|media)s?(?: (?:for|of|in|on|de|para|en)(?: [\w']+){1,3}?)? (?:is|are|was|of|="
    r"|equals|becomes|es|de)(?: an?| un| una)?"
    r"(?: (?:above|below|over|under|at least|at most|exactly|more than|less than))? $"
)


# A score compared with ("scores above 9 out of 10"): a threshold, never a mark.
_COMPARED = re.compile(
    r"\b(?:above|below|over|under|at least|at most|more than|less than|greater than|fewer than|equal to|exceeds?"
    r"|beats?|reaches|por encima de|por debajo de|al menos|mas de|menos de|mayor que|menor que|igual a) $"
)


def held_by_other(before: str) -> bool:
    """Whether the score after ``before`` is held by someone or something of the problem's ("if a candidate scores
    9 out of 10"), or compared with ("above 9 of 10"), not the candidate's or their work's ("your solution gets 9 out
    of 10", "you scored above 9 out of 10")."""
    if (value := _VALUE_OF.search(before)) is not None and not set(value.group().split()) & _YOU:
        return True
    if _COMPARED.search(before):
        return not set(before.split()) & _CANDIDATES
    m = _HOLDING.search(before)
    if m is not None and not set(m.group("holder").split()) & _CANDIDATES:
        return True
    # Spanish drops a subject its verb names: a third person's ("si un alumno saca un 9, obtiene un sobresaliente")
    # is never the candidate, who is spoken to as "tú" (prompts: es).
    return _HOLDING_ES.search(before) is not None and not set(before.split()) & _CANDIDATES


# A value the problem's code gives: the claim's words after a verb of code, with nothing between but other values.
_CODE_VERB = re.compile(
    r"\b(?:returns?|returning|returned|outputs?|outputting|prints?|printing|printed|yields?|emits?|labels?"
    r"|labell?ed|labell?ing|classif(?:y|ies|ied|ying)(?: \w+)? as|maps?(?: \w+){0,3} to|mapped to|mapping"
    r"|(?:the|a|an|each|its|their|this) (?:label|value|string|output|result|category|class|status|field"
    r"|return value)s? (?:is|are|was|will be|becomes|should be|=|==)"
    r"|devuelve|devuelven|devolver|retorna|retornan|imprime|imprimen|etiqueta|etiquetan|valor es|cadena)\b"
)
_VALUE_WORD_LIST = (
    "or and either else otherwise then the a an string value label word hire hired no yes pass passed fail failed"
    " strong reject rejected maybe lean to o y ni contratar contratado rechazar rechazado aprobado suspenso si"
)
_VALUE_WORDS = frozenset(_VALUE_WORD_LIST.split())
_SAID_OF_SOMEONE = re.compile(r"\b(?:you|you're|we|i|i'd|they|te|tu|eres|estas|has|vamos)\b")
MAX_VALUES = 6


def code_value(before: str, claim: str) -> bool:
    """Whether ``claim`` (after ``before``) is a value the problem's code gives, said of nobody."""
    if _SAID_OF_SOMEONE.search(claim):
        return False
    last = max(_CODE_VERB.finditer(before), key=lambda m: m.end(), default=None)
    if last is None:
        return False
    words = [w.strip("'") for w in before[last.end() :].split() if w.strip("'")]  # a value in single quotes
    return len(words) <= MAX_VALUES and all(w in _VALUE_WORDS or w.isdigit() for w in words)
