"""The solution's success said with no tests and no count ("The submission passed.", "The solution is fully
correct.", "no bugs remained", "La solución es correcta."), checked against what the recorded runs hold
(`success_problems`, called by grader/claims.py for each sentence no other rule of a result read)."""

from __future__ import annotations

import re

from grader.claim_tallies import CONTRAST, SHOWN_COUNT, a_run_passed_all, all_passed
from grader.claim_words import prepared_sentence, summary
from grader.evidence import CitationIndex
from grader.schemas import Facts

# The solution's success said with no tests and no count (2026-12-05, grader15): "The submission passed.", "The code
# passed everything.", "The solution is fully correct.", "Their final code works on all inputs.", "solved it
# completely", "no bugs remained", "La solución es correcta.". A person reads each as the grader's finding that the
# candidate's code works, so it must be what the recorded runs hold: the last submission shown and the facts' final
# counts passed every test (with a word of an earlier time, "first", "initially", any run that passed every test it
# ran). Not a claim of it: the approach, the idea or the reasoning ("The approach is correct in principle but ..."),
# a hedge or a part ("mostly correct", "almost solved", "correct on the sample"), a negation, a hypothesis ("would
# work with a null check"), the candidate being right about something ("was correct that the input is sorted").
# The reading fails closed: a clause of success whose subject it cannot tell is checked.
SUCCESS_CLAUSES = re.compile(
    r"\s*(?:[;\u2014\u2013]|\s-+\s|,?\s+(?:but|while|whereas|although|though|however|yet|pero|aunque|mientras"
    r"|sino)\b|,?\s+(?:and|y)\s+(?=(?:the|their|it|its|they|she|he|his|her|this|el|la|los|las|su|sus)\b))\s*",
    re.IGNORECASE,
)
_TOTAL = (
    r"(?:everything|all\s+of\s+it|all(?:\s+(?:the|its|their|possible|valid|given))?(?:\s+[\w-]+)?\s+"
    r"(?<!\btest\s)(?:inputs|cases|scenarios)|every(?:\s+[\w-]+)?\s+(?<!\btest\s)(?:input|case|scenario)"
    r"|any\s+input|todo|todos\s+los\s+casos|todas\s+las\s+entradas|cualquier\s+entrada|por\s+completo)\b"
)
_WHOLLY = (
    r"(?:fully|completely|entirely|totally|perfectly|flawlessly|100\s*%|totalmente|completamente|enteramente"
    r"|perfectamente)"
)
_RIGHT = (
    r"(?:correct|right|bug[\s-]*free|flawless|perfect|working(?!\s+(?:on|through|with|toward|towards|out)\b)"
    r"|functional|accepted|correct[oa]s?|funcional(?:es)?|perfect[oa]s?|aceptad[oa]s?)"
)
_WORKS = r"(?:work(?:s|ed|ing)?|funcion(?:a|o|an|aron|aba|aban))"
SUCCESS = re.compile(
    # ... everything, ... all inputs: "passed everything", "works on all inputs", "handles every case"
    rf"\b(?:pass(?:es|ed)?|{_WORKS}|handl(?:e|es|ed)|cover(?:s|ed)?|solv(?:e|es|ed)|succeed(?:s|ed)?|ran|runs"
    rf"|holds?\s+up|held\s+up|survive[sd]?|cop(?:es|ed)\s+with"
    rf"|pas(?:a|o|aron)"
    rf"|resolv(?:io|ieron|ia)|resuelve|cubr(?:e|io)|manej(?:a|o))\b(?:\s+[\w-]+){{0,3}}?\s+{_TOTAL}"
    # wholly so: "solved it completely", "works perfectly", "resolvió por completo"
    rf"|\b(?:solv(?:e|es|ed)|{_WORKS}|pass(?:es|ed)?|ran|runs|resolv(?:io|ieron)|resuelve)\b(?:\s+[\w-]+){{0,3}}?\s+"
    rf"(?:completely|fully|entirely|perfectly|flawlessly|correctly|in\s+full|without\s+(?:any\s+)?(?:issues"
    rf"|problems|errors|bugs)|por\s+completo|perfectamente|correctamente|sin\s+(?:errores|problemas|fallos))\b"
    # solved: "solved the problem", "was able to solve it", "resolvió el problema"
    r"|(?<!\bto\s)\bsolved\b|\b(?:able|managed)\s+to\s+solve\b|\bresolv(?:io|ieron)\b|\bresuelto\b"
    # a perfect score, the verdict; the right output for everything; got it right, nailed it; a working solution
    r"|\b(?:perfect|full|top|maximum|100\s*%?)\s+(?:score|marks|credit)\b|\bpuntuacion\s+(?:perfecta|maxima)\b"
    r"|\bnota\s+maxima\b|\b(?:verdict|veredicto)\W+(?:(?:was|is|fue|es)\s+)?(?:accepted|aceptad[oa])\b"
    rf"|\b(?:correct|right|expected)\s+(?:output|outputs|answers?|results?|values?)\b(?:\s+[\w-]+){{0,3}}?\s+{_TOTAL}"
    r"|\b(?:got|gets|get)\s+(?:it|this|everything|the\s+(?:problem|question|task|solution))\s+(?:all\s+)?right\b"
    r"|\b(?:nail(?:ed|s)|ac(?:ed|es))\s+(?:it|the\s+(?:problem|question|task|solution|interview))\b"
    rf"|(?:\b(?:a|an|their|his|her|its|with)\s+|^\W*)(?:{_WHOLLY}\s+)?(?:(?:complete|clean|efficient),?\s+(?:and\s+)?)?"
    r"(?:correct|working|passing|bug[\s-]*free|flawless),?\s+"
    r"(?:[\w-]+,?\s+){0,3}?"
    r"(?:solution|implementation|program|code|submission|function|version)\b"
    r"|\b(?:una|su)\s+(?:solucion|implementacion|programa|entrega|version)\s+(?:totalmente\s+|completamente\s+)?"
    r"(?:correcta|funcional)\b",
    re.IGNORECASE,
)
# Success said as the state of something: "the solution is correct", "it was fully right", "The submission passed.",
# "It works.", "la solución es correcta"; a claim only of the code (or with no subject: "Result: passed."), not of
# a part of it ("the base case is correct", "the hash map lookup is correct").
STATE = re.compile(
    rf"\b{_WHOLLY}\s+(?:{_RIGHT}|solved|passing|resuelt[oa]|funciona)\b"
    rf"|\b(?:is|was|were|are|be|been|proved|proves|ended\s+up|turned\s+out(?:\s+to\s+be)?|came\s+out|became"
    rf"|es|era|fue|son|eran|fueron|esta|estaba|resulto|quedo|acabo\s+siendo)\s+"
    rf"(?:(?:now|also|then|{_WHOLLY}|already|ya)\s+)?{_RIGHT}\b"
    rf"(?!\s+(?:that|about|to|in\s+\w+ing|on\s+(?:the|one|a|an|some)\b|for\s+(?:the|one|a|an|some)\b|que|sobre|en\s+que))"
    # said bare: "The submission passed.", "It works.", "La solución pasó."
    rf"|\b(?:pass(?:es|ed)|works|worked|succeeded|succeeds|(?:was|got|were)\s+accepted|paso|pasaron|funciona|funciono"
    rf"|funcionaba)\b(?=\s*(?:$|[.!?,;:)]|\s+(?:in\s+the\s+end|at\s+the\s+end|eventually|finally|too|as\s+well"
    rf"|on\s+(?:the\s+)?(?:first|second|third|final|last)\s+[\w-]+|first\s+time|al\s+final|a\s+la\s+primera)\b))",
    re.IGNORECASE,
)
# Any other word of success said of the code ("The submission was successful.", "The final submission went through.",
# "Solution status: correct.") or a failure denied of it ("It never failed.", "The code had no issues.", "Nothing
# was wrong with the final code.", "Zero bugs remained."): the reading fails closed, whatever the words.
_GOOD = (
    r"(?:pass(?:es|ed|ing)?|success(?:ful(?:ly)?)?|succe(?:ed|eds|eded)|accepted|green|cleared|(?:went|got|came|sailed"
    r"|breezed)\s+through|working|worked|works|solved|complete(?:d)?\s+successfully|flawless(?:ly)?|perfect(?:ly)?"
    r"|exit\w*|aprobad[oa]s?|aceptad[oa]s?|funcion\w*|pas(?:o|aron|a)|verdes?|resuelt[oa]s?"
    r"|(?:correct|right|correct[oa]s?)(?=\s*(?:$|[,.;:!?)]|\s(?:for|on|in|at|with|and|throughout|en|con|y)\b)))"
)
_BAD = (
    r"(?:fail\w*|broke|broken|break\w*|bugs?|errors?|issues|problems|wrong|defects?|mistakes?|crash\w*|fallos?"
    r"|fallo|fallaron|errores|problemas|defectos)"
)
KINDS = re.compile(r"\b(?:visible|hidden|both_kinds)\b", re.IGNORECASE)
# Between the negation and the failure, only words that do not change what is denied: "had no remaining bugs",
# "nothing was wrong" (not "never fixed the bugs").
_BETWEEN = (
    r"(?:a|an|the|any|single|more|remaining|real|known|major|serious|further|obvious|once|ever|was|were|is|went"
    r"|of|them|ningun|mas|hubo|fue)"
)
GOOD = re.compile(rf"\b{_GOOD}", re.IGNORECASE)
NO_BAD = re.compile(
    rf"(?:\b(?:not|never|no|zero|none|nothing|without|nunca|ningun[oa]?|nada|sin|cero)\b|n't)(?:\s+{_BETWEEN}){{0,2}}"
    rf"\s+{_BAD}\b",
    re.IGNORECASE,
)
# What a denied failure can be about that is no result: "no issues with readability", "compiled without errors".
QUALITY = re.compile(
    r"\b(?:style|stylistic|readab\w*|naming|names|format\w*|structure\w*|quality|lint\w*|syntax|compil\w*"
    r"|indentation|comments?|typos?|estilo|legib\w*|nombres|sintaxis)\b",
    re.IGNORECASE,
)
SUBJECTLESS = re.compile(
    r"\W*(?:(?:in\s+the\s+end|at\s+the\s+end|finally|overall|ultimately|eventually|so|and|then|now|result|verdict"
    r"|outcome|status|al\s+final|finalmente|resultado|y)\b\W*)*",
    re.IGNORECASE,
)
# Words of failing inside a claim's words: "correct approach, incorrect implementation".
FAILING = re.compile(
    r"\b(?:incorrect\w*|wrong|buggy|broken|faulty|fail\w*|incorrect[oa]s?|fallid[oa]s?)\b", re.I
)
# No bugs left: "no bugs remained", "bug-free", "sin errores"; read with a negation before it only.
NO_BUGS = re.compile(
    r"\bno\s+(?:remaining\s+|more\s+|known\s+)?(?:bugs?|errors?|defects?|mistakes)\s+(?:remain(?:ed|s)?|left"
    r"|were\s+left|remaining)\b|\bno\s+remaining\s+(?:bugs?|errors?|defects?)\b|\bbug[\s-]*free\b"
    r"|\bfree\s+of\s+(?:bugs|errors|defects)\b|\bwithout\s+(?:any\s+)?(?:bugs|defects)\b"
    r"|\b(?:no\s+(?:tiene|tenia|tuvo|contiene)|(?:has|had|have|contains?|contained|showed|shows|made)\s+no)\s+"
    r"(?:ningun\s+)?(?:bugs?|errors?|errores|defects?|defectos|fallos|mistakes)\b"
    r"|\bsin\s+(?:ningun\s+)?(?:errores|bugs|defectos)\b|\bno\s+(?:quedaron|quedaba|quedo|hay|habia)\s+"
    r"(?:ningun\s+)?(?:errores|bugs|fallos|defectos)\b",
    re.IGNORECASE,
)
# What a clause of success may be about that is no result: the approach, the idea, the reasoning, the analysis.
NOT_THE_CODE = re.compile(
    r"\b(?:approach(?:es)?|idea|ideas|reasoning|intuition|plan|strategy|analysis|complexity|big-o|explanation"
    r"|understanding|thinking|logic|algorithm|direction|insight|instinct|hypothesis|diagnosis|design|concept"
    r"|assumption|question|questions|communication|time|minutes|dimensions?|rubric|rating|estimate|notation|terminology|enfoque|idea|razonamiento|planteamiento|analisis"
    r"|complejidad|estrategia|algoritmo|explicacion|logica|diseno|intuicion|pregunta)\b",
    re.IGNORECASE,
)
THE_CODE = re.compile(
    r"\b(?:solutions?|submissions?|code|implementation|program|function|version|fix|solucion|codigo"
    r"|implementacion|programa|funcion|entrega|envio)\b",
    re.IGNORECASE,
)
# "work" says the code works only of the code: "It works.", "The code worked." (not "The candidate worked
# steadily").
OF_THE_CODE = re.compile(
    rf"{THE_CODE.pattern}|\b(?:it|this|everything|todo|task|problem|challenge|exercise|tarea|problema|ejercicio)\b",
    re.IGNORECASE,
)
WORKS = re.compile(rf"\b{_WORKS}\b", re.IGNORECASE)
HEDGE = re.compile(
    r"\b(?:mostly|almost|nearly|partially|partly|largely|half|in\s+principle|conceptually|in\s+theory|on\s+paper"
    r"|by\s+hand|close\s+to|seemingly|seemed|seems|appeared|appears|looked|looks|sample|example|examples"
    r"|except|apart\s+from|other\s+than|save\s+for|but\s+for|only|part|portion|solo|solamente|unicamente|parte|casi|parcialmente|en\s+principio|en\s+teoria"
    r"|mayormente|a\s+mano|ejemplo|parecia|parece|excepto|salvo|menos)\b",
    re.IGNORECASE,
)
# Tests named before the claim are its subject, read by the test checks ("One visible test passed."); a part is no
# success ("passed everything except the empty input").
TESTS_FIRST = re.compile(
    r"\b(?:tests?|test\s*cases?|testcases?|suites?|checks?|pruebas?|casos?\s+de\s+prueba)\b", re.IGNORECASE
)
# A modal as a verb (lowercase: "Will's code", "in May" are none) or a condition: no run's result.
MODAL = re.compile(
    r"\b(?i:would|could|might|should|shall|won't|wouldn't|couldn't|if|unless|habria|podria|deberia|si)\b"
    r"|\b(?:will|may)\b|'d\b"
)
NOT_BEFORE = re.compile(
    r"\b(?:not|never|no|nor|cannot|without|nunca|jamas|sin|hardly|barely|neither|none|nothing|zero|nobody"
    r"|ningun[oa]?|nada|nadie)\b|n't\b",
    re.IGNORECASE,
)


