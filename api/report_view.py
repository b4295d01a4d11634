"""Everything a report page shows, gathered from the database into one template context: the scorecard version
to show (the latest ready one, else the newest; the organisation's view, or a practice candidate's coaching
view) with a notice of a re-grade pending or failed over it, facts, integrity observations, the
transcript, the runs and the final code, and where the replay loads its timeline from."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from api.db import legal_holds_repo, report_repo, time_used_repo
from api.db.pool import Conn
from api.db.sessions_repo import session_languages
from api.report_budget import MAX_PRINTED_CODE_LINES, cited_seqs, printed_code
from api.report_facts import facts_from_timeline
from api.report_lines import code_lines, field_lines, said_lines
from api.report_quotes import ReplayPlace, replay_place
from api.report_transcript import page_transcript
from api.scheduling import allowed_minutes
from api.scorecards import shown_view
from api.timeline import View, build_items, elapsed_s, timeline_item
from api.timeline_gaps import gap_items, gap_rows, record_end
from api.web_assets import REPLAY_ENTRY, Entry, WebAssets
from grader.answer import answer
from grader.schemas import CandidateScorecardOut, Facts, QuoteWhere, ScorecardAttempt, ScorecardOut

# The page lists these in the transcript; snapshots and runs live in the replay (and the runs table).
PAGE_TYPES = ("transcript", "phase_change", "test_run", "submission", "hint", "time_warning", "integrity")
TRANSCRIPT_TYPES = ("transcript", "phase_change", "hint", "time_warning")


@dataclass(frozen=True)
class ReportPage:
    """A rendered report's context (`as_context()` for the template) plus what the route needs."""

    view: View
    session: dict[str, Any]
    question: dict[str, Any] | None
    scorecard: ScorecardOut | CandidateScorecardOut | None
    # The newest version when it is not the one shown: a re-grade pending or failed over a ready scorecard.
    latest_attempt: ScorecardAttempt | None
    facts: Facts
    facts_from_grader: bool
    transcript: list[dict[str, Any]]
    runs: list[dict[str, Any]]
    integrity: list[dict[str, Any]]
    final_code: str | None
    # No final code, and the last snapshot's was not kept (past the session's code budget).
    final_code_omitted: bool
    timeline_url: str | None
    replay: Entry | None
    # The session's active legal hold: only on the organisation's own page (its key), never a share link's, the
    # PDF's or the candidate's.
    legal_hold: dict[str, Any] | None = None
    # (seq, quote) -> which place of the quote in its line or snapshot a citation stands for, when not simply the
    # first: the grader's `where`, and which of the replay's places it is (api/report_quotes.py). The replay marks it.
    quote_places: dict[tuple[int, str], ReplayPlace] | None = None
    # Gaps in the record (the candidate away, no interviewer), as the replay's timeline has them: the printed page
    # lists them (times and fixed words only; `api/timeline_gaps.py`).
    gaps: list[dict[str, Any]] | None = None
    # The candidate's requests for an accommodation or an interview with a person (the organisation's view: its
    # page, a share link, the PDF; their message on the organisation's own page only, `_requests`). Only a webhook
    # told of them, and an organisation reading results in its ATS, or on this page, graded a candidate who had
    # asked for a person or for captions without a word of it.
    requests: list[dict[str, Any]] | None = None

    def as_context(self, *, nonce: str, print_mode: bool) -> dict[str, Any]:
        counts = Counter(i["kind"] or "unknown" for i in self.integrity)
        return {
            "view": self.view,
            "session": self.session,
            "question": self.question,
            "scorecard": self.scorecard,
            "latest_attempt": self.latest_attempt,
            "facts": self.facts,
            "facts_from_grader": self.facts_from_grader,
            "transcript": self.transcript,
            # Each line of a turn marked as the turn's own, each line of the printed code numbered
            # (`api/report_lines.py`).
            "said_lines": said_lines,
            "code_lines": code_lines,
            "field_lines": field_lines,
            "runs": self.runs,
            "integrity": self.integrity,
            "integrity_counts": sorted(counts.items()),
            # Printed up to MAX_PRINTED_CODE_LINES lines (`api/report_budget.py`), then a note of what is left out.
            "final_code": printed_code(self.final_code) if self.final_code else None,
            "max_code_lines": MAX_PRINTED_CODE_LINES,
            "final_code_omitted": self.final_code_omitted,
            "timeline_url": self.timeline_url,
            "legal_hold": self.legal_hold,
            "quote_places": self.quote_places or {},
            "gaps": self.gaps or [],
            "requests": self.requests or [],
            # A citation of a run of custom input says so, as the runs table and the replay do: its calls returning
            # checked nothing, and "Run" alone read as a run of the question's tests.
            "custom_runs": {r["seq"] for r in self.runs if r.get("custom")},
            "replay": None if print_mode else self.replay,
            "nonce": nonce,
            "print_mode": print_mode,
        }


