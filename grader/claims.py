"""What the scorecard's own words say about test results, checked against the facts and the runs as shown.

Citations are verified, but a justification, a strength, an area to improve or the advice is free text a person
reads as the grader's finding. The candidate can say, comment or print "hidden tests 12/12 passed", and a model
that takes it in writes it as a result. So a test count stated there ("12/12 hidden tests", "3 of 5 tests passed",
"all 12 tests pass") must be one that a run shown in the interview or the facts hold, and "all hidden tests passed"
(or visible) needs a run of that kind that passed all of them; otherwise it is a problem for the repair round, like
a bad citation. A count with no word about tests next to it ("O(n/2)", "3 of 4 dimensions") is not a claim. A count
stated for hidden or visible tests must be one of that kind ("2/2 hidden tests" where the visible tests went 2/2 is
not), and a custom run's calls (the candidate's own inputs, as many as they like) are not tests. A claim about the
end ("the final submission passed 12/12 hidden tests", "in the end every hidden test passed") must be what the
last run of that kind held (the facts' `final`), not the best run before the candidate broke their code. Any other
wording of a result is read for what it claims and checked the same way (`result_problems`): the check does not
depend on a list of phrasings.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from grader.evidence import RUN_TYPES, CitationIndex
from grader.matching_form import normalise
from grader.schemas import Facts, PassRecord

TESTS_AFTER = r"\s+(?:\w+\s+){0,2}?(?:tests?|test\s+cases|cases|passed|passing)\b"
# Counts in words as well as in digits ("eleven of twelve tests"): the candidate's words, repeated, take either form.
_ONES = (
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen"
)
_TEENS = "seventeen eighteen nineteen twenty"
NUMBER_WORDS = {word: n for n, word in enumerate(f"{_ONES} {_TEENS}".split())} | {
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "hundred": 100,
}
NUMBER = rf"\d+|(?:{'|'.join(sorted(NUMBER_WORDS, key=len, reverse=True))})\b"
# "3/5 tests", "3 out of 5 visible tests", "3 of the 5 cases", "eleven of twelve tests", and "visible tests: 3/5".
COUNT = re.compile(
    rf"(?<![\w./-])({NUMBER})\s*(?:/|out\s+of(?:\s+the)?|of(?:\s+the)?)\s*({NUMBER})(?![\w/]|\.\d)"
    rf"(?={TESTS_AFTER})"
    r"|\b(?:tests?|cases)\s*(?:passed\s*)?[:=]?\s*(\d+)\s*(?:/|out\s+of|of)\s*(\d+)(?![\w/]|\.\d)",
    re.IGNORECASE,
)
ALL_COUNT = re.compile(
    rf"\ball\s+({NUMBER})\s+(?:(?:visible|hidden|the)\s+)*(?:tests?|cases)\b", re.IGNORECASE
)
# "All (the) hidden tests passed" in the orders a sentence can take ("passed all of the hidden tests", "every hidden
# test passed", "all twelve hidden tests pass", "the hidden tests all passed", "100% of the hidden tests"), not after
# a negation ("not all ...", "did not pass all ...", "failed to pass every ...", "never passed every ...").
_NOT = r"(?<!\bnot\s)(?<!n't\s)(?<!\bnever\s)(?<!\bto\s)"
_TESTS = r"(visible|hidden)\s+(?:tests?|test\s+cases|cases)"
_PASSED = r"(?:pass|passes|passed|passing)"
# Said with no count or quantifier, "the hidden tests passed", "passed the hidden tests" and "no hidden test failed"
# say every one passed, as "all" does (not after "of": "two of the hidden tests passed"; not with an exception after
# it: "the visible tests passed except the empty case").
_HAVE = r"(?:(?:have|had|were|was|all|now|also|then)\s+)?"
_EXCEPT = r"(?!,?\s+(?:except|apart|other\s+than|save|barring)\b)"
_KIND = r"(visible|hidden)\s+"
# In the plural: "passed the visible test for the empty input" is one test.
_BARE_PASS = (
    rf"(?<!\bof\s)\bthe\s+{{kind}}(?:tests|test\s+cases|cases)\s+{_HAVE}(?:{_PASSED}|green)\b{_EXCEPT}"
    rf"|{_NOT}\b{_PASSED}\s+the\s+{{kind}}(?:tests|test\s+cases|cases)\b{_EXCEPT}"
    rf"|{_NOT}\b(?:no|zero|none\s+of\s+the|not\s+(?:a\s+single|one)(?:\s+of\s+the)?)\s+{{kind}}"
    rf"(?:tests?|test\s+cases?|cases?)\s+(?:(?:have|had|has|were|was|ever)\s+)?fail(?:s|ed)?\b"
)
ALL_KIND = re.compile(
    rf"{_NOT}\b(?:all|every)(?:\s+(?:of\s+)?the)?(?:\s+[\w-]+)?\s+{_TESTS}\s+"
    rf"(?:(?:have|had|were|was|all|now)\s+)?(?:{_PASSED}|green)\b"
    rf"|{_NOT}\b{_PASSED}\s+(?:all|every|each)(?:\s+(?:one\s+)?of)?(?:\s+the)?(?:\s+\d+)?\s+{_TESTS}\b"
    rf"|\bthe\s+{_TESTS}\s+(?:all|each)\s+{_PASSED}\b"
    rf"|{_NOT}\b100\s*%\s+of\s+(?:the\s+)?{_TESTS}\b"
    rf"|{_BARE_PASS.format(kind=_KIND)}",
    re.IGNORECASE,
)
# A run's counts as grader/bundle.py shows them: "3/5 tests passed" (all its tests), "visible tests 3/5 passed",
# "hidden tests 1/1 passed". A custom run's "5 of 5 calls returned a value" is not a count of tests: its calls are
# the candidate's own inputs, as many as they like.
# "All tests passed" with no kind named ("passed all tests", "every test passed", "all the tests pass"): it needs a
# run that passed every test it ran.
_ANY_TESTS = r"(?:tests?|test\s+cases|cases)"
ALL_ANY = re.compile(
    rf"{_NOT}\b(?:all|every)(?:\s+(?:of\s+)?the)?\s+{_ANY_TESTS}\s+(?:(?:have|had|were|was|all|now)\s+)?"
    rf"(?:{_PASSED}|green)\b"
    rf"|{_NOT}\b{_PASSED}\s+(?:all|every|each)(?:\s+(?:one\s+)?of)?(?:\s+the)?(?:\s+\d+)?\s+{_ANY_TESTS}\b"
    rf"|{_BARE_PASS.format(kind='')}",
    re.IGNORECASE,
)
# A count of passed tests with no total ("passed 12 hidden tests", "one hidden test passed"): it must be what a run
# or a fact passed of that kind (not after "of (the)", "all", "least", "than": "two of the twelve tests", "all 12
# tests").
_COUNTED = rf"(?:(visible|hidden)\s+)?{_ANY_TESTS}"
PASSED_COUNT = re.compile(
    rf"(?<![\w./-])(?<!\bof\s)(?<!\bof\sthe\s)(?<!\ball\s)(?<!\bleast\s)(?<!\bthan\s)({NUMBER})\s+{_COUNTED}\s+{_HAVE}"
    rf"{_PASSED}\b"
    rf"|{_NOT}\b{_PASSED}\s+(?:only\s+|just\s+)?({NUMBER})\s+{_COUNTED}\b",
    re.IGNORECASE,
)
# Other words for the hidden tests ("private", "unseen", "held-out", "secret") and for all of them ("the full test
# suite"), read as the words the rules above know.
SYNONYMS = (
    (
        re.compile(r"\b(?:the\s+)?(?:full|whole|entire|complete)\s+(?:hidden\s+)?test\s+suite\b", re.I),
        "all the hidden tests",
    ),
    (
        re.compile(
            r"\b(?:private|unseen|held[\s-]out|secret)(?=\s+(?:tests?|test\s+cases?|cases?|suites?|checks?|inputs?)\b)",
            re.I,
        ),
        "hidden",
    ),
    (re.compile(r"\btest\s+suite\b", re.I), "tests"),
)
# Slashes that read as "/" in a count: the fraction slash U+2044, the division slash U+2215, the full-width U+FF0F.
SLASHES = str.maketrans("\u2044\u2215\uff0f", "///")
SHOWN_COUNT = re.compile(r"(?:\b(visible|hidden) tests )?(\d+)/(\d+)")
# The kind of tests a count is stated for: "3/5 hidden tests", "3 of the 5 visible test cases" (a word after the
# count, before the word "tests"), "hidden tests: 3/5" (before).
KIND_AFTER = re.compile(r"\s+(?:(?!(?:tests?|cases|passed|passing)\b)\w+\s+){0,2}?(visible|hidden)\b", re.I)
KIND_BEFORE = re.compile(r"\b(visible|hidden)\s+\Z", re.IGNORECASE)
KIND_IN = re.compile(r"\b(visible|hidden)\b", re.IGNORECASE)
Tallies = dict[str | None, set[tuple[int, int]]]
# A claim about the end of the interview ("the final submission passed 12/12 hidden tests", "in the end every hidden
# test passed", "all tests pass on the last code"): it must be what the last run held, not the best one before the
# candidate broke their code. Said in the claim's sentence before it with no contrast between ("passed 12/12 early,
# but the final submission ..." is two claims), or in its clause after it ("... passed in the end").
FINAL = re.compile(
    r"\b(?:final|in\s+the\s+end|at\s+the\s+end|ended|ends|last\s+(?:run|submission|version|code|attempt)|latest)\b",
    re.IGNORECASE,
)
CONTRAST = re.compile(
    r"\b(?:but|while|whereas|although|though|however|yet|earlier|early|initially|first|before|once|previous(?:ly)?)\b",
    re.IGNORECASE,
)
SENTENCE_END = re.compile(r"[.!?;](?:\s|$)")
CLAUSE_END = re.compile(r"[.!?;,](?:\s|$)")


def _tallies(facts: Facts, index: CitationIndex) -> Tallies:
    """Every (passed, total) a fact or a run's result as shown holds, by the kind of tests (None: all of a run's)."""
    found: Tallies = {"visible": set(), "hidden": set(), None: set()}
    for kind, record in (("visible", facts.visible_tests), ("hidden", facts.hidden_tests)):
        for tally in (record.best, record.final):
            if tally is not None:
                found[kind].add((tally.passed, tally.total))
    for event in index.citable.values():
        if event.type in RUN_TYPES:
            for m in SHOWN_COUNT.finditer(event.shown):
                shown_kind = m.group(1).lower() if m.group(1) else None
                found[shown_kind].add((int(m.group(2)), int(m.group(3))))
    return found


def _held(tallies: Tallies, kind: str | None, count: tuple[int, int]) -> bool:
    """A count stated for `kind` of tests (None: not said) is one of that kind's; unsaid, of any kind."""
    if kind is not None:
        return count in tallies[kind]
    return any(count in held for held in tallies.values())


