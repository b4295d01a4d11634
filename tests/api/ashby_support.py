"""Helpers for the Ashby key-rotation tests: an Ashby key issued (or rotated) through the API's own route, a fake
Ashby integrated under it, and an assessment started as Ashby starts one."""

from __future__ import annotations

from typing import Any

from tests.conftest import ApiServer
from tests.fakes.ashby import FakeAshby


async def issue_ashby_key(server: ApiServer, ashby_api_key: str) -> str:
    """The organisation hands over the customer's Ashby key (a first one, or a rotation): the partner key issued."""
    r = await server.client.post(
        "/v1/integrations/ashby/keys",
        json={"ashby_api_key": ashby_api_key},
        headers=server.org_headers(),
    )
    assert r.status_code == 201, r.text
    return str(r.json()["key"])


async def connect_ashby(server: ApiServer, ashby: FakeAshby, ashby_api_key: str, *, takes: str) -> str:
    """`ashby` integrated with the API under `ashby_api_key`, Ashby taking `takes` as the customer's key (the new one
    once the customer rotated it on Ashby's side): the partner key issued."""
    partner_key = await issue_ashby_key(server, ashby_api_key)
    ashby.partner_url, ashby.partner_key = f"{server.url}/integrations/ashby", partner_key
    ashby.customer_api_key = takes
    return partner_key


async def start_assessment(ashby: FakeAshby, candidate: dict[str, Any]) -> str:
    """An easy assessment Ashby starts for `candidate`, accepted: its session id."""
    started = await ashby.start("difficulty:easy", candidate)
    assert started.status_code == 200 and started.json()["success"] is True, started.text
    return str(started.json()["results"]["assessment_id"])