def _full(shown: str) -> bool:
    counts = [(int(m.group(2)), int(m.group(3))) for m in SHOWN_COUNT.finditer(shown)]
    return bool(counts) and all(a == b > 0 for a, b in counts)


def succeeded(facts: Facts, index: CitationIndex, *, at_end: bool) -> bool:
    """The candidate's solution passed every test: at the end, the last submission shown and every final count of
    the facts (and something was submitted); else, any run shown or the best of both kinds."""
    submissions = [index.citable[s] for s in sorted(index.citable) if index.citable[s].type == "submission"]
    if not at_end:
        return a_run_passed_all(index) or (all_passed(facts.hidden_tests) and all_passed(facts.visible_tests))
    finals = [r.final for r in (facts.visible_tests, facts.hidden_tests) if r.final is not None]
    if facts.hidden_tests.final is None and not submissions:
        return False  # nothing was submitted
    if submissions and not _full(submissions[-1].shown):
        return False
    return all(f.total > 0 and f.passed == f.total for f in finals)


def _claims_success(clause: str, claim: re.Match[str], state: bool) -> bool:
    """`claim` in `clause` says the candidate's solution succeeded; `state`: it is said as a state (`STATE`)."""
    before, said = clause[: claim.start()], claim.group(0)
    if NOT_BEFORE.search(before) or (NOT_BEFORE.search(said) and not NO_BUGS.fullmatch(said)):
        return False  # "did not pass", "is not correct"
    if FAILING.search(said) or NOT_THE_CODE.search(said) or TESTS_FIRST.search(before):
        return False  # "correct approach, incorrect code"; tests named first: the test checks read it
    if NOT_THE_CODE.search(clause) and not THE_CODE.search(clause):
        return False  # "The approach is correct in principle"
    if WORKS.search(said) and not (OF_THE_CODE.search(before) or THE_CODE.search(said)):
        return False  # "The candidate worked steadily"
    return not state or OF_THE_CODE.search(before) is not None or SUBJECTLESS.fullmatch(before) is not None


