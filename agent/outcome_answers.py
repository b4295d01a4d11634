"""A bare answer to the candidate's own outcome question: "Did I pass? Yes or no." answered "Yes." / "Nope." / "Sí,
lo hiciste." states the outcome as surely as "you passed" does, with none of a claim's words.

The candidate's latest turn (``candidate_turn``: their last messages in a row) is read for a question about their
outcome (``asked_outcome``) with the guard's own word tables (agent.outcome_words, agent.outcome_frames): their
words put in the interviewer's person ("did I pass" is read as "you passed", "did I nail it" as "you nailed it",
"¿me vais a contratar?" as "te vais a contratar", "did I pass or not?" as its first half) and read as a claim would
be, the hidden tests' or their submission's results, or the visible tests' (their results were seen only as the
interviewer's own last run showed them: ``InterviewState.last_run``). A question about how the interview went or
whether it was enough ("how did I do?", "was that good enough?", "¿lo hice bien?") is one too, though the reply's
words for it ("you did okay", "lo hiciste bien") are praise of a step when said alone (``_PERFORMANCE``). Only what
the turn asks is read (``_asked_clauses``): a clause in a question's form ("did I pass", "tell me if I passed"), or
the end of a question (its last clause, or the one before a tag: "I passed, right?", "I passed. Right?"); what it
states is no question ("I'm good.", "the tests pass now, can we move on?"), nor is a question a yes or a no cannot
answer ("which tests failed?", "how many did I pass?"), nor a number without a scale ("did I get 9?": the example's
trace, not a mark), nor a rule under a condition ("if I give up now, do I fail?"). The turn's last words stating the
candidate's own verdict, mark or next round ("I passed.", "so I made it to the next round": a transcript drops the
question mark) are read too, as a confirmation states them ("Correct."). Then a
reply whose first sentence opens with nothing but an affirmation or a negation ("Yes.", "Correct.", "I'm afraid
not.", "Definitely!", "Mm-hm.", "I'd say so.", "\U0001f44d"), praise alone ("Great job!"), or a pronoun-only
confirmation ("you did", "it is", "lo hiciste"), the candidate's name beside it or not ("Yes, Ada!"), is that claim
(``bare_answer``). An answer that goes on to say something else in the same sentence ("No, I can't tell you
that.", "Yes, good question, the team will let you know.") is not, unless it confirmed with a pronoun first ("Yes,
you did, congratulations").

The candidate's own Run results are on their screen and not secret, but the interviewer never sees them: a bare
"Yes" to "did my tests pass?" passes only when the interviewer's own last run passed them all, and "No" only when
it failed some, as "your tests passed" does (agent.outcome_claims).
"""

from __future__ import annotations

import re

from livekit.agents import llm

from agent.outcome_frames import IDIOM, MARK, PRESUPPOSED, PRESUPPOSED_ES, PRESUPPOSED_NEXT
from agent.outcome_words import (
    CLAUSE_SPLIT,
    FAILING,
    HIDDEN,
    NEXT_ROUND,
    NEXT_ROUND_ES,
    PASSING,
    PRAISE,
    PRAISE_ES,
    SCORE,
    SCORE_ES,
    SENTENCE,
    TESTS,
    VERDICT,
    VERDICT_ES,
    hedged,
    plain,
)

MAX_TURN = 1_000  # characters of the candidate's turn read (its end): a question about an outcome is short
MAX_ASKED = 200  # characters of a clause of it read (its end): "did I pass" is read in each, four ways
MAX_BARE = 120  # characters of a clause read as a bare answer at most: one is a few words

# The claims a question asks about, read in the interviewer's person (agent.outcome_claims reads a reply with these).
_ASKED: tuple[tuple[str, tuple[re.Pattern[str], ...]], ...] = (
    ("verdict", (VERDICT, VERDICT_ES, PRAISE, PRAISE_ES, IDIOM, PRESUPPOSED, PRESUPPOSED_ES)),
    ("score", (SCORE, SCORE_ES, MARK)),
    ("next_round", (NEXT_ROUND, NEXT_ROUND_ES, PRESUPPOSED_NEXT)),
)

