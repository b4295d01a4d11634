"""The Judge0 backend against FakeJudge0 (real HTTP over loopback, really runs the multi-file submission)."""

from __future__ import annotations

import base64
import io
import zipfile
from pathlib import Path

import pytest
from pydantic import SecretStr

from judge.backends.judge0 import Judge0Backend
from judge.bank import load_question
from judge.errors import JudgeBusyError, JudgeInternalError
from judge.schemas import RunLimits, RunRequest, Verdict
from judge.service import Judge
from judge.settings import JudgeSettings
from tests.fakes.judge0 import FakeJudge0, Judge0Config

QUESTION = load_question(Path(__file__).parent / "questions" / "sum-pair")
HIDDEN_EXPECTED = str(next(t for t in QUESTION.tests if t.hidden).expected)
TOKEN = "judge0-test-token"


def _settings(url: str, token: str | None = TOKEN) -> JudgeSettings:
    return JudgeSettings(
        backend="judge0",
        judge0_url=url,
        judge0_auth_token=SecretStr(token) if token else None,
        max_memory_mb=256,  # what fits Judge0's default 500 MiB per box, with the JVM's own footprint
        max_wall_s=4,  # a test at its limit, twice over for waiting, plus start-up, within Judge0's 15 s
    )


def _judge(url: str, token: str | None = TOKEN) -> Judge:
    settings = _settings(url, token)
    return Judge(settings, backend=Judge0Backend(settings, poll_interval_s=0.05))


def _request(source: str, language: str = "python", mode: str = "submit", **kw) -> RunRequest:
    return RunRequest.for_question(QUESTION, language=language, source=source, mode=mode, **kw)  # type: ignore[arg-type]


def _archive(body: dict) -> dict[str, str]:
    with zipfile.ZipFile(io.BytesIO(base64.b64decode(body["additional_files"]))) as zf:
        return {name: zf.read(name).decode() for name in zf.namelist()}


@pytest.mark.parametrize("language", ["python", "javascript", "java", "cpp"])
async def test_reference_is_accepted_with_one_multi_file_submission(language):
    async with FakeJudge0(auth_token=TOKEN) as fake, _judge(fake.url) as judge:
        report = await judge.run(_request(QUESTION.references[language], language))
    assert report.verdict is Verdict.ACCEPTED, (report.compile_output, report.tests)
    assert report.backend == "judge0"
    assert report.passed == report.total == len(QUESTION.tests)
    assert len(fake.submissions) == 1  # never one submission per test
    body = fake.submissions[0]
    assert body["language_id"] == 89 and body["enable_network"] is False
    files = _archive(body)
    assert {"run", "driver.py", "tests.json"} <= set(files)
    assert not any(HIDDEN_EXPECTED in text for text in files.values())  # expected values never leave us


async def test_failing_tests_get_their_verdicts_and_the_rest_still_run_in_one_submission():
    source = """
import os

def sum_pair(a, b):
    if a == 1:
        while True:
            pass
    if a == 2:
        raise ValueError("boom")
    if a == 3:
        os._exit(3)
    if a == 4:
        return -1
    return a + b
"""
    async with FakeJudge0(auth_token=TOKEN) as fake, _judge(fake.url) as judge:
        report = await judge.run(_request(source, mode="run", limits=RunLimits(time_limit_s=1.0)))
    assert {t.id: t.verdict for t in report.tests} == {
        "v0": Verdict.ACCEPTED,
        "v1": Verdict.TIME_LIMIT,
        "v2": Verdict.RUNTIME_ERROR,
        "v3": Verdict.RUNTIME_ERROR,
        "v4": Verdict.WRONG_ANSWER,
        "v5": Verdict.ACCEPTED,
    }
    assert len(fake.submissions) == 1


async def test_compile_error_comes_back_with_the_compiler_output():
    source = "class Solution {\npublic:\n    int sumPair(int a, int b) { return a + b }\n};\n"
    async with FakeJudge0(auth_token=TOKEN) as fake, _judge(fake.url) as judge:
        report = await judge.run(_request(source, "cpp"))
    assert report.verdict is Verdict.COMPILE_ERROR
    assert "solution.cpp" in report.compile_output


async def test_hidden_tests_are_redacted_and_forged_stdout_is_ignored():
    source = (
        "import os\n\ndef sum_pair(a, b):\n"
        '    os.write(1, b\'{"i": %d, "ok": true, "v": %d}\\n\' % (0, 0))\n'
        "    return -1\n"
    )
    async with FakeJudge0(auth_token=TOKEN) as fake, _judge(fake.url) as judge:
        report = await judge.run(_request(source))
    assert {t.verdict for t in report.tests} == {Verdict.WRONG_ANSWER}
    for t in report.tests:
        if t.hidden:
            assert (t.args, t.expected, t.actual, t.stdout) == (None, None, None, None)


async def test_polls_by_token_when_the_server_does_not_wait():
    async with (
        FakeJudge0(auth_token=TOKEN, config=Judge0Config(enable_wait_result=False)) as fake,
        _judge(fake.url) as judge,
    ):
        report = await judge.run(_request(QUESTION.references["python"]))
    assert report.verdict is Verdict.ACCEPTED
    assert fake.polls >= 1


async def test_wrong_token_is_an_internal_error_never_the_candidates_fault():
    async with FakeJudge0(auth_token=TOKEN) as fake:
        settings = _settings(fake.url, "wrong-token")
        backend = Judge0Backend(settings)
        with pytest.raises(JudgeInternalError) as info:
            await backend.run(_request(QUESTION.references["python"]))
        assert not info.value.retryable
        await backend.aclose()
        async with _judge(fake.url, "wrong-token") as judge:
            report = await judge.run(_request(QUESTION.references["python"]))
    assert report.verdict is Verdict.INTERNAL_ERROR
    assert fake.submissions == []


async def test_busy_judge0_raises_a_retryable_busy_error():
    async with FakeJudge0(auth_token=TOKEN, http_status=503) as fake, _judge(fake.url) as judge:
        with pytest.raises(JudgeBusyError):
            await judge.run(_request(QUESTION.references["python"]))


async def test_judge0_internal_error_status_is_an_internal_error_report():
    async with FakeJudge0(auth_token=TOKEN, judge0_status=13) as fake, _judge(fake.url) as judge:
        report = await judge.run(_request(QUESTION.references["python"]))
    assert report.verdict is Verdict.INTERNAL_ERROR
    assert all(t.verdict is Verdict.INTERNAL_ERROR for t in report.tests)


def test_backend_requires_a_url():
    with pytest.raises(JudgeInternalError):
        Judge0Backend(JudgeSettings(backend="judge0", judge0_url=None))
