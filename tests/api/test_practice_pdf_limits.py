"""A practice candidate's report PDFs are counted, per session and for every practice session together.

Anyone may start a practice session (`POST /v1/practice`), and its invite opens the report, PDF included, for as long
as the session is kept (expired or not): each PDF is a headless Chromium render (half a second of CPU here). Before,
one practice invite had Chromium print for ever, as fast as it asked; the queue's bounds only said how many at once.
"""

from __future__ import annotations

from typing import Any

import pytest

from api.settings import ApiSettings
from tests.conftest import ApiServer

PER_SESSION = 2
ALL_PRACTICE = 3
PDF = b"%PDF-1.7\n%stand-in\n"


@pytest.fixture
def api_settings(api_settings: ApiSettings) -> ApiSettings:
    return api_settings.model_copy(
        update={
            "practice_pdf_rate_limit": f"{PER_SESSION}/hour",
            "practice_pdf_global_rate_limit": f"{ALL_PRACTICE}/hour",
        }
    )


async def _practice(server: ApiServer) -> dict[str, Any]:
    r = await server.client.post("/v1/practice", json={"name": "P", "language": "python"})
    assert r.status_code == 201, r.text
    return dict(r.json())


async def _pdf(server: ApiServer, session_id: str, bearer: str) -> Any:
    return await server.client.get(
        f"/v1/sessions/{session_id}/report.pdf", headers={"Authorization": f"Bearer {bearer}"}
    )


async def test_one_practice_invite_cannot_keep_chromium_printing(
    api_server: ApiServer, pdf_renders: list[str]
) -> None:
    practice = await _practice(api_server)
    for _ in range(PER_SESSION):
        r = await _pdf(api_server, practice["id"], practice["invite"])
        assert r.status_code == 200, r.text
        assert r.content == PDF
    r = await _pdf(api_server, practice["id"], practice["invite"])
    assert r.status_code == 429, r.text
    assert r.json()["error"]["code"] == "rate_limited"
    assert int(r.headers["retry-after"]) >= 1
    assert len(pdf_renders) == PER_SESSION  # the refused one never reached Chromium


async def test_every_practice_session_together_is_bounded_and_organisations_are_not_counted(
    api_server: ApiServer, pdf_renders: list[str]
) -> None:
    first, second = await _practice(api_server), await _practice(api_server)
    statuses = [
        (await _pdf(api_server, first["id"], first["invite"])).status_code for _ in range(PER_SESSION)
    ]
    statuses.append((await _pdf(api_server, second["id"], second["invite"])).status_code)
    assert statuses == [200] * ALL_PRACTICE
    r = await _pdf(api_server, second["id"], second["invite"])
    assert r.status_code == 429, r.text
    assert r.json()["error"]["code"] == "practice_busy"
    assert len(pdf_renders) == ALL_PRACTICE
    # An organisation's PDFs are not the practice offering's: they print all the same, and count nothing.
    session = await api_server.create_session()
    for _ in range(PER_SESSION + 1):
        r = await _pdf(api_server, session["id"], api_server.org_key)
        assert r.status_code == 200, r.text
    assert len(pdf_renders) == ALL_PRACTICE + PER_SESSION + 1


async def test_refused_readers_use_none_of_a_practice_sessions_allowance(
    api_server: ApiServer, pdf_renders: list[str]
) -> None:
    practice, other = await _practice(api_server), await _practice(api_server)
    # Another practice invite, and an organisation key, on this session: refused before anything is counted.
    for bearer in (other["invite"], api_server.org_key):
        for _ in range(PER_SESSION + 1):
            assert (await _pdf(api_server, practice["id"], bearer)).status_code == 404
    for _ in range(PER_SESSION):
        assert (await _pdf(api_server, practice["id"], practice["invite"])).status_code == 200
    assert len(pdf_renders) == PER_SESSION
