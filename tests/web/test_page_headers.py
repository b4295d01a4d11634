"""How the candidate page is served: /join never framed, /embed/{slug} framed only by the organisation's origins,
the exact LiveKit origin in the CSP header, compressed immutable assets, HEAD. Needs the built web/dist."""

from __future__ import annotations

import re
from typing import Any

from tests.conftest import ApiServer


def _csp(headers: Any) -> dict[str, str]:
    return {
        d.strip().split(" ", 1)[0]: d.strip().partition(" ")[2]
        for d in headers["content-security-policy"].split(";")
    }


async def test_join_page_headers_forbid_framing_and_name_the_exact_livekit_origin(
    api_server: ApiServer,
) -> None:
    for method in ("GET", "HEAD"):
        r = await api_server.client.request(method, "/join")
        assert r.status_code == 200, method
        csp = _csp(r.headers)
        assert csp["frame-ancestors"] == "'none'"
        assert csp["connect-src"] == "'self' ws://127.0.0.1:7880 http://127.0.0.1:7880"
        assert csp["script-src"] == "'self'" and csp["object-src"] == "'none'"
        assert r.headers["x-content-type-options"] == "nosniff"
        assert r.headers["x-frame-options"] == "DENY"
        assert "microphone=(self)" in r.headers["permissions-policy"]
        assert "camera=()" in r.headers["permissions-policy"]
        assert r.headers["referrer-policy"] == "no-referrer"
    assert "http-equiv" not in (await api_server.client.get("/join")).text, (
        "the policy is a header, not a meta tag"
    )


async def test_embed_page_is_framed_only_by_the_orgs_origins(api_server: ApiServer) -> None:
    none_yet = await api_server.client.get("/embed/acme-hiring")
    assert none_yet.status_code == 200 and _csp(none_yet.headers)["frame-ancestors"] == "'none'"
    await api_server.client.patch(
        "/v1/organization",
        json={"embed_origins": ["https://ats.example.com", "http://127.0.0.1:9999"]},
        headers=api_server.org_headers(),
    )
    r = await api_server.client.get("/embed/acme-hiring")
    assert r.status_code == 200
    assert _csp(r.headers)["frame-ancestors"] == "https://ats.example.com http://127.0.0.1:9999"
    assert "x-frame-options" not in r.headers
    assert r.headers["x-content-type-options"] == "nosniff"
    head = await api_server.client.head("/embed/acme-hiring")
    assert head.status_code == 200 and head.content == b""
    for slug in ("nobody", "x" * 300, "acme-hiring%00"):
        missing = await api_server.client.get(f"/embed/{slug}")
        assert missing.status_code == 404, slug
        assert _csp(missing.headers)["frame-ancestors"] == "'none'"


async def test_assets_are_compressed_cacheable_and_answer_head(api_server: ApiServer) -> None:
    page = (await api_server.client.get("/join")).text
    script = re.search(r'src="(/assets/[^"]+\.js)"', page)
    assert script, "the built page references its script"
    r = await api_server.client.get(script.group(1), headers={"Accept-Encoding": "gzip"})
    assert r.status_code == 200
    assert r.headers["content-encoding"] == "gzip"
    assert "immutable" in r.headers["cache-control"]
    assert r.headers["x-content-type-options"] == "nosniff"
    plain = await api_server.client.get(script.group(1), headers={"Accept-Encoding": "identity"})
    assert "content-encoding" not in plain.headers and plain.content == r.content
    head = await api_server.client.head(script.group(1))
    assert head.status_code == 200 and head.content == b""
