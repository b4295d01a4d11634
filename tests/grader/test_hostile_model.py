"""A grading model's server, or the model, answering hostile: a body that is not JSON, an answer sent a byte at a
time, values of another type than the schema's, a key twice, words that read otherwise than they are checked, and a
quote that stops before a combining mark. Each fails closed: retried by the queue, or sent back in the repair round
and never stored as it is."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any

import pytest
from aiohttp import web

from grader.bundle import build_bundle
from grader.errors import GraderUnavailableError
from grader.evidence import CitationIndex, check
from grader.facts import compute_facts
from grader.output import MAX_ECHOED_CHARS, parse
from grader.pipeline import Grader
from grader.schemas import BundleEvent, Evidence
from grader.settings import GraderSettings
from tests.fakes.grader_model import FakeGraderModel, FakeReply, honest, scorecard
from tests.fakes.loopback import serve
from tests.grader.bundles import interview, transcript
from tests.grader.conftest import MakeGrader

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@asynccontextmanager
async def grader_at(handler: Handler, **over: Any) -> AsyncIterator[Grader]:
    """A Grader whose model server answers every request with `handler` (on loopback)."""
    app = web.Application()
    app.router.add_post("/v1/chat/completions", handler)
    runner, port = await serve(app, access_log=None, shutdown_timeout=0.5)
    values: dict[str, Any] = {"api_key": "sk-test", "model": "fake-grader-large", "sdk_retries": 0, **over}
    grader = Grader(GraderSettings(_env_file=None, base_url=f"http://127.0.0.1:{port}/v1", **values))  # type: ignore[call-arg]
    try:
        yield grader
    finally:
        await grader.aclose()
        await runner.cleanup()


@pytest.mark.parametrize(
    "body",
    [
        b'{"id": "chatcmpl-1", "object": "chat.completion", "choices": [{"index": 0, "message": {"role": "assis',
        b"",
        b"[" * 100_000 + b"]" * 100_000,  # past the JSON parser's depth
        b'{"id": "\xff\xfe", "choices": [',
    ],
    ids=["cut_short", "empty", "nested_too_deep", "not_utf8"],
)
async def test_a_response_body_labelled_json_that_is_not_is_a_malformed_response_retried_by_the_queue(
    body: bytes,
) -> None:
    """The SDK raised the JSON parser's own error (JSONDecodeError, RecursionError), which is no GraderError: the
    job failed the version as a bug (internal_error) where a proxy had only cut an answer short."""

    async def answer(request: web.Request) -> web.StreamResponse:
        await request.read()
        return web.Response(body=body, content_type="application/json")

    async with grader_at(answer) as grader:
        with pytest.raises(GraderUnavailableError) as raised:
            await grader.grade(interview())
    assert raised.value.retryable


async def test_a_server_that_sends_its_answer_a_byte_at_a_time_is_cut_off_at_the_calls_deadline() -> None:
    """The SDK's timeout bounds each wait for a piece of the response: a space every 50 ms kept the call, the job
    and the session's re-grades waiting for as long as the server went on."""

    async def dribble(request: web.Request) -> web.StreamResponse:
        await request.read()
        response = web.StreamResponse(headers={"Content-Type": "application/json"})
        await response.prepare(request)
        try:
            for _ in range(400):  # 20 s, far past the call's deadline
                await response.write(b" ")
                await asyncio.sleep(0.05)
        except ConnectionResetError:
            pass
        return response

    async with grader_at(dribble, timeout_s=0.3) as grader:
        async with asyncio.timeout(5):  # the test's own bound: without the deadline, the call outlasts it
            with pytest.raises(GraderUnavailableError) as raised:
                await grader.grade(interview())
    assert raised.value.retryable


