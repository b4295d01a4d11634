"""The candidate page during a rolling deploy, in Debian's headless chromium against the real API (driver:
drive_deploy.cjs). Replicas of two releases answer the same page in turn:

- the page's script asked of a replica of the other release (404): "Opening your interview…" stayed for good; the
  loading line's own stylesheet (inline, no script needed) now says after 15 s to check the connection and reload,
  and the reload, the invite still in the address, opens the interview;
- a consent refused as `notice_changed` while the joins keep handing out the very text on screen: the page had shown
  "the notice changed" over the same text, asked for a new tick, and bounced between the releases for as long as the
  deploy ran. Now a bounded number of joins, the tick and the text kept, a line saying the service is being updated,
  Continue back after a short hold (under keyboard focus), and a consent that goes through once the deploy is over.
  The consent's hash is the page's own SHA-256 of the HTML it rendered, which the real API accepts."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ApiServer
from tests.web.conftest import ARTIFACTS, run_driver

pytestmark = pytest.mark.browser
DRIVER = Path(__file__).with_name("drive_deploy.cjs")


async def _drive(api_server: ApiServer, s: dict[str, Any], scenario: str) -> dict[str, Any]:
    body = await run_driver(
        DRIVER,
        {
            "scenario": scenario,
            "url": f"{api_server.url}/join#invite={s['invite']}",
            "shots": str(ARTIFACTS / f"deploy-{scenario}"),
        },
        limit_s=180,
    )
    bad = {state: v for state, v in body["axe"].items() if v}
    assert bad == {}, bad
    return dict(body["result"])


@pytest.mark.timeout(240)
async def test_a_page_whose_script_does_not_arrive_says_to_reload_and_a_reload_opens_it(
    api_server: ApiServer,
) -> None:
    s = await api_server.create_session()
    seen = await _drive(api_server, s, "scriptMissing")
    assert seen["missing"] >= 1, seen
    assert seen["early"] is False, seen  # not at once: a page that loads in time never shows it
    assert seen["said"] is True, seen
    assert "reload the page" in seen["text"], seen
    assert seen["href_has_invite"] is True, seen
    assert seen["reopened"] == {"loading_hidden": True, "slow_shown": False}, seen


@pytest.mark.timeout(240)
async def test_a_consent_refused_by_a_replica_of_another_release_settles_and_goes_through_after(
    api_server: ApiServer,
) -> None:
    s = await api_server.create_session()
    notice = (await api_server.client.post("/v1/join", json={"invite": s["invite"]})).json()["notice"]
    seen = await _drive(api_server, s, "noticeBounce")
    refused, settled = seen["refused"], seen["settled"]
    assert "being updated" in refused["error"] and "Continue again" in refused["error"], seen
    assert refused["ticked"] is True and refused["welcome"] is True, seen  # the agreement to this text stands
    # The same text, never re-rendered as "the notice changed".
    assert refused["notice"] == seen["before"]["notice"], seen
    assert refused["joins"] == 3, seen  # bounded: the refusal's own asks for the current notice
    # Nothing more by itself: no consent sent again, the line and the text as they were.
    assert settled["consents"] == 1 and settled["error"] == refused["error"], seen
    assert settled["notice"] == refused["notice"] and settled["ticked"] is True, seen
    assert (settled["disabled"], settled["busy"]) == (False, None), seen  # Continue back after the hold
    assert seen["focus"] == "consent-continue", seen  # keyboard focus back where the candidate pressed
    # What the page sent is the current text's version and the hash of exactly its HTML, as the API renders it.
    assert seen["sent"] == [
        {"notice_version": notice["version"], "notice_sha256": notice["sha256"], "agreed": True}
    ]
    assert seen["agreedStatus"] == 201, seen
