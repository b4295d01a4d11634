"""What the device check offers when the organisation changes what the interview allows while the page is open, in
Debian's headless chromium against the real API (driver: drive_consent_policy.cjs). The device check took its
choices from the view of the session the page opened with: a candidate who agreed to a changed notice saying "you
can do the interview without voice" (the organisation had just allowed it) was not offered "Start without voice",
and when their microphone failed was told to request an accommodation instead; an organisation that stopped allowing
it left the button on screen, refused when pressed. The choices now follow the newest view: the one whose notice was
agreed to, and every check of the session after it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ApiServer
from tests.web.conftest import ARTIFACTS, run_driver

pytestmark = pytest.mark.browser
DRIVER = Path(__file__).with_name("drive_consent_policy.cjs")
WITHOUT_VOICE = "If voice does not work for you, you can do the interview without voice."


async def drive(
    api_server: ApiServer, s: dict[str, Any], scenario: str, body: dict[str, Any]
) -> dict[str, Any]:
    result = await run_driver(
        DRIVER,
        {
            "scenario": scenario,
            "url": f"{api_server.url}/join#invite={s['invite']}",
            "change": {"url": f"{api_server.url}/v1/organization", "key": api_server.org_key, "body": body},
            "shots": str(ARTIFACTS / f"policy-{scenario}"),
        },
        limit_s=240,
    )
    bad = {state: v for state, v in result["axe"].items() if v}
    assert bad == {}, bad
    seen = dict(result["result"])
    assert seen["change_status"] == 200, seen
    return seen


async def test_a_notice_agreed_to_after_it_changed_is_what_the_device_check_offers(
    api_server: ApiServer,
) -> None:
    s = await api_server.create_session()
    seen = await drive(api_server, s, "changedWhileReading", {"allow_text_only": True})
    assert WITHOUT_VOICE in " ".join(seen["notice"].split()), seen["notice"]
    assert seen["offered"] == {"text_button": "Start without voice", "voice_button": "Start the interview"}, (
        seen
    )


async def test_the_device_check_follows_a_change_made_while_it_shows(api_server: ApiServer) -> None:
    allowed = await api_server.client.patch(
        "/v1/organization", json={"allow_text_only": True}, headers=api_server.org_headers()
    )
    assert allowed.status_code == 200, allowed.text
    s = await api_server.create_session()
    await api_server.consent(s)
    seen = await drive(api_server, s, "changedOnTheDeviceCheck", {"allow_text_only": False})
    assert seen["before"] == {"text_button": "Start without voice", "voice_button": "Start the interview"}, (
        seen
    )
    assert seen["after"] == {"text_button": None, "voice_button": "Start the interview"}, seen
