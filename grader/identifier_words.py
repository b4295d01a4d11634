"""Contact details written as the words of an identifier (grader/redact.py): a name the candidate gives a function,
a variable or a test is text they chose, and its segments can say what a sentence would (`zq_dev_at_proton_dot_me`,
`my_phone_is_4155550134`, `call_me_at_4155550134`, `myNameIsPriyaRaman`, `contact_zqdev42_on_telegram`), where
no rule for speech reads them: `_` and a change of case are not spaces, and a phone number's run of digits there
follows a word character.

What decides:
- an identifier is looked at only when one of its segments (split at `_` and at a change of case) is a word such a
  sentence needs (`TRIGGERS`: "at", "dot", "my", "is", "on", "call", "phone", "slash", ...): the rule's pattern finds
  those, and most identifiers hold none; and read only with a word that gives a contact detail ("my", "call",
  "phone", a platform: `STRONG`), "at" and "dot" (an address) or seven digits or more;
- its segments are read as words: a trigger is a word of its own; the segments between two triggers are one word
  joined as written (`zq_dev`, `PriyaRaman`, digits after letters too: `zqdev42`), as a handle or a name is;
- those words are redacted by the rules for contact details in speech (`IdentifierWords.rules`, built by
  grader/redact.py: an address, a profile path, a handle after its cue or before "on <platform>", an identifying
  number, a name after "my name is", a phone number after its cue or read out in words), and where one replaces
  anything, the identifier is replaced by those words redacted, joined by `_` (`my_phone_is_[phone]`);
- unless all they replace is the code's own (`CODE_VALUES`): the rules for speech take any word after "my name is",
  "my tag is", a capitalised one after "call me", and a run of digits after "my number is", since a transcript is
  in lower case; in an identifier such a word is most often what a predicate or a value says (`my_name_is_valid`,
  `my_tag_is_open`, `my_name_is_the_key`, `callMeMaybe`, `my_number_is_1000000007`: a camel case capital says
  nothing), so what they replace must hold a word that is none of the everyday words, the words of speech's rules,
  nor `CODE_VALUES`, or digits that do not count, repeat or round (grader/phone_forms.py `counted_digits`).
An identifier of words the rules leave alone stays as written (`is_at_most`, `dot_product`, `left_on_stack`,
`number_of_islands`).
"""

from __future__ import annotations

import re
from collections.abc import Callable

from grader.everyday_words import COMMON_WORDS
from grader.phone_forms import counted_digits
from grader.spoken import BOUNDARY
from grader.word_patterns import trie

