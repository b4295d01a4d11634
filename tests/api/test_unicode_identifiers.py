"""Identifiers matched by pattern hold ASCII only. Python's `\\d` matches every decimal digit in Unicode (Arabic-
Indic, fullwidth, Devanagari...), so an embed origin whose port was written in fullwidth digits passed as having a
port, was stored, and went into the embed page's Content-Security-Policy header, which HTTP carries as Latin-1."""

from __future__ import annotations

import pytest

from api.embed_origins import origin_problem
from tests.conftest import ApiServer

UNICODE_PORTS = [
    "https://ats.example.com:\uff18\uff10",  # fullwidth 80
    "https://ats.example.com:\u0664\u0664\u0663",  # Arabic-Indic 443
    "http://localhost:\u0968\u0966\u0966\u0966",  # Devanagari 2000
    "https://*.example.com:\u0663",
]


@pytest.mark.parametrize("origin", UNICODE_PORTS)
async def test_an_embed_origin_with_a_port_in_other_digits_is_refused(
    api_server: ApiServer, origin: str
) -> None:
    r = await api_server.client.patch(
        "/v1/organization", json={"embed_origins": [origin]}, headers=api_server.org_headers()
    )
    assert r.status_code == 422, r.text
    # One stored before this rule frames nothing (the page keeps only origins the API accepts today).
    assert origin_problem(origin) is not None


async def test_ascii_ports_are_fine(api_server: ApiServer) -> None:
    r = await api_server.client.patch(
        "/v1/organization",
        json={"embed_origins": ["https://ats.example.com:8443", "http://localhost:3000"]},
        headers=api_server.org_headers(),
    )
    assert r.status_code == 200, r.text
