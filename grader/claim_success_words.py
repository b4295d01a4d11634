"""The words of the solution's success, as grader/claim_success.py reads them.

What says it succeeded, wholly or as a state, the code as the subject, and what makes a clause no claim of it (a
hedge, a modal, a negation, the approach or a part of the code as the subject)."""

from __future__ import annotations

import re

from grader import claim_idioms as idioms
from grader.claim_runs import RUN_NOUN

# The solution's success said with no tests and no count: "The submission passed.", "The code
# passed everything.", "The solution is fully correct.", "Their final code works on all inputs.", "solved it
# completely", "no bugs remained", "La solución es correcta.". A person reads each as the grader's finding that the
# candidate's code works, so it must be what the recorded runs hold: the last submission shown and the facts' final
# counts passed every test (with a word of an earlier time, "first", "initially", any run that passed every test it
# ran). Not a claim of it: the approach, the idea or the reasoning ("The approach is correct in principle but ..."),
# a hedge or a part ("mostly correct", "almost solved", "correct on the sample"), a negation, a hypothesis ("would
# work with a null check"), the candidate being right about something ("was correct that the input is sorted").
# The reading fails closed: a clause of success whose subject it cannot tell is checked.
SUCCESS_CLAUSES = re.compile(
    r"\s*(?:[;\u2014\u2013]|\s-+\s|(?<!\banything)(?<!\bnothing),?\s+(?:but|while|whereas|although|though|however"
    r"|yet|pero|aunque|mientras|sino)\b"
    r"|,?\s+(?:and|y)\s+(?=(?:the|their|it|its|they|she|he|his|her|this|el|la|los|las|su|sus)\b))\s*",
    re.IGNORECASE,
)
_TOTAL = (
    r"(?:everything|all\s+of\s+it|all(?:\s+(?:the|its|their|possible|valid|given))?(?:\s+[\w-]+)?\s+"
    r"(?<!\btest\s)(?:inputs|cases|scenarios)|every(?:\s+[\w-]+)?\s+(?<!\btest\s)(?:input|case|scenario)"
    r"|any\s+input|in\s+(?:all|every)\s+cases?|todo|todos\s+los\s+casos"
    r"|todas\s+las\s+entradas|cualquier\s+entrada|por\s+completo|siempre|en\s+todos\s+los\s+casos)\b"
)
_WHOLLY = (
    r"(?:fully|completely|entirely|totally|perfectly|flawlessly|100\s*%|totalmente|completamente|enteramente"
    r"|perfectamente)"
)
_RIGHT = (
    r"(?:correct|right|bug[\s-]*free|flawless|perfect|working(?!\s+(?:on|through|with|toward|towards|out)\b)"
    r"|functional|accepted|valid|sound|fine|solid|error[\s-]*free|bien|correct[oa]s?|funcional(?:es)?|perfect[oa]s?|aceptad[oa]s?"
    r"|valid[oa]s?|korrekt|richtig|correcte|corret[oa]|corrett[oa]|giust[oa]"
    # fit for use: "good to go", "production-ready", "ready to ship", "listo para producción"
    r"|good\s+to\s+go|(?:production|ship|deploy|merge)[\s-]*ready|ready\s+(?:to|for)\s+(?:ship|merge|deploy|production)"
    r"|list[oa]\s+para\s+producci[oó]n"
    rf"|{idioms.RIGHT})"
)
_WORKS = r"(?:work(?:s|ed|ing)?|funcion(?:a|o|an|aron|aba|aban))"


def _then(head: str, tail: str) -> str:
    """``head``, up to three words (as few as will do), then ``tail``: "passed [nearly] everything", "solved
    [the whole thing] completely", "the right output [for] every input"."""
    return rf"{head}(?:\s+[\w-]+){{0,3}}?\s+{tail}"


