"""A replay's timeline read by what it costs: the body's size is counted against the reader's read limits, and the
encoded body is kept in memory for the next read of the same record.

The largest timeline the session bounds allow is about 30 MB, and building, encoding and compressing it cost about
0.85 s of the API's CPU (docs/reports.md, `python -m bench timeline_read`); counted as one read, a share link's 60
reads a minute kept a core busy for as long as its holder liked. Now:

- **Weighted.** Each MiB of the body (`report_limits.READ_UNIT_BYTES`) counts in a size budget of every bucket the
  read was counted in (client address and site, link, organisation; a share link's read also in one budget for all
  its organisation's links: `report_limits.count_size`), apart from the count of reads. The size is known before
  the body is built when this process has built that record's timeline before (it keeps the size of each record it
  built, body or not), and counted then, so a loop of large reads is refused (429 `rate_limited`, with Retry-After)
  before it costs anything more; a record this process has not seen is built once (reads of it arriving together
  wait for that one build), then counted, and refused if that spends the budget. A body under a MiB counts
  nothing there, so a link whose large reads are refused still opens a short page.
- **Cached.** The body, and its gzip when a client asks for it, are kept per process, keyed by what they are built
  from: the session, the view, a fingerprint of its event log (events, their last seq, the runs whose code was
  left out, from when the record is incomplete), the scorecard version the page shows (its number and status: the
  turns it cites keep their text, `api.report_budget.bound_timeline_text`) and the header's fields (status, times,
  language, time allowed). Anything that changes the record (an event appended, a run's code left out, a refused
  batch that cut the record, a re-grade shown, retention, an accommodation) changes the key; an erased session, a
  revoked link or key, or a refused read never reaches the cache (the token and the session are checked first).
  Memory is bounded (`MAX_CACHE_BYTES` of bodies, `MAX_ENTRIES` entries, each at most `TTL_S` seconds old, so an
  erased record leaves the process within that).
- **ETag.** The same key names the body (a weak ETag, the same on every replica); `If-None-Match` with it answers
  304 with no body, counted as one read. Browsers do not keep the timeline (it is `no-store`, as private as the
  page); a client that keeps it asks this way.
"""

from __future__ import annotations

import asyncio
import contextlib
import gzip
import hashlib
import json
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from fastapi import Request
from fastapi.responses import JSONResponse, Response

from api import report_limits
from api.app_state import app_state
from api.db import report_repo
from api.db.pool import Conn
from api.report_budget import bound_timeline_text, cited_seqs
from api.report_pages import JSON_HEADERS
from api.settings import ApiSettings
from api.timeline import View, build_items, elapsed_s, session_header
from api.timeline_gaps import gap_rows
from grader.schemas import Scorecard

MAX_CACHE_BYTES = 64 * 1024 * 1024  # bodies and their gzip, per process
MAX_ENTRIES = 4096  # records whose size (and ETag) this process remembers
TTL_S = 600.0
# Bump when the timeline's JSON changes for the same record: it names the ETag. 2: gap steps; 3: tighter starts,
# merged; 4: split at a return, take-overs; 5: spells out of the room (`candidate_left`); 6: no gap runs past the
# record's cut (`closed_by: "record_cut"`); 7: the grader's Submit after the interview ends neither the record nor
# `duration_s`; 8: the turns the shown scorecard cites keep their text past the budget.
FORMAT = "timeline-8"
GZIP_LEVEL = 6  # as the app's GZipMiddleware
GZIP_MIN_BYTES = 1024


@dataclass
class Entry:
    etag: str
    size: int
    at: float
    body: bytes | None = None
    gzipped: bytes | None = None

    @property
    def held(self) -> int:
        return len(self.body or b"") + len(self.gzipped or b"")


