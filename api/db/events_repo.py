"""The append-only session event log: idempotent batched appends with dense per-session sequence numbers."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from psycopg.types.json import Jsonb

from api.db.pool import Conn
from api.errors import ConflictError
from api.stored_json import stored_bytes


class IdempotencyKeyReusedError(ConflictError):
    """A repeated idempotency key whose event differs from the one stored under it: a client bug, not a retry."""

    code = "idempotency_key_reused"


class RecordClosedError(ConflictError):
    """New events for a session that stopped longer ago than the append's `closed_after_s`."""

    code = "session_finished"


class RecordErasedError(ConflictError):
    """New events for a session whose record retention erased (`sessions.retention_applied_at`): what was written
    after the erasure would be kept for ever, past the period the candidate was promised (the grading job's final
    Submit, judged while retention ran, stored the candidate's code again)."""

    code = "record_deleted"


class RecordFullError(ConflictError):
    """New events that would take a session's log past its byte budget or its event cap."""

    code = "session_record_full"


@dataclass(frozen=True)
class Budget:
    """At most `max_bytes` of payload (counted by `counted_bytes`, in `sessions.event_bytes`) and `max_count` events
    (of every type) in one session's log."""

    max_bytes: int
    max_count: int


@dataclass(frozen=True)
class EventIn:
    idempotency_key: str
    type: str
    payload: dict[str, Any]
    t: float | None = None


@dataclass(frozen=True)
class Stored:
    idempotency_key: str
    seq: int
    duplicate: bool


SNAPSHOT = "editor_snapshot"
# Idempotency keys are namespaced by writer: the candidate page's events (consent, integrity, accommodation
# requests) use `page:`, the runs the API stores `api:`, the agent `agent:`. A stored key answers any later append
# under it as a repeat, so the service token may not write in the first two (api/routers/internal.py): a note under
# the consent's key (derived from the notice) made every consent a no-op, and the candidate could never start.
API_KEY_PREFIXES = ("page:", "api:")


def code_bytes(payload: dict[str, Any]) -> int:
    """UTF-8 bytes of a snapshot payload's code (0 without a string `code`): what the session's budget counts."""
    code = payload.get("code")
    return len(code.encode("utf-8", "surrogatepass")) if isinstance(code, str) else 0


def omit_code(payload: dict[str, Any]) -> dict[str, Any]:
    """The snapshot as stored past the session's code budget: everything but its code, marked, with the code's
    size and SHA-256 as the API measured them (so a repeat with other code is still told apart); its `sha256`,
    `version`, `language` and `cursor` stay as posted."""
    code = payload.get("code")
    raw = code.encode("utf-8", "surrogatepass") if isinstance(code, str) else b""
    kept = {k: v for k, v in payload.items() if k != "code"}
    return kept | {
        "code_omitted": True,
        "code_bytes": len(raw),
        "code_sha256": hashlib.sha256(raw).hexdigest(),
    }


def counted_bytes(type_: str, payload: dict[str, Any]) -> int:
    """The bytes an event adds to the session's `event_bytes`: its payload as compact JSON (numbers as stored), a
    snapshot's `code` left out (the snapshot code budget counts it). The payload must have passed `unstorable`."""
    if type_ == SNAPSHOT and "code" in payload:
        payload = {k: v for k, v in payload.items() if k != "code"}
    return stored_bytes(payload, compact=True)


@dataclass(frozen=True)
class Cap:
    """At most `limit` events of `type` per session."""

    type: str
    limit: int


