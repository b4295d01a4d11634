"""Resuming an interview: the conversation and interview state rebuilt from the session's stored events."""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Sequence
from dataclasses import dataclass, field

from livekit.agents import llm

from agent import candidate_asked
from agent.ai_notice import said_the_line
from agent.candidate_asked import Asked
from agent.complexity_claims import from_note
from agent.complexity_words import Part
from agent.context import EventIn, SessionEvent
from agent.fence import cut
from agent.hints import NOT_HEARD
from agent.language import SUPPORTED
from agent.speech_budget import bounded_spoken
from agent.state import SeenRun

MAX_ITEMS = 400  # the tail of a very long conversation is enough context to continue it
# The restored conversation is held in the job's memory and sent with every model request: the stored log may hold
# up to 256 KiB per event (a monologue's transcript), so each item is shortened for it (the log keeps every word) and
# the tail kept is bounded in characters too.
MAX_ITEM_CHARS = 8_000
MAX_CHARS = 160_000
MAX_CHECKINS = 8  # check-ins whose words are remembered (never said twice, agent.checkins)
# Spells out of the room kept since the candidate was last active (agent.silence keeps as many).
MAX_SPELLS = 100
MAX_CHECKIN_CHARS = 600
MAX_TOPICS, MAX_TOPIC_CHARS = 16, 64  # stream topics whose refusal notes are counted (a few are ours)
MAX_HINTS, MAX_HINT_WORDS, MAX_WORD_CHARS = 50, 200, 40  # hints taken back whose heard words are read back
MAX_CALL_ID_CHARS = 40  # the longest tool call id OpenAI's chat completions accept


@dataclass
class ResumePoint:
    """Where a restarted job picks up (``agent.interview.ResumePoint``).

    Turn counts are the candidate's decided turns (``turn_decision`` notes), as the live job counts them. Times are
    the interview clock's (the events' ``t``), which survives a restart."""

    chat_ctx: llm.ChatContext
    phase: str
    hints_given: int
    last_t: float | None
    transcript_items: int
    editor_code: str | None = None
    editor_language: str | None = None
    paste_noted: bool = False  # the interviewer already had its one large-paste note
    # The complexity claimed before the restart, as recorded (agent.complexity_claims): not asked for again.
    complexity_claims: dict[Part, tuple[str, str]] = field(default_factory=dict)
    # The greeting's messages (before the first change to another phase): left out of later phases' model turns.
    background_items: frozenset[str] = frozenset()
    # What the candidate asked there of how they are talked with, from begin_problem's call (agent.candidate_asked).
    asked: Asked = field(default_factory=Asked)
    warned_minutes: frozenset[int] = frozenset()  # time warnings already given (recorded), never given again
    # The language question (agent.language ``LanguageWatch``), asked once per interview (``language_mismatch``, with
    # the language heard), never asked again; the language the candidate chose (``language_switched``), which the
    # speech-to-text, the instructions and the scripted lines follow instead of the session's.
    language_asked: bool = False
    languages_heard: tuple[str, ...] = ()
    switched_language: str | None = None
    # Notes given once per interview (or a few times): given before the restart, not given again.
    speech_truncated: bool = False
    chat_truncated: bool = False
    sender_refusals: dict[str, int] = field(default_factory=dict)  # refusal notes per topic (agent.senders)
    chat_drop_notes: int = 0
    chat_dropped: int = 0
    chat_dropping: bool = False  # the last typed message was dropped: the stretch goes on
    # Turns: the end question ("shall we stop here?") put at ``end_confirm_turn`` and not refused since (the
    # candidate's next turn answers it, before or after the restart); the phase entered at ``phase_entered_turn``;
    # a hint given in answer to ``last_hint_turn``.
    user_turns: int = 0
    # Each candidate turn of the restored conversation already decided: (item id, reply, reason, request kind). A
    # turn decided before the restart is not decided (nor counted, nor noted) again when the resumed reply answers it.
    turn_decisions: tuple[tuple[str, bool, str, str | None], ...] = ()
    phase_entered_turn: int = 0
    end_confirm_turn: int | None = None
    last_hint_turn: int | None = None
    # Per hint taken back (``hint_unheard`` notes): its own words the attempts at it said and those played, all jobs
    # together; the interview build keeps those that are the hint's words (agent.hints ``restored``).
    hint_heard: dict[int, tuple[tuple[str, ...], tuple[str, ...]]] = field(default_factory=dict)
    # Hints whose attempt has no outcome in the record (a ``hint_started`` note, then its tool answer, and neither
    # a ``hint`` nor a ``hint_unheard`` for it: the job died mid-reply), as (index, phase, the note's ``t``): counted
    # as heard by the interview build (agent.hints ``presume``).
    unsettled_hints: tuple[tuple[int, str, float | None], ...] = ()
    # Hints recorded as given, ``unsettled``, with no ``hint_told`` note after: the job that presumed them died before
    # the candidate's page was told of them. The interview build has them told (agent.hints ``owe``).
    untold_hints: tuple[int, ...] = ()
    end_reason: str | None = None  # the interview had ended (END recorded, or the End button pressed)
    # Silence (agent.silence): the candidate's last speech (a turn's end, a ``candidate_heard`` note) or edit; the
    # interviewer's last words; the check-ins given since the candidate was last active; the no-show stage; the coding
    # check-ins' words.
    candidate_active_t: float | None = None
    interviewer_t: float | None = None
    quiet_stage: int = 0
    quiet_step_t: float | None = None  # when the latest of those check-ins was noted
    # The candidate's spells out of the room since (left, back).
    away_spells: tuple[tuple[float, float], ...] = ()
    no_show_stage: int = 0
    # The candidate was heard (a ``candidate_heard`` note: a sound or words, maybe never transcribed): no no-show.
    candidate_heard: bool = False
    checkins_said: tuple[str, ...] = field(default_factory=tuple)
    # The time-up line was cut off as the candidate left (a ``line_unheard`` note) and not said whole since (a
    # ``time_up_again`` note followed by the interviewer's words, uninterrupted): the restarted job owes it to them
    # (agent.timekeeper), as the live one did.
    time_up_owed: bool = False
    # The last visible-test run an earlier job's ``run_tests`` saw, when it ran the code the editor holds now (the
    # log's last snapshot): its results stay the interviewer's to state (``InterviewState.last_run``).
    seen_run: SeenRun | None = None