# The candidate's words in the interviewer's person: "I" is "you", "you" is "I" ("will you hire me" is read as "I
# will hire you"), Spanish first-person forms of the outcome verbs as second-person ones ("aprobé" as "aprobaste").
_PERSON_EN = {
    "i": "you", "me": "you", "my": "your", "mine": "yours", "myself": "yourself", "i'm": "you're", "i've": "you've",
    "i'll": "you'll", "i'd": "you'd", "you": "i", "your": "my", "you're": "i'm", "you've": "i've", "you'll": "i'll",
    "you'd": "i'd",
}  # fmt: skip
_PERSON_ES = {
    "yo": "tu", "me": "te", "mi": "tu", "mis": "tus", "he": "has", "estoy": "estas", "soy": "eres", "sere": "seras",
    "aprobe": "aprobaste", "pase": "pasaste", "suspendi": "suspendiste", "supere": "superaste", "falle": "fallaste",
    "reprobe": "reprobaste", "consegui": "conseguiste", "conseguire": "conseguiras", "tengo": "tienes",
    "tendre": "tendras", "paso": "pasas", "pasare": "pasaras", "avanzo": "avanzas", "avanzare": "avanzaras",
    "sigo": "sigues", "seguire": "seguiras", "voy": "vas", "recibire": "recibiras", "saque": "sacaste",
    "quedo": "quedas", "estare": "estaras", "estaria": "estarias", "hice": "hiciste",
}  # fmt: skip
_PERSON_WORD = re.compile(r"[\w']+")
_AGREE = (
    ("am you", "are you"),
    ("you am", "you are"),
    ("are i", "am i"),
    ("i are", "i am"),
    ("was you", "were you"),
)
# "you" after a preposition is the interviewer's object: "a 10 from you" is read as "a 10 from me".
_OBJECT = re.compile(r"\b(from|for|to|by|with|of|about) i\b")
# A question's word order: "did you pass" as "you did pass", "are you hired" as "you are hired", "was that good" as
# "that was good".
_AUX = r"did|do|does|am|are|is|was|were|will|would|have|has|had|can|could|should|shall"
_INVERTED = re.compile(rf"\b({_AUX})(n't| not)? (you|i|it|we|they|that|this)\b")
# "you did nail it" as the tables read a statement: "you nailed it" (the verbs a claim's tables read in the past);
# "you do pass" as "you pass".
_PAST = {
    "pass": "passed", "fail": "failed", "ace": "aced", "nail": "nailed", "bomb": "bombed", "flunk": "flunked",
    "clear": "cleared", "crush": "crushed", "smash": "smashed", "kill": "killed", "rock": "rocked", "do": "did",
    "make": "made", "get": "got", "perform": "performed",
}  # fmt: skip
_DID = re.compile(rf"\byou (did|do) ((?:\w+ly |really |just |actually )?)({'|'.join(_PAST)})\b")
# A question with its subject left out before "enough" ("good enough to move on to the next round?", "was that
# enough to pass?"): asked of the candidate, read with "I" ("I move on to the next round").
_ENOUGH = re.compile(
    r"^(?:(?:so|and|but|well|then|honestly|be honest) )*(?:(?:is|was) (?:that|it|this|my \w+) |(?:am|was) i )?"
    r"(?:(?:good|strong|solid|well) )?enough (?:for you )?to "
)
# "it" after an outcome's verb, named earlier in the turn ("I really want this job. Did I get it?", "the interview
# was fun, did I pass it?"): read as what it names. Nothing named, "did I get it?" may be the code ("did I get it
# right?"): not read.
_IT = re.compile(r"\b(get|got|land|landed|pass|passed|ace|aced|nail|nailed|clear|cleared) it$")
_NAMED = re.compile(
    r"\b(?:the|this|that|my|your) (?:job|offer|role|position|interview|screen|screening|phone screen|assessment)\b"
)
# The choice a question ends on ("did I pass or not?", "did I pass or fail?"): asked as its first half.
_OR_NOT = re.compile(r",? or (?:not|no|what|nah|fail|failed|no hire)$")
# A question about how the interview went, or whether it was enough, that no claim's table reads in the interviewer's
# person: "you did okay", "that was good enough", "lo hiciste bien" are praise of a step when said, not a verdict.
_PERFORMANCE = re.compile(
    r"(?:\bhow(?: well| badly)?(?:'d| did)(?: you think)? i (?:do|did|perform|go|get on)"
    r"|\bhow do you think i (?:did|do)"
    r"|\bhow (?:was i|were i|(?:did|was) (?:my|the|this) (?:interview|performance|screen|session)(?: go)?))"
    r"(?=$| today| overall| in (?:the|this) interview)"
    r"|\bdid i do (?:ok|okay|alright|all right|good|fine|enough|it)(?=$| today| overall| in (?:the|this) interview)"
    r"|\bdid i (?:make it|get through|make it through|do it)$"
    r"|\bdid (?:(?:the|my|this) (?:interview|screen|session)|everything|(?:it|that)(?= \w+ \w+ (?:today|overall)))"
    r" go (?:well|ok|okay|alright|all right|good|fine|great)(?=$| today| overall)"
    r"|\bwas (?:that|it|this|i|my (?:performance|interview|solution|code|work))(?: (?:good|well|strong|solid))? enough"
    r"(?=$| today| overall| to (?:pass|get|move|make|advance)| for (?:the (?:job|role|position|team|next round)|you"
    r"|a (?:hire|pass|yes)|an offer))"
    r"|^(?:so |well )?(?:is it |was it |was that )?(?:a )?(?:pass|passed|hire|hired) or (?:a )?(?:fail|failed|no hire"
    r"|not|no)$"
    r"|\b(?:que tal|como) (?:lo )?(?:hice|he hecho|me fue|me ha ido|lo he hecho|estuve|he estado)"
    r"(?=$| hoy| en (?:la|esta) entrevista)"
    r"|\b(?:lo )?(?:hice|he hecho)(?: \w+)? (?:bien|mal)(?=$| hoy| en la entrevista)"
    r"|^(?:fue|ha sido|era) suficiente$|\b(?:apto|aprobado|aprobe) o (?:no|suspendido|suspendi|no apto)\b"
    # The interviewer's own answer asked for: "is that a yes?", "so that's a no?", "¿eso es un sí?".
    r"|^(?:so |then |wait |and |ok |okay )?(?:(?:is|was) (?:that|it|this)|(?:that|it)(?:'s| is)) a (?:yes|no)"
    r"(?: (?:then|from you|or (?:a )?no|or not))?$|^(?:entonces )?(?:eso )?es un (?:si|no)(?: o (?:un )?no)?$"
)
# A condition the candidate sets ("if I fail, can I retry?"): no outcome asked in that clause, nor in the question it
# opens or ends when that question asks a rule, present or to come ("if I give up now, do I fail?", "will I fail if I
# quit?", "si me rindo, ¿suspendo?": ``_RULE``), not their outcome; one of asking is none ("if you can say, did I
# pass?", "did I pass, if I may ask?"), nor one saying only that the interview is over ("if we're done, will I get
# the job?", "si ya terminamos, ¿paso?": the end is no condition on the outcome). "si" is the condition only before
# a word ("Sí, ¿aprobé?", "¿sí o no?": a yes, as read without its accent).
_IF = re.compile(
    r"(?:(?:and|so|but|then|y|pero|entonces|pues) )?(?:if|unless|si(?= \w)(?! o no\b))\b(?! (?:you|that|it's|its"
    r"|possible|allowed|i (?:can|may|could|might) ask|tu|puedes|se puede"
    r"|(?:we're|we are|i'm|i am) (?:done|finished|through)|there's nothing else|this is (?:it|the end)"
    r"|(?:ya )?(?:terminamos|acabamos|hemos terminado)|ya está)\b)"
)
# What names a hiring outcome itself, as a statement after a run of the tests must to be read as one ("I passed the
# interview", "I got the job", "I made it to the next round", "I'm hired", "a 9 out of 10"); "I failed." names none.
_HIRING = re.compile(
    r"\b(?:interview|screen|screening|assessment|job|offer|role|position|round|stage|onsite|on-site|hired|hire|cut"
    r"|through|out of|entrevista|puesto|trabajo|oferta|ronda|fase|etapa|contratad[oa]|contrat\w*|sobre)\b"
)
# A question asking a rule: what does or would follow, present or to come ("do I fail", "would I get the job", "will
# I be rejected", "am I going to fail", "¿suspendo?", "¿me contratarían?"). What did follow, or has, is the
# candidate's outcome ("did I pass?", "have I passed?", "am I hired?", "did I get the job?", "¿aprobé?"): never a rule.
_RULE = re.compile(
    r"^(?:(?:so|and|but|then|well|y|pero|entonces|pues) )*(?:(?:do|does|will|would|can|could|should|shall|might)"
    r"(?:n't| not)? (?:i|we)\b|(?:am|are) (?:i|we) (?:going|gonna)\b|(?:i|we) (?:fail|pass|get|will|would)\b"
    r"|(?:apruebo|suspendo|repruebo|paso|quedo|me (?:contratan|contratarian|rechazan|rechazarian)|aprobaria"
    r"|suspenderia|pasaria|voy a)\b)"
)
_CONDITION = re.compile(
    r"^(?:(?:and|so|but|then|y|pero|entonces|pues) )?(?:if|unless|once|when|whenever|si|cuando)\b"
)
# What the candidate asks of the hidden tests or their submission: its result ("did my submission pass?", "was it
# right?"), never what to do with it ("can I make my submission now?").
# A request to say words ("say exactly: ...", "repeat after me ..."): the words are the reply's to read, not asked.
_QUOTING = re.compile(
    r"\b(?:say|repeat|recite|type|write|di|repite|escribe)\b[^:?]{0,30}:"
    r"|\b(?:say|repeat|recite|di|repite)(?: it| this| that| the words| for me)? (?:exactly|verbatim|literally"
    r"|after me|word for word|exactamente|textualmente|lo siguiente)\b"
)
# A clause in a question's form whatever its mark (a transcript may have none): an auxiliary before its subject ("did
# I pass", "am I through", "won't I").
_OPENING = (
    r"^(?:(?:so|and|but|okay|ok|well|then|wait|hmm|um|uh|oh|just|honestly|now|also|sorry|please|y|pero|entonces|pues"
    r"|bueno|vale|oye) )*"
)
_QUESTION_FORM = re.compile(
    rf"{_OPENING}(?:(?:(?:{_AUX}|won|ca|ai)(?:n't| not)?) (?:i|you|it|we|they|that|this|these|those|there|my|the|all"
    r"|any|every|everything|anything|he|she)\b|how\b"
    r"|any (?:idea|chance|word))"
)
# What the candidate says of where they are or that they have finished ("I'm in.", "ok I'm through"): said, never
# an outcome stated for the interviewer to confirm (asked, "am I through?" is one).
_WHERE = re.compile(
    rf"{_OPENING}(?:(?:yeah|yes|great|cool|alright) )*(?:i'm|i am)(?: \w+)? (?:in|out|through|done|good|fine|okay"
    r"|ok|set|ready|here|back)(?: now| thanks| thank you)?$"
)
# A statement of the candidate's own outcome opens with their own person (English or Spanish), a hedge of theirs
# before it or not ("I passed.", "so I think I made it", "aprobé"): "the tests pass now." is their screen's, and "tell
# the grader I'm a strong hire" a request.
_FIRST_PERSON = frozenset(
    [k for k, v in _PERSON_EN.items() if v.startswith("you")] + [k for k in _PERSON_ES if k != "he"]
)
_MINE = "|".join(sorted(_FIRST_PERSON, key=len, reverse=True))
_OF_THEMSELVES = re.compile(
    rf"{_OPENING}(?:i (?:think|guess|believe|bet|hope|assume|suppose) (?:that )?)?(?:{_MINE})\b"
)
# A request to be told, wherever in the clause ("tell me if I passed", "I'd love to know whether I'm through", "dime
# si aprobé"), asks as a question does.
_TOLD = re.compile(
    r"\b(?:tell me|tell us|let me know|let us know|to know|i wonder|i'm wondering|i am wondering|i was wondering"
    r"|curious|dime|dinos|quiero saber|decirme)\b"
)
# A question a yes or a no does not answer ("which tests failed?", "how many did I pass?"): only how it went is read
# in one ("how did I do?" is answered "Great job!", ``_PERFORMANCE``). "Why did I fail?" is read: it takes the
# outcome as given, and "Sorry." or "No!" answers that.
_OPEN_QUESTION = re.compile(
    rf"{_OPENING}(?:which|where|when|who|whom|whose|what|how (?:many|much|long|often|far)|que|cual|cuales|cuando"
    r"|donde|quien|quienes|cuant[oa]s?)\b"
)
# What follows a statement to make it a question ("I passed, right?", "aprobé, ¿verdad?", "I passed. Yes or no?").
_TAG = re.compile(
    r"(?:(?:so|and|or) )?(?:right|correct|no|yeah|yes|yep|ok|okay|eh|huh|true|or not|yes or no|right or wrong"
    r"|(?:is|isn't|was|wasn't) (?:that|it) (?:right|correct|true|so)|(?:am|was) i right|(?:did|didn't|do|don't|am"
    r"|aren't|have|haven't|will|won't|is|isn't|was|wasn't) (?:i|it|you)|be honest|honestly|verdad|cierto"
    r"|no es cierto|no es asi|vale|si o no|o no|i (?:think|guess|believe|suppose|assume|bet|hope)|creo)"
)
# A number asked of without a scale ("did I get 9?", "so I get 7, right?") is the problem's value, not a mark; one
# with its scale, a grade's word, a rank or whose it is ("9 out of 10", "full marks", "top 10%", "from you") is one.
_NUMBERED = re.compile(
    r"\b(?:\d+|zero|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|cero|uno|dos|tres|cuatro|cinco"
    r"|seis|siete|ocho|nueve|diez)\b"
)
_SCALED = re.compile(
    r"\b(?:out of|outta|over|sobre)\b|/|%|\b(?:of|on|de) (?:10|ten|5|five|100|a hundred|diez|cinco|cien)\b"
    r"|\b(?:percent|por ciento|points?|marks?|score|scored|grade|rating|rated|rank|ranked|top|puntos|nota"
    r"|puntuacion|calificacion|from you|for you|in your book|on (?:the|my|your) scorecard|overall|today|hoy"
    r"|(?:give|gave|giving|rate|grade|mark|score) me|(?:me )?(?:das|darias|pones|pondrias))\b"
)
# What a clause sets beside its question ("can I submit if the tests pass?", "should I keep going until they all
# pass?", "can you check if they pass?"): a condition, a time or a reason, no result asked; but what the candidate
# asks to be told ("tell me if I passed", "do you know whether I'm through", "dime si aprobé") is asked.
_BESIDE = re.compile(
    r"\b(?:if|whether|when|whenever|once|until|till|unless|before|after|as soon as|now that|since|because|cause"
    r"|so that(?!')|while|si|cuando|hasta que|antes de que|despues de que|porque|ya que|mientras)\b"
)
_TELLING = re.compile(
    r"\b(?:tell|tells|told|know|knows|knew|say|said|sure|wonder|wondering|curious|ask|asking|find out|hear|heard"
    r"|confirm|let me know|let us know|idea|clue|dime|dinos|sabes|saber|sabeis|decir|decirme|confirmar)"
    r"(?: (?:me|us|you|te|nos))?(?: (?:now|yet|already|even|ya))?(?: (?:even|ya))? $"
)
_EMPHATIC_SI = re.compile(r"(?:^|\b(?:entonces|y|pero|pues|que|o|claro|asi que)) $")
# A sentence the candidate cut off and took back ("did I pass the... no wait, the length"): thinking aloud, no
# question. Any other pause is read as the end of a clause (``_PAUSE``): "did I pass... the interview?" asks.
_TAKEN_BACK = re.compile(
    r"(?:^|(?<=[.!?]))[^.!?]+\.{2,}(?= *(?:no|nope|nah|wait|actually|never ?mind|scratch that|sorry|i mean|oops)\b)"
)
# A pause ("...", with the sounds that fill it) ends a clause, unless the words before it cannot end one ("did I pass
# the... the length": the sentence goes on).
_PAUSE = re.compile(
    r"(\b(?:the|a|an|my|your|his|her|its|our|their|this|that|these|those|to|in|on|of|for|with|at|by|from|and|or"
    r"|el|la|los|las|un|una|mi|mis|tu|de|del|en|con|por|para|y|o))? *\.{2,} *(?:(?:hmm+|hm|um+|uh+|er+|erm)\b[ ,.]*)*"
)
_RESULT = re.compile(
    r"\b(?:work|works|worked|correct|right|ok|okay|good|green|red|results?|outcome|bien|funciona|funciono"
    r"|correct[oa]s?|resultados?)\b"
)


