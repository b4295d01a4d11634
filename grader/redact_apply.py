"""How the redactor's rules are matched and applied to one text (grader/redact.py builds the rules): each rule's
pattern in the matching form (or the original, `Rule.on_original`), skipped where its needles or a cheap test show
it cannot match, refined and replaced; overlapping replacements keep the longer or earlier one; the result maps
every replacement back to the original (`Redacted`)."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

from grader.code_comments import comment_spans
from grader.contact_patterns import CODE_PHONE, EMAIL, HANDLE, OUTPUT_HANDLE
from grader.handles import TAG
from grader.letter_gate import LETTERED, needs_letter
from grader.links import HOME_PATH, PROFILE_LINK, SITE_HOST, USER_LINK
from grader.matching_form import normalise
from grader.needles import Needles, sound_for
from grader.needles import gate as needles_gate
from grader.phone_forms import LETTERED_RUN, MIXED
from grader.redacted import Redacted
from grader.spelling import PHONETIC_RUN, worth_scanning
from grader.title_words import ABBREVIATED, folded
from grader.word_patterns import HAS_UNSPACED, Words


@dataclass(frozen=True)
class Rule:
    pattern: re.Pattern[str] | Words
    replacement: str
    mid_sentence: bool = False  # skip a match that starts the text or a sentence
    in_comments: bool = False  # only inside comments (code)
    # The parts of a match to replace (`text`, start, end), none to keep it: the match's whole span if not given.
    refine: Callable[[str, int, int], list[tuple[int, int]]] | None = None
    # The replacement of a matched text, when it depends on it (a gendered word's neutral placeholder).
    replace: Callable[[str], str] | None = None
    # `replace` is given the original text of the match, not its matching form (a staged piece shown set apart keeps
    # the candidate's characters: full-width ones too, which a quote of it holds).
    replace_original: bool = False
    # Literals (lower case) one of which every match contains: a text holding none of them is not scanned. For the
    # patterns that open with a lookbehind, which the regex engine tries at every position of every text. Without
    # them, those the pattern itself requires (grader/needles.py), if any.
    needles: frozenset[str] = frozenset()
    # Matched in the original text rather than the matching form, where an accent that tells two words apart is
    # folded away (Spanish "él", he, and "el", the).
    on_original: bool = False
    gate: Needles = dataclasses.field(init=False, repr=False, compare=False)
    # Every match needs a letter in the text: a text of digits and punctuation only is not scanned
    # (grader/letter_gate.py).
    lettered: bool = dataclasses.field(init=False, repr=False, compare=False)
    # The rule a text without a letter is scanned with instead, when `refine` keeps fewer of its matches there.
    bare: Rule | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "gate", needles_gate(self.needles, self.pattern))
        object.__setattr__(self, "lettered", needs_letter(self.pattern))


NOT_DIGIT = re.compile(r"\D+")
# How far before and after a match a refinement reads (a cue, a local part, a handle's words: 200 characters at
# most), when it is given a window of the text rather than all of it.
REFINE_REACH = 2000


# After a word written as a name, what makes it one where it opens a sentence: "'s" ("# Will's solution", "Grace's
# idea was"), but for the words whose "'s" is a contraction ("It's", "He's", "What's": a name part of two letters
# such as He is ambiguous too).
POSSESSIVE = re.compile(r"'s(?![^\W_])")
CONTRACTED = frozenset(
    ("he", "she", "it", "that", "what", "who", "how", "why", "when", "where", "there", "here", "this")
)
_TITLE_REACH = max(map(len, ABBREVIATED))  # the longest abbreviated title, in letters


def _starts_sentence(text: str, start: int, end: int) -> bool:
    """A word that opens the text, a sentence or a comment (`# Min-heap`, `// Min-heap`, ` * Min-heap`), unless it
    addresses someone ("Grace, the example...") or owns what follows ("Grace's map": `POSSESSIVE`)."""
    before = start
    while before > 0 and text[before - 1].isspace():
        before -= 1
    after = end
    while after < len(text) and text[after].isspace():
        after += 1
    vocative = text.startswith(",", after)
    owner = POSSESSIVE.match(text, end) is not None and text[start:end].lower() not in CONTRACTED
    # Looked at in place: a copy of the text before or after each match made a long text's scan quadratic.
    opens = before == 0 or (text[before - 1] in ".!?:;\n\"'#/*" and not _after_title(text, before - 1))
    return opens and not vocative and not owner


def _after_title(text: str, mark: int) -> bool:
    """The period at `mark` ends an abbreviated title ("Dr. Strong", "Ms. Quick"), which opens no sentence: the
    word after it is written as a name. Reads back at most a title's length."""
    if text[mark] != ".":
        return False
    start = mark
    while start > 0 and mark - start <= _TITLE_REACH and text[start - 1].isalpha():
        start -= 1
    return 0 < mark - start <= _TITLE_REACH and folded(text[start:mark]) in ABBREVIATED


