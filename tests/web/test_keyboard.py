"""The candidate page by keyboard alone, in Debian's headless chromium against the real API and Postgres: on every
screen (welcome, device check, the interview at 1280 and 480 px, the end, a refused link) Tab goes round visible,
named controls only, the skip link leads into the screen that is showing, and a change of screen moves focus to
it rather than leaving it on a button that has just been hidden."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import ApiServer
from tests.web.conftest import drive
from tests.web.test_candidate_page import link, no_violations

pytestmark = pytest.mark.browser

Stop = dict[str, Any]


def assert_cycle(cycle: list[Stop], screen: str, must_reach: set[str]) -> None:
    """Each Tab stop is visible, named and on the screen showing (or the top bar); none is in a hidden screen."""
    assert cycle[0]["id"] == "skip-link" and cycle[0]["visible"], cycle[0]
    for stop in cycle[1:]:
        if stop["id"] == "BODY":
            continue  # the browser's own stop between the last control and the first
        assert stop["visible"], f"{screen}: Tab reached an element the candidate cannot see: {stop}"
        assert stop["name"], f"{screen}: Tab reached an element without a name: {stop}"
        # The top bar and the note recommending a laptop (under 600 px) belong to every screen.
        assert stop["screen"] in (screen, "HEADER", "laptop-note"), (
            f"{screen}: Tab reached another screen: {stop}"
        )
    reached = {stop["id"] for stop in cycle}
    assert must_reach <= reached, (
        f"{screen}: Tab never reached {must_reach - reached}: {[s['id'] for s in cycle]}"
    )


def assert_lands(seen: dict[str, Any], screen: str, on: str | None = None) -> None:
    """Focus (on arrival, and after the skip link) is on something visible and named on the screen showing."""
    link_, landed = seen["skip"]["link"], seen["skip"]["landed"]
    assert link_["visible"] and link_["name"].startswith("Skip to"), link_
    assert landed["visible"] and landed["name"], f"{screen}: the skip link led nowhere visible: {landed}"
    assert landed["screen"] == screen, f"{screen}: the skip link led out of the screen: {landed}"
    if on is not None:
        assert landed["id"] == on, landed
    arrival = seen["on_open"]
    assert arrival["visible"] and arrival["name"], f"{screen}: focus on arrival {arrival}"
    assert arrival["screen"] == screen, f"{screen}: focus on arrival {arrival}"


@pytest.mark.timeout(600)
async def test_every_screen_works_by_keyboard_and_its_skip_link_leads_into_it(api_server: ApiServer) -> None:
    created = await api_server.create_session(text_only=True)
    seen = await drive(
        "keyboard",
        url=link(api_server, created),
        start="#start-text",
        refused=f"{api_server.url}/join#invite=not-a-real-invite",
    )

    welcome = seen["welcome"]
    assert_lands(welcome, "welcome")
    assert_cycle(welcome["cycle"], "welcome", {"consent-check", "consent-continue"})
    assert welcome["after_check"]["id"] == "consent-continue", welcome["after_check"]

    device = seen["device"]
    assert_lands(device, "device-check")
    assert_cycle(device["cycle"], "device-check", {"mic-request", "start-text", "start-voice"})

    app = seen["app"]
    assert_lands(app, "app", on="editor")
    assert app["skip"]["link"]["name"] == "Skip to the code editor"
    assert_cycle(app["cycle"], "app", {"editor", "run", "submit", "end-interview"})

    narrow = seen["narrow"]
    assert narrow["problem_tab"]["id"] == "tab-problem", narrow["problem_tab"]
    assert narrow["skip"]["landed"]["id"] == "editor" and narrow["skip"]["landed"]["visible"], narrow["skip"]
    assert_cycle(narrow["cycle"], "app", {"tab-problem", "end-interview"})
    # The interviewer's pane is hidden behind its tab, yet the call's news is still read out.
    assert "You started without voice" in narrow["heard"], narrow["heard"]

    assert seen["confirm"]["on_open"]["id"] == "confirm-cancel"
    assert seen["confirm"]["next"]["id"] == "confirm-ok"
    assert_lands(seen["finished"], "finished")
    assert_cycle(seen["finished"]["cycle"], "finished", set())
    assert_lands(seen["notice"], "notice")
    assert_cycle(seen["notice"]["cycle"], "notice", set())
    no_violations(seen)