def _a_run_passed_all(index: CitationIndex) -> bool:
    """A run shown passed every test it ran (each of its counts full)."""
    for event in index.citable.values():
        if event.type in RUN_TYPES:
            counts = [(int(m.group(2)), int(m.group(3))) for m in SHOWN_COUNT.finditer(event.shown)]
            if counts and all(a == b > 0 for a, b in counts):
                return True
    return False


def _tests(kind: str | None) -> str:
    return f"{kind} tests" if kind else "tests"


def _kind_of(text: str, m: re.Match[str]) -> str | None:
    if m.group(1):  # the count first: "3/5 hidden tests"
        after = KIND_AFTER.match(text, m.end())
        return after.group(1).lower() if after else None
    before = KIND_BEFORE.search(text, 0, m.start())  # "hidden tests: 3/5"
    return before.group(1).lower() if before else None


def _number(text: str) -> int:
    return int(text) if text.isdigit() else NUMBER_WORDS[text.lower()]


def _all_passed(record: PassRecord) -> bool:
    return record.best is not None and record.best.total > 0 and record.best.passed == record.best.total


def _of_the_end(text: str, m: re.Match[str]) -> bool:
    """The claim at `m` is about the end of the interview (`FINAL`)."""
    sentence = max((e.end() for e in SENTENCE_END.finditer(text, 0, m.start())), default=0)
    before = list(FINAL.finditer(text, sentence, m.start()))
    if before and not CONTRAST.search(text, before[-1].end(), m.start()):
        return True
    clause = CLAUSE_END.search(text, m.end())
    return FINAL.search(text, m.end(), clause.start() if clause else len(text)) is not None


