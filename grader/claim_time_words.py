"""The words a scorecard states the interview's time in (for grader/claim_time.py), English and Spanish as
`grader.claims.readable` leaves them (accents folded): durations with their units, and the phrases that say the time
ran out, was short, was left over, or that the candidate was slow.

Each phrase family says one thing the facts' `time_used_s`, `time_allowed_s` and `first_all_visible_pass_s` can
contradict; grader/claim_time.py holds them to the tolerances docs/grading.md states. Left out on purpose, as no
statement of the interview's time: a complexity ("O(n) time", "linear time", "time complexity"), the judge's time
limit ("time limit exceeded", "hit the time limit", "timed out"), "time" in a compound ("time-efficient"), and a
phase's own pace ("quickly found the bug", "slow in debugging")."""

from __future__ import annotations

import re

from grader.claim_tallies import ANY_NUMBER

# A number in digits (a decimal too: "1.5 hours"; thousands grouped with commas: "1,000 seconds") or in words,
# English or Spanish.
_N = rf"(?:\d{{1,3}}(?:,\d{{3}})+(?:\.\d+)?|\d+(?:\.\d+)?|{ANY_NUMBER})"
# "m" alone is left out: it is too often a name ("n m", "O(n m)"); it is read only after hours ("1h 30m").
_UNIT = r"(?:hours?|hrs?|h|horas?|minutes?|mins?|minutos?|seconds?|secs?|s|segundos?)"
SECONDS_PER = {"h": 3600, "m": 60, "s": 1}
# Said whole: "half an hour", "a quarter of an hour", "an hour and a half".
FIXED = {
    "half an hour": 1800,
    "a half hour": 1800,
    "half hour": 1800,
    "media hora": 1800,
    "an hour": 3600,
    "una hora": 3600,
    "a quarter of an hour": 900,
    "quarter of an hour": 900,
    "three quarters of an hour": 2700,
    "un cuarto de hora": 900,
    "tres cuartos de hora": 2700,
    "an hour and a half": 5400,
    "una hora y media": 5400,
    "a minute": 60,
    "half a minute": 30,
    "un minuto": 60,
    "medio minuto": 30,
}
_FIXED = (
    r"(?:(?:an|una)\s+(?:hour|hora)\s+(?:and\s+a\s+half|y\s+media)\b|half[\s-]an[\s-]hour|a\s+half[\s-]hour"
    r"|(?<!an\s)(?<!a\s)\bhalf[\s-]hour|media\s+hora|(?:a\s+|three[\s-])?quarters?\s+of\s+an\s+hour"
    r"|(?:un|tres)\s+cuartos?\s+de\s+hora|(?<!half\s)(?<!of\s)\ban\s+hour|una\s+hora"
    # "within a minute", "in under a minute": a minute is as much a duration as "1 minute"
    r"|half\s+a\s+minute|(?<!half\s)\ba\s+minute|medio\s+minuto|un\s+minuto)\b"
)
# "and a half" after a number or its unit: "one and a half hours", "2 hours and a half".
_HALF = r"(?:\s+and\s+a\s+half|\s+y\s+medi[ao])"
# One part of a duration; "1000s of lines" is a plural of thousand, not seconds ("200s of the 2700s" stays seconds).
_PART = (
    rf"(?:(?<![\w.,:/^]){_N}\+?{_HALF}?[\s-]?{_UNIT}(?![\w/^])(?!(?<=\ds)\s+of\s+(?!the\b|their\b|its\b|los\b"
    rf"|las\b|\d)){_HALF}?|{_FIXED})"
)
# A duration, its parts summed ("1 hour 20 minutes", "1h 30m", "3 minutes and 20 seconds"; minutes as "m" only after
# another part) and a range read whole ("40-45 minutes", "between 40 and 45 minutes", "one or two minutes"): "about
# 10 minutes", "under 15 min", "the 20-minute mark", "45 minutos", "half an hour", "45+ minutes".
DURATION = re.compile(
    rf"(?:(?P<between>\b(?:between|entre)\s+)?(?P<lo>(?<![\w.,:/^]){_N})(?:\s*[-\u2013]\s*(?=\d)|\s+(?:to|or|o"
    rf"|(?(between)(?:and|y)|(?!)))\s+(?={_N})))?"
    rf"(?P<parts>{_PART}(?:\s*,?\s*(?:and\s+|y\s+)?(?:{_PART}|(?<![\w.,:/^])\d+\s?m(?![\w/^])))*)",
    re.IGNORECASE,
)
# Each part of a duration's `parts`, read for its value.
DURATION_PART = re.compile(
    rf"(?P<n>{_N})(?P<plus>\+)?(?P<half>{_HALF})?[\s-]?(?P<unit>{_UNIT}|m)(?P<half2>{_HALF})?(?![\w/^])"
    rf"|(?P<fixed>{_FIXED})",
    re.IGNORECASE,
)
# What stands right before a duration and bounds it: "under 15 minutes" (at most), "over 40 minutes" (at least).
AT_MOST = re.compile(
    r"\b(?:under|less\s+than|fewer\s+than|within|at\s+most|no\s+more\s+than|inside|below|menos\s+de|en\s+menos\s+de"
    r"|dentro\s+de)\s+(?:(?:just|only|about|around|roughly|approximately|the\s+first|the)\s+)?\Z",
    re.IGNORECASE,
)
AT_LEAST = re.compile(
    r"\b(?:over|more\s+than|at\s+least|upwards\s+of|past|beyond|mas\s+de|al\s+menos)\s+(?:(?:just|only|about|around"
    r"|roughly|the)\s+)?\Z",
    re.IGNORECASE,
)
# A duration that is not the interview's: the judge's or the code's time ("a 2-second time limit", "ran in 40 ms",
# "timed out after 10 s", "per test"), a complexity, a hypothesis of the code's cost ("would take 3 hours on 10^9
# inputs"), a rate ("every 5 minutes").
NOT_THE_INTERVIEW = re.compile(
    r"\b(?:time\s*limits?|timeouts?|timed\s+out|time_limit|tle|per\s+(?:test|case|call|run)|each\s+(?:test|case)"
    r"|runtimes?|run\s*time|execution|executes?|ran\s+in|runs\s+in|to\s+run|inputs?|elements|operations|complexity"
    r"|n\s*=|10\^|\d+e\d+|a\s+day|per\s+day|a\s+week|limite\s+de\s+tiempo|por\s+prueba|tiempo\s+de\s+ejecucion)\b"
    # a rate: "every 5 minutes", "every few minutes" (not "every visible test")
    r"|\bevery\s+(?:(?:few|couple\s+of|other|\d+|[a-z]+)\s+)?(?:seconds?|secs?|minutes?|mins?|hours?|hrs?|s|h)\b",
    re.IGNORECASE,
)
# The duration is the time allowed: "the 45-minute interview", "of the 45 minutes", "45 minutes allowed".
_SESSION = r"(?:interview|session|screen|call|slot|time\s*box|phone\s+screen|entrevista|sesion)"
ALLOWED_AFTER = re.compile(
    rf"[\s-]+(?:(?:long\s+|technical\s+|coding\s+|phone\s+)?{_SESSION}\b|(?:(?:was|were|is|are)\s+)?(?:allowed|available|allotted|given)\b)",
    re.IGNORECASE,
)
ALLOWED_BEFORE = re.compile(
    r"\b(?:(?:out\s+)?of|de)\s+(?:the|their|his|her|los|las|a|an)\s+(?:(?:full|whole|entire|allotted|available)\s+)?"
    r"\Z|\b(?:(?:out\s+)?of|de)\s+\Z|\b(?:we|you|they|tenemos|tienes)\s+(?:(?:have|had|get|got)\s+)?(?:about\s+|around"
    r"\s+|unos\s+)?\Z",
    re.IGNORECASE,
)
# Most of a duration used: "used most of the 45 minutes" (with the time allowed, at least half of it was used).
_MOST = (
    r"(?:used|using|took|taking|needed|spent|spending|filled|consumed)\s+(?:up\s+)?(?:most|nearly\s+all|almost\s+all"
    r"|(?:the\s+)?better\s+part|the\s+bulk|the\s+majority)\s+of\s+(?:the|their)\s+"
)
MOST_BEFORE = re.compile(rf"\b{_MOST}\Z", re.IGNORECASE)
# The whole time allowed, by name: "the full 45 minutes", "the whole 45-minute interview", "los 45 minutos completos".
WHOLE_BEFORE = re.compile(r"\b(?:the|their|los|las)\s+(?:full|whole|entire|complete)\s+\Z", re.IGNORECASE)
WHOLE_AFTER = re.compile(r"\s+(?:completos|enteros)\b", re.IGNORECASE)
# The duration is what is left: "with 10 minutes left", "30 minutes to spare", "quedaban 5 minutos".
REMAINING_AFTER = re.compile(
    r"(?:[\s-]+(?:\w+\s+)?(?:left|remaining|unused|to\s+spare|to\s+go|before\s+the\s+end|of\s+(?:the\s+)?(?:time\s+)?"
    r"(?:left|remaining)|restantes?|de\s+sobra|por\s+delante)\b)",
    re.IGNORECASE,
)
REMAINING_BEFORE = re.compile(r"\b(?:quedaban|quedando|sobraban|faltaban)\s+(?:unos\s+)?\Z", re.IGNORECASE)
# The duration is the whole time used: "the interview lasted 20 minutes", "used 3 of the 45 minutes", "total time: 3
# min", "finished the interview in 12 minutes", "la entrevista duro 20 minutos". Not "spent 12 minutes in total on
# the bug": that is a part of the time, held only to fit in it.
TOTAL_BEFORE = re.compile(
    rf"\b(?:{_SESSION}\s+(?:only\s+|just\s+)?(?:lasted|ran(?:\s+for)?|took|went\s+on\s+for|was\s+over\s+(?:in|after)"
    # the interview's own end, not the candidate's finish: "the interview finished after 30 minutes", "the session
    # ended at 45 minutes"
    rf"|(?:finished|ended|wrapped\s+up|closed|concluded|termino|acabo)\s+(?:in|after|at|within|en|tras|a\s+los)"
    rf"|duro)|(?:finished|ended|wrapped\s+up|completed|closed|termino)\s+(?:the|their|la)\s+{_SESSION}"
    rf"\s+(?:in|after|en|tras)|total\s+time(?:\s+used)?\s*[:=]?|time\s+used\s*[:=]?|tiempo\s+(?:total|usado)\s*[:=]?"
    r")\s+(?:(?:only|just|about|around|roughly|approximately|nearly"
    r"|almost|some|a\s+total\s+of|unos)\s+)*\Z",
    re.IGNORECASE,
)
TOTAL_AFTER = re.compile(
    r"\s+(?:of\s+(?:the|their)\s+(?:\d+|[a-z-]+)[\s-](?:minutes|min"
    r"|hours?)|out\s+of\s+(?:the\s+)?(?:\d+|[a-z-]+)[\s-](?:minutes|min|hours?))\b",
    re.IGNORECASE,
)
# A count of the time allowed used, the first number without a unit: "used 30 of the 45 minutes", "3 de 45 minutos".
USED_OF = re.compile(
    rf"(?<![\w.:/])(?P<n>{_N})\s+(?:of|out\s+of|de)\s+(?:the\s+|their\s+|its\s+|los\s+)?(?:{_N})[\s-]?(?P<unit>{_UNIT})"
    r"(?![\w/^])",
    re.IGNORECASE,
)
# A duration after a word of the candidate's finish: "solved it in 10 minutes", "had a working solution within 5
# minutes", "passed every visible test after 3 minutes", "every visible test passed within 10 minutes", "finished the
# problem in the first 10 minutes", "had a working solution 10 minutes in" (it is when the first run that passed
# them came).
# Not after the interview as subject: "the interview finished after 30 minutes" is its end (`TOTAL_BEFORE`).
_NOT_SESSION = "".join(
    rf"(?<!{w}\s)" for w in ("interview", "session", "screen", "call", "slot", "entrevista", "sesion")
)
# A pass of the tests in Spanish, either word order ("paso todas las pruebas visibles", "todas las pruebas pasaron",
# "las pruebas visibles pasaban todas", "supero los dos ejemplos"), a working solution ("tenia una solucion
# funcional") and the solve's participle ("habia resuelto el problema"): a Spanish interview is graded in Spanish, and
# its scorecard says the pass in these words.
_PRUEBAS = (
    r"(?:(?:todas|todos|ambas|ambos|las\s+dos|los\s+dos)\s+)?(?:las|los)\s+(?:(?:dos|tres|cuatro|cinco)\s+)?"
    r"(?:pruebas|tests|casos(?:\s+de\s+prueba)?|ejemplos)(?:\s+(?:visibles|dados|dadas|de\s+ejemplo))?"
)
_PASAR = (
    r"(?:paso|pasaron|pasaba|pasaban|pasaran|pasara|supero|superaron|superaba|superaban|aprobo|aprobaron"
    r"|(?:ha|habia|han|habian)\s+(?:pasado|superado|aprobado)|estaban\s+pasando|se\s+superaron)"
)
_PASO = (
    rf"{_PASAR}\s+{_PRUEBAS}(?:\s+(?:todas|todos))?"
    rf"|(?:todas|todos|ambas|ambos)\s+{_PRUEBAS}\s+(?:ya\s+)?{_PASAR}"
    rf"|{_PRUEBAS}\s+(?:ya\s+)?{_PASAR}(?:\s+(?:todas|todos|ambas|ambos))?"
    r"|(?:tenia|tuvo|consiguio|logro|obtuvo|escribio|llego\s+a)\s+una\s+solucion\s+(?:funcional|correcta|completa"
    r"|que\s+funcionaba|que\s+pasaba)"
    r"|(?:ha|habia|hubo)\s+(?:resuelto|terminado|completado)(?:\s+el\s+(?:problema|ejercicio))?"
)
_FINISH = (
    rf"{_NOT_SESSION}(?:solved|finished|completed|cracked|nailed|wrapped\s+up|resolvio|termino|completo)"
    r"(?:\s+(?:it|the\s+(?:problem|question|task|exercise|solution|implementation|code)|el\s+(?:problema"
    r"|ejercicio)))?"
    r"|(?:passed|cleared)\s+(?:(?:all|every|both|each)\s+(?:of\s+)?)?(?:the\s+)?(?:visible\s+|given\s+|provided\s+)?"
    r"(?:tests?|examples?)|(?:all|every|both|the)\s+(?:(?:of\s+)?the\s+)?(?:visible\s+)?(?:tests?|examples?)"
    r"\s+(?:passed|were\s+passing|was\s+passing|passing)|(?:the\s+)?(?:visible\s+)?tests\s+all\s+(?:passed|passing)"
    r"|got\s+(?:(?:all|every|both)\s+(?:of\s+)?)?(?:the\s+)?(?:visible\s+)?tests?\s+(?:green|passing|to\s+pass)"
    r"|(?:had|got|reached|produced|wrote|delivered|arrived\s+at|got\s+to)"
    r"\s+(?:a|an|the|their|his|her)\s+(?:(?:fully\s+)?(?:working|passing|correct|complete|accepted)\s+)(?:solution"
    r"|version|implementation|code|program|answer)|had\s+(?:all|every|both|the)\s+(?:(?:of\s+)?the\s+)?"
    r"(?:visible\s+)?tests?\s+passing|got\s+(?:it|the\s+code|the\s+solution)\s+(?:working|passing)"
    rf"|{_PASO}"
)
_FINISH_MODIFIERS = (
    r"(?:(?:just|only|about|around|roughly|under|less\s+than|approximately|unos|the\s+first|the|a\s+mere"
    r"|apenas|solo|los\s+primeros)\s+)*"
)
FINISHED_BEFORE = re.compile(
    rf"\b(?:{_FINISH})\s+(?:in|within|after|by|at|en|tras|a\s+los|al\s+cabo\s+de)\s+{_FINISH_MODIFIERS}\Z",
    re.IGNORECASE,
)
# The same words before a moment: "had a working solution 10 minutes in".
FINISHED_AT = re.compile(rf"\b(?:{_FINISH})\s+{_FINISH_MODIFIERS}\Z", re.IGNORECASE)
IN_AFTER = re.compile(r"\s+in\b(?=\s*(?:[,.;:!?)]|\Z|and\b|but\b))", re.IGNORECASE)
# A moment a pass is anchored to, the pass said after it: "Ten minutes in, every visible test passed", "at the
# 10-minute mark every visible test passed", "within the first 10 minutes the candidate had every visible test
# passing", "after 10 minutes, the code passed every visible test" (the first run that passed them came by then). Not
# a moment counted from another ("ten minutes later", "in the last 5 minutes", "within 10 minutes of the hint").
ANCHOR_BEFORE = re.compile(
    r"\b(?:at|by|after|within|in|inside|under|around|tras|en|al\s+cabo\s+de|a\s+los)\s+"
    r"(?:(?:the|just|only|about|around|roughly|approximately|under|less\s+than|a\s+mere|the\s+first|unos)\s+)*\Z",
    re.IGNORECASE,
)
ANCHOR_AFTER = re.compile(
    rf"(?P<in>\s+in\b|[\s-]+(?:mark|point)\b)?\s*,?\s+(?:(?:they|the\s+candidate|he|she|the\s+code|their\s+code"
    rf"|the\s+solution|it|el\s+candidato|la\s+candidata|el\s+codigo|su\s+codigo|la\s+solucion)\s+)?"
    rf"(?:(?:had|has|already|ya)\s+)*(?:{_FINISH})(?=\s*(?:[,.;:!?)]|\Z|(?:and|but|with|on|in|at|by|after|within|when"
    r"|once|using|y|pero|con|en|al|tras|cuando|usando)\b))",
    re.IGNORECASE,
)
# A moment said as the minute it was: "by minute 10", "at minute 25", "al minuto 10".
MINUTE_MARK = re.compile(
    rf"\b(?:by|at|around|after|past|until|till|from|in|on|near|al|del|para\s+el|hacia\s+el)\s+(?:the\s+|el\s+)?"
    rf"(?:minute|minuto)\s+(?P<n>\d{{1,4}}|{ANY_NUMBER})\b",
    re.IGNORECASE,
)
# "took 10 minutes to solve it", "it took them 10 minutes to reach a working solution", "the solve took 10 minutes".
TOOK_BEFORE = re.compile(
    r"\b(?:took|needed|required|tardo|necesito)\s+(?:(?:them|him|her|the\s+candidate|only|just|about|around|roughly"
    r"|approximately|unos)\s+)*\Z",
    re.IGNORECASE,
)
TO_FINISH_AFTER = re.compile(
    r"\s+(?:to|para|en)\s+(?:solve|finish|complete|crack|pass\s+(?:all|every|both|the)|get\s+(?:a\s+(?:working"
    r"|passing|correct)\s+solution|every|all|both|the\s+(?:visible\s+)?tests?\s+(?:to\s+)?pass|it\s+(?:working"
    r"|passing))|reach\s+a\s+(?:working|passing|correct)\s+solution|resolver|terminar|pasar\s+(?:todas|todos|ambas"
    r"|las|los)|superar\s+(?:todas|todos|ambas|las|los)|lograr\s+que\s+pasaran|conseguir\s+que\s+pasaran)\b",
    re.IGNORECASE,
)
# A word of the candidate's finish before what was left: "finished with 10 minutes to spare", "solved it with 20
# minutes left" (the finish came then, no later than the first run that passed every visible test).
FINISH_WITH_LEFT = re.compile(
    rf"\b{_NOT_SESSION}(?:solved|finished|completed|cracked|wrapped\s+up|passed|resolvio|termino|completo|paso|pasaron"
    rf"|supero|superaron)\b(?:\s+(?!(?:the|their|la)\s+"
    r"(?:interview|session|call|entrevista|sesion)\b)[\w'-]+){0,4}?\s*,?\s+(?:with|con)\s+"
    r"(?:(?:only|just|about|around|roughly|over|more\s+than|under|less\s+than|nearly|almost|unos)\s+)*\Z",
    re.IGNORECASE,
)

