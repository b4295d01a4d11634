"""JSON the API stores in PostgreSQL (jsonb) comes back as PostgreSQL writes it, not as it was sent: a number is an
exact decimal there, so `1e308` (6 bytes sent) is read back as 309 digits. Numbers that grow like that are 422, and
the stored size is bounded as PostgreSQL gives it back, for every JSON body the API stores."""

from __future__ import annotations

import json
from typing import Any

import psycopg
import pytest
from psycopg.rows import DictRow
from pydantic import ValidationError

from api.routers.custom_runs import CustomRunBody
from api.routers.internal import MAX_PAYLOAD_BYTES, EventBody
from api.schemas import MAX_METADATA_BYTES
from api.stored_json import stored_bytes
from tests.conftest import ApiServer

GROWING = ["1e308", "-1e308", "1e-300", "5e-324", "1.7976931348623157e308", str(2**64), str(-(2**70))]


def _session_body(metadata_json: str) -> str:
    return '{"candidate": {"name": "A", "email": "a@example.com"}, "metadata": ' + metadata_json + "}"


@pytest.mark.parametrize("literal", GROWING)
async def test_metadata_number_postgres_would_write_out_at_length_is_422(
    api_server: ApiServer, literal: str
) -> None:
    r = await api_server.client.post(
        "/v1/sessions",
        content=_session_body('{"n": ' + literal + "}"),
        headers={**api_server.org_headers(), "Content-Type": "application/json"},
    )
    assert r.status_code == 422, r.text
    assert r.json()["error"]["code"] == "validation_error"
    assert r.json()["error"]["message"].startswith("metadata")


async def test_metadata_size_is_bounded_as_postgres_gives_it_back(
    api_server: ApiServer, db: psycopg.AsyncConnection[DictRow]
) -> None:
    # Each number is within the bounds alone, but PostgreSQL writes `1e+18` as 19 digits: sent under the cap,
    # stored past it.
    metadata = {f"k{i}": 1e18 for i in range(900)}
    sent = json.dumps(metadata)
    assert len(sent) < MAX_METADATA_BYTES < stored_bytes(metadata)
    r = await api_server.client.post(
        "/v1/sessions",
        content=_session_body(sent),
        headers={**api_server.org_headers(), "Content-Type": "application/json"},
    )
    assert r.status_code == 422, r.text
    assert "metadata" in r.json()["error"]["message"]
    row = await (await db.execute("select max(octet_length(metadata::text)) as n from sessions")).fetchone()
    assert row is not None and (row["n"] or 0) <= MAX_METADATA_BYTES


async def test_metadata_of_ordinary_numbers_is_stored_and_read_back_equal(api_server: ApiServer) -> None:
    metadata = {"id": 982734, "big": 2**53, "neg": -(2**63) + 1, "ratio": 0.25, "small": 1.5e-9, "zero": 0.0}
    created = await api_server.create_session(metadata=metadata)
    r = await api_server.client.get(f"/v1/sessions/{created['id']}", headers=api_server.org_headers())
    assert r.status_code == 200, r.text
    assert r.json()["metadata"] == metadata


CORPUS: list[Any] = [
    {},
    [],
    {"a": 1, "b": [1, 2, {"c": None}], "d": True, "e": False},
    {"text": 'quote " backslash \\ tab \t nl \n ctl \x01 \x1f del \x7f'},
    {"é": "中文 😀 \u2028 \u00a0"},
    [0.1, 1.5, -2.75, 100.0, 1e-5, 1e-7, 1.5e-9, 1e15, 1e16, 1.2345678901234567e18, 9.99e-19, -0.0, 0.0],
    [0, -1, 2**53, -(2**63) + 1, 2**63 - 1],
    {"nested": {"deep": [[["x"]]], "n": 3.0e-12}},
]


@pytest.mark.parametrize("value", CORPUS, ids=range(len(CORPUS)))
async def test_stored_bytes_is_the_size_postgres_gives_back(
    db: psycopg.AsyncConnection[DictRow], value: Any
) -> None:
    row = await (
        await db.execute("select octet_length(%s::jsonb::text) as n", (json.dumps(value),))
    ).fetchone()
    assert row is not None
    assert stored_bytes(value) == row["n"]


def test_event_payload_numbers_that_grow_are_refused() -> None:
    for literal in GROWING:
        raw = '{"idempotency_key": "k", "type": "note", "payload": {"n": ' + literal + "}}"
        with pytest.raises(ValidationError, match="payload"):
            EventBody.model_validate_json(raw)


def test_event_payload_size_counts_numbers_as_postgres_writes_them() -> None:
    payload = {"xs": [1e18] * (MAX_PAYLOAD_BYTES // 7)}
    assert len(json.dumps(payload, separators=(",", ":"))) < MAX_PAYLOAD_BYTES
    with pytest.raises(ValidationError, match="payload"):
        EventBody(idempotency_key="k", type="note", payload=payload)


def test_custom_run_inputs_that_grow_are_refused() -> None:
    for literal in GROWING:
        raw = '{"language": "python", "code": "x", "inputs": [[' + literal + "]]}"
        with pytest.raises(ValidationError, match="inputs"):
            CustomRunBody.model_validate_json(raw)
