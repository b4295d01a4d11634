"""Text hidden in invisible characters, as the interviewer's model is shown it: each hidden run that can carry text
replaced by ``HIDDEN`` ("[hidden text]"), by the rule the grader applies before its model reads candidate text
(grader/invisible.py, the one definition; docs/grading.md "Text hidden in other invisible characters").

A run of Unicode's default-ignorable characters carries text a model reads and nobody watching sees: a tag character
stands for an ASCII one ("ASCII smuggling"), a variation selector for a byte ("emoji smuggling": an emoji then a run
of selectors). An instruction hidden so in a chat message or a code comment reached the interviewer's model. Kept
as written: the uses Unicode gives them ("❤️", "👩‍💻", "می‌خواهم", a flag's tags), and a lone zero-width space, soft
hyphen or bidirectional mark, which carries no text (the fence reads a marker or the nonce through it,
agent/fence.py).
"""

from __future__ import annotations

from grader.invisible import HIDDEN, IGNORABLE, TAG_RUN, hidden_runs

__all__ = ["HIDDEN", "IGNORABLE", "shown"]


def shown(text: str) -> str:
    """``text`` as the model is shown it: each hidden run that can carry text as ``HIDDEN``; ``text`` itself when
    there is none (most text holds no ignorable character at all: one scan of it)."""
    if TAG_RUN.search(text) is None:
        return text
    return TAG_RUN.sub(lambda m: HIDDEN if hidden_runs(text, m.start(), m.end()) else m.group(), text)