# "time" as the interview's: not the first word of a compound ("out of time-efficiency concerns", "the time-space
# trade-off") nor a complexity ("short on time complexity detail").
_TIME = r"time\b(?!-|\s+complexit)"

# Clauses the families below are read in: a phrase's clause starts after the last of these before it.
CLAUSE_START = re.compile(
    r"[,:(\u2014\u2013]|\s-\s|\b(?:but|and|although|though|while|whereas|pero|aunque)\b", re.I
)
# What makes a phrase no statement of what happened: a hypothesis, an aim, advice, a report of what someone said or
# felt, a question's or a plan's time ("time management is something to practise").
NOT_A_CLAIM = re.compile(
    r"\b(?:would|could|should|might|may|can|will|shall|must|if|unless|whether|try|trying|practi[cs]e|practi[cs]ing"
    r"|aim|goal|next\s+time|in\s+(?:the\s+)?future|work\s+on|focus\s+on|keep|avoid|make\s+sure|worried|worry|feared"
    r"|fear|felt|feel|feeling|said|says|saying|mentioned|noted|thought|afraid|concerned|asked|told|claimed|joked"
    r"|expected|expect|risk|otherwise|podria|deberia|intenta|practica|dijo|comento|temia|sintio"
    # a plan, an estimate, a proposal or a description: its time is the plan's or the design's ("planned to finish
    # in 20 minutes", "proposed caching results for 5 minutes", "described a 24-hour rolling window")
    r"|planned|planning|intended|intending|estimated|estimating|predicted|proposed|proposing|suggested|suggesting"
    r"|described|describing|discussed|discussing|hoped|wanted|quoted|planeo|propuso|sugirio|describio|estimo)\b",
    re.IGNORECASE,
)
# Advice said as an imperative, after an opening phrase: "Under time pressure, practise ...".
IMPERATIVE = re.compile(
    r"(?:\A|[,:;]\s*)(?:practi[cs]e|try|aim|focus|make\s+sure|keep|budget|plan|leave|avoid|consider|remember"
    r"|set\s+aside|practica|intenta|procura)\b",
    re.IGNORECASE,
)
NEGATION = re.compile(
    r"\b(?:not|never|no|without|neither|nor|before|instead|nunca|sin|antes|ningun[ao]?)\b|n't", re.IGNORECASE
)
# The code's or a test's own time, as subject before a phrase: "the submission ran out of time on the hidden test".
CODE_SUBJECT = re.compile(
    r"\b(?:tests?|submissions?|solutions?|code|judge|runs?|program|function|algorithm|loop|recursion|brute[\s-]force"
    r"|implementation|hidden|visible|verdict|sandbox|prueba|solucion|codigo)\b",
    re.IGNORECASE,
)

