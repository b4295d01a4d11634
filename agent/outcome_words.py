"""The words of an outcome claim, English and Spanish (agent.language): what agent.outcome_claims reads a line with.

Each pattern is bounded (fixed words, at most one or two free words between them) and runs on one clause of a line
as ``plain`` reads it: case and accents folded, look-alike letters read as the letters they pass for, quotation
marks dropped (they are not heard, and a verdict in quotes is still said), one space between words.
"""

from __future__ import annotations

import re

from agent.lookalikes import fold

_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "`": "'", "\u00b4": "'"})
# Kept as they are: letters, digits, the apostrophe ("you're"), "%" and "/" (a score), and the marks that end a
# clause or a sentence; anything else (quotation marks, brackets, dashes, symbols) is a space.
_NOT_KEPT = re.compile(r"[^a-z0-9'%/.,;:!?]+")
_SPACES = re.compile(r"\s+")

# Where a clause ends: a claim and what hedges it are read within one clause.
CLAUSE_SPLIT = re.compile(r"[,;:]| (?:but|pero|although|aunque|though|so|asi que) ")
# A sentence, with the mark that ends it ("?" makes it a question).
SENTENCE = re.compile(r"[^.!?]+[.!?]*|[.!?]+")
# A question only in form ("you passed, right?", "aprobaste, ¿verdad?"): a claim all the same.
TAG_QUESTION = re.compile(
    r"(?:right|correct|no|yeah|ok|okay|eh|huh|(?:did|do|does|have|has|is|was|are|were|will|would)(?:n't| not)? "
    r"(?:you|it|they|we)|verdad|cierto|no es cierto|no es asi|vale)\s*\?$"
)


def plain(text: str) -> str:
    """``text`` as the rules read it (the module's docstring)."""
    folded = "".join(fold(c) for c in text.translate(_APOSTROPHES))
    return _SPACES.sub(" ", _NOT_KEPT.sub(" ", folded.replace("<<", " ").replace(">>", " "))).strip()


# What keeps a claim from being one when it comes before it in its clause: a condition, a doubt, a wish or a need
# ("if it passes", "whether you passed", "to pass", "might fail", "make sure it passes"), or the speaker saying they
# cannot tell ("I can't tell you how you did", "no puedo decirte si ..."). A negation of the outcome itself is no
# hedge: "you didn't pass" is a verdict.
HEDGE = re.compile(
    r"\b(?:if|whether|once|when|whenever|until|unless|before|after|might|may|could|maybe|perhaps|hope|hoping"
    r"|need|needs|want|wants|make sure|ensure|try|trying|decide|decides|determine|determines|who|what|which|how"
    r"|(?:can't|cannot|can not|won't|don't|do not|not able to|unable to|not allowed to|not in a position to|not mine to"
    r"|not for me to|not up to me to|no way to) (?:\w+ )?(?:tell|say|share|know|judge|comment|confirm|promise"
    r"|guarantee|see|speak)"
    r"|si|cuando|hasta que|antes de|despues de|para|a ver|quiza|quizas|tal vez|puede que|podria|podrias|pueda"
    r"|necesitas|necesita|asegurate|intenta|ojala|quien|que tal|como"
    r"|no (?:\w+ )?(?:puedo|podemos|se|sabemos|me toca|me corresponde|es cosa mia)(?: \w+)?)\b"
)

_NUMBER_EN = r"(?:\d+(?:[.,]\d+)?|one|two|three|four|five|six|seven|eight|nine|ten|a hundred)"
_NUMBER_ES = r"(?:\d+(?:[.,]\d+)?|uno|una|dos|tres|cuatro|cinco|seis|siete|ocho|nueve|diez|cien)"
# "N out of 10" is a mark where it ends its clause or what follows makes it one; followed by anything else it counts
# things ("5 out of 10 coins", "7 out of 10 intervals merged").
_MARK_ENDS = r"(?= ?(?:[.!]|$|(?:for|on|from|overall|today|points|stars|para|en|hoy|puntos)\b))"
# A number given as a mark ends its clause or is followed by what makes it one ("I'd give you a nine").
_AS_MARK = r"(?= ?(?:[.!]|$|out of|/|points|stars|sobre|puntos))"
_EVENT_EN = r"(?:interview|screen|screening|round|assessment|evaluation|exam|call|process|loop|phone screen)"
_EVENT_ES = r"(?:entrevista|prueba tecnica|evaluacion|ronda|proceso|examen|filtro|fase|etapa)"
_JOB_EN = r"(?:job|offer|position|role|gig)"
_JOB_ES = r"(?:puesto|trabajo|empleo|oferta|plaza)"
_OUTCOME_VERB_EN = r"(?:pass|fail|ace|nail|bomb|flunk|clear)"
_OUTCOME_PAST_EN = r"(?:passed|failed|aced|nailed|bombed|flunked|cleared)"
_WITH_EASE = r"(?: (?:easily|comfortably|with ease|with flying colou?rs|hands down))"
_WILL_EN = r"(?:did|didn't|did not|will|won't|will not|would|wouldn't|would not|'ll|'d|are going to|'re going to" \
           r"|definitely|clearly|totally|easily|certainly|surely)"  # fmt: skip

