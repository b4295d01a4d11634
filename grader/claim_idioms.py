"""Idioms of success (2026-12-05 review), read by grader/claim_success.py as the words it knows: a grading model
writes "the code is bulletproof", "rock solid", "airtight", "does what it says on the tin", "nails every edge
case", "checks out", "all green", "la solución es impecable" as its finding that the solution works, and each must
be what the recorded runs hold, like "correct" or "works". Only the words live here; the reading (its subject, a
hedge, a modal, a negation, a report) is grader/claim_success.py's."""

from __future__ import annotations

import re

# Said as the code's state, as "correct" is: "The code is bulletproof.", "a rock-solid solution", "es impecable".
RIGHT = (
    r"bullet[\s-]*proof|rock[\s-]*solid|solid\s+as\s+a\s+rock|air[\s-]*tight|water[\s-]*tight|iron[\s-]*clad"
    r"|spot[\s-]*on|impecables?|intachables?|a\s+prueba\s+de\s+(?:balas|fallos|errores)"
)
# Said as the code doing its task, as "does what was asked" is: "does what it says on the tin", "checks out" (at
# the clause's end or with a word of how: not "checked out the branch"), "all green" (subjectless, as "green" is).
GOOD = (
    r"d(?:oes|id|o)\s+(?:exactly\s+|precisely\s+)?what\s+it\s+says(?:\s+on\s+the\s+tin)?\b"
    r"|check(?:s|ed)\s+out(?=\s*(?:$|[,.;:!?)]|\s+(?:fine|completely|fully|perfectly|too|as\s+well"
    r"|on\s+(?:every|all|each)|in\s+(?:every|all|each))\b))"
    r"|all\s+green(?=\s*(?:$|[,.;:!?)]|\s+(?:on|in|at|for|across|and|y)\b))"
    r"|(?:cover(?:s|ed)?|touch(?:es|ed))\s+(?:all\s+(?:the\s+|its\s+)?|every\s+)bases?\b"
    r"|tick(?:s|ed)\s+(?:all\s+(?:the\s+)?boxes|every\s+box)\b|(?:runs?|ran|works?|worked)\s+like\s+(?:clockwork"
    r"|a\s+(?:charm|dream|clock))\b|(?:went|goes|came)\s+off\s+without\s+a\s+hitch\b"
    r"|funcion\w*\s+(?:de\s+maravilla|a\s+las\s+mil\s+maravillas|como\s+un\s+reloj)\b"
    # said last, as "correct" is: "It's bulletproof.", "Is it airtight? Yes."
    rf"|(?:{RIGHT})(?=\s*(?:$|[,.;:!?)]))"
)
# A failure denied, as "no bugs" is: "without a hitch", "not a single glitch", "sin contratiempos".
BAD = r"hitch(?:es)?|hiccups?|glitch(?:es)?|snags?|contratiempos?"
# A verb of success said straight before every case or input ("nails all the edge cases", "hits every case"), not
# with words between ("hit a timeout on every input").
EVERY_CASE_VERBS = r"nail(?:s|ed)?|hits?|clavo|clava"
# An aim is no result, as a modal is none: "aimed for a bulletproof solution", "The goal was a correct solution",
# "set out to write a working version", "buscaba una solución impecable".
AIMED = re.compile(
    r"\b(?:aim(?:s|ed|ing)?\s+(?:for|at|to)|(?:goal|aim|target|intention|ambition)\s+(?:was|is|of)\b"
    r"|set(?:s|ting)?\s+out\s+to|str(?:ove|ive|ives|iving)\s+(?:for|to)|tr(?:y|ies|ied|ying)\s+(?:for|to\s+(?:write"
    r"|build|produce|reach|deliver|make|get\s+to))|buscaba|pretend\w*\s+(?:escribir|lograr|conseguir))\b",
    re.IGNORECASE,
)