class TimelineCache:
    """Bodies by key, least recently used out first: past `max_bytes` a body (and its gzip) is dropped but its size
    kept; past `max_entries` the entry goes. `builds` counts bodies built (for tests and the benchmark)."""

    def __init__(
        self,
        max_bytes: int = MAX_CACHE_BYTES,
        max_entries: int = MAX_ENTRIES,
        ttl_s: float = TTL_S,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.max_bytes = max_bytes
        self.max_entries = max_entries
        self.ttl_s = ttl_s
        self._clock = clock
        self._entries: OrderedDict[str, Entry] = OrderedDict()
        self.held = 0
        self.builds = 0
        self.compressions = 0
        self.building: dict[str, asyncio.Future[bytes]] = {}  # bodies being built: one build per key at once

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, key: str) -> Entry | None:
        entry = self._entries.get(key)
        if entry is None:
            return None
        if self._clock() - entry.at > self.ttl_s:
            self._drop(key)
            return None
        self._entries.move_to_end(key)
        return entry

    def put(self, key: str, etag: str, body: bytes) -> Entry:
        self._drop(key)
        entry = Entry(etag, len(body), self._clock(), body if len(body) <= self.max_bytes else None)
        self._entries[key] = entry
        self.held += entry.held
        self._bound()
        return entry

    def add_gzip(self, key: str, entry: Entry, gzipped: bytes) -> None:
        if self._entries.get(key) is not entry or entry.body is None:
            return
        entry.gzipped = gzipped
        self.held += len(gzipped)
        self._bound(keep=key)

    def _drop(self, key: str) -> None:
        entry = self._entries.pop(key, None)
        if entry is not None:
            self.held -= entry.held

    def _bound(self, keep: str | None = None) -> None:
        while len(self._entries) > self.max_entries:
            self._drop(next(iter(self._entries)))
        for key, entry in self._entries.items():
            if self.held <= self.max_bytes:
                return
            if key != keep and entry.held:
                self.held -= entry.held
                entry.body = entry.gzipped = None
        if self.held > self.max_bytes and keep is not None:  # the newest alone is past the bound: not kept
            entry = self._entries[keep]
            self.held -= entry.held
            entry.body = entry.gzipped = None


_STATE = "timeline_cache"


def cache_of(request: Request) -> TimelineCache:
    return app_state(request, _STATE, TimelineCache)


# Events, last seq, runs whose code was left out, the cut, and the shown scorecard version's number and status.
Fingerprint = tuple[int, int, int, int | None, int | None, str | None]


async def _fingerprint(conn: Conn, session_id: str) -> Fingerprint:
    """What says the session's event log changed: how many events, the last seq, how many runs' code was left
    out (the one update to a run: `api/db/runs_repo.py`, in the same transaction as a new event), and from when
    the record is incomplete (`sessions.record_full_at`, set by a refused batch that stores no event: the gaps end
    there), in whole microseconds: a float's text follows the connection's `extra_float_digits` (15 digits at 0, which
    rounds an epoch's microseconds), and the key names the ETag on every replica; and the scorecard version a report
    shows (`scorecards_repo.shown_and_latest`: the newest ready one, else the newest), whose number and status name
    what it cites (a version's scorecard is stored once, as it leaves `pending`)."""
    cur = await conn.execute(
        """
        select count(*) as n, coalesce(max(seq), 0) as last,
          (select count(*) from submissions where session_id = %(s)s and code_omitted) as omitted,
          (select (extract(epoch from record_full_at) * 1000000)::bigint from sessions where id = %(s)s) as cut,
          (select version from scorecards where session_id = %(s)s
            order by status = 'ready' desc, version desc limit 1) as card_version,
          (select status from scorecards where session_id = %(s)s
            order by status = 'ready' desc, version desc limit 1) as card_status
        from session_events where session_id = %(s)s
        """,
        {"s": session_id},
    )
    row = await cur.fetchone()
    assert row is not None
    return (
        int(row["n"]),
        int(row["last"]),
        int(row["omitted"]),
        None if row["cut"] is None else int(row["cut"]),
        None if row["card_version"] is None else int(row["card_version"]),
        row["card_status"],
    )


def _key(session: dict[str, Any], view: View, fingerprint: Fingerprint) -> str:
    header = session_header(session, [])  # the fields from the session row; its duration follows the events
    return json.dumps([FORMAT, session["id"], view, list(fingerprint), header], sort_keys=True, default=str)


def etag_of(key: str) -> str:
    return 'W/"' + hashlib.sha256(key.encode()).hexdigest()[:40] + '"'


def _matches(request: Request, etag: str) -> bool:
    asked = request.headers.get("if-none-match")
    if not asked:
        return False
    return any(tag.strip() in (etag, etag[2:], "*") for tag in asked[:1024].split(","))


def _accepts_gzip(request: Request) -> bool:
    return any(
        part.split(";")[0].strip().lower() == "gzip"
        for part in request.headers.get("accept-encoding", "")[:512].split(",")
    )


