"""The solution's success said with no tests and no count ("The submission passed.", "The solution is fully
correct.", "no bugs remained", "La solución es correcta."), checked against what the recorded runs hold
(`success_problems`, called by grader/claims.py for each sentence no other rule of a result read)."""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right

from grader import claim_idioms as idioms
from grader.claim_runs import RUN_NOUN, RUNS_SAID, runs_held, runs_said
from grader.claim_slow import CORRECT_ONLY, NOT_ONLY_CORRECT, only_too_slow
from grader.claim_slow import slow as said_slow
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
SUCCESS = re.compile(
    # ... everything, ... all inputs: "passed everything", "works on all inputs", "handles every case"
    rf"\b(?:pass(?:es|ed)?|{_WORKS}|handl(?:e|es|ed)|cover(?:s|ed)?|solv(?:e|es|ed)|succeed(?:s|ed)?|ran|runs"
    rf"|holds?\s+up|held\s+up|survive[sd]?|cop(?:es|ed)\s+with"
    rf"|pas(?:a|o|aron)"
    rf"|resolv(?:io|ieron|ia)|resuelve|cubr(?:e|io)|manej(?:a|o))\b(?:\s+[\w-]+){{0,3}}?\s+{_TOTAL}"
    rf"|\b(?:{idioms.EVERY_CASE_VERBS})\s+{_TOTAL}"
    # wholly so: "solved it completely", "works perfectly", "resolvió por completo"
    rf"|\b(?:solv(?:e|es|ed)|{_WORKS}|pass(?:es|ed)?|ran|runs|behav(?:e|es|ed)|execut(?:e|es|ed)|perform(?:s|ed)"
    rf"|function(?:s|ed)|resolv(?:io|ieron)|resuelve)\b(?:\s+[\w-]+){{0,3}}?\s+"
    rf"(?:completely|fully|entirely|perfectly|flawlessly|correctly|in\s+full|without\s+(?:any\s+)?(?:issues"
    rf"|problems|errors|bugs)|por\s+completo|perfectamente|correctamente|sin\s+(?:errores|problemas|fallos))\b"
    # solved: "solved the problem", "was able to solve it", "resolvió el problema"
    r"|(?<!\bto\s)\bsolved\b|\b(?:able|managed)\s+to\s+solve\b|\bresolv(?:io|ieron)\b|\bresuelto\b"
    # a perfect score, the verdict; the right output for everything; got it right, nailed it; a working solution
    r"|\b(?:perfect|full|top|maximum|100\s*%?)\s+(?:score|marks|credit)\b|\bpuntuacion\s+(?:perfecta|maxima)\b"
    r"|\bnota\s+maxima\b|\b(?:verdict|veredicto)\W+(?:(?:was|is|fue|es)\s+)?(?:accepted|aceptad[oa])\b"
    rf"|\b(?:correct|right|expected)\s+(?:output|answer|result|value|ind(?:ex|ices)|pair|return|response|sum|count"
    rf"|list|array|salida|respuesta|resultado|valor|indice|par)[\w-]*(?:\s+[\w-]+){{0,3}}?\s+{_TOTAL}"
    r"|\b(?:got|gets|get)\s+(?:it|this|everything|the\s+(?:problem|question|task|solution))\s+(?:all\s+)?right\b"
    r"|\b(?:nail(?:ed|s)|ac(?:ed|es)|crack(?:ed|s)|complet(?:ed|es))\s+(?:it|the\s+(?:problem|question|task"
    r"|solution|interview|challenge|exercise))\b(?![\s-]+(?:statement|description|discussion|phase|setup|walkthrough"
    r"|analysis|explanation|reading|summary|definition|constraints?|examples?)\b)"
    r"|\b(?:correct(?:ness)?|solved|passed|resuelto|correccion)\s*[:=]\s*(?:yes|true|ok|full|100\s*%?|si)\b"
    rf"|(?:\b(?:a|an|their|his|her|its|with)\s+|^\W*(?:\d{{1,2}}[.)]\s*)?)(?:{_WHOLLY}\s+)?(?:(?:complete|clean|efficient),?\s+(?:and\s+)?)?"
    rf"(?:correct|working|passing|bug[\s-]*free|flawless|{idioms.RIGHT}),?\s+"
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
# Said as what someone said, thought or asked, not as the grader's finding: "The candidate said the code was correct",
# "They believed the solution worked", "was confident that it passed", "asked whether the code was correct", "It is
# unclear whether the final code works", "Dijo que su código funcionaba", "creyó que su solución era correcta". Only
# verbs that leave it open (not "showed", "proved", "confirmed", "knew", "found": those make it a fact), and only
# where the verb governs the claim: nothing between them but words ("After they said they were done, the code
# passed" is the grader's). Taken up by the sentence it is the grader's again (`ENDORSED`).
REPORTED = re.compile(
    r"\b(?:said|says|claim(?:s|ed)|stat(?:ed|es)|assert(?:s|ed)|insist(?:s|ed)|believ(?:e|es|ed|ing)|thought"
    r"|thinks?|assum(?:e|es|ed|ing)|felt|feels?|guess(?:es|ed)|hop(?:es|ed)|suspect(?:s|ed)|wonder(?:s|ed)"
    r"|announc(?:es|ed)|declar(?:es|ed)|argu(?:es|ed)|maintain(?:s|ed)|told\s+(?:the\s+)?\w+|whether"
    r"|(?:impression|belief|assumption|claim|expectation)\s+that"
    r"|(?:was|were|is|are|felt|seemed|sounded)\s+(?:very\s+|quite\s+|fully\s+)?(?:confident|sure|certain"
    r"|convinced|adamant|positive)"
    r"|dijo|dice|decia|afirm(?:o|a|aba)|asegur(?:o|a|aba)|cre(?:yo|ia|e)|pens(?:o|aba)|supon(?:ia|e)|supuso"
    r"|asumi(?:o|a)|sostuvo|insisti(?:o|a)|declaro|(?:estaba|estaban)\s+(?:muy\s+)?(?:segur|convencid)[oa]s?)\b",
    re.IGNORECASE,
)
# A report said beside its claim, not before it: "It works, the candidate said.", "The code, they claimed, was
# correct.", "\"My code works,\" she said.", "according to the candidate", "in their words", "según ella" (not
# "The code passed, they said nothing.": no report of it; nor "according to the judge").
_REPORTER = r"(?:(?:the|their|our)\s+(?:[\w-]+\s+)?(?:candidate|interviewee|applicant|engineer|developer)|they|she|he)"
_REPORT_VERB = (
    r"(?:said|says|claim(?:s|ed)|stat(?:ed|es)|assert(?:s|ed)|insist(?:s|ed)|believ(?:es|ed)|thought|thinks|felt"
    r"|feels|guess(?:es|ed)|argu(?:es|ed)|maintain(?:s|ed)|announc(?:es|ed)|declar(?:es|ed)|dijo|afirm(?:o|a)"
    r"|asegur(?:o|a)|cre(?:ia|e|yo)|pens(?:aba|o))"
)
REPORTED_BESIDE = re.compile(
    rf"(?:[,(\u2014\u2013]|[\"\u201d'])\s*(?:{_REPORTER}\s+(?:(?:also|later|then|confidently|repeatedly|proudly"
    rf"|quickly|firmly)\s+)?{_REPORT_VERB}|{_REPORT_VERB}\s+{_REPORTER})\b(?:\s+(?:so|too|then|later|afterwards"
    r"|confidently|proudly|firmly|repeatedly|aloud|at\s+(?:the|that)\s+(?:time|point)|before\s+submitting"
    r"|in\s+the\s+interview))*\s*(?:[,;.!?)\u2014\u2013]|$)"
    r"|(?:^|[,(\u2014\u2013])\s*(?:according\s+to|per|in\s+the\s+view\s+of)\s+(?:the\s+)?(?:candidate|interviewee"
    r"|applicant|them|her|him)\b"
    r"|\bin\s+(?:their|his|her|the\s+candidate's)\s+(?:own\s+)?(?:words|view|opinion|telling|account)\b"
    r"|\bby\s+(?:their|his|her|the\s+candidate's)\s+(?:own\s+)?account\b"
    r"|\bsegun\s+(?:ella|el|la\s+candidata|el\s+candidato|sus\s+palabras)\b|\ben\s+sus\s+palabras\b",
    re.IGNORECASE,
)
# A report's "that" with an aside after it still governs what follows: "said that, in the end, it worked".
ASIDE = re.compile(r"\s*,(?!\s*(?:and|but|so|or|y|pero)\b)[^,;:()\u2014\u2013\"\u201c\u201d]{1,60}?,")
# What stands between a report and its claim when the verb no longer governs it: a mark or a word that starts
# another clause ("said they were done, and then the code passed", "thought for a while before it passed").
UNGOVERNED = re.compile(
    r"[,;:()\u2014\u2013]|\b(?:and|then|so|before|after|when|once|until|because|since|while|as|y|luego|antes"
    r"|despues|cuando|porque|mientras)\b",
    re.IGNORECASE,
)
# The report taken up: "as the candidate said", "rightly claimed", "..., and it was", "which it did", "con razón",
# "y así fue", and a next sentence that is only that ("It was.", "Indeed.": `ENDORSED_ALONE`).
# The report's own start: "said that ...", "dijo que ...", "said: \"my code works\"", "dijo «...»".
QUOTED = re.compile(r"\s*(?:that\b|que\b|[:,]?\s*[\"'\u201c\u2018\u00ab])", re.IGNORECASE)
ENDORSED = re.compile(
    r"\b(?:as|como)\s+(?:[\w'-]+\s+){0,3}?(?:said|says|claim\w*|stat\w*|assert\w*|believ\w*|thought|assum\w*"
    r"|dijo|afirm\w*|asegur\w*|cre\w*|pens\w*)\b"
    r"|\b(?:rightly|correctly|accurately|justifiably|truthfully|acertadamente|correctamente)\s+(?:[\w'-]+\s+)?"
    r"(?:said|says|claim\w*|stat\w*|assert\w*|believ\w*|thought|thinks?|assum\w*|felt|dijo|afirm\w*"
    r"|asegur\w*|cre\w*|pens\w*)"
    r"|(?:\b(?:and|which|as|y)\s+|[(\u2014\u2013;,]\s*)(?:so\s+)?(?:indeed\s+)?(?:it|they|she|he|this|that|lo)\s+"
    r"(?:indeed\s+|really\s+|actually\s+)?(?:was|were|is|are|did|does|do|had|has|era|fue|es)"
    r"(?:\s+(?:indeed|too|so|true|right|correct|pass\w*|work\w*|ciert[oa]|razon))?\s*(?:[).!?;,\u2014]|$)"
    r"|\b(?:rightly|correctly|justifiably)\s+so\b|\bindeed\b"
    r"|[,\u2014\u2013(]\s*(?:and\s+)?(?:rightly|correctly|accurately|justifiably)\s*(?:so\s*)?(?:[).!?;,]|$)"
    r"|\b(?:which|and\s+(?:this|that|it))\s+(?:was|is|proved|turned\s+out)\s+(?:to\s+be\s+)?(?:true|right|correct"
    r"|the\s+case)\b"
    r"|\b(?:which|as|and)\s+(?:the\s+)?(?:(?!(?:not|never|no)\b)(?![\w'-]*n't\b)[\w'-]+\s+){0,3}?"
    r"(?:confirm\w*|show\w*|prov\w*|verif\w*|bears?\s+(?:it|this|that)\s+out)\b"
    r"(?!\s+(?:otherwise|the\s+opposite|(?:(?:it|this|that|them)\s+)?(?:to\s+be\s+)?(?:wrong|false|incorrect|mistaken)))"
    r"|(?<!\bnot\s)\b(?:was|were|is|are)\s+(?:confirmed|verified|borne\s+out)\b"
    r"|\bcon\s+razon\b|\befectivamente\b|\ben\s+efecto\b|\b(?:y|como)\s+asi\s+(?:era|fue|es)\b"
    # the record agreeing (not the interviewer: "and the interviewer agreed" is one more report)
    r"|\b(?:and|which|as)\s+(?:the\s+|its\s+|their\s+)?(?:runs?|tests?|results?|submissions?|judge|facts|evidence"
    r"|record)\s+(?:(?:all|also|both)\s+)?(?:agree\w*|support\w*|back\w*\s+(?:it|this|that)\s+up)\b",
    re.IGNORECASE,
)
# The grader's own belief is its finding: "I believe the code is correct", "my impression is that it works" (read
# outside quotes: "The candidate said, 'I think it works'" is the candidate's).
FIRST_PERSON = re.compile(
    r"\b(?:i|we)\s+(?:[\w']+\s+)?(?:say|said|claim\w*|stat\w*|believ\w*|think|thought|assum\w*|feel|felt|am|are)\b"
    r"|\b(?:my|our)\s+(?:impression|belief|assumption|claim|expectation|view)\b"
    r"|\b(?:creo|creemos|pienso|considero|consideramos)\b",
    re.IGNORECASE,
)
IN_QUOTES = re.compile(  # each stops at the next opening mark: linear however many are left unclosed
    r'"[^"]*"|\u201c[^\u201c\u201d]*\u201d|\u00ab[^\u00ab\u00bb]*\u00bb|(?<!\w)\'[^\']*\'(?!\w)'
    r"|\u2018[^\u2018\u2019]*\u2019"
)
# A next sentence that confirms it: "The submission confirms it.", "The runs bear this out." (not "... do not").
CONFIRMED = re.compile(
    r"\A\W*(?:(?:and|y)\s+)?(?:the\s+|its\s+|their\s+)?(?:[\w'-]+\s+){0,3}?(?:(?:confirm(?:s|ed)?|verif(?:y|ies|ied))\s+"
    r"(?:it|this|that|so)|bears?\s+(?:it|this|that)\s+out|bore\s+(?:it|this|that)\s+out|lo\s+confirm\w*)\b",
    re.IGNORECASE,
)
ENDORSED_ALONE = re.compile(
    r"\W*(?:(?:and|but|y|pero)\s+)?(?:(?:indeed|and\s+indeed|en\s+efecto|efectivamente)\W+)?(?:(?:it|they|she|he|that|this|which|lo)\s+(?:indeed\s+|really\s+|actually\s+)?"
    r"(?:was|were|is|are|did|does|do|had|has|held|era|fue|es)(?:\s+(?:indeed|too|so|true|right|correct))?"
    r"|indeed|true|correct|right|rightly\s+so|correctly\s+so|and\s+so\s+it\s+(?:was|did)|asi\s+(?:es|fue|era)"
    r"|en\s+efecto|efectivamente|cierto|con\s+razon)\W*",
    re.IGNORECASE,
)
# A question asks, it does not say ("Does the code work?", "Is it correct? Not quite."), unless the next sentence
# answers it yes ("Does it work? It does.", "Did the code pass? Yes."): then it says what it asked. Only a yes-or-no
# question, one that opens with its verb ("Did it pass?", "¿Funciona?"): "Why did the code pass?" takes it as given.
YES_NO = re.compile(
    r"\W*(?:(?:so|and|but|then|y|pero)\W+)?(?:(?P<aux>do|does|did|has|have|had)(?:n't)?|is|was|are|were"
    r"|(?:is|was|are|were)n't)\b|\W*¿(?!\W*(?:que|por\s+que|como|cual|cuales|cuando|donde|quien|quienes"
    r"|cuanto|cuantos|cuantas)\b)",
    re.IGNORECASE,
)
ANSWERED_YES = re.compile(
    r"\W*(?:(?:well|so|oh|and|in\s+short|in\s+a\s+word|short\s+answer)\W+)?(?:yes|yeah|yep|yup|indeed|absolutely"
    r"|definitely|certainly|sure|of\s+course|correct|right|affirmative"
    r"|si|claro|por\s+supuesto|efectivamente|en\s+efecto|(?:the\s+)?answer\s+is\s+(?:a\s+(?:clear\s+)?)?(?:yes|si)"
    r"|(?:it|they|she|he|this|that|lo|(?:the|their|its)\s+(?:final\s+)?(?:code|solution|submission|implementation"
    r"|program|function|candidate))\s+"
    r"(?:\w+ly\s+|indeed\s+|sure\s+)?(?:does|did|do|is|was|were|are|has|had|hace|hizo|es"
    r"|fue|pass\w*|work\w*|funcion\w*|pas[oa]))\b",
    re.IGNORECASE,
)
# "The only one" is the one there is, no hedge: "Did it pass the hidden test? Yes, the only one."
THE_ONLY = re.compile(
    r"\b(?:the|its|their|la|el|su)\s+(?:only|single|sole|unic[oa])\s+(?:(?:visible|hidden)\s+)?(?:one|test|case"
    r"|prueba|caso)\b",
    re.IGNORECASE,
)
# What makes an answer no yes: "Yes, but only the visible tests.", "It does not.", "Unclear.", "It shows otherwise."
DOUBT = re.compile(
    r"\b(?:otherwise|opposite|unclear|unknown|unverified|uncertain|doubt\w*|maybe|perhaps|probably|possibly|likely"
    r"|quizas|tal\s+vez)\b",
    re.IGNORECASE,
)
# The question said as a statement: "Does it work?" is "it worked", "Did the code pass?" is "the code passed".
ASKED_VERB = re.compile(r"\b(work|pass|succeed|solve|handle|cover|run)\b", re.IGNORECASE)
STATED = {"work": "worked", "pass": "passed", "succeed": "succeeded", "solve": "solved", "handle": "handled",
          "cover": "covered", "run": "ran"}  # fmt: skip
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


def _full(shown: str) -> bool:
    counts = [(int(m.group(2)), int(m.group(3))) for m in SHOWN_COUNT.finditer(shown)]
    return bool(counts) and all(a == b > 0 for a, b in counts)


def _clipped(text: str, limit: int = 200) -> str:
    return text if len(text) <= limit else f"{text[:limit]}\u2026"


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


def _subject(before: str) -> str:
    """What comes before a claim, read for its subject: a complement of the approach is the approach's ("the idea
    for an O(n) solution"), and "whether or not" denies nothing."""
    return WHETHER_OR_NOT.sub("whether", COMPLEMENT.sub(r"\1", before))


def _report_start(text: str, report: re.Match[str]) -> int:
    """Where what a report says starts: after its "that", "que" or opening quote."""
    quoted = QUOTED.match(text, report.end())
    if quoted is None:
        return report.end()
    aside = ASIDE.match(text, quoted.end()) if quoted.group(0).strip().lower() in ("that", "que") else None
    return aside.end() if aside else quoted.end()


def _reported(before: str, endorsed: bool) -> bool:
    """What follows `before` is said as what someone said, thought or asked (`REPORTED`), and the sentence does not
    take it up (`endorsed`)."""
    if endorsed:
        return False
    reports = list(REPORTED.finditer(before))
    if not reports:
        return False
    return UNGOVERNED.search(before, _report_start(before, reports[-1])) is None


def _claims_success(
    clause: str, claim: re.Match[str], state: bool, endorsed: bool, tests: bool = False
) -> bool:
    """`claim` in `clause` says the candidate's solution succeeded; `state`: it is said as a state (`STATE`);
    `endorsed`: its sentence takes up what it reports (`ENDORSED`); `tests`: said with no subject, it is the tests'
    named before it."""
    before, said = _subject(clause[: claim.start()]), claim.group(0)
    if NOT_BEFORE.search(before) or (NOT_BEFORE.search(said) and not NO_BUGS.fullmatch(said)):
        return False  # "did not pass", "is not correct"
    if FAILING.search(said) or NOT_THE_CODE.search(said) or TESTS_FIRST.search(before):
        return False  # "correct approach, incorrect code"; tests named first: the test checks read it
    if _reported(before, endorsed):
        return False  # "The candidate said the code was correct"
    rest = before + clause[claim.start() :]
    if NOT_THE_CODE.search(rest) and not THE_CODE.search(rest):
        return False  # "The approach is correct in principle", "The idea for an O(n) solution was right"
    if WORKS.search(said) and not (OF_THE_CODE.search(before) or THE_CODE.search(said)):
        return False  # "The candidate worked steadily"
    if state and QUALITY_SUBJECT.search(before):
        return False  # "The code's structure is sound"
    subjectless = not tests and SUBJECTLESS.fullmatch(before) is not None
    return not state or OF_THE_CODE.search(before) is not None or subjectless


def _of_the_code(clause: str, endorsed: bool, tests: bool = False) -> re.Match[str] | None:
    """`clause` says, in any other words, that the code succeeded (`GOOD`) or did not fail (`NO_BAD`): said of the
    code ("the submission", "it") or of nothing else, with no tests, approach, hedge or negation in it; the word
    that says it."""
    clause = _subject(clause)  # "the idea for an O(n) solution was right": the idea was
    if TESTS_FIRST.search(clause) or KINDS.search(clause):
        return None  # the test checks read it ("the sample" is read as the visible tests)
    if NOT_THE_CODE.search(clause) and not THE_CODE.search(clause):
        return None
    # Each word of success, read against what comes before it, found once for the clause (linear in its length).
    denied, named = NOT_BEFORE.search(clause), OF_THE_CODE.search(clause)
    subjectless = None if tests else SUBJECTLESS.match(clause)
    quality = QUALITY_STATE.search(clause)
    reports = [] if endorsed else [_report_start(clause, r) for r in REPORTED.finditer(clause)]
    stops = [u.start() for u in UNGOVERNED.finditer(clause)]
    for m in GOOD.finditer(clause):
        p = m.start()
        if denied is not None and denied.end() <= p:
            break  # "did not pass", and every word after it
        if not (
            (named is not None and named.end() <= p)
            or (subjectless is not None and p <= subjectless.end() and SUBJECTLESS.fullmatch(clause, 0, p))
        ):
            continue
        if quality is not None and quality.end() <= p:
            continue  # "The code style is clean and airtight"
        last = bisect_right(reports, p) - 1  # the last report before it governs it, with no stop between
        if last >= 0 and bisect_left(stops, reports[last]) == bisect_left(stops, p):
            continue  # "The candidate said the code worked"
        return m
    bad = NO_BAD.search(clause)
    if bad is None or QUALITY.search(clause) or _reported(clause[: bad.start()], endorsed):
        return None
    if OF_THE_CODE.search(clause) is not None or (not tests and SUBJECTLESS.fullmatch(clause[: bad.start()])):
        return bad
    return None


def as_said(sentence: str, following: str) -> str | None:
    """What `sentence` says: itself, or a yes-or-no question (`YES_NO`) as a statement where `following` (the next
    sentence) answers it yes ("Does it work? It does." is "it worked"); None: a question it does not answer yes, which
    says nothing."""
    if not sentence.rstrip().endswith("?") or not YES_NO.match(sentence):
        return sentence
    question, answer = sentence, prepared_sentence(following)
    yes = ANSWERED_YES.match(answer) or CONFIRMED.match(answer)
    if (
        not yes
        or NOT_BEFORE.search(answer)
        or HEDGE.search(THE_ONLY.sub(" ", answer))
        or FAILING.search(answer)
        or DOUBT.search(answer)
    ):
        return None
    asked = YES_NO.match(question)
    if asked is not None and asked.group("aux"):
        question = question[asked.end() :]  # "Did the code pass?": "the code pass", then "the code passed"
        question = ASKED_VERB.sub(lambda m: STATED[m.group(1).lower()], question)
    elif asked is not None:  # "Isn't it correct? It is.": asked of it being so
        question = question[: asked.end()].lower().replace("n't", "") + question[asked.end() :]
    return question.rstrip().rstrip("?").rstrip() + "."


def success_problems(
    where: str,
    sentence: str,
    facts: Facts,
    index: CitationIndex,
    following: str = "",
    rest: str = "",
    *,
    tests: bool = False,
) -> list[str]:
    """A clause of `sentence` that says the candidate's solution succeeded, where the recorded runs say otherwise
    (`SUCCESS`, `NO_BUGS`); `following`: the sentence after it, which may take up what it reports ("It was.") or
    answer its question ("Does it work? It does."); `rest`: for a question answered yes, the sentence after its answer,
    where the answer goes on ("Is it correct? Yes, it is; it is just too slow."); `tests`: the sentence goes on about
    the tests named before it, which are what it says succeeded when it names no subject ("The visible tests? All
    green.", "Did it pass the visible tests? Yes, both.")."""
    stated = as_said(prepared_sentence(sentence), following)
    if stated is None:
        return []  # "Does the code work?", "Is it correct? Not quite."
    prepared = stated
    endorsed = bool(
        ENDORSED.search(prepared)
        or FIRST_PERSON.search(IN_QUOTES.sub(" ", prepared))
        or ENDORSED_ALONE.fullmatch(next_one := prepared_sentence(following))
        or (CONFIRMED.match(next_one) is not None and NOT_BEFORE.search(next_one) is None)
    )
    slow = said_slow(f"{prepared} {following} {rest}")  # "The code is correct; it just times out."
    for clause in SUCCESS_CLAUSES.split(prepared):
        if HEDGE.search(clause) or MODAL.search(AS_IT_SHOULD.sub(" ", clause)) or idioms.AIMED.search(clause):
            continue
        if not endorsed and REPORTED_BESIDE.search(clause):
            continue  # "It works, the candidate said."
        claims = [
            claim
            for pattern in (SUCCESS, STATE, NO_BUGS)
            if (claim := pattern.search(clause))
            and _claims_success(clause, claim, pattern is STATE, endorsed, tests)
        ]
        if not claims and (other := _of_the_code(clause, endorsed, tests)):
            claims = [other]
        if not claims:
            continue
        earlier = CONTRAST.search(clause) is not None
        # A run named as what succeeded ("Every run passed.", "Their last run was accepted."): held to the runs.
        runs = runs_said(clause[: min(c.start() for c in claims)])
        if runs is not None:
            if runs_held(index, runs):
                continue
            said = repr(clause.strip().rstrip(",:").rstrip())
            return [
                f"- {where}: {said}: says {RUNS_SAID[runs]} succeeded (passed every test it ran), which the runs "
                f"shown do not hold ({summary(facts)}); state what each run's result line shows (\"visible tests "
                '1/2 passed") or what the facts count'
            ]
        if succeeded(facts, index, at_end=not earlier):
            continue
        if (
            slow
            and all(CORRECT_ONLY.search(c.group(0)) for c in claims)
            and not NOT_ONLY_CORRECT.search(clause)
            and only_too_slow(facts, index)
        ):
            continue  # "The solution is correct but too slow": every test that finished passed
        when = "at some point" if earlier else "at the end"
        said = repr(clause.strip().rstrip(",:").rstrip())
        if len(clause.split()) < 4 and clause.strip() != prepared.strip():
            said = f"{said} in {_clipped(sentence.strip())!r}"  # "'Correct' in 'Correct, but ...'"
        taken_up = ""
        if endorsed and any(REPORTED.search(clause, 0, c.start()) for c in claims):
            taken_up = " (its sentence, or the next, takes up as yours what it reports)"
        return [
            f"- {where}: {said}: says the candidate's solution succeeded (passed, correct, works, "
            f"solved) {when}{taken_up}, which the recorded runs do not hold ({summary(facts)}); state what the "
            'runs show ("passed N of M hidden tests") or what the approach gets right, not that the solution '
            "succeeded"
        ]
    return []