async def append_events(
    conn: Conn,
    session_id: str,
    events: list[EventIn],
    *,
    cap: Cap | None = None,
    refuse_changed: bool = False,
    snapshot_code_budget: int | None = None,
    closed_after_s: int | None = None,
    budget: Budget | None = None,
) -> list[Stored] | None:
    """Append a batch in order, in one transaction. A key already stored returns its original seq and stores
    nothing. Concurrent appends to one session serialise on the session row, so seq stays dense and a duplicate
    posted concurrently is detected rather than inserted twice. Returns None for an unknown session;
    RecordErasedError (409 `record_deleted`) for new events of one whose record retention erased.

    With `cap`, new events of its type past its limit are left out (not in the result): counted under the same
    lock, so concurrent appends cannot together pass it (a count taken before the append let 40 parallel posts
    store 11 of at most 5).

    The session row is locked `for no key update`: appenders wait for each other, but not for a transaction that
    only references the session (inserting a run's submission takes a key-share lock on it). With `for update`, two
    such transactions that then append (a candidate's run and the agent's, stored at once) deadlocked.

    With `refuse_changed`, a repeated key is acknowledged only when its event is the one stored (`_refuse_changed`);
    otherwise IdempotencyKeyReusedError (409) is raised and nothing of the batch is stored.

    With `snapshot_code_budget`, the code of new `editor_snapshot` events is stored only while the session's
    `snapshot_code_bytes` (the code its snapshots stored so far) stays within it; a snapshot past it is stored
    without its code (`omit_code`). The counter is read under the same row lock and written in the same
    transaction as the inserts, so concurrent batches (on any replica) cannot together pass it, and a repeat of a
    stored key is not counted again."""
    out: list[Stored] = []
    repeats: list[EventIn] = []
    async with conn.transaction():
        cur = await conn.execute(
            """
            select extract(epoch from (now() - coalesce(started_at, now())))::float8 as elapsed,
                   snapshot_code_bytes, event_bytes,
                   status in ('scheduled', 'in_progress')
                     or %s::int is null or ended_at > now() - make_interval(secs => %s::int) as open,
                   retention_applied_at is not null as erased
            from sessions where id = %s for no key update
            """,
            (closed_after_s, closed_after_s, session_id),
        )
        row = await cur.fetchone()
        if row is None:
            return None
        elapsed = float(row["elapsed"])
        code_used = int(row["snapshot_code_bytes"])
        code_counted = code_used
        bytes_used = bytes_counted = int(row["event_bytes"])
        cur = await conn.execute(
            "select coalesce(max(seq), 0) as seq from session_events where session_id = %s", (session_id,)
        )
        top = await cur.fetchone()
        next_seq = int(top["seq"]) + 1 if top else 1
        keys = [e.idempotency_key for e in events]
        cur = await conn.execute(
            "select idempotency_key, seq from session_events where session_id = %s and idempotency_key = any(%s)",
            (session_id, keys),
        )
        existing = {r["idempotency_key"]: int(r["seq"]) for r in await cur.fetchall()}
        new_events = any(e.idempotency_key not in existing for e in events)
        if not row["open"] and new_events:
            raise RecordClosedError(
                f"This session ended more than {closed_after_s} s ago: its record is closed to new events."
            )
        # Under the row's lock, which retention takes too (`for update`): one committed before is seen here.
        if row["erased"] and new_events:
            raise RecordErasedError("The interview record was deleted under the retention period.")
        room = await _room(conn, session_id, cap)
        for e in events:
            if e.idempotency_key in existing:
                out.append(Stored(e.idempotency_key, existing[e.idempotency_key], True))
                repeats.append(e)
                continue
            if cap is not None and e.type == cap.type:
                if room <= 0:
                    continue
                room -= 1
            payload = e.payload
            if snapshot_code_budget is not None and e.type == SNAPSHOT:
                size = code_bytes(payload)
                if code_used + size <= snapshot_code_budget:
                    code_used += size
                else:
                    payload = omit_code(payload)
            if budget is not None:
                bytes_used += counted_bytes(e.type, payload)
                if bytes_used > budget.max_bytes or next_seq > budget.max_count:
                    raise RecordFullError(  # raising rolls the whole batch back
                        f"This session's event log is full (at most {budget.max_bytes} bytes of payload and "
                        f"{budget.max_count} events): nothing of this batch was stored; what was stored stays."
                    )
            await conn.execute(
                """
                insert into session_events (session_id, seq, idempotency_key, type, t, payload)
                values (%s, %s, %s, %s, %s, %s)
                """,
                (
                    session_id,
                    next_seq,
                    e.idempotency_key,
                    e.type,
                    e.t if e.t is not None else elapsed,
                    Jsonb(payload),
                ),
            )
            existing[e.idempotency_key] = next_seq
            out.append(Stored(e.idempotency_key, next_seq, False))
            next_seq += 1
        if code_used != code_counted or bytes_used != bytes_counted:
            await conn.execute(
                "update sessions set snapshot_code_bytes = %s, event_bytes = %s where id = %s",
                (code_used, bytes_used, session_id),
            )
        if refuse_changed and repeats:
            await _refuse_changed(conn, session_id, repeats)  # raising rolls the whole batch back
    return out


# What a session's record left out, and when it first did (sessions.record_full_at, observations_capped_at): the
# report says from when its record may be incomplete instead of showing a record that simply stops.
LEFT_OUT = ("record_full_at", "observations_capped_at")


