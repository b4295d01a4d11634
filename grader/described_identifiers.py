"""An identifier whose words describe its author's gender, as a sentence would (`i_am_a_woman`, `asAMother`,
`myWifeAndI`, `pronouns_she_her`, `soy_mujer`): its gendered words as the neutral placeholders (grader/gendered.py),
in code anywhere, in what a program printed, and in code typed into the chat (grader/redact.py). `_` and a change
of case are not spaces, so the rules for speech and for a self-description in a literal (grader/redact_refine.py)
never read an identifier's words.

What decides: an identifier with `_` or a change of case is split into its segments (`IAmAWoman`: I, Am, A, Woman;
`HTTPServer`: HTTP, Server) and read as the words of a sentence, in lower case; only one that holds a gendered word
as a whole segment is read (`his_tory`, `other`, `myShelf` are not), and only the gendered words a self-description
puts after its cue are replaced (`SELF_CUE`: "i am", "as a", "pronouns", "soy"; or "my", a family member or partner
of the author's own: `my_husband`, `myBigBrother`), with at most one word between. An identifier that names a
gendered thing without such a cue is the code's data and stays (`woman`, `mother_node`, `is_male`, `find_mother`),
as do the question's own words (`kept_words`).
"""

from __future__ import annotations

import re

from grader.gendered import PLACEHOLDER, kept_words, placeholder
from grader.redact_apply import Rule
from grader.redact_refine import SELF_CUE, self_description

# A word of `_`-joined or camel-case segments (what a name in code is written as): at least one `_` or change of case,
# and a letter (which also lets a text without one skip the rule: grader/letter_gate.py).
IDENTIFIER = re.compile(r"(?<![\w$])(?=[^\W_]*(?:_|[a-z0-9][A-Z]))(?=\w*?[^\W\d_])\w+")
# An identifier's segments: a run of capitals not opening a capitalised word (`HTTP` of `HTTPServer`), a word with
# or without its capital, letters of another script, digits.
SEGMENT = re.compile(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|[^\W\d_]+|\d+")
# The author's own family or partner ("my wife", "my big brother") besides the cues of a self-description.
CUE = rf"(?:{SELF_CUE}|my)"


class DescribedIdentifiers:
    def __init__(self, pattern: re.Pattern[str], each: re.Pattern[str], words: frozenset[str]) -> None:
        self._pattern, self._each, self._words = pattern, each, words

    def spans(self, text: str, start: int, end: int) -> list[tuple[int, int]]:
        """The segments of the identifier `text[start:end]` that are the gendered words of a self-description."""
        segments = [m.span() for m in SEGMENT.finditer(text, start, end)]
        lowered = [text[a:b].lower() for a, b in segments]
        if self._words.isdisjoint(lowered):
            return []
        phrase = " ".join(lowered)
        index: dict[int, int] = {}  # where each segment's word starts in `phrase`
        at = 0
        for i, segment in enumerate(lowered):
            index[at] = i
            at += len(segment) + 1
        found = []
        for m in self._pattern.finditer(phrase):
            for word in self._each.finditer(phrase, m.start(), m.end()):
                n = index.get(word.start())
                if n is not None and word.end() - word.start() == len(lowered[n]):
                    found.append(segments[n])
        return found


def described_identifier_rule(vocabulary: str) -> Rule | None:
    """The gendered words of an identifier that describes its author, but those of the question's own text."""
    if (described := self_description(vocabulary, CUE)) is None:
        return None
    keep = kept_words(vocabulary)
    words = frozenset(w for w in PLACEHOLDER if w not in keep)
    identifiers = DescribedIdentifiers(*described, words)
    return Rule(IDENTIFIER, "", refine=identifiers.spans, replace=placeholder)