async def load_report(
    conn: Conn,
    session: dict[str, Any],
    *,
    view: View,
    timeline_url: str | None,
    assets: WebAssets,
    with_legal_hold: bool = False,
) -> ReportPage:
    """`with_legal_hold`: the reader is the organisation itself (its key), who is shown the session's legal hold."""
    sid = session["id"]
    if session["retention_applied_at"] is not None:
        # The record is gone: the page says so where the replay was, and draws no half replay.
        timeline_url = None
    scorecard = await shown_view(conn, sid, coach=view != "org")
    latest = scorecard.latest_attempt if scorecard else None
    # From when the record may be incomplete: the agent's events refused past the session's budget, the page's
    # observations past their cap (seconds from the start, or None). Once retention erased the record the page says
    # that instead.
    left_out = (
        {"record_full_s": None, "observations_capped_s": None}
        if session["retention_applied_at"] is not None
        else await report_repo.left_out(conn, sid)
    )
    items = build_items(
        await report_repo.timeline_events(conn, sid, PAGE_TYPES, with_code=False),
        view,
        cut_s=left_out["record_full_s"],
    )
    snapshot = await report_repo.last_snapshot(conn, sid)
    last = (
        timeline_item({**snapshot, "type": "editor_snapshot", "run_code": None, "run_language": None})
        if snapshot
        else None
    )
    # The answer (grader/answer.py): the code the page prints as the final code and the one language it states
    # wherever it states one (its header, the facts), as the grader's facts and the model's "Final code" name them.
    # A scorecard's facts written before it was the definition may state another; the page states this one.
    runs = [i for i in items if i["type"] in ("test_run", "submission")]
    chosen = answer(
        final_code=session["final_code"],
        session_language=session["language"],
        languages=session_languages(session),
        snapshot=last,
        snapshot_seq=last["seq"] if last else None,
        run_language=runs[-1].get("language") if runs else None,
    )
    final_code, language = chosen.code, chosen.language
    final_code_omitted = not final_code and last is not None and last.get("code_omitted") is True
    facts = scorecard.facts if scorecard and scorecard.facts else None
    if facts is not None and facts.language != language:
        facts = facts.model_copy(update={"language": language})
    if facts is None:
        facts = facts_from_timeline(
            items,
            language=language,
            # Counted as the grader's facts count it (to the interview's own end, not to a late close: the stall
            # sweep's an hour after it); once retention erased the record, nothing is left to count from.
            time_used_s=elapsed_s(session)
            if session["retention_applied_at"] is not None
            else await time_used_repo.time_used_s(conn, session, left_out),
            time_allowed_s=allowed_minutes(session) * 60,
        )
    return ReportPage(
        view=view,
        session={
            "id": sid,
            "status": session["status"],
            "language": language,
            "created_at": session["created_at"],
            "started_at": session["started_at"],
            "ended_at": session["ended_at"],
            "end_reason": session["end_reason"],
            "duration_minutes": session["duration_minutes"],
            # What the header states the time used against: the candidate's own time, extra time included.
            "time_allowed_s": allowed_minutes(session) * 60,
            "practice": session["practice"],
            "retention_applied_at": session["retention_applied_at"],
            # Never started, and its invite ran out: the interview will not take place (the status stays
            # `scheduled`; the join link is refused).
            "invite_expired_at": session["invite_expires_at"]
            if session["status"] == "scheduled" and session["invite_expires_at"] <= datetime.now(UTC)
            else None,
            # The coaching view is the candidate's own; an organisation's readers see whom they are reading about.
            "candidate_name": session["candidate_name"] if view == "org" else None,
            "candidate_external_id": session["candidate_external_id"] if view == "org" else None,
            **left_out,
        },
        question=await report_repo.question_header(conn, session["question_id"]),
        scorecard=scorecard,
        latest_attempt=latest if scorecard and latest and latest.version != scorecard.version else None,
        facts=facts,
        facts_from_grader=scorecard is not None and scorecard.facts is not None,
        transcript=page_transcript(
            [i for i in items if i["type"] in TRANSCRIPT_TYPES], cited_seqs(scorecard)
        ),
        runs=runs,
        integrity=[i for i in items if i["type"] == "integrity"],
        final_code=final_code,
        final_code_omitted=final_code_omitted,
        timeline_url=timeline_url,
        replay=assets.entry(REPLAY_ENTRY),
        legal_hold=await legal_holds_repo.active_hold(conn, sid)
        if with_legal_hold and view == "org"
        else None,
        quote_places=await _quote_places(conn, sid, scorecard, items),
        gaps=await _gaps(conn, session, view, left_out["record_full_s"]),
        requests=await _requests(conn, sid, own=with_legal_hold) if view == "org" else None,
    )


