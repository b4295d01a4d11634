"""What the candidate page's clock shows when the interview is started somewhere else, in Debian's headless chromium
against the real API (driver: drive_second_tab.cjs). A second tab's device check showed "45:00", the full time, for
up to one check of the session (15 s) after the first tab had started the interview; a device check reached by
agreeing to the notice after a start on another device did the same; and before the page's first answer the clock
read "0:00". Every screen now shows the time left from the server's view of the session, or nothing ("--:--") until
it has one. web/src/timer.test.ts and tabsignal.test.ts hold the finer rules."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ApiServer
from tests.web.conftest import ARTIFACTS, run_driver

pytestmark = pytest.mark.browser
DRIVER = Path(__file__).with_name("drive_second_tab.cjs")
FULL = "45:00"


async def drive(api_server: ApiServer, s: dict[str, Any], scenario: str, **plan: Any) -> dict[str, Any]:
    plan.setdefault("shots", str(ARTIFACTS / f"second-tab-{scenario}"))
    body = await run_driver(
        DRIVER,
        {
            "scenario": scenario,
            "url": f"{api_server.url}/join#invite={s['invite']}",
            "api": api_server.url,
            "invite": s["invite"],
            "session_id": s["id"],
            **plan,
        },
        limit_s=240,
    )
    bad = {state: v for state, v in body["axe"].items() if v}
    assert bad == {}, bad
    return dict(body["result"])


def _seconds(text: str) -> int:
    total = 0
    for part in text.split(":"):
        total = total * 60 + int(part)
    return total


async def test_a_second_tab_never_shows_the_full_time_once_the_first_has_started(
    api_server: ApiServer,
) -> None:
    s = await api_server.create_session(text_only=True, duration_minutes=45)
    await api_server.consent(s)
    seen = await drive(api_server, s, "twoTabsOnTheDeviceCheck", wait_ms=30_000)
    assert seen["second_before"] == FULL, "before the start, the full time (nothing runs yet)"
    assert seen["first_entered"] is True, seen
    assert seen["second_entered"] is True, seen
    assert seen["second_after_ms"] < 5_000, seen  # told by the first tab, not at its next 15 s check
    # The full time before the start is "waiting"; once the first tab has started, the second shows nothing until it
    # has the server's view, then the time left (which reads "45:00" too in the start's first second).
    shown = [(r["state"], r["text"]) for r in seen["second_log"]]
    assert {state for state, _ in shown} <= {"unknown", "running"}, shown
    assert all(text == "--:--" for state, text in shown if state == "unknown"), shown
    assert seen["second_clock"]["state"] == "running", seen
    assert 44 * 60 <= _seconds(seen["second_clock"]["text"]) < 45 * 60, seen


async def test_a_device_check_reached_after_a_start_elsewhere_shows_the_time_left(
    api_server: ApiServer,
) -> None:
    s = await api_server.create_session(text_only=True, duration_minutes=45)
    seen = await drive(api_server, s, "startedElsewhereWhileReading", wait_ms=30_000)
    assert seen["welcome_clock"] == FULL, seen
    assert seen["entered"] is True, seen
    assert seen["after_ms"] < 5_000, seen  # asked as the device check opens, not at the next check
    on_device_check = [(r["state"], r["text"]) for r in seen["log"] if r["screen"] == "device-check"]
    assert {state for state, _ in on_device_check} <= {"unknown", "running"}, on_device_check
    assert seen["clock"]["state"] == "running", seen
    assert 44 * 60 <= _seconds(seen["clock"]["text"]) < 45 * 60, seen


async def test_a_device_check_goes_into_an_interview_started_elsewhere_as_the_candidate_turns_to_it(
    api_server: ApiServer,
) -> None:
    """Nothing tells a page of a start on another device but a check of the session, every 15 s: the device check
    showed the full time and waited up to that long. The candidate turning to the page (a key, a click, its window
    focused) now asks at once (at most once per 5 s)."""
    s = await api_server.create_session(text_only=True, duration_minutes=45)
    await api_server.consent(s)
    seen = await drive(api_server, s, "startedElsewhereThenTurnedTo", wait_ms=9_000)
    # Within 9 s of the key: the regular check is 15 s after the page opened.
    assert seen["entered"] is True, seen


async def test_the_clock_shows_nothing_before_the_first_answer(api_server: ApiServer) -> None:
    s = await api_server.create_session(text_only=True, duration_minutes=45)
    await api_server.consent(s)
    seen = await drive(api_server, s, "beforeTheFirstAnswer", hold_ms=1500)
    loading = [r for r in seen["log"] if r["screen"] == "loading"]
    assert loading, seen
    assert {(r["state"], r["text"]) for r in loading} == {("unknown", "--:--")}, loading
    on_device_check = [(r["state"], r["text"]) for r in seen["log"] if r["screen"] == "device-check"]
    assert on_device_check[-1] == ("waiting", FULL), seen[
        "log"
    ]  # nothing started: the full time, not running
