"""Postal addresses the candidate gives, said or written in a comment: a street with its number ("221B Baker Street",
"12 Main St, Springfield, IL 62704", "calle Mayor 5, 28013 Madrid", "Av. de la Constitución nº 12"), a US city with
its state and ZIP code, a UK postcode ("NW1 6XE"), and whatever follows "I live at" or "my address is".

What decides, so that code and talk about code stay: a street needs its number before it and a street type after
capitalised words ("Baker Street", "Main St"), or a Spanish street word before its name and its number after it; a
ZIP code needs a state's abbreviation before it ("IL 62704"), a UK postcode its capital letters and the space in it.
`12 Main` in code, `st` as a variable, `O(n)` and a list of numbers are none of these.
"""

from __future__ import annotations

import re

STREET_TYPES = (
    r"Street|St|Avenue|Ave|Road|Rd|Boulevard|Blvd|Lane|Ln|Drive|Dr|Court|Ct|Place|Pl|Terrace|Ter|Way|Close"
    r"|Crescent|Cres|Square|Sq|Highway|Hwy|Parkway|Pkwy|Circle|Cir|Row|Mews|Gardens|Grove|Walk|Alley|Trail|Plaza"
)
STATES = frozenset(
    """
    AL AK AZ AR CA CO CT DE DC FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV NH NJ NM NY NC ND OH OK OR
    PA RI SC SD TN TX UT VT VA WA WV WI WY PR
    """.split()  # noqa: SIM905  # a word list reads better as text
)
_STATE = "|".join(sorted(STATES))
_NAME = r"[A-Z][\w'\u2019.-]*"  # a capitalised word of a street's name
_CITY = r"[A-Z][a-z][\w'\u2019.-]*"  # of a city's: not a postcode ("NW1")
UK_POSTCODE = r"(?:[A-Z]{1,2}\d[A-Z\d]?|GIR) \d[ABD-HJLNP-UW-Z]{2}(?![\w-])"
US_ZIP = rf"(?:{_STATE}),?\s+\d{{5}}(?:-\d{{4}})?(?![\w-])"
_UNIT = r"(?:,?\s+(?i:apt|apartment|suite|ste|unit|flat|fl|floor|#)\.?\s*#?\w+)?"
# What may go on after a street: a unit, a city (one to three capitalised words), a state and ZIP, a postcode.
_AFTER = rf"{_UNIT}(?:,\s*{_CITY}(?:\s+{_CITY}){{0,2}})?(?:,?\s+(?:{US_ZIP}|{UK_POSTCODE}))?"
STREET = (
    rf"(?<![\w.-])\d{{1,5}}[A-Za-z]?(?:-\d{{1,5}})?\s+(?:(?:[NSEW]|North|South|East|West)\.?\s+)?"
    rf"(?:{_NAME}\s+){{1,3}}(?i:{STREET_TYPES})(?!\w)\.?{_AFTER}"
)
_SP_STREET = (
    r"calle|c/|avenida|avda\.|av\.|paseo|plaza|pza\.|carrera|cra\.|camino|ronda|traves[ií]a|glorieta|rambla"
)
_SP_WORD = r"[^\W\d_][\w'.-]*"
# "calle Mayor 5", "Av. de la Constitución nº 12, 3º B, 28013 Madrid".
SPANISH_STREET = (
    rf"(?<![\w.])(?i:{_SP_STREET})\s*(?:{_SP_WORD}\s+){{0,4}}?{_SP_WORD},?\s*(?i:n[º°o]\.?|n[uú]m\.?|n[uú]mero)?"
    rf"\s*\d{{1,5}}(?!\w)(?:\s*[A-Za-z](?!\w))?(?:,\s*\d{{1,2}}[º°]?\s*[A-Za-z]?(?!\w))?"
    rf"(?:,?\s*\d{{5}}\s+{_CITY}(?:\s+{_CITY})?)?"
)
CITY_STATE_ZIP = rf"(?<![\w-]){_CITY}(?:\s+{_CITY}){{0,2}},\s*{US_ZIP}"
# A cue that says an address follows: the rest of its sentence is the address.
ADDRESS_CUE = (
    r"(?<![\w-])(?i:i\s+live\s+(?:at|on)|my\s+(?:home\s+|postal\s+|mailing\s+|street\s+|current\s+)?address"
    r"(?:\s+is|'s|\s*:)|vivo\s+en|mi\s+direcci[oó]n(?:\s+es|\s*:))\s+[^\n!?;]{1,100}?(?=\.(?:\s|$)|[\n!?;]|$)"
)
POSTAL = re.compile(rf"{STREET}|{SPANISH_STREET}|{CITY_STATE_ZIP}|(?<![\w-]){UK_POSTCODE}|{ADDRESS_CUE}")
CUE_START = re.compile(
    r"(?i:i\s+live\s+(?:at|on)|my\s+(?:home\s+|postal\s+|mailing\s+|street\s+|current\s+)?address"
    r"(?:\s+is|'s|\s*:)|vivo\s+en|mi\s+direcci[oó]n(?:\s+es|\s*:))\s+"
)


def postal_spans(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """The address `text[start:end]`; after a cue, what follows the cue (the cue's words stay)."""
    cue = CUE_START.match(text, start)
    return [(cue.end(), end)] if cue else [(start, end)]