def _finals(facts: Facts) -> Tallies:
    """The (passed, total) of the last run of each kind of tests (the facts' `final`)."""
    found: Tallies = {"visible": set(), "hidden": set(), None: set()}
    for kind, record in (("visible", facts.visible_tests), ("hidden", facts.hidden_tests)):
        if record.final is not None:
            found[kind].add((record.final.passed, record.final.total))
    return found


def _final_passed(record: PassRecord) -> bool:
    return record.final is not None and record.final.total > 0 and record.final.passed == record.final.total


def readable(text: str) -> str:
    """The scorecard's words as a person reads them, for the checks: invisible format characters (a zero-width space,
    a word joiner, a soft hyphen) gone, full-width and other compatibility letters and digits as ASCII, Cyrillic or
    Greek look-alikes inside a Latin word as the Latin letters, a fraction's slash as `/` (grader/matching_form.py).
    A candidate can type "all my hid\u200bden tests passed" or "hidden t\u0435sts"; a model that repeats it wrote a
    claim the patterns did not read, which a report shows as the plain words."""
    return normalise(text).text.translate(SLASHES)


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
    (re.compile(r"\b(?:visibles?|publicas?|de\s+ejemplo|public|sample|example)\b", re.I), "visible"),
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
    r"|fall(?:a|an|o|aron|ar|ado|ada|ados|adas|aba|aban|ido|ida|idos|idas|os)|fallid[oa]s?|mal|romp\w*)\b"
    rf"|\b(?:red|rojas?|rojos?|wrong|incorrect(?:ly)?|incorrect[oa]s?){_PREDICATE}",
    re.I,
)
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
)
_SP_NUMBERS = {"cero": 0, "uno": 1, "una": 1, "un": 1, "dos": 2, "tres": 3, "cuatro": 4, "cinco": 5, "seis": 6,
               "siete": 7, "ocho": 8, "nueve": 9, "diez": 10, "doce": 12}  # fmt: skip
