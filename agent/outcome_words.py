"""The words of an outcome claim, English and Spanish (agent.language): what agent.outcome_claims reads a line with.

Each pattern is bounded (fixed words, at most one or two free words between them) and runs on one clause of a line
as ``plain`` reads it: case and accents folded, look-alike letters read as the letters they pass for, quotation
marks dropped (they are not heard, and a verdict in quotes is still said), one space between words, contractions
written without their apostrophe read with it ("youre", "didnt") and "+" read as said ("A plus").
"""

from __future__ import annotations

import functools
import re

from agent.lookalikes import fold

_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "`": "'", "\u00b4": "'"})
# Kept as they are: letters, digits, the apostrophe ("you're"), "%" and "/" (a score), and the marks that end a
# clause or a sentence; anything else (quotation marks, brackets, dashes, symbols) is a space.
_NOT_KEPT = re.compile(r"[^a-z0-9'%/.,;:!?]+")
_SPACES = re.compile(r"\s+")
# A contraction written without its apostrophe (a transcript's or a model's shorthand: "youre hired", "didnt pass"),
# read as written with it; only those that are no other word ("were", "well", "ill", "id", "its", "wed" are words).
_UNMARKED_CONTRACTION = re.compile(
    r"\b(?:(you|they)(re|d|ll|ve)|(i)(m|ve)|(that|what)(s|ll)|(it)(ll)"
    r"|(did|do|does|is|are|was|were|would|could|should|have|has|had|ca|wo|must|need)(nt))\b"
)
_SPOKEN_SHORT = {"gonna": "going to", "wanna": "want to", "gotta": "got to"}
_SHORT_WORDS = re.compile(r"\b(?:gonna|wanna|gotta)\b")


def _with_apostrophe(m: re.Match[str]) -> str:
    word, ending = [g for g in m.groups() if g is not None]
    return f"{word}n't" if ending == "nt" else f"{word}'{ending}"


# Where a clause ends: a claim and what hedges it are read within one clause.
# A colon joins what it labels to what follows ("Verdict: hire", "Hidden tests: all passing"): no clause ends there.
# "so" joins two clauses ("you're in the loop, so let's go", "it compiles so we can run it") but is an intensifier, and
# ends none, after a form of "be" or "you" ("you're so in", "that was so good", "you so nailed it") or before a single
# word that ends the clause ("you scored so high"): split there, "you're so in" was read as "you're" and "in".
_BEFORE_INTENSIFIER = (
    r"\bare",
    "'re",
    r"\bis",
    "'s",
    r"\bwas",
    r"\bwere",
    r"\bam",
    "'m",
    r"\bbe",
    r"\bbeen",
    r"\byou",
)
_SO_INTENSIFIES = "".join(rf"(?<!{w})" for w in _BEFORE_INTENSIFIER)
CLAUSE_SPLIT = re.compile(
    rf"[,;]| (?:but|pero|although|aunque|though|asi que) |{_SO_INTENSIFIES} so (?![\w']+(?:[ .!?]*$|[,;]))"
)
# A sentence, with the mark that ends it ("?" makes it a question); a point between digits is a decimal ("top 0.5 %").
SENTENCE = re.compile(r"(?:[^.!?]|(?<=\d)\.(?=\d))+[.!?]*|[.!?]+")
# A question only in form ("you passed, right?", "aprobaste, ¿verdad?"): a claim all the same.
TAG_QUESTION = re.compile(
    r"(?:right|correct|no|yeah|ok|okay|eh|huh|(?:did|do|does|have|has|is|was|are|were|will|would)(?:n't| not)? "
    r"(?:you|it|they|we)|verdad|cierto|no es cierto|no es asi|vale)\s*\?$"
)


@functools.lru_cache(maxsize=1 << 12)
def _letter(c: str) -> str:
    """``c`` as agent.lookalikes reads it, but a capital read as "l" whose small letter is an "i" is an "I" (Unicode
    confuses "I" with "l", and so the capitals drawn as "I": Greek iota, Cyrillic "I"): "INTERVIEW" written with a
    Greek iota is "interview"."""
    read = fold(c)
    return "i" if read == "l" and c.casefold() != c and fold(c.casefold()) == "i" else read


def plain(text: str) -> str:
    """``text`` as the rules read it (the module's docstring)."""
    folded = "".join(_letter(c) for c in text.translate(_APOSTROPHES))
    folded = folded.replace("<<", " ").replace(">>", " ").replace("+", " plus ")  # "A+" is said "A plus"
    read = _SPACES.sub(" ", _NOT_KEPT.sub(" ", folded)).strip()
    read = _SHORT_WORDS.sub(lambda m: _SPOKEN_SHORT[m.group()], read)
    return _UNMARKED_CONTRACTION.sub(_with_apostrophe, read)


def _claim(pattern: str) -> re.Pattern[str]:
    """A claim's pattern, its free words (``\\w+``) taking contractions too ("you won't make it", "you didn't get")."""
    return re.compile(pattern.replace(r"\w+", r"[\w']+"))


# What keeps a claim from being one when it governs it (``hedged``): a condition, a doubt, a wish or a need ("if it
# passes", "whether you passed", "to pass", "might fail", "make sure it passes"), or the speaker saying they cannot tell
# ("I can't tell you how you did", "no puedo decirte si ..."). A negation of the outcome itself is no hedge: "you
# didn't pass" is a verdict.
HEDGE = re.compile(
    r"\b(?:(?<!as )if|whether|once|when|whenever|until|unless|before|after|might|may|could|maybe|perhaps|hope|hoping"
    r"|need|needs|want|wants|make sure|ensure|try|trying|decide|decides|determine|determines|who|what|which|how"
    r"|(?:can't|cannot|can not|won't|don't|do not|not able to|unable to|not allowed to|not in a position to|not mine to"
    r"|not for me to|not up to me to|no way to) (?:\w+ )?(?:tell|say|share|know|judge|comment|confirm|promise"
    r"|guarantee|see|speak)"
    r"|si|cuando|hasta que|antes de|despues de|para|a ver|quiza|quizas|tal vez|puede que|podria|podrias|pueda"
    r"|necesitas|necesita|asegurate|intenta|ojala|espero|esperemos|quien|que tal|como"
    r"|no (?:\w+ )?(?:(?:puedo|podemos|me toca|me corresponde)(?: (?:decir|asegurar|confirmar|prometer|garantizar"
    r"|adelantar|saber|juzgar|valorar|comentar|opinar|hablar|ver)\w*)?|se|sabemos|es cosa mia))\b"
)

