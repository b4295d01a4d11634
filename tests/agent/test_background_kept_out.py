"""The background talk of the greeting (the résumé's employers, schools, projects, said by either side) never reaches
a model turn of a later phase, whose lines the grader reads: live, after a restart, and however the talk is worded."""

from __future__ import annotations

from livekit.agents import AgentSession, llm

from agent.background import BACKGROUND_NOTE_ID, without_background
from agent.context import SessionEvent
from agent.interview import build_interview
from agent.phases import CodingAgent, make_phase_agent
from agent.realtime import PreparedRealtimeModel
from agent.resume import build_resume
from agent.state import InterviewState, Phase
from agent.turns import text_turn
from tests.agent.test_phases import make
from tests.fakes.clock import ManualClock
from tests.fakes.interview import FakeChannel, FakeRunClient, FakeSink, make_context, test_settings
from tests.fakes.llm import FakeLLM, FakeResponse, FakeToolCall, call, say
from tests.fakes.realtime import FakeRealtimeModel, RealtimeReply

RESUME = (
    "Ada Lovelace\nada@example.com\n\nSkills\nGo, Python\n\nExperience\n"
    "Built a payments ledger in Go at Initech, after a research post at Miskatonic University.\n"
)
# Words only the background talk holds: the résumé's employer and school, and what the candidate said of them.
BACKGROUND_WORDS = ("Initech", "Miskatonic", "Hooli")


def _seen(request: dict[str, object]) -> str:
    ctx = request["chat_ctx"]
    assert isinstance(ctx, llm.ChatContext)
    return "\n".join(i.text_content or "" for i in ctx.items if isinstance(i, llm.ChatMessage))


async def test_a_graded_phases_model_turn_sees_no_background_talk_the_greeting_had():
    """The interviewer asked about the ledger at Initech and the candidate answered about Hooli and Miskatonic; once
    the problem began, no model request is shown those words (it cannot repeat what it is not shown): every later
    request holds the note in their place, and the greeting's own requests still had them."""
    agent, state, *_ = make(resume_text=RESUME, job_description="Backend engineer, Python")
    fake = FakeLLM(
        [
            say("Hi Ada! I see you built a payments ledger at Initech. What was the hardest part?"),
            say("Interesting, thanks. Ready for the problem?"),
            # The reply said beside the phase change is the greeting's too (added once played, after the handoff).
            FakeResponse(
                "Great, on to the problem, as for your ledger at Initech.", [FakeToolCall("begin_problem")]
            ),
            say("The problem is Two Sum."),
            call("discuss_approach"),
            say("How would you approach it?"),
            call("start_coding"),
            say("Go ahead."),
        ]
    )
    async with AgentSession[InterviewState](llm=fake, userdata=state) as session:
        await session.start(agent)
        await session.run(
            user_input="Reconciliation at Initech; before that I was at Hooli, from Miskatonic."
        )
        await session.run(user_input="Yes, ready.")
        await session.run(user_input="Makes sense.")
        result = await session.run(user_input="A hash map. Can I code?")
        result.expect.contains_agent_handoff(new_agent_type=CodingAgent)
        await session.run(user_input="How does my loop look so far?")
        said = [i.text_content for i in session.history.items if isinstance(i, llm.ChatMessage)]
    # Said and kept in the conversation: only the model's view of the later phases leaves it out.
    assert any("on to the problem, as for your ledger at Initech" in (t or "") for t in said)
    greeting = [r for r in fake.requests if "Phase: greeting" in _seen(r)]
    assert greeting and "Hooli" in _seen(greeting[-1])  # the greeting's own turns have the talk
    later = fake.requests[len(greeting) :]
    assert len(later) >= 5 and state.phase == Phase.CODING
    for request in later:
        seen = _seen(request)
        assert not any(word in seen for word in BACKGROUND_WORDS), seen
        assert "never bring up the candidate's background" in seen
    assert "Two Sum" in _seen(later[-1]) and "How does my loop look so far?" in _seen(later[-1])


