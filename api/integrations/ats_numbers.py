"""One text for one JSON number where an ATS sends a number for a field we read as text (Greenhouse's and Ashby's
ids, a job's `req_id`, a name).

JSON has one kind of number: 77, 77.0 and 7.7e1 are the same value, and a serialiser may write any of them (a float
that holds an integer is written 77.0 by Python's, 77 by JavaScript's). Read as Python reads them, 77 became "77"
and 77.0 became "77.0": the same start sent again with the id written the other way was another candidate (a second
interview and a second invite e-mail) or, for a job's `req_id`, a 409 for the very start that was scheduled. A number
with an integer value is therefore read as that integer, "77" however it was written, when the value is exact in a
double (at most 2**53 in size, JavaScript's safe integers); past that a float is not the integer it was written as,
and is kept as Python writes it ("1e+300"), as is any number with a fraction ("77.5"). A number is never the same
text as a JSON string of other characters ("077", "77.0" sent as a string stay what they are).

A value that is no number of JSON is refused where a field is read (422): NaN and Infinity, which Python's parser
takes though JSON has neither, and a number too large for a double (1e400), which it reads as infinity. Read as
Python writes them, every such value was "nan" or "inf": two candidates whose ids were NaN, or 1e400 and 1e500,
were one candidate. A report kept as it came (Greenhouse's `response_error`) keeps them as that text.
"""

from __future__ import annotations

import math
from typing import Any

MAX_EXACT = 2**53


def _exact(value: Any) -> Any:
    """`value` with a float that holds an exact integer as that int (77.0 -> 77); anything else unchanged."""
    if isinstance(value, float) and math.isfinite(value) and value.is_integer() and abs(value) <= MAX_EXACT:
        return int(value)
    return value


def one_number(value: Any) -> Any:
    """`value` by `_exact`, for a `mode="before"` validator (pydantic's `coerce_numbers_to_str` then writes the
    int as its text); a ValueError (a 422) for NaN or an infinity, no number of JSON."""
    if isinstance(value, float) and not math.isfinite(value):
        raise ValueError("must be a number JSON can write (not NaN, Infinity or past a double's range)")
    return _exact(value)


def as_text(value: Any) -> str:
    """Any JSON value as text, a number by `_exact`'s rule (299506.0 is "299506"; NaN stays "nan")."""
    value = _exact(value)
    return value if isinstance(value, str) else str(value)
