"""The code timeline the model reads: which editor snapshots are shown, and the bounded diffs between them.

A 45-minute interview can leave a hundred snapshots; the bundle shows their changes as unified diffs within a
character budget (each snapshot shown counting its header too), coarsening when they do not fit: first every
snapshot, then only the anchors (the first, the last, the last one before each run listed or phase change), then
shorter diffs, and past the budget only the last snapshot, its diff only counted; the next snapshot shown says how
many in between were not. The final code is shown in full (up to `MAX_FINAL_CODE_CHARS`). Only what is shown can be
cited.
"""

from __future__ import annotations

import difflib
import hashlib
import re
from dataclasses import dataclass

DIFF_BUDGET_CHARS = 9_000  # all diffs together (~2,500 tokens)
MAX_DIFF_LINES = 40  # per diff, before coarsening
MIN_DIFF_LINES = 12  # per diff, after
MAX_FIRST_CODE_CHARS = 3_000  # the first snapshot shown, in full
MAX_FINAL_CODE_CHARS = 8_000  # the final code, in full
# A snapshot shown costs its header line and fences as well as its diff: hundreds of snapshots with tiny or no
# diffs would otherwise grow the timeline without bound (the editor may send the same code again and again).
SNAPSHOT_OVERHEAD_CHARS = 100
MAX_DIFF_CELLS = (
    250_000  # lines removed x lines added that a diff aligns exactly (`diff_lines`; ~13 ms at worst)
)


