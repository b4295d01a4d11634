"""Answers of the API are never kept by a cache (a proxy, a CDN, a browser): many carry a credential shown only
there (an ATS key, a webhook signing secret, a candidate's join link), and any could carry personal data."""

from __future__ import annotations

from tests.conftest import ApiServer
from tests.fakes.greenhouse import fake_greenhouse

URL = "http://127.0.0.1:9/hooks"  # never called: no worker runs in this file


async def test_answers_carrying_a_credential_or_an_error_are_no_store(api_server: ApiServer) -> None:
    s, h = api_server, api_server.org_headers()
    answers = {
        "greenhouse key": await s.client.post("/v1/integrations/greenhouse/keys", headers=h),
        "ashby key": await s.client.post(
            "/v1/integrations/ashby/keys", json={"ashby_api_key": "ashby-key-1"}, headers=h
        ),
        "webhook secret": await s.client.post(
            "/v1/webhook-endpoints", json={"url": URL, "event_types": ["scorecard.ready"]}, headers=h
        ),
        "session": await s.client.post(
            "/v1/sessions",
            json={"candidate": {"name": "Ada Lovelace", "email": "ada@example.com"}},
            headers=h,
        ),
        "refused": await s.client.get("/v1/webhook-endpoints", headers={"Authorization": "Bearer shk_nope"}),
    }
    endpoint = answers["webhook secret"].json()["id"]
    answers["rotated secret"] = await s.client.post(
        f"/v1/webhook-endpoints/{endpoint}/rotate-secret", headers=h
    )
    async with fake_greenhouse(
        f"{s.url}/integrations/greenhouse", answers["greenhouse key"].json()["key"]
    ) as gh:
        sent = await gh.send_test("difficulty:easy", {"first_name": "Ada", "email": "ada@example.com"})
        answers["test_status (join link)"] = await gh.test_status(sent.json()["partner_interview_id"])
    for what, r in answers.items():
        assert r.status_code < 500, (what, r.text)
        assert r.headers.get("cache-control") == "no-store", what
    assert answers["refused"].status_code == 401
    assert "secret" in answers["rotated secret"].json() and "join_url" in answers["session"].text