def _worth_trying(pattern: re.Pattern[str] | Words, text: str) -> bool:
    """Cheap tests that skip the costly scans on text that cannot match (most lines have no '@' or 9 digits)."""
    if pattern is EMAIL:
        return "@" in text or "%40" in text
    if pattern is HANDLE or pattern is OUTPUT_HANDLE:
        return "@" in text
    if pattern is PHONETIC_RUN:
        return worth_scanning(text)
    if pattern is USER_LINK:
        return "/" in text
    if pattern is PROFILE_LINK:
        return "/" in text or SITE_HOST.search(text) is not None  # a site by its subdomain has no path
    if pattern is HOME_PATH:
        return "/home/" in text or "sers" in text
    if pattern is TAG:
        return "#" in text
    if pattern is LETTERED_RUN:
        return MIXED.search(text) is not None
    if pattern is CODE_PHONE:
        return len(NOT_DIGIT.sub("", text)) >= 9
    return True


def _original_matches(
    rule: Rule, text: str, comments: Callable[[], list[tuple[int, int]]]
) -> list[tuple[int, int, str]]:
    """The replacements of a rule matched in the original `text` (`Rule.on_original`); `comments`: the comments'
    spans in it, asked for only by a rule for comments."""
    pattern = rule.pattern.plain if isinstance(rule.pattern, Words) else rule.pattern
    spans = comments() if rule.in_comments else [(0, len(text))]
    return [
        (start, end, rule.replace(text[start:end]) if rule.replace else rule.replacement)
        for lo, hi in spans
        for m in pattern.finditer(text, lo, hi)
        if m.end() > m.start()
        for start, end in (rule.refine(text, m.start(), m.end()) if rule.refine else [m.span()])
    ]


def apply_rules(text: str, rules: Sequence[Rule], language: str | None = None) -> Redacted:
    normal = normalise(text)  # matched in one form, replaced in the original (`Normal.span`)
    norm = normal.text
    comments: list[tuple[int, int]] | None = None
    unspaced = HAS_UNSPACED.search(norm) is not None  # once per text, not once per rule and comment

    def in_comments() -> list[tuple[int, int]]:
        nonlocal comments
        if comments is None:
            comments = comment_spans(norm, language)
        return comments

    def spans(rule: Rule) -> Iterator[tuple[int, int]]:
        pattern = rule.pattern.for_text(norm, unspaced) if isinstance(rule.pattern, Words) else rule.pattern
        for lo, hi in in_comments() if rule.in_comments else [(0, len(norm))]:
            for m in pattern.finditer(norm, lo, hi):
                if m.end() == m.start() or (rule.mid_sentence and _starts_sentence(norm, m.start(), m.end())):
                    continue
                if rule.refine is None:
                    yield m.span()
                elif hi == len(norm):
                    yield from (span for span in rule.refine(norm, m.start(), m.end()) if span[0] >= lo)
                else:  # in a comment, what a rule reads on from a match and replaces ends with the comment
                    # A window that ends there, from `REFINE_REACH` before the match: a copy of all the text before
                    # the comment's end for each match made a long comment of many matches quadratic.
                    base = max(0, m.start() - REFINE_REACH)
                    view = norm[base : min(hi, m.end() + REFINE_REACH)]
                    found = rule.refine(view, m.start() - base, m.end() - base)
                    yield from ((a + base, b + base) for a, b in found if a + base >= lo)

    lower: str | None = None
    has_letter = LETTERED.search(norm) is not None
    gated = sound_for(norm)  # needles are looked for in lower case, unless a letter there folds otherwise
    found: list[tuple[int, int, str]] = []
    for rule in rules:
        if not has_letter and rule.bare is not None:
            rule = rule.bare
        if rule.on_original:
            if not text.isascii():  # what these rules look for (an accent, another script) is not ASCII
                found.extend(_original_matches(rule, text, lambda: [normal.span(*c) for c in in_comments()]))
            continue
        if rule.lettered and not has_letter:
            continue
        if gated and rule.gate:
            lower = norm.lower() if lower is None else lower
            if not rule.gate.any_in(lower):
                continue
        if _worth_trying(rule.pattern, norm):
            for span in spans(rule):
                o_start, o_end = normal.span(*span)
                if rule.replace is None:
                    found.append((o_start, o_end, rule.replacement))
                else:
                    matched = text[o_start:o_end] if rule.replace_original else norm[span[0] : span[1]]
                    found.append((o_start, o_end, rule.replace(matched)))
    if not found:
        return Redacted(text, text)
    found.sort(key=lambda f: (f[0], -(f[1] - f[0])))
    out: list[str] = []
    segments: list[tuple[int, int, int, int]] = []
    pos = 0
    length = 0
    for start, end, replacement in found:
        if start < pos:
            continue  # overlaps a longer or earlier replacement
        out.append(text[pos:start])
        length += start - pos
        out.append(replacement)
        segments.append((length, length + len(replacement), start, end))
        length += len(replacement)
        pos = end
    out.append(text[pos:])
    return Redacted("".join(out), text, tuple(segments))
