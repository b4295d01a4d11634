"""Pieces the Redactor (grader/redact.py) builds its rules from that need no name on file: the refine functions of
the written or said address (`written_or_spoken_email`: "jane@gmail", "jane at gmail dot com") and of the `@handle`
mention (`handle_mention`: not a decorator such as `@lru_cache`), and the rules for gendered words
(`gendered_rules`, grader/gendered.py; `self_described_rule`, a self-description or the writer's own family in code
or output; a title before the candidate's name is grader/name_titles.py's). Kept apart so that grader/redact.py
holds the Redactor, which builds the rules for one candidate's name and contact details, and stays within the house
limit on a module's length.
"""

from __future__ import annotations

import re

from grader.contact_patterns import NOT_HANDLES
from grader.gendered import (
    ACCENTED_HE,
    MISS,
    PLACEHOLDER,
    SPANISH_HOMOGRAPHS,
    TITLES,
    kept_words,
    placeholder,
    reads_as_spanish,
)
from grader.redact_apply import Rule
from grader.spoken import spoken_emails, with_server
from grader.word_patterns import alternation

LOCAL_BEFORE_AT = re.compile(r"[\w.%+-]+\Z")


def written_or_spoken_email(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """An address whose "at <domain>" is `text[start:end]`: written with an `@` right after its local part
    ("jane@gmail"), only that part, so the words before it stay; else as said (`spoken_emails`)."""
    if text.startswith("@", start):
        local = LOCAL_BEFORE_AT.search(text, max(0, start - 200), start)
        return [(local.start(), end)] if local else []
    return spoken_emails(text, start, end)


def handle_mention(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """A mention rather than a decorator or an annotation (`@lru_cache(...)`, `@Override`, `@functools.wraps`)."""
    name = text[start + 1 : end].lower()
    decorator = name in NOT_HANDLES or name.split(".", 1)[0] in NOT_HANDLES or text.startswith("(", end)
    return [] if decorator else [(start, with_server(text, end))]  # a federated one whole: `@zq:matrix.org`


def _not_spanish(text: str, start: int, end: int) -> list[tuple[int, int]]:
    return [] if reads_as_spanish(text, start, end) else [(start, end)]


def gendered_rules(vocabulary: str) -> list[Rule]:
    """Gendered words as neutral placeholders (grader/gendered.py), except those of the question's own text."""
    keep = kept_words(vocabulary)
    words = [w for w in PLACEHOLDER if w not in keep and w not in SPANISH_HOMOGRAPHS]
    homographs = [w for w in SPANISH_HOMOGRAPHS if w not in keep]
    titles = [t for t in TITLES if t.lower() not in keep]
    rules = [Rule(alternation(words, re.I), "", replace=placeholder)] if words else []
    if homographs:  # "he", "son": not in a Spanish sentence, where they are "I have" and "they are"
        rules.append(Rule(alternation(homographs, re.I), "", refine=_not_spanish, replace=placeholder))
    if titles:
        rules.append(Rule(alternation(titles), "", replace=placeholder))
    if MISS.lower() not in keep:
        rules.append(Rule(alternation([MISS]), "", mid_sentence=True, replace=placeholder))
    rules.append(Rule(re.compile(ACCENTED_HE, re.I), "[they]", on_original=True))
    return rules


# A person saying what they are, as a program prints it or a string literal holds it: "I'm a woman", "as a single
# mother", "my pronouns are she/her", "soy mujer". Gendered words there are otherwise left alone (test data such as
# "A man, a plan" must read as it is: `gendered_rules` is for speech and comments), and a candidate could state
# their gender to the model in `print("I am a woman")` or `pronouns = "she/her"`. Only after such a cue, with at
# most one word between ("a proud woman", "a trans woman"), and the gendered words listed after it ("she/her", "a
# mother and a wife", "madre y esposa"); in the matching form (accents folded), any case.
SELF_CUE = r"(?:i'?m|i\s+am|as\s+an?|my\s+pronouns\s+are|pronouns\s*[:=]?|soy|como\s+una?)"
# And the writer's own family or partner, which says theirs as plainly: a test string "Happy birthday, my wife
# Maria", `print("for my daughter")`, "mi madre", "my big brother". "my" only before the word (at most one word
# between): test data with no owner ("the mother node", "A man, a plan") reads as it is. Nor "my" or "mi" as a
# variable before a keyword (`for my in mother`, `return mi if hijo else None`): the rule reads the whole code.
_CODE_WORD = r"(?:in|of|if|is|as|or|and|else|elif|for|not|return|then|while|with)\b"
AUTHOR_CUE = rf"(?:{SELF_CUE}|(?:my|mis?)(?![\s'\"`]+{_CODE_WORD}))"


def self_description(vocabulary: str, cue: str = SELF_CUE) -> tuple[re.Pattern[str], re.Pattern[str]] | None:
    """A self-description after `cue` (its gendered words listed after it) and one of its gendered words, but those
    of the question's own; None when no gendered word is left."""
    keep = kept_words(vocabulary)
    words = alternation([w for w in PLACEHOLDER if w not in keep])
    if not words.literals:
        return None
    one = f"(?<!\\w)(?:{words.term})(?!\\w)"
    article = r"(?:(?:an?|una?|the|la|el)\s+)?"
    listed = rf"(?:\s*[/,]\s*|\s+(?:and|or|y|e|o)\s+){article}{one}"
    pattern = re.compile(rf"(?<!\w){cue}[\s'\"`]+{article}(?:[a-z]+[\s-]+)?{one}(?:{listed})*", re.IGNORECASE)
    return pattern, re.compile(one, re.IGNORECASE)


def self_described_rule(vocabulary: str) -> Rule | None:
    """The gendered words of a self-description or of the writer's own family anywhere in a text (`AUTHOR_CUE`), but
    those of the question's own."""
    if (described := self_description(vocabulary, AUTHOR_CUE)) is None:
        return None
    pattern, each = described

    def gendered_words(text: str, start: int, end: int) -> list[tuple[int, int]]:
        return [(start + m.start(), start + m.end()) for m in each.finditer(text[start:end])]

    return Rule(pattern, "", refine=gendered_words, replace=placeholder)