SUCCESS = re.compile(
    "|".join(
        [
            # ... everything, ... all inputs: "passed everything", "works on all inputs", "handles every case"
            _then(
                rf"\b(?:pass(?:es|ed)?|{_WORKS}|handl(?:e|es|ed)|cover(?:s|ed)?|solv(?:e|es|ed)|succeed(?:s|ed)?"
                r"|ran|runs|holds?\s+up|held\s+up|survive[sd]?|cop(?:es|ed)\s+with|pas(?:a|o|aron)"
                r"|resolv(?:io|ieron|ia)|resuelve|cubr(?:e|io)|manej(?:a|o))\b",
                _TOTAL,
            ),
            rf"\b(?:{idioms.EVERY_CASE_VERBS})\s+{_TOTAL}",
            # wholly so: "solved it completely", "works perfectly", "resolvió por completo"
            _then(
                rf"\b(?:solv(?:e|es|ed)|{_WORKS}|pass(?:es|ed)?|ran|runs|behav(?:e|es|ed)|execut(?:e|es|ed)"
                r"|perform(?:s|ed)|function(?:s|ed)|resolv(?:io|ieron)|resuelve)\b",
                r"(?:completely|fully|entirely|perfectly|flawlessly|correctly|in\s+full|without\s+(?:any\s+)?"
                r"(?:issues|problems|errors|bugs)|por\s+completo|perfectamente|correctamente"
                r"|sin\s+(?:errores|problemas|fallos))\b",
            ),
            # solved: "solved the problem", "was able to solve it", "resolvió el problema"
            r"(?<!\bto\s)\bsolved\b|\b(?:able|managed)\s+to\s+solve\b|\bresolv(?:io|ieron)\b|\bresuelto\b",
            # a perfect score, the verdict
            r"\b(?:perfect|full|top|maximum|100\s*%?)\s+(?:score|marks|credit)\b|\bpuntuacion\s+(?:perfecta|maxima)\b"
            r"|\bnota\s+maxima\b|\b(?:verdict|veredicto)\W+(?:(?:was|is|fue|es)\s+)?(?:accepted|aceptad[oa])\b",
            # the right output for everything: "the correct answer for every input"
            _then(
                r"\b(?:correct|right|expected)\s+(?:output|answer|result|value|ind(?:ex|ices)|pair|return|response"
                r"|sum|count|list|array|salida|respuesta|resultado|valor|indice|par)[\w-]*",
                _TOTAL,
            ),
            # got it right, nailed it
            r"\b(?:got|gets|get)\s+(?:it|this|everything|the\s+(?:problem|question|task|solution))\s+(?:all\s+)?right\b"
            r"|\b(?:nail(?:ed|s)|ac(?:ed|es)|crack(?:ed|s)|complet(?:ed|es))\s+(?:it|the\s+(?:problem|question|task"
            r"|solution|interview|challenge|exercise))\b(?![\s-]+(?:statement|description|discussion|phase|setup"
            r"|walkthrough|analysis|explanation|reading|summary|definition|constraints?|examples?)\b)",
            # said as a label: "Correctness: yes", "solved = true"
            r"\b(?:correct(?:ness)?|solved|passed|resuelto|correccion)\s*[:=]\s*(?:yes|true|ok|full|100\s*%?|si)\b",
            # a working solution: "a clean, correct solution", "una solución correcta"
            rf"(?:\b(?:a|an|their|his|her|its|with)\s+|^\W*(?:\d{{1,2}}[.)]\s*)?)(?:{_WHOLLY}\s+)?"
            r"(?:(?:complete|clean|efficient),?\s+(?:and\s+)?)?"
            rf"(?:correct|working|passing|bug[\s-]*free|flawless|{idioms.RIGHT}),?\s+(?:[\w-]+,?\s+){{0,3}}?"
            r"(?:solution|implementation|program|code|submission|function|version)\b",
            r"\b(?:una|su)\s+(?:solucion|implementacion|programa|entrega|version)\s+(?:totalmente\s+|completamente\s+)?"
            r"(?:correcta|funcional)\b",
        ]
    ),
    re.IGNORECASE,
)
# Success said as the state of something: "the solution is correct", "it was fully right", "The submission passed.",
# "It works.", "la solución es correcta"; a claim only of the code (or with no subject: "Result: passed."), not of
# a part of it ("the base case is correct", "the hash map lookup is correct").
STATE = re.compile(
    rf"\b{_WHOLLY}\s+(?:{_RIGHT}|solved|passing|resuelt[oa]|funciona)\b"
    rf"|\b(?:is|was|were|are|be|been|proved|proves|ended\s+up|turned\s+out(?:\s+to\s+be)?|came\s+out|became"
    rf"|es|era|fue|son|eran|fueron|esta|estaba|resulto|quedo|acabo\s+siendo|est|etait|ist|war|e|foi)\s+"
    rf"(?:(?:now|also|then|{_WHOLLY}|already|ya)\s+)?{_RIGHT}\b"
    rf"(?!\s+(?:that|about|to|in\s+\w+ing|on\s+(?:the|one|a|an|some)\b|for\s+(?:the|one|a|an|some)\b|que|sobre|en\s+que))"
    # "It is a correct one.", "The code always returns the right answer."
    rf"|\b(?:is|was)\s+an?\s+(?:{_WHOLLY}\s+)?(?:correct|working|valid|passing)\s+one\b"
    r"|\balways\s+(?:return\w*|giv\w*|produc\w*|pass\w*|work\w*|output\w*|get\w*)\b"
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
    # the task done: "did exactly what was asked", "does what the problem required"
    r"|d(?:oes|id|o)\s+(?:exactly\s+|precisely\s+)?(?:what|everything|all)\s+(?:[\w'-]+\s+){0,4}?(?:ask\w*|requir\w*"
    r"|need\w*|want\w*|expect\w*|specif\w*|demand\w*|request\w*|supposed|meant|intended|designed|should|must"
    r"|had\s+to|has\s+to)\b"
    # as it should: "behaves as it should", "performs as intended"; its job: "does its job", "got the job done"
    r"|(?:behav|perform|function|run|operat)\w*\s+(?:exactly\s+|just\s+)?(?:as|like|how)\s+(?:(?:it|one|you|we)\s+)?"
    r"(?:expected|intended|designed|specified|required|should|must|ought\s+to|(?:was|is)\s+(?:supposed|meant)\s+to)\b"
    r"|d(?:oes|id|o)\s+(?:its|the|their)\s+job\b|g(?:ets|ot)\s+the\s+job\s+done\b"
    r"|(?:hace|hizo|hacia)\s+(?:exactamente\s+)?lo\s+que\s+(?:[\w'-]+\s+){0,3}?(?:deb\w*|pedia|pidio|esperaba"
    r"|requeria|tenia\s+que)\b"
    r"|(?:correct|right|correct[oa]s?)(?=\s*(?:$|[,.;:!?)]|\s(?:for|on|in|at|with|and|throughout|en|con|y)\b))"
    rf"|{idioms.GOOD})"
)
_BAD = (
    r"(?:fail\w*|broke|broken|break\w*|bugs?|errors?|issues|problems|wrong|defects?|mistakes?|crash\w*|fallos?"
    r"|fallo|falla|fallaba|fallaron|errores|problemas|defectos"
    rf"|{idioms.BAD})"
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
# A part of the code that is no result, as the subject of a state: "The code's structure is sound", "the code style
# is fine", "la estructura del código está bien".
QUALITY_SUBJECT = re.compile(
    r"\b(?:style|structure|naming|names|format\w*|quality|readability|indentation|comments?|layout|organi[sz]ation"
    r"|estilo|estructura|nombres|legibilidad|formato|organizacion)\s+(?:(?:of|del?)\s+(?:the\s+|their\s+|la\s+|el\s+|su\s+)?"
    r"[\w'-]+\s+)?\Z",
    re.IGNORECASE,
)
# The same part as the subject of a state said further on: "The code's structure is rock solid."
QUALITY_STATE = re.compile(
    QUALITY_SUBJECT.pattern.replace(
        r"\Z", r"(?:is|was|are|were|looks?|looked|seems?|seemed|esta|estaba|es|era|fue)\b"
    ),
    re.IGNORECASE,
)
QUALITY = re.compile(
    r"\b(?:style|stylistic|readab\w*|naming|names|format\w*|structure\w*|quality|lint\w*|syntax|compil\w*"
    r"|indentation|comments?|typos?|estilo|legib\w*|nombres|sintaxis)\b",
    re.IGNORECASE,
)
SUBJECTLESS = re.compile(
    r"\W*(?:(?:in\s+the\s+end|at\s+the\s+end|finally|overall|ultimately|eventually|so|and|then|now|result|verdict"
    r"|outcome|status|correctness|al\s+final|finalmente|resultado|correccion|estado|veredicto|y)\b\W*)*",
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
    r"|complejidad|estrategia|algoritmo|explicacion|logica|diseno|intuicion|pregunta"
    # a trace of the cases by the candidate, not a run: "Their dry run by hand nailed every case"
    r"|walk-?through|dry[\s-]+run|trace|tracing|discussion|traza|recorrido)\b",
    re.IGNORECASE,
)
# The code, in English and in Spanish (COMPLEMENT reads these too).
_CODE_EN = r"solutions?|submissions?|code|implementation|program|function|version|fix"
_CODE_ES = r"solucion|codigo|implementacion|programa|funcion|entrega|envio"
THE_CODE = re.compile(
    rf"\b(?:{_CODE_EN}|final\s+answer|{_CODE_ES}|losung|loesung|solucao|soluzione|codice|programme|programm)\b",
    re.IGNORECASE,
)
# "work" says the code works only of the code: "It works.", "The code worked." (not "The candidate worked
# steadily").
OF_THE_CODE = re.compile(
    rf"{THE_CODE.pattern}|{RUN_NOUN}"
    r"|\b(?:it|this|everything|todo|task|problem|challenge|exercise|tarea|problema|ejercicio)\b",
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
    r"\b(?:tests?|test\s*cases?|testcases?|suites?|checks?(?!\s+out\b)|pruebas?|casos?\s+de\s+prueba)\b", re.I
)
# A modal as a verb (lowercase: "Will's code", "in May" are none) or a condition: no run's result.
MODAL = re.compile(
    r"\b(?i:would|could|might|should|shall|won't|wouldn't|couldn't|if|unless|habria|podria|deberia|si)\b"
    r"|\b(?:will|may)\b|'d\b"
)
# A modal inside what the code was to do is no hypothesis: "does what it should", "works as it should", "behaves how
# it must", "hace lo que debe" (not "would work with a null check": the modal outside it stays one).
AS_IT_SHOULD = re.compile(
    r"\b(?:(?:what|as|how|lo\s+que|como)\s+(?:[\w'-]+\s+){0,3}?(?:would|could)|(?:what|everything|all|as|how|lo\s+que"
    r"|como)\s+(?:[\w'-]+\s+){0,3}?(?:should|must|deberia|debia|debe))\b"
    r"(?:\s+(?:do|have|be|work|behave|hacer|funcionar))?",
    re.IGNORECASE,
)
# Said of the approach's or the analysis's part: "The idea for an O(n) solution was right", "the complexity of the
# code is correct" (a word of the code inside it names what the approach was for, not the subject).
COMPLEMENT = re.compile(
    r"\b((?:approach(?:es)?|idea|ideas|reasoning|intuition|plan|strategy|analysis|complexity|explanation"
    r"|understanding|thinking|insight|instinct|hypothesis|diagnosis|design|concept|enfoque|razonamiento"
    r"|planteamiento|analisis|complejidad|estrategia|explicacion|intuicion))"
    r"\s+(?:of|for|to|behind|about|de|del|para|sobre)\s+(?:\S+\s+){0,4}?"
    rf"(?:{_CODE_EN}|{_CODE_ES})\b",
    re.IGNORECASE,
)
WHETHER_OR_NOT = re.compile(r"\bwhether\s+or\s+not\b", re.IGNORECASE)
NOT_BEFORE = re.compile(
    r"\b(?:not|never|no|nor|cannot|without|nunca|jamas|sin|hardly|barely|neither|none|nothing|zero|nobody"
    r"|far\s+from|anything\s+but|lejos\s+de"
    r"|ningun[oa]?|nada|nadie)\b|n't\b",
    re.IGNORECASE,
)