async def _cited(conn: Conn, session_id: str, version: int | None) -> set[int]:
    """The seqs scorecard `version` (ready) cites, as the report page reads them (`cited_seqs`)."""
    if version is None:
        return set()
    cur = await conn.execute(
        "select scorecard from scorecards where session_id = %s and version = %s and status = 'ready'",
        (session_id, version),
    )
    row = await cur.fetchone()
    if row is None or row["scorecard"] is None:
        return set()
    return cited_seqs(Scorecard.model_validate(row["scorecard"]))


async def _build(conn: Conn, session: dict[str, Any], view: View, card: int | None = None) -> bytes:
    """The body of the timeline of `session` as `view` shows it, the turns scorecard version `card` (a ready one)
    cites keeping their text."""
    rows = await report_repo.timeline_events(conn, session["id"], report_repo.TIMELINE_TYPES)
    gaps = await gap_rows(conn, session["id"], report_repo.TIMELINE_TYPES)
    cut = (await report_repo.left_out(conn, session["id"]))["record_full_s"]
    cited = await _cited(conn, session["id"], card)
    items = bound_timeline_text(
        build_items(rows, view, ended_s=elapsed_s(session), gap_rows=gaps, cut_s=cut), cited
    )
    return bytes(JSONResponse({"session": session_header(session, items), "events": items}).body)


async def _built_once(
    cache: TimelineCache,
    key: str,
    conn: Conn,
    session: dict[str, Any],
    view: View,
    fingerprint: Fingerprint,
) -> bytes:
    """The body for `key`, built on `conn`, or the one another request is building for it: however many reads of a
    record this process has not built arrive at once, it is built once (each is then counted by its size)."""
    pending = cache.building.get(key)
    if pending is not None:
        with contextlib.suppress(Exception):
            return await asyncio.shield(pending)
    future: asyncio.Future[bytes] = asyncio.get_running_loop().create_future()
    cache.building[key] = future
    try:
        # The version the key names (a re-grade stored since is another key, built again).
        body = await _build(conn, session, view, fingerprint[4] if fingerprint[5] == "ready" else None)
        cache.builds += 1
        cache.put(key, etag_of(key), body)
        future.set_result(body)
        return body
    except BaseException as e:
        future.set_exception(e if isinstance(e, Exception) else RuntimeError("the build was cancelled"))
        future.exception()  # retrieved: a build nobody waited for logs nothing more than its own request's error
        raise
    finally:
        if cache.building.get(key) is future:
            del cache.building[key]


async def timeline_response(
    request: Request,
    conn: Conn,
    settings: ApiSettings,
    session: dict[str, Any],
    view: View,
    counted: report_limits.Counted,
) -> Response:
    """The timeline of `session` as `view` shows it, for a reader whose read was counted (once) in `counted`:
    its size counted on top, from the cache or built (module docstring)."""
    if session["retention_applied_at"] is not None:
        # What retention keeps (phases, time warnings) is no replay; the header says when it went.
        return JSONResponse({"session": session_header(session, []), "events": []}, headers=JSON_HEADERS)
    fingerprint = await _fingerprint(conn, session["id"])
    key = _key(session, view, fingerprint)
    etag = etag_of(key)
    headers = {**JSON_HEADERS, "ETag": etag, "Vary": "Accept-Encoding"}
    if _matches(request, etag):
        return Response(status_code=304, headers=headers)
    cache = cache_of(request)
    entry = cache.get(key)
    if entry is not None:  # its size is known: counted before anything is built or sent
        await report_limits.count_size(request, settings, counted, entry.size)
    if entry is None or entry.body is None:
        known = entry is not None
        body = await _built_once(cache, key, conn, session, view, fingerprint)
        entry = cache.get(key)
        if entry is None or entry.etag != etag:
            entry = cache.put(key, etag, body)
        if not known:
            await report_limits.count_size(request, settings, counted, len(body))
    else:
        body = entry.body
    if len(body) < GZIP_MIN_BYTES or not _accepts_gzip(request):
        return Response(body, media_type="application/json", headers=headers)
    gzipped = entry.gzipped
    if gzipped is None:
        gzipped = await asyncio.to_thread(gzip.compress, body, GZIP_LEVEL, mtime=0)
        cache.compressions += 1
        cache.add_gzip(key, entry, gzipped)
    return Response(gzipped, media_type="application/json", headers={**headers, "Content-Encoding": "gzip"})
