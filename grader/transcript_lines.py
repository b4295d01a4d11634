"""A runaway transcript kept within bounds of work as well as of size (grader/bundle.py).

The bundle shows at most `MAX_TRANSCRIPT_CHARS` of transcript, each line at most `MAX_LINE_CHARS` (its head and
tail), the middle lines of a very long interview left out. The transcript itself has no bound: a line can hold
256 KB, and a session thousands of lines. So the lines left out are chosen before anything is redacted (on the
lines' sizes as they would be shown), and of a long line only its head and tail are redacted, enough of each for
what a clip shows. A citation of the line is checked against what the clip shows of it and nothing more: the
clip and the views are cut together (`redact_line`); the windows had been, and a model could cite text of a line
it was never shown (2026-12-05). Redaction had read
every line in full: 20 MB of transcript took 10 s of a worker's CPU to build a bundle of 160,000 characters.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Sequence

from grader.redacted import Redacted

MAX_LINE_CHARS = 2_000  # one transcript line as shown
MAX_TRANSCRIPT_CHARS = 160_000  # a runaway session; a real 45-minute one is far below
# Of a long line, the non-space characters redacted at its head and at its tail: more than a clip of the line shows
# (two thirds and one third of `MAX_LINE_CHARS`), so that what is shown is always redacted text.
LINE_WINDOW = MAX_LINE_CHARS
_WORD = re.compile(r"\S+")


def _flat(text: str) -> str:
    return " ".join(text.split())


def windows(text: str) -> tuple[str, ...]:
    """`text` whole, or its head and its tail: each `LINE_WINDOW` non-space characters, then on to the end of the
    word there, so that a name or an address is not cut in two (then both are the text's own substrings)."""
    head, tail = _window_end(text), _window_end(text[::-1])
    if head is None or tail is None or head + tail >= len(text):
        return (text,)
    return text[:head], text[len(text) - tail :]


def _window_end(text: str) -> int | None:
    """Where the word holding the `LINE_WINDOW`-th non-space character of `text` ends (at most 200 characters on:
    a "word" can be a line's 256 KB); None if it has fewer."""
    seen = 0
    for word in _WORD.finditer(text):
        if seen + len(word.group()) >= LINE_WINDOW:
            return min(word.end(), word.start() + LINE_WINDOW - seen + 200)
        seen += len(word.group())
    return None


def _head(view: Redacted, limit: int) -> Redacted:
    """The start of `view` that shows as at most `limit` characters flattened, to the end of a word (within a word
    only when its first is longer), never into a replacement."""
    size, end = -1, 0
    for word in _WORD.finditer(view.text):
        size += 1 + len(word.group())
        if size > limit:
            if end == 0:
                end = word.start() + limit
            break
        end = word.end()
    if view.inside(end):
        end = view.segments[view.segment_at(end)][0]
    return view.cut(0, end)


def _tail(view: Redacted, limit: int) -> Redacted:
    """The end of `view` that shows as at most `limit` characters flattened, from the start of a word (within a
    word only when its last is longer), never from inside a replacement."""
    size, start = -1, len(view.text)
    for word in reversed(list(_WORD.finditer(view.text))):
        size += 1 + len(word.group())
        if size > limit:
            if start == len(view.text):
                start = word.end() - limit
            break
        start = word.start()
    if view.inside(start):
        start = view.segments[view.segment_at(start)][1]
    return view.cut(start, len(view.text))


def redact_line(text: str, redact: Callable[[str], Redacted]) -> tuple[tuple[Redacted, ...], str]:
    """The line as shown (flattened, at most `MAX_LINE_CHARS`: its head and tail, saying how many characters were
    left out) and its views, the parts of it shown (each redacted, mapped to the original): made together, so that
    a citation of the line is checked against exactly what the model read of it, no more."""
    views = tuple(redact(part) for part in windows(text))
    whole = _flat(views[0].text)
    if len(views) == 1 and len(whole) <= MAX_LINE_CHARS:
        return views, whole
    head, tail = _head(views[0], MAX_LINE_CHARS * 2 // 3), _tail(views[-1], MAX_LINE_CHARS // 3)
    left_out = len(_flat(text)) - len(_flat(head.original)) - len(_flat(tail.original))
    return (head, tail), f"{_flat(head.text)} … [{left_out} characters not shown] … {_flat(tail.text)}"


def shown_size(text: str) -> int:
    """A line's size as shown (`redact_line`), before redaction: `MAX_LINE_CHARS` and its notice at most."""
    return min(len(text), MAX_LINE_CHARS + 40) if len(text) > MAX_LINE_CHARS else len(_flat(text))


def bounded(lines: Sequence[tuple[int, int]], first: Collection[int] = ()) -> set[int]:
    """Seqs of transcript lines to leave out of a runaway session, given `(seq, size as shown)`: the lines of
    `first` (the candidate's typed messages) before any other, then the rest; in each, the middle goes first. Each
    line counts as shown, its `[seq] start-end s C: ` prefix included: forty thousand typed "ok"s are short texts
    but a long timeline. Typing is bounded only by the chat's budget (agent/chat_budget.py), speech by the time it
    takes: a flood typed before and after the conversation must not leave the conversation out in its place."""
    total = sum(size + 1 for _, size in lines)
    dropped: set[int] = set()
    for pool in ([line for line in lines if line[0] in first], list(lines)):
        middle = len(pool) // 2
        offset = 0
        while total > MAX_TRANSCRIPT_CHARS and offset <= middle:
            for i in {middle - offset, middle + offset}:
                if 0 <= i < len(pool) and pool[i][0] not in dropped:
                    dropped.add(pool[i][0])
                    total -= pool[i][1] + 1
            offset += 1
    return dropped