# A verdict on the candidate: "you passed (the interview)", "you failed", "you'd get the job", "you're hired",
# "strong hire", "that's a pass", "has aprobado", "estás contratado", "te vamos a contratar".
VERDICT = re.compile(
    rf"\byou(?:'ve| have| just| really| totally| clearly| definitely)?(?: {_OUTCOME_PAST_EN}| ?{_WILL_EN} "
    rf"(?:\w+ )?{_OUTCOME_VERB_EN})(?: (?:the|this|your|today's|our))?(?: {_EVENT_EN}\b|{_WITH_EASE}?(?=[.!]|$))"
    rf"|\byou(?:'re| are| were|'ll be| will be|'d be| would be)(?: \w+)? (?:hired|rejected|accepted|not hired"
    r"|getting hired|a (?:strong |clear |definite )?(?:hire|pass|fail))\b"
    rf"|\byou(?:'ve| have| just)? (?:got|landed|earned|won|secured) (?:the|this|an?) {_JOB_EN}\b"
    rf"|\byou(?:'ll| will|'d| would|'re going to| are going to)? (?:\w+ )?(?:get|land|receive|be offered|have)"
    rf" (?:the|this|an?) {_JOB_EN}\b"
    r"|\b(?:we|they|i|the team|the company)(?:'ll| will|'d| would|'re going to| are going to| am going to|'m going to"
    r"| definitely| should)? (?:hire|reject|pass on|turn down) you\b"
    r"|\b(?:we|they|i|the team|the company)(?:'ll| will|'d| would|'re going to| are going to|'m going to)?"
    rf" (?:\w+ )?(?:make|extend|send|give|offer) you (?:an|the|a) {_JOB_EN}\b"
    r"|\bwelcome (?:aboard|to the team)\b"
    r"|\b(?:that|this|it)(?:'s| is) a (?:strong |clear |definite |solid )?(?:yes|hire|pass) from me\b"
    r"|\b(?:strong|definite|clear|lean|solid|easy|obvious|certain|sure)(?: no)? hire\b|\bno[- ]hire\b"
    r"|\bstrong (?:yes|no hire)\b"
    r"|\b(?:that|this|it)(?:'s| is| was| will be|'ll be) (?:a )?(?:clear |definite |solid |strong |easy )?"
    r"(?:pass|fail|hire)(?= ?[.!]|$| for you)"
)
VERDICT_ES = re.compile(
    rf"\b(?:has|habeis) (?:\w+ )?(?:pasado|aprobado|superado|suspendido|reprobado|fallado|bordado)"
    rf"(?: (?:la|esta|el|este|tu))?(?: {_EVENT_ES}\b|(?=[.!]|$))"
    rf"|\b(?:pasaste|aprobaste|superaste|suspendiste|reprobaste|fallaste|bordaste)"
    rf"(?: (?:la|esta|el|este|tu))?(?: {_EVENT_ES}\b|(?=[.!]|$))"
    r"|\b(?:estas|quedas|quedaste|estarias|estaras) (?:\w+ )?(?:contratad[oa]|rechazad[oa]|aprobad[oa]"
    r"|suspendid[oa]|descartad[oa]|seleccionad[oa])\b"
    r"|\bte (?:van a |vamos a |voy a |iran a )?(?:contratar|contratamos|contrataremos|contrataran|contratarian"
    r"|rechazar|rechazamos|rechazaran|descartar|descartamos|descartaran)\b"
    rf"|\b(?:conseguiras|consigues|conseguiste|tendras|tienes|obtendras|te llevas|te llevaras|te daran|te dan"
    rf"|te damos|te daremos|vas a conseguir|vas a tener) (?:el|la|un|una) {_JOB_ES}\b"
    r"|\b(?:recibiras|te haran|te haremos|te van a hacer|te vamos a hacer) (?:una|la) (?:oferta|propuesta)\b"
    r"|\bbienvenid[oa] al equipo\b"
    r"|\b(?:contratacion|contratar) (?:fuerte|segura|clara|sin duda)\b|\b(?:fuerte|clara) contratacion\b"
    r"|\bno contratar\b"
)

