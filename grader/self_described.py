"""Whether a word of the candidate's name on file said after "I'm" says what they are rather than who
(grader/known_slots.py, grader/known_cased.py): "i'm young", "i'm rich" for a candidate named Hope Young or Will Rich.

A name part that is also a word of description ("young", "rich", "strong", "brown") is replaced in lower case after
"I'm" because the name on file is the evidence that it is the name there. Context says otherwise in two ways, read
here without any list of such words:
- a name was already given before it in the same text, in other words ("my name is hope, i'm young", "i'm will, and
  i'm rich"): a second "I'm" says what the speaker is;
- another word that says what they are is joined to it ("i'm young and eager", "i'm rich, and honestly pretty
  nervous"): `grader.intro_words.weak_name` refuses that word as a name (a state, a participle, an adjective by its
  ending), so the two are a predicate, not a name and a word after it.
Only one word, written in lower case, is read so: "I'm Young" (a capital speech-to-text gives a name), "i'm hope
young" (the name whole) and "hi i'm young" said alone stay the name.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from grader.intro_words import weak_name

# "I'm" (or "I am", Spanish "soy") right before the word: a copula, after which a word may say what the speaker is.
_COPULA_BEFORE = re.compile(r"(?<![\w'\u2019])(?:i['\u2019]?m|i[ \t]+am|soy)[ \t]+\Z", re.IGNORECASE)
# Another predicate joined after the word: "and eager", ", and honestly pretty nervous", "y nervioso".
_JOINED_AFTER = re.compile(
    r"[ \t]*,?[ \t]*(?:and|or|but|y|e|o|pero|&)[ \t]+(?:(?:very|so|really|quite|pretty|rather|also|still|too|honestly"
    r"|a[ \t]+bit|a[ \t]+little|kind[ \t]+of|sort[ \t]+of|muy|tan|algo|un[ \t]+poco)[ \t]+)*(?P<word>[^\W\d_]+)",
    re.IGNORECASE,
)


def described(
    text: str, start: int, end: int, earlier_names: Callable[[], Sequence[tuple[int, int]]]
) -> bool:
    """The one word at `start:end` of `text`, in lower case after "I'm", reads as what the speaker is, not who: a name
    of other words was given before it (`earlier_names()`, spans of `text`, read only when needed), or a word that
    says what they are is joined to it."""
    word = text[start:end]
    if not word.isalpha() or not word.islower() or not _COPULA_BEFORE.search(text, 0, start):
        return False
    if any(b <= start and text[a:b].lower() != word for a, b in earlier_names()):
        return True
    joined = _JOINED_AFTER.match(text, end)
    return joined is not None and not weak_name([joined.group("word")])