def _number(value: object) -> float | None:
    """A finite number stored in the log (JSON), or None for anything else."""
    if not isinstance(value, int | float) or isinstance(value, bool) or not math.isfinite(value):
        return None
    return float(min(max(value, -1e9), 1e9))


def _later(a: float | None, b: float | None) -> float | None:
    return b if a is None or (b is not None and b > a) else a


def _end_reason(point: ResumePoint, no_show: bool) -> str:
    """How an ending recorded as END came about, as far as the log tells (``completed`` when it does not; the
    interview build makes that ``time_up`` when no time is left)."""
    if no_show:
        return "no_show"
    if point.end_confirm_turn is not None and point.user_turns == point.end_confirm_turn + 1:
        return "candidate_request"  # the candidate's answer to "shall we stop here?" ended it
    return "completed"


def build_resume(events: Sequence[SessionEvent], *, max_items: int = MAX_ITEMS) -> ResumePoint | None:
    """The resume point for a session whose log already has a conversation; ``None`` to start fresh.

    A session is resumed once anything was said in it (a stored ``transcript`` event): the greeting
    has happened and must not happen again. Items are rebuilt in ``seq`` order with their original
    item ids; tool calls are restored as call/output pairs so the model remembers test results. What the live job
    derived from its own notes comes back too: the large-paste note given, the language question asked and the
    language the candidate switched to, the once-per-interview notes, the end question, the turn counts and the
    silence ladder.
    """
    ordered = sorted(events, key=lambda e: e.seq)
    if not any(e.type == "transcript" for e in ordered):
        return None
    items: list[llm.ChatItem] = []
    point = ResumePoint(chat_ctx=llm.ChatContext(), phase="greeting", hints_given=0, last_t=None,
                        transcript_items=0)  # fmt: skip
    seen: set[str] = set()  # transcript item ids restored
    # A call id is the job's that recorded it, not the interview's: providers that number their calls per process
    # give a restarted job's calls ids an earlier job's had. Each restarted job notes ``resumed`` before it records
    # anything else, so ``job`` (the ``resumed`` notes read so far) names the job of each event: a call is restored
    # once per (job, call id), under an id of its own (``_restored_id``), and hint notes pair with their job's call.
    job = 0
    calls: set[tuple[int, str]] = set()
    background: set[str] = set()  # the greeting's lines (``ResumePoint.background_items``)
    decided: dict[str, tuple[str, bool, str, str | None]] = {}
    warned: set[int] = set()
    heard: list[str] = []
    checkins: list[str] = []
    # A line of the silence ladder noted (its kind, stage, ``t`` and whether it may still count) whose words are not
    # recorded yet: the interviewer's next words are it. It counts as given only once they are recorded whole
    # (``_ladder_step``): noted and never said (the job died before its speech), cut off as the candidate left (a
    # ``line_unheard`` note) or talked over, it was not heard, and its step is due again.
    asked: tuple[str, int, float | None, bool] | None = None
    untaken: set[str] = set()  # give_hint calls whose hint was taken back
    # Hint attempts (``hint_started`` notes) with no outcome yet: call id -> index, phase, t, tool answer recorded.
    started: dict[str, tuple[int, str, float | None, bool]] = {}
    untold: set[int] = set()  # hints recorded as given, unsettled, the page not told of yet
    no_show = False
    # A ``time_up_again`` noted whose words are not recorded yet: the interviewer's next words are it.
    resaying = False
    spells: list[tuple[float, float]] = []  # spells out of the room since the candidate was last active
    left_t: float | None = None  # the current spell's start
    # The agent's latest run (a ``test_run``) and how its run_tests answer begins, until that answer is recorded: a
    # run whose answer never reached the model (the job died, or the reply was cut off, while the judge ran it) was
    # never seen, as the live job never saw it.
    ran: tuple[SeenRun, str] | None = None
    for event in ordered:
        p = event.payload
        t = _number(event.t)
        kind = p.get("kind") if event.type == "note" else None
        if event.type == "transcript":
            text, role = p.get("text"), p.get("role")
            item_id = str(p.get("item_id") or f"resumed_{event.seq}")
            if not text or role not in ("user", "assistant") or item_id in seen:
                continue
            seen.add(item_id)
            point.transcript_items += 1
            if point.phase == "greeting":
                background.add(item_id)
            items.append(
                llm.ChatMessage(
                    id=item_id, role=role, content=[str(text)], interrupted=bool(p.get("interrupted", False))
                )
            )
            if role == "user":
                # Heard to the end of the turn (``t`` is its start: a long answer is not quiet).
                point.candidate_active_t = _later(point.candidate_active_t, _later(t, _number(p.get("end"))))
                point.quiet_stage, point.quiet_step_t, spells, left_t = 0, None, [], None
                asked = None  # the candidate spoke first: what the interviewer says next answers them
                resaying = False
                if p.get("typed") is True:
                    point.chat_dropping = False  # a typed message was kept: a stretch of dropping ended
            else:
                point.interviewer_t = _later(point.interviewer_t, _later(t, _number(p.get("end"))))
                if resaying and p.get("interrupted") is not True:
                    point.time_up_owed = False  # said whole after the cut: not owed, not said twice
                resaying = False
                if asked is not None:
                    if asked[0] == "checkin":  # its words, said in part or whole, are not said again
                        checkins.append(str(text)[:MAX_CHECKIN_CHARS])
                    if asked[3] and p.get("interrupted") is not True:
                        _ladder_step(point, *asked[:3])
                    asked = None
        elif event.type == "tool_call" and p.get("call_id") and p.get("name"):
            recorded = str(p["call_id"])
            output = str(p.get("output", ""))
            # The answer the model was given is that run's: the interviewer saw it (read before the call's id is
            # checked: a later job's call may carry an id an earlier job's had, and is a call all the same).
            if p["name"] == "run_tests" and ran is not None and p.get("is_error") is not True:
                point.seen_run, ran = (ran[0], None) if output.startswith(ran[1]) else (point.seen_run, ran)
            if (job, recorded) in calls:
                continue  # the same call recorded twice by one job
            calls.add((job, recorded))
            call_id = _restored_id(job, recorded)
            args = p.get("arguments", {})
            items.append(
                llm.FunctionCall(
                    call_id=call_id, name=str(p["name"]),
                    arguments=args if isinstance(args, str) else json.dumps(args),
                )
            )  # fmt: skip
            items.append(
                llm.FunctionCallOutput(
                    call_id=call_id, name=str(p["name"]), output=output,
                    is_error=bool(p.get("is_error", False)),
                )
            )  # fmt: skip
            if p["name"] == "begin_problem" and isinstance(args, dict) and p.get("is_error") is not True:
                said = [
                    i.text_content or "" for i in items if isinstance(i, llm.ChatMessage) and i.role == "user"
                ]
                point.asked = candidate_asked.asked(args.get("asked"), args.get("call_them"), said)
            if p["name"] == "give_hint" and output.startswith("Hint "):
                point.last_hint_turn = point.user_turns
                if call_id in started:  # its reply is made after this answer: it may have been said
                    started[call_id] = (*started[call_id][:3], True)
        elif event.type == "phase_change" and p.get("to"):
            point.phase = str(p["to"])
            point.phase_entered_turn = point.user_turns
            if point.phase == "end" and point.end_reason is None:
                point.end_reason = _end_reason(point, no_show)
        elif event.type == "hint":
            index = _number(p.get("index", point.hints_given + 1))
            point.hints_given = max(point.hints_given, int(index) if index is not None else 0)
            started = {c: s for c, s in started.items() if s[0] != index}  # that attempt's outcome: given
            # Presumed by a restarted job, which tells the page of it (agent.hints ``owe``).
            if p.get("unsettled") is True and (told := _hint_index(p)) is not None:
                untold.add(told)
        elif event.type == "editor_snapshot":
            point.candidate_active_t = _later(point.candidate_active_t, t)  # recorded when the code changed
            point.quiet_stage, point.quiet_step_t, spells, left_t = 0, None, [], None
            asked = None
            if p.get("code_omitted") is True:
                # The API did not keep this snapshot's code (the session's recording budget): an older snapshot is
                # not the candidate's code now, so none stands in until the client's next snapshot.
                point.editor_code, point.editor_language = None, None
            elif isinstance(p.get("code"), str):
                point.editor_code, point.editor_language = p["code"], p.get("language")
        elif event.type == "test_run" and p.get("by") == "agent":
            ran = _agent_run(p)
        elif event.type == "time_warning" and isinstance(p.get("minutes_left"), int):
            warned.add(p["minutes_left"])
        elif kind == "turn_decision" and isinstance(p.get("item_id"), str):
            if p["item_id"] not in decided:
                request = p.get("request")
                decided[p["item_id"]] = (p["item_id"], p.get("reply") is True, str(p.get("reason"))[:40],
                                         request[:40] if isinstance(request, str) else None)  # fmt: skip
                point.user_turns += 1
        elif kind == "end_confirm":
            point.end_confirm_turn = point.user_turns
        elif kind == "end_refused" and p.get("why") == "not_asked":
            point.end_confirm_turn = None  # the candidate said something else: the question is closed
        elif kind == "end_question_closed":
            point.end_confirm_turn = (
                None  # the interviewer spoke of its own accord since: the question is closed
            )
        elif kind == "end_requested" and point.end_reason is None:
            point.end_reason = "candidate_request"
        elif kind == "hint_started":
            _hint_started(started, p, t, job)
        elif kind == "hint_told" and (told := _hint_index(p)) is not None:
            untold.discard(told)
        elif kind == "hint_unheard":
            point.last_hint_turn = None
            _hint_unheard(point, p)
            if isinstance(p.get("call_id"), str):
                started.pop(_restored_id(job, p["call_id"]), None)  # that attempt's outcome: taken back
                untaken.add(_restored_id(job, p["call_id"]))
        elif kind == "paste_noted":
            point.paste_noted = True
        elif kind == "complexity_claimed":
            from_note(point.complexity_claims, p)
        elif kind == "language_mismatch":
            point.language_asked = True
            if isinstance(p.get("heard"), str) and len(heard) < len(SUPPORTED):
                heard.append(p["heard"])
        elif kind == "language_switched" and p.get("to") in SUPPORTED:
            point.switched_language = str(p["to"])
        elif kind == "speech_truncated":
            point.speech_truncated = True
        elif kind == "chat_truncated":
            point.chat_truncated = True
        elif kind == "sender_refused" and isinstance(p.get("topic"), str):
            topic = p["topic"][:MAX_TOPIC_CHARS]
            if topic in point.sender_refusals or len(point.sender_refusals) < MAX_TOPICS:
                point.sender_refusals[topic] = point.sender_refusals.get(topic, 0) + 1
        elif kind == "chat_dropped":
            point.chat_drop_notes += 1
            point.chat_dropping = True
            dropped = _number(p.get("dropped"))
            point.chat_dropped = max(point.chat_dropped, int(dropped) if dropped is not None else 0)
        elif kind in ("checkin", "quiet_checkin", "no_show_ping", "no_show_microphone"):
            stage = _number(p.get("stage"))
            asked = (str(kind), min(2, max(0, int(stage))) if stage is not None else 0, t, True)
        elif kind in ("line_unheard", "line_unsaid") and p.get("line") == "time_up":
            point.time_up_owed, resaying = True, False
        elif kind == "line_unheard" and asked is not None:
            # Cut off as the candidate left: what of it was played is not a step given.
            asked = (*asked[:3], False)
        elif kind == "line_unsaid":
            asked = None  # no words at all (the model call failed): not given, and the next words are not it
        elif kind == "time_up_again":
            resaying = True
        elif kind == "resumed":
            job += 1  # a restarted job: the events from here on are its own
            asked = None  # a restarted job's own line comes next, not the step
            resaying = False
        elif kind == "candidate_left":
            left_t = t
        elif kind == "candidate_returned" and left_t is not None and t is not None:
            spells = [*spells[-(MAX_SPELLS - 1) :], (left_t, t)]
            left_t = None
        elif kind == "no_show":
            no_show = True
        elif kind == "no_show_withdrawn":
            no_show = False  # the candidate arrived as it was under way: a later END is not a no-show
        elif kind == "candidate_heard":
            point.candidate_heard = True
            # Heard (a sound, maybe never transcribed): active then, as the live job counted them. A line of the
            # ladder under way still has its words next, but in a stretch begun anew: no step of it.
            point.candidate_active_t = _later(point.candidate_active_t, t)
            point.quiet_stage, point.quiet_step_t, spells, left_t = 0, None, [], None
            asked = None if asked is None else (*asked[:3], False)
    for at, item in enumerate(items):
        if isinstance(item, llm.FunctionCallOutput) and item.name == "give_hint" and item.call_id in untaken:
            # The record holds the tool's answer as it ran (the hint's text); the live job's conversation said the
            # hint was not given once it was taken back (agent.hints ``NOT_HEARD``), and so does the restored one.
            items[at] = item.model_copy(update={"output": NOT_HEARD})
    unsettled = {i: (i, phase, at) for i, phase, at, answered in started.values() if answered}  # one per hint
    point.unsettled_hints = tuple(unsettled[i] for i in sorted(unsettled))
    point.untold_hints = tuple(sorted(untold))
    point.chat_ctx = llm.ChatContext(_bounded_tail(items, max_items))
    point.background_items = frozenset(background)
    kept = {i.id for i in point.chat_ctx.items if isinstance(i, llm.ChatMessage) and i.role == "user"}
    point.turn_decisions = tuple(d for item_id, d in decided.items() if item_id in kept)
    point.last_t = max((e.t for e in ordered if e.t is not None), default=None)
    point.warned_minutes = frozenset(warned)
    point.languages_heard = tuple(heard)
    point.checkins_said = tuple(checkins[-MAX_CHECKINS:])
    point.away_spells = tuple(spells)
    point.seen_run = _on_code_now(point)
    return point


