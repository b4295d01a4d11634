"""What the candidate page observed just before it goes reaches the record, in Debian's headless chromium against
the real API (driver: drive_integrity_leave.cjs). Observations went in a batch every 5 s, and the batch sent as the
page went was a plain request, which the browser cancels with the page: a reload within those 5 s of a paste lost
the paste (4 reloads in 10 on loopback, measured; more over a real network), and a tab closed while its window had
lost the focus never reported the absence at all (it is reported when the focus comes back, which it never did).
They now go as `keepalive` requests, an absence under way included; and of two tabs of one interview, the one in
front measures the absence. web/src/integrityleave.test.ts and integritytabs.test.ts hold the finer rules."""

from __future__ import annotations

import asyncio
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
DRIVER = Path(__file__).with_name("drive_integrity_leave.cjs")


async def drive(api_server: ApiServer, s: dict[str, Any], scenario: str, **plan: Any) -> dict[str, Any]:
    body = await run_driver(
        DRIVER,
        {
            "scenario": scenario,
            "url": f"{api_server.url}/join#invite={s['invite']}",
            "shots": str(ARTIFACTS / f"leaving-{scenario}"),
            **plan,
        },
        limit_s=240,
    )
    assert body["page_errors"] == [], body["page_errors"]
    return dict(body["result"])


async def observed(db: Db, sid: str, kind: str) -> list[dict[str, Any]]:
    for _ in range(50):  # a keepalive request lands after the page is gone: up to ten seconds on a loaded box
        cur = await db.execute(
            "select payload from session_events where session_id = %s and type = 'integrity' order by seq",
            (sid,),
        )
        found = [r["payload"] for r in await cur.fetchall() if r["payload"].get("kind") == kind]
        if found:
            return found
        await asyncio.sleep(0.2)
    return []


@pytest.mark.timeout(300)
async def test_a_paste_then_a_reload_at_once_is_in_the_record(api_server: ApiServer, db: Db) -> None:
    s = await started(api_server, text_only=True)
    pasted = "def two_sum(nums, target):\n    return [0, 1]\n" * 10
    await drive(api_server, s, "pasteThenReload", paste=pasted)
    pastes = await observed(db, s["id"], "paste")
    assert [p["chars"] for p in pastes] == [len(pasted)], pastes  # once, by its size
    assert "two_sum" not in str(pastes)


@pytest.mark.timeout(300)
async def test_a_tab_closed_while_away_reports_the_absence(api_server: ApiServer, db: Db) -> None:
    s = await started(api_server, text_only=True)
    await drive(api_server, s, "awayThenClosed", away_ms=2600)
    away = await observed(db, s["id"], "focus_lost")
    assert len(away) == 1, away
    assert 2500 <= away[0]["duration_ms"] < 60_000, away


@pytest.mark.timeout(300)
async def test_two_tabs_report_the_absence_of_the_candidate_not_of_the_tab_behind(
    api_server: ApiServer, db: Db
) -> None:
    """Each tab of one interview measured its own absence: the tab hidden behind the one the candidate worked in
    reported "page hidden" for all that time. The tab in front measures it, and a tab behind takes over as the front
    tab goes (closed, here from another application)."""
    s = await started(api_server, text_only=True)
    await drive(api_server, s, "twoTabs", away_ms=2600)
    await observed(db, s["id"], "page_hidden")
    await asyncio.sleep(2)  # a second report, if any, lands too
    cur = await db.execute(
        "select payload from session_events where session_id = %s and type = 'integrity' order by seq",
        (s["id"],),
    )
    away = [
        r["payload"] for r in await cur.fetchall() if r["payload"]["kind"] in {"page_hidden", "focus_lost"}
    ]
    # Only the absence after the tab in front was closed: not the time worked in the second tab.
    assert len(away) == 1, away
    assert away[0]["kind"] == "page_hidden" and 2500 <= away[0]["duration_ms"] < 60_000, away


@pytest.mark.timeout(300)
async def test_a_draft_near_the_keepalive_allowance_leaves_room_for_the_observations(
    api_server: ApiServer, db: Db
) -> None:
    """A browser lets one page have at most 64 KiB of `keepalive` bodies on their way. The unsaved draft went first as
    the page went: one near 64 KiB took the allowance, and the observations after it (the paste just made) were refused
    and lost. The observations go first now; the draft goes only if it fits, otherwise the reload restores it from the
    tab's storage and saves it."""
    s = await started(api_server, text_only=True)
    result = await drive(api_server, s, "bigDraftThenReload", draft_bytes=64 * 1024 - 40)
    pastes = await observed(db, s["id"], "paste")
    assert [p["chars"] for p in pastes] == [result["code_chars"]], (pastes, result)
    cur = await db.execute("select code from session_drafts where session_id = %s", (s["id"],))
    drafts = [r["code"] for r in await cur.fetchall()]
    # The draft did not fit after the observations: the reload restored it from the tab's storage and saved it.
    assert [len(code) for code in drafts] == [result["code_chars"]], result
    assert drafts[0].startswith("# keep this line keep this line"), drafts[0][:80]
    assert result["saved"] is True, result


