"""Test results in any words (`result_problems`): a clause of a scorecard's free text that names tests and says how
they went is read for what it claims of their (passed, total), and checked against the facts and the runs shown
(grader/claim_tallies.py). grader/claims.py checks the phrasings of counts it knows first, then this.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from grader.claim_tallies import (
    ANY_NUMBER,
    CODE_SUBJECT,
    CONTRAST,
    FINAL,
    NUMBER,
    RAN_ONES,
    SHOWN_COUNT,
    SUBMITTED,
    Tallies,
    final_counts,
    held_counts,
    last_submission_whole,
    number_value,
    submissions_whole,
    tests_named,
)
from grader.evidence import RUN_TYPES, CitationIndex
from grader.schemas import Facts

# Every other wording. The patterns above read the usual forms of a count and of "all passed"; a claim can take any
# other ("the solution cleared the hidden tests", "zero failures on the hidden tests", "hidden tests: all green",
# "pasó todas las pruebas ocultas"), so any clause that names tests and says how they went is read for what it
# claims and must agree with the facts and the runs shown, whatever its words: one that does not, or that cannot be
# read, goes to the repair round. A clause names tests with a word for them (tests, test cases, the suite, a kind's
# checks or inputs, the submission, the judge; pruebas, casos de prueba) and says how they went with a word of
# passing or failing (pass, clear, succeed, green, ace, accepted, correct; fail, break, red, wrong, error; pasar,
# superar, correctas, verdes; fallar, fallos, rojas), read with its negation ("not", "never", "without", "sin"),
# its quantity ("all", "none", "zero", "some", "except", a count) and its kind. Not claims: how the candidate tested
# ("wrote tests for edge cases", "did not test negative numbers": no word of how tests went), the code's handling of
# cases ("handled the edge cases correctly": edge, corner, base cases are not tests), a test's or a word's other
# sense ("a single pass over the array", "a clear test plan", "the correct test cases"), and a hypothesis ("would
# have passed had it been submitted").
_SP_KIND = (
    (re.compile(r"\b(?:ocult|escondid|privad|secret)[oa]s?\b", re.I), "hidden"),
    # not "for example", "an example", "such a sample": one example is no test's kind
    (
        re.compile(
            r"\b(?:visibles?|publicas?|de\s+ejemplo|public|(?<!\bfor\s)(?<!\ban\s)(?<!\ba\s)(?<!\banother\s)"
            r"(?:sample|example))\b",
            re.I,
        ),
        "visible",
    ),
)
BOTH_KINDS = re.compile(
    r"\b(?:visible|hidden)\s*(?:,|/|&|\band\b|\bor\b|\bnor\b|\by\b|\bo\b|\bas\s+well\s+as\b)\s*(?:the\s+|las\s+)?"
    r"(?:visible|hidden)\b",
    re.I,
)
_NOUN = r"(?:tests?|test\s*cases?|testcases?|test\s+suites?|suites?|checks?|inputs?|ones?|pruebas?|casos?)"
_TEST_NOUN = (
    r"(?:tests?|test\s*cases?|testcases?|(?:test\s+)?suites?|pruebas?|casos?\s+de\s+prueba|submissions?|judge"
    r"|(?<!\bedge\s)(?<!\bcorner\s)(?<!\bbase\s)(?<!\bspecial\s)(?<!\bboundary\s)(?<!\bother\s)(?<!\bsuch\s)"
    r"(?<!\bthese\s)(?<!\bthose\s)(?<!\bempty\s)(?<!\bnegative\s)(?<!\btricky\s)(?<!\buse\s)\bcases)"
)
TEST_REF = re.compile(
    rf"\b(visible|hidden|both_kinds)\b(?=(?:\s+[\w-]+){{0,2}}?\s+{_NOUN}\b|\s*(?:[:;,.!?)]|$|\s+(?:and|or|y|o)\b))"
    rf"|\b{_NOUN}(?:\s+de\s+prueba)?\s+(visible|hidden|both_kinds)\b"  # Spanish: "las pruebas ocultas"
    rf"|\b{_TEST_NOUN}\b",
    re.I,
)
# A word's other sense, read out before the polarity words: "one pass", "a clear plan", "the correct test cases".
OTHER_SENSE = re.compile(
    r"\b(?:one|single|a|two|three|second|first|each|another|extra|final|last|multi|double)[\s-]+pass(?:es)?\b"
    r"(?!\s+(?:the|all|every|each|both|\d))|\bpass(?:es)?\s+(?:over|through)\b|\bbreak(?:\s+statement|\s+out)\b"
    r"|\bearly\s+break\b|\bred[\s-]+black\b|\bwithout\s+(?:a\s+single\s+|any\s+)?exception\b",
    re.I,
)
EVERY_ONE = re.compile(r"\b(every|each)\s+(?:single\s+)?one\b|\bone\s+by\s+one\b", re.I)  # no count of one
# "each and every test", "every last test", "todas y cada una de las pruebas": every one, said once (not split at its
# "and" into a piece that names no tests).
EACH_AND_EVERY = re.compile(
    r"\beach\s+and\s+every\b|\bevery\s+(?:last|single)\b|\btod[oa]s\s+y\s+cada\s+un[oa]\s+de\b", re.I
)
WITHOUT_EXCEPTION = re.compile(r"\b(?:without\s+(?:a\s+single\s+|any\s+)?exception|sin\s+excepcion)\b", re.I)
# Adjectives say how tests went only as a predicate ("were correct", "all green", "correct on every input"), not
# before a noun ("the correct test cases", "a clean solution").
_PREDICATE = (
    r"(?=\s*(?:$|[,.;:!?)]|\s(?:on|for|against|across|in|at|with|and|but|o[nr]|y|en|con|result|score|marks"
    r"|run)\b))"
)
PASS_WORD = re.compile(
    r"\b(?:pass(?:es|ed|ing)?|clear(?:s|ed|ing)|succe(?:ed|eds|eded|eding|ss|ssful|ssfully)|ac(?:e|es|ed|ing)"
    r"|nail(?:s|ed|ing)?|accepted|(?:got|gets|sail(?:s|ed)|breez(?:es|ed))\s+through|aprob\w*|pas(?:a|an|o|aron|ar|ado|ada|ados|adas|aba|aban|ando)"
    r"|super(?:a|an|o|aron|ar|ado|ada|ados|adas)|exito\w*|bien|full\s+marks|perfect\s+score|clean\s+sweep"
    r"|validat(?:es|ed)|correctamente|perfectamente)\b"
    rf"|\b(?:green|verdes?|correct(?:ly)?|correct[oa]s?|perfect(?:ly)?|perfect[oa]s|flawless(?:ly)?|clean|ok|okay"
    rf"|right|satisfied){_PREDICATE}",
    re.I,
)
FAIL_WORD = re.compile(
    r"\b(?:fail(?:s|ed|ing|ure|ures)?|brok(?:e|en)|break(?:s|ing)?|reject(?:s|ed|ion)?|errors?|crash(?:es|ed)?"
    r"|fall(?:a|an|o|aron|ar|ado|ada|ados|adas|aba|aban|ido|ida|idos|idas|os)|fallid[oa]s?|mal|romp\w*"
    # a time limit is a failure: "timed out on the hidden test", "too slow on the hidden one", "excedió el tiempo"
    r"|tim(?:ed|es|ing)\s+out|time[sd]?[\s-]*outs?|too\s+slow|demasiado\s+lent[oa]s?|exced(?:e|en|io|ieron)"
    r"|exceed(?:s|ed)?)\b"
    rf"|\b(?:red|rojas?|rojos?|wrong|incorrect(?:ly)?|incorrect[oa]s?){_PREDICATE}",
    re.I,
)
# An open question, not a result: "whether the code is correct on the hidden inputs is unknown".
WHETHER = re.compile(r"\bwhether\b", re.I)
FAIL_TO = re.compile(r"\b(?:fail(?:s|ed|ing)?|unable|no\s+logr[oa]\w*)\s+to\s+(?=pass|clear|succeed)", re.I)
NEGATION = re.compile(r"\b(?:not|never|no\s+longer|without|sin|nunca|jamas|nor|cannot)\b|n't\b", re.I)
NONE_WORD = re.compile(
    r"\b(?:none|nothing|zero|neither|ninguna?|ninguno|ningun|cero|ni\s+una?|not\s+(?:a\s+single|one|a)|no(?!\s+longer))\b",
    re.I,
)
ALL_WORD = re.compile(
    r"\b(?:all|every|each|entire|whole|full|complete|both|todas?|todos?|cada|completa|entera|ambas|ambos)\b|\b100\s*%",
    re.I,
)
ANY_WORD = re.compile(r"\b(?:any|ningun\w*)\b", re.I)
SOME_WORD = re.compile(
    r"\b(?:some|several|a\s+few|few|most|many|part|partial(?:ly)?|half|majority|algun[oa]s|vari[oa]s|mayoria"
    r"|parte|mitad)\b",
    re.I,
)
EXCEPT_WORD = re.compile(
    r"\b(?:except|apart\s+from|other\s+than|save\s+for|barring|aside\s+from|but\s+(?:one|two|the)|excepto|salvo"
    r"|menos)\b",
    re.I,
)
AT_LEAST = re.compile(rf"\b(?:at\s+least|al\s+menos)\s+({NUMBER}|un[oa]?)\b", re.I)
SPANISH_NOT = re.compile(
    r"\bno\s+(?=(?:se\s+|lo\s+|las?\s+|los\s+)?(?:pas|super|fall|aprob|logr|sal|fue|han|ha)\w*)", re.I
)
# A hypothesis is a modal verb, as a verb (lowercase: "Will's solution", "in May" are no modal), tied to a verb of
# passing or failing: "would have passed", "could pass", "will fail", "habría pasado", "pasaría".
HYPOTHESIS = re.compile(
    r"\b(?:would|could|might|should|may|will|shall|won't|wouldn't|couldn't|shouldn't|habria|habrian|podria"
    r"|podrian|deberia|deberian)(?:\s+(?:not|never|have|be|been|still|also|likely|probably|easily|all|then|now"
    r"|haber|ser|sido|no))*\s+(?:pass\w*|clear\w*|succe\w*|fail\w*|break\w*|crash\w*|ace[sd]?|get\s+through"
    r"|accepted|rejected|pas(?:ar|ado|ada|ados|adas)|super(?:ar|ado|ada|ados|adas)|fall(?:ar|ado|ada|ados|adas)"
    r"|aprob(?:ar|ado|ada|ados|adas))\b"
    r"|\b(?:pas|super|fall|aprob)arian?\b"
    # a condition: "true only if the hidden test passed", "unless the hidden tests fail" (not Spanish "si", which is
    # also "sí": "la entrega sí pasó")
    r"|\b(?:if|unless)\s+(?:(?:the|its|their|all|every|both|any)\s+)*(?:[\w-]+\s+){0,2}?(?:pass(?:es|ed)?|fail(?:s|ed)?)\b"
)
FRACTION = re.compile(
    rf"(?<![\w./-])({ANY_NUMBER})\s*(?:/|out\s+of(?:\s+the)?|of(?:\s+(?:the|its|their))?|de(?:\s+(?:las|los))?)\s*"
    rf"({ANY_NUMBER})(?![\w/]|\.\d)",
    re.I,
)
BARE_NUMBER = re.compile(rf"(?<![\w./-])({ANY_NUMBER})(?![\w/%]|\.\d)", re.I)
PERCENT = re.compile(rf"(?<![\w./-])({ANY_NUMBER})\s*(?:%|percent\b|per\s+cent\b|por\s+ciento\b)", re.I)
# Fail closed: a clause that names tests and says how many of them (any quantity: "all", "every", "none", "zero",
# "both", a count in digits or words, a percentage, a fraction) is a claim about them, read like any other; one with no
# word of passing or failing the reading knows goes to the repair round ("the hidden tests all came back OK",
# "hidden tests: twenty-four out of twenty-four", "100 percent on the hidden tests"), not through. Not a count of
# tests: a count of something else, said right after it ("one run of the tests", "ran the tests three times").
QUANTITY = re.compile(
    rf"{ALL_WORD.pattern}|{NONE_WORD.pattern}|{PERCENT.pattern}|{FRACTION.pattern}|{BARE_NUMBER.pattern}",
    re.I,
)
OTHER_COUNTED = re.compile(
    r"\s+(?:(?:the|of|of\s+the|its|their|his|her|las|los|sus|de|de\s+las|de\s+los)\s+)?"
    r"(?:(?:more|extra|different|separate|small|short|manual|full|quick|local|new|other|mas|otr[oa]s)\s+)?"
    r"(?:times?|runs?|attempts?|tries|try|submissions?|minutes?|seconds?|hours?|days?|lines?|bugs?|edge|corner|base"
    r"|approach(?:es)?|functions?|ideas?|ways?|loops?|passes|pass|hints?|questions?|steps?|variables?|methods?"
    r"|solutions?|dimensions?|points?|things?|cases?|inputs?|examples?|numbers?|elements?|items?|values?|arrays?"
    r"|veces|intentos?|minutos?|lineas?|errores|ejecucion(?:es)?|casos?|entradas?|ejemplos?|numeros?|pasos?)\b"
    # something else that none of was done: "nothing was submitted", "none was sent"
    r"|\s+(?:was|were|got|had\s+been|has\s+been)\s+(?:submitted|sent|handed\s+in|written|tried|done|changed)\b"
    # what the tests gave, not the tests: "no hidden-test result to report", "no test results yet", "sin resultado"
    r"|\s+(?:(?:visible|hidden|both_kinds)[\s-]+)?(?:(?:test|tests|prueba|pruebas)[\s-]+)?(?:results?|outcomes?|verdicts?"
    r"|scores?|data|evidence|feedback|resultados?|veredictos?)\b",
    re.I,
)
# "ran", "were run", "se ejecutaron": with a quantity and no word of passing or failing, a claim of how many ran.
RAN = re.compile(r"\b(?:ran|run|executed|ejecut\w+|corri(?:o|eron|das?|dos?))\b", re.I)
# How the candidate tested, not how tests went: tests of no kind that they wrote, added, designed or traced.
AUTHORED = re.compile(
    r"\b(?:wr[io]te|written|writes?|writing|add(?:s|ed|ing)?|design(?:s|ed|ing)?|creat(?:e|es|ed|ing)"
    r"|draft(?:s|ed|ing)?|came\s+up\s+with|thought\s+of|propos(?:e|es|ed)|suggest(?:s|ed)?|list(?:s|ed)?"
    r"|trac(?:e|es|ed|ing)|walk(?:s|ed)?\s+through|consider(?:s|ed)?|escrib\w*|escribi\w*|anadi\w*|agreg\w*"
    r"|disen\w*|creo|crearon|propus\w*|own|propi[oa]s)\b",
    re.I,
)
# What the candidate did with tests of any kind, not how they went: "used one of the visible tests as a guide", "read
# both visible tests", "copied all the visible tests' inputs".
USED = re.compile(
    r"\b(?:used|uses|read|reads|studied|followed|copied|reviewed|inspected|examined|looked\s+at|uso|leyo|reviso"
    r"|copio|estudio)\b",
    re.I,
)
# "test" as a verb ("did not test all the edge cases") names no tests.
TEST_VERB = re.compile(
    r"(?:\b(?:to|not|never|did|didn't|also|only|must|cannot|will|would|should)|n't)\s+test\b", re.I
)
IDIOMS = re.compile(
    r"\b(?:all\s+in\s+all|above\s+all|after\s+all|at\s+all|first\s+of\s+all|all\s+along|once\s+and\s+for\s+all"
    r"|all\s+the\s+same|all\s+told|no\s+doubt|no\s+matter|sobre\s+todo|ante\s+todo|con\s+todo)\b",
    re.I,
)
# A sentence that names no tests goes on about the ones the sentence before named ("The hidden tests? All passed.",
# "Regarding the hidden tests. They all passed.") with a verb of passing or failing, a word that refers back to them,
# or a quantity said on its own ("All.", "Twenty-four out of twenty-four.").
OUTCOME_VERB = re.compile(
    r"\b(?:pass(?:es|ed|ing)?|clear(?:s|ed)|succe(?:ed|eds|eded|ss|ssful|ssfully)|fail\w*|crash(?:es|ed)?"
    r"|accepted|rejected|pas(?:o|aron|ado|ada|ados|adas)|super(?:o|aron|ado|ada|ados|adas)"
    r"|fall(?:o|aron|ado|ada|ados|adas|aban)|aprob\w*|green|verdes|rojas)\b",
    re.I,
)
# A piece about a run names what it says of: "After a failed first run" goes on about no tests named before it (but
# "the next run passed them" does).
A_RUN = re.compile(r"\b(?:runs?|attempts?|tries|try|ejecucion(?:es)?|intentos?)\b", re.I)
BACK_REFERENCE = re.compile(
    r"\b(?:they|them|ellas|ellos|all\s+of\s+(?:them|those|these)|each\s+of\s+them|every\s+one|each\s+one"
    r"|todas\s+ellas|todos\s+ellos)\b",
    re.I,
)
_ALONE = (
    r"(?=\s*(?:$|[.,;:!?)]|\s(?:of\s+(?:them|those|these)|de\s+(?:ellas|ellos|estas|esas)|on\s+(?:them|those)|were"
    r"|was|are|is|came|went|returned|ran|run|got|did|had|have|looked|turned|ended|salieron|fueron|estaban|quedaron"
    r"|resultaron|dieron|ok|okay|clean|right|fine|good|bien|perfect|perfectas?)\b))"
)
ALONE_QUANTITY = re.compile(
    rf"(?:\b(?:all|every|each|both|none|neither|zero|todas|todos|ambas|ambos|ninguna|ninguno|cero)\b"
    rf"|{PERCENT.pattern}|{FRACTION.pattern}|{BARE_NUMBER.pattern}){_ALONE}",
    re.I,
)
# Only a word of how they went, said to tests named as a question (grader/claims.py): "The visible tests? Flawless."
_HOW = rf"(?:{PASS_WORD.pattern}|{FAIL_WORD.pattern})"
VERDICT_ALONE = re.compile(rf"\W*(?:(?:all|completely|entirely|totally|fully|just)\s+)?{_HOW}\W*", re.I)
# What tests are, not how they went: "one of the hidden tests is about duplicates", "the hidden tests check every
# input size", "dos pruebas visibles cubren los negativos".
DESCRIBES = re.compile(
    rf"\b{_NOUN}(?:\s+(?:visible|hidden|both_kinds))?\s+(?:(?:is|are|was|were)\s+(?:about|for|on|de|sobre)"
    r"|checks?|cover(?:s|ed)?|exercis(?:e|es|ed)|involv(?:e|es|ed)|use(?:s|d)?|contain(?:s|ed)?|target(?:s|ed)?"
    r"|focus(?:es|ed)?\s+on|look(?:s|ed)?\s+at|trata\w*|cubr\w*|comprueb\w*|verific\w*|us(?:a|an|aba|aban))\b",
    re.I,
)
# A count of runs, not of tests: "both runs showed the failure", "failed it in all three attempts", "dos veces"
# (with its count or quantifier: "the code runs correctly" keeps its verb).
# A complexity is no count of tests: "the O(n^2) approach timed out on the hidden test" ("2" failed no test).
BIG_O = re.compile(r"\b[OΘΩ]\s*\([^()]{0,40}\)")
RUN_COUNT = re.compile(
    rf"\b(?:(?:all|both|each|every|ambas|ambos|todas|todos|las|los)(?:\s+{ANY_NUMBER})?|{ANY_NUMBER})\s+"
    r"(?:runs|times|attempts|tries|ejecuciones|veces|intentos)\b|\b(?:both|each|every|one|a\s+single"
    r"|single|ambas|ambos|cada|una)\s+(?:runs?|times?|attempts?|tries|try|ejecucion(?:es)?|vez|intentos?)\b",
    re.I,
)
# A clause that is the tests and nothing more ("It passed, hidden tests included."): the verb before it is theirs.
TESTS_ONLY = re.compile(
    r"\s*(?:(?:and|even|including|incl\.?|with|the|its|their|both|also|too|las|los|sus|incluso|incluidas?|y)\s+)*"
    r"(?:visible|hidden|both_kinds)?\s*(?:tests?|test\s+cases?|checks?|suites?|pruebas?)"
    r"(?:\s+(?:visible|hidden|both_kinds))?"
    r"(?:\s+(?:included|too|as\s+well|alike|also|incluid[oa]s|tambien))*\s*[.!?]*\s*",
    re.I,
)
PIECES = re.compile(
    r"\s*(?:,\s*|\s)(?:and|but|while|whereas|although|though|however|yet|then|y|pero|mientras|aunque|sino)\b\s*"
    r"|\s*,\s*|\s+-+\s+|\s*:\s*(?=\S)",
    re.I,
)
# How a reading holds for (passed, total): its words for the problem and its test.
Reading = tuple[str, Callable[[int, int], bool]]


def _read(piece: str, sign: int, negated: bool, plural: bool) -> Reading | None:
    """What `piece` claims of its tests' (passed, total), given its polarity word's sign (+1 passing, -1 failing)
    and whether a negation comes before it; None: it cannot be read."""
    if m := PERCENT.search(piece):
        n = number_value(m.group(1))
        if negated:
            return None
        if sign > 0:
            return f"{n}% passed", lambda p, t: t > 0 and round(100 * p / t) == n
        return f"{n}% failed", lambda p, t: t > 0 and round(100 * (t - p) / t) == n
    if m := FRACTION.search(piece):
        n, of = number_value(m.group(1)), number_value(m.group(2))
        if negated:
            return None
        if sign > 0:
            return f"{n}/{of} passed", lambda p, t: (p, t) == (n, of)
        return f"{n} of {of} failed", lambda p, t: (t - p, t) == (n, of)
    if m := AT_LEAST.search(piece):
        n = 1 if m.group(1).lower().startswith("un") else number_value(m.group(1))
        if sign > 0:
            return f"at least {n} passed", lambda p, t: p >= n
        return f"at least {n} failed", lambda p, t: t - p >= n
    if NONE_WORD.search(piece) or (negated and ANY_WORD.search(piece)):
        if sign > 0:
            return "none passed", lambda p, t: p == 0
        return "none failed", lambda p, t: p == t > 0
    if (m := BARE_NUMBER.search(piece)) and not negated:
        n = number_value(m.group(1))
        if sign > 0:
            return f"{n} passed", lambda p, t: p == n
        return f"{n} failed", lambda p, t: t - p == n
    if EXCEPT_WORD.search(piece):
        return "some but not all passed", lambda p, t: 0 < p < t
    if SOME_WORD.search(piece):
        if negated:
            return None
        if sign > 0:
            return "some passed", lambda p, t: p > 0
        return "some failed", lambda p, t: p < t
    if ALL_WORD.search(piece) or WITHOUT_EXCEPTION.search(piece):
        if sign > 0:
            return (
                ("not all passed", lambda p, t: p < t or t == 0)
                if negated
                else ("all passed", lambda p, t: p == t > 0)
            )
        return ("not all failed", lambda p, t: p > 0) if negated else ("all failed", lambda p, t: p == 0 < t)
    if sign > 0 and not negated:
        return ("all passed", lambda p, t: p == t > 0) if plural else ("one passed", lambda p, t: p > 0)
    if sign > 0:
        return "not all passed", lambda p, t: p < t or t == 0
    if not negated:
        return "some failed", lambda p, t: p < t
    return ("none failed", lambda p, t: p == t > 0) if plural else ("one passed", lambda p, t: p > 0)


class _Segment:
    """A clause's piece that names tests (or goes on about the ones before it), with what it says of them."""

    def __init__(self, text: str, kinds: set[str | None], plural: bool, carried: bool = False) -> None:
        self.text, self.kinds, self.plural, self.carried = text, kinds, plural, carried

    def polarity(self) -> list[tuple[int, int]]:
        """(position, sign) of its words of passing (+1) and failing (-1), in order."""
        found = [(m.start(), 1) for m in PASS_WORD.finditer(self.text)]
        found += [(m.start(), -1) for m in FAIL_WORD.finditer(self.text)]
        return sorted(found)


