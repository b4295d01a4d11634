"""The embed page inside ATS host pages (allowed, disallowed, missing allow="microphone") at 768, 480 and 320 px,
and the API docs rendering with no network beyond loopback. Real chromium, the real API and Postgres."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import pytest
from aiohttp import web

from tests.conftest import ApiServer
from tests.fakes.loopback import serve
from tests.web.conftest import drive
from tests.web.test_candidate_page import link, no_violations

pytestmark = pytest.mark.browser


@asynccontextmanager
async def host_site(pages: dict[str, str]) -> AsyncIterator[str]:
    """An ATS stand-in on its own loopback origin, serving `pages` (path -> HTML)."""
    app = web.Application()

    def page(html: str) -> Any:
        async def handler(_: web.Request) -> web.Response:
            return web.Response(text=html, content_type="text/html")

        return handler

    for path, html in pages.items():
        app.router.add_get(path, page(html))
    runner, port = await serve(app)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        await runner.cleanup()


def host_page(src: str, width: int, allow: bool = True) -> str:
    attr = ' allow="microphone; autoplay"' if allow else ""
    return (
        "<!doctype html><html lang=en><head><title>ATS</title></head><body style='margin:0'>"
        f"<iframe title='Interview' src='{src}' width='{width}' height='800'{attr} style='border:0'></iframe>"
        "</body></html>"
    )


async def _consented(api_server: ApiServer, start: bool) -> dict[str, Any]:
    created = await api_server.create_session()
    headers = {"Authorization": f"Bearer {created['invite']}"}
    notice = (await api_server.client.post("/v1/join", json={"invite": created["invite"]})).json()["notice"]
    r = await api_server.client.post(
        f"/v1/sessions/{created['id']}/consent",
        json={"notice_version": notice["version"], "notice_sha256": notice["sha256"], "agreed": True},
        headers=headers,
    )
    assert r.status_code == 201
    if start:
        r = await api_server.client.post(
            f"/v1/sessions/{created['id']}/start", json={"mode": "text"}, headers=headers
        )
        assert r.status_code == 200, r.text
    return created


@pytest.mark.timeout(600)
async def test_embed_page_fits_768_480_and_320_in_an_allowed_host_and_is_refused_elsewhere(
    api_server: ApiServer,
) -> None:
    await api_server.client.patch(
        "/v1/organization", json={"allow_text_only": True}, headers=api_server.org_headers()
    )
    started = await _consented(api_server, start=True)
    consented = await _consented(api_server, start=False)
    fresh = await api_server.create_session()
    embed = link(api_server, started, "/embed/acme-hiring")
    async with (
        host_site({}) as evil,
        host_site(
            {
                "/w768": host_page(embed, 768),
                "/w480": host_page(embed, 480),
                "/w320": host_page(embed, 320),
                "/welcome320": host_page(link(api_server, fresh, "/embed/acme-hiring"), 320),
                "/noallow": host_page(link(api_server, consented, "/embed/acme-hiring"), 768, allow=False),
            }
        ) as ats,
    ):
        r = await api_server.client.patch(
            "/v1/organization", json={"embed_origins": [ats]}, headers=api_server.org_headers()
        )
        assert r.status_code == 200, r.text
        # The disallowed host is another loopback origin that frames the same page.
        evil_page = host_page(embed, 768)
        async with host_site({"/frame": evil_page}) as other:
            seen = await drive(
                "embeds",
                api=api_server.url,
                hosts={
                    "768": {"url": f"{ats}/w768", "expect": "#app:not([hidden])"},
                    "480": {"url": f"{ats}/w480", "expect": "#app:not([hidden])"},
                    "320": {"url": f"{ats}/w320", "expect": "#app:not([hidden])"},
                    "welcome-320": {"url": f"{ats}/welcome320", "expect": "#welcome:not([hidden])"},
                    "no-allow": {"url": f"{ats}/noallow", "expect": "#device-check:not([hidden])"},
                    "disallowed": {"url": f"{other}/frame", "expect": None},
                },
            )
        del evil

    for width in ("768", "480", "320"):
        page = seen[width]
        assert page["width"] == int(width), width
        assert page["scroll_width"] <= page["client_width"], f"{width}: horizontal scroll"
        assert page["scroll_width_problem"] <= page["client_width"], f"{width}: problem tab scrolls sideways"
        assert page["tabs_visible"] and page["problem_after_tab"], width
        for control in ("clock", "end", "run", "submit", "tab_problem"):
            box = page[control]
            assert box is not None, f"{width}: {control} is not visible"
            assert box["left"] >= 0 and box["right"] <= int(width), f"{width}: {control} is cut off: {box}"
        assert page["clock"]["top"] < 200 and page["end"]["top"] < 200, f"{width}: timer and End stay on top"
        assert page["laptop_note"] is (int(width) < 600), width
        assert page["embed_problem"] is None
    welcome = seen["welcome-320"]
    assert welcome["welcome"] and welcome["scroll_width"] <= welcome["client_width"]
    # A host page that forgot allow="microphone": the page names the cause.
    assert seen["no-allow"]["mic_fix"] == "blocked_by_embed"
    # Chromium refuses to show the page in a host that is not in embed_origins (the header enforces it).
    assert seen["disallowed"]["frames"], "the host page has its iframe"
    assert not any(f["has_page"] for f in seen["disallowed"]["frames"])
    no_violations(seen)


async def test_api_docs_render_offline_with_security_schemes(api_server: ApiServer) -> None:
    seen = await drive("docs", api=api_server.url)
    assert "/v1/sessions" in seen["operations"] and "/v1/questions" in seen["operations"]
    assert not [p for p in seen["operations"] if p.startswith("/v1/internal")]
    assert any("OrgKey" in s for s in seen["schemes"]) and any("Invite" in s for s in seen["schemes"])
    assert seen["redoc_title"].startswith("Shadows API")
    # Every request stayed on loopback (the driver also refuses and reports any other host).
    assert seen["_origins"] and all(
        o.startswith(("http://127.0.0.1:", "data:", "blob:")) for o in seen["_origins"]
    )