def candidate_turn(ctx: llm.ChatContext | None) -> str:
    """The candidate's latest turn in ``ctx`` (its last ``MAX_TURN`` characters): their last messages in a row,
    whatever of the interviewer's came after them. A reply after them may answer them still: one started before
    their question came in is placed after it (a realtime opening), and one that called a tool goes on after it.
    A later reply opening with a bare yes or no is read as answering it: the neutral line, never an outcome."""
    items = ctx.items if ctx is not None else []
    at = len(items) - 1
    while at >= 0:
        item = items[at]
        if isinstance(item, llm.ChatMessage) and item.role == "user":
            break
        at -= 1
    turn: list[str] = []
    while at >= 0 and sum(map(len, turn)) < MAX_TURN:
        item = items[at]
        if isinstance(item, llm.ChatMessage):
            if item.role != "user":
                break
            turn.insert(0, item.text_content or "")
        at -= 1
    return " ".join(turn)[-MAX_TURN:]


def _in_our_person(clause: str) -> tuple[str, ...]:
    """``clause`` in the interviewer's person, read as English and as Spanish ("me" is both), and, asked of nothing
    in particular ("did you do well"), of the interview: "today" added (a claim's table reads "you did well" alone
    as praise of a step). Only a clause the candidate says of themselves (a word of it put in our person) is read
    so: "seven today" is a mark, and "two, seven, eleven" a trace of the problem's example."""
    english = ours = _PERSON_WORD.sub(lambda m: _PERSON_EN.get(m.group(), m.group()), clause)
    for said, agreed in _AGREE:
        english = re.sub(rf"\b{said}\b", agreed, english)
    english = _INVERTED.sub(lambda m: f"{m.group(3)} {m.group(1)}{m.group(2) or ''}", english)
    english = _OBJECT.sub(r"\1 me", english)
    english = _DID.sub(
        lambda m: f"you {m.group(2)}{_PAST[m.group(3)] if m.group(1) == 'did' else m.group(3)}", english
    )
    spanish = _PERSON_WORD.sub(lambda m: _PERSON_ES.get(m.group(), m.group()), clause)
    of_them: tuple[str, ...] = (f"{english} today",) if ours != clause else ()
    of_them += (f"{spanish} hoy",) if spanish != clause else ()
    return english, spanish, *of_them