# A hedge governs only the clause it opens: between it and the claim, nothing but the words that join the two ("I
# can't tell you that you passed", "whether or not you passed", "whether it's a strong hire", "no puedo decirte si
# ...") or, before a result, its subject ("if all the hidden tests pass", "make sure that your code still passes").
# Anything else there is a clause or a phrase of its own that the hedge opened and closed before the claim: "When it
# comes down to it you passed", "If I'm honest you passed", "After all that work you passed", "After that you
# passed", "I want you to know you passed", "para mí has aprobado".
#
# The hedges that open a clause (a condition, a time, a doubt, a question word) take no "that": after them "that" is
# a thing ("after that"); after a verb (say, know, hope, make sure) it joins.
_OPENER_WORDS = (
    "if whether once when whenever until unless before after might may could maybe perhaps who what which how"
    " si cuando para quiza quizas podria podrias pueda quien como"
)
_OPENERS = frozenset(_OPENER_WORDS.split()) | {
    "hasta que", "antes de", "despues de", "a ver", "tal vez", "puede que", "que tal"
}  # fmt: skip
_FILL = (
    r"(?:(?:you|me|us|te|nos|le|for sure|really|exactly|just|even|still|either|or not|seguro|realmente|exactamente"
    r"|o no|aun|todavia) )*"
)
# Before a claim with no subject of its own ("strong hire", "top 5 %"): "whether it's a strong hire".
_COPULA = (
    r"(?:(?:it's|it is|that's|that is|this is|it'd be|it would be|it'll be|it will be|es|sea|seria|sera|fue)"
    r" (?:(?:a|an|un|una) )?)?"
)
# The claim's own subject's determiner: "whether the verdict is reject".
_DETERMINER = r"(?:(?:the|its|their|each|el|la|los|las|su|sus) )?"
_JOINING_AFTER_VERB = re.compile(rf"{_FILL}(?:(?:that|que|de que) )?{_FILL}{_COPULA}{_DETERMINER}")
_JOINING_AFTER_OPENER = re.compile(rf"{_FILL}{_COPULA}{_DETERMINER}")
_SUBJECT_WORDS = (
    "all every each any some none most both many few several of your my our their its these those they them everything"
    " one ones first second third last other others remaining rest new visible hidden example examples test tests case"
    " cases suite check checks edge large small big empty input inputs code solution function version fix submission"
    " implementation program will would 'll should can do does did also too then eventually finally actually"
    " probably in on with than at least and more fewer less two three four five six seven eight nine ten"
    " that this it the a an not really just even still now yet already"
    " el la los las unos unas todas todos cada alguna algunas alguno algunos ninguna ninguno tus tu su sus mis esta"
    " estas este estos pruebas prueba casos caso ocultas ocultos visibles ejemplo ejemplos codigo solucion funcion"
    " version del con en tambien se lo mas menos primera primer primero ultima ultimo otras otros demas resto"
    " grandes vacia vacias vacio entradas entrada entrega dos tres cuatro cinco seis siete ocho nueve diez un una no ya"
    " aun todavia esto eso ello"
)
_SUBJECT = frozenset(_SUBJECT_WORDS.split())
# A subject that is a whole noun phrase in one word: after it, only what goes with its verb ("if it all passes", "once
# they still pass"); more ("after that all the tests pass", "after this every test passes") starts another subject.
_PRONOUN_WORDS = "that this it they them everything esto eso ello"
_PRONOUNS = frozenset(_PRONOUN_WORDS.split())
_WITH_VERB_WORDS = (
    "all both still will would 'll also too now really actually eventually do does did should can not yet already"
    " todas todos ambas ambos ya todavia aun tambien no se lo"
)
_WITH_VERB = frozenset(_WITH_VERB_WORDS.split())
# Gaps longer than this are not read as joined (a bound on the rule, and no real hedge reaches this far).
MAX_GAP_WORDS = 8


def _subject_gap(words: list[str], opener: bool) -> bool:
    if not opener and words[:1] in (["that"], ["que"]):
        words = words[1:]  # "make sure that ...", "asegúrate de que ..."
    elif not opener and words[:2] == ["de", "que"]:
        words = words[2:]
    for at, word in enumerate(words):
        if not (word in _SUBJECT or word.isdigit()):
            return False
        if word in _PRONOUNS and not all(w in _WITH_VERB for w in words[at + 1 :]):
            return False
    return True


# The speaker saying they cannot tell, and a negated outcome after it: a negated negative says the outcome ("I can't
# say you didn't pass", "I can't say you failed", "no puedo decir que no hayas aprobado").
_CANT_TELL = re.compile(
    r"\b(?:tell|say|share|know|judge|comment|confirm|see|speak|decir|saber|juzgar|ver)\w*$"
)
_NEGATIVE = re.compile(
    r"\b(?:not|never|no|nunca|\w+n't|fail\w*|flunk\w*|bomb\w*|reject\w*|turn down|pass on|suspend\w*|reprob\w*"
    r"|rechaz\w*|descart\w*|weak|poor|bad)\b"
)


def hedged(before: str, *, result: bool = False, claim: str = "") -> bool:
    """Whether the clause up to a claim (``before`` it) ends in a hedge that governs the claim: its last hedge, with
    nothing after it but joining words (and, for a ``result`` of tests, its subject). The speaker saying they cannot
    tell governs no negated ``claim``: "I can't say you didn't pass" says it."""
    last = max(HEDGE.finditer(before), key=lambda m: m.end(), default=None)
    if last is None:
        return False
    if claim and _CANT_TELL.search(last.group()) and _NEGATIVE.search(f"{before[last.end() :]} {claim}"):
        return False
    words = before[last.end() :].split()
    if len(words) > MAX_GAP_WORDS:
        return False
    opener = last.group() in _OPENERS
    if result:
        return _subject_gap(words, opener)
    joining = _JOINING_AFTER_OPENER if opener else _JOINING_AFTER_VERB
    return joining.fullmatch("".join(w + " " for w in words)) is not None


