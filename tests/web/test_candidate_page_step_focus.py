"""Keyboard focus when the consent or the start is refused, by keyboard alone in Debian's headless chromium against
the real API (driver: drive_step_focus.cjs). Continue and Start are disabled while their request is out, and a
button disabled under focus drops it to the page: a candidate who pressed Enter and was refused (a busy server, a
server error) had their next key go nowhere and their next Tab start from the top of the page. Focus now stays in
the step: on the control before the button while a busy server's wait holds it, then on the button again."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import ApiServer
from tests.web.conftest import ARTIFACTS, run_driver

pytestmark = pytest.mark.browser
DRIVER = Path(__file__).with_name("drive_step_focus.cjs")


async def test_a_refused_consent_or_start_keeps_keyboard_focus_on_the_step(api_server: ApiServer) -> None:
    s = await api_server.create_session(text_only=True)
    result = await run_driver(
        DRIVER,
        {
            "scenario": "refusedByKeyboard",
            "url": f"{api_server.url}/join#invite={s['invite']}",
            "shots": str(ARTIFACTS / "step-focus"),
        },
        limit_s=240,
    )
    bad = {state: v for state, v in result["axe"].items() if v}
    assert bad == {}, bad
    seen = result["result"]
    assert seen["before_consent"] == "consent-continue", seen
    assert seen["consent_waiting"] == "consent-check", seen  # Continue is held for the server's wait
    assert seen["consent_after_wait"] == "consent-continue", seen
    assert seen["start_refused"] == "start-text", seen
    assert seen["entered"] is True, seen  # Enter again started the interview