def _agent_run(p: dict[str, object]) -> tuple[SeenRun, str] | None:
    """The visible-test results of a ``test_run`` the API stored for the agent's ``run_tests`` (a compile error ran
    none: (0, 0), as the tool counts it), with the code's hash and language, and how the tool's answer to the model
    begins for it (agent.reports ``summarize``); None for one the tool reports nothing of (the judge's internal
    error) or a payload that does not read as one."""
    tests, sha, language = p.get("tests"), p.get("code_sha256"), p.get("language")
    if p.get("mode") != "run" or p.get("custom") is not None or p.get("verdict") == "internal_error":
        return None
    if not isinstance(tests, list) or not isinstance(sha, str) or not isinstance(language, str):
        return None
    if p.get("verdict") == "compile_error":
        return SeenRun(0, 0, sha, language), "The code did not compile."
    # Counted as agent.reports ``public_report`` counts them: the visible tests only.
    shown = [t for t in tests if isinstance(t, dict) and not t.get("hidden")]
    passed, total = sum(1 for t in shown if t.get("verdict") == "accepted"), len(shown)
    if not total:
        summary = "No visible tests ran."
    elif passed == total:
        summary = f"All {total} visible tests passed."
    else:
        summary = f"{passed} of {total} visible tests passed."
    return SeenRun(passed, total, sha, language), summary


