"""The decision on a laptop's first screen, in real headless chromium: a hiring manager who opens the report sees the
recommendation, the review flag and each dimension's band before scrolling, on the organisation's own page and a
share link alike, whatever notices the page also shows (a legal hold, a failed re-grade) and however long the
candidate's name."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import psycopg
import pytest
from psycopg.rows import DictRow

from tests.api.report_support import fail_version, grade, seed_interview, share_url
from tests.conftest import ApiServer
from tests.web.conftest import run_driver

pytestmark = pytest.mark.browser
Db = psycopg.AsyncConnection[DictRow]

DRIVER = Path(__file__).with_name("drive_report_first_screen.cjs")
# A browser window's page on common laptop screens, its own bars taken off: 1366x768, 1280x800, 1440x900.
LAPTOPS = [{"width": 1366, "height": 657}, {"width": 1280, "height": 690}, {"width": 1440, "height": 790}]


async def _first_screen(url: str, headers: dict[str, str] | None = None) -> list[dict[str, Any]]:
    plan = {"url": url, "headers": headers or {}, "viewports": LAPTOPS}
    body = await run_driver(DRIVER, plan, limit_s=120)
    assert body["console_errors"] == [], body["console_errors"]
    return list(body["result"])


@pytest.mark.timeout(240)
async def test_the_decision_is_on_a_laptops_first_screen_whatever_the_notices(
    api_server: ApiServer, db: Db
) -> None:
    # The longest name the API takes, in words that wrap; the review flag; a failed re-grade's notice; and, on the
    # organisation's own page, a legal hold with the longest reason it takes. The notices came first, above the
    # recommendation: on a 1366x768 laptop the recommendation and the bands were below the window's bottom edge.
    name = " ".join(["Bartholomew-Maximilian"] * 9)[:200]
    candidate = {"name": name, "email": "ada@example.com", "external_id": "x" * 200}
    seeded = await seed_interview(api_server, db, candidate=candidate)
    await grade(db, seeded, review=True)
    r = await api_server.client.post(
        f"/v1/sessions/{seeded.id}/grade", json={}, headers=api_server.org_headers()
    )
    assert r.status_code == 202, r.text
    await fail_version(db, seeded.id, 2)
    hold = " ".join(["Matter 2026-114 (employment claim, preserve every record)"] * 20)[:1000]
    r = await api_server.client.post(
        f"/v1/sessions/{seeded.id}/legal-hold", json={"reason": hold}, headers=api_server.org_headers()
    )
    assert r.status_code in (200, 201), r.text

    own = f"{api_server.url}/v1/sessions/{seeded.id}/report"
    views = {
        "own": await _first_screen(own, api_server.org_headers()),
        "share": await _first_screen(await share_url(api_server, seeded.id)),
    }
    for view, screens in views.items():
        for screen in screens:
            assert "Re-grade failed" in screen["text"], (view, screen)  # the notices are still on the page
            assert ("On legal hold" in screen["text"]) == (view == "own"), (view, screen)
            for part in ("recommendation", "review", "bands"):
                box = screen[part]
                assert box is not None, (view, part, screen)
                assert box["top"] >= 0 and box["bottom"] <= screen["height"], (view, part, screen)