def _asked_clauses(sentence: str, question: bool) -> list[str]:
    """The clauses ``sentence`` asks (the module's docstring): one in a question's form or asking to be told, and,
    in a question (``question``: it ends in "?" or a tag follows it), its last, or the one before its tags."""
    clauses = [c.strip(" .!?") for c in CLAUSE_SPLIT.split(sentence)]
    clauses = [c for c in clauses if c]
    return [
        clause
        for at, clause in enumerate(clauses)
        if _QUESTION_FORM.match(clause)
        or _TOLD.search(clause)
        or (question and all(_TAG.fullmatch(c) for c in clauses[at + 1 :]))
    ]


def _asked_part(clause: str) -> str:
    """``clause`` up to what it sets beside its question (``_BESIDE``), unless it asks to be told that."""
    for m in _BESIDE.finditer(clause):
        before = clause[: m.start()]
        if m.group() == "si" and (_EMPHATIC_SI.search(before) or clause.startswith("o no", m.end() + 1)):
            continue  # "entonces sí aprobé", "sí o no": a yes, as read without its accent
        if not _TELLING.search(before):
            return before.rstrip()
    return clause


def _tags_only(sentence: str) -> bool:
    """Whether ``sentence`` is a question of tags alone ("Right?", "Yes or no?"): it asks the sentence before."""
    clauses = [c.strip(" .!?") for c in CLAUSE_SPLIT.split(sentence)]
    return sentence.rstrip().endswith("?") and all(not c or _TAG.fullmatch(c) for c in clauses)


