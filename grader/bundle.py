"""The bundle: one interview as the grading model reads it, and the index its citations are checked against.

Built from a `BundleInput` and its facts, with no database:
- `interview`: the facts, then one chronological timeline (transcript lines of the graded phases with their `seq`
  and start/end seconds, the greeting's, the wrap-up's and any said after the end left out (grader/graded_lines.py);
  code snapshots as bounded diffs; every run and submission with its results; hints and phases), the final code and
  a summary of the page's integrity observations. Names, e-mails, contact details and gendered words are replaced
  (grader/redact.py). The prompt puts all of it inside delimited interview data.
- `index`: what each `seq` may be quoted for (grader/evidence.py).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

from grader.answer import bundle_answer
from grader.asked_name import asked_name_terms
from grader.code_timeline import (
    MAX_FINAL_CODE_CHARS,
    MAX_FIRST_CODE_CHARS,
    ShownSnapshot,
    Snapshot,
    clip,
    diff,
    fence,
    plan,
)
from grader.devtools_seen import devtools_line
from grader.evidence import CitableEvent, CitationIndex, normalise
from grader.evidence_words import question_vocabulary
from grader.facts import run_events, snapshot_language
from grader.graded_lines import UNGRADED_PHASES, ungraded_lines
from grader.leaks import reference_lines
from grader.line_pairs import across_lines, edges, with_spans
from grader.name_answers import answer_spans
from grader.redact import Redacted, Redactor
from grader.run_lines import MAX_VALUE_CHARS as MAX_VALUE_CHARS  # also where tests read them
from grader.run_lines import REDACT_WINDOW_CHARS as REDACT_WINDOW_CHARS
from grader.run_lines import flat as _flat
from grader.run_lines import run_text as _run_text
from grader.run_lines import secs as _secs
from grader.schemas import BundleEvent, BundleInput, BundleRun, Facts
from grader.self_named import called_in_lower_case, self_introduced
from grader.time_used import closed_late_line
from grader.transcript_lines import MAX_LINE_CHARS as MAX_LINE_CHARS  # also where tests read them
from grader.transcript_lines import MAX_TRANSCRIPT_CHARS as MAX_TRANSCRIPT_CHARS
from grader.transcript_lines import bounded, redact_line, shown_size

CODE_NOT_KEPT = "code not kept: this session exceeded its recording budget"  # a run stored past it
MAX_RUNS_LISTED = 60  # runs and submissions in the timeline; past that, the oldest runs are left out
RUN_DETAIL_BUDGET_CHARS = 12_000  # failed tests and compiler output of all runs together (~3,000 tokens)
# The code of runs that is in no shown snapshot (the routes take any code, not only the editor's), all together;
# each as a diff from the last snapshot shown before it, at most `MAX_UNSNAPPED_DIFF_LINES` lines.
UNSNAPPED_CODE_BUDGET_CHARS = 4_000
MAX_UNSNAPPED_DIFF_LINES = 30
RUN_TYPES = ("test_run", "submission")
ROLES = {"user": "C", "assistant": "I"}
TYPED_ROLE = (
    "C (typed)"  # a candidate's message typed into the page's chat (the agent's `typed` transcript field)
)


@dataclass(frozen=True)
class Bundle:
    interview: str
    index: CitationIndex
    language: str
    facts: Facts  # what the scorecard's words about test results are checked against (grader/claims.py)
    # The reference solution's lines the candidate did not write: never in the scorecard's words (grader/leaks.py).
    reference_lines: tuple[str, ...] = ()


def describe_facts(f: Facts, record_full_s: float | None = None) -> str:
    """The facts in words. With `record_full_s` (`BundleSession.record_full_s`: the interviewer's events refused
    from then on), a line first says from when the record is incomplete, and the counts read from those events
    (hints, phases, speech, the complexity claimed) are said to stop there: lower bounds, not the whole interview's.
    Runs and submissions are recorded apart (never refused with them)."""
    cut = None if record_full_s is None else _secs(record_full_s)

    def record(name: str, r: Any) -> str:
        if r.best is None:
            return f"{name}: never run"
        return f"{name}: best {r.best.passed}/{r.best.total}, final {r.final.passed}/{r.final.total} passed"

    lines = [
        f"- language: {f.language or 'unknown'}",
        f"- {record('visible tests', f.visible_tests)}; {record('hidden tests', f.hidden_tests)}",
        f"- runs by the candidate or interviewer: {f.runs}; submissions: {f.submissions}; "
        f"compile errors among them: {f.compile_errors}",
        "- first run passing every visible test: "
        + (
            f"{round(f.first_all_visible_pass_s)} s into the interview"
            if f.first_all_visible_pass_s
            else "none"
        ),
        f"- hints given: {'at least ' if cut is not None else ''}{len(f.hints)}"
        + (f" (at {', '.join(_secs(h.t) + ' s' for h in f.hints)})" if f.hints else "")
        + (f"; any after {cut} s are not recorded" if cut is not None else ""),
        f"- time used: {_secs(f.time_used_s)} s of {_secs(f.time_allowed_s)} s allowed; "
        f"phases reached: {', '.join(f.phases_reached) or 'none recorded'}"
        + (f" (any after {cut} s are not recorded)" if cut is not None else ""),
        "- candidate's share of speaking time: "
        + (f"{round(f.talk_time_ratio * 100)}%" if f.talk_time_ratio is not None else "unknown")
        + (f" (of the speech recorded before {cut} s)" if cut is not None else ""),
        f"- time complexity claimed (as the interviewer recorded it): {f.complexity_claimed or 'not recorded'}"
        + (f" (a claim after {cut} s is not recorded)" if cut is not None else ""),
    ]
    if cut is not None:
        lines.insert(
            0,
            f"- the record is incomplete from {cut} s: this session's record reached its size limit, and what the "
            "interviewer recorded after then (turns said or typed, hints, phase changes, code snapshots, notes) may "
            "be missing. The counts below read from it are lower bounds, and the timeline's silence after "
            f"{cut} s is no evidence that something did not happen (no hint, no later phase, nothing said). Runs "
            "and submissions are recorded apart and are complete.",
        )
    if f.final_submit_by_grader and f.submissions:
        lines.append(
            "- the candidate's submission was not judged (a judge error, not theirs): the grader submitted the "
            "same code again against every test after the interview"
        )
    elif f.final_submit_by_grader:
        lines.append(
            "- the candidate never submitted: the grader submitted their last code against every test"
        )
    elif f.final_code_not_judged:
        lines.append(
            "- the candidate never submitted, and their last code could not be judged "
            f"({f.final_code_not_judged.replace('_', ' ')}): no hidden test ran"
        )
    return "\n".join(lines)


@dataclass(frozen=True)
class _ShownRuns:
    listed: set[int]  # runs in the timeline (citable)
    detailed: set[int]  # of those, runs shown with their failed tests or compiler output


def _runs_shown(events: list[BundleEvent], run_of: dict[int, BundleRun | None]) -> _ShownRuns:
    """Which runs the timeline lists, and which with details, within bounds: a candidate can run hundreds of times
    (and print, raise and return what they like), which must not grow the model's input without limit. Every
    submission and run is listed up to `MAX_RUNS_LISTED` (past that: the first run, the newest submissions, then
    the newest runs); details go to submissions first, then the newest runs, within `RUN_DETAIL_BUDGET_CHARS`."""
    runs = [e for e in events if e.type in RUN_TYPES]
    listed = {e.seq for e in runs}
    if len(runs) > MAX_RUNS_LISTED:
        listed = {runs[0].seq}
        submissions = [e for e in reversed(runs) if e.type == "submission"]
        for e in [*submissions[: MAX_RUNS_LISTED // 2], *reversed(runs)]:
            if len(listed) >= MAX_RUNS_LISTED:
                break
            listed.add(e.seq)
    texts = {e.seq: _run_text(run_of.get(e.seq), e, "")[0] for e in runs if e.seq in listed}
    detailed: set[int] = set()
    spent = 0
    for e in sorted((e for e in runs if e.seq in listed), key=lambda e: (e.type != "submission", -e.seq)):
        size = len(texts[e.seq]) - len(texts[e.seq].split("\n", 1)[0])
        if spent + size <= RUN_DETAIL_BUDGET_CHARS:
            detailed.add(e.seq)
            spent += size
    return _ShownRuns(listed, detailed)


def _unsnapped_code(
    events: list[BundleEvent],
    run_of: dict[int, BundleRun | None],
    shown: dict[int, ShownSnapshot],
    views: dict[int, Redacted],
    shown_runs: _ShownRuns,
    redactor: Redactor,
) -> dict[int, str]:
    """For listed runs whose code is in no snapshot shown before them, that code as the model reads it: a diff from
    the last snapshot shown before the run (or the code itself, clipped, when none was). The run and submission
    routes take any code, so the code that earned a run's results may never have been in the editor; the facts
    count its tests. Within `UNSNAPPED_CODE_BUDGET_CHARS`, submissions first, then the newest runs; past it a run
    only says "code not in a shown snapshot"."""
    blocks: dict[int, str] = {}
    seen: set[str] = set()
    last: int | None = None
    for e in events:
        if e.type == "editor_snapshot" and e.seq in shown:
            seen.add(shown[e.seq].snapshot.sha)
            last = e.seq
        elif (
            e.type in RUN_TYPES
            and e.seq in shown_runs.listed
            and (run := run_of.get(e.seq)) is not None
            and run.code is not None
        ):
            code = redactor.code(run.code, run.language).text
            if Snapshot(0, None, "", code).sha in seen:
                continue
            if last is None:
                blocks[e.seq] = "  its code, never in a shown snapshot:\n" + fence(
                    clip(code, MAX_FIRST_CODE_CHARS // 2), run.language
                )
            else:
                body = diff(views[last].text, code, MAX_UNSNAPPED_DIFF_LINES)
                blocks[e.seq] = (
                    f"  its code, never in a shown snapshot (diff from snapshot [{last}]):\n"
                    + fence(body, "diff")
                )
    kept: dict[int, str] = {}
    spent = 0
    kinds = {e.seq: e.type for e in events if e.seq in blocks}
    for seq in sorted(blocks, key=lambda seq: (kinds[seq] != "submission", -seq)):
        if spent + len(blocks[seq]) <= UNSNAPPED_CODE_BUDGET_CHARS:
            kept[seq] = blocks[seq]
            spent += len(blocks[seq])
    return kept


def _integrity(events: list[BundleEvent], capped_s: float | None = None) -> str:
    """The page's observations by kind. With `capped_s` (`BundleSession.observations_capped_s`), a line first says
    that those after then were dropped past the session's cap, not that none happened."""
    kinds: dict[str, list[BundleEvent]] = {}
    for e in events:
        kinds.setdefault(str(e.payload.get("kind")), []).append(e)
    capped = (
        [
            f"- from {_secs(capped_s)} s on, the page's observations were not recorded (this session reached the "
            "most it records): the counts below are lower bounds"
        ]
        if capped_s is not None
        else []
    )
    if not kinds:
        return "\n".join(capped) or "none"
    parts = capped
    for kind, items in sorted(kinds.items()):
        if kind in ("paste", "fast_insertion"):
            biggest = max(items, key=lambda e: int(e.payload.get("chars") or 0))
            parts.append(
                f"- {kind.replace('_', ' ')}: {len(items)} time(s); largest {biggest.payload.get('chars', '?')} "
                f"characters ({biggest.payload.get('lines', '?')} lines) at {_secs(biggest.t)} s"
            )
        elif kind in ("focus_lost", "page_hidden"):
            total = sum(int(e.payload.get("duration_ms") or 0) for e in items) / 1000
            parts.append(f"- {kind.replace('_', ' ')}: {len(items)} time(s), {round(total)} s in all")
        elif kind == "devtools":
            parts.append(devtools_line(items))
        else:
            parts.append(f"- {kind.replace('_', ' ')}: {len(items)} time(s)")
    return "\n".join(parts)