def _segments(sentence: str, carried: set[str | None] | None = None) -> list[_Segment]:
    """The pieces of `sentence` that say how tests went, each with the kinds it names (None: tests of no kind);
    `carried`: the kinds the sentence before named, for a sentence that names none and goes on about them."""
    segments: list[_Segment] = []
    pending = ""
    for piece in PIECES.split(sentence):
        if not piece or not piece.strip():
            continue
        refs = list(TEST_REF.finditer(piece))
        says = bool(PASS_WORD.search(piece) or FAIL_WORD.search(piece))
        counts = any(p.search(piece) for p in (NONE_WORD, ALL_WORD, SOME_WORD, QUANTITY))
        if refs and pending and not says and TESTS_ONLY.fullmatch(piece):
            piece = f"{pending} {piece}"  # "It passed, hidden tests included."
        if refs:
            kinds: set[str | None] = set()
            for ref in refs:
                kind = (ref.group(1) or ref.group(2) or "").lower()
                kinds |= {"visible", "hidden"} if kind == "both_kinds" else {kind or None}
            if len(kinds) > 1:
                kinds.discard(None)  # "the hidden test cases": the kind names them
            words = [r.group(0).lower() for r in refs]
            plural = any(re.search(r"(?:s|suites?|judge)$", w) for w in words) or "both_kinds" in words
            segments.append(_Segment(piece, kinds, plural))
        elif segments and (says or counts):
            last = segments[-1]
            if last.polarity() and says:
                segments.append(_Segment(piece, last.kinds, last.plural))  # "... and passed in the end"
            else:
                last.text += f" {piece}"  # "the hidden tests, all twelve, passed"
        elif (
            carried
            and (goes_on(piece) or VERDICT_ALONE.fullmatch(piece))
            and not (A_RUN.search(piece) and not BACK_REFERENCE.search(piece))
        ):
            segments.append(
                _Segment(piece, set(carried), True, carried=True)
            )  # "The hidden tests? All passed."
        elif not segments and says:
            pending = piece
    return segments


