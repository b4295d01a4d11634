"""Runs through the Judge0 backend against FakeJudge0 for tests: the fake's host configuration, the judge that talks
to it, and a run of one program's cases there whose verdicts are compared with the expected ones."""

from __future__ import annotations

from pydantic import SecretStr

from judge.backends.judge0 import Judge0Backend
from judge.bank import TestCase as Case
from judge.schemas import RunLimits, RunRequest, Verdict
from judge.service import Judge
from judge.settings import JudgeSettings
from tests.fakes.judge0 import FakeJudge0, Judge0Config
from tests.judge.test_honest_limits import SIGNATURE

TOKEN = "judge0-test-token"
# The server's judge0.conf. Judge0 compiles under its maxima (MAX_CPU_TIME_LIMIT, MAX_WALL_TIME_LIMIT) on a host of
# its own; the fake compiles on this box, beside the rest of the suite, where a C++ compile that takes 1.3 s alone
# crossed the 20 s wall bound on a loaded CI box ("Compilation time limit exceeded" for a correct program). So the
# fake's server allows a longer wall time; the CPU bound stays Judge0's 15 s, and what the backend sends (its own
# maxima, `_settings`) is unchanged, so every limit a submission runs under is still Judge0's.
HOST = Judge0Config(max_wall_time_limit=120.0)


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


async def assert_judge0_verdicts(
    language: str, source: str, cases: list[Case], expected: dict[str, Verdict]
) -> None:
    """Run `source`'s `cases` (test_honest_limits.SIGNATURE, a Run under a 1 s limit) on FakeJudge0 and assert each
    case's verdict, by id, is `expected`'s."""
    request = RunRequest(
        language=language,  # type: ignore[arg-type]
        source=source,
        signature=SIGNATURE,
        tests=cases,
        mode="run",
        limits=RunLimits(time_limit_s=1.0, compile_s=30),
    )
    async with FakeJudge0(auth_token=TOKEN, config=HOST) as fake, _judge(fake.url) as judge:
        report = await judge.run(request)
    assert {t.id: t.verdict for t in report.tests} == expected, (report.compile_output, report.tests)
