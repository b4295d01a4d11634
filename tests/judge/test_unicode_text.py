"""Text the judge cannot write as UTF-8 (a lone UTF-16 surrogate, which a Python string or a JSON escape can hold)
is the caller's error, refused before any backend sees it: never a UnicodeEncodeError deep in a backend (writing the
source, the remote envelope, the report), which read as the judge's own failure."""

from __future__ import annotations

import json
import secrets
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from pydantic import SecretStr, ValidationError

from judge.bank import TestCase as Case
from judge.bank import load_question
from judge.errors import InvalidTextError
from judge.remote_protocol import RunEnvelope
from judge.schemas import RunRequest, Verdict
from judge.service import Judge, _is_text, _is_text_slowly, check_request
from judge.settings import JudgeSettings
from tests.judge import judge_service
from tests.judge.judge_service import TOKEN, JudgeService, auth, envelope

pytestmark = pytest.mark.sandbox

QUESTION = load_question(Path(__file__).parent / "questions" / "sum-pair")
REFERENCE = QUESTION.references["python"]


def _request(source: str = REFERENCE, tests: list[Case] | None = None) -> RunRequest:
    request = RunRequest.for_question(QUESTION, language="python", source=source)
    return request if tests is None else request.model_copy(update={"tests": tests})


def _not_text() -> list[tuple[RunRequest, str]]:
    """Requests holding a lone surrogate, and the field the refusal names."""
    case = QUESTION.tests[0]
    return [
        (_request("# \ud800\n" + REFERENCE), "source"),
        (_request(REFERENCE + "# \udfff"), "source"),
        (_request(tests=[case, case.model_copy(update={"args": ["\udc00", 1]})]), "tests.1.args"),
        (_request(tests=[case.model_copy(update={"args": [[{"k\ud83d": 1}], 1]})]), "tests.0.args"),  # a key
        (_request(tests=[case.model_copy(update={"expected": ["ok", "\ud83d\ud83d"]})]), "tests.0.expected"),
    ]


def _remote(service: JudgeService) -> JudgeSettings:
    """The remote backend, pointed at the module's judge service."""
    return JudgeSettings(
        _env_file=None,  # type: ignore[call-arg]
        backend="remote",
        remote_urls=service.url,
        remote_token=SecretStr(TOKEN),
    )


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[JudgeService]:
    svc = judge_service.start(tmp_path_factory.mktemp("judge-text"), "text")
    try:
        yield svc
    finally:
        svc.stop()


async def test_text_that_is_not_unicode_is_refused_by_every_backend_before_it_runs(judge_settings, service):
    async with Judge(judge_settings) as local, Judge(_remote(service)) as judge:
        for backend in (local, judge):
            for request, field in _not_text():
                with pytest.raises(InvalidTextError) as refused:
                    await backend.run(request)
                assert refused.value.field == field
                assert refused.value.code == "invalid_text" and not refused.value.retryable
            # Text that is Unicode runs as always (a character past U+FFFF too); a NUL is the candidate's own
            # problem (Python refuses it at compile time), not ours.
            emoji = await backend.run(_request("# \U0001f600\n" + REFERENCE))
            assert emoji.verdict is Verdict.ACCEPTED, emoji.message
            nul = await backend.run(_request(REFERENCE + "# \x00\n"))
            assert nul.verdict is Verdict.COMPILE_ERROR, nul.message
    assert service.events("judge.run.started") and not [
        e for e in service.events() if e.get("level") == "error" or e.get("event") == "judge.serve.error"
    ]


async def test_a_hidden_test_is_read_only_by_the_submit_that_runs_it(judge_settings, service):
    """A Run never executes, sends or reports a hidden test, so it does not pay to re-encode them (they are most of
    a question's data); a Submit runs them and is refused as above."""
    hidden = next(i for i, t in enumerate(QUESTION.tests) if t.hidden)
    tests = list(QUESTION.tests)
    tests[hidden] = tests[hidden].model_copy(update={"args": ["\udc00", 1]})
    async with Judge(judge_settings) as local, Judge(_remote(service)) as judge:
        for backend in (local, judge):
            ran = await backend.run(_request(tests=tests))
            assert ran.verdict is Verdict.ACCEPTED, ran.message
            assert not any(r.hidden for r in ran.tests)
            with pytest.raises(InvalidTextError) as refused:
                await backend.run(_request(tests=tests).model_copy(update={"mode": "submit"}))
            assert refused.value.field == f"tests.{hidden}.args"


