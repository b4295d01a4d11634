"""A bare answer to the candidate's own outcome question: "Did I pass? Yes or no." answered "Yes." / "Nope." / "Sí,
lo hiciste." states the outcome as surely as "you passed" does, with none of a claim's words.

The candidate's latest turn (``candidate_turn``: their last messages in a row) is read for a question about their
outcome (``asked_outcome``) with the guard's own word tables (agent.outcome_words, agent.outcome_frames): their
words put in the interviewer's person ("did I pass" is read as "you did pass", "¿me vais a contratar?" as "te vais
a contratar") and read as a claim would be, the hidden tests' or their submission's results, or the visible tests'
(their results were seen only as the interviewer's own last run showed them: ``InterviewState.last_run``). Then a
reply whose first sentence opens with nothing but an affirmation or a negation ("Yes.", "Correct.", "I'm afraid
not.", "Definitely!") or a pronoun-only confirmation ("you did", "it is", "lo hiciste") is that claim
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
# A question's word order: "did you pass" as "you did pass", "are you hired" as "you are hired".
_AUX = r"did|do|does|am|are|is|was|were|will|would|have|has|had|can|could|should|shall"
_INVERTED = re.compile(rf"\b({_AUX})(n't| not)? (you|i|it|we|they)\b")
# A condition the candidate sets ("if I fail, can I retry?"): no outcome asked in that clause.
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
    as praise of a step)."""
    english = _PERSON_WORD.sub(lambda m: _PERSON_EN.get(m.group(), m.group()), clause)
    for said, agreed in _AGREE:
        english = re.sub(rf"\b{said}\b", agreed, english)
    english = _INVERTED.sub(lambda m: f"{m.group(3)} {m.group(1)}{m.group(2) or ''}", english)
    spanish = _PERSON_WORD.sub(lambda m: _PERSON_ES.get(m.group(), m.group()), clause)
    return english, f"{english} today", spanish, f"{spanish} hoy"


def asked_outcome(turn: str) -> tuple[str, bool | None] | None:
    """What the candidate's ``turn`` asks about their outcome: the claim's kind ("verdict", "score", "next_round",
    "hidden_tests", "test_results") and, for the visible tests, the result asked about (True: passing, False:
    failing, None: either), or None when it asks about none. A sentence asking the interviewer to say words ("say
    exactly: you passed") asks nothing: what it would say is read as the reply's own."""
    read = plain(turn[-MAX_TURN:])
    tests: tuple[str, bool | None] | None = None
    for m in SENTENCE.finditer(read):
        sentence = m.group()
        if _QUOTING.search(sentence):
            continue
        if HIDDEN.search(sentence) and (
            PASSING.search(sentence) or FAILING.search(sentence) or _RESULT.search(sentence)
        ):
            return "hidden_tests", None
        for clause in CLAUSE_SPLIT.split(sentence):
            clause = clause.strip(" .!?")[-MAX_ASKED:]
            if not clause or _CONDITION.match(clause):
                continue
            readings = _in_our_person(clause)
            for kind, patterns in _ASKED:
                if any(p.search(ours) for p in patterns for ours in readings):
                    return kind, None
        if tests is None and TESTS.search(sentence):
            if FAILING.search(sentence):
                tests = ("test_results", False)
            elif PASSING.search(sentence):
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
)
# A confirmation with a pronoun only: "you did", "you sure did", "it is", "they didn't", "lo hiciste", "no lo es".
_CONFIRM = (
    r"(?:you|it|they|that|this|we|i|he|she|those|these)(?: (?:sure|certainly|definitely|really|absolutely|totally"
    r"|just|so|indeed))?(?:(?:'re|'s|'ve|'ll|'d|'m)| (?:did|do|does|are|is|was|were|will|would|have|has|had|am|can"
    r"|could|should|shall|might|may|must))(?:n't| not)?(?: (?:indeed|too|so|already|definitely|certainly))?"
    r"|you (?:got|made|nailed) it|(?:si |claro )?(?:que )?(?:no )?(?:lo|la|los|las) (?:hiciste|has hecho|lograste"
    r"|has logrado|conseguiste|has conseguido|pasaste|has pasado|aprobaste|has aprobado|superaste|has superado|eres"
    r"|es|son|fue|fueron|estas|esta|estan|seras|sera|haras|hara)"
)
_FILLER = r"oh|well|um|uh|hm|hmm|so|and|honestly|actually|really|very much|pues|bueno|vaya|y"
_BARE = re.compile(rf"(?:(?:{_ANSWER}|{_CONFIRM}|{_FILLER})(?: |$))+")
_SAYS = re.compile(rf"\b(?:{_ANSWER}|{_CONFIRM})\b")
_CONFIRMS = re.compile(rf"^(?:(?:{_ANSWER}|{_FILLER}) )*(?:{_CONFIRM})\b")
_NEGATIVE = re.compile(
    r"\b(?:no|nope|nah|not|negative|never|tampoco|nada|absoluto|sorry|unfortunately|sadly|siento|lamentablemente"
    r"|desgracia)\b|n't\b"
)


def _bare(clause: str) -> bool:
    """Whether ``clause`` says nothing but an answer, or fillers ("well")."""
    return len(clause) <= MAX_BARE and _BARE.fullmatch(clause + " ") is not None


def bare_answer(reply: str) -> bool | None:
    """Whether the opening of ``reply`` is a bare answer (the module's docstring): True, a yes; False, a no; None,
    none. Its first sentence is read: bare in every clause, or confirming with a pronoun before it says anything
    else."""
    m = SENTENCE.search(plain(reply[: MAX_BARE * 4]))
    if m is None or m.group().rstrip().endswith("?"):
        return None
    clauses = [c.strip(" .!?") for c in CLAUSE_SPLIT.split(m.group())]
    clauses = [c for c in clauses if c]
    opening: list[str] = []
    for clause in clauses:
        if not _bare(clause):
            break
        opening.append(clause)
    if not any(_SAYS.search(c) for c in opening):
        return None
    if len(opening) < len(clauses) and not any(_CONFIRMS.match(c) for c in opening):
        return None  # "No, I can't tell you that.": it went on to say something else
    return not any(_NEGATIVE.search(c) for c in opening)
