"""The page bounds each `editor.snapshot` it streams by what the agent keeps of one: the number is written twice
(web/src/protocol.ts SNAPSHOT_MAX_BYTES, agent/editor.py MAX_HELD_BYTES) and this keeps the two equal. A page bound
above the agent's streams bytes the agent drops (a huge paste went whole to the interviewer); one below would hide
code the agent could have shown the model."""

from __future__ import annotations

import re

from agent.editor import MAX_HELD_BYTES, MAX_READ_BYTES
from tests.web.conftest import WEB


def test_the_page_streams_no_more_of_a_snapshot_than_the_agent_keeps() -> None:
    source = (WEB / "src" / "protocol.ts").read_text(encoding="utf-8")
    found = re.findall(r"^export const SNAPSHOT_MAX_BYTES = ([0-9_]+);$", source, flags=re.MULTILINE)
    assert len(found) == 1, "web/src/protocol.ts must define SNAPSHOT_MAX_BYTES once, as a number"
    page_bound = int(found[0].replace("_", ""))
    assert page_bound == MAX_HELD_BYTES
    assert page_bound <= MAX_READ_BYTES  # what the page sends is read whole, never closed unread