@dataclass(frozen=True)
class Snapshot:
    seq: int
    t: float | None
    language: str
    code: str  # as the model sees it (names replaced)

    @property
    def sha(self) -> str:
        return hashlib.sha256(self.code.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class ShownSnapshot:
    snapshot: Snapshot
    previous: Snapshot | None  # the shown snapshot this one is diffed against (None: shown in full)
    body: str  # a diff or the full code (bounded)
    omitted_before: int  # snapshots left out between `previous` and this one


def clip(text: str, limit: int, *, inline: bool = False) -> str:
    """Head and tail of `text` within `limit` characters, saying how much was left out: on lines of their own, or
    `inline` on one line (a row of the timeline, where a tail on a line of its own would open a line of the
    timeline with text the candidate chose)."""
    if len(text) <= limit:
        return text
    head = text[: limit * 2 // 3]
    tail = text[-(limit // 3) :]
    sep = " " if inline else "\n"
    return f"{head}{sep}… [{len(text) - len(head) - len(tail)} characters not shown] …{sep}{tail}"


def diff_lines(before: str, after: str) -> list[str]:
    """The unified diff (one line of context, no ---/+++ header) of two snapshots, in time linear in their size
    plus at most `MAX_DIFF_CELLS` for the part that changed.

    The code is the candidate's: `difflib` aligns lines in time quadratic in them where many short runs match (two
    200 KB snapshots whose lines were interleaved with new ones took about a minute). The lines both snapshots start
    and end with are skipped in linear time, and only what lies between them, with a line of context, is aligned;
    the hunk headers count from the top of the file all the same. When that part is still larger than
    `MAX_DIFF_CELLS`, its lines are not aligned: the removed lines (those the new part lacks) come first, then the
    added ones, under one header that says so."""
    old, new = before.splitlines(), after.splitlines()
    head = 0
    limit = min(len(old), len(new))
    while head < limit and old[head] == new[head]:
        head += 1
    tail = 0
    while tail < limit - head and old[-1 - tail] == new[-1 - tail]:
        tail += 1
    if head == len(old) == len(new):
        return []
    start = max(0, head - 1)  # a line of context each side, as n=1 gives
    a, b = old[start : len(old) - max(0, tail - 1)], new[start : len(new) - max(0, tail - 1)]
    if (len(old) - head - tail) * (len(new) - head - tail) > MAX_DIFF_CELLS:
        removed, added = old[head : len(old) - tail], new[head : len(new) - tail]
        kept_new, kept_old = set(added), set(removed)
        return [
            f"@@ -{head + 1},{len(removed)} +{head + 1},{len(added)} @@ (too many changes to align line by line:"
            " the removed lines, then the added ones)",
            *(f"-{line}" for line in removed if line not in kept_new),
            *(f"+{line}" for line in added if line not in kept_old),
        ]
    lines = list(difflib.unified_diff(a, b, lineterm="", n=1))[2:]
    return [_shift_hunk(line, start) if line.startswith("@@") else line for line in lines] if start else lines


def _shift_hunk(header: str, by: int) -> str:
    """A hunk header of a diff of lines cut `by` lines from the top, counted from the top again."""
    return _HUNK.sub(lambda m: f"{m[1]}{int(m[2]) + by}", header, count=2)


_HUNK = re.compile(r"([-+])(\d+)")


def diff(before: str, after: str, max_lines: int) -> str:
    return shown_diff(diff_lines(before, after), max_lines)


def shown_diff(lines: list[str], max_lines: int) -> str:
    """`lines` of a diff (`diff_lines`), the first `max_lines` of them and a count of the rest."""
    if not lines:
        return "(no change)"
    if len(lines) > max_lines:
        changed = sum(1 for line in lines if line[:1] in "+-")
        lines = [
            *lines[:max_lines],
            f"… [{len(lines) - max_lines} more diff lines; {changed} lines changed in all]",
        ]
    return "\n".join(lines)


def _select(snapshots: list[Snapshot], anchors: set[int], *, every: bool) -> list[Snapshot]:
    return [s for s in snapshots if every or s.seq in anchors]


def _render(
    kept: list[Snapshot],
    all_snaps: list[Snapshot],
    max_lines: int,
    budget: int | None,
    diffs: dict[tuple[int, int], list[str]],
) -> list[ShownSnapshot]:
    position = {s.seq: i for i, s in enumerate(all_snaps)}
    shown: list[ShownSnapshot] = []
    spent = 0
    previous: Snapshot | None = None
    for snap in kept:
        omitted = position[snap.seq] - (position[previous.seq] + 1 if previous else 0)
        if previous is None:
            body = clip(snap.code, MAX_FIRST_CODE_CHARS)
        else:
            pair = (previous.seq, snap.seq)
            if pair not in diffs:  # the passes of `plan` diff the same pairs again
                diffs[pair] = diff_lines(previous.code, snap.code)
            body = shown_diff(diffs[pair], max_lines)
            if budget is not None and spent + len(body) + SNAPSHOT_OVERHEAD_CHARS > budget:
                if snap is not kept[-1]:
                    continue  # past the budget only the last is shown; the next one shown counts this one
                changed = sum(1 for line in body.splitlines() if line[:1] in "+-")
                body = f"(diff not shown: about {changed} lines changed)"
            spent += len(body) + SNAPSHOT_OVERHEAD_CHARS
        shown.append(ShownSnapshot(snap, previous, body, omitted))
        previous = snap
    return shown


def _cost(shown: list[ShownSnapshot]) -> int:
    return sum(len(s.body) + SNAPSHOT_OVERHEAD_CHARS for s in shown[1:])


def plan(snapshots: list[Snapshot], anchors: set[int]) -> list[ShownSnapshot]:
    """The snapshots to show, each as a diff from the one shown before it (the first in full), within budget.
    `anchors`: seqs that should stay visible when coarsening (the first and last are always kept)."""
    if not snapshots:
        return []
    anchors = anchors | {snapshots[0].seq, snapshots[-1].seq}
    diffs: dict[tuple[int, int], list[str]] = {}
    for every, max_lines in ((True, MAX_DIFF_LINES), (False, MAX_DIFF_LINES), (False, MIN_DIFF_LINES)):
        shown = _render(_select(snapshots, anchors, every=every), snapshots, max_lines, None, diffs)
        if _cost(shown) <= DIFF_BUDGET_CHARS:
            return shown
    kept = _select(snapshots, anchors, every=False)
    return _render(kept, snapshots, MIN_DIFF_LINES, DIFF_BUDGET_CHARS, diffs)


def fence(code: str, info: str = "") -> str:
    """A fenced block that the content cannot close (the fence is longer than any run of tildes inside)."""
    longest = run = 0
    for ch in code:
        run = run + 1 if ch == "~" else 0
        longest = max(longest, run)
    marker = "~" * max(3, longest + 1)
    return f"{marker}{info}\n{code.rstrip(chr(10))}\n{marker}"