def asked_outcome(turn: str, *, ran: bool = False) -> tuple[str, bool | None] | None:
    """What the candidate's ``turn`` asks about their outcome: the claim's kind ("verdict", "score", "next_round",
    "hidden_tests", "test_results") and, for the visible tests, the result asked about (True: passing, False:
    failing, None: either), or None when it asks about none. Only the clauses it asks are read (``_asked_clauses``).
    A sentence asking the interviewer to say words ("say exactly: you passed") asks nothing: what it would say is
    read as the reply's own. After a run of the tests (``ran``), a statement is read only as it names the interview,
    the job or the round itself ("I passed the interview", "I got the job"): a bare "Ugh, I failed." is then the run's
    tests, never read as "you failed today"."""
    read = plain(turn[-MAX_TURN:].replace("\u2026", "..."))
    read = _PAUSE.sub(lambda m: f"{m.group(1)} " if m.group(1) else ", ", _TAKEN_BACK.sub("", read))
    sentences = [m.group() for m in SENTENCE.finditer(read)]
    last = max((at for at, sentence in enumerate(sentences) if plain(sentence)), default=-1)
    named = [m.group() for m in _NAMED.finditer(read)]  # what "it" may stand for ("did I get it?": ``_IT``)
    tests: tuple[str, bool | None] | None = None
    for at, sentence in enumerate(sentences):
        if _QUOTING.search(sentence):
            continue
        question = sentence.rstrip().endswith("?") or (
            at + 1 < len(sentences) and _tags_only(sentences[at + 1])
        )
        clauses = _asked_clauses(sentence, question)
        # The turn's last words, said rather than asked ("I passed.", "so I made it to the next round"): what the
        # candidate states of their own outcome, a confirmation states too. Not the tests' results: the candidate's
        # own Run shows them, and a Submit's may be theirs to read.
        said = (
            [] if question or at != last else [c for c in _asked_clauses(sentence, True) if c not in clauses]
        )
        opening = [
            c for c in CLAUSE_SPLIT.split(sentence) if not re.fullmatch(_OPENING, f"{c.strip(' .!?')} ")
        ]
        if any(_RULE.match(_asked_part(c)) for c in clauses + said) and (
            (opening and _IF.match(opening[0].strip()))
            or any(_IF.match(c[len(_asked_part(c)) :].lstrip()) for c in clauses + said)
        ):
            continue  # a rule asked of ("if I give up now, do I fail?", "will I fail if I quit?"): no outcome
        asked = [part for c in clauses if (part := _asked_part(c))]
        stated = [
            part for c in said if _OF_THEMSELVES.match(part := _asked_part(c)) and not _WHERE.match(part)
        ]
        closed = " ".join(c for c in asked if not _OPEN_QUESTION.match(c))  # what a yes or a no answers
        if HIDDEN.search(closed) and (
            PASSING.search(closed) or FAILING.search(closed) or _RESULT.search(closed)
        ):
            return "hidden_tests", None
        for clause, statement in [(c, False) for c in asked] + [(c, True) for c in stated]:
            clause = clause[-MAX_ASKED:]
            if _CONDITION.match(clause):
                continue
            if _PERFORMANCE.search(clause):
                return "verdict", None
            if _OPEN_QUESTION.match(clause):
                continue
            clause = _ENOUGH.sub("i ", _OR_NOT.sub("", clause))
            if named and (it := _IT.search(clause)) is not None:
                clause = f"{clause[: it.start()]}{it.group(1)} {named[-1]}"
            if statement and ran and not _HIRING.search(clause):
                continue  # "Ugh, I failed." after a run: the run's tests, not the interview
            readings = _in_our_person(clause)
            for kind, patterns in _ASKED:
                if kind == "score" and _NUMBERED.search(clause) and not _SCALED.search(clause):
                    continue
                if any(
                    not statement or not hedged(ours[: m.start()], claim=m.group())
                    for p in patterns
                    for ours in readings
                    for m in p.finditer(ours)
                ):
                    return kind, None
        if tests is None and TESTS.search(closed):
            if FAILING.search(closed):
                tests = ("test_results", False)
            elif PASSING.search(closed):
                tests = ("test_results", True)
    return tests


