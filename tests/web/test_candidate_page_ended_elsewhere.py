"""The candidate page keeps up with its session while nobody types, in Debian's headless chromium against the real
API (driver: drive_ended_elsewhere.cjs): an interview cancelled by the organisation is noticed within one check of
the session (web/src/sessionwatch.ts), with the candidate's code, saved or not, left on screen to read; extra time
given meanwhile moves the clock without a reload. The finer rules (backoff, Retry-After, the hidden page) are in
web/src/sessionwatch.test.ts, run by test_web_units.py."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ApiServer
from tests.web.conftest import ARTIFACTS, run_driver
from tests.web.page_sessions import started

pytestmark = pytest.mark.browser
DRIVER = Path(__file__).with_name("drive_ended_elsewhere.cjs")


async def drive(api_server: ApiServer, s: dict[str, Any], scenario: str, **plan: Any) -> dict[str, Any]:
    plan.setdefault("shots", str(ARTIFACTS / f"ended-elsewhere-{scenario}"))
    body = await run_driver(
        DRIVER,
        {
            "scenario": scenario,
            "url": f"{api_server.url}/join#invite={s['invite']}",
            "session_id": s["id"],
            "org": {"url": api_server.url, "key": api_server.org_key},
            **plan,
        },
        limit_s=240,
    )
    bad = {state: v for state, v in body["axe"].items() if v}
    assert bad == {}, bad
    return dict(body["result"])


@pytest.mark.parametrize("width", [None, 480])
async def test_an_interview_cancelled_while_the_page_is_idle_is_noticed_and_the_code_stays(
    api_server: ApiServer, width: int | None
) -> None:
    # Cancelled while the candidate read or thought, the interview went on as far as the page knew: its clock ran and
    # its editor took keystrokes until the next save or Run happened to be refused. Here the saves fail on a flaky
    # network, so only the page's own watch of the session can tell; nothing is typed after the cancel. At 480 px
    # the candidate is on the Problem tab: the banner, in the Code pane, would show nowhere.
    s = await started(api_server, text_only=True, duration_minutes=45)
    saved, unsaved = "  # saved", "  # typed while the network failed"
    plan = {"width": width} if width else {}
    seen = await drive(
        api_server, s, "cancelledWhileIdle", saved=saved, unsaved=unsaved, wait_ms=40_000, **plan
    )
    assert seen["noticed"] is True, seen
    assert seen["after_ms"] < 25_000, seen  # one check (15 s) and its answer, not the next save or Run
    assert seen["joins_while_waiting"] <= 2, seen  # one cheap check, not a flood
    page = seen["seen"]
    assert page["app_visible"] is True, "the code stays on screen, not replaced by a notice"
    assert page["banner"] is not None and "This interview was cancelled" in page["banner"], page
    assert "Changes not saved yet stay in the editor" in page["banner"], page
    assert "This interview was cancelled" in page["announced"], "a screen reader hears it"
    assert saved + unsaved in page["code"], page["code"]
    assert page["readonly"] == "true"
    assert page["run_disabled"] is True and page["end_disabled"] is True, page
    assert page["clock"] == "Ended", page
    assert page["save_status"] == "", "no 'trying again' under a banner saying nothing is saved any more"
    assert page["call_start_hidden"] is True and "no call" in page["call_status"], page
    assert page["title"] == "Interview ended · Shadows"
    assert page["banner_on_screen"] is True, "the reason shows on every width"
    assert page["focus_on_screen"] is True, "keyboard focus is not left in a pane that went away"
    if width:
        assert seen["code_pane_before"] is False, "the Problem pane was forward"


async def test_extra_time_given_while_the_page_is_open_moves_its_clock(api_server: ApiServer) -> None:
    # Extra time moves ends_at for the interviewer and the run limits at once, but the page kept the end it read at
    # the start: it counted down to "Time is up." half an hour early unless the candidate happened to reload.
    s = await started(api_server, text_only=True, duration_minutes=45)
    seen = await drive(api_server, s, "extraTimeWhileOpen", extra_minutes=30, wait_ms=40_000)
    assert 44 * 60 <= seen["before_s"] <= 45 * 60, seen
    assert seen["moved"] is True, seen
    assert 74 * 60 <= seen["after_s"] <= 75 * 60, seen


async def test_a_start_whose_answer_was_lost_goes_into_the_running_interview(api_server: ApiServer) -> None:
    # The start reached the API (the clock runs from then) but its answer was lost: the page said it could not reach
    # the server and stayed on the device check, so a candidate fixing their network or microphone lost minutes of
    # an interview they did not know had started. The page now asks at once and goes in.
    s = await api_server.create_session(text_only=True, duration_minutes=45)
    await api_server.consent(s)
    seen = await drive(api_server, s, "lostStart", wait_ms=30_000)
    assert seen["starts"] == 1, seen
    assert "could not reach" in seen["said"], seen
    assert seen["entered"] is True, seen
    assert seen["after_ms"] < 10_000, seen  # asked at once, not at the next 15 s check
    assert seen["seen"]["app_visible"] and not seen["seen"]["device_check_visible"], seen
    assert seen["seen"]["clock_state"] == "running", seen
