"""Phone numbers in shapes the digit rules of grader/spoken_numbers.py do not read on their own (grader/redact.py):

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

from grader.code_comments import comment_spans
from grader.spoken_numbers import NUMBER_RUN, PHONE_CUE, TOKEN_IN_RUN, cued_phones, spoken_phones

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


LETTERED_REACH = 200  # how far around a lettered run its judge reads


def lettered(then: Refine) -> Refine:
    """A refinement for `LETTERED_RUN`: the run with its letters read as digits, judged by `then`."""

    def refine(text: str, start: int, end: int) -> list[tuple[int, int]]:
        run = text[start:end]
        letters = sum(c in "OolI" for c in run)
        if letters == 0 or MIXED.search(run) is None or sum(c.isdigit() for c in run) < letters:
            return []
        # Judged in a window around the run, which is all `then` reads (a cue 80 characters before it): a copy of
        # the whole text for each run made a text of many runs quadratic (2.1 s for 400 KB, 0.36 s for 100 KB).
        lo, hi = max(0, start - LETTERED_REACH), min(len(text), end + LETTERED_REACH)
        window = text[lo:start] + run.translate(LOOK_ALIKE_DIGITS) + text[end:hi]
        return [(a + lo, b + lo) for a, b in then(window, start - lo, end - lo)]

    return refine


def written_phone(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """`text[start:end]` if it is written as a phone number is (groups of digits with a country code, brackets,
    dashes, dots or spaces between them), or follows a contact cue."""
    if CODE_PHONE_SHAPE.fullmatch(text, start, end):
        return [(start, end)]
    return cued_phones(text, start, end)


def worded_phones(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """The run `text[start:end]` (grader/spoken_numbers.py `NUMBER_RUN`) as a phone number after a cue or with a country
    code, or read out in words digit by digit (no numeral in it)."""
    if found := cued_phones(text, start, end):
        return found
    if any(t.group(2).isdigit() for t in TOKEN_IN_RUN.finditer(text, start, end)):
        return []
    return spoken_phones(text, start, end)


said_lettered = lettered(spoken_phones)  # in speech
written_lettered = lettered(written_phone)  # in a comment or a program's output


# In code, a plain run of digits given to a name that says it is a phone number (`phone = "4155550100"`,
# `"mobile": 4155550100`, `setPhone("4155550100")`, `String cellPhone = ...`, `mi_telefono = "612 345 678"`): a
# segment of the name (split at `_` and at a capital, accents folded) is one of `PHONE_NAMES`, in English, Spanish,
# Portuguese, French or German; or `cell` before `phone`, `number`, `no` or `num` (a grid's `cell` alone is the code's
# word); or a word for number with a word that makes it the candidate's or a contact's (`numero_de_contacto`,
# `contact_no`, `my_number`). Elsewhere in code such a run is a number (`1000000007`, a test's value), unless the
# line's own comment, or a comment line right above it, says it is a phone number (below).
PHONE_NAMES = frozenset(
    {"phone", "phones", "mobile", "telephone", "tel", "whatsapp", "sms", "fax", "landline"}
    | {"telefono", "telefonos", "movil", "celular", "telefone", "telemovel", "telefon", "telefonnummer"}
    | {"handynummer", "rufnummer", "mobilnummer", "cellphone", "smartphone"}
)
NUMBER_WORDS = frozenset({"number", "numero", "num", "no", "nr", "nummer", "numer"})
OWNER_WORDS = frozenset(
    """
    contact contacto contato kontakt my mi meu mon mein meine personal own
    """.split()  # noqa: SIM905  # a word list reads better as text
)
PHONE_NAME_NEEDLES = frozenset(
    """
    phone mobile tel whatsapp sms fax landline cell movil celular rufnummer handynummer mobilnummer contact contat
    kontakt my mi meu mon mein personal own
    """.split()  # noqa: SIM905  # a word list reads better as text
)
# Found by its digits (a scan of a megabyte of code from each identifier took 155 ms), the name read back from them.
NAMED_NUMBER = re.compile(r"(?<![\w.+])\+?\d{7,15}(?![\w.])")
# The name, then what gives it the value, through one call at most (`phone = int("4155550100")`).
NAME_BEFORE = re.compile(
    r"(?<![\w$])([A-Za-z_$][\w$]*)[\"'`]?\s*(?:={1,3}|:=?|=>|\(|\{)\s*(?:[\w.$]+\s*\(\s*)?[\"'`]?\Z"
)
NAME_SEGMENT = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])")


def phone_name(name: str) -> bool:
    """`name` (an identifier, in the matching form) says it holds a phone number (see above)."""
    segments = [s.lower() for s in NAME_SEGMENT.findall(name)]
    cell = any(a == "cell" and b in ("phone", "number", "no", "num") for a, b in itertools.pairwise(segments))
    owned = bool(NUMBER_WORDS.intersection(segments)) and bool(OWNER_WORDS.intersection(segments))
    return cell or owned or bool(PHONE_NAMES.intersection(segments))


def named_phone(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """The digits `text[start:end]` if the name they are given to says they are a phone number."""
    m = NAME_BEFORE.search(text, max(0, start - 120), start)
    return [(start, end)] if m is not None and phone_name(m.group(1)) else []


# A number in code, in a string literal or not, that a comment names as a phone number: written in digits, with
# spaces, dashes, dots, brackets or code's digit separators between groups and a country code or not (`"612 345 678"`,
# `4155550134`, `415_555_0134`), on a line whose comment after it (`x = "415 555 0134"  # call me`, `n = 4155550134
# // my cell`, `# mi móvil`) or a short comment line right above it (a label: "# my cell") says so (`comment_cue`).
# A cue there makes the number the writer's ("call me", "my number", "mi móvil": `OWNED_PHONE_CUE`, anywhere in the
# comment), or is a word for a phone that labels the number (`PHONE_LABEL`: the comment opens with it, and it ends
# there or at a punctuation mark: "# phone", "// Phone number:", "# work mobile (after 6)"); a word for a phone in
# prose names the problem's data ("# phone numbers", "# check prefixes in the phone book", "// validate phone"),
# and "the number" a modulus's comment has. Digits that count, repeat, are bits, round or a power of two's neighbour
# (`"2345678"  # phone keypad`, `1_000_000_007`, `2147483647`) stay.
OWNED_PHONE_CUE = re.compile(
    r"(?<!\w)(?:(?:call|text|ring|reach|contact|message|msg|ping|phone|whatsapp|llama|llamame|escribeme|ligue|appelle"
    r"|appelez)\s+(?:me|us|nos|moi|mich)"
    r"|(?:my|mi|mis|meu|mon|ma|mein|meine|our)\s+(?:cell|number|numero|num|nummer|movil|celular|cel|telefono"
    r"|telefone|telefon|handy|portable|mobile|phone|tel)"
    r"|llamame|anrufen)(?!\w)",
    re.IGNORECASE,
)
PHONE_LABEL = re.compile(
    r"[\W_]*(?:(?:personal|private|work|home|office|business|main|direct|primary|cell)\s+)?"
    r"(?:phone|mobile|cellphone|telephone|tel|landline|whatsapp|sms|fax|dial|telefono|telefone|telefon"
    r"|telefonnummer|movil|celular|handynummer|rufnummer|portable)"
    r"(?:\s+(?:number|no|num|nr|nummer|numero))?(?!\w)\.?\s*(?:\Z|[^\w\s.])",
    re.IGNORECASE,
)


def comment_cue(text: str, start: int, end: int) -> bool:
    """The comment `text[start:end]` (its opening `#`, `//` or `*` too) says the number it comments is a phone number
    (see above)."""
    return (
        OWNED_PHONE_CUE.search(text, start, end) is not None
        or PHONE_LABEL.match(text, start, end) is not None
    )


CUED_NUMBER_NEEDLES = PHONE_NAME_NEEDLES | frozenset(
    """
    phone mobile cell tel whatsapp sms fax dial call text ring reach contact message msg ping llama escribeme ligue
    appel my mi meu mon ma mein our movil celular portable handy rufnummer anrufen
    """.split()  # noqa: SIM905  # a word list reads better as text
)
# A number's integer suffix (`4155550134LL`, Java's `L`) is not part of it.
# Digit separators of code (`415_555_0134`, Java's `4_155_550_134L`, C++'s `415'555'0134`) are a grouping too.
CODE_NUMBER = re.compile(r"(?<![\w.+$])\+?\(?\d(?:\)?[ ._'-]?\(?\d){6,18}(?=[lLuU]{0,3}(?![\w.]))")
_COMMENT_LINE = re.compile(r"[ \t]*(?:#|//|/?\*+)")
MAX_LINE_REST = 200  # how far after a number its line's comment is looked for
MAX_LABEL = 40  # the longest comment line above a number that labels it


def counted_digits(digits: str) -> bool:
    """Digits that count, repeat, are bits, a round number or a power of two's neighbour (`2147483647`,
    `4294967296`): a value, not a phone number."""
    steps = {int(b) - int(a) for a, b in itertools.pairwise(digits)}
    round_ = "00000" in digits  # a power of ten's neighbour: `1_000_000_007`, `10000000`
    binary = any(abs(int(digits) - (1 << k)) <= 1 for k in range(20, 51))
    return (len(steps) == 1 and steps <= {1, 0, -1}) or set(digits) <= {"0", "1"} or round_ or binary


def cued_number(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """`Rule.refine` for `CODE_NUMBER` in code: the number `text[start:end]`, in groups or not, if the name it is
    given to says it is a phone number (`named_phone`), or a comment on its line after it, or the comment line right
    above it, does (see above)."""
    number = text[start:end]
    digits = "".join(filter(str.isdigit, number))
    if not 7 <= len(digits) <= 15 or counted_digits(digits):
        return []
    if "." in number and number.count(".") == 1 and " " not in number and "-" not in number:
        return []  # a decimal
    if number.count("(") != number.count(")"):
        return []
    if named_phone(text, start, end):
        return [(start, end)]
    line_start = text.rfind("\n", max(0, start - MAX_LINE_REST), start)
    rest_end = text.find("\n", end, end + MAX_LINE_REST)
    rest_end = min(len(text), end + MAX_LINE_REST) if rest_end < 0 else rest_end
    # The line's comments, found by the lexer (a `#` or `//` inside a string is none), near the number only.
    comments = comment_spans(
        text[line_start + 1 if line_start >= 0 else max(0, start - MAX_LINE_REST) : rest_end]
    )
    offset = line_start + 1 if line_start >= 0 else max(0, start - MAX_LINE_REST)
    for lo, hi in comments:
        if lo + offset < end:
            if hi + offset > start:
                return []  # in a comment: the rules for comments read it
            continue
        if comment_cue(text, lo + offset, hi + offset):
            return [(start, end)]
    if line_start < 0:
        return []
    above_start = text.rfind("\n", max(0, line_start - MAX_LINE_REST), line_start) + 1
    if above_start == 0 and line_start > MAX_LINE_REST:
        return []  # the line above is longer than a comment cue's
    above = _COMMENT_LINE.match(text, above_start, line_start)
    # A comment line that is a label of the line below ("# my cell", "// phone:"), not prose that mentions a phone.
    if (
        above is not None
        and line_start - above.end() <= MAX_LABEL
        and comment_cue(text, above.end(), line_start)
    ):
        return [(start, end)]
    return []


# A string literal of one line whose own words give a phone number ("call me at 415 555 0134", a test's name
# `it("by zq, call 415 555 0134", ...)`): its runs of digits judged as said, after a cue in the literal itself.
STRING_LITERAL = re.compile(r"\"[^\"\\\n]{7,300}\"|'[^'\\\n]{7,300}'|`[^`\\\n]{7,300}`")


def cued_in_literal(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """`Rule.refine` for `STRING_LITERAL` in code: the phone numbers a cue in the literal `text[start:end]` gives."""
    body = text[start + 1 : end - 1]
    if sum(c.isdigit() for c in body) < 7:
        return []
    found: list[tuple[int, int]] = []
    for m in NUMBER_RUN.finditer(body):
        if PHONE_CUE.search(body, max(0, m.start() - 80), m.start()):  # a word, not a "+" (`"+2147483647"`)
            found += [(start + 1 + a, start + 1 + b) for a, b in spoken_phones(body, *m.span())]
    return found