# A bare answer: the words that answer yes or no, or say so sorrily or gladly, and nothing else.
_ANSWER = (
    r"yes|yeah|yep|yup|yea|sure|absolutely|definitely|certainly|indeed|correct|right|exactly|affirmative|totally"
    r"|of course|you bet|for sure|no|nope|nah|negative|not really|not quite|not at all|not yet|sadly|unfortunately"
    r"|(?:i'm |i am )?afraid (?:not|so)|(?:i'm |i am )?sorry|i (?:think|believe|guess) so|i don't think so|not so"
    r"|congratulations|congrats|well done|(?:that|it)(?:'s| is) (?:right|correct|true|so|a yes|a no)|not true"
    r"|(?:a )?(?:big |strong |clear )?(?:yes|no)"
    r"|si|claro|correcto|exacto|cierto|efectivamente|por supuesto|desde luego|sin duda|asi es|eso es|para nada"
    r"|en absoluto|tampoco|me temo que (?:si|no)|lo siento|lamentablemente|por desgracia|enhorabuena|felicidades"
    r"|(?:claro|por supuesto) que (?:si|no)|todavia no|aun no"
    r"|(?:of course|absolutely|definitely|certainly|unfortunately|sadly|probably|really|surely) not|probably|likely"
    # Said in a sound or a few words: "Mm-hm." ("mm hm" as read), "Uh-uh.", "I'd say so.", "Sure did!", "Not this time."
    r"|m+ ?h+m+|uh ?huh|uh ?uh|nuh ?uh|(?:i'd|i would|i'll|i will|i can|i have to|i'd have to) say (?:so|yes|no|not)"
    r"|the answer is (?:yes|no)|(?:sure|certainly|definitely|totally|indeed) (?:did|do|does|are|is|was|will|have)"
    r"|pretty much|more or less|kind of|sort of|mostly|basically|not this time|not today"
    r"|(?:a )?(?:100|hundred) ?(?:%|percent)"
    # One side of the choice asked ("pass or fail?" "Pass."), "apto" said "no apto" as the negation reads it.
    r"|(?:a )?(?:pass|passed|fail|failed|hire|no hire)|(?:no )?apto|aprobado|suspendido"
    # Praise alone, the answer to "how did I do?": "Great job!", "Very good.", "Muy bien." ("Good." and "Well, ..."
    # alone open a reply to anything: no answer)
    r"|(?:really|very|so|pretty|quite) (?:good|well)|(?:great|good|nice|excellent|amazing|fantastic|solid|fine"
    r"|terrific|brilliant) (?:job|work|effort)|great|excellent|fantastic|brilliant|awesome|amazing|perfect|superb"
    r"|nicely done|well played|bien hecho|muy bien|buen trabajo|gran trabajo|excelente|perfecto|genial|estupendo"
)
# A confirmation with a pronoun only: "you did", "you sure did", "it is", "they didn't", "lo hiciste", "no lo es".
_CONFIRM = (
    r"(?:you|it|they|that|this|we|i|he|she|those|these)(?: (?:sure|certainly|definitely|really|absolutely|totally"
    r"|just|so|indeed))?(?:(?:'re|'s|'ve|'ll|'d|'m)| (?:did|do|does|are|is|was|were|will|would|have|has|had|am|can"
    r"|could|should|shall|might|may|must))(?:n't| not)?(?: (?:indeed|too|so|already|definitely|certainly))?"
    r"|you (?:did|got|made|nailed|aced|crushed|smashed|killed|passed|failed|bombed|blew) it"
    r"|(?:si |claro )?(?:que )?(?:no )?(?:lo|la|los|las) (?:hiciste|has hecho|lograste|has logrado|conseguiste"
    r"|has conseguido|pasaste|has pasado|aprobaste|has aprobado|superaste|has superado|eres|es|son|fue"
    r"|fueron|estas|esta|estan|seras|sera|haras|hara)"
)
_FILLER = (
    r"oh|well|um|uh|hm|hmm|so|and|honestly|actually|really|very much|pues|bueno|vaya|y"
    r"|(?:my )?friend|buddy|mate|amig[oa]"  # said to the candidate, as their name is (``_vocatives``)
)
_BARE = re.compile(rf"(?:(?:{_ANSWER}|{_CONFIRM}|{_FILLER})(?: |$))+")
_SAYS = re.compile(rf"\b(?:{_ANSWER}|{_CONFIRM})(?!\w)")  # "(?!\w)": "100%" ends in no word character
_CONFIRMS = re.compile(rf"^(?:(?:{_ANSWER}|{_FILLER}) )*(?:{_CONFIRM})\b")
_NEGATIVE = re.compile(
    r"\b(?:no|nope|nah|not|negative|never|tampoco|nada|absoluto|sorry|unfortunately|sadly|siento|lamentablemente"
    r"|desgracia|uh ?uh|nuh ?uh|fail|failed|suspendido)\b|n't\b"
)
# An answer written as a sign (a text reply shows it; ``plain`` reads no symbol): read as the word it stands for.
_SIGNS = str.maketrans(
    {
        s: " yes "
        for s in "\U0001f44d\U0001f44c\u2705\u2714\u2611\U0001f389\U0001f973\U0001f4af\U0001f64c\U0001f44f"
    }
    | {s: " no " for s in "\U0001f44e\u274c\u2716\u274e\U0001f6ab"}
)
# A word written with a capital inside a sentence, not "I": a name the reply calls the candidate by ("Yes, Ada!").
# The reply's first word, set off by a comma, is one too ("Ada, yes!").
_CAPITALISED = re.compile(
    r"(?<=[^\W\d_] |[,;:] )([^\W\d_a-z][^\W\d_]*)(?=[\s,.!?;:]|$)|^[\W\d_]*([^\W\d_a-z][^\W\d_]*)(?=,)"
)


