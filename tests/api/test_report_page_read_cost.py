"""A report page read by what it costs (api/page_reads.py): the largest page the session bounds allow took about
0.6 s of CPU to render and counted as one read, so a share link's 60 reads a minute kept most of a core busy. Its
size now counts in the reader's size budgets (64 KiB a unit), known before the page is rendered once this process
has rendered it. No timed assertions: renders are counted."""

from __future__ import annotations

from typing import Any

import httpx
import psycopg
from psycopg.rows import DictRow

from api import share_links
from api.app import create_app
from api.db import events_repo
from api.page_reads import PageSizes
from api.report_limits import PAGE_UNIT_BYTES
from tests.api.conftest import serve
from tests.api.report_support import Seeded, from_address, grade, read_limit_settings, seed_interview
from tests.conftest import ApiServer

Conn = psycopg.AsyncConnection[DictRow]
WORDS = [
    "the",
    "map",
    "holds",
    "each",
    "value",
    "and",
    "its",
    "index",
    "so",
    "the",
    "loop",
    "finds",
    "the",
    "complement",
    "at",
    "once",
]


async def _talkative(db: Conn, seeded: Seeded, turns: int = 100, chars: int = 3_000) -> None:
    """`turns` typed messages of `chars` characters each: a page near its print budget."""
    text = " ".join(WORDS[i % len(WORDS)] + str(i) for i in range(chars))[:chars]
    stored = await events_repo.append_events(
        db,
        seeded.id,
        [
            events_repo.EventIn(
                f"talk:{n}",
                "transcript",
                {"role": "user", "text": text, "start": 290.0 + n, "end": 290.0 + n, "typed": True},
                290.0 + n,
            )
            for n in range(turns)
        ],
    )
    assert stored is not None


def _path(report_url: str) -> str:
    return share_links.REPORTS_PATH + report_url.rsplit("/", 1)[1]


async def _share(server: ApiServer, session_id: str) -> str:
    r = await server.client.post(f"/v1/sessions/{session_id}/share", json={}, headers=server.org_headers())
    assert r.status_code == 201, r.text
    return _path(r.json()["report_url"])


def _code(r: httpx.Response) -> tuple[int, str | None]:
    if r.status_code >= 400 and r.headers.get("content-type", "").startswith("application/json"):
        return r.status_code, str(r.json()["error"]["code"])
    return r.status_code, None


def _sizes(app: Any) -> PageSizes:
    found: PageSizes = app.state.report_page_sizes
    return found


async def _units(api_server: ApiServer, path: str, headers: dict[str, str] | None = None) -> int:
    """The page's units, read through an app of its own (its limits plentiful)."""
    async with serve(read_limit_settings(api_server)) as client:
        page = await client.get(path, headers=headers or {})
    assert page.status_code == 200, page.text[:200]
    units = len(page.content) // PAGE_UNIT_BYTES
    assert units >= 3, len(page.content)
    return units


async def test_a_loop_of_large_page_reads_through_a_link_is_refused_before_it_renders(
    api_server: ApiServer, db: Conn
) -> None:
    seeded = await seed_interview(api_server, db)
    await grade(db, seeded)
    await _talkative(db, seeded)
    link = await _share(api_server, seeded.id)
    units = await _units(api_server, link)
    # Two pages' worth a minute for this link (its count has room for more reads).
    settings = read_limit_settings(api_server, report_read_link_rate_limit=f"{2 * units}/minute")
    app = create_app(settings)
    async with serve(settings, app=app) as client:
        pages = [await client.get(link, headers=from_address("203.0.113.5")) for _ in range(5)]
        timeline = await client.get(f"{link}/timeline", headers=from_address("203.0.113.5"))
    assert [_code(r) for r in pages] == [(200, None)] * 2 + [(429, "rate_limited")] * 3
    assert all(int(r.headers["retry-after"]) >= 1 for r in pages[2:])
    assert _sizes(app).renders == 2  # the refused three were never rendered
    assert timeline.status_code == 200  # a small read of the same link (its timeline is under a MiB)


async def test_an_organisations_large_page_reads_are_refused_while_its_small_reads_pass(
    api_server: ApiServer, db: Conn
) -> None:
    seeded = await seed_interview(api_server, db)
    await grade(db, seeded)
    await _talkative(db, seeded)
    path = f"/v1/sessions/{seeded.id}/report"
    units = await _units(api_server, path, api_server.org_headers())
    settings = read_limit_settings(api_server, report_read_org_rate_limit=f"{units + 1}/minute")
    app = create_app(settings)
    async with serve(settings, app=app) as client:
        first = await client.get(path, headers=api_server.org_headers())
        second = await client.get(path, headers=api_server.org_headers())
        card = await client.get(f"/v1/sessions/{seeded.id}/scorecard", headers=api_server.org_headers())
    assert (_code(first), _code(second)) == ((200, None), (429, "rate_limited"))
    assert card.status_code == 200, card.text
    assert _sizes(app).renders == 1


def test_page_sizes_are_bounded() -> None:
    sizes = PageSizes(max_entries=2)
    for n in range(3):
        sizes.put(f"k{n}", n)
    assert sizes.get("k0") is None and sizes.get("k2") == 2