# The time ran out (or was all used): holds only where the time used reached the time allowed, within the slack.
RAN_OUT = re.compile(
    rf"\b(?:ran|run|runs)\s+out\s+of\s+{_TIME}|\bout\s+of\s+{_TIME}|\b(?:the\s+)?(?:time|clock)\s+(?:had\s+)?"
    r"(?:ran\s+out|run\s+out|expired|was\s+up|ran\s+down|was\s+called)\b|\btime'?s\s+up\b"
    r"|\b(?:used|took|needed|spent|filled|used\s+up)\s+(?:up\s+)?(?:all\s+(?:of\s+)?)?(?:the|their|his|her)\s+"
    r"(?:whole|full|entire|complete|allotted|available|allowed)\s+(?:[\w-]+\s+){0,2}?(?:time|interview|session|slot"
    r"|minutes|hour)\b"
    r"|\b(?:used|took|needed|spent|used\s+up)\s+(?:up\s+)?all\s+(?:of\s+)?(?:the|their|his|her)\s+"
    r"(?:(?:allotted|available|allowed|interview)\s+)?(?:time|minutes)\b"
    r"|\b(?:went|ran|running)\s+over\s+(?:the\s+)?(?:time|allotted\s+time)\b|\boverran\b"
    r"|\b(?:did\s+not|didn't|could\s+not|couldn't|was\s+unable\s+to|were\s+unable\s+to|failed\s+to|never)\s+"
    r"(?:quite\s+)?(?:finish|complete|get\s+through)\b(?:\s+[\w'-]+){0,5}?\s+in\s+time\b"
    r"|\b(?:at\s+the\s+(?:very\s+)?last\s+minute|in\s+the\s+(?:final|last|closing)\s+(?:minute|seconds)"
    r"|with\s+(?:only\s+)?seconds\s+to\s+spare|barely\s+(?:finished|in\s+time|made\s+it))\b"
    # idioms of the deadline: "just in time" (not "just-in-time"), "down to the wire", "used every minute"
    r"|\bjust\s+in\s+time\b(?!-)|\bin\s+the\s+nick\s+of\s+time\b|\b(?:down\s+to|up\s+to|right\s+up\s+to)\s+the\s+wire\b"
    r"|\bat\s+the\s+(?:final\s+|last\s+)?buzzer\b|\bonly\s+just\s+(?:finished|made\s+it|got\s+(?:it\s+)?in)\b"
    r"|\b(?:used|took|needed|spent|filled)\s+every\s+(?:last\s+|single\s+)?(?:minute|second)\b(?!\s+of\s+(?:the|their)"
    r"\s+(?:interview|session|call|screen)\b)"
    r"|\bright\s+up\s+(?:to|until)\s+the\s+(?:deadline|time\s+limit|last\s+(?:minute|second)|final\s+(?:minute"
    r"|second)|end\s+of\s+the\s+(?:allotted|available|allowed)\s+time)\b"
    r"|\bwith\s+(?:no|zero)\s+time\s+(?:to\s+spare|left|remaining)\b"
    r"|\bwith\s+(?:only\s+|just\s+)?(?:seconds|moments)\s+(?:left|remaining|to\s+go)\b"
    r"|\bjust\s+(?:as|before)\s+(?:the\s+)?(?:time|clock)\s+(?:ran\s+out|expired|was\s+called|was\s+up)\b"
    # the end of the time allowed, named: "in the final stretch of the allotted time", "the last minutes of the 45"
    r"|\b(?:in|during|over|into)\s+the\s+(?:final|last|closing|dying)\s+(?:stretch|minutes|moments|few\s+minutes"
    r"|part)\s+of\s+(?:the|their)\s+(?:(?:allotted|available|allowed)\s+time|time\s+(?:allowed|available|allotted)"
    r"|\d+(?:[\s-]+(?:minutes?|min))?(?:\s+(?:allowed|available|allotted))?)\b"
    r"|\bse\s+(?:quedo|quedaron)\s+sin\s+tiempo\b|\bsin\s+tiempo\b|\bse\s+(?:le|les)?\s*(?:acabo|agoto)\s+el\s+tiempo\b"
    r"|\b(?:le|les)\s+falto\s+tiempo\b|\b(?:uso|usaron|agoto|agotaron)\s+todo\s+el\s+tiempo\b"
    # "agoto el tiempo", "uso los 45 minutos completos", "justo a tiempo", "en el ultimo minuto", "a ultima hora"
    r"|\b(?:agoto|agotaron|consumio|consumieron)\s+(?:todo\s+)?el\s+tiempo\b"
    r"|\b(?:uso|usaron|utilizo|utilizaron|ocupo|ocuparon|consumio|consumieron|necesito|necesitaron)\s+(?:los|las)\s+"
    r"(?:\d+|[a-z]+(?:\s+y\s+[a-z]+)?)\s+minutos\s+(?:completos|enteros)\b"
    r"|\bjusto\s+a\s+tiempo\b|\b(?:en|al)\s+(?:el\s+)?ultimo\s+minuto\b|\ba\s+ultima\s+hora\b",
    re.IGNORECASE,
)
# The time was short: holds unless the interview ended with more than half the time allowed left.
SHORT = re.compile(
    rf"\bstruggled\s+with\s+(?:the\s+)?(?:{_TIME}|clock\b)|\b(?:poor|weak|bad)\s+time\s+management\b"
    r"|\btime\s+management\s+(?:was|is|remained)\s+(?:a|an|the)?\s*(?:\w+\s+)?(?:issue|problem|weakness|concern"
    rf"|struggle)\b|\b(?:pressed|pressured|squeezed)\s+for\s+time\b|\b(?:short|tight|low)\s+on\s+{_TIME}"
    rf"|\b(?:running|ran|was\s+running|were\s+running)\s+(?:low|short)\s+on\s+{_TIME}|\bunder\s+time\s+pressure\b"
    r"|\b(?:was|were)\s+running\s+out\s+of\s+time\b|\b(?:nearly|almost)\s+ran\s+out\s+of\s+time\b"
    r"|\bcame\s+close\s+to\s+running\s+out\s+of\s+time\b|\b(?:presionad[oa]s?|apurad[oa]s?)\s+por\s+el\s+tiempo\b"
    r"|\bcort[oa]s?\s+de\s+tiempo\b|\bcontra\s+(?:el\s+)?reloj\b"
    # most of the time allowed used: "used nearly all of the allotted time", "took the better part of the time
    # allowed" (not "most of the time": of the interview as it ran; "most of the 45 minutes" is `MOST_BEFORE`'s)
    rf"|\b{_MOST}(?:(?:allotted|available|allowed)\s+time|time\s+(?:allowed|available|allotted))\b",
    re.IGNORECASE,
)
# The time was left over, or the candidate finished quickly: holds unless the time ran out with no run passing every
# visible test before the slack.
EARLY = re.compile(
    r"\b(?:(?:plenty|lots|loads)\s+of|ample|enough|some)\s+time\s+(?:to\s+spare|left|remaining|left\s+over)\b"
    r"|\bwith\s+time\s+(?:to\s+spare|left|remaining|left\s+over)\b|\btime\s+to\s+spare\b"
    r"|\b(?:finished|done|completed|wrapped\s+up|solved\s+it|solved\s+the\s+problem)\s+(?:well\s+|very\s+|quite\s+)?"
    r"(?:early|ahead\s+of\s+(?:time|schedule))\b|\bearly\s+finish\b"
    r"|\bwell\s+within\s+the\s+(?:allotted|allowed|available|interview'?s?)\s+time\b"
    r"|\b(?:solved|finished|completed|cracked)\s+(?:it|the\s+(?:problem|question|task|exercise))?\s*"
    r"(?:very\s+|quite\s+|fairly\s+|relatively\s+|really\s+)?(?:quickly|fast|rapidly|in\s+no\s+time)\b"
    r"|\b(?:quickly|rapidly)\s+(?:solved|finished|completed|cracked)\s+(?:it|the\s+(?:problem|question|task))\b"
    r"|\ba\s+(?:quick|fast|rapid)\s+(?:solve|finish)\b"
    # "had time left after the first pass", "with minutes to spare", "with room to spare", "comfortably within the
    # time", "well ahead of the deadline"
    r"|\b(?:had|having|still\s+had)\s+(?:(?:some|plenty\s+of|lots\s+of|a\s+lot\s+of|enough|extra|spare|more)\s+)?"
    r"time\s+(?:left|remaining|left\s+over|to\s+spare)\b"
    r"|\bwith\s+(?:(?:a\s+few|several|some|many|plenty\s+of)\s+)?minutes\s+(?:to\s+spare|left|remaining|in\s+hand)\b"
    r"|\b(?:with|had)\s+(?:(?:plenty\s+of|some|ample)\s+)?room\s+to\s+spare\b"
    r"|\b(?:comfortably|easily|well)\s+(?:within|inside|under)\s+(?:the\s+)?(?:(?:allotted|allowed|available)\s+)?"
    r"(?:time|time\s+limit\s+of\s+the\s+interview|deadline)\b(?!\s+limit)"
    r"|\b(?:well\s+|comfortably\s+)?ahead\s+of\s+(?:the\s+)?(?:deadline|schedule|time)\b"
    r"|\bcon\s+tiempo\s+de\s+sobra\b|\b(?:le|les)\s+sobro\s+tiempo\b|\bantes\s+de\s+tiempo\b"
    r"|\b(?:resolvio|termino|completo)\s+(?:el\s+(?:problema|ejercicio)\s+)?(?:muy\s+)?(?:rapidamente|rapido|pronto"
    r"|temprano)\b",
    re.IGNORECASE,
)
# The candidate finished in half the time or less: holds only where a run passed every visible test by half the
# time allowed (with the slack): "in half the time", "with most of the time left", "with more than half the time
# to spare".
HALF_LEFT = re.compile(
    r"\b(?:in|within)\s+(?:(?:less\s+than|under|about|roughly)\s+)?half\s+(?:of\s+)?(?:the|their)\s+(?:(?:allotted"
    r"|available|allowed)\s+)?time\b(?!\s+(?:limit|complexity))"
    r"|\bwith\s+(?:most|more\s+than\s+half|over\s+half|the\s+better\s+part)\s+of\s+(?:the|their)\s+(?:(?:allotted"
    r"|available|allowed)\s+)?time\s+(?:left|remaining|unused|to\s+spare)\b"
    r"|\bcon\s+(?:mas\s+de\s+la\s+mitad|la\s+mayor\s+parte)\s+del\s+tiempo\b"
    # not half of what was left ("en la mitad del tiempo restante explico la complejidad"), as the English reads only
    # the time allowed
    r"|\ben\s+(?:menos\s+de\s+)?la\s+mitad\s+del\s+tiempo\b(?!\s+(?:limite|de\s+ejecucion|restante|sobrante"
    r"|que\s+(?:le\s+|les\s+)?(?:quedaba|quedaban|restaba|sobraba)))",
    re.IGNORECASE,
)
# Half the time allowed, reached: "halfway through the allotted time", "past the halfway point", "by the halfway
# mark" (of the time allowed; "halfway through the interview" is of the interview as it ran, always reached).
HALFWAY = re.compile(
    r"\bhalfway\s+(?:through|into)\s+(?:the|their)\s+(?:(?:allotted|available|allowed)\s+time|time\s+(?:allowed"
    r"|available|allotted)|\d+(?:[\s-]+(?:minutes?|min))|[a-z]+(?:-[a-z]+)?[\s-]+minutes?)\b"
    r"|\b(?:at|by|past|after|around|near|beyond)\s+the\s+(?:halfway|half-way|midway)\s+(?:point|mark|stage)\b"
    r"|(?<!\ben\s)(?<!\ben\sla\s)(?<!\bde\sla\s)\b(?:a\s+(?:la\s+)?)?mitad\s+del\s+tiempo\b",
    re.IGNORECASE,
)
# The candidate was slow to a solution: holds unless a run passed every visible test within a third of the time.
# Slow in, during, until, on or with a phase ("slow in debugging") is that phase's pace, no claim; slow in reaching,
# solving or finishing is the solve's.
SLOW = re.compile(
    r"\b(?:candidate|they|he|she|progress|pace|overall\s+pace)\s+(?:was|were)\s+(?:very\s+|quite\s+|rather\s+|too\s+"
    r"|fairly\s+|somewhat\s+)?slow\b(?!\s+(?:at\s+first|initially|to\s+start|early|in\s+the\s+beginning|to\s+(?!finish"
    r"|solve|complete|reach\s+a\s+(?:working\s+)?solution)\w+|(?:in|during|until|on|with)\s+(?!(?:reaching|solving"
    r"|finishing|completing|finding|getting\s+to|arriving\s+at)\b)))"
    r"|\bslow\s+to\s+(?:finish|solve|complete|reach\s+a\s+(?:working\s+)?solution)\b|\bworked\s+(?:very\s+)?slowly\b"
    r"|\b(?:a|their|his|her)\s+(?:very\s+)?slow\s+(?:overall\s+)?(?:pace|solve)\b"
    r"|\btook\s+(?:a\s+(?:very\s+)?long\s+time|too\s+long)\s+to\s+(?:solve|finish|complete|reach\s+a\s+(?:working\s+)?"
    r"solution)\b|\bfue\s+(?:muy\s+)?lent[oa]\b|\btrabajo\s+(?:muy\s+)?(?:lentamente|despacio)\b",
    re.IGNORECASE,
)