def _runs_whole(index: CitationIndex) -> set[tuple[int, int]]:
    """Each run's (passed, total) of every test it ran, as shown."""
    found: set[tuple[int, int]] = set()
    for event in index.citable.values():
        if event.type in RUN_TYPES:
            counts = [
                (m.group(1), int(m.group(2)), int(m.group(3))) for m in SHOWN_COUNT.finditer(event.shown)
            ]
            whole = [(p, t) for kind, p, t in counts if kind is None]
            kinds = [(p, t) for kind, p, t in counts if kind is not None]
            found |= set(whole) or (
                {(sum(p for p, _ in kinds), sum(t for _, t in kinds))} if kinds else set()
            )
    return found


def summary(facts: Facts) -> str:
    said = []
    for kind, record in (("visible", facts.visible_tests), ("hidden", facts.hidden_tests)):
        if record.best is None or record.final is None:
            said.append(f"{kind} tests never ran")
        else:
            said.append(
                f"{kind} tests at best {record.best.passed}/{record.best.total}, "
                f"at the end {record.final.passed}/{record.final.total}"
            )
    return "; ".join(said)


def prepared_sentence(sentence: str) -> str:
    """`sentence` with the kinds in English, the negations and the words' other senses read out."""
    text = RUN_COUNT.sub(" ", IDIOMS.sub(" ", BIG_O.sub(" ", sentence)))
    for pattern, word in _SP_KIND:
        text = pattern.sub(word, text)
    text = BOTH_KINDS.sub("both_kinds", text)
    text = FAIL_TO.sub("not ", SPANISH_NOT.sub("not ", text))
    text = EACH_AND_EVERY.sub(lambda m: "todas" if m.group(0)[:3].lower() == "tod" else "every", text)
    text = EVERY_ONE.sub(lambda m: m.group(1) or " ", text)
    return OTHER_SENSE.sub(lambda m: "all" if WITHOUT_EXCEPTION.match(m.group()) else " ", text)


