"""Names in code that state how the work went (grader/credit.py).

A name is text the candidate chose, as a comment is: `all_hidden_tests_passed = True`, `def passes_every_test(...)`,
`solutionIsCorrect`, `no_bugs_left`, `STRONG_HIRE` say what only the record can show, and anyone can type them. A
quote of code earns credit by what the code does, so such a name counts for nothing there, as a comment or a string
literal does; the code around it still counts (`if color[nb] == GREEN:` keeps `color` and `nb`).

`claims_outcome` reads the name's words (split at `_`, digits and changes of case: `passesEveryTest` is "passes
every test") and finds:
- a word of an outcome (`OUTCOME`): of passing, success, correctness, acceptance, verification or approval, in
  English and Spanish ("passed", "success", "correct", "accepted", "green", "verified", "solved", "ok", "optimal",
  "aprobado", "correcto"), or a hiring verdict ("hire");
- or a fault denied (`FAULT` right after `DENIAL` or before "free": `no_bugs`, `zero_failures`, `bug_free`,
  `sin_errores`; `NoSuchMethodError` is a fault's name).
What a name says of the problem's data is no outcome: `is_valid` (the bank's own predicate), `test_two_sum` (a test
the candidate wrote: its words name tests, not how they went), `failed`, `errors` and `visited` stay. The cost: the
rare name whose word of success is the problem's own (`GREEN` in a two-colouring, `success_count`) is not counted;
its line's other names and numbers are.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

OUTCOME = frozenset(
    """
    pass passes passed passing succeed succeeds succeeded success successful successfully correct correctly
    correctness accepted green works worked solved aced flawless flawlessly perfect perfectly verified proven proved
    bugfree hire hired ok okay good fine great excellent optimal
    pasa pasan paso pasaron pasado pasadas pasados aprobado aprobada aprobados aprobadas correcto correcta correctos
    correctas exito exitoso exitosa verde verdes funciona resuelto verificado
    """.split()  # noqa: SIM905  # a word list reads better as text
)
DENIAL = frozenset("no zero none without sin cero ningun ninguna".split())  # noqa: SIM905
FAULT = frozenset(
    """
    bug bugs fail fails failed failure failures failing error errors defect defects mistake mistakes issues errores
    fallos fallas
    """.split()  # noqa: SIM905
)
# The words of a name: runs of capitals (an acronym before a capitalised word: `HTTPServer`), a capitalised or
# lowercase word, digits; `_` and `$` separate.
_WORDS = re.compile(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|\d+")
IDENTIFIER = re.compile(r"[^\W\d]\w*")


@lru_cache(maxsize=8192)
def claims_outcome(name: str) -> bool:
    """`name` (an identifier) states an outcome: a word of passing, success or a verdict, or a fault denied."""
    plain = "".join(c for c in unicodedata.normalize("NFKD", name) if not unicodedata.combining(c))
    words = [w.lower() for w in _WORDS.findall(plain)]
    if any(w in OUTCOME for w in words):
        return True
    return any(
        w in FAULT and ((i > 0 and words[i - 1] in DENIAL) or words[i + 1 : i + 2] == ["free"])
        for i, w in enumerate(words)
    )


def claim_spans(code: str) -> tuple[tuple[int, int], ...]:
    """Where `code` has a name that states an outcome (`claims_outcome`), in order."""
    return tuple(m.span() for m in IDENTIFIER.finditer(code) if claims_outcome(m.group(0)))