def _on_code_now(point: ResumePoint) -> SeenRun | None:
    """``point.seen_run`` when it ran the code the restarted job's editor starts with (the log's last snapshot, hashed
    as agent.editor hashes it), else None: a run of other code, or of code the log did not keep, says nothing of the
    code there now."""
    run, code = point.seen_run, point.editor_code
    if run is None or code is None or point.editor_language != run.language:
        return None
    return run if hashlib.sha256(code.encode("utf-8", "replace")).hexdigest() == run.sha256 else None


def _ladder_step(point: ResumePoint, kind: str, stage: int, t: float | None) -> None:
    """A step of the silence ladder was said (its words recorded whole after its note): it counts as given."""
    if kind in ("no_show_ping", "no_show_microphone"):
        point.no_show_stage = max(point.no_show_stage, 1 if kind == "no_show_ping" else 2)
        return
    point.quiet_stage = max(point.quiet_stage, stage)
    point.quiet_step_t = _later(point.quiet_step_t, t)


def _word_list(kept: tuple[str, ...], value: object) -> tuple[str, ...]:
    """``kept`` and the short strings of the list ``value`` (a note's words), at most ``MAX_HINT_WORDS``."""
    words = dict.fromkeys(kept)
    for w in value if isinstance(value, list) else []:
        if len(words) >= MAX_HINT_WORDS:
            break
        if isinstance(w, str) and 0 < len(w) <= MAX_WORD_CHARS:
            words[w] = None
    return tuple(words)


