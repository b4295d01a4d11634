"""A candidate's saved drafts (GET /v1/sessions/{id}/drafts) hold up to 200,000 characters in each of the session's
languages: about 2.4 MB of JSON a read. An invite read them as often as it liked; now reads count per session, by
their size, before the drafts are read."""

from __future__ import annotations

import httpx
import pytest

from api.settings import ApiSettings
from tests.api.conftest import consent_and_start
from tests.conftest import ApiServer

LANGUAGES = ["python", "javascript", "java", "cpp"]
READS_A_MINUTE = 12
PLAIN = {"Accept-Encoding": "identity"}


@pytest.fixture
def api_settings(api_settings: ApiSettings) -> ApiSettings:
    return api_settings.model_copy(update={"draft_rate_limit": f"{READS_A_MINUTE}/minute"})


def _code(r: httpx.Response) -> tuple[int, str | None]:
    return r.status_code, r.json()["error"]["code"] if r.status_code >= 400 else None


async def _started(server: ApiServer) -> tuple[str, dict[str, str]]:
    created = await server.create_session(language="python", languages=LANGUAGES)
    await consent_and_start(server.client, created)
    return created["id"], {"Authorization": f"Bearer {created['invite']}"}


async def test_reads_of_the_largest_drafts_are_counted_by_their_size_while_small_drafts_read_freely(
    api_server: ApiServer,
) -> None:
    large, invite = await _started(api_server)
    code = "# the longest draft a language may hold\n" * 5_000  # 200,000 characters
    for language in LANGUAGES:
        r = await api_server.client.put(
            f"/v1/sessions/{large}/drafts/{language}", json={"code": code}, headers=invite
        )
        assert r.status_code == 200, r.text

    reads = [
        await api_server.client.get(f"/v1/sessions/{large}/drafts", headers={**invite, **PLAIN})
        for _ in range(4)
    ]
    # 800 KB: one and 3 more of the session's 12 a minute; the fourth would pass them.
    assert [_code(r) for r in reads] == [(200, None)] * 3 + [(429, "rate_limited")]
    assert len(reads[0].content) > 800_000
    assert int(reads[3].headers["retry-after"]) >= 1
    # The saves have a budget of their own: the candidate still saves.
    r = await api_server.client.put(
        f"/v1/sessions/{large}/drafts/python", json={"code": "pass"}, headers=invite
    )
    assert r.status_code == 200, r.text

    small, small_invite = await _started(api_server)
    await api_server.client.put(
        f"/v1/sessions/{small}/drafts/python", json={"code": "x = 1"}, headers=small_invite
    )
    smalls = [
        await api_server.client.get(f"/v1/sessions/{small}/drafts", headers=small_invite)
        for _ in range(READS_A_MINUTE)
    ]
    assert [r.status_code for r in smalls] == [200] * READS_A_MINUTE