# Words of a sentence that gives a contact detail, in English and Spanish, and the platforms a handle is on. An
# identifier is read only with a strong one among them, or "at" with "dot" (an address), or seven digits or more.
STRONG = frozenset(
    """
    arroba slash my mi our call phone mobile cell email mail correo contact handle telegram discord github gitlab
    linkedin twitter instagram insta ig skype whatsapp wechat signal reddit leetcode kaggle telefono movil celular
    llamame
    """.split()  # noqa: SIM905  # a word list reads better as text
)
TRIGGERS = STRONG | frozenset(
    """
    at dot punto is es me on en by name nombre text number numero id user username tag
    """.split()  # noqa: SIM905  # a word list reads better as text
)
_TRIGGER = trie(TRIGGERS)
# A trigger as a segment that an `_` or a change of case sets apart on at least one side (a word alone is speech's).
TRIGGER_SEGMENT = re.compile(
    rf"(?:(?<=_)|(?<=[\w$]\.)|(?-i:(?<=[a-z0-9])(?=[A-Z])))(?:{_TRIGGER})(?-i:(?![a-z]))"
    rf"|(?<![\w$])(?:{_TRIGGER})(?=_|\.[\w$]|(?-i:[A-Z0-9]))",
    re.IGNORECASE,
)
# After a trigger, and in the reversed text before it: a name's characters, and a dot between two of them, since
# dots join the words of a chain as `_` does (`reach.me.at.zq.dev.on.discord`).
_IDENTIFIER_CHARS = re.compile(r"(?:[\w$]|\.(?=[\w$]))+")
TRIGGER_NEEDLES = TRIGGERS
SEPARATED = re.compile(r"([_.])")
MAX_IDENTIFIER = 120  # an identifier longer than this is not read as words (a sentence of one is shorter)
_TOKEN = re.compile(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|\d+|[^\W\d_]+")
# What a predicate or a value in an identifier says after "is" or "me" (`is_valid`, `is_open`, `call_me_maybe`):
# with the everyday words and speech's own, words the rules may take but an identifier gives no contact detail with.
CODE_VALUES = frozenset(
    """
    empty valid invalid none null nil true false undefined unset open closed done ready full visited sorted unique
    used taken busy active enabled disabled present missing known unknown same equal different correct wrong blank
    defined required optional public private hidden visible available locked pending final fixed changed dirty
    clean safe maybe zero positive negative even odd prime palindrome balanced ascending descending leaf greater
    smaller larger bigger found reached complete finished started running stopped alive dead set ok
    """.split()  # noqa: SIM905  # a word list reads better as text
)
_OWN_WORDS = COMMON_WORDS | BOUNDARY | CODE_VALUES


def _words(identifier: str) -> str | None:
    """`identifier` read as words (see the module's rules), or None when it has no trigger that could make it give
    a contact detail."""
    pieces: list[tuple[str, bool, str]] = []  # (token, a trigger, the `_` or `.` before it)
    parts = SEPARATED.split(identifier)  # pieces, with the separator between each two
    for n in range(0, len(parts), 2):
        for i, token in enumerate(_TOKEN.findall(parts[n])):
            pieces.append((token, token.lower() in TRIGGERS, parts[n - 1] if n and not i else ""))
    said = {token.lower() for token, trigger, _ in pieces if trigger}
    digits = sum(len(token) for token, _, _ in pieces if token.isdigit())
    if not (said & STRONG or ("at" in said and ("dot" in said or "punto" in said)) or digits >= 7):
        return None
    out: list[str] = []
    previous_trigger = True
    for token, trigger, separator in pieces:
        if out and not trigger and not previous_trigger:
            out.append(separator)  # one word: `zq_dev`, `zq.dev`, `PriyaRaman`, `zqdev42`
        elif out:
            out.append(" ")
        out.append(token)
        previous_trigger = trigger
    return "".join(out)


def _only_own(words: str, redacted: str) -> bool:
    """What the rules took from `words` (the words `redacted` no longer holds) is all the code's own (see above)."""
    left = redacted.split()
    gone = [w for w in words.split() if w not in left]
    for word in gone:
        # Each piece whole: one of letters and digits (`A0123`, `zqdev42`) is an id or a handle.
        for piece in word.split("_"):
            if piece.isdigit() and not counted_digits(piece):
                return False
            if not piece.isdigit() and piece.lower() not in _OWN_WORDS:
                return False
    return True


class IdentifierWords:
    """The contact details an identifier's words give, by `redact`: the redactor's rules for speech applied to those
    words (a function of one text, `grader/redact.py`), each identifier read once."""

    def __init__(self, redact: Callable[[str], str]) -> None:
        self._redact = redact
        self._done: dict[str, str | None] = {}
        # The text `spans` scans, its last trigger's start and the end of the identifier it judged last.
        self._last_text: str | None = None
        self._last_start = self._last_end = 0

    def replacement(self, identifier: str) -> str | None:
        """The identifier with its contact details replaced, as words joined by `_`; None if it gives none."""
        if identifier in self._done:
            return self._done[identifier]
        words = _words(identifier) if len(identifier) <= MAX_IDENTIFIER else None
        found = None
        if words is not None:
            redacted = self._redact(words)
            if redacted != words and not _only_own(words, redacted):
                found = ("." if "." in identifier and "_" not in identifier else "_").join(redacted.split())
        self._done[identifier] = found
        return found

    def spans(self, text: str, start: int, end: int) -> list[tuple[int, int]]:
        """`Rule.refine` for `TRIGGER_SEGMENT`: the identifier around the trigger `text[start:end]`, if its words
        give a contact detail. A trigger inside the identifier (or the window of a long one) just judged is not
        judged again: an identifier of 300,000 `my_` made each trigger look at 240 characters."""
        # Within one scan the triggers come in order: one at or before the last starts a new scan of the text.
        if text is self._last_text and self._last_start < start < self._last_end:
            self._last_start = start
            return []
        before = _IDENTIFIER_CHARS.match(text[max(0, start - MAX_IDENTIFIER) : start][::-1])
        after = _IDENTIFIER_CHARS.match(text, end, end + MAX_IDENTIFIER)
        lo = start - before.end() if before else start
        hi = after.end() if after else end
        self._last_text, self._last_start, self._last_end = text, start, hi
        return [(lo, hi)] if self.replacement(text[lo:hi]) is not None else []

    def replace(self, identifier: str) -> str:
        """`Rule.replace`: the identifier's replacement (`spans` found one)."""
        return self.replacement(identifier) or identifier