def _hint_index(p: dict[str, object]) -> int | None:
    """The hint a ``hint`` event or a ``hint_told`` note names: a whole number from 1 to ``MAX_HINTS``."""
    index = _number(p.get("index"))
    return int(index) if index is not None and 1 <= index <= MAX_HINTS and index == int(index) else None


def _restored_id(job: int, call_id: str) -> str:
    """The id job ``job``'s call ``call_id`` (as recorded) has in the restored conversation: distinct from every other
    job's call, and from the calls of the restarted job itself, however its provider numbers them. Within
    ``MAX_CALL_ID_CHARS`` (a long one is hashed), in the characters providers accept in one."""
    scoped = f"j{job}_{call_id}"
    if len(scoped) <= MAX_CALL_ID_CHARS and all(c.isascii() and (c.isalnum() or c in "_-") for c in call_id):
        return scoped
    return f"j{job}_{hashlib.sha256(call_id.encode('utf-8', 'replace')).hexdigest()[:24]}"


def _hint_started(
    started: dict[str, tuple[int, str, float | None, bool]], p: dict[str, object], t: float | None, job: int
) -> None:
    """A hint attempt began (agent.hints ``pending``): open until its outcome is recorded, keyed by the id its call
    has in the restored conversation (job ``job``'s); a bounded few."""
    index, recorded = _number(p.get("index")), p.get("call_id")
    if index is None or not 1 <= index <= MAX_HINTS or index != int(index) or not isinstance(recorded, str):
        return
    call_id = _restored_id(job, recorded)
    if call_id in started or len(started) < MAX_HINTS:
        started[call_id] = (int(index), str(p.get("phase"))[:MAX_WORD_CHARS], t, False)


