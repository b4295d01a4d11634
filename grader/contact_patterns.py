"""The patterns grader/redact.py finds contact details and spelled-out names with, in one place: an e-mail address,
an `@handle` (in speech, and set apart as one in a program's output), the decorators and annotations that are not
handles, a word spelled out letter by letter, and a phone number as code writes one."""

from __future__ import annotations

import re

EMAIL = re.compile(
    r"[A-Za-z0-9._%+-]+(?:@|%40)[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}"
)  # %40: in a link
# A mention (`@zq_dev`), not an e-mail's second half (`a@b.org`) nor Python's matrix product (`a@b`).
HANDLE = re.compile(r"(?<![\w@.+-])@[^\W\d](?:[\w.-]*\w)?")
# In a program's output, a mention set apart as one is written (after a space, a bracket, a quote or a colon, and
# before a space or punctuation): symbols strung together (`{&}n@pyme)`, `|@T0Fe74+`) are not a handle.
OUTPUT_HANDLE = re.compile(r"(?<![^\s(\[{<\"'`,;:])@[^\W\d](?:[\w.-]*\w)?(?=$|[\s)\]}>\"'`,;:.!?])")
# Decorators and annotations said or typed in an interview: not a person's handle.
NOT_HANDLES = frozenset(
    """
    property staticmethod classmethod abstractmethod cache lru_cache cached_property cache_clear dataclass
    functools wraps total_ordering singledispatch contextmanager asynccontextmanager overload override final
    typing pytest fixture mark parametrize unittest mock patch app route
    test before after beforeeach aftereach beforeall afterall deprecated suppresswarnings functionalinterface
    safevarargs nonnull nullable notnull autowired component service param return returns throws see since
    author version inheritdoc link code literal todo fixme noqa
    """.split()  # noqa: SIM905  # a word list reads better as text
)
LETTER = r"[^\W\d_]"
# A run of three or more single letters with separators between them: a word spelled out ("A-D-A", "a d a").
SPELLED = re.compile(
    rf"(?<!{LETTER}){LETTER}(?!{LETTER})(?:[ \t.,\-\u2010-\u2015]{{1,3}}{LETTER}(?!{LETTER})){{2,}}"
)
# In code only what is written as a phone number (`+44 20 7946 0958`, `(415) 555-0100`, `415-555-0100`): a plain
# run of digits there is a number (`1000000007`).
CODE_PHONE = re.compile(
    r"(?<![\w+])(?:\+\d{1,3}[ .-]?(?:\(\d{1,4}\)|\d{1,4})(?:[ .-]\d{2,4}){2,4}"
    r"|\(\d{3}\)[ .-]?\d{3}[ .-]\d{4}|\d{3}[.-]\d{3}[.-]\d{4})(?!\w)"
)
