"""Request headers an attacker controls: the Host header (and X-Forwarded-Host/-Proto from a peer that is no trusted
proxy) never ends up in a link or a redirect the API sends; a Content-Encoding the API does not apply is refused, not
ignored."""

from __future__ import annotations

import gzip
import json

import pytest

from tests.api.route_table import ROUTES
from tests.conftest import ApiServer

EVIL = "evil.example"


def _static_paths() -> list[tuple[str, str]]:
    """Every GET or POST of the table whose path has no parameter, with a trailing slash added."""
    out = []
    for key in ROUTES:
        method, path = key.split(" ", 1)
        if method in ("GET", "POST") and "{" not in path and path != "/":
            out.append((method, path + "/"))
    return out


@pytest.mark.parametrize(
    "spoof",
    [{"Host": EVIL}, {"X-Forwarded-Host": EVIL, "X-Forwarded-Proto": "http", "Forwarded": f"host={EVIL}"}],
)
async def test_a_spoofed_host_never_reaches_a_redirect(api_server: ApiServer, spoof: dict[str, str]) -> None:
    # A trailing-slash redirect built from the Host header sent an integrator's POST, body and key, wherever the
    # header (or a cache keyed without it) said, over plain http.
    seen = []
    for method, path in _static_paths():
        r = await api_server.client.request(
            method,
            path,
            headers={**api_server.org_headers(), **spoof},
            json={} if method == "POST" else None,
            follow_redirects=False,
        )
        seen.append((method, path, r.status_code, r.headers.get("location")))
    assert seen, "the table has static paths"
    redirected = [s for s in seen if s[3] is not None and (EVIL in s[3] or "://" in s[3])]
    assert redirected == []
    assert all(status == 404 for _, _, status, _ in seen), seen


@pytest.mark.parametrize("coding", ["gzip", "br", "deflate, gzip", "x-unknown"])
async def test_a_body_in_a_content_coding_the_api_does_not_apply_is_refused(
    api_server: ApiServer, coding: str
) -> None:
    # The API never inflates a body, but it read a body labelled `gzip` as if it were plain: a proxy or filter in
    # front that decodes (or fails to decode and waves through) what it inspects saw something else than the API
    # stored. A gzip bomb is therefore never inflated either.
    body = gzip.compress(b'{"candidate": {"name": "' + b"A" * (20 * 2**20) + b'", "email": "a@example.com"}}')
    plain = json.dumps({"candidate": {"name": "A", "email": "a@example.com"}}).encode()
    for content in (plain, body):
        r = await api_server.client.post(
            "/v1/sessions",
            content=content,
            headers={
                **api_server.org_headers(),
                "Content-Type": "application/json",
                "Content-Encoding": coding,
            },
        )
        assert (r.status_code, r.json()["error"]["code"]) == (400, "unsupported_content_encoding"), r.text
    listed = await api_server.client.get("/v1/sessions", headers=api_server.org_headers())
    assert listed.json()["data"] == []
    identity = await api_server.client.post(
        "/v1/sessions",
        content=plain,
        headers={
            **api_server.org_headers(),
            "Content-Type": "application/json",
            "Content-Encoding": "identity",
        },
    )
    assert identity.status_code == 201, identity.text