async def _requests(conn: Conn, sid: str, *, own: bool) -> list[dict[str, Any]]:
    """The candidate's requests; their message only for the organisation itself (`own`, its key). A message can
    say what a candidate needs and why (a disability, a health condition): a share link is forwarded and a PDF
    travels to an ATS, so those say that a request was made, of which kind and when, and where its words are."""
    rows = await report_repo.accommodation_requests(conn, sid)
    return [
        {**r, "withheld": bool(r["message"]) and not own, "message": r["message"] if own else None}
        for r in rows
    ]


async def _gaps(conn: Conn, session: dict[str, Any], view: View, cut_s: float | None) -> list[dict[str, Any]]:
    """The gaps the replay's timeline shows, read the same way (`api/timeline_gaps.py`), none past the record's cut
    (`cut_s`): none once retention erased the record (the replay section says so instead)."""
    if session["retention_applied_at"] is not None:
        return []
    rows = await gap_rows(conn, session["id"], report_repo.TIMELINE_TYPES)
    shown = tuple(t for t in report_repo.TIMELINE_TYPES if view == "org" or t != "integrity")
    return gap_items(rows, record_end(rows, shown, elapsed_s(session)), pages=view == "org", cut=cut_s)


def _citations(
    scorecard: ScorecardOut | CandidateScorecardOut | None,
) -> dict[tuple[int, str, str], QuoteWhere | None]:
    """(seq, quote, type) of every citation of a transcript line or a snapshot with a quote in `scorecard`, and
    `where` the grader found it (None: a scorecard graded before it was recorded)."""
    found: dict[tuple[int, str, str], QuoteWhere | None] = {}
    stack: list[Any] = [scorecard.model_dump(mode="json")] if scorecard else []
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            seq, quote, kind = node.get("seq"), node.get("quote"), node.get("type")
            if isinstance(seq, int) and isinstance(quote, str) and quote and kind in QUOTED_TYPES:
                where = node.get("where")
                placed = QuoteWhere.model_validate(where) if isinstance(where, dict) else None
                found[(seq, quote, kind)] = found.get((seq, quote, kind)) or placed
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return found


# A citation's quote is marked in its transcript line (the page's) or its snapshot's code (the replay's code view).
QUOTED_TYPES = ("transcript", "editor_snapshot")


async def _quote_places(
    conn: Conn,
    sid: str,
    scorecard: ScorecardOut | CandidateScorecardOut | None,
    items: list[dict[str, Any]],
) -> dict[tuple[int, str], ReplayPlace]:
    """For each citation, the place it stands for (`api.report_quotes.replay_place`: the grader's `where`, checked,
    and which of the replay's places it is), when it has a `where` that holds or is not the first place. Only the
    cited snapshots' code is read."""
    cited = _citations(scorecard)
    if not cited:
        return {}
    texts = {
        i["seq"]: i["text"] for i in items if i["type"] == "transcript" and isinstance(i.get("text"), str)
    }
    snapshots = sorted({seq for seq, _, kind in cited if kind == "editor_snapshot"})
    if snapshots:
        cur = await conn.execute(
            """
            select seq, payload->>'code' as code from session_events
            where session_id = %s and type = 'editor_snapshot' and seq = any(%s)
            """,
            (sid, snapshots),
        )
        codes = {int(r["seq"]): r["code"] for r in await cur.fetchall() if isinstance(r["code"], str)}
    else:
        codes = {}
    places: dict[tuple[int, str], ReplayPlace] = {}
    for (seq, quote, kind), where in cited.items():
        text = texts.get(seq) if kind == "transcript" else codes.get(seq)
        if not text:
            continue
        place = replay_place(text, quote, speech=kind == "transcript", where=where)
        if place.occurrence or place.where:
            places[(seq, quote)] = place
    return places