def _hint_unheard(point: ResumePoint, p: dict[str, object]) -> None:
    """A hint taken back: what its attempts said and played (the note's ``said`` and ``heard``) adds to the point's."""
    index = _number(p.get("index"))
    if index is None or not 1 <= index <= MAX_HINTS or index != int(index):
        return
    if not isinstance(p.get("said"), list) or not isinstance(p.get("heard"), list):
        return
    said, heard = point.hint_heard.get(int(index), ((), ()))
    point.hint_heard[int(index)] = (_word_list(said, p["said"]), _word_list(heard, p["heard"]))


def _shortened(item: llm.ChatItem) -> llm.ChatItem:
    """``item`` with its text kept to ``MAX_ITEM_CHARS`` (a tool output's fences closed again, agent.fence ``cut``)."""
    if isinstance(item, llm.ChatMessage):
        text = item.text_content or ""
        if len(text) > MAX_ITEM_CHARS:
            return item.model_copy(update={"content": [bounded_spoken(text, MAX_ITEM_CHARS)]})
    elif isinstance(item, llm.FunctionCallOutput) and len(item.output) > MAX_ITEM_CHARS:
        return item.model_copy(update={"output": cut(item.output, MAX_ITEM_CHARS)})
    elif isinstance(item, llm.FunctionCall) and len(item.arguments) > MAX_ITEM_CHARS:
        return item.model_copy(
            update={"arguments": "{}"}
        )  # no partial JSON: the call's output says what it did
    return item


