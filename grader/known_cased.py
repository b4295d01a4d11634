"""The candidate's known name in lower case where a cue reads a name (grader/redact.py): a name part that is also an
everyday word (`Grace`, `Will`, `Strong`, `Young`) or a name made only of such words (`Will Strong`, `Grace Rust`)
is replaced alone only where it is written as a name, and speech-to-text and a hurried comment write it in lower
case ("i go by will strong", "# written by grace", `author = "hope young"`); the rules that read a name after a cue
(introductions, labels, signatures, bylines, sign-offs: `cues`) read only a word written as a name and none of the
everyday words (grader/not_names.py). The name on file, asked for or introduced is the evidence that such words are
a name where a cue says a name follows: each occurrence of them in any case is shown to those rules as a stand-in
name of the same length that no list holds, so that the cue alone decides, and what they then replace of it is
replaced. A form all of whose words are ones evidence is written in (grader/evidence_words.py `evidence_word`:
"Stuck", "Strong" alone) is shown written as a name instead, for the cues' own lists to judge: "I'm stuck." stays
for a candidate who asked to be called Stuck.

The same words where no cue reads a name stay ("a strong solution", "kafka topics", "I hope young people read it",
"this approach will best handle duplicates"). So does one such word alone, in lower case, after "I'm" where its
context reads it as what the candidate is rather than who (grader/self_described.py): a name was already given in
the same text ("my name is hope, i'm young"), or another word that says what they are is joined to it ("i'm young and
eager"). Said alone ("hi i'm young") it is still read as the name on file: the name is the evidence. Cost: a text
holding such a word runs the cue rules once more.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from grader.redact_apply import Rule, apply_rules
from grader.self_described import described

ANYTHING = re.compile(r"[\s\S]+")  # the rule's pattern: the whole text, which `KnownCased.spans` reads


class KnownCased:
    """The candidate's ambiguous name forms (`forms`: the parts and the names of everyday words, as written on file);
    `spans` is a `Rule.refine` over the whole text."""

    def __init__(self, forms: Sequence[str], replacement: str, evidence: Callable[[str], bool]) -> None:
        self.replacement = replacement
        # Each form by its lower case, as the cues are shown it: a stand-in name of the same length, which no list
        # of theirs holds, so that the cue alone decides; a form all of whose words are `evidence` words ("Stuck",
        # "Brute Force") written as a name instead, for the cues' own lists to judge ("I'm Stuck." is no name).
        self._shown: dict[str, str] = {}
        for form in sorted(forms, key=len, reverse=True):
            words = form.split()
            if not words or not all(w.isalpha() for w in words):
                continue
            key = " ".join(words).lower()
            if all(map(evidence, words)):
                self._shown.setdefault(key, " ".join(w[:1].upper() + w[1:] for w in words))
            else:
                self._shown.setdefault(key, " ".join(_stand_in(len(w)) for w in words))
        self.needles = frozenset(w for form in self._shown for w in form.split())
        alternatives = [r"[ \t]+".join(map(re.escape, form.split())) for form in self._shown]
        self.pattern = (
            re.compile(rf"(?<![\w-])(?<!\w')(?:{'|'.join(alternatives)})(?![\w-])", re.IGNORECASE)
            if alternatives
            else None
        )

    def rule(self, cues: Sequence[Rule], language: str | None = None) -> Rule | None:
        """The rule for a text read with `cues` (in code, of `language`, whose comments they may need)."""
        if self.pattern is None:
            return None

        def refine(text: str, start: int, end: int) -> list[tuple[int, int]]:
            return self.spans(text, cues, language)

        return Rule(ANYTHING, self.replacement, refine=refine, needles=self.needles)

    def spans(self, text: str, cues: Sequence[Rule], language: str | None) -> list[tuple[int, int]]:
        """The occurrences of the name in `text`, in any case, that `cues` read as a name once shown it."""
        if self.pattern is None:
            return []
        chars = list(text)
        changed: list[tuple[int, int]] = []
        for m in self.pattern.finditer(text):
            written = self._written(m.group())
            if written is None or written == m.group():
                continue
            chars[m.start() : m.end()] = written
            changed.append(m.span())
        if not changed:
            return []
        shown = apply_rules("".join(chars), cues, language)
        names = [
            (start, end)
            for o_start, o_end, start, end in shown.segments
            if shown.text[o_start:o_end] == self.replacement
        ]
        out: list[tuple[int, int]] = []
        for start, end in names:
            out += [
                (a, b)
                for a, b in changed
                if start <= a
                and b <= end
                and not (start == a and b == end and described(text, a, b, lambda: names))
            ]
        return out

    def _written(self, found: str) -> str | None:
        """`found` (an occurrence in any case and spacing) as the cues are shown it, keeping its spacing; None where
        that would change its length (a letter whose capital is two)."""
        written = self._shown.get(" ".join(found.split()).lower())
        if written is None:
            return None
        names = iter(written.split())
        out = re.sub(r"\S+", lambda w: next(names), found)
        return out if len(out) == len(found) else None


def _stand_in(length: int) -> str:
    """A name of `length` letters that is no word of any list: a capital, then lower case."""
    return ("Q" + "uzanovikteremb" * (length // 14 + 1))[:length]
