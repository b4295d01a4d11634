"""The agent's service token rotated without an outage: SHADOWS_API_INTERNAL_TOKEN takes "NEW,OLD" while the agents
move to NEW, and each is accepted on the internal routes and for the internal API document; once it is "NEW" again
the old one is refused (401 `invalid_service_token`). Before, it took one value, so an agent holding the old token
got 401 on every call from the moment the API had the new one. Production settings refuse a placeholder or short
token among them."""

from __future__ import annotations

import secrets

import pytest
from pydantic import SecretStr, ValidationError

from api.settings import ApiSettings
from tests.api.conftest import serve
from tests.api.test_integration_units import _deployed
from tests.conftest import ApiServer

OLD, NEW = secrets.token_urlsafe(32), secrets.token_urlsafe(32)


async def _answers(settings: ApiSettings, session_id: str) -> dict[str, tuple[int, bool]]:
    """Per token: the internal context route's status, and whether the internal document (with its agent routes)
    was served."""
    out: dict[str, tuple[int, bool]] = {}
    async with serve(settings) as client:
        for name, token in (("old", OLD), ("new", NEW), ("neither", secrets.token_urlsafe(32))):
            headers = {"Authorization": f"Bearer {token}"}
            r = await client.get(f"/v1/internal/sessions/{session_id}/context", headers=headers)
            doc = await client.get("/openapi.json", headers=headers)
            assert doc.status_code == 200, doc.text
            out[name] = (r.status_code, "/v1/internal/sessions/{session_id}/context" in doc.json()["paths"])
    return out


async def test_both_tokens_are_accepted_while_rotating_and_only_the_new_one_after(
    api_server: ApiServer,
) -> None:
    session_id = (await api_server.create_session())["id"]
    rotating = api_server.settings.model_copy(update={"internal_token": SecretStr(f" {NEW}, {OLD} ")})
    assert await _answers(rotating, session_id) == {
        "old": (200, True),
        "new": (200, True),
        "neither": (401, False),
    }
    done = api_server.settings.model_copy(update={"internal_token": SecretStr(NEW)})
    assert await _answers(done, session_id) == {
        "old": (401, False),
        "new": (200, True),
        "neither": (401, False),
    }


@pytest.mark.parametrize(
    "value",
    [f"{NEW},short", f"{NEW},change-me-internal-token-0123456789", ","],
    ids=["short", "placeholder", "empty"],  # fixed ids: every xdist worker must collect the same tests
)
def test_production_refuses_a_placeholder_or_short_token_among_them(value: str) -> None:
    assert _deployed(internal_token=f"{NEW},{OLD}").internal_tokens == [NEW, OLD]
    with pytest.raises(ValidationError, match="SHADOWS_API_INTERNAL_TOKEN"):
        _deployed(internal_token=value)