async def note_left_out(conn: Conn, session_id: str, column: str, at_s: float | None = None) -> None:
    """Note that `session_id`'s record left something out (`column` of `LEFT_OUT`): at `at_s` seconds from the
    start when given (the earliest time a refused batch gives its new events: a spool replayed after an outage is
    refused long after its events happened), else now, but no later than the end of the record once the interview
    has ended (the later of its end and its last stored event: a batch without times refused after the end would
    otherwise cut the record after everything in it, and the report would say it is incomplete from a time the
    interview never reached). A time given moves an earlier note's time back, never on (a dead job's spool replayed
    after the live job's refusal holds older events, refused too); otherwise the first note's time stays and later
    calls write nothing. Called after the refused or capped append, outside its transaction (a refused batch rolls
    its own back)."""
    if column not in LEFT_OUT:
        raise ValueError(column)
    await conn.execute(
        f"""
        with noted as (
          select case
            when %(at)s::float8 is not null and started_at is not null
              then started_at + make_interval(secs => greatest(%(at)s::float8, 0))
            when ended_at is null then now()
            else least(now(), greatest(ended_at, started_at + make_interval(secs => greatest(
              (select max(e.t) from session_events e where e.session_id = %(id)s), 0))))
          end as at
          from sessions where id = %(id)s
        )
        update sessions set {column} = noted.at from noted
        where id = %(id)s and ({column} is null or (%(at)s::float8 is not null and {column} > noted.at))
        """,  # noqa: S608  # a column of LEFT_OUT
        {"id": session_id, "at": at_s},
    )


async def first_new_t(conn: Conn, session_id: str, events: Sequence[EventIn]) -> float | None:
    """The earliest `t` among `events` not already stored under their key: of a refused batch, what it would have
    added (its exact repeats, acknowledged, are in the record), or None when none of them gives a time."""
    cur = await conn.execute(
        "select idempotency_key from session_events where session_id = %s and idempotency_key = any(%s)",
        (session_id, [e.idempotency_key for e in events]),
    )
    stored = {r["idempotency_key"] for r in await cur.fetchall()}
    return min((e.t for e in events if e.t is not None and e.idempotency_key not in stored), default=None)


async def _refuse_changed(conn: Conn, session_id: str, repeats: list[EventIn]) -> None:
    """Raise unless each repeat is the event stored under its key: the same type and payload (compared as jsonb,
    so key order, spacing and the spelling of a number do not matter) and, when the repeat gives one, the same `t`
    (without one the stored `t` was the server's clock, which a repeat cannot restate). Checked after this batch's
    own inserts, so a key repeated within one batch is held to its first event too. A snapshot stored without its
    code (past the session's budget) matches a repeat of the snapshot as posted, with its code."""
    cur = await conn.execute(
        """
        select k.key
        from unnest(%s::text[], %s::text[], %s::jsonb[], %s::jsonb[], %s::float8[]) as k(key, type, payload, omitted, t)
        join session_events e on e.session_id = %s and e.idempotency_key = k.key
        where e.type <> k.type
           or (e.payload <> k.payload and (k.omitted is null or e.payload <> k.omitted))
           or (k.t is not null and e.t is distinct from k.t)
        limit 1
        """,
        (
            [e.idempotency_key for e in repeats],
            [e.type for e in repeats],
            [Jsonb(e.payload) for e in repeats],
            [Jsonb(omit_code(e.payload)) if e.type == SNAPSHOT else None for e in repeats],
            [e.t for e in repeats],
            session_id,
        ),
    )
    row = await cur.fetchone()
    if row is not None:
        raise IdempotencyKeyReusedError(
            f"Idempotency key {row['key']!r} was already used for a different event (type, payload or t); "
            "repeat an event exactly, or give a new one a new key."
        )


async def _room(conn: Conn, session_id: str, cap: Cap | None) -> int:
    if cap is None:
        return 0
    cur = await conn.execute(
        "select count(*) as n from session_events where session_id = %s and type = %s", (session_id, cap.type)
    )
    row = await cur.fetchone()
    return max(0, cap.limit - (int(row["n"]) if row else 0))


async def stored_event(conn: Conn, session_id: str, idempotency_key: str) -> dict[str, Any] | None:
    """The type and payload of the event stored under `idempotency_key` in the session's log; None when none is."""
    cur = await conn.execute(
        "select type, payload from session_events where session_id = %s and idempotency_key = %s",
        (session_id, idempotency_key),
    )
    return await cur.fetchone()


async def list_events(conn: Conn, session_id: str, *, types: list[str] | None = None) -> list[dict[str, Any]]:
    cur = await conn.execute(
        """
        select seq, type, t, idempotency_key, payload, created_at from session_events
        where session_id = %s and (%s::text[] is null or type = any(%s))
        order by seq
        """,
        (session_id, types, types),
    )
    return await cur.fetchall()
