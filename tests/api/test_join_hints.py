"""The candidate's join view carries the hints given so far (`hints`), from the event log the report counts: a page
reloaded mid-interview, or opened in a second tab, showed none of the hints given before, though the record counted
them (the page learnt of each from the agent's `hint` client event only). Numbers only: never a hint's text, a note,
or a hint not given yet, and only the candidate's own session's."""

from __future__ import annotations

from typing import Any

import psycopg
from psycopg.rows import DictRow

from tests.conftest import ApiServer

Conn = psycopg.AsyncConnection[DictRow]

HINT_TEXTS = (
    "Think about a stack of open brackets.",
    "Pop when a closer matches the top.",
    "Empty at the end.",
)


async def _started(api_server: ApiServer) -> dict[str, Any]:
    s = await api_server.create_session()
    await api_server.consent(s)
    r = await api_server.client.post(
        f"/v1/sessions/{s['id']}/start",
        json={"mode": "voice"},
        headers={"Authorization": f"Bearer {s['invite']}"},
    )
    assert r.status_code == 200, r.text
    return s


async def _record(api_server: ApiServer, session_id: str, *events: dict[str, Any]) -> None:
    r = await api_server.client.post(
        f"/v1/internal/sessions/{session_id}/events",
        json={"events": list(events)},
        headers=api_server.internal_headers(),
    )
    assert r.status_code == 200, r.text


def _hint(index: Any, total: Any = 3, **extra: Any) -> dict[str, Any]:
    text = HINT_TEXTS[index - 1] if isinstance(index, int) and 1 <= index <= 3 else "x"
    payload = {"index": index, "total": total, "phase": "coding", "text": text, **extra}
    return {"idempotency_key": f"agent:hint:{index}", "type": "hint", "t": 60.0, "payload": payload}


async def _join(api_server: ApiServer, s: dict[str, Any]) -> tuple[dict[str, Any], str]:
    r = await api_server.client.post("/v1/join", json={"invite": s["invite"]})
    assert r.status_code == 200, r.text
    return r.json(), r.text


async def test_a_view_after_two_hints_says_two_of_three_and_which_was_unsettled(
    api_server: ApiServer,
) -> None:
    s = await _started(api_server)
    started_note = {"kind": "hint_started", "index": 3, "total": 3, "call_id": "c3", "text": HINT_TEXTS[2]}
    await _record(
        api_server,
        s["id"],
        _hint(1),
        _hint(2, unsettled=True),
        {"idempotency_key": "agent:note:3", "type": "note", "payload": started_note},
    )
    view, raw = await _join(api_server, s)
    hints = view["hints"]
    assert hints["count"] == 2 and hints["total"] == 3
    assert [(g["index"], g["unsettled"]) for g in hints["given"]] == [(1, False), (2, True)]
    assert all(g["at"] for g in hints["given"])
    # Nothing of any hint's text, given or not, and nothing of the notes.
    for text in HINT_TEXTS:
        assert text not in raw
    assert "hint_started" not in raw and "call_id" not in raw


async def test_the_count_is_the_reports_and_each_hint_shows_once(api_server: ApiServer, db: Conn) -> None:
    s = await _started(api_server)
    again = {**_hint(1), "idempotency_key": "old-agent-hint-1"}  # the same hint under another key
    odd = [
        {**_hint("2"), "idempotency_key": "h-str"},
        {**_hint(True), "idempotency_key": "h-bool"},
        {**_hint(0), "idempotency_key": "h-zero"},
        {**_hint(4, 3), "idempotency_key": "h-past-total"},
        {**_hint(2, None), "idempotency_key": "h-no-total"},
        {**_hint(2.5), "idempotency_key": "h-frac"},
    ]
    await _record(api_server, s["id"], _hint(1), again, *odd)
    # A number past a float's range, as PostgreSQL keeps it (read back as a 401-digit whole number).
    await db.execute(
        """
        insert into session_events (session_id, seq, idempotency_key, type, payload)
        select %(s)s, max(seq) + 1, 'h-huge', 'hint', '{"index": 1e400, "total": 1e400}'::jsonb
        from session_events where session_id = %(s)s
        """,
        {"s": s["id"]},
    )
    await db.commit()
    view, _ = await _join(api_server, s)
    counted = "select count(*) as n from session_events where session_id = %s and type = 'hint'"
    cur = await db.execute(counted, (s["id"],))
    assert view["hints"]["count"] == (await cur.fetchone() or {})["n"] == 9
    assert [g["index"] for g in view["hints"]["given"]] == [1]
    assert view["hints"]["total"] == 3


async def test_none_before_the_start_none_given_yet_and_none_of_another_session(
    api_server: ApiServer,
) -> None:
    waiting = await api_server.create_session()
    view, _ = await _join(api_server, waiting)
    assert view["hints"] is None  # as the question: nothing of the interview before it runs

    s = await _started(api_server)
    other = await _started(api_server)
    await _record(api_server, other["id"], _hint(1), _hint(2))
    view, _ = await _join(api_server, s)
    assert view["hints"] == {"count": 0, "total": None, "given": []}


async def test_the_start_answers_with_the_view_and_no_hints(api_server: ApiServer) -> None:
    s = await api_server.create_session()
    await api_server.consent(s)
    r = await api_server.client.post(
        f"/v1/sessions/{s['id']}/start",
        json={"mode": "voice"},
        headers={"Authorization": f"Bearer {s['invite']}"},
    )
    assert r.status_code == 200, r.text
    assert r.json()["hints"] == {"count": 0, "total": None, "given": []}