_NUMBER_EN = (
    r"(?:\d+(?:[.,]\d+)?|(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)(?:[ -](?:one|two|three|four|five"
    r"|six|seven|eight|nine))?|one|two|three|four|five|six|seven|eight|nine|ten|a hundred|one hundred)"
    r"(?: and a half| point (?:five|\d))?"  # "eight and a half out of ten"
)
_NUMBER_ES = r"(?:\d+(?:[.,]\d+)?|uno|una|dos|tres|cuatro|cinco|seis|siete|ocho|nueve|diez|cien)(?: y medio| coma \w+)?"
# "N out of 10" is a mark where it ends its clause or what follows makes it one; followed by anything else it counts
# things ("5 out of 10 coins", "7 out of 10 intervals merged").
_MARK_ENDS = (
    r"(?= ?(?:[.!]|$|(?:for|on|from|overall|today|points|stars|in my book|performance|interview|effort|showing|para|en"
    r"|hoy|puntos)\b))"
)
# A number given as a mark ends its clause or is followed by what makes it one ("I'd give you a nine").
_AS_MARK = r"(?= ?(?:[.!]|$|out of|/|points|stars|sobre|puntos))"
# A mark's name as the problem's term, defined or given a value ("a perfect score is 100", "top marks go to the
# highest average", "la nota máxima es 10", "un sobresaliente es un 9 o más"): the scale, never a mark given.
_DEFINED = (
    r"(?! (?:is|are|was|were|means|mean|equals|requires|needs|counts as|goes to|go to|would be|es|son|era|significa"
    r"|equivale|requiere|vale|se da|se obtiene|se consigue|corresponde)\b)"
)
# A round of something else is no round of hiring ("the next round of testing", "a round of fixes", "la siguiente
# ronda de pruebas"); one of interviews or of the process is ("the next round of interviews").
OTHER_ROUND = (
    r"(?! of (?!(?:the |our |your |this |these )?(?:interviews?|hiring|selection|process|loop|onsite)\b))"
)
OTHER_RONDA = r"(?! de (?!(?:la |las |el |los )?(?:entrevistas?|seleccion|contratacion|proceso)\b))"
_EVENT_EN = (
    rf"(?:interview|screen|screening|round{OTHER_ROUND}|assessment|evaluation|exam|call|process|loop"
    r"|phone screen)"
)
# The interview as a whole (never "loop", "call" or "process": a loop is code, "good call" praises one step).
_WHOLE_EVENT_EN = rf"(?:interview|screen|screening|phone screen|assessment|round{OTHER_ROUND}|session)"
_EVENT_ES = (
    rf"(?:entrevista|prueba tecnica|evaluacion|(?:ronda|fase|etapa){OTHER_RONDA}|proceso|examen|filtro)"
)
_JOB_EN = r"(?:job|offer|position|role|gig)"
# One job or offer of the problem's many, picked by what it holds ("you get the job with the highest profit", "the
# offer from the queue", "the job that finishes first"): data, never the candidate's ("the job with us" is theirs).
_ONE_OF_MANY = (
    r"(?! (?:with (?:the |a |an |its |their )?(?:highest|lowest|largest|smallest|most|least|earliest|latest|maximum"
    r"|minimum|max|min|best|worst|biggest|shortest|longest|greatest|next|same|given)"
    r"|(?:that|which|whose|where) (?!(?:you|your|we|i|they)\b|you'|i')|at index"
    r"|at position|at the (?:front|top|head|end)|of each|from (?:the|each|a) (?:queue|list|heap|array|stack|input)"
    r"|in the (?:queue|list|heap|array|stack|input))\b)"
)
_JOB_ES = r"(?:puesto|trabajo|empleo|oferta|plaza)"
_OUTCOME_VERB_EN = r"(?:pass|fail|ace|nail|bomb|flunk|clear)"
_OUTCOME_PAST_EN = r"(?:passed|failed|aced|nailed|bombed|flunked|cleared)"
_WITH_EASE = r"(?: (?:easily|comfortably|with ease|with flying colou?rs|hands down))"
_WILL_EN = r"(?:did|didn't|did not|will|won't|will not|would|wouldn't|would not|'ll|'d|are going to|'re going to" \
           r"|definitely|clearly|totally|easily|certainly|surely)"  # fmt: skip
# Words that qualify the candidate's outcome without hedging it: "you absolutely passed", "you sure did pass".
_ADVERBS_EN = r"(?: (?:just|really|sure|so|most|also|still|actually|\w+ly)){0,2}"
# The interview, with what it is called ("the technical screen", "the first round", "today's coding interview").
_THE_EVENT_EN = (
    rf"(?: (?:the|this|your|today's|our))?(?: {_EVENT_EN}\b| (?:[\w'-]+ ){{1,2}}{_WHOLE_EVENT_EN}\b"
    rf"|{_WITH_EASE}?(?: today| overall)?(?=[.!]|$))"
)
_PRESENT_EN = r"(?:pass|fail|ace|nail|flunk)"
_GOING_EN = r"(?:passing|failing|acing|nailing|bombing|flunking)"

