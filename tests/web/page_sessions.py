"""Sessions the browser tests of the candidate page open: one already started as a text interview, as if the
candidate had agreed to the notice and pressed start on another visit."""

from __future__ import annotations

from typing import Any

from tests.conftest import ApiServer


async def started(api_server: ApiServer, **create: Any) -> dict[str, Any]:
    """A session created with `create` (`text_only`, `duration_minutes`, ...), consented to and started in text
    mode with its invite; returns the created session (id, invite)."""
    s = await api_server.create_session(**create)
    await api_server.consent(s)
    r = await api_server.client.post(
        f"/v1/sessions/{s['id']}/start",
        json={"mode": "text"},
        headers={"Authorization": f"Bearer {s['invite']}"},
    )
    assert r.status_code == 200, r.text
    return s