def _answer(**change: Any) -> dict[str, Any]:
    """A valid answer for the two-sum bundle's rubric, changed by `change` (a path with dots: a value)."""
    cited = [{"seq": 5, "quote": "I would first check every pair"}]
    card: dict[str, Any] = {
        "dimensions": {
            name: {"score": 3, "justification": "Reasoned it through.", "evidence": list(cited)}
            for name in ("problem_solving", "coding", "verification", "communication")
        },
        "rubric": [
            {"id": "brute_force_first", "mark": "met", "evidence": list(cited)},
            {"id": "hash_map_one_pass", "mark": "not_observed", "evidence": []},
        ],
        "recommendation": "hire",
        "strengths": ["Explained the approach first."],
        "areas_to_improve": ["Test edge cases earlier."],
        "candidate_advice": "Practise naming edge cases out loud.",
    }
    for path, value in change.items():
        *parents, last = path.split(".")
        node: Any = card
        for key in parents:
            node = node[int(key)] if isinstance(node, list) else node[key]
        if isinstance(node, list):
            node[int(last)] = value
        else:
            node[last] = value
    return card


RUBRIC_IDS = ["brute_force_first", "hash_map_one_pass"]


def test_the_unchanged_answer_is_valid() -> None:
    assert not isinstance(parse(json.dumps(_answer()), RUBRIC_IDS), list)


@pytest.mark.parametrize(
    ("path", "value"),
    [
        ("dimensions.coding.score", True),  # had been read as a score of 1
        ("dimensions.coding.score", "4"),  # as 4
        ("dimensions.coding.score", 4.0),
        ("dimensions.coding.evidence.0.seq", True),  # as a citation of event 1
        ("dimensions.coding.evidence.0.seq", "5"),
    ],
)
def test_a_value_of_another_type_than_the_schemas_is_sent_back_never_converted(path: str, value: Any) -> None:
    problems = parse(json.dumps(_answer(**{path: value})), RUBRIC_IDS)
    assert isinstance(problems, list)
    assert any(p.startswith(path + ":") and "valid integer" in p for p in problems), problems


def test_a_key_twice_in_one_object_is_sent_back_whichever_value_a_reader_keeps() -> None:
    text = json.dumps(_answer()).replace(
        '"recommendation": "hire"', '"recommendation": "strong_hire", "recommendation": "hire"'
    )
    problems = parse(text, RUBRIC_IDS)
    assert problems == ["the answer holds the key 'recommendation' twice in one object: write each key once"]


@pytest.mark.parametrize(
    ("path", "text", "code"),
    [
        # Shows "all hidden tests passed" to a reader of a webhook or an ATS note; the checks read it reversed.
        ("dimensions.coding.justification", "\u202edessap stset neddih lla", "U+202E"),
        ("strengths.0", "Clear code.\U000e0053\U000e0063\U000e006f\U000e0072\U000e0065 4", "U+E0053"),  # tags
        ("areas_to_improve.0", "Test edge cases \x1b[8mall passed\x1b[0m earlier.", "U+001B"),
        ("candidate_advice", "Practise naming edge ca\u200b\u200bses out loud.", "U+200B"),
    ],
)
def test_characters_a_reader_does_not_see_in_the_answers_own_words_are_sent_back(
    path: str, text: str, code: str
) -> None:
    problems = parse(json.dumps(_answer(**{path: text})), RUBRIC_IDS)
    assert isinstance(problems, list)
    where = path.replace(".0", "[0]")  # as the problems name it: "strengths[0]"
    assert any(p.startswith(where + ":") and code in p for p in problems), problems


@pytest.mark.parametrize(
    "text",
    ["Great start ❤️ and clear naming.", "A 👩‍💻 who tests.", "Bien explicado:\tla niña, el señor.\nSí."],
)
def test_emoji_accents_tabs_and_line_breaks_in_the_answers_own_words_are_plain_text(text: str) -> None:
    assert not isinstance(parse(json.dumps(_answer(candidate_advice=text)), RUBRIC_IDS), list)


