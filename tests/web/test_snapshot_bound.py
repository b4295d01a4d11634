"""The page bounds each `editor.snapshot` it streams by what the agent keeps of one: the number is written twice
(web/src/protocol.ts SNAPSHOT_MAX_BYTES, agent/editor.py MAX_HELD_BYTES) and this keeps the two equal. A page bound
above the agent's streams bytes the agent drops (a huge paste went whole to the interviewer); one below would hide
code the agent could have shown the model. The same for one typed message (web/src/fieldbound.ts CHAT_MAX_CHARS,
agent/turns.py MAX_TYPED_CHARS)."""

from __future__ import annotations

import re

from agent.editor import MAX_HELD_BYTES, MAX_READ_BYTES
from agent.turns import MAX_TYPED_CHARS
from tests.web.conftest import WEB


def test_the_page_streams_no_more_of_a_snapshot_than_the_agent_keeps() -> None:
    source = (WEB / "src" / "protocol.ts").read_text(encoding="utf-8")
    found = re.findall(r"^export const SNAPSHOT_MAX_BYTES = ([0-9_]+);$", source, flags=re.MULTILINE)
    assert len(found) == 1, "web/src/protocol.ts must define SNAPSHOT_MAX_BYTES once, as a number"
    page_bound = int(found[0].replace("_", ""))
    assert page_bound == MAX_HELD_BYTES
    assert page_bound <= MAX_READ_BYTES  # what the page sends is read whole, never closed unread


def test_the_page_bounds_a_typed_message_by_what_the_agent_keeps_of_one_whole() -> None:
    """web/src/fieldbound.ts CHAT_MAX_CHARS and agent/turns.py MAX_TYPED_CHARS: a page bound below the agent's cut a
    pasted function the agent would have read whole (the field held 1,000 characters, the agent keeps 4,000); one
    above sends messages the agent cuts without the candidate having been told."""
    source = (WEB / "src" / "fieldbound.ts").read_text(encoding="utf-8")
    found = re.findall(r"^export const CHAT_MAX_CHARS = ([0-9_]+);$", source, flags=re.MULTILINE)
    assert len(found) == 1, "web/src/fieldbound.ts must define CHAT_MAX_CHARS once, as a number"
    assert int(found[0].replace("_", "")) == MAX_TYPED_CHARS