def answer_text(reply: str) -> str:
    """``reply`` as a bare answer is read: ``plain``, its signs as the words they stand for ("\U0001f44d" is "yes")."""
    return plain(reply.translate(_SIGNS))


def _vocatives(reply: str) -> set[str]:
    """The words ``reply`` capitalises inside a sentence, as read (``plain``): the candidate's name when it calls
    them by it ("Yes, Ada!", "Nope, sorry Ada"), heard as a filler. "I" and its contractions are no name."""
    words = (m.group(1) or m.group(2) for m in _CAPITALISED.finditer(reply))
    return {plain(word) for word in words if word not in ("I", "I'm", "I'd", "I'll", "I've")}


def _bare(clause: str, names: set[str]) -> bool:
    """Whether ``clause`` says nothing but an answer, or fillers ("well", the candidate's name: ``names``)."""
    words = " ".join(w for w in clause.split(" ") if w not in names)
    return len(clause) <= MAX_BARE and (not words or _BARE.fullmatch(words + " ") is not None)


def bare_answer(reply: str) -> bool | None:
    """Whether the opening of ``reply`` is a bare answer (the module's docstring): True, a yes; False, a no; None,
    none. Its first sentence is read: bare in every clause, or confirming with a pronoun before it says anything
    else."""
    m = SENTENCE.search(answer_text(reply[: MAX_BARE * 4]))
    if m is None or m.group().rstrip().endswith("?"):
        return None
    names = _vocatives(reply[: MAX_BARE * 4])
    clauses = [c.strip(" .!?") for c in CLAUSE_SPLIT.split(m.group())]
    clauses = [c for c in clauses if c]
    opening: list[str] = []
    for clause in clauses:
        if not _bare(clause, names):
            break
        opening.append(clause)
    if not any(_SAYS.search(c) for c in opening):
        return None
    if len(opening) < len(clauses) and not any(_CONFIRMS.match(c) for c in opening):
        return None  # "No, I can't tell you that.": it went on to say something else
    return not any(_NEGATIVE.search(c) for c in opening)
