r"""Characters that show nothing where text is displayed, and the runs of them that hide text: one definition, read
by the grader (replaced unread, grader/redact.py) and by the report (shown as markers, api/templating.py).

The characters are Unicode's Default_Ignorable_Code_Point (`IGNORABLE`, DerivedCoreProperties.txt): zero-width
spaces and joiners, bidirectional controls, the soft hyphen, invisible operators, variation selectors (U+FE00-U+FE0F,
U+E0100-U+E01EF, the Mongolian ones), tag characters (U+E0000-U+E007F), the Hangul fillers, the combining grapheme
joiner, the musical format controls, and the code points Unicode reserves as such. Each draws nothing, yet a model
reads it, and a run of them carries text: a tag character stands for an ASCII one (U+E0041 is "A", "ASCII
smuggling"), a variation selector for a byte ("emoji smuggling": an emoji then a run of selectors), and one selector
or joiner after each letter for a few bits of one ("wo\ufe03\u200dr\ufe0ad"). In what the candidate says, types,
writes or prints, such a run could carry their name past redaction (which matches text without invisible characters:
grader/matching_form.py) or an instruction to the grader that nobody reading the transcript sees.

A run of them is hidden (`Hiding.spans`) unless it is one of the sequences Unicode defines for them, read with the
characters on either side (`kept`); each is drawn as a person expects:
- an emoji presentation sequence: U+FE0F (emoji style) or U+FE0E (text style) after an Extended_Pictographic
  character (`PICTOGRAPHS`, "❤️", "❤︎"), or in a keycap, after `#`, `*` or a digit and before U+20E3 ("1️⃣");
- a standardized variation sequence (StandardizedVariants.txt), by block: U+FE00 after a mathematical operator
  (U+2200-U+22FF, U+2A00-U+2AFF, "≩︀"), a Myanmar, Phags-pa or Manichaean letter (`FIRST_SELECTOR_BASES`); U+FE00-U+FE02
  after a CJK ideograph (`IDEOGRAPHS`, the compatibility ideographs' variants); a Mongolian free variation selector
  after a Mongolian letter (`MONGOLIAN`);
- an ideographic variation sequence: one of U+E0100-U+E01EF after a CJK ideograph (the IVD's);
- an emoji ZWJ sequence's joiner: U+200D between two pictographs, the first with its U+FE0F or a skin tone modifier
  before it ("❤️‍🔥", "👩🏽‍💻");
- a joiner or non-joiner (U+200C, U+200D) between two letters of the scripts that use them (`JOINING`: the Arabic
  and Syriac scripts, the Indic ones, Myanmar, Khmer, Mongolian; the Persian "می‌خواهم", the Devanagari "क्‍ष"), not
  Latin, Greek, Cyrillic or CJK;
- the tags of a subdivision's flag after the black flag U+1F3F4 (Scotland's, Wales's): a few lowercase letters and
  digits and the cancel tag.
Anything else is hidden whole: an emoji followed by its selector and a hundred more shows every one of them, and a
selector after a Latin letter is a marker. web/src/replay/hiddenchars.ts decides the same (its classes are these,
character for character: tests/web/test_hidden_parity.py).

The grader replaces (`hidden_runs`) a hidden run with `HIDDEN`, a lone character too (one a gap still carries bits
when there are many to choose from: a reserved ignorable of U+E0080-U+E0FFF, ~11.8 bits; a lone selector or tag, a
byte or a letter), but a lone format character that only affects breaking, joining or direction (`LEFT`: the
zero-width space, the joiners, the word joiner, the soft hyphen, the BOM, the bidirectional marks, the combining
grapheme joiner): honest text holds them (copied from a web page, typed in Persian), the report shows each as a
marker, and names, titles and quotes are matched without them (grader/matching_form.py). Left to the model, which
one, or whether one, stands in a gap is about 3 bits; taking them out of the model's text is not done yet: the
redaction's later passes (grader/name_titles.py) read a replacement, an empty one too, as a boundary.
"""

from __future__ import annotations

import re

HIDDEN = "[hidden text]"