def _of_the_code(clause: str) -> bool:
    """`clause` says, in any other words, that the code succeeded (`GOOD`) or did not fail (`NO_BAD`): said of the
    code ("the submission", "it") or of nothing else, with no tests, approach, hedge or negation in it."""
    if TESTS_FIRST.search(clause) or KINDS.search(clause):
        return False  # the test checks read it ("the sample" is read as the visible tests)
    if NOT_THE_CODE.search(clause) and not THE_CODE.search(clause):
        return False
    for m in GOOD.finditer(clause):
        before = clause[: m.start()]
        if not NOT_BEFORE.search(before) and (OF_THE_CODE.search(before) or SUBJECTLESS.fullmatch(before)):
            return True
    bad = NO_BAD.search(clause)
    if bad is None or QUALITY.search(clause):
        return False
    return OF_THE_CODE.search(clause) is not None or SUBJECTLESS.fullmatch(clause[: bad.start()]) is not None


def success_problems(where: str, sentence: str, facts: Facts, index: CitationIndex) -> list[str]:
    """A clause of `sentence` that says the candidate's solution succeeded, where the recorded runs say otherwise
    (`SUCCESS`, `NO_BUGS`)."""
    for clause in SUCCESS_CLAUSES.split(prepared_sentence(sentence)):
        if HEDGE.search(clause) or MODAL.search(clause):
            continue
        if not any(
            (claim := pattern.search(clause)) and _claims_success(clause, claim, pattern is STATE)
            for pattern in (SUCCESS, STATE, NO_BUGS)
        ) and not _of_the_code(clause):
            continue
        earlier = CONTRAST.search(clause) is not None
        if not succeeded(facts, index, at_end=not earlier):
            when = "at some point" if earlier else "at the end"
            return [
                f"- {where}: {clause.strip()!r}: says the candidate's solution succeeded (passed, correct, works, "
                f"solved) {when}, which the recorded runs do not hold ({summary(facts)}); state what the runs "
                'show ("passed N of M hidden tests") or what the approach gets right, not that the solution '
                "succeeded"
            ]
    return []
