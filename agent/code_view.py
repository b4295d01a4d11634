"""A bounded, line-numbered view of the candidate's current code for every model turn while they code, test
and discuss complexity: the whole file when it fits, otherwise an outline plus the regions around what changed
since the model last saw the code (and around the cursor)."""

from __future__ import annotations

import difflib
import re

CONTEXT_LINES = 3
_OUTLINE = re.compile(
    r"\n[^\S\n]*(?:async[^\S\n]+def|def|class|function|fn|func|struct|interface|enum|impl|template|public|private|protected"
    r"|static|export|const[^\S\n]+\w+[^\S\n]*=[^\S\n]*(?:async[^\S\n]*)?\(|#include|import|from[^\S\n]+\S+[^\S\n]+import|using)\b"
)


# The most of the code the interviewer is shown at once (its get_editor_snapshot tool).
MAX_VIEW_CHARS = 20_000
MAX_DIFF_CELLS = 250_000  # lines of old x lines of new that the exact diff may compare (see changed_lines)


def changed_lines(old: str | None, new: str) -> list[int]:
    """1-based numbers of the lines of ``new`` that differ from ``old`` (all of them when ``old`` is None).

    Runs on the event loop for every snapshot and model turn, on text the client chooses. The common first and
    last lines are skipped in linear time; the exact diff (``SequenceMatcher``, quadratic or worse on repeated
    lines: 4,000 equal lines took seconds, a 1 MB file hours) runs only when what remains is small
    (``MAX_DIFF_CELLS``). Past that, a line counts as changed when its text is nowhere in the old region: linear,
    and it marks every new or edited line (a line only moved or duplicated is not marked)."""
    new_lines = new.splitlines()
    if old is None:
        return list(range(1, len(new_lines) + 1))
    old_lines = old.splitlines()
    head = 0
    limit = min(len(old_lines), len(new_lines))
    while head < limit and old_lines[head] == new_lines[head]:
        head += 1
    tail = 0
    while tail < limit - head and old_lines[-1 - tail] == new_lines[-1 - tail]:
        tail += 1
    a = old_lines[head : len(old_lines) - tail]
    b = new_lines[head : len(new_lines) - tail]
    if not a and not b:
        return []
    if not b:  # a pure deletion: mark where it happened
        return [min(head + 1, max(1, len(new_lines)))]
    out: list[int] = []
    if len(a) * len(b) <= MAX_DIFF_CELLS:
        matcher = difflib.SequenceMatcher(a=a, b=b, autojunk=False)
        for tag, _i1, _i2, j1, j2 in matcher.get_opcodes():
            if tag == "equal":
                continue
            if j1 == j2:  # a pure deletion: mark where it happened
                out.append(min(head + j1 + 1, max(1, len(new_lines))))
            else:
                out.extend(range(head + j1 + 1, head + j2 + 1))
    else:
        known = set(a)
        out = [head + j + 1 for j, text in enumerate(b) if text not in known] or [head + 1]
    return sorted(set(out))


# The ranges of changed lines the view names (the first and last half of them); the others are counted. The lines
# are the client's to choose: every other line of a 1 MB file edited named 100,000 ranges, 750 KB in the line above
# a view bounded to 4,000 characters, in every model turn's request (some 300,000 tokens: its cost and its latency,
# and more than a realtime model's whole context).
MAX_NAMED_RANGES = 12


def ranges(numbers: list[int], most: int = MAX_NAMED_RANGES) -> str:
    """``[3,4,5,9]`` -> ``"3-5, 9"``; past ``most`` ranges, the first and last ``most // 2`` of them and, between
    them, how many lines in how many places are left out (at most ~250 characters, whatever ``numbers`` holds)."""
    found: list[tuple[int, int]] = []
    for n in sorted(set(numbers)):
        if found and n == found[-1][1] + 1:
            found[-1] = (found[-1][0], n)
        else:
            found.append((n, n))
    if len(found) > most:
        half = most // 2
        left = found[half : len(found) - half]
        lines = sum(end - start + 1 for start, end in left)
        gap = f"… ({lines} more lines in {len(left)} more places) …"
        return ", ".join([*map(_range, found[:half]), gap, *map(_range, found[len(found) - half :])])
    return ", ".join(map(_range, found))


def _range(span: tuple[int, int]) -> str:
    start, end = span
    return f"{start}-{end}" if start != end else f"{start}"


def _outline_lines(lines: list[str]) -> list[int]:
    """1-based numbers of the lines ``_OUTLINE`` matches, found in one scan of the text (a regex call per line
    cost a 1 MB file ~10 ms of the turn's path). The pattern starts at the newline before a line (a literal the
    regex engine searches for quickly) and never crosses one, so it sees each line as a per-line match would."""
    text = "\n" + "\n".join(lines)
    found: list[int] = []
    line, at = 0, 0
    for m in _OUTLINE.finditer(text):
        line += text.count("\n", at, m.start() + 1)
        at = m.start() + 1
        found.append(line)
    return found


def _line(n: int, text: str, width: int) -> str:
    return f"{n:>{width}}| {text}"


def render_view(code: str, *, changed: list[int], cursor_line: int | None, max_chars: int) -> str:
    """The view's body: every line numbered when it fits in ``max_chars``, else outline + windows."""
    lines = code.splitlines()
    width = len(str(max(1, len(lines))))
    # Numbering adds at least as much as the line ends it drops, so a longer code never fits: a large file is not
    # numbered whole for every turn only to be thrown away.
    if len(code) <= max_chars + 1:
        full = "\n".join(_line(i, t, width) for i, t in enumerate(lines, 1))
        if len(full) <= max_chars:
            return full
    focus = set(changed[-40:])
    if cursor_line is not None:
        focus.add(cursor_line)
    if not focus:
        focus = {len(lines)}
    wanted: set[int] = set()
    for n in focus:
        wanted.update(range(max(1, n - CONTEXT_LINES), min(len(lines), n + CONTEXT_LINES) + 1))
    outline = [(i, lines[i - 1]) for i in _outline_lines(lines) if i not in wanted]
    out = [f"(The file has {len(lines)} lines; shown: an outline, then the lines around recent changes"
           " and the cursor.)", "Outline:"]  # fmt: skip
    budget = max_chars // 3
    for i, t in outline:
        entry = _line(i, t.strip()[:120], width)
        if budget - len(entry) < 0:
            out.append("  ...")
            break
        budget -= len(entry) + 1
        out.append(entry)
    out.append("Regions:")
    used = sum(len(x) + 1 for x in out)
    prev: int | None = None
    # Nearest to the latest change first when the budget runs out: walk from the end of the wanted lines.
    chosen: list[int] = []
    for n in sorted(wanted, key=lambda k: (min(abs(k - f) for f in focus), k)):
        entry_len = len(_line(n, lines[n - 1], width)) + 1
        if used + entry_len > max_chars:
            break
        used += entry_len
        chosen.append(n)
    for n in sorted(chosen):
        if prev is not None and n != prev + 1:
            out.append(" " * width + "| ...")
        out.append(_line(n, lines[n - 1], width))
        prev = n
    return "\n".join(out)
