"""A name of one letter ("just call me J", a name on file "J Lee") where it addresses the candidate: replaced by
`[candidate]` only there, since the letter alone is in nearly every text (a loop's `j`, "Big-O", "O(n)", "Java",
"option B").

A one-letter name comes to the redactor as a term of one letter (`letter_names`): a name on file, another name they
go by, a name they introduced themself by or asked the interviewer to call them (grader/asked_name.py), or the first
word of a name on file ("J Lee"; a middle initial is never said to them). It is read written as a name (the capital
letter as a word of its own: not inside a word, an identifier, a dotted or hyphenated form, "O(n)", "B-tree", nor
"J's") and only in the places where a sentence addresses someone (`addresses`):
- after a greeting, thanks or praise ("Hi J", "Thanks, J.", "Thank you J!", "Nice work, J");
- set apart by a comma and ending its clause: "Thanks for that, J.", "Let's run it, J?";
- opening its sentence before a comma ("J, what is the complexity?"), or between commas ("So, J, what next?");
- where the candidate asks for it: "just J", "J is fine", "J works", "J, please";
and never in a list of letters or values ("I, J, K", "a, b, J.", "J, K and L"), which a comma there more often is,
nor in a sentence with another capital letter alone ("A, then B.", "is it J or K?"): it talks about letters.
Said and in comments; not in string literals or a program's output, whose letters are data. "I" is the pronoun,
never a name here.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from grader.name_rules import NAME
from grader.redact_apply import Rule

# What ends the letter as a name: a clause's or sentence's punctuation, or the end of the line.
_ENDS = frozenset(",.!?;:\u2026\n")
# A greeting, thanks or praise right before the name, with a comma or not ("Hi J", "Thanks, J", "Nice work J").
_ADDRESS_WORDS = re.compile(
    r"(?i:(?<![\w'])(?:hi|hello|hey|hiya|howdy|thanks|thank[ ]you|cheers|bye|goodbye|welcome|morning|afternoon"
    r"|evening|sorry|congrats|congratulations|dear|well[ ]done|(?:good|great|nice|excellent)[ ](?:job|work|one|catch"
    r"|point|question)|hola|gracias|bonjour|merci|hallo|danke|ciao|grazie))[,!]?[ \t]*\Z"
)
# How a candidate asks for the name, around it: "just J", "J is fine", "J works", "J, please".
_ASKED_BEFORE = re.compile(r"(?i:(?<![\w'])(?:just|simply|only))[ \t]*\Z")
_ASKED_AFTER = re.compile(
    r"[ \t]+(?:is|'s)[ \t]+(?:fine|good|great|ok|okay|perfect)\b|[ \t]+works\b|,?[ \t]*please\b"
)
_SENTENCE = 200  # characters read each side of the letter for its sentence
_ALONE = re.compile(r"(?<![\w.'\u2019@$#(\[{-])[A-Z](?![\w'\u2019(\])}-])")
_WORD_BEFORE = re.compile(r"(\S+)[ \t]*,[ \t]*\Z")
_WORD_AFTER = re.compile(r"[ \t]*,[ \t]*(\S+)")


def letter_names(terms: Sequence[str]) -> tuple[list[str], frozenset[str]]:
    """`terms` without those of one letter, and the one-letter names they hold (capital letters of a cased script,
    but the pronoun "I"): a term that is a letter ("J", "J."), and a one-letter first word of a name of several ("J
    Lee", "J. Lee")."""
    letters: set[str] = set()
    rest: list[str] = []
    for term in terms:
        words = term.split() if "@" not in term else []
        first = words[0].rstrip(".") if words else ""
        if len(first) == 1 and first.upper() != first.lower() and first.upper() != "I":  # "I" is the pronoun
            letters.add(first.upper())
        if len(term.strip().rstrip(".")) >= 2:
            rest.append(term)
    return rest, frozenset(letters)


def _single(token: str) -> bool:
    """A list's item: a letter, a digit or a number, with a bracket or a quote around it at most."""
    core = token.strip("()[]{}'\"`")
    return len(core) <= 1 or core.isdigit()


def addresses(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """`text[start:end]`, a capital letter standing alone, when the sentence addresses someone with it."""
    if start > 0 and (text[start - 1].isalnum() or text[start - 1] in "_.'\u2019-@$#"):
        return []
    head = text[max(0, start - 60) : start]
    if _other_letter(text, start, end):
        return []  # "A, then B.", "is it J or K?": the sentence is about letters
    stripped = head.rstrip(" \t\"'\u201c\u2018(\u00bf\u00a1")
    opens = not stripped or stripped[-1] in ".!?\n:\u2026#/*-"  # a comment's mark opens it too
    if opens and _ASKED_AFTER.match(text, end):
        return [(start, end)]
    after = end
    while after < len(text) and text[after] in " \t":
        after += 1
    if after < len(text) and text[after] not in _ENDS:
        return []
    if end < len(text) and text[end] in ".'\u2019" and end + 1 < len(text) and text[end + 1].isalnum():
        return []  # "J.R.", "J's"
    comma_after = after < len(text) and text[after] == ","
    following = _WORD_AFTER.match(text, end) if comma_after else None
    if following is not None and _single(following.group(1).rstrip(",.;:!?")):
        return []  # "J, K and L"
    if _ADDRESS_WORDS.search(head) or _ASKED_BEFORE.search(head):
        return [(start, end)]
    preceding = _WORD_BEFORE.search(head)
    if preceding is not None:  # after a comma: "Thanks for that, J." "So, J, what next?"
        return [] if _single(preceding.group(1)) else [(start, end)]
    return [(start, end)] if opens and comma_after else []


def _other_letter(text: str, start: int, end: int) -> bool:
    """Another capital letter standing alone in the sentence around `text[start:end]` (but "I")."""
    lo = max(text.rfind(c, max(0, start - _SENTENCE), start) for c in ".!?\n#/")  # a comment's own sentence
    his = [i for c in ".!?\n" if (i := text.find(c, end, end + _SENTENCE)) >= 0]
    sentence = text[lo + 1 : min(his, default=min(len(text), end + _SENTENCE))]
    return sum(1 for m in _ALONE.finditer(sentence) if m.group() != "I") > 1


def letter_name_rules(letters: Iterable[str]) -> tuple[list[Rule], list[Rule]]:
    """The rules for the one-letter names `letters`: for speech, and for code's comments (grader/redact.py)."""
    found = sorted(set(letters))
    if not found:
        return [], []
    pattern = re.compile(f"[{''.join(found)}](?![^\\W_])")
    said = Rule(pattern, NAME, refine=addresses, needles=frozenset(c.lower() for c in found))
    return [said], [Rule(pattern, NAME, in_comments=True, refine=addresses, needles=said.needles)]