async def test_an_answer_with_a_wrong_type_is_repaired_and_one_that_keeps_it_is_never_ready(
    model: FakeGraderModel, make_grader: MakeGrader
) -> None:
    def typed(body: dict[str, Any]) -> FakeReply:
        card = scorecard(body)
        card["dimensions"]["coding"]["score"] = True
        return FakeReply(body=card)

    calls: list[int] = []

    def typed_once(body: dict[str, Any]) -> FakeReply:
        calls.append(1)
        return typed(body) if len(calls) == 1 else honest(body)

    model.responder = typed_once
    ready = await make_grader().grade(interview())
    assert ready.status == "ready" and len(model.requests) == 2
    assert "dimensions.coding.score: Input should be a valid integer" in str(
        model.requests[1]["messages"][-1]
    )

    model.requests.clear()
    model.responder = typed
    failed = await make_grader().grade(interview())
    assert (failed.status, failed.reason, failed.scorecard) == ("failed", "invalid_output", None)
    assert len(model.requests) == 2


@pytest.fixture(scope="module")
def decomposed() -> CitationIndex:
    """The two-sum bundle with lines and code written decomposed (a letter, then its combining mark)."""
    extra = [
        transcript(20, 165.0, "user", "Dije que si\u0301, con un mapa de valores."),
        transcript(21, 170.0, "user", "If x \u2208\u0338 seen we add it to the map."),
        BundleEvent(
            seq=22,
            type="editor_snapshot",
            t=175.0,
            payload={"language": "python", "code": "cafe\u0301s = count(nums)\nreturn cafe\u0301s\n"},
        ),
        transcript(23, 180.0, "user", "Great job \u2764\ufe0f so far."),
    ]
    source = interview(extra_events=extra)
    return build_bundle(source, compute_facts(source)).index


@pytest.mark.parametrize(
    ("seq", "quote"),
    [
        (20, "Dije que si"),  # "I said if": the line says "sí", yes
        (21, "If x \u2208"),  # "x ∈" of "x ∉"
        (22, "s = count(nums)"),  # from inside the name "cafés"
    ],
)
def test_a_quote_never_ends_before_a_combining_mark_nor_starts_after_one_inside_a_word(
    decomposed: CitationIndex, seq: int, quote: str
) -> None:
    assert isinstance(check(Evidence(seq=seq, quote=quote), decomposed), str)


@pytest.mark.parametrize(
    ("seq", "quote"),
    [
        (20, "Dije que si\u0301, con un mapa de valores."),
        (21, "If x \u2208\u0338 seen we add it to the map."),
        (22, "cafe\u0301s = count(nums)"),
        (23, "Great job \u2764"),  # a variation selector only picks the heart's glyph
    ],
)
def test_a_quote_with_the_marks_on_its_letters_verifies_as_written(
    decomposed: CitationIndex, seq: int, quote: str
) -> None:
    assert check(Evidence(seq=seq, quote=quote), decomposed) == Evidence(seq=seq, quote=quote)


async def test_the_repair_round_repeats_a_bounded_head_of_an_answer_of_any_length(
    model: FakeGraderModel, make_grader: MakeGrader
) -> None:
    huge = "{" + "x" * (MAX_ECHOED_CHARS * 5)  # not JSON, and five times what is repeated
    model.responder = lambda body: FakeReply(text=huge) if len(model.requests) == 1 else honest(body)
    ready = await make_grader().grade(interview())
    assert ready.status == "ready" and len(model.requests) == 2
    repeated = model.requests[1]["messages"][-2]
    assert repeated["role"] == "assistant"
    assert repeated["content"].startswith(huge[:MAX_ECHOED_CHARS])
    assert len(repeated["content"]) < MAX_ECHOED_CHARS + 100
    assert f"{len(huge) - MAX_ECHOED_CHARS} more characters not repeated" in repeated["content"]
    short = json.dumps({"not": "a scorecard"})
    model.requests.clear()
    model.responder = lambda body: FakeReply(text=short) if len(model.requests) == 1 else honest(body)
    assert (await make_grader().grade(interview())).status == "ready"
    assert model.requests[1]["messages"][-2]["content"] == short  # an answer of ordinary length, whole
