"""A bounded, line-numbered view of the candidate's current code for every model turn while they code, test
and discuss complexity: the whole file when it fits, otherwise an outline plus the regions around what changed
since the model last saw the code (and around the cursor)."""

from __future__ import annotations

import difflib
import re

CONTEXT_LINES = 3
_OUTLINE = re.compile(
    r"^\s*(?:async\s+def|def|class|function|fn|func|struct|interface|enum|impl|template|public|private|protected"
    r"|static|export|const\s+\w+\s*=\s*(?:async\s*)?\(|#include|import|from\s+\S+\s+import|using)\b"
)


def changed_lines(old: str | None, new: str) -> list[int]:
    """1-based numbers of the lines of ``new`` that differ from ``old`` (all of them when ``old`` is None)."""
    new_lines = new.splitlines()
    if old is None:
        return list(range(1, len(new_lines) + 1))
    out: list[int] = []
    matcher = difflib.SequenceMatcher(a=old.splitlines(), b=new_lines, autojunk=False)
    for tag, _i1, _i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        if j1 == j2:  # a pure deletion: mark where it happened
            out.append(min(j1 + 1, max(1, len(new_lines))))
        else:
            out.extend(range(j1 + 1, j2 + 1))
    return sorted(set(out))


def ranges(numbers: list[int]) -> str:
    """``[3,4,5,9]`` -> ``"3-5, 9"``."""
    parts: list[str] = []
    start = prev = None
    for n in sorted(set(numbers)):
        if prev is not None and n == prev + 1:
            prev = n
            continue
        if start is not None:
            parts.append(f"{start}-{prev}" if start != prev else f"{start}")
        start = prev = n
    if start is not None:
        parts.append(f"{start}-{prev}" if start != prev else f"{start}")
    return ", ".join(parts)


def _line(n: int, text: str, width: int) -> str:
    return f"{n:>{width}}| {text}"


def render_view(code: str, *, changed: list[int], cursor_line: int | None, max_chars: int) -> str:
    """The view's body: every line numbered when it fits in ``max_chars``, else outline + windows."""
    lines = code.splitlines()
    width = len(str(max(1, len(lines))))
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
    outline = [(i, t) for i, t in enumerate(lines, 1) if _OUTLINE.match(t) and i not in wanted]
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
