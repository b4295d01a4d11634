"""Serving the candidate page: `/join` (never framed) and `/embed/{org_slug}` (framed only by the organisation's
allowed origins), their assets, and the security headers both carry."""

from __future__ import annotations

import asyncio
import contextlib
import re
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import structlog
from fastapi import FastAPI, Request
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles

from api.db import orgs_repo
from api.db.pool import DatabaseUnavailableError, connection
from api.embed_origins import origin_problem
from api.ratelimits import Count, RateLimits, client_bucket, client_site
from api.settings import ApiSettings

log = structlog.get_logger(__name__)

SLUG = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")  # and at most 48 characters (the column check)
# `/embed/{slug}` looks its organisation up for anyone: at most this many of its lookups (per process) hold or wait
# for a pooled connection at once, and the rest wait here, never in the pool's own queue. Each took one before, so a
# burst of them from anyone held the pool and its queue of waiters, and every other caller got 503
# `database_unavailable`.
EMBED_LOOKUPS = 2
# And at most this many wait for one of those (per process), each up to SHADOWS_API_DB_POOL_TIMEOUT_S; past it a
# lookup is refused at once with 503 `database_unavailable` and Retry-After, as the pool refuses a caller past its
# own queue. Unbounded, a burst of unknown slugs queued here without limit, every waiter a request held open.
EMBED_LOOKUP_WAITERS = 64
EMBED_RETRY_AFTER_S = 1
PERMISSIONS_POLICY = (
    "microphone=(self), autoplay=(self), camera=(), geolocation=(), payment=(), usb=(), "
    "display-capture=(), clipboard-read=(), interest-cohort=()"
)


def livekit_origins(livekit_url: str) -> list[str]:
    """The exact origins the page talks to LiveKit on: its WebSocket, and the same host over HTTP (livekit-client
    asks `/rtc/validate` there when a connection fails)."""
    parts = urlsplit(livekit_url)
    if not parts.netloc:
        return []
    secure = parts.scheme in ("wss", "https")
    return [
        f"{'wss' if secure else 'ws'}://{parts.netloc}",
        f"{'https' if secure else 'http'}://{parts.netloc}",
    ]


def content_security_policy(settings: ApiSettings, frame_ancestors: list[str]) -> str:
    ancestors = " ".join(frame_ancestors) if frame_ancestors else "'none'"
    connect = " ".join(["'self'", *livekit_origins(settings.livekit_url)])
    return "; ".join(
        [
            "default-src 'self'",
            "script-src 'self'",
            "style-src 'self' 'unsafe-inline'",  # CodeMirror writes its theme into <style> elements
            "img-src 'self' data: https:",  # an organisation's logo is any https URL
            "media-src 'self' blob: mediastream:",
            f"connect-src {connect}",
            "worker-src 'self' blob:",
            "object-src 'none'",
            "base-uri 'none'",
            "form-action 'none'",
            f"frame-ancestors {ancestors}",
        ]
    )


def page_headers(settings: ApiSettings, frame_ancestors: list[str]) -> dict[str, str]:
    headers = {
        "Content-Security-Policy": content_security_policy(settings, frame_ancestors),
        "X-Content-Type-Options": "nosniff",
        "Permissions-Policy": PERMISSIONS_POLICY,
        # The invite travels in the URL fragment, which browsers never send; no-referrer keeps it off other sites.
        "Referrer-Policy": "no-referrer",
        "Cache-Control": "no-store",
    }
    if not frame_ancestors:
        headers["X-Frame-Options"] = "DENY"  # for browsers that predate frame-ancestors
        headers["Cross-Origin-Opener-Policy"] = "same-origin"
    return headers


class ImmutableStaticFiles(StaticFiles):
    """Vite's asset names carry content hashes, so browsers may cache them forever."""

    def file_response(self, *args: Any, **kwargs: Any) -> Response:
        response = super().file_response(*args, **kwargs)
        response.headers["Cache-Control"] = "public, max-age=31536000, immutable"
        response.headers["X-Content-Type-Options"] = "nosniff"
        return response