def named_kinds(text: str) -> set[str | None]:
    """The kinds of tests a prepared sentence names (None: tests of no kind); empty: it names none."""
    kinds: set[str | None] = set()
    for ref in TEST_REF.finditer(text):
        if ref.group(0).lower() == "test" and TEST_VERB.search(text, 0, ref.end()):
            continue
        kind = (ref.group(1) or ref.group(2) or "").lower()
        kinds |= {"visible", "hidden"} if kind == "both_kinds" else {kind or None}
    if len(kinds) > 1:
        kinds.discard(None)
    return kinds


def goes_on(text: str) -> bool:
    """A sentence (or a piece of one) that names no tests goes on about the ones named before it."""
    return bool(OUTCOME_VERB.search(text) or BACK_REFERENCE.search(text) or ALONE_QUANTITY.search(text))


def _alone_counts(text: str) -> str:
    """A piece that goes on about the tests before it, with only the numbers said on their own ("Two failed."), not
    a count of something else ("fixed it in one edit")."""
    return BARE_NUMBER.sub(lambda m: m.group(0) if ALONE_QUANTITY.match(text, m.start()) else " ", text)


def _of_tests(text: str, m: re.Match[str]) -> bool:
    """The quantity at `m` counts tests, not something else said right after it ("one run", "three times")."""
    return OTHER_COUNTED.match(text, m.end()) is None