@pytest.mark.timeout(300)
async def test_a_draft_too_large_to_send_as_the_tab_closes_is_restored_when_the_link_is_opened_again(
    api_server: ApiServer, db: Db
) -> None:
    """A draft that does not fit in the keepalive allowance was kept in the tab's sessionStorage, which a closed tab
    takes with it: closing the tab (rather than reloading) and opening the link again lost it. It is kept in the
    browser's localStorage now, restored and saved by the page opened again."""
    s = await started(api_server, text_only=True)
    result = await drive(api_server, s, "bigDraftThenClose", draft_bytes=64 * 1024 + 4096)
    cur = await db.execute("select code from session_drafts where session_id = %s", (s["id"],))
    drafts = [r["code"] for r in await cur.fetchall()]
    assert [len(code) for code in drafts] == [result["code_chars"]], result
    assert drafts[0].startswith("# keep this line keep this line"), drafts[0][:80]
    assert result["saved"] is True and result["first_line"].startswith("# keep this line"), result
    assert result["kept"] == [], result  # the server holds it: no copy is left behind


@pytest.mark.timeout(300)
async def test_a_copy_kept_as_the_tab_closed_never_replaces_code_saved_on_another_device_since(
    api_server: ApiServer, db: Db
) -> None:
    """The copy is restored only while the server's draft is still the one it was edited from: code saved on another
    device after the tab closed wins, as in any conflict, and the copy is removed."""
    s = await started(api_server, text_only=True)
    result = await drive(api_server, s, "bigDraftThenClose", draft_bytes=64 * 1024 + 4096, elsewhere=True)
    cur = await db.execute("select code from session_drafts where session_id = %s", (s["id"],))
    drafts = [r["code"] for r in await cur.fetchall()]
    assert len(drafts) == 1 and "# typed on the other device" in drafts[0], [d[:80] for d in drafts]
    assert "keep this line" not in drafts[0]
    assert "# typed on the other device" in result["first_line"], result
    assert result["kept"] == [], result


@pytest.mark.timeout(300)
async def test_a_save_sent_as_the_page_reloads_that_lands_after_the_reload_read_the_drafts_is_its_own(
    api_server: ApiServer, db: Db, tmp_path: Path
) -> None:
    """The page keeps its unsaved code in the browser's storage as it goes, with the draft revision it was edited
    from, and sends it in a `keepalive` save. On a busy server that save lands after the reloaded page has read the
    drafts: the page restored the copy (the server's draft still being its revision), and its save of it was refused
    as based on an older revision, so it stopped as though another tab had changed the code ("conflict"), though the
    server held that very code. The save is held here by a row lock on the draft until the reloaded page is open."""
    s = await started(api_server, text_only=True)
    auth = {"Authorization": f"Bearer {s['invite']}"}
    first = await api_server.client.put(
        f"/v1/sessions/{s['id']}/drafts/python", headers=auth, json={"code": "x = 1\n", "base_revision": 0}
    )
    assert first.status_code == 200, first.text
    reopened = tmp_path / "reopened"  # written by the driver once the reloaded page has the drafts
    locked = asyncio.Event()

    async def hold_saves() -> None:
        async with db.transaction():  # the save's update waits for this row lock; reads of the drafts do not
            await db.execute("select 1 from session_drafts where session_id = %s for update", (s["id"],))
            locked.set()
            for _ in range(1200):  # 60 s at most
                if reopened.exists():
                    return
                await asyncio.sleep(0.05)

    holder = asyncio.create_task(hold_saves())
    try:
        await locked.wait()
        result = await drive(
            api_server,
            s,
            "lateSaveThenReload",
            typed="  # typed just before the reload",
            reopened=str(reopened),
        )
    finally:
        await holder
    cur = await db.execute("select code from session_drafts where session_id = %s", (s["id"],))
    assert [r["code"] for r in await cur.fetchall()] == ["x = 1  # typed just before the reload\n"]
    assert result["saved"] is True and result["status"] == "saved", result
    assert result["first_line"] == "x = 1  # typed just before the reload", result
    assert result["kept"] == [], result  # the server holds it: no copy is left behind
