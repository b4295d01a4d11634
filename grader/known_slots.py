"""The candidate's known name in a slot that says whose name it is (grader/redact.py, 2026-12-05): a part of the
name on file, or of one the candidate introduced themself by (grader/self_named.py), in any case, where an
introduction, a sign-off or a byline puts a name. `[candidate]`, the name only.

Why: a part that is also an everyday word (`Grace`, `Will`, `Hope`, `Joy`) or has one or two letters (`Li`, `An`)
is replaced alone only when written as a name and not opening a sentence, so that "will" and "an array" survive; a
name not on file is read only when written as one. What each slot holds here is the name whatever its case, since
the slot says it is a name and the word is theirs:
- an introduction: after "I'm", "I am", "my name is", "call me", "I'd rather be called", "I prefer to be called", "soy",
  "je suis", "ich bin", where the clause ends ("hi i'm grace", "I am will."); after "this is" or "it's" before "again",
  "back", "here", "speaking", "by the way", "btw" or "signing off" ("this is grace again", "it's will, by the way"), or
  with a greeting before it ("hey, it's grace."); before "here" opening a clause and ending its sentence ("grace here.",
  "ok, will here, hi"), a part that is a word of code (`max`, `long`, `node`, grader/intro_words.py `listed`) not alone
  there ("the max here.");
- a sign-off: a valediction or a thanks opening its sentence, then the name ending it or before "from" ("cheers,
  grace", "thanks, will from the Lisbon office", "Best - grace."), and the name alone on the line under a
  valediction alone ("cheers," then "grace");
- in a comment, a line that holds only the name, perhaps after "by" or a signature's dash, a year or a date after
  it ("# grace", "// -- will hope", "# by grace, 2026"); after code on its line, only after "by" or the dash or two
  parts or more (`x = 1  # by grace`; `"M",  # Mark` labels a row); a part that is a word of code only after "by"
  or the dash, since "# max" alone labels the code's own maximum.

What stays: the same words elsewhere ("it will here be empty", "the max here", "thanks, will do", "this is max" in
talk about code: "this is" needs a word after the name or a greeting before it), and every word that is not one of
the candidate's name parts.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable

from grader.everyday_words import CODE_TYPE_NAMES
from grader.intro_words import listed
from grader.redact_apply import Rule
from grader.self_described import described

_TITLE = r"(?:(?:dr|mr|mrs|ms|mx|prof)\.?[ \t]+)?"
_GREETING = r"(?:hi|hello|hey|hiya|good[ \t]+(?:morning|afternoon|evening)|hola|bonjour|hallo)"
# Where a clause opens: the text's or a line's start, after punctuation or a comment's marker, and up to three
# discourse words after it.
_OPENS = r"(?:(?<![^\n.!?,;:\"(#/*])|(?<=[.!?,;:\"(#/*][ \t]))[ \t]*"
_DISCOURSE = (
    r"(?:(?:so|ok|okay|well|and|alright|um+|uh+|yeah|yes|right|anyway|now|oh|hi|hello|hey)[ \t]*,?[ \t]+)"
)
# What says the name before it is the speaker's, after "this is" or "it's".
_SAYS_SELF = (
    r"[ \t]*,?[ \t]*(?:again|back|once[ \t]+more|here|speaking|by[ \t]+the[ \t]+way|btw|signing[ \t]+off"
    r"|nice[ \t]+to[ \t]+meet)(?![\w'-])"
)
# The clause ends after the name.
_BTW = r"(?:by[ \t]+the[ \t]+way|btw)"
_ENDS = (
    r"(?=[ \t]*(?:$|[\n,.!?;:)\u2013\u2014\"]|[ \t]-[ \t]|[ \t]+(?:and|from|here|" + _BTW + r")(?![\w'-])))"
)
_SENTENCE_ENDS = (
    r"(?=[ \t]*(?:$|[\n.!?]|[ \t]+from(?![\w'-])|,[ \t]*(?:from|again|by[ \t]+the[ \t]+way|btw)(?![\w'-])))"
)
_VALEDICTION = (
    r"(?:thanks|thank[ \t]+you|many[ \t]+thanks|cheers|regards|best|(?:best|kind|warm)[ \t]+regards|best[ \t]+wishes"
    r"|all[ \t]+the[ \t]+best|sincerely|yours(?:[ \t]+(?:truly|sincerely))?|take[ \t]+care|saludos|un[ \t]+saludo"
    r"|gracias|merci|cordialement)"
)
_DASH = r"(?:--(?!-)|[\u2013\u2014~])"
# A comment's marker opening its line, or after code on its line (a name alone there only after "by" or a dash, or
# two parts or more: `"M",  # Mark` labels a row).
_LINE_MARKER = r"^[ \t]*(?:#+|//+|/\*+|\*+|--+|;+|%+)[ \t]*"
_MARKER = r"(?:^[ \t]*(?:#+|//+|/\*+|\*+|--+|;+|%+)|(?<=[ \t])(?:#+|//+|/\*+))[ \t]*"
_TAIL = r"(?=(?:[ \t]*,?[ \t]*\d{4}(?:[-/.]\d{1,2}){0,2})?[ \t]*\.?[ \t]*(?:\*+/)?[ \t]*$)"


class KnownSlots:
    """The slots' patterns for the candidate's name parts (`parts`, in the matching form of grader/matching_form.py).
    `said`: introductions and sign-offs (speech, output, comments); `comment_line`: a comment's line of the name
    alone (code, in comments). Each names its name `n`; `spans` is their `Rule.refine`."""

    def __init__(self, parts: Iterable[str]) -> None:
        words = sorted(
            {p for p in parts if len(p) >= 2 and not re.search(r"[\s@]", p)}, key=len, reverse=True
        )
        self.needles = frozenset(w.lower() for w in words)
        self.said: re.Pattern[str] | None = None
        self.comment_line: re.Pattern[str] | None = None
        if not words:
            return
        one = rf"(?<![\w'-])(?i:{'|'.join(map(re.escape, words))})(?![\w'-])"
        name = rf"{one}(?:[ \t]+{one}){{0,2}}"
        # Alone before "here" or on a comment's line, a part that is not a word of code ("the max here.", "# max").
        plain = [w for w in words if not _code_word(w)]
        alone = rf"(?<![\w'-])(?i:{'|'.join(map(re.escape, plain))})(?![\w'-])" if plain else "(?!)"
        plain_name = rf"(?:{alone}(?:[ \t]+{one}){{0,2}}|{one}(?:[ \t]+{one}){{1,2}})"
        self.said = re.compile(
            rf"(?<![\w'-])(?i:i'm|i[ \t]+am|my[ \t]+name[ \t]+is|call[ \t]+me|the[ \t]+name's|soy|me[ \t]+llamo"
            rf"|(?:i'd|i[ \t]+would)[ \t]+(?:rather|prefer[ \t]+to|like[ \t]+to)[ \t]+be[ \t]+called"
            rf"|i[ \t]+prefer[ \t]+(?:to[ \t]+be|being)[ \t]+called"
            rf"|je[ \t]+suis|je[ \t]+m'appelle|ich[ \t]+bin|ich[ \t]+hei(?:ss|\u00df)e)[ \t]+(?i:{_TITLE})"
            rf"(?P<n>{name}){_ENDS}"
            rf"|(?<![\w'-])(?i:this[ \t]+is|it's|it[ \t]+is)[ \t]+(?i:{_TITLE})(?P<m>{name})(?=(?i:{_SAYS_SELF}))"
            rf"|(?<![\w'-])(?i:{_GREETING})[ \t]*[,!.]?[ \t]+(?i:this[ \t]+is|it's|it[ \t]+is)[ \t]+(?i:{_TITLE})"
            rf"(?P<g>{name}){_ENDS}"
            rf"|{_OPENS}(?i:{_DISCOURSE}){{0,3}}(?P<h>{plain_name})[ \t]+(?i:here)"
            rf"(?=[ \t]*(?:$|[\n.!?]|,[ \t]*(?i:{_GREETING}|again|i'm|i[ \t]+am|{_BTW})(?![\w'-])))"
            rf"|{_OPENS}(?i:{_VALEDICTION})[ \t]*[,!\u2013\u2014-][ \t]*(?:{_DASH}[ \t]*)?(?P<s>{name})"
            rf"(?i:{_SENTENCE_ENDS})"
            rf"|^[ \t]*(?:(?:#+|//+|/?\*+|--+)[ \t]*)?(?i:{_VALEDICTION})[ \t]*[,!.]?[ \t]*\n"
            rf"[ \t]*(?:(?:#+|//+|\*+|--+)[ \t]*)?(?:{_DASH}[ \t]*)?(?P<l>{name})(?=[ \t]*[.!]?[ \t]*(?:\*+/)?[ \t]*$)",
            re.MULTILINE,
        )
        self.comment_line = re.compile(
            rf"(?:{_MARKER}(?:(?:(?i:by)[ \t]+|{_DASH}[ \t]*)(?P<n>{name})|(?P<w>{one}(?:[ \t]+{one}){{1,2}}))"
            rf"|{_LINE_MARKER}(?P<b>{alone})){_TAIL}",
            re.MULTILINE,
        )

    def rules(self, replacement: str) -> tuple[list[Rule], list[Rule]]:
        """The rules for speech and output, and for code (in comments only)."""
        if self.said is None or self.comment_line is None:
            return [], []
        said = Rule(self.said, replacement, refine=self.said_spans, needles=self.needles)
        line = Rule(
            self.comment_line, replacement, in_comments=True, refine=self.line_spans, needles=self.needles
        )
        return [said], [dataclasses.replace(said, in_comments=True), line]

    def said_spans(self, text: str, start: int, end: int) -> list[tuple[int, int]]:
        """`Rule.refine` for `said`: the name the slot holds; not one word after "I'm" that its context reads as what
        the candidate is ("my name is hope, i'm young", "i'm young and eager": grader/self_described.py)."""
        named = _named(self.said, text, start)
        if named and described(text, *named[0], lambda: self._earlier(text, start)):
            return []
        return named

    def _earlier(self, text: str, before: int) -> list[tuple[int, int]]:
        """The names the slots hold in `text` before `before`."""
        assert self.said is not None
        return [
            span for m in self.said.finditer(text, 0, before) for span in _named(self.said, text, m.start())
        ]

    def line_spans(self, text: str, start: int, end: int) -> list[tuple[int, int]]:
        """`Rule.refine` for `comment_line`: the name the line holds."""
        return _named(self.comment_line, text, start)


def _named(pattern: re.Pattern[str] | None, text: str, start: int) -> list[tuple[int, int]]:
    m = pattern.match(text, start) if pattern is not None else None
    group = next((g for g, v in m.groupdict().items() if v is not None), None) if m is not None else None
    return [m.span(group)] if m is not None and group is not None else []


def _code_word(word: str) -> bool:
    """A name part that is also a word of code, which a comment's line names alone (`# max`, `# Node`)."""
    return listed(word) or word.capitalize() in CODE_TYPE_NAMES
