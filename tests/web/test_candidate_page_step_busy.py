"""Continue (the consent) and Start (the device check) on a slow connection, in Debian's headless chromium against
the real API (driver: drive_step_busy.cjs). While their request was out (up to its 20 s bound) the step showed
nothing: a candidate pressed again or thought the page had frozen. The step now says what it is doing on a status
line ("Saving your agreement…", "Starting the interview…"), the pressed button is disabled and `aria-busy`, focus
waits on that line, nothing is sent twice, and a failure says why with the button back under focus."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import ApiServer
from tests.web.conftest import ARTIFACTS, run_driver

pytestmark = pytest.mark.browser
DRIVER = Path(__file__).with_name("drive_step_busy.cjs")


@pytest.mark.timeout(300)
async def test_a_slow_consent_and_start_say_so_and_send_once(api_server: ApiServer) -> None:
    s = await api_server.create_session(text_only=True)
    body = await run_driver(
        DRIVER,
        {
            "scenario": "heldSteps",
            "url": f"{api_server.url}/join#invite={s['invite']}",
            "shots": str(ARTIFACTS / "step-busy"),
            "hold_ms": 2500,
        },
        limit_s=240,
    )
    bad = {state: v for state, v in body["axe"].items() if v}
    assert bad == {}, bad
    seen = body["result"]

    held = seen["consent_held"]
    assert held["status"] == "Saving your agreement…", seen
    assert held["role"] == "status", seen
    assert held["buttons"]["consent-continue"] == {"disabled": True, "busy": "true"}, seen
    assert seen["consent_focus"] == "consent-status", seen  # on the line that says it, not the page
    assert seen["consent_requests"] == 1, seen  # pressed and submitted again meanwhile: one consent
    assert seen["consent_after"]["status"] == "", seen
    assert seen["consent_after"]["buttons"]["consent-continue"]["busy"] is None, seen

    held = seen["start_held"]
    assert held["status"] == "Starting the interview…", seen
    assert held["buttons"]["start-text"] == {"disabled": True, "busy": "true"}, seen
    assert held["buttons"]["start-voice"]["disabled"] is True, seen
    assert seen["start_focus"] == "start-status", seen

    refused = seen["start_refused"]
    assert refused["status"] == "", seen  # no longer "Starting…" over the reason
    assert refused["buttons"]["start-text"] == {"disabled": False, "busy": None}, seen
    assert seen["start_problem"], seen  # the reason
    assert seen["start_refused_focus"] == "start-text", seen
    assert seen["start_requests_refused"] == 1, seen  # pressed and clicked again meanwhile: one start

    assert seen["start_again"]["status"] == "Starting the interview…", seen
    assert seen["entered"] is True, seen
    assert seen["start_requests"] == 2, seen
