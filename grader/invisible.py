"""Text hidden in Unicode tag characters (U+E0000-U+E007F), replaced unread (grader/redact.py).

Each tag character shows nothing where text is displayed, yet stands for an ASCII character (U+E0041 is "A"), and a
model reads a run of them as the text it encodes ("ASCII smuggling"). In what the candidate says, types, writes or
prints, such a run could carry their name past redaction (which matches text without invisible characters:
grader/matching_form.py) or an instruction to the grader that nobody reading the transcript sees. A run of them is
replaced by `HIDDEN`, except the one use Unicode gives them: the tags of a subdivision's flag after the black flag
(U+1F3F4), such as Scotland's or Wales's, a few lowercase letters and digits and the cancel tag.
"""

from __future__ import annotations

import re

HIDDEN = "[hidden text]"
TAG_RUN = re.compile("[\U000e0000-\U000e007f]+")
FLAG_TAGS = re.compile("[\U000e0030-\U000e0039\U000e0061-\U000e007a]{1,6}\U000e007f")
BLACK_FLAG = "\U0001f3f4"


def hidden_runs(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """The run `text[start:end]`, unless it is a subdivision flag's tags."""
    if start > 0 and text[start - 1] == BLACK_FLAG and FLAG_TAGS.fullmatch(text, start, end):
        return []
    return [(start, end)]