# A verdict on the candidate: "you passed (the interview)", "you failed", "you'd get the job", "you're hired",
# "strong hire", "that's a pass", "has aprobado", "estás contratado", "te vamos a contratar".
VERDICT = _claim(
    rf"\byou(?:'ve| have| had)?{_ADVERBS_EN}(?: {_OUTCOME_PAST_EN}| ?{_WILL_EN} (?:\w+ )?{_OUTCOME_VERB_EN}"
    rf"| {_PRESENT_EN}|(?:'re| are){_ADVERBS_EN} {_GOING_EN}){_THE_EVENT_EN}"
    rf"|\byou(?:'re| are| were|'ll be| will be|'d be| would be|'ve been| have been)(?: \w+)? (?:hired|rejected|accepted"
    r"|not hired|getting hired|a (?:strong |clear |definite )?(?:hire|pass|fail))\b"
    # The candidate as the speaker's vote: "you'd be a no", "you're a strong yes" (never "is it a yes?": a question).
    r"|\byou(?:'re| are|'d be| would be|'ll be| will be) a (?:strong |clear |definite |firm |hard |solid )?(?:yes|no)"
    r"(?= ?[.!]|$| from me| for me)"
    rf"|\byou(?:'ve| have| just)? (?:got|landed|earned|won|secured) (?:the|this|an?) {_JOB_EN}\b{_ONE_OF_MANY}"
    rf"|\byou(?:'ll| will|'d| would|'re going to| are going to)? (?:\w+ )?(?:get|land|receive|be offered|have"
    rf"|getting|landing|receiving) (?:the|this|an?) {_JOB_EN}\b{_ONE_OF_MANY}"
    rf"|\bthe {_JOB_EN} is (?:all )?yours\b"
    r"|\b(?:we|they|i|the (?:hiring )?(?:team|committee|manager|panel)|the company|the recruiter)(?:'ll| will|'d"
    r"| would|'re going to| are going to| am going to|'m going to| is going to| definitely| should| won't| will not"
    r"| wouldn't| would not| can't| cannot| don't| do not| didn't| did not)? (?:hire|reject|pass on|turn down) you\b"
    # The speaker passing or failing the candidate: "I'd pass you", "I'm going to fail you" (never "pass you the list").
    r"|\b(?:we|they|i|the team)(?:'ll| will|'d| would|'re going to| are going to| am going to|'m going to|'m| am|'re"
    rf"| are| have to| had to| must| can't| won't)? (?:pass|passing|fail|failing|rejecting|hiring) you"
    rf"(?= ?[.!]|$| on (?:the |this |your )?{_EVENT_EN})"
    # A verdict given as a label's value, or alone: "Verdict: hire", "My recommendation: hire", "Hired!", "Not a hire".
    r"|\b(?:verdict|recommendation|decision|call)(?: \w+)? ?(?::|is|was|will be|would be|'s) (?:an? |to )?(?:\w+ )?"
    r"(?:hire|hired|yes|no|reject|rejected|advance|approved|pass|passed|fail|failed)(?= ?[.!]|$| for you)"
    r"|^(?:hire|hiring|hired) ?: ?(?:\w+ )?(?:yes|no)$"
    # The candidate's result as a label or its value: "Your result: pass", "Outcome: fail", "the final outcome is a
    # pass" (never a bare "Result: pass" or "Status: passed", a test's line of a run's report).
    r"|(?:\byour (?:final |overall |interview )?(?:result|outcome|status)|\b(?:the )?(?:final|overall|interview)"
    r" (?:result|outcome|status)|^outcome)"
    r" ?(?::|is|was|will be|would be|'s) (?:an? )?(?:\w+ )?(?:pass|passed|fail|failed|hire|hired|no hire|reject"
    r"|rejected|approved)(?= ?[.!]|$| for you)"
    r"|\bconsider (?:it|this|that) (?:an? )?(?:\w+ )?(?:pass|hire|yes|fail)(?= ?[.!]|$)"
    r"|^(?:(?:\w+ly|so|not|never) )?(?:an? )?(?:(?:strong|clear|definite|solid|easy|lean|big|firm|obvious) )?"
    r"(?:hire|hired|rejected|no hire)$"
    r"|\b(?:we|they|i|the team|the company)(?:'ll| will|'d| would|'re going to| are going to|'m going to)?"
    rf" (?:\w+ )?(?:make|extend|send|give|offer) you (?:an|the|a) {_JOB_EN}\b"
    r"|\b(?:we|they|the team|the company)(?:'ll| will|'d| would|'re| are|'re going to| are going to)?(?: be)?"
    r" (?:\w+ )?(?:extend|extending) (?:you )?(?:an|the|our) (?:job )?offer\b"
    r"|\bwelcome (?:aboard|to the team)\b"
    r"|\b(?:that|this|it)(?:'s| is) a (?:strong |clear |definite |solid )?(?:yes|hire|pass) from me\b"
    r"|\b(?:strong|definite|clear|lean|solid|easy|obvious|certain|sure)(?: no)? hire\b|\bno[- ]hire\b"
    r"|\bstrong (?:yes|no hire)\b"
    r"|\b(?:that|this|it)(?:'s| is| was| will be|'ll be) (?:a )?(?:clear |definite |solid |strong |easy )?"
    r"(?:pass|fail|hire)(?= ?[.!]|$| for you)"
)
VERDICT_ES = _claim(
    rf"\b(?:has|habeis|hayas|hubieras|habias) (?:\w+ )?(?:pasado|aprobado|superado|suspendido|reprobado|fallado"
    rf"|bordado)"
    rf"(?: (?:la|esta|el|este|tu))?(?: {_EVENT_ES}\b|(?=[.!]|$))"
    rf"|\b(?:pasaste|aprobaste|superaste|suspendiste|reprobaste|fallaste|bordaste)"
    rf"(?: (?:la|esta|el|este|tu))?(?: {_EVENT_ES}\b|(?=[.!]|$))"
    r"|\b(?:estas|quedas|quedaste|estarias|estaras) (?:\w+ )?(?:contratad[oa]|rechazad[oa]|aprobad[oa]"
    r"|suspendid[oa]|descartad[oa]|seleccionad[oa])\b"
    r"|\bte (?:\w+ ){0,2}?(?:contrat|rechaz|descart)(?:ar|o|amos|aremos|are|aran|aria|arian|ariamos|ara|an|ado)\b"
    rf"|\b(?:el|la) {_JOB_ES} es (?:todo )?tuy[oa]\b"
    r"|^(?:\w+mente )?(?:contratad[oa]|rechazad[oa]|aprobad[oa]|suspendid[oa]|descartad[oa])$"
    rf"|\b(?:conseguiras|consigues|conseguiste|tendras|tienes|obtendras|te llevas|te llevaras|te daran|te dan"
    rf"|te damos|te daremos|vas a conseguir|vas a tener) (?:el|la|un|una) {_JOB_ES}\b"
    r"|\b(?:recibiras|vas a recibir|te haran|te haremos|te van a hacer|te vamos a hacer) (?:una|la) (?:oferta"
    r"|propuesta)\b"
    # The candidate's result as a label or its value: "Tu resultado: aprobado", "Resultado final: no apto".
    r"|(?:\btu (?:resultado|evaluacion)(?: final)?|\b(?:el )?resultado final|^resultado) ?(?::|es|fue|sera|seria)"
    r" (?:un |una )?(?:aprobado|suspenso|suspendido|apto|no apto|contratad[oa]|rechazad[oa]|descartad[oa])"
    r"(?= ?[.!]|$)"
    r"|\bbienvenid[oa] al equipo\b"
    r"|\b(?:contratacion|contratar) (?:fuerte|segura|clara|sin duda)\b|\b(?:fuerte|clara) contratacion\b"
    r"|\bno contratar\b"
)

