"""The record a candidate notice promises to delete: each notice version's "What is recorded" items (the table
`api/notices/<version>.recorded.json`, next to the template) name kinds of data, and each kind says where that data
lives. The retention job (`api.jobs.retention`, `api.db.artifacts_repo.apply_retention`) erases every kind the
notice the candidate agreed to lists, reading them from here, so a new notice version cannot promise more than the
job deletes without a test failing (tests/api/test_retention_record.py).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache

from api.notice_versions import NOTICE_DIR, current_version, versions


@dataclass(frozen=True)
class Kind:
    """One kind of recorded data: the event types that hold it, and its other homes (by name; the erasing SQL is in
    `api.db.artifacts_repo`, the only place that touches them)."""

    event_types: tuple[str, ...]
    elsewhere: tuple[str, ...] = ()


KINDS: dict[str, Kind] = {
    # The conversation: every utterance, and the hints the interviewer gave (their words).
    "transcript": Kind(("transcript", "hint"), ("sessions.transcript",)),
    # The code as written: editor snapshots, the interviewer's tool calls (which read the code and run it), the saved
    # drafts and the final code.
    "code": Kind(("editor_snapshot", "tool_call"), ("session_drafts", "sessions.final_code")),
    # Every run and submission: its event (code, output) and its row (code, results).
    "runs": Kind(("test_run", "submission"), ("submissions",)),
    # Observations of the candidate page.
    "integrity": Kind(("integrity",), ("sessions.events",)),
}


@dataclass(frozen=True)
class RecordedItem:
    starts: str  # the item's opening words in the notice
    kinds: tuple[str, ...]


@lru_cache
def recorded_items(version: str) -> tuple[RecordedItem, ...]:
    """The table of `version`: a notice version without one, or naming an unknown kind, fails loudly."""
    if version not in versions():
        raise LookupError(version)
    table = json.loads((NOTICE_DIR / f"{version}.recorded.json").read_text(encoding="utf-8"))
    items = tuple(RecordedItem(str(i["starts"]), tuple(str(k) for k in i["kinds"])) for i in table["items"])
    unknown = {k for i in items for k in i.kinds} - KINDS.keys()
    if unknown:
        raise ValueError(f"notice {version} lists kinds no eraser knows: {sorted(unknown)}")
    return items


class UnshippedNoticeError(LookupError):
    """A consent names a notice version this release does not ship: a newer release's, agreed to on one of its
    replicas (a release since rolled back, or a worker not yet updated). What that notice promises to erase is in
    its own table, which is not here."""

    def __init__(self, agreed: list[str]) -> None:
        super().__init__(f"consent to notice version(s) this release does not ship: {agreed}")
        self.agreed = agreed


def promised_kinds(agreed: list[str]) -> tuple[str, ...]:
    """Every kind the notices a candidate agreed to list, each read from the version agreed to (the current notice
    when they agreed to none: a session that never started was shown nothing, and the current notice is what it
    would have shown). UnshippedNoticeError for a version this release does not ship: a newer notice says more,
    never less, so the current one's kinds (what this used to fall back to) could erase less than it promised, and
    the session marked erased would keep the rest for ever."""
    unshipped = sorted({v for v in agreed if v not in versions()})
    if unshipped:
        raise UnshippedNoticeError(unshipped)
    shown = agreed or [current_version()]
    return tuple(sorted({k for v in shown for i in recorded_items(v) for k in i.kinds}))


def erased_event_types(kinds: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(t for k in kinds for t in KINDS[k].event_types)
