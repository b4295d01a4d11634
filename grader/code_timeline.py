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
from dataclasses import dataclass

DIFF_BUDGET_CHARS = 9_000  # all diffs together (~2,500 tokens)
MAX_DIFF_LINES = 40  # per diff, before coarsening
MIN_DIFF_LINES = 12  # per diff, after
MAX_FIRST_CODE_CHARS = 3_000  # the first snapshot shown, in full
MAX_FINAL_CODE_CHARS = 8_000  # the final code, in full
# A snapshot shown costs its header line and fences as well as its diff: hundreds of snapshots with tiny or no
# diffs would otherwise grow the timeline without bound (the editor may send the same code again and again).
SNAPSHOT_OVERHEAD_CHARS = 100


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


def clip(text: str, limit: int) -> str:
    """Head and tail of `text` within `limit` characters, saying how much was left out."""
    if len(text) <= limit:
        return text
    head = text[: limit * 2 // 3]
    tail = text[-(limit // 3) :]
    return f"{head}\n… [{len(text) - len(head) - len(tail)} characters not shown] …\n{tail}"


def diff(before: str, after: str, max_lines: int) -> str:
    lines = list(difflib.unified_diff(before.splitlines(), after.splitlines(), lineterm="", n=1))[
        2:
    ]  # no ---/+++ header
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
    kept: list[Snapshot], all_snaps: list[Snapshot], max_lines: int, budget: int | None
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
            body = diff(previous.code, snap.code, max_lines)
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
    for every, max_lines in ((True, MAX_DIFF_LINES), (False, MAX_DIFF_LINES), (False, MIN_DIFF_LINES)):
        shown = _render(_select(snapshots, anchors, every=every), snapshots, max_lines, None)
        if _cost(shown) <= DIFF_BUDGET_CHARS:
            return shown
    return _render(_select(snapshots, anchors, every=False), snapshots, MIN_DIFF_LINES, DIFF_BUDGET_CHARS)


def fence(code: str, info: str = "") -> str:
    """A fenced block that the content cannot close (the fence is longer than any run of tildes inside)."""
    longest = run = 0
    for ch in code:
        run = run + 1 if ch == "~" else 0
        longest = max(longest, run)
    marker = "~" * max(3, longest + 1)
    return f"{marker}{info}\n{code.rstrip(chr(10))}\n{marker}"
