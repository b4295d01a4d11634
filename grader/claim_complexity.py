"""A bare complexity of the final code, said in the scorecard's words, checked against what the record holds of it.

"The final solution is O(n)" reads as a finding about the code. Nothing in the record computes a complexity: the facts
hold the one the candidate last claimed (`Facts.complexity_claimed`, as the interviewer recorded it), and the
candidate may have stated one in their own lines. A candidate can say "it's O(n)" of code that is O(n^2); a model
that repeats it as its finding, or states one nobody said and gives no reason, writes what no one checked. So a
clause that says the code (the code, the solution, the submission, the implementation, the program, the function,
"it", "final" or "submitted" before them) is, runs in, has or takes a big-O time holds only where:

- the candidate stated that big-O (`complexity_claimed`, their last claim; with none recorded, one of their own
  lines), compared as notation
  (`O(n log n)`, `O(nlogn)`, `O(n * log(n))` are one; `O(n^2)`, `O(n²)`, `O(n**2)` are one); or
- the sentence gives the reason, as a reading of the code does ("because of the nested loops", "one pass with a hash
  map", "since it sorts first", "each element is visited once").

Otherwise the repair round asks for the candidate's stated complexity or the reason. Not such a claim: the approach,
the idea, the brute force, the algorithm (what was discussed, not the final code), space ("O(n) extra space"), a
report ("the candidate said it was O(n)"), a hypothesis or an aim ("would be O(n) with a hash map"), and a question.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from grader.claim_sentences import sentences
from grader.claims import readable

BIG_O = re.compile(r"\b[OΘθΩ]\s*\((?:[^()]|\([^()]*\)){1,40}\)")
_CODE = (
    r"(?:(?:the|their|his|her|its|this|[\[]their[\]]|final|submitted|last|finished|working)\s+){0,3}"
    r"(?:code|solution|submission|implementation|program|function|answer|codigo|solucion|entrega|implementacion)"
)
# The code said to have a complexity: "the final solution is O(n)", "their code runs in O(n log n) time", "the
# submission has O(n^2) time complexity", "the final code: O(n)".
_CLAIM = re.compile(
    rf"\b(?P<subject>{_CODE}|it)\b(?P<between>[^.;:!?]{{0,40}}?)\b(?:is|was|runs|ran|executes|has|had|takes|took"
    rf"|achieves|achieved|stays|remains|es|corre|tiene)\b[^.;!?]{{0,30}}?(?P<o>{BIG_O.pattern})",
    re.IGNORECASE,
)
# What the sentence says of why (a reading of the code, not a bare claim). Also read by grader/claim_speed.py: code
# said fast that no run showed on the hidden tests.
REASON = _REASON = re.compile(
    r"\b(?:because|since|as\s+it|as\s+the|due\s+to|given|thanks\s+to|from\s+the|each|every|once|loops?|nested"
    r"|pass(?:es)?|single\s+pass|one\s+pass|sort(?:s|ed|ing)?|hash(?:\s*map|\s*set)?|map|set|heap|stack|queue"
    r"|recurs\w*|iterat\w*|traver\w*|visit\w*|scan\w*|binary\s+search|two\s+pointers?|window|memo(?!ry)\w*|dp|table"
    r"|porque|ya\s+que|cada|bucle|recorr\w*|ordena\w*)\b",
    re.IGNORECASE,
)
_NOT_A_CLAIM = re.compile(
    r"\b(?:would|could|should|might|may|if|unless|whether|said|says|claimed|claims|stated|states|believed|thought"
    r"|argued|asserted|estimated|guessed|expected|aimed|aim|goal|wanted|hoped|approach|idea|brute[\s-]?force|naive"
    r"|algorithm|plan|analysis|dijo|afirmo|enfoque|idea)\b",
    re.IGNORECASE,
)
# Space, not time: named right after the big-O ("O(n) extra space", "O(n) in space") or between the code and it
# ("has a space complexity of O(n)", "the code's memory use is O(n)").
_SPACE = re.compile(
    r"\s*(?:in\s+(?:terms\s+of\s+)?|of\s+)?(?:extra\s+|auxiliary\s+|additional\s+)?(?:space|memory|espacio|memoria)\b",
    re.IGNORECASE,
)
_SPACE_WORD = re.compile(r"\b(?:space|memory|espacio|memoria)\b", re.IGNORECASE)


def notation(value: str) -> str:
    """A big-O as compared: lower case, no spaces or multiplication signs, powers and logarithms written one way."""
    text = value.lower().replace("²", "^2").replace("³", "^3").replace("**", "^")
    text = re.sub("[\\s*\u00b7\u00d7\u22c5]+", "", text)  # spaces and the multiplication signs
    text = re.sub(r"\blg|\bln", "log", text)
    text = re.sub(r"log\((\w)\)", r"log\1", text)
    return text.replace("θ", "o").replace("ω", "o")


def stated(claimed: str | None, candidate_lines: Iterable[str]) -> set[str]:
    """The big-O the candidate stated of their code: the facts' `complexity_claimed` (their last claim, as the
    interviewer recorded it), else every one of their own lines (with none recorded, any they said)."""
    if claimed:
        return {notation(claimed)}
    return {notation(m.group()) for line in candidate_lines for m in BIG_O.finditer(readable(line))}


# How far before a claim its report, hypothesis or other subject is read (bounded work for each claim).
LOOK_BACK_CHARS = 200


def complexity_problems(texts: Iterable[tuple[str, str]], said: set[str]) -> list[str]:
    """Problems with a bare complexity of the final code in `texts` (`(where, text)`) that `said`, the candidate's
    stated big-Os in `notation`, does not hold, one line each for the repair round."""
    told = ", ".join(sorted(said)) if said else "none"
    problems: list[str] = []
    for where, text in texts:
        for sentence in sentences(readable(text)):
            if sentence.rstrip().endswith("?") or _REASON.search(sentence):
                continue
            for m in _CLAIM.finditer(sentence):
                lead = sentence[max(0, m.start() - LOOK_BACK_CHARS) : m.start("o")]
                space = _SPACE.match(sentence, m.end()) or _SPACE_WORD.search(
                    sentence, m.end("subject"), m.start("o")
                )
                if _NOT_A_CLAIM.search(lead) or space:
                    continue
                if notation(m.group("o")) in said:
                    continue
                problems.append(
                    f"- {where}: {sentence.strip()[:300]!r} states the final code's complexity as "
                    f"{m.group('o')!r} with no reason, and the candidate stated {told}: give the reason from the "
                    "code (its loops, passes, data structures), or the complexity the candidate stated, as theirs"
                )
                break
    return list(dict.fromkeys(problems))