# A verdict in other words: the candidate as a hire ("you'd be a great fit for the team", "you're a strong
# candidate"), the speaker's own vote ("a big yes from me", "you have my vote", "my verdict is"), the whole interview
# judged ("you did great today", "that was an excellent interview"); never praise of one step ("great catch", "that
# edge case is handled well") nor a tool fitting the problem ("a heap is a great fit here").
_GOOD_EN = (
    r"(?:great|good|excellent|strong|outstanding|impressive|fantastic|amazing|solid|brilliant|terrific|perfect"
    r"|ideal|natural|wonderful|superb|exceptional|stellar|weak|poor|bad)"
)
_TEAM_EN = r"(?:team|role|company|job|position|group|org|organization|us|here)"
_WHOLE_EN = rf"(?:today|overall|(?:in|on) (?:the|this|today's|your) {_WHOLE_EVENT_EN})"
_WHOLE_EN_AFTER = rf"(?: \w+)? {_WHOLE_EN}"
PRAISE = _claim(
    rf"\byou(?:'re| are|'d be| would be|'ll be| will be|'ve been| have been| really are| aren't| wouldn't be"
    rf"| won't be| weren't)?(?: not| never)? (?:such |definitely |clearly )?(?:not )?(?:a|an|one) (?:\w+ )?(?:\w+ )?"
    rf"(?:fit|match|addition|asset|candidate|hire)\b"
    rf"(?= ?[.!]|$| (?:for|to|on|in|with|at) (?:the|our|this|your|my|any) {_TEAM_EN}\b| (?:for|to) us\b| here\b)"
    rf"|\byou(?:'d| would|'ll| will|'re going to)? (?:\w+ )?fit (?:right |perfectly |really )?in"
    rf"(?: (?:well|nicely|perfectly|great))?(?= ?[.!]|$| here\b| (?:with|on|at|in) (?:the|our|this) {_TEAM_EN}\b)"
    r"|\b(?:yes|hire|pass|thumbs up|green light|vote|approval|go) from (?:me|my side|my end)\b"
    r"|\ba (?:\w+ )?no from (?:me|my side|my end)\b"
    r"|\bi(?:'m| am|'d be| would be) a (?:strong |definite |clear |firm |solid |big |hard )?(?:yes|no)"
    r"(?= ?[.!]|$| on you| for you)"
    r"|\byou(?:'ve| have)? (?:got )?my (?:vote|thumbs up|approval|endorsement|support|recommendation|backing)\b"
    r"|\b(?:give|giving|write|writing) you (?:a |an )?(?:\w+ )?(?:glowing|strong|positive|great|good|excellent"
    r"|negative|bad|poor|stellar) (?:review|recommendation|feedback|write-up|writeup|report|evaluation|reference)\b"
    r"|\b(?:my|your) (?:feedback|evaluation|review|write-up|writeup|report|assessment|recommendation)(?: \w+)?"
    r" (?:is|was|will be|would be|'ll be|'s)(?: \w+)? (?:positive|negative|glowing|great|good|excellent|strong"
    r"|poor|bad|stellar)\b"
    r"|\bput in a good word\b"
    r"|\bmy (?:vote|verdict)(?: \w+)? (?:is|would be|will be|'s)\b"
    r"|\b(?:to|for) (?:hire|hiring|reject|rejecting) you\b"
    r"|\bmov(?:e|ing) (?:forward|ahead) with (?:you|your (?:application|candidacy))\b"
    r"|\b(?:we|they|the team)(?:'re| are|'ll| will)?(?: not| won't| will not| aren't) (?:be )?mov(?:e|ing)"
    r" (?:forward|ahead)(?= ?[.!]|$)"
    r"|\byou(?:'ve| have)? (?:did|done|performed|interviewed|handled (?:it|this|that)) (?:\w+ )?(?:great|well"
    r"|amazing|amazingly|fantastic|excellent|brilliant|brilliantly|awesome|outstanding|superbly|wonderfully"
    rf"|terrific|fine|poorly|badly|terribly)(?: \w+)? {_WHOLE_EN}"
    rf"|\b(?:that|this|it|today)(?:'s| is| was|'s been| has been) (?:a |an )?(?:\w+ )?{_GOOD_EN}"
    rf" (?:{_WHOLE_EVENT_EN}|showing)(?! question| problem)\b"
    rf"|\b{_GOOD_EN} performance(?= ?[.!]|$| today| overall| from you| (?:in|on) (?:the|this) {_WHOLE_EVENT_EN})"
    rf"|\byour (?:performance|interview)(?: today| here| overall)? (?:was|is|has been)(?: \w+)? {_GOOD_EN}\b"
    rf"|\byou(?:'ve| have)? (?:crushed|nailed|aced|killed|smashed|rocked) (?:it|this|that) {_WHOLE_EN}"
    r"|\bconsider yourself (?:hired|accepted|through|on the team)\b"
    r"|\byou(?:'re| are| aren't)(?: not)? (?:exactly |just |precisely )?(?:what|who) (?:we're|we are|the team is"
    r"|they're|they are)"
    r" (?:\w+ )?looking for\b"
    # The candidate as the one the team wants: "you're exactly the kind of engineer we want".
    r"|\byou(?:'re| are| aren't)(?: not)? (?:exactly |just |precisely )?the (?:(?:kind|type|sort) of )?(?:\w+ )?"
    r"(?:engineer|developer|candidate|person|hire|people)(?: that| who)? (?:we|the team|they)(?:'ve| have|'re| are)?"
    r"(?: been)? (?:want|wanted|need|needed|hire|like|waiting for|looking for)\b"
    r"|\b(?:give|giving) you (?:a |my )(?:big |huge )?(?:thumbs up|yes|green light)\b"
    r"|\b(?:have|having|see|seeing|get|getting|welcome|welcoming) you (?:on|onto|to|join) (?:the|our|my|this) team\b"
    r"|\byou(?:'ll| will|'d| would|'re going to| are going to)? (?:be )?join(?:ing)? (?:the|our|my) team\b"
    r"|\b(?:look(?:ing)? forward to|can't wait to|excited to) (?:working|work) (?:with|alongside) you\b"
    rf"|\byou(?:'re| are| were|'ve been| have been) (?:so |really |truly |just )?(?:{_GOOD_EN}|amazing|awesome"
    rf"|phenomenal|awful|terrible){_WHOLE_EN_AFTER}"
    # The interview judged in a few words: "Great interview!", "Great job today", "What an excellent interview".
    rf"|^(?:what an? |such an? |a )?(?:really |truly )?{_GOOD_EN} {_WHOLE_EVENT_EN}(?: today| overall)?$"
    rf"|^(?:(?:really |truly )?(?:{_GOOD_EN}|nice|awesome) (?:job|work)|well done){_WHOLE_EN_AFTER}$"
)
PRAISE_ES = _claim(
    r"\b(?:serias|eres|seras|has sido) (?:un|una) (?:\w+ )?(?:gran|buen|buena|excelente|perfect[oa]|ideal|magnific[oa]"
    r"|fuerte|mal|mala) (?:fichaje|incorporacion|candidat[oa]|encaje|opcion|eleccion)\b"
    r"|\b(?:serias|eres|seras) (?:un|una) (?:fichaje|incorporacion|candidat[oa]|opcion) (?:\w+ )?(?:ideal|perfect[oa]"
    r"|excelente|estupend[oa])\b"
    r"|\b(?:encajas|encajarias|encajaras|encajaste) (?:\w+ )?(?:en el equipo|con el equipo|aqui|en la empresa"
    r"|con nosotros|en el puesto)\b"
    r"|\bun (?:\w+ )?si (?:\w+ )?(?:de|por) mi parte\b|\b(?:luz verde|aprobado|mi voto) (?:de|por) mi parte\b"
    r"|\btienes mi (?:voto|aprobacion|apoyo)\b|\bmi (?:voto|veredicto) (?:es|seria|sera)\b"
    r"|\b(?:lo )?(?:has hecho|hiciste) (?:\w+ )?(?:genial|muy bien|fenomenal|excelente|estupendo|de maravilla|fatal"
    r"|muy mal|perfecto)(?= ?[.!]|$| hoy| en (?:la|esta) (?:entrevista|prueba))"
    r"|\b(?:has hecho|hiciste|ha sido|fue) una (?:\w+ )?(?:gran|excelente|buena|estupenda|magnifica|mala|pesima"
    r"|fantastica) (?:entrevista|actuacion|prueba tecnica)\b"
    r"|\b(?:eres|serias|seras) (?:\w+ )?(?:justo |exactamente )?(?:lo|a quien|quien) (?:que )?(?:buscamos|buscan"
    r"|busca el equipo|necesitamos)\b"
    r"|\b(?:vamos a|voy a|van a|quieren|queremos|quiero|me gustaria|nos gustaria|deberian|deberiamos|recomiendo"
    r"|recomendare|recomendacion es|recomendacion seria) (?:\w+ )?(?:contratarte|ficharte|rechazarte|descartarte)\b"
    r"|\b(?:tenerte|contar contigo|verte) en (?:el|nuestro|mi) equipo\b"
    r"|\b(?:mi |la )?recomendacion (?:es|seria|sera|:) (?:\w+ )?(?:contratar|rechazar|descartar|aprobar)\b"
    r"|\b(?:ganas de|deseando|con ganas de) (?:trabajar|colaborar) contigo\b"
    r"|\b(?:has hecho|hiciste|ha sido|fue) una (?:entrevista|actuacion|prueba tecnica) (?:\w+ )?(?:excelente|genial"
    r"|estupenda|fantastica|magnifica|perfecta|buena|pesima|mala)\b"
    r"|^(?:que |vaya )?(?:gran|excelente|buena|estupenda|magnifica|fantastica|mala|pesima) (?:entrevista|actuacion)"
    r"(?: hoy)?$"
    r"|^(?:entrevista|actuacion) (?:excelente|genial|estupenda|fantastica|magnifica|perfecta|buena|pesima|mala)$"
)

