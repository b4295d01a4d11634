"""The device check when the microphone it opened stops (unplugged, or taken by another application), in Debian's
headless chromium against the real API (driver: drive_device_check.cjs). The screen went on saying "We can hear
you." over a meter that had stopped, and "Microphone allowed", so a candidate had no way to know the interviewer
would not hear them; the list kept offering the device that had gone. It now says the microphone stopped and what to
do, as when it could not be opened, and a voice start opens a microphone again first."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import ApiServer
from tests.web.conftest import ARTIFACTS, run_driver

pytestmark = pytest.mark.browser
DRIVER = Path(__file__).with_name("drive_device_check.cjs")


async def test_a_microphone_that_stops_on_the_device_check_is_said_and_opened_again_at_the_start(
    api_server: ApiServer,
) -> None:
    s = await api_server.create_session()
    await api_server.consent(s)
    result = await run_driver(
        DRIVER,
        {
            "scenario": "microphoneUnplugged",
            "url": f"{api_server.url}/join#invite={s['invite']}",
            "shots": str(ARTIFACTS / "device-check-unplugged"),
        },
        limit_s=240,
    )
    bad = {state: v for state, v in result["axe"].items() if v}
    assert bad == {}, bad
    seen = result["result"]
    assert seen["opened"] == {"heard": "We can hear you.", "fix": None, "request": "Microphone allowed"}, seen
    unplugged = seen["unplugged"]
    assert unplugged["heard"] == "", unplugged  # no "We can hear you." over a microphone that stopped
    assert unplugged["request"] == "Allow the microphone", unplugged
    assert unplugged["fix"] is not None and "microphone stopped" in unplugged["fix"], unplugged
    assert seen["entered"] is True, seen
    assert seen["streams_opened"] == 2, seen  # the start opened a microphone again before the interview began