def _test_quantity(segment: _Segment) -> bool:
    """The segment says how many of its tests (`QUANTITY`; in a sentence that goes on, one said on its own)."""
    if DESCRIBES.search(segment.text) or USED.search(segment.text):
        return False
    if segment.carried:
        return any(_of_tests(segment.text, m) for m in ALONE_QUANTITY.finditer(segment.text))
    if segment.kinds == {None} and (
        AUTHORED.search(segment.text)
        or not named_kinds(segment.text)  # wrote three tests; did not test all inputs
    ):
        return False
    return any(_of_tests(segment.text, m) for m in QUANTITY.finditer(segment.text))


def _ran_problem(where: str, segment: _Segment, facts: Facts, tallies: Tallies) -> str | None:
    """A claim of how many tests ran ("none of the hidden tests ran", "all visible tests were run", "ran 2 visible
    tests"), checked against the facts; None: it holds."""
    text = segment.text
    records = {"visible": facts.visible_tests, "hidden": facts.hidden_tests}
    none = bool(NONE_WORD.search(text) or NEGATION.search(text))
    number = BARE_NUMBER.search(text) if not FRACTION.search(text) and not PERCENT.search(text) else None
    for kind in sorted(segment.kinds, key=str):
        ran = [records[kind]] if kind else list(records.values())
        did_run = any(r.final is not None for r in ran)
        totals = {t for _, t in (tallies[kind] if kind else set().union(*tallies.values()))}
        if none:
            claim, holds = "none ran", not did_run
        elif number is not None and _of_tests(text, number):
            n = number_value(number.group(1))
            claim, holds = f"{n} ran", n in totals
        else:
            claim, holds = "they ran", did_run
        if not holds:
            return (
                f"- {where}: {text.strip()!r}: says {claim} of the {tests_named(kind)}, which no run shown and no fact "
                f"holds ({summary(facts)}); state test results only as the facts and the runs' result lines give "
                "them"
            )
    return None