# A score or a rank: "9 out of 10", "9/10", "top 5 %", "the best candidate I've seen", "un 9 sobre 10".
_TOP_EN = r"top (?:\d+(?:[.,]\d+)?|one|two|three|five|ten|twenty) ?(?:%|percent|per cent|percentile)"
_GRADE_EN = r"(?:an? )?(?:a|b|c|d|f)(?: plus| minus)?(?= ?[.!]|$| from| for| overall| on)"
_GRADE_QUALITY = r"(?:solid|strong|clear|easy|definite|straight|firm|high|low)"
SCORE = _claim(
    rf"\b{_NUMBER_EN} ?(?:out of|outta|of|on|over|/) ?(?:10|ten|5|five|100|a hundred)\b{_MARK_ENDS}"
    # A rank among others, never a share of the question's data ("the top 10 percent of scores").
    rf"|\b(?:you(?:'re| are| were|'d be| would be)?|puts you|places you) (?:in )?(?:the )?{_TOP_EN}"
    rf"|\b{_TOP_EN} of (?:the |all |our |my )?(?:candidates|applicants|people|everyone|engineers|interviewees)\b"
    rf"|^(?:in )?(?:the )?{_TOP_EN}$"
    # A letter grade: "you get an A+" (said "A plus"), "I'd grade this an A", "A+." alone.
    rf"|\b(?:you(?:'ve| have)? (?:get|got|earned|deserve|score|scored)|(?:i'd|i would|i'll|i will|i) (?:give|grade"
    rf"|rate|mark) (?:you|this|it|that)(?: an?)?)(?: {_GRADE_QUALITY})? {_GRADE_EN}|^(?:a|b) (?:plus|minus)$"
    # "That's a solid B+", "you're an A minus": a letter alone after "that's" is the problem's ("that's a b").
    rf"|\b(?:that|this|it|you)(?:'s|'re| is| are| was| were|'d be| would be) (?:an? )?(?:{_GRADE_QUALITY} "
    rf"{_GRADE_EN}|(?:a|b|c|d|f) (?:plus|minus)(?= ?[.!]|$| from| for| overall| on))"
    # A rank or a rating in words: "you're ranked number one", "I'd rate you very highly", "you scored well".
    r"|\byou(?:'re| are| were)? ranked (?:\w+ )?(?:first|last|number one|top|highest|lowest)\b"
    r"|\byou (?:rank|ranked|came|come|finished|placed) (?:first|last|number one|top|highest|lowest)\b"
    r"|\b(?:i'd|i would|i'll|i will|i|we|we'd|we'll)(?: \w+)? (?:rate|rank|score|grade|mark) (?:you|your \w+)"
    r" (?:very |really |extremely |so )?(?:highly|high|low|poorly|well|badly|top)\b"
    r"|\byou(?:'ve| have)? scored (?:very |really |so |extremely )?(?:high|highly|well|low|poorly|badly|great)"
    rf"(?= ?[.!]|$| on| in| today| overall)"
    rf"|\b{_NUMBER_EN} (?:out of (?:five|5) )?stars?(?= from me| for you| overall| today)|^{_NUMBER_EN} stars?$"
    r"|\byou(?:'re| are) (?:number one|#1|first|top) (?:on|in|among) (?:my|our|the) (?:list|ranking|rankings"
    r"|candidates|board)\b"
    r"|\byou(?:'ve| have)? (?:got|earned|scored) (?:an? |the )?(?:very |really )?(?:high|higher|highest|top|low|lowest"
    rf"|great|good|perfect|excellent) (?:score|mark|marks|grade|rating)(?= ?[.!]|$| {_WHOLE_EN})"
    # A mark as a label's value: "Grade: A", "Overall rating: excellent".
    r"|^(?:(?:your|my|final|overall) )*(?:grade|rating|score|mark) ?: ?(?:(?:an? )?(?:a|b|c|d|f)(?: plus| minus)?"
    r"|(?:very |really )?(?:excellent|outstanding|strong|great|high|perfect|top|low|poor|weak|average))$"
    r"|\b(?:you(?:'re| are| were|'d be| would be)|puts you|places you) (?:\w+ )?in the \d+(?:st|nd|rd|th) percentile\b"
    r"|\b\d+(?:st|nd|rd|th) percentile (?:of|among) (?:the |our |my )?(?:candidates|people|applicants|everyone)\b"
    rf"|\byou(?:'ve| have)? (?:scored|got|earned) (?:an? |the )?(?:{_NUMBER_EN}(?= ?[.!]|$| out of|/| points| percent)"
    r"|(?:perfect|full|top|maximum) (?:score|marks))"
    rf"|\b(?:(?:top|full|perfect) marks|perfect (?:score|ten|10)|gold star)\b{_DEFINED}|\bwith flying colou?rs\b"
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
SCORE_ES = _claim(
    rf"\b(?:matricula de honor|nota maxima|puntuacion (?:perfecta|maxima)|sobresaliente)\b{_DEFINED}"
    r"|\b(?:sacaste|has sacado|sacas|te llevas|te mereces|mereces|te has ganado) (?:un |una |la )?(?:diez|10|nota)\b"
    rf"|\b(?:sacaste|has sacado|sacas|te llevas|te mereces|mereces|te has ganado|tienes) (?:un |una )"
    rf"{_NUMBER_ES}{_AS_MARK}"
    r"|\b(?:entrevista|actuacion) de (?:diez|10)\b|"
    rf"\b{_NUMBER_ES} ?(?:sobre|/|de) ?(?:10|diez|5|cinco|100|cien)\b{_MARK_ENDS}"
    r"|\bel top (?:\d+|diez|cinco)|\b(?:el )?\d+ ?(?:%|por ciento) (?:mejor|superior)"
    r"|\b(?:mejor|peor) (?:candidat[oa]|entrevista|solucion) que (?:he|hemos) (?:\w+ )?(?:visto|tenido|entrevistado)\b"
    rf"|\bte (?:doy|daria|pongo|pondria|dare|pondre) (?:un |una |la nota de )?{_NUMBER_ES}{_AS_MARK}"
    r"|\beres (?:el|la|uno de los|una de las|de los|de las) (?:mejor|mejores|peor|peores) (?:candidat[oa]s?)\b"
    r"|\b(?:tu|la) (?:nota|puntuacion|calificacion) (?:final )?(?:es|sera|fue|seria) (?:un |una |de )?"
    rf"(?:{_NUMBER_ES}{_AS_MARK}|(?:muy )?(?:excelente|alta|buena|perfecta|baja|mala)(?= ?[.!]|$))"
)

# The tests the interviewer never sees run (the hidden ones), and their results.
HIDDEN = re.compile(
    r"\b(?:hidden|secret|private|grading|submission) (?:tests?|test cases|test suite|cases|checks|ones)\b"
    r"|\b(?:tests?|test cases|ones) (?:you|we|i) (?:can't|cannot|don't|do not) see\b|\bhidden (?:ones|too|included)\b"
    r"|\b(?:pruebas|tests|casos|casos de prueba) (?:ocult[oa]s|privad[oa]s|secret[oa]s|de evaluacion)\b"
    r"|\b(?:los ocultos|las ocultas)\b"
    # What Submit runs is the hidden tests: its results are theirs ("your submission passed").
    r"|\b(?:your|the|my|tu|la) (?:final )?(?:submission|submitted (?:code|solution)|entrega)\b"
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
# "paso" is "pasó" folded, and the noun "step" too: a result only after no determiner, before the tests or an end.
_PASO = (
    r"(?<!el )(?<!un )(?<!cada )(?<!este )(?<!ese )(?<!tu )(?<!su )(?<!otro )(?<!primer )(?<!siguiente )(?<!ultimo )"
    r"(?<!proximo )(?<!de )(?<!a )paso(?= (?:todas|todos|las|los|cada|tus|sus|ambas|ambos|\d+|dos|tres|cuatro|cinco)\b"
    r"| ?[.!,;]|$)"
)
PASSING = re.compile(
    r"\b(?:passed|passes|passing|pass|succeeded|succeeds|all green|green|accepted|clears|cleared"
    r"|pasa|pasan|pasaron|pasado|pasaste|pasas|pasamos|aprobaste|pasara|pasaran|pasaria|pasarian"
    r"|super(?:a|an|as|o|aron|aste|ado|ara|aran|aria|arian)|aprueba|aprueban|aprobo|aprobaron|aprobado|en verde"
    rf"|{_PASO}){_ARGUMENT}\b"
    r"|\bgot (?:all|every|each|them|both|everything|todas|todos)(?: [\w']+){0,4}? right\b(?! here| there| now| away)"
)
FAILING = _claim(
    r"\b(?:failed|fails|failing|fail|falla|fallan|fallo|fallaron|fallado|fallara|fallaran|fallaria|fallarian"
    r"|en rojo)\b|\b(?:didn't|did not|don't|do not|doesn't|does not|won't|will not|wouldn't|would not|not|no)"
    r" (?:\w+ )?(?:pass|passing|pasa|pasan|pasaron|pasara|pasaran)\b"
    r"|\bnone (?:of (?:the |your )?(?:\w+ )?)?(?:pass|passes|passed|passing)\b"
)
INFINITIVE = re.compile(r"\b(?:to|para|que|para que)\s*$")

# A promise of what comes after the call: "you'll move on to the next round", "see you at the onsite", "I'll
# recommend you for the role", "pasas a la siguiente fase", "te recomendare para el puesto".
_ROUND_EN = (
    r"(?:(?:next|final|second|later) (?:round|stage|interview|interviews|onsite|on-site)|onsite|on-site)\b"
    rf"{OTHER_ROUND}"
)
# Made "the cut" or "it through" of a selection, said alone or of the interview or what follows it ("you made the
# cut for the onsite"), never a cut or a pass somewhere in the data ("the cut at the right index", "made it through
# the whole array").
_CUT_EN = (
    r"(?:the cut|it through)(?= ?[.!]|$| (?:this time|today|yet|already|in the end|after all)\b"
    r"| (?:for|to|into|onto) (?:the |an? |your )?(?:next|final|second|later|onsite|on-site|team|job|role|position"
    rf"|offer|shortlist)\b| (?:the |this |today's |your |our )?{_WHOLE_EVENT_EN}\b)"
)
NEXT_ROUND = _claim(
    r"\byou(?:'ll|'re|'d|'ve| will| are| would| have)?(?: \w+){0,2}? (?:move|moving|moved|advance|advancing|advanced"
    r"|go|going|progress|progressing|make it|made it|be invited|get|getting|got) (?:on |forward |through |straight )?"
    rf"(?:to|into) (?:the |an? )?{_ROUND_EN}\b"
    rf"|\b(?:see|seeing|meet) you (?:in|at) (?:the |an? )?{_ROUND_EN}\b"
    r"|\byou(?:'re| are|'ll be| will be|'d be| would be) (?:moving|going|advancing) (?:forward|through)\b"
    r"(?= ?[.!]|$| in the process)"
    # Negated, on too: "unfortunately you won't be moving forward", "you won't be moving on".
    r"|\byou(?:'re not| are not| aren't|'ll not be| won't be| will not be| wouldn't be| would not be|'ll never be"
    r"| will never be) (?:moving|going|advancing|progressing) (?:forward|ahead|through|on|further)\b"
    r"(?= ?[.!]|$| in the process| with (?:the|this|your) (?:process|application))"
    # A later round as the candidate's: "you've got a final round next week", "you have the onsite on Monday".
    rf"|\b(?:you(?:'ve| have)? got|you(?:'ll| will) (?:get|have|be getting|be having)) (?:an? |the |your )?"
    r"(?:(?:next|final|second|later) (?:round|interview|onsite|on-site)|onsite|on-site)\b(?! question| problem| part)"
    rf"{OTHER_ROUND}"
    r"|\brecommend(?:ing)? (?:an? (?:\w+ )?hire\b|you (?:for|to the|as|strongly)|hiring you|that we hire|moving you"
    r"|we move you"
    r"|you be|an offer)\b|\brecommend(?:ing)? you(?= ?[.!]|$)"
    r"|\byou(?:'re| are|'ll be| will be)(?: \w+)? (?:through|on|onto|into|off|headed|heading)"
    rf" (?:to )?(?:the |an? )?{_ROUND_EN}\b"
    rf"|\byou(?:'ve| have)? made {_CUT_EN}"
    r"|\byou(?:'ll| will|'d| would)?(?: not| never|n't| didn't| did not| won't| will not| wouldn't| would not)"
    rf" make {_CUT_EN}"
    r"|\byou(?:'re| are)(?: so| officially)? through(?= ?[.!]|$)"
    # The candidate at the next round, or brought to it: "you'll be in the next round", "we'll invite you to the
    # onsite".
    rf"|\byou(?:'ll| will|'d| would)(?: \w+)? be (?:in|at|on) (?:the |an? )?{_ROUND_EN}\b"
    r"|\b(?:invite|send|bring|take|schedule|see|talk to|speak to|speak with|talk with|meet) you (?:\w+ )?(?:to|in|at"
    rf"|for|into|on) (?:the |an? )?{_ROUND_EN}\b"
    rf"|\b(?:invite|invitation|callback|call back) (?:to|for) (?:the |an? )?{_ROUND_EN}\b"
    # The speaker moving the candidate on: "I'd definitely move you forward", "we'll pass you through".
    r"|\b(?:i|we|the team|they)(?:'d| would|'ll| will|'m| am|'re| are|'m going to| am going to|'re going to"
    r"| are going to| can| should)?(?: \w+)? (?:move|moving|push|pushing|put|putting|pass|passing|send|sending|advance"
    r"|advancing|bring|bringing|fast track|fast-track|fast tracking|sign off on|signing off on) you (?:forward|ahead"
    rf"|onward|onwards|on board|onboard|(?:on|through|along)(?= ?[.!]|$| to (?:the |an? )?{_ROUND_EN}\b))"
    r"|\b(?:expect|look out for|watch for) (?:an offer|(?:some )?good news)\b"
    r"|\byou(?:'ll| will| should)? (?:\w+ )?(?:hear|get|receive) (?:some )?good news\b"
    r"|\b(?:call|email|message|note|news|word|back|from (?:us|them|the team|the recruiter)) (?:\w+ ){0,4}?with"
    r" (?:some )?(?:good news|an offer)(?= ?[.!]|$| for you| soon)"
    r"|\b(?:good news|an offer|the offer) (?:is|are|will be) (?:coming|on (?:its|the) way|headed your way)\b"
)
NEXT_ROUND_ES = _claim(
    r"\b(?:pasas|pasaras|pasaste|pasarias|avanzas|avanzaras|avanzaste|sigues|seguiras|vas a pasar|vas a avanzar"
    r"|has pasado|has avanzado|estas|estarias|te (?:\w+ )?(?:paso|pasamos|pasare|pasaremos|pasaria|pasariamos|muevo"
    r"|movemos|llevo|llevamos|mando|mandamos)"
    r"|nos vemos|te veremos|estaras|te invitaremos|te invitaran|te llamaran|te llamaremos)(?: \w+){0,2}? "
    r"(?:a |en |para )?(?:la )?(?:siguiente|proxima|ultima|otra|segunda) (?:ronda|fase|etapa|entrevista)\b"
    rf"{OTHER_RONDA}"
    r"|\bte (?:voy a recomendar|vamos a recomendar|recomendare|recomendaremos)(?= ?[.!]|$| para el| para la| al equipo)"
    r"|\b(?:sigues|seguiras|seguirias|vas a seguir|avanzas|avanzaras|avanzarias) adelante(?= ?[.!]|$| en el proceso)"
    r"|\b(?:sigues|seguiras|seguirias|vas a seguir|continuas|continuaras|continuarias|vas a continuar) en el proceso"
    r"(?= ?[.!]|$)"
    r"|\b(?:te (?:recomiendo|recomendamos|recomendaria|recomendariamos)|(?:voy|vamos) a recomendarte|recomendarte)"
    r"(?= ?[.!]|$| para el| para la| al equipo)"
    r"|\b(?:recibiras|tendras|espera|esperate|te llegaran|te daremos|te daran) (?:\w+ )?(?:buenas noticias"
    r"|noticias buenas)\b"
)
