"""A request that says one thing twice is refused, not read by whichever copy our parser keeps: a query parameter
named twice (FastAPI keeps the last, a proxy, cache key or WAF rule often the first) and two Authorization headers
(Starlette reads the first, a gateway may authenticate or rate-limit by the last)."""

from __future__ import annotations

import pytest

from tests.conftest import ApiServer


@pytest.mark.parametrize(
    "query",
    [
        "limit=1&limit=100",
        "limit=100&%6Cimit=1",  # the same name, percent-encoded
        "status=completed&limit=5&status=cancelled",
        "sort=score&sort=-score",
        "cursor=&cursor=x",
    ],
)
async def test_a_query_parameter_named_twice_is_refused(api_server: ApiServer, query: str) -> None:
    r = await api_server.client.get(f"/v1/sessions?{query}", headers=api_server.org_headers())
    assert r.status_code == 400, r.text
    assert r.json()["error"]["code"] == "duplicate_query_parameter"


async def test_a_query_parameter_named_twice_is_refused_before_authentication(api_server: ApiServer) -> None:
    r = await api_server.client.get("/v1/analytics/summary?from=2026-01-01&from=2026-02-01")
    assert r.status_code == 400, r.text
    assert r.json()["error"]["code"] == "duplicate_query_parameter"


async def test_distinct_parameters_and_empty_pieces_are_fine(api_server: ApiServer) -> None:
    r = await api_server.client.get("/v1/sessions?limit=1&&sort=score&", headers=api_server.org_headers())
    assert r.status_code == 200, r.text


async def test_two_authorization_headers_are_refused_whichever_comes_first(api_server: ApiServer) -> None:
    good = api_server.org_headers()["Authorization"]
    for pair in ([good, "Bearer shk_wrong"], ["Bearer shk_wrong", good], [good, good]):
        r = await api_server.client.get(
            "/v1/sessions", headers=[("Authorization", pair[0]), ("Authorization", pair[1])]
        )
        assert r.status_code == 400, (pair, r.text)
        assert r.json()["error"]["code"] == "duplicate_authorization"
    r = await api_server.client.get("/v1/sessions", headers=[("Authorization", good)])
    assert r.status_code == 200, r.text