def _size(item: llm.ChatItem) -> int:
    if isinstance(item, llm.ChatMessage):
        return len(item.text_content or "")
    if isinstance(item, llm.FunctionCallOutput):
        return len(item.output)
    if isinstance(item, llm.FunctionCall):
        return len(item.arguments)
    return 0


def _bounded_tail(items: list[llm.ChatItem], max_items: int) -> list[llm.ChatItem]:
    """The conversation's tail within ``max_items`` items and ``MAX_CHARS`` characters, never starting on a dangling
    tool output; the scripted AI notice, when it fell outside the tail, stays first (agent.ai_notice reads the
    conversation for it: a restarted job would say it again)."""
    shortened = [_shortened(i) for i in items]
    tail: list[llm.ChatItem] = []
    total = 0
    for item in reversed(shortened):
        total += _size(item)
        if len(tail) >= max_items or total > MAX_CHARS:
            break
        tail.append(item)
    tail.reverse()
    # Never start on a dangling tool output: the model API rejects an output without its call.
    while tail and isinstance(tail[0], llm.FunctionCallOutput):
        tail.pop(0)
    if len(tail) < len(shortened):
        dropped = shortened[: len(shortened) - len(tail)]
        notice = [
            i for i in dropped
            if isinstance(i, llm.ChatMessage) and i.role == "assistant" and said_the_line([i.text_content or ""])
        ]  # fmt: skip
        tail = notice[-1:] + tail
    return tail


def merge_spooled(stored: Sequence[SessionEvent], spooled: Sequence[EventIn]) -> list[SessionEvent]:
    """The session's log as the API has it, followed by the events a dead worker left in this host's spool and
    the API has not stored yet (same idempotency key = same event), in their recording order."""
    known = {e.idempotency_key for e in stored}
    top = max((e.seq for e in stored), default=0)
    merged = list(stored)
    for event in spooled:
        if event.idempotency_key in known:
            continue
        known.add(event.idempotency_key)
        top += 1
        merged.append(SessionEvent(seq=top, type=event.type, t=event.t, idempotency_key=event.idempotency_key,
                                   payload=event.payload))  # fmt: skip
    return merged