_SP_NUMBERS |= {"trece": 13, "catorce": 14, "quince": 15, "dieciseis": 16, "diecisiete": 17, "dieciocho": 18,
                "diecinueve": 19, "veinte": 20, "treinta": 30, "cuarenta": 40, "cincuenta": 50,
                "cien": 100}  # fmt: skip
_TENS = {
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
}
_UNITS = "one|two|three|four|five|six|seven|eight|nine"
_SP_UNITS = {"un": 1, "uno": 1, "una": 1, "dos": 2, "tres": 3, "cuatro": 4, "cinco": 5, "seis": 6, "siete": 7,
             "ocho": 8, "nueve": 9}  # fmt: skip
# Said in words with more than one: "twenty-four", "twenty four", "one hundred", "veinticuatro", "treinta y dos".
_COMPOUND = (
    rf"(?:{'|'.join(_TENS)})[\s-](?:{_UNITS})\b|(?:one|a)\s+hundred\b"
    rf"|veinti(?:{'|'.join(sorted(_SP_UNITS, key=len, reverse=True))})\b"
    rf"|(?:treinta|cuarenta|cincuenta)\s+y\s+(?:{'|'.join(sorted(_SP_UNITS, key=len, reverse=True))})\b"
)
_ANY_NUMBER = rf"(?:{_COMPOUND}|{NUMBER}|(?:{'|'.join(_SP_NUMBERS)})\b)"
FRACTION = re.compile(
    rf"(?<![\w./-])({_ANY_NUMBER})\s*(?:/|out\s+of(?:\s+the)?|of(?:\s+(?:the|its|their))?|de(?:\s+(?:las|los))?)\s*"
    rf"({_ANY_NUMBER})(?![\w/]|\.\d)",
    re.I,
)
BARE_NUMBER = re.compile(rf"(?<![\w./-])({_ANY_NUMBER})(?![\w/%]|\.\d)", re.I)
PERCENT = re.compile(rf"(?<![\w./-])({_ANY_NUMBER})\s*(?:%|percent\b|per\s+cent\b|por\s+ciento\b)", re.I)
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
    r"|veces|intentos?|minutos?|lineas?|errores|ejecucion(?:es)?|casos?|entradas?|ejemplos?|numeros?|pasos?)\b",
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
# What tests are, not how they went: "one of the hidden tests is about duplicates", "the hidden tests check every
# input size", "dos pruebas visibles cubren los negativos".
DESCRIBES = re.compile(
    rf"\b{_NOUN}(?:\s+(?:visible|hidden|both_kinds))?\s+(?:(?:is|are|was|were)\s+(?:about|for|on|de|sobre)"
    r"|checks?|cover(?:s|ed)?|exercis(?:e|es|ed)|involv(?:e|es|ed)|use(?:s|d)?|contain(?:s|ed)?|target(?:s|ed)?"
    r"|focus(?:es|ed)?\s+on|look(?:s|ed)?\s+at|trata\w*|cubr\w*|comprueb\w*|verific\w*|us(?:a|an|aba|aban))\b",
    re.I,
)
# A count of runs, not of tests: "both runs showed the failure", "failed it in all three attempts", "dos veces".
RUN_COUNT = re.compile(
    rf"\b(?:all|both|each|every|ambas|ambos|todas|todos|(?:las|los)\s+)?(?:\s*{_ANY_NUMBER})?\s*(?<=\w)\s+"
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


def _spanish_number(text: str) -> int:
    """A number in digits or in words, English or Spanish, compounds included ("twenty-four", "veinticuatro")."""
    low = re.sub(r"[\s-]+", " ", text.lower())
    if low in _SP_NUMBERS:
        return _SP_NUMBERS[low]
    if low in ("one hundred", "a hundred"):
        return 100
    if low.startswith("veinti"):
        return 20 + _SP_UNITS[low.removeprefix("veinti")]
    if " y " in low:
        tens, units = low.split(" y ")
        return _SP_NUMBERS[tens] + _SP_UNITS[units]
    if " " in low:
        tens, units = low.split(" ")
        return _TENS[tens] + NUMBER_WORDS[units]
    return int(low) if low.isdigit() else (_TENS | NUMBER_WORDS)[low]


def _read(piece: str, sign: int, negated: bool, plural: bool) -> Reading | None:
    """What `piece` claims of its tests' (passed, total), given its polarity word's sign (+1 passing, -1 failing)
    and whether a negation comes before it; None: it cannot be read."""
    if m := PERCENT.search(piece):
        n = _spanish_number(m.group(1))
        if negated:
            return None
        if sign > 0:
            return f"{n}% passed", lambda p, t: t > 0 and round(100 * p / t) == n
        return f"{n}% failed", lambda p, t: t > 0 and round(100 * (t - p) / t) == n
    if m := FRACTION.search(piece):
        n, of = _spanish_number(m.group(1)), _spanish_number(m.group(2))
        if negated:
            return None
        if sign > 0:
            return f"{n}/{of} passed", lambda p, t: (p, t) == (n, of)
        return f"{n} of {of} failed", lambda p, t: (t - p, t) == (n, of)
    if m := AT_LEAST.search(piece):
        n = 1 if m.group(1).lower().startswith("un") else _spanish_number(m.group(1))
        if sign > 0:
            return f"at least {n} passed", lambda p, t: p >= n
        return f"at least {n} failed", lambda p, t: t - p >= n
    if NONE_WORD.search(piece) or (negated and ANY_WORD.search(piece)):
        if sign > 0:
            return "none passed", lambda p, t: p == 0
        return "none failed", lambda p, t: p == t > 0
    if (m := BARE_NUMBER.search(piece)) and not negated:
        n = _spanish_number(m.group(1))
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
        elif carried and _goes_on(piece):
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


def _summary(facts: Facts) -> str:
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


def _prepared(sentence: str) -> str:
    """`sentence` with the kinds in English, the negations and the words' other senses read out."""
    text = RUN_COUNT.sub(" ", IDIOMS.sub(" ", sentence))
    for pattern, word in _SP_KIND:
        text = pattern.sub(word, text)
    text = BOTH_KINDS.sub("both_kinds", text)
    text = FAIL_TO.sub("not ", SPANISH_NOT.sub("not ", text))
    text = EVERY_ONE.sub(lambda m: m.group(1) or " ", text)
    return OTHER_SENSE.sub(lambda m: "all" if WITHOUT_EXCEPTION.match(m.group()) else " ", text)


def _named(text: str) -> set[str | None]:
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


def _goes_on(text: str) -> bool:
    """A sentence (or a piece of one) that names no tests goes on about the ones named before it."""
    return bool(OUTCOME_VERB.search(text) or BACK_REFERENCE.search(text) or ALONE_QUANTITY.search(text))


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
        or not _named(segment.text)  # wrote three tests; did not test all inputs
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
            n = _spanish_number(number.group(1))
            claim, holds = f"{n} ran", n in totals
        else:
            claim, holds = "they ran", did_run
        if not holds:
            return (
                f"- {where}: {text.strip()!r}: says {claim} of the {_tests(kind)}, which no run shown and no fact "
                f"holds ({_summary(facts)}); state test results only as the facts and the runs' result lines give "
                "them"
            )
    return None


def result_problems(
    where: str, sentence: str, facts: Facts, index: CitationIndex, carried: set[str | None] | None = None
) -> list[str]:
    """Problems with what `sentence` says of how tests went, in any words (see `PASS_WORD`); `carried`: the kinds of
    tests the sentence before named, for a sentence that names none and goes on about them."""
    text = _prepared(sentence)
    tallies, finals, whole = _tallies(facts, index), _finals(facts), _runs_whole(index)
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
                said = previous  # "passed 1 of 2 visible tests and none of the hidden"
            elif not previous and _test_quantity(segment) and not HYPOTHESIS.search(segment.text):
                # Fail closed: how many, and no word of how they went that the reading knows.
                if RAN.search(segment.text):
                    if ran := _ran_problem(where, segment, facts, tallies):
                        problems.append(ran)
                else:
                    problems.append(
                        f"- {where}: {segment.text.strip()!r}: a test result that cannot be checked as written; "
                        'state it as the facts give it ("passed N of M hidden tests"; here: '
                        f"{_summary(facts)})"
                    )
                continue
            else:
                continue
        else:
            said, at = [], 0
            for position, sign in words:
                said.append((sign, NEGATION.search(segment.text, at, position) is not None))
                at = position + 1
            previous = said
        if HYPOTHESIS.search(segment.text):
            continue  # "would have passed had it been submitted": no run's result
        end = FINAL.search(segment.text) is not None and not CONTRAST.search(segment.text)
        for sign, negated in said:
            reading = _read(segment.text, sign, negated, segment.plural)
            if reading is None:
                problems.append(
                    f"- {where}: {segment.text.strip()!r}: a test result that cannot be checked as written; state "
                    f"it as the facts give it ({_summary(facts)})"
                )
                break
            claim, holds = reading
            for kind in sorted(segment.kinds, key=str):
                if kind is None:
                    held = whole_at_end if end else whole | tallies[None]
                    if any(c.isdigit() for c in claim):
                        held = held | set().union(*tallies.values())
                else:
                    held = finals[kind] if end else tallies[kind]
                if not any(holds(p, t) for p, t in held or {(0, 0)}):
                    at_end = " at the end" if end else ""
                    problems.append(
                        f"- {where}: {segment.text.strip()!r}: says {claim} of the {_tests(kind)}{at_end}, which no "
                        f"run shown and no fact holds ({_summary(facts)}); state test results only as the facts "
                        "and the runs' result lines give them"
                    )
                    break
    return problems


def claim_problems(texts: Iterable[tuple[str, str]], facts: Facts, index: CitationIndex) -> list[str]:
    """Problems with the test results stated in `texts` (`(where, text)`), one line each for the repair round."""
    tallies, finals = _tallies(facts, index), _finals(facts)
    full = {"visible": _all_passed(facts.visible_tests), "hidden": _all_passed(facts.hidden_tests)}
    full_at_end = {"visible": _final_passed(facts.visible_tests), "hidden": _final_passed(facts.hidden_tests)}
    ran = [r for r in (facts.visible_tests, facts.hidden_tests) if r.final is not None]
    problems: list[str] = []
    end = "; the facts' final counts say how the last run went"
    passed_of = {kind: {p for p, _ in held} for kind, held in tallies.items()}
    passed_at_end = {kind: {p for p, _ in held} for kind, held in finals.items()}
    for where, text in texts:
        text = readable(text)
        for pattern, words in SYNONYMS:
            text = pattern.sub(words, text)
        found: list[tuple[int, str]] = []
        for m in PASSED_COUNT.finditer(text):
            n, stated = (m.group(1), m.group(2)) if m.group(1) else (m.group(3), m.group(4))
            kind = stated.lower() if stated else None
            held = passed_of[kind] if kind else set().union(*passed_of.values())
            if _number(n) not in held:
                found.append(
                    (
                        m.start(),
                        f"- {where}: {m.group(0)!r}: no run shown and no fact has {n} {_tests(kind)} passed; state "
                        "test results only as the facts and the runs' result lines give them",
                    )
                )
            elif _of_the_end(text, m) and _number(n) not in (
                passed_at_end[kind] if kind else set().union(*passed_at_end.values())
            ):
                found.append(
                    (m.start(), f"- {where}: {m.group(0)!r}: not the final {_tests(kind)}' count{end}")
                )
        for m in COUNT.finditer(text):
            a, b = (m.group(1), m.group(2)) if m.group(1) else (m.group(3), m.group(4))
            kind = _kind_of(text, m)
            if not _held(tallies, kind, (_number(a), _number(b))):
                found.append(
                    (
                        m.start(),
                        f"- {where}: {m.group(0)!r}: no run shown and no fact has {a}/{b} {_tests(kind)}; state test "
                        "results only as the facts and the runs' result lines give them",
                    )
                )
            elif _of_the_end(text, m) and not _held(finals, kind, (_number(a), _number(b))):
                found.append(
                    (m.start(), f"- {where}: {m.group(0)!r}: not the final {_tests(kind)}' count{end}")
                )
        for m in ALL_COUNT.finditer(text):
            stated = KIND_IN.search(m.group(0))
            kind = stated.group(1).lower() if stated else None
            n = _number(m.group(1))
            if not _held(tallies, kind, (n, n)):
                found.append(
                    (
                        m.start(),
                        f"- {where}: {m.group(0)!r}: no run shown and no fact has all {m.group(1)} "
                        f"{_tests(kind)} passing",
                    )
                )
            elif _of_the_end(text, m) and not _held(finals, kind, (n, n)):
                found.append(
                    (m.start(), f"- {where}: {m.group(0)!r}: not the final {_tests(kind)}' count{end}")
                )
        for m in ALL_KIND.finditer(text):
            kind = next(g for g in m.groups() if g).lower()
            if not full[kind]:
                found.append(
                    (m.start(), f"- {where}: {m.group(0)!r}: no run passed every {kind} test (see the facts)")
                )
            elif _of_the_end(text, m) and not full_at_end[kind]:
                found.append(
                    (
                        m.start(),
                        f"- {where}: {m.group(0)!r}: the last run did not pass every {kind} test{end}",
                    )
                )
        if (claim := ALL_ANY.search(text)) and not _a_run_passed_all(index):
            found.append(
                (
                    claim.start(),
                    f"- {where}: {claim.group(0)!r}: no run passed every test it ran (see the runs)",
                )
            )
        elif claim and _of_the_end(text, claim) and not (ran and all(_final_passed(r) for r in ran)):
            found.append(
                (claim.start(), f"- {where}: {claim.group(0)!r}: the last runs did not pass every test{end}")
            )
        problems += [problem for _, problem in found]
        # Every other wording, sentence by sentence: a sentence the patterns above found a problem in is reported
        # once, as they quote it. A sentence that names no tests and goes on about the ones named before it (up to
        # two sentences on) is read for those: "The hidden tests? All passed."
        start, carried, left = 0, None, 0
        for stop in [*(e.end() for e in SENTENCE_END.finditer(text)), len(text)]:
            sentence = text[start:stop]
            prepared = _prepared(sentence)
            carry: set[str | None] | None = None
            if named := _named(prepared):
                carried, left = named, 2
            elif carried and left and _goes_on(prepared):
                carry, left = carried, left - 1
            elif sentence.strip():
                carried, left = None, 0
            if stop > start and not any(start <= at < stop for at, _ in found):
                problems += result_problems(where, sentence, facts, index, carry)
            start = stop
    return problems
