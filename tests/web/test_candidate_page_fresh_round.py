"""The candidate page as a candidate on a weaker set-up uses it, in Debian's headless chromium against the real API
(driver: drive_fresh_round.cjs): a slow device (the CPU throttled 6 times through the DevTools protocol) typing
at the end of a 600-line program, and narrow windows (320 px, and 640 CSS px: a 1280 px window at 200% zoom). What is
asserted is what the candidate must get whatever the speed (every key in the editor and in the saved draft; nothing
cut off or scrolling sideways, axe clean); the keystroke-to-paint times are printed for the record, never asserted."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import psycopg
import pytest
from psycopg.rows import DictRow

from tests.conftest import ApiServer
from tests.web.conftest import ARTIFACTS, run_driver
from tests.web.page_sessions import started

pytestmark = pytest.mark.browser
Db = psycopg.AsyncConnection[DictRow]
DRIVER = Path(__file__).with_name("drive_fresh_round.cjs")


async def drive(url: str, scenario: str, **plan: Any) -> dict[str, Any]:
    body = await run_driver(
        DRIVER,
        {"scenario": scenario, "url": url, "shots": str(ARTIFACTS / f"fresh-round-{scenario}"), **plan},
        limit_s=240,
    )
    bad = {state: v for state, v in body["axe"].items() if v}
    assert bad == {}, bad
    return dict(body["result"])


@pytest.mark.timeout(300)
async def test_a_slow_device_gets_every_key_typed_into_a_long_program(api_server: ApiServer, db: Db) -> None:
    s = await started(api_server, text_only=True)
    typed = "total = sum(range(10))  # slow device "
    seen = await drive(
        f"{api_server.url}/join#invite={s['invite']}",
        "slowDevice",
        lines=600,
        rates=[1, 6],
        typed=typed,
        delay_ms=30,
    )
    print("keystroke-to-paint (ms) by CPU slowdown:", json.dumps(seen["rates"]))
    assert seen["last_lines"][-2:] == [f"{typed}{rate}" for rate in (1, 6)], seen["last_lines"]
    assert seen["saved"] is True, seen
    cur = await db.execute("select code from session_drafts where session_id = %s", (s["id"],))
    drafts = [r["code"] for r in await cur.fetchall()]
    assert len(drafts) == 1 and drafts[0].endswith(f"\n{typed}1\n{typed}6"), [d[-200:] for d in drafts]
    assert all(r["n"] >= len(typed) for r in seen["rates"].values()), seen["rates"]  # each key was painted


@pytest.mark.timeout(300)
@pytest.mark.parametrize(("width", "height"), [(320, 640), (640, 450)])
async def test_every_screen_fits_a_narrow_or_zoomed_window(
    api_server: ApiServer, width: int, height: int
) -> None:
    s = await api_server.create_session(text_only=True)
    seen = await drive(f"{api_server.url}/join#invite={s['invite']}", "narrow", width=width, height=height)
    for screen in ("welcome", "device-check", "interview"):
        assert seen[screen] == {"sideways": False, "cut": []}, (screen, seen[screen])


@pytest.mark.timeout(300)
async def test_the_network_gone_at_run_submit_and_end_loses_nothing_and_each_works_once_it_is_back(
    api_server: ApiServer,
) -> None:
    s = await started(api_server, text_only=True)
    seen = await drive(f"{api_server.url}/join#invite={s['invite']}", "offlineAtEachPress")
    for step in ("run_offline", "submit_offline"):
        assert seen[step]["results"].startswith("Could not reach the server. Your code is safe here"), seen[
            step
        ]
        assert not seen[step]["run_disabled"] and not seen[step]["submit_disabled"], seen[step]
    assert seen["run_online"]["results"].startswith("Run:"), seen["run_online"]
    assert seen["submit_online"]["results"].startswith("Submission:"), seen["submit_online"]
    end = seen["end_offline"]
    assert end["said"].startswith("The interview could not be ended"), end
    assert end["finished"] is False and end["end_disabled"] is False, end
    assert seen["end_online"] is True
