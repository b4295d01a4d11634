"""Contact details in code that a cue elsewhere on the line names (grader/redact.py): a handle in a string literal
whose line says whose it is after the value (`tg = 'zq_dev'  # telegram`) or in the name it is given
(`tg_handle = 'zq_dev'`, `discordTag = "zq#1234"`), and a phone number in adjacent string literals given to a name
that says phone (`phone = '415' '555' '0100'`, `tel = "415" + "5550100"`), joined as an e-mail's are.

What decides:
- the cue is a platform or messenger name (not an everyday word: "line", "signal", "matrix"; not a practice site,
  whose literal is a problem's name) as a segment of the identifier the literal is assigned to (`=`, `:`); "tg",
  "ig", "insta" only with a word that says account (`tg_handle`, `igUser`);
- or the line's comment is that cue alone ("# telegram", "// my discord handle");
- the literal is shaped as a handle: letters, digits, `_ . - # @ :`, no space, no slash.
"""

from __future__ import annotations

import re

from grader.code_forms import LITERAL
from grader.phone_forms import named_phone

_FULL = (
    r"telegram|discord|skype|whats_?app|we_?chat|viber|kik|snap_?chat|threema|kakao(?:_?talk)?|instagram|twitter"
    r"|tik_?tok|reddit|mastodon|keybase|github|gitlab|linked_?in|bluesky|twitch"
)
_SHORT = r"tg|ig|insta|gh"
_ACCOUNT = r"handle|user(?:_?name)?|id|tag|nick(?:_?name)?|account|login"
# A cue as a segment of an identifier (between `_`, a case change, or not a letter) or a comment's word.
CUE = re.compile(rf"(?<![^\W_])(?:{_FULL}|{_SHORT})(?-i:(?![a-z0-9]))", re.IGNORECASE)
CUE_NEEDLES = frozenset(
    {
        "telegram",
        "discord",
        "skype",
        "whats",
        "chat",
        "viber",
        "kik",
        "threema",
        "kakao",
        "instagram",
        "twitter",
    }
    | {"tok", "reddit", "mastodon", "keybase", "github", "gitlab", "linked", "bluesky", "twitch", "tg", "ig"}
    | {"insta", "gh"}
)
_COMMENT_CUE = re.compile(
    rf"(?:#|//|--)\s*(?:(?:my|our|mi)\s+)?(?:{_FULL}|{_SHORT})(?:\s+(?:{_ACCOUNT}))?\s*:?\s*(?:\*/)?[ \t]*\Z",
    re.IGNORECASE,
)
_IDENTIFIER = re.compile(r"[A-Za-z_$][\w$]*")
_ASSIGNED = re.compile(r"[\"'`]?\s*(?::|=(?!=)|:=)\s*")
_HANDLE_LITERAL = re.compile(r"([\"'`])(@?[A-Za-z0-9][\w.@:#-]{1,60})\1")
_WITH_ACCOUNT = re.compile(rf"(?:{_SHORT})(?:_?(?:{_ACCOUNT}))", re.IGNORECASE)


MAX_COMMENT = 80  # a cue comment's length ("  // my telegram handle")
MAX_VALUE = 200  # how far before the comment the literals it names are


def _line(text: str, start: int) -> tuple[int, int]:
    """The bounds of the line around `start`, looked for no farther than a cue's literals and comment reach (a
    search to a long line's ends for each cue on it was quadratic)."""
    lo = max(0, start - MAX_VALUE - MAX_COMMENT)
    hi = min(len(text), start + MAX_COMMENT)
    ls = text.rfind("\n", lo, start) + 1 or lo
    le = text.find("\n", start, hi)
    if le < 0:
        le = len(text) if hi == len(text) else -1  # -1: the line goes on past any comment the cue can be in
    return ls, le


def cued_literals(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """`Rule.refine` for `CUE` in code: the handle-shaped literal the cue `text[start:end]` names (see the
    module's rules), inside its quotes."""
    ls, le = _line(text, start)
    # Looked at near the cue only: a scan of the whole line for each cue on it made a long line's scan quadratic.
    comment = _COMMENT_CUE.search(text, max(ls, le - MAX_COMMENT), le) if le >= 0 else None
    le = min(len(text), end + MAX_COMMENT) if le < 0 else le
    if comment is not None and comment.start() <= start:
        return [
            m.span(2)
            for m in _HANDLE_LITERAL.finditer(text, max(ls, comment.start() - MAX_VALUE), comment.start())
        ]
    ident = None
    for m in _IDENTIFIER.finditer(text, max(ls, start - 60), min(le, end + 60)):
        if m.start() <= start and end <= m.end():
            ident = m
            break
    if ident is None:
        return []
    short = re.fullmatch(_SHORT, text[start:end], re.IGNORECASE) is not None
    if short and _WITH_ACCOUNT.match(text, start) is None:
        return []  # `ig = entropy(...)`: information gain, not Instagram
    assigned = _ASSIGNED.match(text, ident.end())
    if assigned is None:
        return []
    literal = _HANDLE_LITERAL.match(text, assigned.end())
    return [literal.span(2)] if literal else []


_PHONE_SHAPE = re.compile(r"\+?[\d ().-]+")
_OPENED = re.compile(r"[=:]\s*\(\s*\Z")


def literal_phone(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """`Rule.refine` for a run of string literals (`code_forms.LITERAL_RUN`): the run, if the literals joined are a
    phone number (7 to 15 digits) given to a name that says phone (`phone_forms.named_phone`)."""
    joined = "".join(m.group()[1:-1] for m in LITERAL.finditer(text, start, end))
    digits = sum(c.isdigit() for c in joined)
    if not 7 <= digits <= 15 or _PHONE_SHAPE.fullmatch(joined) is None:
        return []
    opened = _OPENED.search(text, max(0, start - 20), start)  # `PHONE = ('415' '555' '0100')`
    named = named_phone(text, opened.start() + 1 if opened else start, end)
    return [(start, end)] if named else []