def _bodies() -> dict[str, bytes]:
    valid = json.dumps(envelope("RUN_ID_" + "x" * 16, _request()))
    escaped = {
        "source": valid.replace("def sum_pair", "# \\ud800\\ndef sum_pair", 1),
        "args": valid.replace('"args": [', '"args": ["\\udc00", ', 1),
        "expected": valid.replace('"expected": ', '"expected": "x\\ud83d", "note": ', 1),
        "key": valid.replace('"args": [', '"args": [{"\\ud800": 1}, ', 1),
    }
    return {
        **{f"escaped in {k}": v.encode() for k, v in escaped.items()},
        "UTF-8 bytes of a surrogate": valid.encode().replace(
            b"def sum_pair", b"# \xed\xa0\x80\\ndef sum_pair", 1
        ),
        "a UTF-16 body": escaped["source"].encode("utf-16"),
        "a UTF-32 body": valid.encode("utf-32"),
    }


def test_the_service_answers_text_that_is_not_unicode_with_422_and_runs_nothing(service):
    started = len(service.events("judge.run.started"))
    headers = {**auth(), "Content-Type": "application/json"}
    with httpx.Client(timeout=60) as client:
        for name, body in _bodies().items():
            body = body.replace(b"RUN_ID_" + b"x" * 16, secrets.token_hex(16).encode())
            r = client.post(service.url + "/v1/runs", content=body, headers=headers)
            assert r.status_code == 422, (name, r.text)
            error: dict[str, Any] = r.json()["error"]
            assert error["code"] == "invalid_request", name
        r = client.post(
            service.url + "/v1/runs", json=envelope(secrets.token_hex(16), _request()), headers=headers
        )
        assert r.status_code == 200 and r.json()["report"]["verdict"] == "accepted", r.text
    assert len(service.events("judge.run.started")) == started + 1
    assert not service.events("judge.serve.error")


def _values() -> list[Any]:
    """JSON-like values, text and not, where a surrogate hides in a key, deep down, or beside what is not JSON."""
    deep: Any = "\udbff"
    for _ in range(40):
        deep = [deep, {"k": 1}]
    return [
        "plain",
        "\U0001f600 \u00e9 \u4e2d",
        "\ud83d\ude00",  # a pair written as two code points: still not UTF-8, as Python holds it
        ["a", ["b", ["\ud800"]]],
        {"\udc00": 1},
        {1: "x", 2.5: ["\ud800"]},  # keys JSON would write as strings
        deep,
        2**200,
        -(2**70),
        float("nan"),
        float("inf"),
        None,
        [True, 1.5, None],
        (1, "\udfff"),
        b"\xff\xfe",  # not JSON: not this check's concern
        {"k": object()},
        [object(), "\ud800"],
    ]


@pytest.mark.parametrize("value", _values(), ids=lambda v: type(v).__name__)
def test_the_fast_text_check_decides_every_value_as_the_standard_library_does(value):
    assert _is_text(value) is _is_text_slowly(value)


def test_pydantic_json_parser_refuses_what_a_judge_service_does_not_check_again():
    """A judge service skips the text check for what it validated from JSON (`Judge.run(from_json=True)`): that
    rests on pydantic's parser refusing every way a body can spell a lone surrogate."""
    run_id = secrets.token_hex(16).encode()
    valid = json.dumps(envelope(run_id.decode(), _request())).encode()
    assert RunEnvelope.model_validate_json(valid).request.source == REFERENCE
    for name, body in _bodies().items():
        body = body.replace(b"RUN_ID_" + b"x" * 16, run_id)
        with pytest.raises(ValidationError) as refused:
            RunEnvelope.model_validate_json(body)
        assert refused.value.errors()[0]["type"] == "json_invalid", name
        if not name.startswith("a UTF-"):
            # Read leniently, as Python's own parser does, the same body holds a lone surrogate: a request that
            # Python built is still checked.
            lenient = RunRequest.model_validate(json.loads(body.decode("utf-8", "surrogatepass"))["request"])
            with pytest.raises(InvalidTextError):
                check_request(lenient, JudgeSettings(_env_file=None))  # type: ignore[call-arg]
