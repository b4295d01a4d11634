"""Gaps in the record as timeline steps: while the candidate was away or out of the room, and while the interview
had no interviewer.

The agent records notes about presence (docs/protocol.md): `candidate_away` when the framework's away state begins
(neither side has spoken for `user_away_timeout_s`, 20 s, and the editor has not changed), `resumed` when a new agent
job takes over an interview whose job stopped, and `candidate_left` / `candidate_returned` when the candidate's
participant leaves the LiveKit room and comes back within the rejoin grace. The first two have no end of their own,
and each comes some time after what it reports, so the gap is read from the record around it, at the tightest the
record supports; each gap says which bound its start is (`start_from`):

- `candidate_away`: to the candidate's next sign of presence (a turn of theirs, an editor snapshot, a run or Submit
  of theirs), or to the end of the record when none follows (`closed_by: "record_end"`). It starts at the note
  (`"noticed"`), unless the page recorded being left before it and not come back until the note or later (a
  `page_hidden` or `focus_lost` observation whose time away spans the note: organisation's view only, the coaching
  view has no observations): then when the page was left (`"page_left"`), or, when the candidate spoke, edited or
  ran something after that, their last such sign (`"last_sign"`). A turn of theirs running up to the note keeps
  it at the note. Notes inside an open gap add nothing.
- `interviewer_restart`: to the `resumed` note, from the stopped interviewer's last record (`"interviewer_record"`),
  or the start (`"interview_start"`) when it recorded nothing. Its records are the turns, snapshots, hints and notes,
  and its own metrics, model usage and tool calls (read for their times only). Each agent job notes itself once as
  it takes the interview (an `interviewer` note, its first heartbeat), before it notes `resumed`: what is recorded
  from the new job's note on is the new job's, not the stopped one's. A job's note is a take-over when anything of an
  interviewer was recorded before it, also when the stopped job never noted itself. What is recorded without an
  interviewer falls inside the gap and does not shorten it: the page's integrity observations and the candidate's own
  runs and Submits (the API records those).
- `candidate_left`: exact, from the `candidate_left` note (recorded as the participant left) to the job's
  `candidate_returned` note (`closed_by: "candidate_back"`), or to the end of the record when none follows (the
  interview ended with them gone: `"record_end"`). A job notes only its own candidate's return: when a new job took
  over (a `resumed` note) before one, the return went unnoted, and the gap ends at the first sign of them in the room
  recorded after the take-over (a turn of theirs or an editor snapshot, both of which reach the interviewer only
  through the room), or at their next `candidate_left` note, whichever comes first (`"end_from": "next_sign"`: back
  by then, not exactly then), else at the end of the record. Notes inside an open gap add nothing.

**Overlaps** (`merged`): gaps of one kind that overlap or touch are one gap, their union (the first's seq and start,
the last end, how it closed and its `end_from`), save two spells (away, or out of the room) that meet where the
candidate came back (a sign of presence or their return there: two spells, not one). Gaps of different kinds are
all kept, each whole, even one inside another (a restart while the candidate was away; an away spell while they were
out of the room): each says who was missing and how it is known, and the replay draws each kind on its own lane.

**The record's cut** (`cut_at`): from when the session's record is incomplete (`sessions.record_full_at`: the
interviewer's events refused past its budget and stored nowhere), the notes and signs that would close a gap may be
among the refused, so no gap runs past it: one that would ends at the cut (at its start when it started after it),
`closed_by: "record_cut"`, its `end_from` dropped. The candidate's runs and Submits (the API records them) and a
later batch small enough to fit go on being stored after the cut, but a turn or a return before them may be what
was refused. So may the records a start is read from the silence of (an away spell's last sign of the candidate
or the page left, a restart's stopped interviewer's last record): a gap whose note (the away note, the `resumed`
note) was stored after the cut is known at its note only, and is there, no longer (its `start_from` and
`noticed` dropped). Read back past the cut, a restart said the interview had no interviewer while the stopped one
was still recording, refused, at the cut, and an away spell began before a turn that was refused.

Each gap is `{"seq", "t", "type": "gap", "kind", "start", "end", "duration_s", "closed_by"}`, with `"start_from"`
and, for an away gap, `"noticed"` (the note's time) when its start is not the default bound (DEFAULT_STARTS), and
`"end_from"` when its end is not the default one (a room gap's `"next_sign"`), and `"cut"` when the record's cut
ended it (`cut_at`): times and fixed words only, never a
payload's text, so nothing the candidate said or typed reaches the labels built from it. At most MAX_GAPS per
timeline (the first ones in time order).
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from typing import Any

from api.db.pool import Conn

AWAY = "candidate_away"
RESUMED = "resumed"
JOB = "interviewer"  # an agent job's own note, recorded once as it takes the interview
RESTART = "interviewer_restart"
LEFT = "candidate_left"  # the note, and the kind of its gap
RETURNED = "candidate_returned"
GAP_NOTES = (AWAY, RESUMED, LEFT)  # a record with none of these has no gap
NOTES = (*GAP_NOTES, RETURNED, JOB)  # the notes the rules read
ABSENCES = ("page_hidden", "focus_lost")
# The interviewer's own records that are no timeline items: read for their times only.
AGENT_TYPES = ("tool_call", "turn_metrics", "model_usage")
MAX_GAPS = 500
CUT = "record_cut"  # how a gap that ran past the record's cut closes: there (`cut_at`)
# The bound a gap starts at unless it says otherwise: the away note, the stopped interviewer's last record, the
# leaving note.
DEFAULT_STARTS = ("noticed", "interviewer_record", "room_left")


async def gap_rows(conn: Conn, session_id: str, types: tuple[str, ...]) -> list[dict[str, Any]]:
    """The rows the gaps are read from: every event of `types` (the timeline's) and of AGENT_TYPES, each with only
    the payload fields the rules above read (a note's kind, a turn's role and end, a run's author, an
    observation's kind and time away), never text or code. None when no presence note is among them: most records
    have no gap, and their pages and timelines read nothing more."""
    cur = await conn.execute(
        """
        select e.seq, e.type, e.t,
          case
            when e.type = 'note' then jsonb_build_object('kind', e.payload->'kind')
            when e.type = 'transcript' then jsonb_build_object('role', e.payload->'role', 'end', e.payload->'end')
            when e.type in ('test_run', 'submission') then jsonb_build_object('by', e.payload->'by')
            when e.type = 'integrity'
              then jsonb_build_object('kind', e.payload->'kind', 'duration_ms', e.payload->'duration_ms')
            else '{}'::jsonb
          end as payload
        from session_events e
        where e.session_id = %(s)s and e.type = any(%(types)s)
          and exists (
            select 1 from session_events n
            where n.session_id = %(s)s and n.type = 'note' and n.payload->>'kind' = any(%(notes)s)
          )
        order by e.t nulls first, e.seq
        """,
        {"s": session_id, "types": [*types, "note", *AGENT_TYPES], "notes": list(GAP_NOTES)},
    )
    return await cur.fetchall()


def _t(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def _payload(row: dict[str, Any]) -> dict[str, Any]:
    return row["payload"] if isinstance(row.get("payload"), dict) else {}


def _note_kind(row: dict[str, Any]) -> str | None:
    kind = _payload(row).get("kind")
    return kind if row["type"] == "note" and kind in NOTES else None


def _present(row: dict[str, Any]) -> bool:
    """A row that shows the candidate there: their turn, a snapshot of the editor, a run or Submit of theirs."""
    kind = row["type"]
    if kind == "transcript":
        return bool(_payload(row).get("role") == "user")
    if kind == "editor_snapshot":
        return True
    return kind in ("test_run", "submission") and _payload(row).get("by") == "candidate"


def _in_room(row: dict[str, Any]) -> bool:
    """A row only a candidate in the room makes: their turn (spoken or typed, both reach the interviewer through the
    room) or a snapshot of their editor (its text stream); not a run or Submit (the page calls the API for those)."""
    if row["type"] == "transcript":
        return bool(_payload(row).get("role") == "user")
    return bool(row["type"] == "editor_snapshot")


def _by_interviewer(row: dict[str, Any]) -> bool:
    """A row the interviewer (the agent's job) recorded: not the page's integrity observations, nor a run or Submit
    the API recorded for the candidate or the grader."""
    if row["type"] == "integrity":
        return False
    if row["type"] in ("test_run", "submission"):
        return _payload(row).get("by") == "agent"
    return True


def _gap(
    seq: int,
    kind: str,
    start: float,
    end: float,
    closed_by: str,
    start_from: str,
    end_from: str | None = None,
) -> dict[str, Any]:
    end = max(start, end)
    return (
        {
            "seq": seq,
            "t": start,
            "type": "gap",
            "kind": kind,
            "start": start,
            "end": end,
            "duration_s": round(end - start, 3),
            "closed_by": closed_by,
        }
        | ({"start_from": start_from} if start_from not in DEFAULT_STARTS else {})
        | ({"end_from": end_from} if end_from else {})
    )


class _Signs:
    """The candidate's signs of presence, and the page's times away, for the away rule."""

    def __init__(self, rows: list[tuple[float, dict[str, Any]]], pages: bool) -> None:
        signs: list[tuple[float, float]] = []  # (when, until: a turn's end)
        absences: list[tuple[float, float]] = []  # (stored, left the page)
        for t, row in rows:
            if _present(row):
                until = _t(_payload(row).get("end")) if row["type"] == "transcript" else None
                signs.append((t, max(t, until) if until is not None else t))
            elif pages and row["type"] == "integrity" and _payload(row).get("kind") in ABSENCES:
                away_ms = _payload(row).get("duration_ms")
                if isinstance(away_ms, int) and not isinstance(away_ms, bool) and away_ms > 0:
                    absences.append((t, t - away_ms / 1000))
        signs.sort()
        absences.sort()
        self.at = [s for s, _ in signs]
        self.until: list[float] = []  # the latest `until` among the first k signs
        for _, until in signs:
            self.until.append(max(until, self.until[-1]) if self.until else until)
        self.stored = [a for a, _ in absences]
        self.left: list[float] = [0.0] * len(absences)  # the earliest leaving among absences k and later
        for k in range(len(absences) - 1, -1, -1):
            here = absences[k][1]
            self.left[k] = min(here, self.left[k + 1]) if k + 1 < len(absences) else here

    def back_after(self, t: float) -> float | None:
        at = bisect_right(self.at, t)  # the first sign of them strictly after `t`
        return self.at[at] if at < len(self.at) else None

    def start(self, noticed: float) -> tuple[float, str]:
        """Where an away gap noticed at `noticed` starts, and which bound that is."""
        k = bisect_left(self.stored, noticed)  # absences recorded at or after the note
        if k >= len(self.stored) or self.left[k] >= noticed:
            return noticed, "noticed"
        before = bisect_right(self.at, noticed)
        last = min(self.until[before - 1], noticed) if before else None
        left = max(0.0, self.left[k])
        if last is None or last <= left:
            return left, "page_left"
        return (noticed, "noticed") if last >= noticed else (last, "last_sign")


def _away_gaps(rows: list[tuple[float, dict[str, Any]]], end: float, pages: bool) -> list[dict[str, Any]]:
    signs = _Signs(rows, pages)
    gaps: list[dict[str, Any]] = []
    open_until = -1.0
    for t, row in rows:
        if _note_kind(row) != AWAY or t < open_until:
            continue  # not an away note, or inside the gap already open
        start, start_from = signs.start(t)
        returned = signs.back_after(t)
        if returned is None or returned > end:
            gap = _gap(row["seq"], AWAY, start, end, "record_end", start_from)
        else:
            gap = _gap(row["seq"], AWAY, start, returned, "candidate_back", start_from)
        if start_from != "noticed":
            gap["noticed"] = t
        gaps.append(gap)
        open_until = gap["end"]
    return gaps


def _room_return(rows: list[tuple[float, dict[str, Any]]], after: int) -> tuple[float, str | None] | None:
    """When the candidate who left the room at `rows[after]` was back: the job's `candidate_returned` note, or once
    a new job took over, their first sign in the room or next leaving (`"next_sign"`); None when nothing says so."""
    taken_over = False
    for k in range(after + 1, len(rows)):
        t, row = rows[k]
        kind = _note_kind(row)
        if kind == RETURNED and not taken_over:
            return t, None
        if kind == RESUMED:
            taken_over = True
        elif taken_over and (kind == LEFT or _in_room(row)):
            return t, "next_sign"
    return None


def _left_gaps(rows: list[tuple[float, dict[str, Any]]], end: float) -> list[dict[str, Any]]:
    gaps: list[dict[str, Any]] = []
    open_until = -1.0
    for k, (t, row) in enumerate(rows):
        if _note_kind(row) != LEFT or t < open_until:
            continue  # not a leaving, or inside the gap already open
        back = _room_return(rows, k)
        if back is None or back[0] > end:
            gap = _gap(row["seq"], LEFT, t, end, "record_end", "room_left")
        else:
            gap = _gap(row["seq"], LEFT, t, back[0], "candidate_back", "room_left", back[1])
        gaps.append(gap)
        open_until = gap["end"]
    return gaps


def _restart_gaps(rows: list[tuple[float, dict[str, Any]]]) -> list[dict[str, Any]]:
    gaps: list[dict[str, Any]] = []
    last: float | None = None  # the interviewer's last record so far
    before_job: float | None = None  # the last record before the newest job's note since the last `resumed`
    new_job = False
    for t, row in rows:
        kind = _note_kind(row)
        if kind == RESUMED:
            start = before_job if new_job else last
            gaps.append(
                _gap(
                    row["seq"],
                    RESTART,
                    start if start is not None else 0.0,
                    t,
                    "resumed",
                    "interviewer_record" if start is not None else "interview_start",
                )
            )
            new_job = False
        elif kind == JOB and last is not None:
            # A job that took over: an interviewer had recorded something before (another job's note is a record,
            # and so are the turns of one that never noted itself: an agent from before the note, or its first
            # heartbeat lost). The first job's note, before anything was recorded, is the first interviewer's.
            before_job, new_job = last, True
        if _by_interviewer(row):
            last = t if last is None else max(last, t)
    return gaps


def _joins(current: dict[str, Any], gap: dict[str, Any]) -> bool:
    """Whether `gap` is part of the stretch `current` ends: it overlaps it, or touches it where nothing shows the
    missing side back. The candidate's return closes an away spell or one out of the room (`candidate_back`: a sign
    of presence or their return at its end), so the next one that starts there is a second spell, not the same one:
    merged, a spell "away 5:00" ran over the edit they made in the middle of it."""
    if gap["start"] > current["end"]:
        return False
    return bool(gap["start"] < current["end"] or current["closed_by"] != "candidate_back")


def merged(gaps: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One gap per stretch of each kind (overlapping or touching gaps of one kind are their union, save away spells
    that meet at the candidate's return: `_joins`), every kind kept, in time order (start, then seq)."""
    out: list[dict[str, Any]] = []
    for kind in (AWAY, LEFT, RESTART):
        current: dict[str, Any] | None = None
        for gap in sorted((g for g in gaps if g["kind"] == kind), key=lambda g: (g["start"], g["seq"])):
            if current is not None and _joins(current, gap):
                if gap["end"] >= current["end"]:  # the last end, how it closed, and which bound it is
                    current |= {"end": gap["end"], "closed_by": gap["closed_by"]}
                    current.pop("end_from", None)
                    if "end_from" in gap:
                        current["end_from"] = gap["end_from"]
                current["duration_s"] = round(current["end"] - current["start"], 3)
                continue
            current = dict(gap)
            out.append(current)
    out.sort(key=lambda g: (g["t"], g["seq"]))
    return out


def _noted(gap: dict[str, Any]) -> float:
    """When the note a gap is read from was stored: the away or leaving note, or the `resumed` note that ends a
    restart (its start is read back from there)."""
    if gap["kind"] == RESTART:
        return float(gap["end"])
    return float(gap.get("noticed", gap["start"]))


def cut_at(gaps: list[dict[str, Any]], cut: float | None) -> list[dict[str, Any]]:
    """`gaps` with each that runs past the record's cut (`cut`, seconds: from then on the interviewer's events were
    refused and stored nowhere) ending there instead, or at its start when it started after it (`closed_by:
    "record_cut"`): whatever closed it after the cut (a turn, a return) may be among the refused. So is one closed
    at the end of the record that is the cut. One whose note was stored after the cut starts at its note: its start
    is read from the silence of a record that may have lost what broke it (`_noted`). Each such gap says where the
    cut is (`cut`). In time order."""
    if cut is None:
        return gaps
    out: list[dict[str, Any]] = []
    for gap in gaps:
        if _noted(gap) > cut:  # known at its note only (within the gap: a record's end before it is its end)
            at = max(gap["start"], min(_noted(gap), gap["end"]))
            gap = {k: v for k, v in gap.items() if k not in ("start_from", "noticed")} | {
                "t": at,
                "start": at,
                "duration_s": round(gap["end"] - at, 3),
            }
        if gap["end"] > cut or (gap["closed_by"] == "record_end" and gap["end"] >= cut):
            end = max(gap["start"], cut)
            gap = {k: v for k, v in gap.items() if k != "end_from"} | {
                "end": end,
                "duration_s": round(end - gap["start"], 3),
                "closed_by": CUT,
                "cut": cut,  # the end, or before it when the gap began after the cut
            }
        out.append(gap)
    out.sort(key=lambda g: (g["t"], g["seq"]))
    return out


def gap_items(
    rows: list[dict[str, Any]], end: float, *, pages: bool = True, cut: float | None = None
) -> list[dict[str, Any]]:
    """The gaps the presence notes among `rows` (stored events, any order; `gap_rows`) mark, as timeline items;
    `end` is the end of the record (an open gap is closed there); `pages`: whether the page's observations may
    place an away gap's start (not in the coaching view, which has none); `cut`: when the record is incomplete from
    (`report_repo.left_out`'s `record_full_s`), where no gap runs past (`cut_at`)."""
    timed = sorted(
        ((t, row) for row in rows if (t := _t(row.get("t"))) is not None), key=lambda p: (p[0], p[1]["seq"])
    )
    if not any(_note_kind(row) in GAP_NOTES for _, row in timed):
        return []
    gaps = merged(_away_gaps(timed, end, pages) + _left_gaps(timed, end) + _restart_gaps(timed))
    return cut_at(gaps, cut)[:MAX_GAPS]


def after_interview(kind: object, by: object) -> bool:
    """A Submit the grader made of the last code once the interview was over (grader/final_submit.py, `by:
    "grader"`). It is stored at the server's clock of when it was made, which can be hours or days past the end (a
    grading job queued behind others or retried, a first grading asked for once a model was configured), and is no
    moment of the interview: never the end of the record nor of the replay. Closed there, an away spell open at the
    end said "Candidate away 2:55:12 (until the end of the record)" of a candidate gone for the last minute of a
    45-minute interview, and the replay's scrubber ran for hours after it."""
    return kind in ("test_run", "submission") and by == "grader"


def record_end(rows: list[dict[str, Any]], shown: tuple[str, ...], ended_s: float | None) -> float:
    """The end of the record an open gap is closed at: the later of the last shown event (of types `shown`) and
    the interview's end; the grader's Submit after the interview is none of it (`after_interview`)."""
    last = max(
        (
            t
            for r in rows
            if r["type"] in shown
            and not after_interview(r["type"], _payload(r).get("by"))
            and (t := _t(r.get("t"))) is not None
        ),
        default=0.0,
    )
    return max(last, ended_s or 0.0)
