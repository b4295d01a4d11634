"""Start with voice when opening the microphone throws (the device list cannot be read after the microphone opened),
in Debian's headless chromium against the real API (driver: drive_start_throws.cjs). The step's busy state was given
back only on a refusal the start expected: a thrown error left both Start buttons disabled and `aria-busy`, and the
status line saying "Opening the microphone…" for good, so the candidate could not start at all. The step now comes
back with the reason, and nothing was sent."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import ApiServer
from tests.web.conftest import ARTIFACTS, run_driver

pytestmark = pytest.mark.browser
DRIVER = Path(__file__).with_name("drive_start_throws.cjs")


@pytest.mark.timeout(240)
async def test_a_start_whose_microphone_throws_gives_the_step_back(api_server: ApiServer) -> None:
    s = await api_server.create_session()
    body = await run_driver(
        DRIVER,
        {
            "scenario": "listingFails",
            "url": f"{api_server.url}/join#invite={s['invite']}",
            "shots": str(ARTIFACTS / "start-throws"),
        },
        limit_s=180,
    )
    seen = body["result"]
    assert seen["settled"] is True, seen
    after = seen["after"]
    assert after["status"] == "", seen  # no "Opening the microphone…" left over
    assert after["buttons"]["start-voice"] == {"disabled": False, "busy": None}, seen
    assert after["buttons"]["start-text"]["disabled"] is False, seen
    assert after["problem"], seen  # says why
    assert seen["starts"] == 0, seen  # nothing was started