# A score or a rank: "9 out of 10", "9/10", "top 5 %", "the best candidate I've seen", "un 9 sobre 10".
SCORE = re.compile(
    rf"\b{_NUMBER_EN} ?(?:out of|/) ?(?:10|ten|5|five|100|a hundred)\b{_MARK_ENDS}"
    r"|\btop (?:\d+|one|two|three|five|ten|twenty) ?(?:%|percent|per cent|percentile)"
    r"|\b(?:you(?:'re| are| were|'d be| would be)|puts you|places you) (?:\w+ )?in the \d+(?:st|nd|rd|th) percentile\b"
    r"|\b\d+(?:st|nd|rd|th) percentile (?:of|among) (?:the |our |my )?(?:candidates|people|applicants|everyone)\b"
    rf"|\byou(?:'ve| have)? (?:scored|got|earned) (?:an? |the )?(?:{_NUMBER_EN}(?= ?[.!]|$| out of|/| points| percent)"
    r"|(?:perfect|full|top|maximum) (?:score|marks))"
    r"|\b(?:best|strongest|weakest|worst|top) (?:candidate|performance|score|solution|interview)s?"
    r" (?:i|we)(?:'ve| have) (?:\w+ )?(?:seen|had|interviewed)\b"
    r"|\b(?:i'd|i would|i'll|i will|i) (?:give|rate|score) (?:you|this|it|your \w+) (?:an? |at )?"
    rf"{_NUMBER_EN}{_AS_MARK}"
    r"|\byou(?:'re| are) (?:in )?(?:the|a|one of the|one of my) (?:best|strongest|top|weakest|worst) "
    r"(?:candidates?|performers?|people)\b"
    r"|\b(?:your (?:final |overall )?|the (?:final|overall) )(?:score|rating|grade|mark|ranking) (?:is|was|will be"
    rf"|would be) (?:an? |at |about |around )?(?:{_NUMBER_EN}{_AS_MARK}|(?:very |really )?(?:excellent|outstanding"
    r"|strong|great|high|perfect|top|low|poor|weak|average)(?= ?[.!]|$))"
)
SCORE_ES = re.compile(
    rf"\b{_NUMBER_ES} ?(?:sobre|/) ?(?:10|diez|5|cinco|100|cien)\b{_MARK_ENDS}"
    r"|\bel top (?:\d+|diez|cinco)|\b(?:el )?\d+ ?(?:%|por ciento) (?:mejor|superior)"
    r"|\b(?:mejor|peor) (?:candidat[oa]|entrevista|solucion) que (?:he|hemos) (?:\w+ )?(?:visto|tenido|entrevistado)\b"
    rf"|\bte (?:doy|daria|pongo|pondria|dare|pondre) (?:un |una |la nota de )?{_NUMBER_ES}{_AS_MARK}"
    r"|\beres (?:el|la|uno de los|una de las) (?:mejor|mejores|peor|peores) (?:candidat[oa]s?)\b"
    r"|\b(?:tu|la) (?:nota|puntuacion|calificacion) (?:final )?(?:es|sera|fue|seria) (?:un |una |de )?"
    rf"(?:{_NUMBER_ES}{_AS_MARK}|(?:muy )?(?:excelente|alta|buena|perfecta|baja|mala)(?= ?[.!]|$))"
)