async def test_a_restarted_job_leaves_out_the_greetings_talk_from_the_log_too():
    """A job that resumes in the coding phase rebuilds the conversation from the event log: the transcript lines
    recorded before the first phase change are the background talk, and are left out of its model turns."""
    events = [
        ("phase_change", {"from": None, "to": "greeting"}),
        (
            "transcript",
            {"role": "assistant", "text": "Hi Ada! Tell me about the ledger at Initech.", "item_id": "a1"},
        ),
        ("transcript", {"role": "user", "text": "Sure, and I studied at Miskatonic.", "item_id": "u1"}),
        ("phase_change", {"from": "greeting", "to": "problem"}),
        ("transcript", {"role": "assistant", "text": "The problem is Two Sum.", "item_id": "a2"}),
        ("transcript", {"role": "user", "text": "Got it.", "item_id": "u2"}),
        ("phase_change", {"from": "problem", "to": "coding"}),
    ]
    log = [
        SessionEvent(seq=n, type=kind, t=float(n), idempotency_key=f"k{n}", payload=payload)
        for n, (kind, payload) in enumerate(events)
    ]
    point = build_resume(log)
    assert point is not None and point.phase == "coding"
    agent, state = build_interview(
        make_context(resume_text=RESUME),
        api=FakeRunClient({"verdict": "accepted", "tests": []}),
        recorder=FakeSink(),
        clock=ManualClock(),
        channel=FakeChannel(),
        settings=test_settings(),
        resume=point,
    )
    assert isinstance(agent, CodingAgent) and state.background_items == {"a1", "u1"}
    fake = FakeLLM([say("Welcome back."), say("Keep going, like at Initech.")])
    async with AgentSession[InterviewState](llm=fake, userdata=state) as session:
        await session.start(agent)
        await session.run(user_input="Where was I?")
    assert fake.requests
    for request in fake.requests:
        seen = _seen(request)
        assert "Initech" not in seen and "Miskatonic" not in seen and "The problem is Two Sum." in seen


def test_the_note_stands_once_where_the_talk_was_and_tool_calls_stay():
    ctx = llm.ChatContext()
    ctx.add_message(role="system", content="instructions", id="sys")
    ctx.add_message(role="assistant", content="At Initech?", id="g1")
    ctx.add_message(role="user", content="Yes, Initech.", id="g2")
    ctx.items.append(llm.FunctionCall(id="fc", call_id="c1", name="begin_problem", arguments="{}"))
    ctx.items.append(
        llm.FunctionCallOutput(id="fo", call_id="c1", name="begin_problem", output="", is_error=False)
    )
    ctx.add_message(role="assistant", content="The problem is Two Sum.", id="p1")
    out = without_background(ctx, {"g1", "g2"})
    assert [i.id for i in out.items] == ["sys", BACKGROUND_NOTE_ID, "fc", "fo", "p1"]
    assert [i.id for i in without_background(out, {"g1", "g2"}).items] == [i.id for i in out.items]
    # The conversation itself is untouched.
    assert without_background(ctx, {"elsewhere"}) is ctx and len(ctx.items) == 6


async def test_a_realtime_models_turn_in_a_graded_phase_sees_no_background_talk():
    """A realtime model never calls llm_node: its conversation is synced before each reply, and there too the
    greeting's talk is left out (deleted from the provider's session), the note in its place."""
    _, state = build_interview(make_context(minutes_left=30), api=None, recorder=FakeSink(), clock=ManualClock(),
                               channel=FakeChannel(), settings=test_settings())  # fmt: skip
    state.candidate_spoke = True
    ctx = llm.ChatContext()
    ctx.add_message(role="assistant", content="Tell me about the ledger at Initech.", id="g1")
    ctx.add_message(role="user", content="It was hard; I studied at Miskatonic.", id="g2")
    ctx.add_message(role="assistant", content="The problem is Two Sum.", id="p1")
    state.background_items = {"g1", "g2"}
    model = FakeRealtimeModel([RealtimeReply("Go ahead."), RealtimeReply("Yes, a dict is fine.")])
    async with AgentSession[InterviewState](llm=PreparedRealtimeModel(model), userdata=state) as session:
        await session.start(make_phase_agent(Phase.CODING, state, chat_ctx=ctx))
        handle = await text_turn(session, "Can I use a dictionary here?")
        assert handle is not None
        await handle
    assert model.requests
    for request in model.requests:
        seen = _seen({"chat_ctx": request.chat_ctx})
        assert "Initech" not in seen and "Miskatonic" not in seen, seen
    assert "The problem is Two Sum." in seen and "never bring up the candidate's background" in seen
