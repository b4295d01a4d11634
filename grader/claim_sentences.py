"""A scorecard text's sentences, as the claim checks read them one at a time (grader/claim_activity.py,
claim_complexity.py, claim_hints.py, claim_speed.py): a sentence ends at ".", "!", "?" or ";" (a run of them is one
end) before a space or the text's end, or at a line break; not at "e.g.", "i.e." or "vs."."""

from __future__ import annotations

import re

SENTENCE_END = re.compile(r"(?<!\be\.g)(?<!\bi\.e)(?<!\bvs)[.!?;]+(?=\s|$)|\n+", re.IGNORECASE)


def sentences(text: str) -> list[str]:
    """`text` cut after each sentence end, each with its end; blank pieces left out."""
    out, start = [], 0
    for m in SENTENCE_END.finditer(text):
        out.append(text[start : m.end()])
        start = m.end()
    out.append(text[start:])
    return [s for s in out if s.strip()]
