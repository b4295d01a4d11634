"""Smoke: the real app over HTTP schedules a session and joins it."""

from __future__ import annotations

from tests.conftest import ApiServer


async def test_create_then_join_returns_connection_details(api_server: ApiServer) -> None:
    created = await api_server.create_session()
    assert created["status"] == "scheduled"
    r = await api_server.client.post("/v1/join", json={"invite": created["invite"]})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["room_name"] == f"shadows-{created['id']}"
    assert body["participant_identity"] == f"candidate-{created['id']}"
