"""The solution said correct but too slow (moved from grader/claim_success.py): "The solution is correct but too slow"
holds where every test of the last submission that finished passed (the visible ones all, each hidden failure a
`time_limit`). Read by grader/claim_success.py."""

from __future__ import annotations

import re

from grader.evidence import CitationIndex
from grader.schemas import Facts

# "Correct but too slow" where the last submission's only failures were time limits: every test that finished
# passed. Said as correct or working (not passed, accepted or solved), with the slowness in its sentence.
SLOW = re.compile(
    r"\b(?:too\s+slow|slow|inefficient\w*|not\s+(?:fast|quick|efficient)\s+enough|tim(?:ed|es|ing)\s+out"
    r"|time\s*-?\s*outs?|time\s+limit|(?:demasiado\s+)?lent[oa]s?|ineficiente\w*|limite\s+de\s+tiempo"
    r"|tiempo\s+limite)\b",
    re.IGNORECASE,
)
NOT_SLOW = re.compile(
    r"(?:\b(?:not|never|no|nor|nunca|sin|nada|ni)\b|n't)(?:\s+[\w-]+){0,2}\s*\Z", re.IGNORECASE
)
CORRECT_ONLY = re.compile(
    r"\b(?:correct(?:ly)?|right|work(?:s|ed|ing)?|functional(?:ly)?|correct[oa]s?|funcion\w*|bien)\b",
    re.IGNORECASE,
)
NOT_ONLY_CORRECT = re.compile(
    r"\b(?:pass\w*|accepted|aceptad\w*|solv\w*|resuel\w*|resolv\w*|succe\w*|perfect\w*|flawless\w*|pas[oa]"
    r"|pasaron|everything|todo|all|every|any|todas?|todos?|cualquier|bugs?|errors?|errores|defect\w*)\b",
    re.IGNORECASE,
)
HIDDEN_SHOWN = re.compile(r"hidden tests (\d+)/(\d+) passed(?: \(failed: ([^)]*)\))?")


def slow(text: str) -> bool:
    """`text` says the code is slow (`SLOW`), not that it is not ("not slow", "never timed out")."""
    for m in SLOW.finditer(text):
        if m.group(0).lower().startswith("not") or not NOT_SLOW.search(
            text, max(0, m.start() - 24), m.start()
        ):
            return True
    return False


def only_too_slow(facts: Facts, index: CitationIndex) -> bool:
    """Every test of the last submission that finished passed: the visible ones all passed, and every hidden one
    that did not hit the time limit (`HIDDEN_SHOWN`, as grader/run_lines.py shows it)."""
    submissions = [index.citable[s] for s in sorted(index.citable) if index.citable[s].type == "submission"]
    visible = facts.visible_tests.final
    if not submissions or visible is None or visible.passed != visible.total:
        return False
    shown = submissions[-1].shown
    hidden = HIDDEN_SHOWN.search(shown)
    if hidden is None or re.search(r"visible tests (\d+)/(\1)\b passed", shown) is None:
        return False
    failed = [part.strip() for part in (hidden.group(3) or "").split(",") if part.strip()]
    return bool(failed) and all(re.fullmatch(r"\d+ time_limit", part) for part in failed)
