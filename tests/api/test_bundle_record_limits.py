"""The grader's input carries from when a session's record left something out (sessions.record_full_at,
observations_capped_at), as the report does: read without them, its facts stated "hints given: 0" and "phases
reached" of a record that stopped, and the model could write "needed no hints" of a part nobody recorded."""

from __future__ import annotations

from typing import Any

import psycopg
import pytest
from psycopg.rows import DictRow

from api.db.bundle_repo import load_bundle_input
from api.settings import ApiSettings
from grader.bundle import build_bundle
from grader.facts import compute_facts
from tests.api.conftest import consent_and_start
from tests.conftest import ApiServer

Conn = psycopg.AsyncConnection[DictRow]

OBSERVATIONS_CAP = 10  # the least SHADOWS_API_INTEGRITY_MAX_EVENTS may be


@pytest.fixture
def api_settings(api_settings: ApiSettings) -> ApiSettings:
    return api_settings.model_copy(
        update={"event_budget_bytes": 20_000, "integrity_max_events": OBSERVATIONS_CAP}
    )


async def test_the_grader_is_told_from_when_the_record_and_the_observations_stop(
    api_server: ApiServer, db: Conn
) -> None:
    s = await api_server.create_session()
    await consent_and_start(api_server.client, s)
    whole = await load_bundle_input(db, s["id"])
    assert whole is not None
    assert (whole.session.record_full_s, whole.session.observations_capped_s) == (None, None)

    # The interviewer's turns, one a minute, until one is refused past the event budget.
    for i in range(20):  # a budget of 20,000 bytes refuses a turn of 4,000 characters within a few
        t = 60.0 * (i + 1)
        payload = {"role": "user", "text": "x" * 4_000, "start": t, "end": t + 4}
        said = {"idempotency_key": f"k{i}", "type": "transcript", "t": t, "payload": payload}
        r = await api_server.client.post(
            f"/v1/internal/sessions/{s['id']}/events",
            json={"events": [said]},
            headers=api_server.internal_headers(),
        )
        if r.status_code != 200:
            break
    assert r.json()["error"]["code"] == "session_record_full", r.text
    refused_at = t

    def focus(n: int) -> dict[str, Any]:
        return {"id": f"focus-{n:04d}", "kind": "focus_lost", "duration_ms": 1000}

    r = await api_server.client.post(
        f"/v1/sessions/{s['id']}/integrity",
        json={"events": [focus(n) for n in range(OBSERVATIONS_CAP + 1)]},
        headers={"Authorization": f"Bearer {s['invite']}"},
    )
    assert (r.status_code, r.json()["dropped"]) == (202, 1), r.text

    bundle = await load_bundle_input(db, s["id"])
    assert bundle is not None
    assert bundle.session.record_full_s == refused_at
    assert bundle.session.observations_capped_s is not None
    text = build_bundle(bundle, compute_facts(bundle)).interview
    assert f"- the record is incomplete from {round(refused_at)} s:" in text
    assert f"- hints given: at least 0; any after {round(refused_at)} s are not recorded" in text
    assert "the page's observations were not recorded" in text
    # Blind as before: the candidate's name is in neither the note nor anywhere else.
    assert "Ada" not in text and "Lovelace" not in text