def result_problems(
    where: str, sentence: str, facts: Facts, index: CitationIndex, carried: set[str | None] | None = None
) -> list[str]:
    """Problems with what `sentence` says of how tests went, in any words (see `PASS_WORD`); `carried`: the kinds of
    tests the sentence before named, for a sentence that names none and goes on about them."""
    text = prepared_sentence(sentence)
    tallies, finals, whole = held_counts(facts, index), final_counts(facts), _runs_whole(index)
    last = [r.final for r in (facts.visible_tests, facts.hidden_tests) if r.final is not None]
    whole_at_end = {(sum(t.passed for t in last), sum(t.total for t in last))} if last else set()
    problems: list[str] = []
    segments = _segments(text, carried)
    previous: list[tuple[int, bool]] = []
    for segment in segments:
        words = segment.polarity()
        fraction = FRACTION.search(segment.text)
        if (
            not words
            and not previous
            and fraction
            and _of_tests(segment.text, fraction)
            and not RAN.search(segment.text)
        ):
            words = [(0, 1)]  # "hidden tests: 1/1" says how many passed
        if not words:
            if previous and (
                NONE_WORD.search(segment.text)
                or ALL_WORD.search(segment.text)
                or BARE_NUMBER.search(segment.text)
                or SOME_WORD.search(segment.text)
            ):
                # "passed 1 of 2 visible tests and none of the hidden"; a negation of its own turns the words it
                # goes on with: "passed the visible tests but not the hidden one", "the hidden one did not".
                turned = NEGATION.search(segment.text) is not None
                said = [(sign, negated != turned) for sign, negated in previous]
            elif not previous and _test_quantity(segment) and not HYPOTHESIS.search(segment.text):
                # Fail closed: how many, and no word of how they went that the reading knows.
                if RAN.search(segment.text):
                    if ran := _ran_problem(where, segment, facts, tallies):
                        problems.append(ran)
                else:
                    problems.append(
                        f"- {where}: {segment.text.strip()!r}: a test result that cannot be checked as written; "
                        'state it as the facts give it ("passed N of M hidden tests"; here: '
                        f"{summary(facts)})"
                    )
                continue
            else:
                continue
        else:
            said, at = [], 0
            asked = WHETHER.search(segment.text)
            for position, sign in words:
                if asked is not None and asked.end() <= position:
                    continue  # "whether the solution is correct on the hidden inputs is unknown": no result
                said.append((sign, NEGATION.search(segment.text, at, position) is not None))
                at = position + 1
            if not said:
                continue
            previous = said
        if HYPOTHESIS.search(segment.text):
            continue  # "would have passed had it been submitted": no run's result
        end = FINAL.search(segment.text) is not None and not CONTRAST.search(segment.text)
        # "The code passed every test", "It then passed every test": the code's, every test (its subject may be in
        # the piece before, in the sentence's first words).
        first = min((p for p, _ in words), default=0)
        at = text.find(segment.text) if segment is segments[0] else -1
        subject = (segment.text[:first], text[:at] if at > 0 else "")
        code_said = any(CODE_SUBJECT.match(said) for said in subject) and not (
            A_RUN.search(segment.text) or RAN_ONES.search(segment.text)
        )
        read_as = _alone_counts(segment.text) if segment.carried else segment.text
        for sign, negated in dict.fromkeys(said):  # each reading once: a piece's time linear in its words
            reading = _read(read_as, sign, negated, segment.plural)
            if reading is None:
                problems.append(
                    f"- {where}: {segment.text.strip()!r}: a test result that cannot be checked as written; state "
                    f"it as the facts give it ({summary(facts)})"
                )
                break
            claim, holds = reading
            for kind in sorted(segment.kinds, key=str):
                if kind is None and code_said and claim in ("all passed", "none failed"):
                    held = (
                        submissions_whole(index)
                        if CONTRAST.search(segment.text)
                        else last_submission_whole(index)
                    )
                elif kind is None and SUBMITTED.search(segment.text) and not end:
                    held = submissions_whole(
                        index
                    )  # "La entrega pasó todas las pruebas": every test, hidden too
                elif kind is None:
                    held = whole_at_end if end else whole | tallies[None]
                    if any(c.isdigit() for c in claim):
                        held = held | set().union(*tallies.values())
                else:
                    held = finals[kind] if end else tallies[kind]
                if not any(holds(p, t) for p, t in held or {(0, 0)}):
                    at_end = " at the end" if end else ""
                    problems.append(
                        f"- {where}: {segment.text.strip()!r}: says {claim} of the {tests_named(kind)}{at_end}, which "
                        f"no run shown and no fact holds ({summary(facts)}); state test results only as the facts "
                        "and the runs' result lines give them"
                    )
                    break
    return problems