NOT_FOUND_PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Not found · Shadows</title>
</head><body><main><h1>This interview page does not exist</h1><p>Check the link from your invitation.</p></main>
</body></html>"""


class EmbedLookups:
    """The `/embed/{slug}` lookups of one process: `slots` at once, at most `max_waiting` waiting for one, each up to
    `wait_s`; past either, DatabaseUnavailableError (503 `database_unavailable`, Retry-After) at once or at the wait's
    end, as the pool answers a caller past its queue or its timeout."""

    def __init__(self, slots: int, max_waiting: int, wait_s: float) -> None:
        self._slots = asyncio.Semaphore(slots)
        self._max_waiting = max_waiting
        self._wait_s = wait_s
        self.waiting = 0

    @contextlib.asynccontextmanager
    async def held(self) -> AsyncIterator[None]:
        if self._slots.locked() and self.waiting >= self._max_waiting:
            raise _lookups_busy()
        self.waiting += 1
        try:
            async with asyncio.timeout(self._wait_s):
                await self._slots.acquire()  # a cancelled acquire passes a slot it was just given on
        except TimeoutError:
            raise _lookups_busy() from None
        finally:
            self.waiting -= 1
        try:
            yield
        finally:
            self._slots.release()


def _lookups_busy() -> DatabaseUnavailableError:
    return DatabaseUnavailableError(
        "The database is unavailable; try again shortly.", retry_after=EMBED_RETRY_AFTER_S
    )


async def count_embed_lookup(request: Request, settings: ApiSettings) -> None:
    """Count one organisation lookup of `/embed/{slug}` for its client address (an IPv6 client's /64) and an IPv6
    client's /48 site, in both or in neither, before any wait or database read; 429 `rate_limited` (Retry-After)
    past either. Uncounted, one address looping over unknown slugs kept the two lookup slots and their queue full,
    and every real candidate's page waited behind it."""
    address = request.client.host if request.client else "unknown"
    counts = [
        Count(
            "embed",
            settings.embed_client_rate_limit,
            client_bucket(address),
            "Too many interview pages from this address; try again later.",
        )
    ]
    if site := client_site(address):
        counts.append(
            Count(
                "embed_site",
                settings.embed_site_rate_limit,
                site,
                "Too many interview pages from this network; try again later.",
            )
        )
    ratelimits: RateLimits = request.app.state.ratelimits
    await ratelimits.hit_all(counts)


def mount_web(app: FastAPI, settings: ApiSettings) -> None:
    """The candidate web client (built by scripts/build-web.sh into web/dist): `/join`, `/embed/{slug}`, assets."""
    index: Path = settings.web_dir / "index.html"
    if not index.is_file():
        log.warning("web.not_built", web_dir=str(settings.web_dir))
        return
    if (settings.web_dir / "assets").is_dir():
        app.mount("/assets", ImmutableStaticFiles(directory=settings.web_dir / "assets"), name="assets")

    @app.api_route("/join", methods=["GET", "HEAD"], include_in_schema=False)
    async def join_page() -> FileResponse:
        return FileResponse(index, media_type="text/html", headers=page_headers(settings, []))

    lookups = EmbedLookups(EMBED_LOOKUPS, EMBED_LOOKUP_WAITERS, settings.db_pool_timeout_s)

    @app.api_route("/embed/{org_slug}", methods=["GET", "HEAD"], include_in_schema=False)
    async def embed_page(org_slug: str, request: Request) -> Response:
        org = None
        if len(org_slug) <= 48 and SLUG.fullmatch(org_slug):
            await count_embed_lookup(request, settings)
            async with lookups.held(), connection(request.app.state.pool) as conn:
                org = await orgs_repo.get_org_by_slug(conn, org_slug)
        if org is None:
            return HTMLResponse(NOT_FOUND_PAGE, status_code=404, headers=page_headers(settings, []))
        # Only origins the API accepts today: one stored before a rule was added (a wildcard over a public
        # suffix) frames nothing.
        origins = [o for o in org["embed_origins"] if origin_problem(o) is None]
        return FileResponse(index, media_type="text/html", headers=page_headers(settings, origins))

    @app.api_route("/", methods=["GET", "HEAD"], include_in_schema=False)
    async def root() -> RedirectResponse:
        return RedirectResponse("/docs")
