"""Hints given before the candidate page opened, in Debian's headless chromium against the real API (driver:
drive_hints_given.cjs). The page learnt of each hint only from the interviewer's `hint` event, so a page reloaded
mid-interview, or the interview opened in a second tab, showed none of the hints given before while the record (and
the report) counted them. The join view now carries them (api/routers/join.py `hints_given`): the page shows each
once, with the record's time, not read out as news; one recorded while it is open shows at its next check.
web/src/feedgiven.test.ts holds the finer rules, tests/api/test_join_hints.py the view."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ApiServer
from tests.web.conftest import ARTIFACTS, run_driver
from tests.web.page_sessions import started

pytestmark = pytest.mark.browser
DRIVER = Path(__file__).with_name("drive_hints_given.cjs")
HINT_TEXT = "Keep the open brackets on a stack."


async def _record_hints(api_server: ApiServer, session_id: str, *hints: dict[str, Any]) -> None:
    events = [
        {
            "idempotency_key": f"agent:hint:{h['index']}",
            "type": "hint",
            "payload": {"phase": "coding", "text": HINT_TEXT, **h},
        }
        for h in hints
    ]
    r = await api_server.client.post(
        f"/v1/internal/sessions/{session_id}/events",
        json={"events": events},
        headers=api_server.internal_headers(),
    )
    assert r.status_code == 200, r.text


async def test_a_reloaded_page_and_a_second_tab_show_the_hints_given_before_each_once(
    api_server: ApiServer,
) -> None:
    s = await started(api_server, text_only=True)
    await _record_hints(
        api_server, s["id"], {"index": 1, "total": 3}, {"index": 2, "total": 3, "unsettled": True}
    )
    body = await run_driver(
        DRIVER,
        {
            "scenario": "reloaded",
            "url": f"{api_server.url}/join#invite={s['invite']}",
            "api": api_server.url,
            "session_id": s["id"],
            "internal_token": api_server.internal_token,
            "hint_text": HINT_TEXT,
            "shots": str(ARTIFACTS / "hints-given"),
        },
        limit_s=240,
    )
    bad = {state: v for state, v in body["axe"].items() if v}
    assert bad == {}, bad
    seen = body["result"]
    two = ["Hint 1 of 3 given.", "Hint 2 of 3 given (the call dropped while it was being said)."]
    three = [*two, "Hint 3 of 3 given."]
    assert seen["opened"]["lines"] == two, seen
    assert not any("Hint" in a for a in seen["opened"]["announced"]), seen  # given before: shown, not news
    assert seen["checked"]["lines"] == three, seen
    assert "Hint 3 of 3 given." in seen["checked"]["announced"], seen  # new to this page: read out
    assert seen["reloaded"]["lines"] == three, seen
    assert seen["second_tab"]["lines"] == three, seen
    assert HINT_TEXT not in seen["page_text"]  # the hint's words are the record's, never the page's