def candidate_lines(source: BundleInput) -> list[str]:
    """The candidate's own lines, said or typed: the names they introduce themself by (grader/self_named.py) and
    what they stated of their code's complexity (grader/claim_complexity.py) are read from them."""
    return [
        str(e.payload.get("text") or "")
        for e in source.events
        if e.type == "transcript" and e.payload.get("role") == "user"
    ]


def build_bundle(source: BundleInput, facts: Facts) -> Bundle:
    # The names the candidate introduces themself by (grader/self_named.py) and the one the interviewer kept to call
    # them by (grader/asked_name.py) are theirs as the name on file is; one asked for in lower case, where written
    # as a name.
    own = candidate_lines(source)
    said_lines = [
        (e.seq, str(e.payload.get("role")), str(e.payload.get("text") or ""))
        for e in source.events
        if e.type == "transcript"
    ]
    # Past its bound, a name the interviewer says or one sharing a word with the name on file is kept first.
    prefer = [*source.redact, *(text for _, role, text in said_lines if role != "user")]
    redactor = Redactor(
        [
            *source.redact,
            *self_introduced(own, edges(said_lines, "user"), prefer),
            *asked_name_terms(source.events),
        ],
        # The question's own words, its statement's and its rubric's (grader/evidence_words.py).
        vocabulary=question_vocabulary(source.question),
        affiliations=source.affiliations,
        written_names=called_in_lower_case(own),
    )
    index = CitationIndex(
        types={e.seq: e.type for e in source.events},
        given_code=tuple(normalise(code)[0] for code in source.question.starter_code.values()),
        starter=tuple(source.question.starter_code.items()),
        statement=f"{source.question.title}\n{source.question.statement_md}",
        hints=tuple(
            (e.seq, str(e.payload["text"]))
            for e in source.events
            if e.type == "hint" and isinstance(e.payload.get("text"), str)
        ),
    )
    runs = {r.id: r for r in source.runs}
    by_submission = run_events(source)
    run_of = {e.seq: runs.get(sid) for sid, e in by_submission.items()}

    snapshot_views = {
        e.seq: redactor.code(str(e.payload["code"]), snapshot_language(e, source.session.language))
        for e in source.events
        if e.type == "editor_snapshot" and isinstance(e.payload.get("code"), str)
    }
    snapshots = [
        Snapshot(e.seq, e.t, snapshot_language(e, source.session.language), snapshot_views[e.seq].text)
        for e in source.events
        if e.seq in snapshot_views and e.type == "editor_snapshot"
    ]
    shown_runs = _runs_shown(source.events, run_of)
    # The code each listed run judged and each phase started from; a run left out of the timeline anchors nothing.
    anchors: set[int] = set()
    last_snapshot: int | None = None
    for e in source.events:
        if e.type == "editor_snapshot" and e.seq in snapshot_views:
            last_snapshot = e.seq
        elif last_snapshot is not None and (
            e.type == "phase_change" or (e.type in RUN_TYPES and e.seq in shown_runs.listed)
        ):
            anchors.add(last_snapshot)
    shown: dict[int, ShownSnapshot] = {s.snapshot.seq: s for s in plan(snapshots, anchors)}
    by_sha: dict[str, int] = {}

    unsnapped = _unsnapped_code(source.events, run_of, shown, snapshot_views, shown_runs, redactor)
    detailed = shown_runs.detailed
    runs_omitted_noted = False
    code_omitted_noted = False
    end_noted = False
    ungraded = ungraded_lines(source.events, source.session)
    not_shown = ungraded.seqs
    after_end = set(ungraded.after_end)
    # The transcript lines as shown: the ones a runaway transcript leaves out chosen before any is redacted, and of
    # a long line only its head and tail redacted (grader/transcript_lines.py).
    prefixes: dict[int, str] = {}
    for e in source.events:
        if e.type == "transcript" and e.seq not in not_shown:
            p = e.payload
            role = ROLES.get(str(p.get("role")), "?")
            if role == ROLES["user"] and p.get("typed") is True:
                role = TYPED_ROLE  # typed (or pasted) into the chat, not said aloud
            start = p.get("start") if isinstance(p.get("start"), int | float) else e.t
            end = p.get("end") if isinstance(p.get("end"), int | float) else start
            prefixes[e.seq] = f"[{e.seq}] {_secs(start)}-{_secs(end)}s {role}: "
    words = {e.seq: str(e.payload.get("text") or "") for e in source.events if e.seq in prefixes}
    typed = {seq for seq, prefix in prefixes.items() if TYPED_ROLE in prefix}  # left out first (`bounded`)
    dropped = bounded(
        [(seq, len(prefix) + shown_size(words[seq])) for seq, prefix in prefixes.items()], typed
    )
    lines: dict[int, str] = {}
    speech: dict[int, tuple[Redacted, ...]] = {}
    kept = [seq for seq in prefixes if seq not in dropped]
    # A name or a number said across two lines of one speaker (grader/line_pairs.py).
    roles = {e.seq: str(e.payload.get("role")) for e in source.events if e.seq in prefixes}
    pieces = across_lines([(seq, roles[seq], words[seq]) for seq in kept], redactor.speech)
    # The name on file in lower case answering the interviewer's question for it (grader/name_answers.py).
    answers = answer_spans([(seq, roles[seq], words[seq]) for seq in kept], redactor.answered_name)
    for seq, spans in answers.items():
        pieces.setdefault(seq, []).extend(spans)
    for seq in kept:
        speak = (
            functools.partial(with_spans, spans=pieces[seq], redact=redactor.speech)
            if seq in pieces
            else None
        )
        speech[seq], text = redact_line(words[seq], speak or redactor.speech)
        lines[seq] = prefixes[seq] + text
    dropped |= bounded([(seq, len(line)) for seq, line in lines.items()], typed)  # a placeholder is longer
    out: list[str] = []
    for e in source.events:
        if e.type == "transcript" and e.seq in after_end and not end_noted and ungraded.end is not None:
            out.append(
                f"-- {_secs(ungraded.end.s)}s the interview ended ({len(after_end)} line(s) said after it: not "
                "graded, not shown)"
            )
            end_noted = True
        elif e.type == "transcript" and e.seq in lines and e.seq not in dropped:
            out.append(lines[e.seq])
            speaker = "interviewer" if e.payload.get("role") == "assistant" else "candidate"
            index.citable[e.seq] = CitableEvent(
                e.seq, e.type, speech[e.seq], speaker=speaker, size=len(words[e.seq])
            )
        elif e.type == "editor_snapshot" and e.seq in shown:
            s = shown[e.seq]
            by_sha[s.snapshot.sha] = e.seq
            if s.previous is None:
                head = f"[{e.seq}] {_secs(e.t)}s code snapshot ({s.snapshot.language}), in full:"
                body = fence(s.body, s.snapshot.language)
            else:
                gap = f"; {s.omitted_before} snapshot(s) in between not shown" if s.omitted_before else ""
                head = (
                    f"[{e.seq}] {_secs(e.t)}s code snapshot ({s.snapshot.language}), "
                    f"diff from [{s.previous.seq}]{gap}:"
                )
                body = fence(s.body, "diff")
            out.append(f"{head}\n{body}")
            index.citable[e.seq] = CitableEvent(
                e.seq, e.type, (snapshot_views[e.seq],), language=s.snapshot.language
            )
        elif e.type == "editor_snapshot" and e.payload.get("code_omitted") is True and not code_omitted_noted:
            omitted = sum(
                1 for r in source.events if r.type == e.type and r.payload.get("code_omitted") is True
            )
            out.append(
                f"-- from {_secs(e.t)}s, the code of {omitted} snapshot(s) was not kept: this session exceeded "
                "its recording budget (the final code and the runs still show what was judged)"
            )
            code_omitted_noted = True
        elif e.type in RUN_TYPES and e.seq not in shown_runs.listed:
            if not runs_omitted_noted:
                omitted = sum(1 for r in source.events if r.type in RUN_TYPES) - len(shown_runs.listed)
                out.append(
                    f"-- {omitted} older runs of this long interview are not shown (the facts count them)"
                )
                runs_omitted_noted = True
        elif e.type in RUN_TYPES:
            run = run_of.get(e.seq)
            note = "code not recorded"
            if run is not None and run.code is None:
                note = f"{CODE_NOT_KEPT} ({run.code_bytes or '?'} bytes)"
            elif run is not None and run.code is not None:
                view = redactor.code(run.code, run.language)
                same = by_sha.get(Snapshot(0, None, "", view.text).sha)
                note = f"code as snapshot [{same}]" if same else "code not in a shown snapshot"
            text, quotable = _run_text(run, e, note, redactor)
            if e.seq not in detailed and "\n" in text:
                text = text.split("\n", 1)[0] + " (details not shown)"
                quotable = quotable.split("\n", 1)[0]
            if e.seq in unsnapped:
                text += "\n" + unsnapped[e.seq]
            out.append(text)
            # Quotable as our result text only: its code is the candidate's (cited through its snapshot).
            verdict = (run.verdict if run else None) or e.payload.get("verdict")
            by = e.payload.get("by")
            index.citable[e.seq] = CitableEvent(
                e.seq,
                e.type,
                (),
                shown=quotable,
                verdict=None if verdict is None else str(verdict),
                by=None if by is None else str(by),
                code=None if run is None else run.code,
                language=None if run is None else run.language,
            )
        elif e.type == "hint":
            hint = e.payload.get("text")
            said = f": {_flat(clip(hint, 400))}" if isinstance(hint, str) and hint else ""
            # Counted as given when the interviewer's job died while saying it (agent.hints `presume`): how much the
            # candidate heard is not known, and the grader is told so.
            unsettled = " (the interviewer stopped while saying it: it may not all have been heard)"
            out.append(f"-- {_secs(e.t)}s the interviewer gave hint {e.payload.get('index', '?')} of "
                       f"{e.payload.get('total', '?')}{said}"
                       f"{unsettled if e.payload.get('unsettled') is True else ''}")  # fmt: skip
        elif e.type == "phase_change" and e.payload.get("to"):
            hidden = len(ungraded.by_phase.get(e.seq, []))
            what = (
                f" ({UNGRADED_PHASES[str(e.payload['to'])]}: {hidden} line(s), not graded, not shown)"
                if hidden
                else ""
            )
            out.append(f"-- {_secs(e.t)}s phase: {e.payload['to']}{what}")
    if dropped & typed:
        out.append(
            f"-- {len(dropped & typed)} typed transcript lines of this very long interview are not shown"
        )
    if dropped - typed:
        out.append(
            f"-- {len(dropped - typed)} transcript lines from the middle of this very long interview are not shown"
        )

    sections = [
        "## Facts (computed by code from the event log and the test runs)",
        describe_facts(facts, source.session.record_full_s),
    ]
    late = closed_late_line(source)
    if late is not None:
        sections[-1] += "\n" + late
    sections += [
        "## Timeline ([seq] is what you cite; C: the candidate, I: the interviewer; "
        f"{TYPED_ROLE}: typed into the chat by the candidate, not said aloud)",
        "\n".join(out),
    ]
    # The answer (grader/answer.py): the code the facts, the grader's final Submit and the report speak of. Snapshots
    # after it (the editor switched, or typed on after a Submit locked the answer) are not it.
    chosen = bundle_answer(source)
    if chosen.code is not None:
        text = redactor.code(chosen.code, chosen.language).text
        cited = by_sha.get(Snapshot(0, None, "", text).sha)
        head = (
            f"## Final code: snapshot [{cited}] ({chosen.language})"
            if cited is not None
            else "## Final code (not recorded as a snapshot; it cannot be cited)"
        )
        sections += [head, fence(clip(text, MAX_FINAL_CODE_CHARS), chosen.language)]
        later = [s for s in snapshots if cited is None or s.seq > cited]
        if later and later[-1].code != text:
            sections.append(
                f"(The editor's code changed after this: the last snapshot, [{later[-1].seq}] "
                f"({later[-1].language}), is not the answer.)"
            )
        submitted = [r for r in source.runs if r.kind == "submit" and r.code is not None]
        if submitted and submitted[-1].code != chosen.code:
            # Resubmission allowed, and the candidate edited after their last Submit: the facts' final hidden
            # results are that Submit's, not this code's.
            where = by_submission.get(submitted[-1].id)
            sections.append(
                f"(The last submission{f', [{where.seq}],' if where else ''} judged other code than this: the "
                "final test results in the facts are that code's, not this code's.)"
            )
    sections += [
        "## Integrity observations from the candidate's page (context only; each has innocent explanations)",
        _integrity([e for e in source.events if e.type == "integrity"], source.session.observations_capped_s),
    ]
    return Bundle(
        interview="\n\n".join(sections),
        index=index,
        language=facts.language or source.session.language,
        facts=facts,
        reference_lines=tuple(reference_lines(source)),
    )
