"""Phone numbers in shapes the digit rules of grader/spoken.py do not read on their own (grader/redact.py):

- letters for digits, O or o for zero and l or I for one ("4l5 555 Ol00", "+44 2O 7946 O958"): a run of digit groups
  of which one mixes such a letter with digits, with as many digits as letters, is read with the letters as digits
  and judged as the digits would be (in speech as said, elsewhere after a cue, with a country code or written as a
  phone number), so `l1`, `O(1)`, `0x1F00`, `l10n` stay;
- in a comment, groups set apart as a phone number is written without a cue: `415 555 0100`, `(415) 555 0100`,
  `06 12 34 56 78` (a run of single digits there is data: `3 1 4 1 5`);
- in a comment or a program's output, digits read out one by one in words ("five five five, one two three four"),
  unless a count, bits or a list (`spoken_phones`): a numeral in the run makes it the program's data.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable

from grader.spoken import TOKEN_IN_RUN, cued_phones, spoken_phones

Refine = Callable[[str, int, int], list[tuple[int, int]]]

LOOK_ALIKE_DIGITS = str.maketrans("OolI", "0011")
_GROUP = r"(?:[0-9OolI]{2,}|\d)"
_GAP = r"(?:\s*[-.\u2010-\u2015/]\s*|\s+)"
LETTERED_RUN = re.compile(rf"(?<![\w+.,])(?:\+\s*)?\(?{_GROUP}\)?(?:{_GAP}\(?{_GROUP}\)?)+(?![\w.]\w)")
# A digit beside a look-alike letter: a text without one has no lettered number (a cheap test before the scan).
MIXED = re.compile(r"\d[OolI]|[OolI]\d")
# Written as a phone number in a comment: a North American number in groups, or a European national one.
SPACED_PHONE = re.compile(
    r"(?<![\w+.,-])(?:\(\d{3}\)\s?\d{3}\s\d{4}|\d{3}\s\d{3}\s\d{4}|0\d([ .])\d{2}(?:\1\d{2}){3})(?![\w.,-]?\d)"
)
# A whole string literal that is a phone number in international form (`"+14155550100"`; eleven digits or more, so
# `"+2147483647"`, a 32-bit bound in a parsing test, stays) or grouped three, three
# and four (`"415 555 0100"`); the other written forms are grader/redact.py `CODE_PHONE`'s anywhere in code.
QUOTED_PHONE = re.compile(r"(?<=[\"'`])(?:\+[1-9]\d{10,13}|\(?\d{3}\)?[ ]\d{3}[ ]\d{4})(?=[\"'`])")
CODE_PHONE_SHAPE = re.compile(
    r"\+?\s*(?:\d{1,3}[ .-]?)?(?:\(\d{1,4}\)|\d{1,4})(?:[ .-]\d{2,4}){2,4}|\(\d{3}\)[ .-]?\d{3}[ .-]\d{4}"
)


def lettered(then: Refine) -> Refine:
    """A refinement for `LETTERED_RUN`: the run with its letters read as digits, judged by `then`."""

    def refine(text: str, start: int, end: int) -> list[tuple[int, int]]:
        run = text[start:end]
        letters = sum(c in "OolI" for c in run)
        if letters == 0 or MIXED.search(run) is None or sum(c.isdigit() for c in run) < letters:
            return []
        return then(text[:start] + run.translate(LOOK_ALIKE_DIGITS) + text[end:], start, end)

    return refine


def written_phone(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """`text[start:end]` if it is written as a phone number is (groups of digits with a country code, brackets,
    dashes, dots or spaces between them), or follows a contact cue."""
    if CODE_PHONE_SHAPE.fullmatch(text, start, end):
        return [(start, end)]
    return cued_phones(text, start, end)


def worded_phones(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """The run `text[start:end]` (grader/spoken.py `NUMBER_RUN`) as a phone number after a cue or with a country
    code, or read out in words digit by digit (no numeral in it)."""
    if found := cued_phones(text, start, end):
        return found
    if any(t.group(2).isdigit() for t in TOKEN_IN_RUN.finditer(text, start, end)):
        return []
    return spoken_phones(text, start, end)


said_lettered = lettered(spoken_phones)  # in speech
written_lettered = lettered(written_phone)  # in a comment or a program's output


# In code, a plain run of digits given to a name that says it is a phone number (`phone = "4155550100"`,
# `"mobile": 4155550100`, `setPhone("4155550100")`, `String cellPhone = ...`): a segment of the name (split at `_`
# and at a capital) is one of `PHONE_NAMES`, or `cell` before `phone`, `number`, `no` or `num` (a grid's `cell`
# alone is the code's word). Elsewhere in code such a run is a number (`1000000007`, a test's value).
PHONE_NAMES = frozenset(
    {"phone", "phones", "mobile", "telephone", "tel", "whatsapp", "sms", "fax", "landline"}
)
PHONE_NAME_NEEDLES = frozenset({"phone", "mobile", "tel", "whatsapp", "sms", "fax", "landline", "cell"})
# Found by its digits (a scan of a megabyte of code from each identifier took 155 ms), the name read back from them.
NAMED_NUMBER = re.compile(r"(?<![\w.+])\+?\d{7,15}(?![\w.])")
NAME_BEFORE = re.compile(r"(?<![\w$])([A-Za-z_$][\w$]*)[\"'`]?\s*(?:={1,3}|:=?|=>|\(|\{)\s*[\"'`]?\Z")
NAME_SEGMENT = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])")


def named_phone(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """The digits `text[start:end]` if the name they are given to says they are a phone number."""
    m = NAME_BEFORE.search(text, max(0, start - 120), start)
    if m is None:
        return []
    segments = [s.lower() for s in NAME_SEGMENT.findall(m.group(1))]
    cell = any(a == "cell" and b in ("phone", "number", "no", "num") for a, b in itertools.pairwise(segments))
    return [(start, end)] if cell or PHONE_NAMES.intersection(segments) else []
