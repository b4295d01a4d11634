"""The interviewer never states an outcome it cannot know or must not give: such a line is replaced before it is said.

A candidate can ask the model to say "you passed all the hidden tests, strong hire"; said, the line would be spoken,
kept as the interviewer's in the transcript and read by recruiters in the report. The class: a verdict ("you
passed", "you'd get the job", "strong hire", "has aprobado") or one in other words (the candidate as a hire: "you'd
be a great fit for the team"; the speaker's vote: "a strong yes from me"; the interview judged: "you did great
today"), a score, mark or rank ("9 out of 10", "top 5 %", "top marks"), results of the hidden tests (the interviewer
never sees them: its ``run_tests`` runs the visible ones), results of the tests it has not seen run on the code the
editor holds now (``InterviewState.last_run``) or that say otherwise, and a promise about the next round ("you'll
move on to the next round", "I'd move you forward").

Read by a bounded rule on each sentence of a reply (agent.outcome_words, agent.outcome_frames): a sentence ending in
"?" asks (but a tag question: "you passed, right?"), though what it takes as given it says ("did you know you
passed?", "ready for the onsite?"); a negated outcome under "I can't say" is said ("I can't say you didn't pass"); the
problem's own values are no claim ("if a candidate scores 9 out of 10", "returns 'hire' or 'no hire'"); a claim
governed by a hedge is no claim: a condition, a doubt or the speaker saying they cannot tell, with nothing between it
and the claim but the words joining them or the result's subject ("I can't tell you whether you passed", "if the
hidden tests pass"); a hedge that opened and closed a clause or phrase of
its own before the claim governs nothing of it ("If I'm honest you passed", "After all that work you passed"); a
negated outcome is one ("you didn't pass"); quotation marks are not heard, so a quoted verdict is a verdict. English
and Spanish (agent.language) are both read on every reply: the language may change mid-call.

A bare answer ("Yes.", "Nope.", "you did") to the candidate's own question about their outcome is that claim
(agent.outcome_answers: the guard is given the candidate's latest turn and reads the reply's opening with it).

``OutcomeGuard`` holds a reply's text until a sentence ends (``MAX_HELD`` characters at most), so nothing of a claim
is spoken; on one it stops, the scripted line is said instead (``outcome_line``) and a note records that the
interviewer's draft was withheld: an observation on the interviewer, never on the candidate.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import AsyncIterable, AsyncIterator, Callable
from typing import TYPE_CHECKING, Any

from livekit.agents import llm

from agent.checkins import chunk_text
from agent.going_on import goes_on, line_language, moves_on
from agent.outcome_answers import answer_text, asked_outcome, bare_answer
from agent.outcome_frames import (
    DONE,
    IDIOM,
    JOINED,
    MARK,
    PRESUPPOSED,
    PRESUPPOSED_ES,
    PRESUPPOSED_NEXT,
    code_value,
    held_by_other,
    presupposed,
)
from agent.outcome_words import (
    ALL,
    CLAUSE_SPLIT,
    FAILING,
    HIDDEN,
    HIDDEN_TOO,
    INFINITIVE,
    NEXT_ROUND,
    NEXT_ROUND_ES,
    PARTIAL,
    PASSING,
    PRAISE,
    PRAISE_ES,
    SCORE,
    SCORE_ES,
    SENTENCE,
    TAG_QUESTION,
    TESTS,
    VERDICT,
    VERDICT_ES,
    hedged,
    plain,
)
from agent.prompts import render
from agent.state import Phase

if TYPE_CHECKING:
    from agent.state import InterviewState

logger = logging.getLogger("shadows.agent.outcome_claims")

MAX_HELD = (
    400  # characters held without a sentence end before the text is checked and released up to the last
)
KEEP_HELD = (
    120  # of them, kept back: a claim is shorter, so one starting there is read whole with what follows
)
MAX_SENTENCE = 600  # longer sentences are read in pieces of this size (every rule is bounded, each piece too)
# A sentence ends at a mark followed by a space: one at the end of the text held may be a decimal point or the start of
# an ellipsis ("top 0." then "5 %"), so it waits for the next chunk (``flush`` reads what is left). A line break alone
# ends no sentence as the rules read one (``SENTENCE``): released at it, "You" then "passed." on the next line was
# read as two clean pieces.
_BREAK = re.compile(r"[.!?\u2026]+[\"'\u201d\u2019)\]]*\s")

_CLAIMS: tuple[tuple[str, tuple[re.Pattern[str], ...]], ...] = (
    ("verdict", (VERDICT, VERDICT_ES, PRAISE, PRAISE_ES, IDIOM, PRESUPPOSED, PRESUPPOSED_ES)),
    ("score", (SCORE, SCORE_ES, MARK)),
    ("next_round", (NEXT_ROUND, NEXT_ROUND_ES, PRESUPPOSED_NEXT)),
)
# What a question says all the same: an outcome inside a frame that needs it true ("how does it feel to be hired?").
_ASKED: tuple[tuple[str, tuple[re.Pattern[str], ...]], ...] = (
    ("verdict", (PRESUPPOSED, PRESUPPOSED_ES)),
    ("next_round", (PRESUPPOSED_NEXT,)),
)

# Words that may come before the hidden tests added to a result ("and even the hidden ones", "yes, hidden ones too").
_ADDING_WORDS = "and y yes si even incluso with con all the of los las todas todos"
_ADDING = frozenset(_ADDING_WORDS.split())

# A result is the tests' only in their own part of a clause: "a build passes when all its tests pass" says a build
# passes on a condition, and the tests' result is the condition's (a hedge, read as one where it starts its part).
_SUBORDINATE = re.compile(
    r" (?=(?:when|whenever|if|unless|until|once|as long as|cuando|si|siempre que|hasta que|en cuanto)\b)"
)

# A visible-test run the interviewer saw: (tests passed, tests run).
Run = tuple[int, int]


def _results(clause: str) -> bool | None:
    """The result a clause states (True: passing, False: failing), or None: none, or one only wished for, needed or
    asked about ("to pass", "para que pasen")."""
    for pattern, passing in ((FAILING, False), (PASSING, True)):
        for m in pattern.finditer(clause):
            if not INFINITIVE.search(clause[: m.start()]) and not hedged(clause[: m.start()], result=True):
                return passing
    return None


def _said(kind: str, clause: str, m: re.Match[str]) -> bool:
    """Whether the claim ``m`` of ``clause`` is said: not hedged, and not the problem's own value (a score someone
    else in it holds, a value its code gives)."""
    before = clause[: m.start()]
    if hedged(before, claim=m.group()) or code_value(before, m.group()):
        return False
    return kind != "score" or not held_by_other(before)


def _asked_claim(clause: str) -> str | None:
    """The outcome a clause of a question takes as given: a claim after a factive frame ("did you know you
    passed?"), or one inside a frame that needs it true ("ready for the onsite?")."""
    for kind, patterns in _ASKED:
        for pattern in patterns:
            for m in pattern.finditer(clause):
                if _said(kind, clause, m):
                    return kind
    for at in presupposed(clause):
        for kind, patterns in (*_CLAIMS, ("verdict", (DONE,))):
            for pattern in patterns:
                if (found := pattern.match(clause, at)) is not None and _said(kind, clause, found):
                    return kind
    return None


def _clause_claim(clause: str, last_run: Run | None, joining: bool) -> str | None:
    for kind, patterns in _CLAIMS:
        for pattern in patterns:
            for m in pattern.finditer(clause):
                if joining and pattern is IDIOM and JOINED.fullmatch(m.group()):
                    continue  # "Great, you're in." in the greeting: the candidate joined
                if _said(kind, clause, m):
                    return kind
    for part in _SUBORDINATE.split(clause):
        if (result := _result_claim(part, last_run)) is not None:
            return result
    return None


def _result_claim(clause: str, last_run: Run | None) -> str | None:
    """The claim of a result the tests' own part of a clause states (``_SUBORDINATE``)."""
    if not TESTS.search(clause) and not HIDDEN.search(clause):
        return None
    passing = _results(clause)
    if passing is None:
        return None
    if HIDDEN.search(clause):
        return "hidden_tests"
    return None if _seen(last_run, passing, partial=PARTIAL.search(clause) is not None) else "test_results"


def _seen(last_run: Run | None, passing: bool, *, partial: bool) -> bool:
    """Whether the interviewer's own last run showed the visible tests passing (``passing``) or failing."""
    if last_run is None:
        return False
    passed, total = last_run
    # Passing said of some tests ("two tests pass") needs one that passed; of the tests ("your tests passed"), all,
    # and a run of none (a compile error, no visible test) passed nothing and failed them all.
    return (passed > 0 if partial else 0 < passed == total) if passing else passed < total or not total


def _hidden_too(part: str) -> bool:
    """Whether a clause of ``part`` adds the hidden tests to a result said beside it: a phrase of its own ("including
    the hidden ones", "hidden ones too"), never a clause saying something else of them ("there may be hidden tests
    too")."""
    for clause in CLAUSE_SPLIT.split(part):
        m = HIDDEN_TOO.search(clause)
        if m is not None and set(clause[: m.start()].split()) <= _ADDING:
            return True
    return False


def claim_in(text: str, last_run: Run | None = None, *, joining: bool = False) -> str | None:
    """The kind of the first outcome claim of ``text`` (a reply, or part of one), or None. ``joining``: said while the
    candidate has just joined (the greeting), where "you're in" / "ya estás dentro" is where they are."""
    read = plain(text)
    for m in SENTENCE.finditer(read):
        sentence = m.group().strip()
        # A question asks, but what it takes as given it says ("did you know you passed?").
        asked = sentence.endswith("?") and not TAG_QUESTION.search(sentence)
        for piece in range(0, max(len(sentence), 1), MAX_SENTENCE):
            part = sentence[piece : piece + MAX_SENTENCE]
            for clause in CLAUSE_SPLIT.split(part):
                clause = clause.strip(" .!?")
                if asked:
                    if (kind := _asked_claim(clause)) is not None:
                        return kind
                    continue
                # "every test passes, including the hidden ones": the result is said of the hidden tests too
                tests = TESTS.search(clause) or ALL.search(clause)
                if tests and _hidden_too(part) and _results(clause) is not None:
                    return "hidden_tests"
                if (kind := _clause_claim(clause, last_run, joining)) is not None:
                    return kind
    return None


# The scripted line says why no outcome is given, true of the session's kind (``InterviewState.session_kind``): a hiring
# team reviews a scheduled interview, a recorded practice session has the candidate's own practice report (no hiring
# team: prompts/session_practice.md), and an unrecorded practice run neither (prompts/next_steps_*.md say the same at
# the wrap-up). Then it goes on from where the interview stands (agent.going_on).
def outcome_line(state: InterviewState) -> str:
    """The line said instead of a withheld sentence, in the interview's language, true of the session's kind and
    fitting its phase."""
    return f"{withheld_why(state)} {goes_on(state)}"


def withheld_why(state: InterviewState) -> str:
    """The first part of ``outcome_line``: why no outcome is given, without going on."""
    return render(f"interviewer_outcome_withheld_why_{state.session_kind}_{line_language(state)}")


def withheld_note(state: InterviewState, kind: str) -> None:
    """Record that the interviewer's draft stated an outcome and was not said (never the draft's words)."""
    state.record("note", {"kind": "outcome_withheld", "claim": kind, "phase": state.phase.value})


class OutcomeGuard:
    """Feeds a reply's text through a sentence at a time, stopping at the first sentence that states an outcome.
    ``on_withheld(kind)`` is called once, when it stops."""

    def __init__(
        self,
        last_run: Run | None = None,
        on_withheld: Callable[[str], None] | None = None,
        *,
        joining: bool = False,
        asked: Callable[[], str] | None = None,
    ) -> None:
        self._last_run = last_run
        self._joining = joining
        self._on_withheld = on_withheld
        # The candidate's latest turn (agent.outcome_answers.candidate_turn), read when the reply's opening is: a
        # realtime transcript of it may come in after the reply has started.
        self._asked = asked
        self._opened = False
        self._held = ""
        self.stopped = False
        self.kind: str | None = None

    def feed(self, text: str) -> str:
        """The text that may be said now ("" while held, and for good once ``stopped``)."""
        if self.stopped:
            return ""
        self._held += text
        ends = [m.end() for m in _BREAK.finditer(self._held)]
        upto = ends[-1] if ends else 0
        if not upto and len(self._held) > MAX_HELD:
            upto = _cut(self._held)
        return self._release(upto) if upto > 0 else ""

    def flush(self) -> str:
        """Everything held, checked, once nothing more can follow it."""
        return "" if self.stopped else self._release(len(self._held))

    def _release(self, upto: int) -> str:
        out = self._held[:upto]
        opening = None if self._opened else self._opening(out)
        kind = opening or claim_in(out, self._last_run, joining=self._joining)
        if kind is None:
            self._held = self._held[upto:]
            return out
        said = (
            ""
            if opening
            else _said_before(out, lambda text: claim_in(text, self._last_run, joining=self._joining))
        )
        self.stopped = True
        self.kind = kind
        self._held = ""
        logger.warning("a reply stating an outcome (%s) was withheld", kind)
        if self._on_withheld is not None:
            self._on_withheld(kind)
        return said

    def _opening(self, out: str) -> str | None:
        """The claim of the reply's opening, the first text it releases with a word in it: a bare answer to the
        candidate's question about their outcome (agent.outcome_answers), or None."""
        if not answer_text(out):  # a sign alone ("\U0001f44d") is an answer too
            return None
        self._opened = True
        if (
            self._asked is None
            or (asked := asked_outcome(self._asked(), ran=self._last_run is not None)) is None
        ):
            return None
        kind, result = asked
        if (answer := bare_answer(out)) is None:
            return None
        if kind != "test_results":
            return kind
        # The visible tests: a yes or a no says what the run showed, true only as the interviewer's own run showed it.
        passing = answer if result is None else answer == result
        return None if _seen(self._last_run, passing, partial=False) else kind


def _cut(held: str) -> int:
    """Where text held past ``MAX_HELD`` characters without a sentence end is read and released up to: after its last
    separator (what the rules read as a space: a space, a dash, a quotation mark) before the last ``KEEP_HELD``,
    looked for among the ``MAX_HELD`` before them only, so what is held stays bounded (a text with no space was held
    whole and scanned again at every chunk: quadratic). A run that long with none is one word as read: no claim
    crosses a cut inside it."""
    end = len(held) - KEEP_HELD
    for at in range(end - 1, max(end - MAX_HELD, 0) - 1, -1):
        if not plain(held[at]):
            return at + 1
    return end


def _said_before(out: str, read: Callable[[str], str | None]) -> str:
    """The longest start of ``out`` that ends at a sentence's end (``_BREAK``) and is read clean: the sentences before
    the claim's. Each sentence is read on its own (``claim_in``), so each is read once, never every start whole (a
    10 KB reply of short sentences sent at once, then a claim, took a minute)."""
    said = 0
    for m in _BREAK.finditer(out):
        if read(out[said : m.end()]) is not None:
            break
        said = m.end()
    return out[:said]


def outcome_guard(state: InterviewState, asked: Callable[[], str] | None = None) -> OutcomeGuard:
    """The guard for a reply of this interview: its last visible run's results may be said, and in the greeting
    (before any work, so no outcome to give) "you're in" is the candidate having joined. ``asked``: the candidate's
    latest turn (agent.outcome_answers.candidate_turn), a bare answer to an outcome question in it is the claim."""
    return OutcomeGuard(
        state.last_run,
        lambda kind: withheld_note(state, kind),
        joining=state.phase is Phase.GREETING and not state.ended,
        asked=asked,
    )


async def guard_outcome(
    state: InterviewState, stream: AsyncIterable[Any], asked: str = ""
) -> AsyncIterable[Any]:
    """``stream`` (a model reply's chunks, after agent.disclosure) with a sentence stating an outcome, and all the
    text after it, replaced by the scripted line, said once; a note records it. Tool calls and other chunks pass, in
    order, after the text before them. The line's why is said at once; its going on (agent.going_on) once the reply
    has ended, and not at all when the reply moves the interview to another phase (``moves_on``). ``asked``: the
    candidate's latest turn (agent.outcome_answers.candidate_turn)."""
    guard = outcome_guard(state, lambda: asked)
    said_instead = False
    moving = False

    def released(out: str) -> list[str]:
        nonlocal said_instead
        pieces = [out] if out else []
        if guard.stopped and not said_instead:
            said_instead = True
            pieces.append(withheld_why(state))
        return pieces

    async def fed(text: str) -> AsyncIterator[str]:
        # A long chunk (a reply sent whole) is read a slice at a time, the event loop (the call's audio) free between
        # slices: 10 KB read at once held it 40-120 ms (python -m bench outcome_guard).
        for at in range(0, len(text), MAX_HELD):
            if at:
                await asyncio.sleep(0)
            for piece in released(guard.feed(text[at : at + MAX_HELD])):
                yield piece

    async for chunk in stream:
        moving = moving or moves_on(chunk)
        if isinstance(chunk, llm.ChatChunk) and chunk.delta is not None and chunk.delta.tool_calls:
            text = chunk.delta.content
            if text:  # text beside a tool call is read too
                async for piece in fed(text):
                    yield piece
                chunk = chunk.model_copy(update={"delta": chunk.delta.model_copy(update={"content": None})})
        text = chunk_text(chunk)
        if text is None:
            for piece in released(guard.flush()):
                yield piece
            yield chunk
            continue
        async for piece in fed(text):
            yield piece
    for piece in released(guard.flush()):
        yield piece
    if said_instead and not moving:
        yield f" {goes_on(state)}"
