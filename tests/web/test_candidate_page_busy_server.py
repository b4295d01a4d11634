"""The candidate page against a server that says "busy, come back in N seconds" (429 or 503 with Retry-After), in
Debian's headless chromium against the real API: the page waits as long as it was asked, says how long, and does not
ask again sooner (the retry button held, the autosave paused). The finer rules (backoff on a dead network, the
interviewer's call-back) are in web/src/retryafter.test.ts, run by test_web_units.py."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ApiServer
from tests.web.conftest import ARTIFACTS, run_driver
from tests.web.page_sessions import started

pytestmark = pytest.mark.browser
DRIVER = Path(__file__).with_name("drive_busy_server.cjs")


def link(api_server: ApiServer, created: dict[str, Any]) -> str:
    return f"{api_server.url}/join#invite={created['invite']}"


async def drive(scenario: str, **plan: Any) -> dict[str, Any]:
    plan.setdefault("shots", str(ARTIFACTS / f"busy-server-{scenario}"))
    body = await run_driver(DRIVER, {"scenario": scenario, **plan}, limit_s=240)
    bad = {state: v for state, v in body["axe"].items() if v}
    assert bad == {}, bad
    return dict(body["result"])


@pytest.mark.parametrize("status", [429, 503])
async def test_a_busy_join_says_how_long_to_wait_and_holds_try_again_until_then(
    api_server: ApiServer, status: int
) -> None:
    # "Wait a moment and try again" under a button that worked at once invited a candidate to hammer a limit that
    # only resets when they stop; the server had said how long.
    s = await api_server.create_session()
    seen = await drive("busyJoin", url=link(api_server, s), status=status, retry_after_s=4)
    during = seen["during"]
    assert "4 seconds" in during["detail"], during
    assert during["retry_visible"] and during["retry_disabled"], during
    assert "in 4 seconds" in during["retry_label"] or "in 3 seconds" in during["retry_label"], during
    assert seen["joins_after_early_click"] == 1, "Try again must not ask before the wait is over"
    assert seen["after"]["retry_disabled"] is False and seen["after"]["retry_label"] == "Try again"
    assert "You can try again now." in seen["after"]["announced"], "a screen reader hears the wait is over"
    assert seen["welcome"] == "Your interview with Acme Hiring"


async def test_the_autosave_waits_out_a_rate_limit_and_says_so(api_server: ApiServer) -> None:
    # A 429 on a draft save was retried after the 800 ms quiet time, again and again while the candidate typed: a
    # page sending into its own limit keeps it from resetting. Retry-After 8 s, typing for 6 s: one refused save.
    s = await started(api_server, text_only=True)
    seen = await drive("busyDrafts", url=link(api_server, s), retry_after_s=8, bursts=6)
    assert seen["limited_while_typing"] == 1, seen
    assert seen["during"]["state"] == "retrying"
    assert "trying again in" in seen["during"]["text"] and "second" in seen["during"]["text"], seen["during"]
    assert seen["after"] == "Saved"


@pytest.mark.parametrize(
    ("error", "problem"), [("NotFoundError", "no_device"), ("NotAllowedError", "denied")]
)
async def test_a_voice_interview_does_not_start_without_a_microphone(
    api_server: ApiServer, error: str, problem: str
) -> None:
    # Start the interview went straight past a device check never tried: the clock ran for a candidate whose
    # interviewer could not hear them (no microphone, or the browser blocking it), with nothing to say so before.
    s = await api_server.create_session()
    await api_server.consent(s)
    seen = await drive("micUnavailable", url=link(api_server, s), error=error)
    assert seen["app_visible"] is False and seen["device_check_visible"] is True, seen
    assert seen["mic_fix"] == problem, seen
    assert "has not started" in seen["start_problem"] and "microphone" in seen["start_problem"], seen
    assert "request an accommodation" in seen["start_problem"], "no text-only here: the way forward is named"
    assert seen["start_enabled"] is True
    assert seen["clock"] == "45:00", seen
    joined = (await api_server.client.post("/v1/join", json={"invite": s["invite"]})).json()
    assert joined["session"]["status"] == "scheduled" and joined["session"]["started_at"] is None


async def test_the_page_opens_by_itself_when_the_network_comes_back(api_server: ApiServer) -> None:
    # "We could not reach the interview server" stayed until the candidate found Try again, though the browser says
    # when the network is back ("online").
    s = await api_server.create_session()
    seen = await drive("offlineJoin", url=link(api_server, s))
    assert seen["notice"] == "We could not reach the interview server"
    assert seen["reopened"] is True, seen
    assert seen["joins"] == 2


async def test_a_proxys_own_refusal_of_the_join_keeps_the_link_for_a_reload(api_server: ApiServer) -> None:
    # Something in front of the API (a proxy, a CDN, a firewall) answered the join with an error page of its own.
    # The page forgot the invite as if the API had refused the link, and the address bar no longer holds it: a
    # reload said "This page needs your interview link", and the candidate had to find the e-mail again.
    s = await api_server.create_session()
    seen = await drive("proxyJoin", url=link(api_server, s), status=403, body="<h1>403 Forbidden</h1>")
    assert seen["notice"]["title"] == "This interview cannot be opened", seen
    assert "#" not in seen["notice"]["href"] and "invite" not in seen["notice"]["href"], seen
    assert seen["notice"]["stored_invite"] == s["invite"], "the link was never refused: the tab keeps it"
    assert seen["reopened"] is True and seen["after"] == "Your interview with Acme Hiring", seen
    assert seen["joins"] == 2


async def test_code_not_saved_when_the_page_reloads_survives_the_reload(api_server: ApiServer) -> None:
    # With saves not reaching the API, typed code lived only in the page: the leave prompt asked, the save sent as
    # the page went could not carry it (over the browser's 64 KiB for such a request, or no network either), and the
    # reload showed the older draft the server had. The code is now kept in the tab until the server holds it.
    s = await started(api_server, text_only=True)
    auth = {"Authorization": f"Bearer {s['invite']}"}
    saved = "  # saved"
    unsaved = "\n# typed while saves failed: " + "x" * 70_000 + "\n"
    seen = await drive("unsavedReload", url=link(api_server, s), saved=saved, unsaved=unsaved)
    assert seen["refused"] >= 1
    assert saved + "\n# typed while saves failed: xxx" in seen["after_reload"], seen["status"]
    assert seen["saved_again"], seen["status"]
    drafts = (await api_server.client.get(f"/v1/sessions/{s['id']}/drafts", headers=auth)).json()
    assert saved + unsaved in drafts["drafts"]["python"]["code"]


@pytest.mark.sandbox
async def test_a_slow_run_says_it_is_still_running(api_server: ApiServer) -> None:
    # A Run waiting in the judge's queue showed "Running the visible tests…" for up to 3 minutes with nothing read
    # out, which looks like a hang; a second Run would only be refused as one in progress.
    s = await started(api_server, text_only=True)
    seen = await drive("slowRun", url=link(api_server, s), delay_ms=19_000, look_ms=17_000)
    during = seen["during"]
    assert during["pending"] is not None and during["pending"].startswith("Still running"), during
    assert "Still running" in during["announced"], during
    assert during["run_disabled"] is True
    assert seen["summary"], "the report still comes"


async def test_the_accommodation_dialog_keeps_keyboard_focus_through_sending(api_server: ApiServer) -> None:
    # Send is disabled while the request goes (and stays so once it went): focus fell out of the dialog to the page
    # body, so a keyboard or screen-reader user was nowhere, and Enter did nothing.
    s = await api_server.create_session()
    seen = await drive("accommodationFocus", url=link(api_server, s), message="I use a screen reader.")
    assert seen["after_failure"] == "accommodation-send", seen
    assert seen["after_success"] == "Close", seen
    assert seen["dialog_open_after"] is False, "Enter on Close closes it"
