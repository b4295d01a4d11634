"""The words of test results: what names tests, what says they passed or failed, the quantities, the negations, the
pieces a sentence splits into. grader/claim_reading.py reads a clause with them for what it claims of its tests'
(passed, total) (`result_problems`); grader/claims.py checks the phrasings of counts it knows first, then that.
"""

from __future__ import annotations

import re

from grader.claim_tallies import ANY_NUMBER, NUMBER
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
# A kind said alone names its tests, as "the hidden one" does, before a verb, a negation or a word of how they went:
# "the hidden did not", "pero la oculta no", "la oculta falló" (Spanish says it so).
_KIND_ALONE = (
    r"\s+(?:not|no|never|nunca|did|does|was|were|has|had)\b|n't\b"
    r"|\s+(?:pass|fail|fall|pas[oóa]|super|crash|clear|exced|exceed|tim(?:ed|es)\s+out)\w*"
)
TEST_REF = re.compile(
    rf"\b(visible|hidden|both_kinds)\b(?=(?:\s+[\w-]+){{0,2}}?\s+{_NOUN}\b|\s*(?:[:;,.!?)]|$|\s+(?:and|or|y|o)\b)"
    rf"|{_KIND_ALONE})"
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
    r"\b(?:except(?:\s+for)?|apart\s+from|other\s+than|save\s+for|barring|aside\s+from|but(?:\s+for)?(?=\s+(?:one|two"
    r"|the)\b)|excepto|salvo|menos)\b",
    re.I,
)
# "but" before a count after "all" or "every" is an exception ("every hidden test passed but one"), not a contrast
# that starts a piece of its own.
BUT_COUNT = re.compile(rf"\bbut(?:\s+for)?(?=\s+(?:{NUMBER}|a\s+few)\b)", re.I)
AT_LEAST = re.compile(rf"\b(?:at\s+least|al\s+menos)\s+({NUMBER}|un[oa]?)\b", re.I)
# "no" before a verb, or said last after a word ("pero la oculta no"): "not".
SPANISH_NOT = re.compile(
    r"\bno\s+(?=(?:se\s+|lo\s+|las?\s+|los\s+)?(?:pas|super|fall|aprob|logr|sal|fue|han|ha)\w*)"
    r"|(?<=[^\W\d_]\s)no\b(?=\s*(?:[.,;:!?)]|\Z))",
    re.I,
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
    r"(?:times?|runs?|attempts?|tries|try|submissions?|minutes?|seconds?|hours?|s|secs?|ms|mins?|hrs?|h|days?|lines?|bugs?"
    r"|edge|corner|base"
    r"|approach(?:es)?|functions?|ideas?|ways?|loops?|passes|pass|hints?|questions?|steps?|variables?|methods?"
    r"|solutions?|dimensions?|points?|things?|cases?|inputs?|examples?|numbers?|elements?|items?|values?|arrays?"
    r"|veces|intentos?|minutos?|segundos?|horas?|lineas?|errores|ejecucion(?:es)?|casos?|entradas?|ejemplos?|numeros?|pasos?)\b"
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


def _all_but(text: str) -> str:
    """`text` with each "but" before a count said after "all" or "every" in its clause as "except"."""

    def exception(m: re.Match[str]) -> str:
        clause = max(text.rfind(mark, 0, m.start()) for mark in ",;:.") + 1
        return "except" if ALL_WORD.search(text, clause, m.start()) else m.group(0)

    return BUT_COUNT.sub(exception, text)


# Every run, read out as a count of no tests, kept as one word: success said of it is held to the runs
# (grader/claim_runs.py: "Every run passed.", "All runs came back green.").
EVERY_RUN = "everyrun"


def _runs_counted(m: re.Match[str]) -> str:
    words = m.group(0).lower().split()
    every = words[0] in ("all", "both", "each", "every") and words[-1] in ("run", "runs")
    return f" {EVERY_RUN} " if every else " "


def prepared_sentence(sentence: str) -> str:
    """`sentence` with the kinds in English, the negations and the words' other senses read out."""
    text = RUN_COUNT.sub(_runs_counted, IDIOMS.sub(" ", BIG_O.sub(" ", sentence)))
    for pattern, word in _SP_KIND:
        text = pattern.sub(word, text)
    text = BOTH_KINDS.sub("both_kinds", _all_but(text))
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
