"""A phone number said in French in pairs, as French numbers are read ("zéro six, douze, trente-quatre, cinquante-six,
soixante-dix-huit" for 06 12 34 56 78; grader/redact.py, `[phone]`), which spoken_numbers.py reads only digit by
digit: numbers from zero to ninety-nine ("soixante-dix", "quatre-vingt-onze", "vingt et un"), "zéro" and a digit
as a pair.

What decides: a run of two or more such numbers, one of them a word that is no English, Spanish or code word (all but
"six"; "un" is one too), that reads as eight to twelve digits and is no count (digits or numbers one step apart:
"zéro, un, deux, ... neuf", "zéro un, zéro deux, zéro trois"), after a phone cue a few words before
(spoken_numbers.py `PHONE_CUE`: "mon numéro", "mon portable", "appelle-moi au") or, without one, ten digits starting
with a zero, a French number's whole shape ("zéro six douze trente-quatre cinquante-six soixante-dix-huit"). Matched
with accents folded (grader/matching_form.py).
"""

from __future__ import annotations

import re

from grader.phone_forms import counted_digits
from grader.phone_lines import counted_values
from grader.spoken_numbers import PHONE_CUE

UNITS = {
    "un": 1,
    "une": 1,
    "deux": 2,
    "trois": 3,
    "quatre": 4,
    "cinq": 5,
    "six": 6,
    "sept": 7,
    "huit": 8,
    "neuf": 9,
}
TEENS = {"dix": 10, "onze": 11, "douze": 12, "treize": 13, "quatorze": 14, "quinze": 15, "seize": 16}
TENS = {"vingt": 20, "trente": 30, "quarante": 40, "cinquante": 50, "soixante": 60}
_J = r"(?:-|\s+)"  # a compound's joint: "trente-quatre", "trente quatre"
_UNIT = "|".join(UNITS)
_TEEN = rf"dix{_J}(?:sept|huit|neuf)|{'|'.join(TEENS)}"
_NUMBER = (
    rf"quatre{_J}vingts?(?:{_J}(?:{_TEEN}|{_UNIT}))?"
    rf"|(?:vingt|trente|quarante|cinquante|soixante)(?:{_J}(?:et{_J})?(?:{_TEEN}|{_UNIT}))?"
    rf"|{_TEEN}|zero(?:{_J}(?:{_UNIT}))?|{_UNIT}"
)
FRENCH_RUN = re.compile(
    rf"(?<![\w-])(?:{_NUMBER})(?:\s*[,.;/-]?\s*(?:{_NUMBER})){{1,11}}(?![\w-])", re.IGNORECASE
)
_TOKEN = re.compile(rf"{_NUMBER}", re.IGNORECASE)
_WORD = re.compile(r"[a-z]+", re.IGNORECASE)
NOT_FRENCH_ONLY = frozenset({"six", "un", "une", "et"})  # words of English, Spanish or code too
MIN_DIGITS, MAX_DIGITS = 8, 12
CUE_REACH = 80  # how far before the run its cue is looked for


def _value(number: str) -> str:
    """The digits one number says ("soixante-dix-huit": "78", "zero six": "06", "trois": "3")."""
    words = [w.lower() for w in _WORD.findall(number) if w.lower() != "et"]
    if words[0] == "zero":
        return "0" + "".join(str(UNITS[w]) for w in words[1:])
    total = 0
    for i, word in enumerate(words):
        if word == "vingts" or (word == "vingt" and i > 0 and words[i - 1] == "quatre"):
            total = 80  # "quatre-vingt(s)": four twenties
        elif word in TENS:
            total += TENS[word]
        elif word in TEENS:
            total += TEENS[word]
        elif word in UNITS and not (
            word == "quatre" and i + 1 < len(words) and words[i + 1].startswith("vingt")
        ):
            total += UNITS[word]
    return str(total)


def french_pairs(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """`Rule.refine` for `FRENCH_RUN`: the run, if it is a phone number said in French (see above)."""
    run = text[start:end]
    numbers = [m.group() for m in _TOKEN.finditer(run)]
    words = {w.lower() for w in _WORD.findall(run)}
    if len(numbers) < 2 or words <= NOT_FRENCH_ONLY:
        return []
    values = [_value(n) for n in numbers]
    digits = "".join(values)
    if not MIN_DIGITS <= len(digits) <= MAX_DIGITS or counted_digits(digits) or counted_values(values):
        return []
    cued = PHONE_CUE.search(text, max(0, start - CUE_REACH), start) is not None
    if cued or (len(digits) == 10 and digits.startswith("0")):
        return [(start, end)]
    return []