# Default_Ignorable_Code_Point, as a regular expression's character class (the same in every Unicode version from
# 9.0 to 17.0; tests/grader/test_invisible.py checks it against the property).
IGNORABLE = (
    "\xad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200f\u202a-\u202e\u2060-\u206f\u3164"
    "\ufe00-\ufe0f\ufeff\uffa0\ufff0-\ufff8\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0000-\U000e0fff"
)
# The supplementary variation selectors, and the joiners.
IDEOGRAPHIC_SELECTORS = re.compile("[\U000e0100-\U000e01ef]")
JOINERS = "\u200c\u200d"
ZWJ = "\u200d"
# Extended_Pictographic (emoji-data.txt, Unicode 17.0; tests/grader/test_invisible.py checks it against the
# property): what an emoji presentation sequence and an emoji ZWJ sequence are made of.
PICTOGRAPHS = re.compile(
    "[\xa9\xae\u203c\u2049\u2122\u2139\u2194-\u2199\u21a9-\u21aa\u231a-\u231b\u2328\u23cf\u23e9-\u23f3"
    "\u23f8-\u23fa\u24c2\u25aa-\u25ab\u25b6\u25c0\u25fb-\u25fe\u2600-\u2604\u260e\u2611\u2614-\u2615\u2618\u261d"
    "\u2620\u2622-\u2623\u2626\u262a\u262e-\u262f\u2638-\u263a\u2640\u2642\u2648-\u2653\u265f-\u2660\u2663"
    "\u2665-\u2666\u2668\u267b\u267e-\u267f\u2692-\u2697\u2699\u269b-\u269c\u26a0-\u26a1\u26a7\u26aa-\u26ab"
    "\u26b0-\u26b1\u26bd-\u26be\u26c4-\u26c5\u26c8\u26ce-\u26cf\u26d1\u26d3-\u26d4\u26e9-\u26ea\u26f0-\u26f5"
    "\u26f7-\u26fa\u26fd\u2702\u2705\u2708-\u270d\u270f\u2712\u2714\u2716\u271d\u2721\u2728\u2733-\u2734\u2744"
    "\u2747\u274c\u274e\u2753-\u2755\u2757\u2763-\u2764\u2795-\u2797\u27a1\u27b0\u27bf\u2934-\u2935\u2b05-\u2b07"
    "\u2b1b-\u2b1c\u2b50\u2b55\u3030\u303d\u3297\u3299\U0001f004\U0001f02c-\U0001f02f\U0001f094-\U0001f09f"
    "\U0001f0af-\U0001f0b0\U0001f0c0\U0001f0cf-\U0001f0d0\U0001f0f6-\U0001f0ff\U0001f170-\U0001f171"
    "\U0001f17e-\U0001f17f\U0001f18e\U0001f191-\U0001f19a\U0001f1af-\U0001f1e5\U0001f201-\U0001f20f\U0001f21a"
    "\U0001f22f\U0001f232-\U0001f23a\U0001f23c-\U0001f23f\U0001f249-\U0001f25f\U0001f266-\U0001f321"
    "\U0001f324-\U0001f393\U0001f396-\U0001f397\U0001f399-\U0001f39b\U0001f39e-\U0001f3f0\U0001f3f3-\U0001f3f5"
    "\U0001f3f7-\U0001f3fa\U0001f400-\U0001f4fd\U0001f4ff-\U0001f53d\U0001f549-\U0001f54e\U0001f550-\U0001f567"
    "\U0001f56f-\U0001f570\U0001f573-\U0001f57a\U0001f587\U0001f58a-\U0001f58d\U0001f590\U0001f595-\U0001f596"
    "\U0001f5a4-\U0001f5a5\U0001f5a8\U0001f5b1-\U0001f5b2\U0001f5bc\U0001f5c2-\U0001f5c4\U0001f5d1-\U0001f5d3"
    "\U0001f5dc-\U0001f5de\U0001f5e1\U0001f5e3\U0001f5e8\U0001f5ef\U0001f5f3\U0001f5fa-\U0001f64f"
    "\U0001f680-\U0001f6c5\U0001f6cb-\U0001f6d2\U0001f6d5-\U0001f6e5\U0001f6e9\U0001f6eb-\U0001f6f0"
    "\U0001f6f3-\U0001f6ff\U0001f7dc-\U0001f7f0\U0001f80c-\U0001f80f\U0001f848-\U0001f84f\U0001f85a-\U0001f85f"
    "\U0001f888-\U0001f88f\U0001f8ae-\U0001f8af\U0001f8bc-\U0001f8bf\U0001f8c2-\U0001f8cf\U0001f8d9-\U0001f8ff"
    "\U0001f90c-\U0001f93a\U0001f93c-\U0001f945\U0001f947-\U0001f9ff\U0001fa58-\U0001fa5f\U0001fa6e-\U0001faff"
    "\U0001fc00-\U0001fffd]"
)
# The skin tone modifiers (Emoji_Modifier), which may come between a pictograph and its sequence's joiner.
MODIFIERS = re.compile("[\U0001f3fb-\U0001f3ff]")
KEYCAP_BASES = re.compile("[#*0-9]")
KEYCAP = "\u20e3"
EMOJI_SELECTORS = "\ufe0e\ufe0f"
# What U+FE00 follows in StandardizedVariants.txt, by block: Myanmar (and its extensions), the mathematical operators
# and their supplement, Phags-pa, Manichaean.
FIRST_SELECTOR_BASES = re.compile(
    "[\u1000-\u109f\u2200-\u22ff\u2a00-\u2aff\ua840-\ua87f\ua9e0-\ua9ff\uaa60-\uaa7f\U00010ac0-\U00010aff]"
)
# The CJK ideographs a variation sequence starts with (U+FE00-U+FE02, and U+E0100-U+E01EF, an ideographic variation
# sequence): the unified and compatibility ideographs' blocks and planes 2 and 3.
IDEOGRAPHS = re.compile("[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003ffff]")
CJK_SELECTORS = re.compile("[\ufe00-\ufe02]")
MONGOLIAN_SELECTORS = re.compile("[\u180b-\u180d\u180f]")
MONGOLIAN = re.compile("[\u1800-\u18af\U00011660-\U0001167f]")
# The scripts whose letters a joiner or non-joiner goes between: Arabic, Syriac, Thaana, N'Ko and the other
# joining scripts to the Indic ones (Devanagari to Sinhala) in U+0600-U+0DFF; Myanmar; Khmer and Mongolian; Vedic
# and Devanagari extensions; Arabic presentation forms; Hanifi Rohingya; Arabic Extended-C; the Brahmic scripts of
# plane 1 (U+11000-U+11FFF); Adlam.
JOINING = re.compile(
    "[\u0600-\u0dff\u1000-\u109f\u1780-\u18af\u1cd0-\u1cff\ua8e0-\ua8ff\ufb50-\ufdff\ufe70-\ufefe"
    "\U00010d00-\U00010d3f\U00010ec0-\U00010eff\U00011000-\U00011fff\U0001e900-\U0001e95f]"
)
FLAG_TAGS = re.compile("[\U000e0030-\U000e0039\U000e0061-\U000e007a]{1,6}\U000e007f")
BLACK_FLAG = "\U0001f3f4"

