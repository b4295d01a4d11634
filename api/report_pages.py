"""Rendering report pages: the template, its inlined stylesheet, and the headers every report response carries
(never indexed, never cached, no Referer, a nonce-based Content-Security-Policy, no framing)."""

from __future__ import annotations

import secrets

from fastapi.responses import HTMLResponse

from api.report_view import ReportPage
from api.templating import render, stylesheet

STYLESHEET = "report.css"


def page_headers(nonce: str) -> dict[str, str]:
    return {
        "X-Robots-Tag": "noindex, nofollow",
        "Cache-Control": "no-store",
        "Referrer-Policy": "no-referrer",
        "X-Content-Type-Options": "nosniff",
        "X-Frame-Options": "DENY",
        "Content-Security-Policy": (
            "default-src 'none'; script-src 'self'; "
            f"style-src 'self' 'nonce-{nonce}'; connect-src 'self'; img-src 'self' data:; font-src 'self'; "
            "base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
        ),
    }


# JSON a report page loads (its timeline) is as private as the page.
JSON_HEADERS = {
    "X-Robots-Tag": "noindex, nofollow",
    "Cache-Control": "no-store",
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
}


def report_html(page: ReportPage, *, print_mode: bool = False, nonce: str | None = None) -> tuple[str, str]:
    """The page's HTML and its nonce. `print_mode`: no script, the static runs and final code in place of the
    replay, a CSP that forbids every fetch (the PDF renderer opens it from a file)."""
    nonce = nonce or secrets.token_urlsafe(18)
    html = render(
        "report/page.html", css=stylesheet(STYLESHEET), **page.as_context(nonce=nonce, print_mode=print_mode)
    )
    return html, nonce


def report_response(page: ReportPage) -> HTMLResponse:
    html, nonce = report_html(page)
    return HTMLResponse(html, headers=page_headers(nonce))


def error_response(status: int, title: str, message: str) -> HTMLResponse:
    nonce = secrets.token_urlsafe(18)
    html = render(
        "report/error.html",
        css=stylesheet(STYLESHEET),
        nonce=nonce,
        print_mode=False,
        title=title,
        message=message,
    )
    return HTMLResponse(html, status_code=status, headers=page_headers(nonce))
