"""The diffs of the code timeline: correct wherever they start in the file, and bounded in cost on any code."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterator, Sequence

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import grader.code_timeline
from grader.code_timeline import MAX_DIFF_CELLS, diff_lines

_UNIFIED_DIFF = difflib.unified_diff
_HEADER = re.compile(r"@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@")


def _patched(old: list[str], lines: list[str]) -> list[str]:
    """`old` with the unified diff `lines` applied, checking every hunk's header and context against the files."""
    out: list[str] = []
    pos = 0
    for line in lines:
        if line.startswith("@@"):
            m = _HEADER.match(line)
            assert m, line
            old_start, old_len = int(m[1]), int(m[2] or 1)
            new_start, new_len = int(m[3]), int(m[4] or 1)
            at = old_start - 1 if old_len else old_start
            assert at >= pos
            out.extend(old[pos:at])
            pos = at
            assert len(out) == (new_start - 1 if new_len else new_start), line
        elif line.startswith("+"):
            out.append(line[1:])
        else:
            assert line[:1] in " -" and old[pos] == line[1:], line
            if line[0] == " ":
                out.append(old[pos])
            pos += 1
    return out + old[pos:]


_LINES = st.lists(st.sampled_from(["a", "b", "c", "}", "", "    return x"]), max_size=30)


@settings(max_examples=400, deadline=None)
@given(old=_LINES, new=_LINES)
def test_a_diff_applied_to_the_old_code_gives_the_new_and_its_headers_count_from_the_top(
    old: list[str], new: list[str]
) -> None:
    # Only the part between the lines both start and end with is aligned; the headers must still count from line 1.
    lines = diff_lines("".join(f"{line}\n" for line in old), "".join(f"{line}\n" for line in new))
    assert (lines == []) == (old == new)
    assert _patched(old, lines) == new


class _Recorder:
    def __init__(self) -> None:
        self.cells: list[int] = []

    def __call__(self, a: Sequence[str], b: Sequence[str], **kw: object) -> Iterator[str]:
        self.cells.append(len(a) * len(b))
        return _UNIFIED_DIFF(a, b, **kw)  # type: ignore[arg-type]


def test_a_small_change_in_a_large_file_aligns_only_the_lines_around_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    recorder = _Recorder()
    monkeypatch.setattr(grader.code_timeline.difflib, "unified_diff", recorder)
    old = [f"x{i} = {i}" for i in range(20_000)]
    new = [*old[:9_000], "x = 'changed'", *old[9_001:]]
    lines = diff_lines("\n".join(old), "\n".join(new))
    assert lines == [
        "@@ -9000,3 +9000,3 @@",
        " x8999 = 8999",
        "-x9000 = 9000",
        "+x = 'changed'",
        " x9001 = 9001",
    ]
    assert recorder.cells == [9]


def test_code_too_changed_to_align_cheaply_is_shown_as_removed_then_added_lines(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Two 20,000-line snapshots, the second the first with a new line after each: difflib would take minutes, on
    # code the candidate chose. Past MAX_DIFF_CELLS the lines are not aligned, and nothing is lost.
    recorder = _Recorder()
    monkeypatch.setattr(grader.code_timeline.difflib, "unified_diff", recorder)
    old = ["def f():", *(f"    x{i} = {i}" for i in range(20_000)), "    return 0"]
    new = [
        "def f():",
        *(line for i in range(20_000) for line in (f"    x{i} = {i}", f"    y{i} = 0")),
        "    return 0",
    ]
    assert MAX_DIFF_CELLS < 20_000 * 40_000
    lines = diff_lines("\n".join(old), "\n".join(new))
    assert recorder.cells == []
    assert lines[0].startswith("@@ -3,19999 +3,39999 @@ (too many changes to align line by line")
    assert lines[1:] == [f"+    y{i} = 0" for i in range(20_000)]