# What a kept run starts with: a selector, a joiner or a tag (any other run is hidden, read no further).
MAY_BE_KEPT = re.compile(
    f"[\u180b-\u180d\u180f\ufe00-\ufe0f{JOINERS}\U000e0000-\U000e007f\U000e0100-\U000e01ef]"
)


def _is(pattern: re.Pattern[str], char: str) -> bool:
    return char != "" and pattern.fullmatch(char) is not None


def _selector_kept(selector: str, before: str, after: str) -> bool:
    """Whether one variation selector between `before` and `after` makes a sequence Unicode defines."""
    if selector in EMOJI_SELECTORS and (
        _is(PICTOGRAPHS, before) or (_is(KEYCAP_BASES, before) and after == KEYCAP)
    ):
        return True
    return (
        (selector == "\ufe00" and _is(FIRST_SELECTOR_BASES, before))
        or (_is(CJK_SELECTORS, selector) and _is(IDEOGRAPHS, before))
        or (_is(IDEOGRAPHIC_SELECTORS, selector) and _is(IDEOGRAPHS, before))
        or (_is(MONGOLIAN_SELECTORS, selector) and _is(MONGOLIAN, before))
    )


def _joiner_kept(joiner: str, before: str, after: str) -> bool:
    """Whether one joiner or non-joiner between `before` and `after` joins what Unicode has it join."""
    emoji = joiner == ZWJ and (_is(PICTOGRAPHS, before) or _is(MODIFIERS, before)) and _is(PICTOGRAPHS, after)
    return emoji or (_is(JOINING, before) and _is(JOINING, after))


def kept(text: str, start: int, end: int) -> bool:
    """Whether the run `text[start:end]` (a whole run of hidden characters) is one of the sequences Unicode defines
    for them, read with the characters on either side."""
    if start == 0 or end - start > 7 or not MAY_BE_KEPT.match(text, start):
        return False  # (a flag's tags, the longest kept run, are seven)
    before, after, run = text[start - 1], text[end : end + 1], text[start:end]
    if before == BLACK_FLAG and FLAG_TAGS.fullmatch(text, start, end):
        return True
    if run == "\ufe0f" + ZWJ:  # a pictograph's emoji style, then its ZWJ sequence's joiner
        return _is(PICTOGRAPHS, before) and _is(PICTOGRAPHS, after)
    if len(run) != 1:
        return False
    if run in JOINERS:
        return _joiner_kept(run, before, after)
    return _selector_kept(run, before, after)


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


# What a hidden run of one character is left as written, not replaced (a format character that carries no text).
LEFT = re.compile("[\xad\u034f\u061c\u200b-\u200f\u2060\ufeff]")


def hidden_runs(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """The run `text[start:end]` (a whole run of `IGNORABLE` characters), when it is hidden (not `kept`) and not a
    lone `LEFT` character."""
    if kept(text, start, end) or (end - start == 1 and LEFT.match(text, start)):
        return []
    return [(start, end)]