# The tests the interviewer never sees run (the hidden ones), and their results.
HIDDEN = re.compile(
    r"\b(?:hidden|secret|private|grading|submission) (?:tests?|test cases|test suite|cases|checks|ones)\b"
    r"|\b(?:tests?|test cases|ones) (?:you|we|i) (?:can't|cannot|don't|do not) see\b|\bhidden (?:ones|too|included)\b"
    r"|\b(?:pruebas|tests|casos|casos de prueba) (?:ocult[oa]s|privad[oa]s|secret[oa]s|de evaluacion)\b"
    r"|\b(?:los ocultos|las ocultas)\b"
)
# The hidden tests added to a result stated beside them ("every test passes, including the hidden ones").
HIDDEN_TOO = re.compile(
    r"\b(?:including|included|even|incluid[oa]s|incluyendo|incluso)(?: \w+){0,2}? (?:hidden|ocult[oa]s)\b"
    r"|\bhidden (?:ones |tests )?(?:too|included|as well)\b|\bocult[oa]s (?:tambien|incluid[oa]s)\b"
)
# Tests as a whole (a run's report), never one example walked through by hand ("this passes the first example").
TESTS = re.compile(
    r"\b(?:tests|test cases|test suite|(?:every|each|all|any|no) (?:single |one )?(?:test|case)|everything"
    r"|all of them|every one|pruebas|casos de prueba|todas las pruebas)\b"
)
ALL = re.compile(r"\b(?:all|every|each|everything|todas|todos)\b")
# Some of the tests, not all ("two tests pass", "only the first one", "algunas pruebas").
PARTIAL = re.compile(
    r"\b(?:some|one|two|three|four|\d+|most|several|a few|half|only|algunas|algunos|una|dos|tres|cuatro|la mitad"
    r"|varias|varios|solo)\b"
)
# A result said as a fact or a forecast ("passes", "will fail", "all green", "pasan"); never "pass" with an argument
# after it ("the third test passes an empty list", "pasa una lista vacia"), nor an infinitive or a subjunctive
# ("to pass", "para que pasen": agent.outcome_claims reads the word before).
_ARGUMENT = (
    r"(?! (?:a|an|in|into|through|along|over|by|around|null|none|zero|\d+|empty|negative|large"
    r"|un|una|por|al)\b)"
)
PASSING = re.compile(
    r"\b(?:passed|passes|passing|pass|succeeded|succeeds|all green|clears|cleared"
    r"|pasa|pasan|pasaron|pasado|pasaste|pasas|pasamos|superaste|aprobaste|pasara|pasaran|pasaria|pasarian|supera|superan|supero|superaron"
    rf"|superado|aprueba|aprueban|aprobado|en verde){_ARGUMENT}\b"
)
FAILING = re.compile(
    r"\b(?:failed|fails|failing|fail|falla|fallan|fallo|fallaron|fallado|fallara|fallaran|fallaria|fallarian"
    r"|en rojo)\b|\b(?:didn't|did not|don't|do not|doesn't|does not|won't|will not|wouldn't|would not|not|no)"
    r" (?:\w+ )?(?:pass|passing|pasa|pasan|pasaron|pasara|pasaran)\b"
    r"|\bnone (?:of (?:the |your )?(?:\w+ )?)?(?:pass|passes|passed|passing)\b"
)
INFINITIVE = re.compile(r"\b(?:to|para|que|para que)\s*$")

# A promise of what comes after the call: "you'll move on to the next round", "see you at the onsite", "I'll
# recommend you for the role", "pasas a la siguiente fase", "te recomendare para el puesto".
_ROUND_EN = (
    r"(?:(?:next|final|second|later) (?:round|stage|interview|interviews|onsite|on-site)|onsite|on-site)"
)
NEXT_ROUND = re.compile(
    r"\byou(?:'ll|'re|'d|'ve| will| are| would| have)?(?: \w+){0,2}? (?:move|moving|moved|advance|advancing|advanced"
    r"|go|going|progress|progressing|make it|made it|be invited|get|getting|got) (?:on |forward |through |straight )?"
    rf"(?:to|into) (?:the |an? )?{_ROUND_EN}\b"
    rf"|\b(?:see|seeing|meet) you (?:in|at) (?:the |an? )?{_ROUND_EN}\b"
    r"|\byou(?:'re| are|'ll be| will be) (?:moving|going|advancing) (?:forward|through)\b(?= ?[.!]|$)"
    r"|\brecommend(?:ing)? (?:you (?:for|to the|as|strongly)|hiring you|that we hire|moving you|we move you"
    r"|you be|an offer)\b|\brecommend(?:ing)? you(?= ?[.!]|$)"
    rf"|\byou(?:'re| are|'ll be| will be) through to (?:the |an? )?{_ROUND_EN}\b"
    r"|\b(?:expect|look out for|watch for) (?:an offer|(?:some )?good news)\b"
    r"|\byou(?:'ll| will| should)? (?:\w+ )?(?:hear|get|receive) (?:some )?good news\b"
)
NEXT_ROUND_ES = re.compile(
    r"\b(?:pasas|pasaras|pasaste|pasarias|avanzas|avanzaras|avanzaste|sigues|seguiras|vas a pasar|vas a avanzar"
    r"|nos vemos|te veremos|estaras|te invitaremos|te invitaran|te llamaran|te llamaremos)(?: \w+){0,2}? "
    r"(?:a |en |para )?(?:la )?(?:siguiente|proxima|ultima|otra|segunda) (?:ronda|fase|etapa|entrevista)\b"
    r"|\bte (?:voy a recomendar|vamos a recomendar|recomendare|recomendaremos)(?= ?[.!]|$| para el| para la| al equipo)"
)
