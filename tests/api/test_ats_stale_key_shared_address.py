"""A stale ATS key (one we issued and revoked: rotated, or revoked by the organisation) that a customer's ATS keeps
presenting is not a guess, and spends no guess budget (api/guess_limits.py). Greenhouse and Ashby call every
customer's routes from a few addresses of their own: counted, one customer's stale key spent that shared address's
budget, and every other customer's key a process had not yet seen valid (all of them, after a restart) was refused
429 from there until the window freed. A key we never issued is still counted. Real Postgres and Redis."""

from __future__ import annotations

import secrets

from tests.api.conftest import serve
from tests.conftest import ApiServer
from tests.fakes.greenhouse import basic

LIST = "/integrations/greenhouse/list_tests"


async def _rotated(api_server: ApiServer) -> tuple[dict[str, str], dict[str, str]]:
    """The organisation's Greenhouse key issued twice: the first (revoked) and the live one, as Basic headers."""
    keys = []
    for _ in range(2):
        r = await api_server.client.post("/v1/integrations/greenhouse/keys", headers=api_server.org_headers())
        assert r.status_code == 201
        keys.append({"Authorization": basic(r.json()["key"])})
    return keys[0], keys[1]


async def test_a_stale_key_with_large_bodies_spends_no_guess_budget(api_server: ApiServer) -> None:
    """The look-up before a large body is read (api/body_credentials.py): the stale key is refused, uncounted."""
    stale, live = await _rotated(api_server)
    settings = api_server.settings.model_copy(update={"credential_guess_client_rate_limit": "3/minute"})
    large = b'{"url": "https://x"' + b" " * (api_server.settings.max_public_body_bytes + 1) + b"}"
    json_type = {"content-type": "application/json"}
    async with serve(settings) as client:  # a process that has seen no key valid yet (as after a restart)
        for _ in range(6):
            r = await client.post(
                "/integrations/greenhouse/send_test", content=large, headers=json_type | stale
            )
            assert (r.status_code, r.json()["error"]["code"]) == (401, "invalid_credentials")
        assert (await client.get(LIST, headers=live)).status_code == 200
        # A key we never issued is a guess as before: three counted, then the address is refused.
        guess = {"Authorization": basic("shgh_" + secrets.token_urlsafe(32))}
        codes = [(await client.get(LIST, headers=guess)).status_code for _ in range(4)]
        assert codes == [401, 401, 401, 429]


async def test_a_stale_key_on_the_partner_routes_spends_no_guess_budget(api_server: ApiServer) -> None:
    stale, live = await _rotated(api_server)
    settings = api_server.settings.model_copy(update={"credential_guess_client_rate_limit": "3/minute"})
    async with serve(settings) as client:
        refused = [await client.get(LIST, headers=stale) for _ in range(6)]
        assert {(r.status_code, r.json()["error"]["code"]) for r in refused} == {(401, "invalid_api_key")}
        assert (await client.get(LIST, headers=live)).status_code == 200
