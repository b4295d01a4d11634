"""Characters that show nothing where text is displayed, and the runs of them that hide text: one definition, read
by the grader (replaced unread, grader/redact.py) and by the report (shown as markers, api/templating.py).

The characters are Unicode's Default_Ignorable_Code_Point (`IGNORABLE`, DerivedCoreProperties.txt): zero-width
spaces and joiners, bidirectional controls, the soft hyphen, invisible operators, variation selectors (U+FE00-U+FE0F,
U+E0100-U+E01EF, the Mongolian ones), tag characters (U+E0000-U+E007F), the Hangul fillers, the combining grapheme
joiner, the musical format controls, and the code points Unicode reserves as such. Each draws nothing, yet a model
reads it, and a run of them carries text: a tag character stands for an ASCII one (U+E0041 is "A", "ASCII
smuggling"), and a variation selector for a byte ("emoji smuggling": an emoji then a run of selectors). In what the
candidate says, types, writes or prints, such a run could carry their name past redaction (which matches text
without invisible characters: grader/matching_form.py) or an instruction to the grader that nobody reading the
transcript sees.

A run of them is hidden (`Hiding.spans`) unless it is one of the uses Unicode gives them, each drawn as a person
expects, directly after a character that prints (a `base`: not a control, format character, space or ignorable):
- one variation selector, which picks the glyph of the character before it ("❤️" is U+2764 U+FE0F, emoji
  presentation; U+FE0E, text presentation); one of U+E0100-U+E01EF only after a CJK ideograph (`IDEOGRAPHS`, an
  ideographic variation sequence);
- then, or alone, one zero-width joiner or non-joiner before a character that prints: the joiner of an emoji
  sequence ("❤️‍🔥", "👩‍💻"), the joiner and non-joiner of Indic and Arabic-script words ("می‌خواهم");
- the tags of a subdivision's flag after the black flag U+1F3F4 (Scotland's, Wales's): a few lowercase letters and
  digits and the cancel tag.
Anything else is hidden whole: an emoji followed by its selector and a hundred more shows every one of them.

The grader replaces (`hidden_runs`) a hidden run that can carry text: two characters or more, or one that is a
variation selector or a tag (a byte, or a letter, by itself), with `HIDDEN`. A lone zero-width space, soft hyphen or
bidirectional mark in a word is left to the model (the report shows it; names and quotes are matched without it).
"""

from __future__ import annotations

import re
import unicodedata

HIDDEN = "[hidden text]"

# Default_Ignorable_Code_Point, as a regular expression's character class (the same in every Unicode version from
# 9.0 to 17.0; tests/grader/test_invisible.py checks it against the property).
IGNORABLE = (
    "\xad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200f\u202a-\u202e\u2060-\u206f\u3164"
    "\ufe00-\ufe0f\ufeff\uffa0\ufff0-\ufff8\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0000-\U000e0fff"
)
# The variation selectors (Unicode's Variation_Selector), the supplementary ones apart, and the joiners.
SELECTORS = re.compile("[\u180b-\u180d\u180f\ufe00-\ufe0f]")
IDEOGRAPHIC_SELECTORS = re.compile("[\U000e0100-\U000e01ef]")
JOINERS = "\u200c\u200d"
# The CJK ideographs an ideographic variation sequence starts with: the unified and compatibility ideographs' blocks
# and planes 2 and 3.
IDEOGRAPHS = re.compile("[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003ffff]")
TAGS = re.compile("[\U000e0000-\U000e007f]")
FLAG_TAGS = re.compile("[\U000e0030-\U000e0039\U000e0061-\U000e007a]{1,6}\U000e007f")
BLACK_FLAG = "\U0001f3f4"
# What a run of them is, kept: a selector and a joiner, either alone.
_KEPT = re.compile(
    f"(?P<vs>[\u180b-\u180d\u180f\ufe00-\ufe0f])?(?P<ivs>[\U000e0100-\U000e01ef])?(?P<joiner>[{JOINERS}])?"
)
# Not a base: controls, format characters, spaces and separators.
_NOT_BASE = frozenset({"Cc", "Cf", "Zs", "Zl", "Zp"})

_IGNORABLE_CHAR = re.compile(f"[{IGNORABLE}]")
# What a kept run starts with: a selector, a joiner or a tag (any other run is hidden, read no further).
MAY_BE_KEPT = re.compile(
    f"[\u180b-\u180d\u180f\ufe00-\ufe0f{JOINERS}\U000e0000-\U000e007f\U000e0100-\U000e01ef]"
)


def base(char: str) -> bool:
    """Whether `char` prints: not a control, a format character, a space or separator, or an ignorable."""
    return unicodedata.category(char) not in _NOT_BASE and not _IGNORABLE_CHAR.match(char)


def kept(text: str, start: int, end: int) -> bool:
    """Whether the run `text[start:end]` (a whole run of hidden characters) is one of the uses Unicode gives them,
    read with the characters around it."""
    if start == 0 or end - start > 7 or not MAY_BE_KEPT.match(text, start) or not base(text[start - 1]):
        return False  # (a flag's tags, the longest kept run, are seven)
    before = text[start - 1]
    if before == BLACK_FLAG and FLAG_TAGS.fullmatch(text, start, end):
        return True
    m = _KEPT.fullmatch(text, start, end)
    if m is None or (m.group("vs") and m.group("ivs")):
        return False
    if m.group("ivs") and not IDEOGRAPHS.match(before):
        return False
    return not m.group("joiner") or (end < len(text) and base(text[end]))


class Hiding:
    """The hidden runs of a text: runs of `IGNORABLE` characters and of the `also` ones (a character class), except
    those Unicode gives a use (`kept`)."""

    def __init__(self, also: str = "") -> None:
        self.char = re.compile(f"[{IGNORABLE}{also}]")
        self.run = re.compile(f"[{IGNORABLE}{also}]+")

    def spans(self, text: str) -> list[tuple[int, int]]:
        """The hidden runs of `text`, in order."""
        return [m.span() for m in self.run.finditer(text) if not kept(text, m.start(), m.end())]


# Every run of ignorable characters: where the grader looks (grader/redact.py; the name is what it read first).
TAG_RUN = re.compile(f"[{IGNORABLE}]+")


def hidden_runs(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """The run `text[start:end]`, when it is hidden (not `kept`) and can carry text: two characters or more, or a
    variation selector or a tag character alone."""
    if kept(text, start, end):
        return []
    one = text[start]
    if end - start == 1 and not (SELECTORS.match(one) or IDEOGRAPHIC_SELECTORS.match(one) or TAGS.match(one)):
        return []
    return [(start, end)]
