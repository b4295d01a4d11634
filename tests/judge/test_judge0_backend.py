"""The Judge0 backend against FakeJudge0 (real HTTP over loopback, really runs the multi-file submission)."""

from __future__ import annotations

import asyncio
import base64
import contextlib
import io
import json
import os
import resource
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import httpx
import pytest

from judge.backends.judge0 import Judge0Backend, Submission
from judge.bank import TestCase as Case
from judge.bank import iter_question_dirs, load_question
from judge.errors import JudgeBusyError, JudgeConfigurationError, JudgeInternalError
from judge.schemas import RunLimits, RunRequest, Verdict
from judge.settings import JudgeSettings
from tests.fakes.judge0 import FakeJudge0, Judge0Config, validate
from tests.judge.judge0_runs import HOST, TOKEN, _judge, _settings, assert_judge0_verdicts

QUESTION = load_question(Path(__file__).parent / "questions" / "sum-pair")
HIDDEN_EXPECTED = str(next(t for t in QUESTION.tests if t.hidden).expected)


def _request(source: str, language: str = "python", mode: str = "submit", **kw) -> RunRequest:
    return RunRequest.for_question(QUESTION, language=language, source=source, mode=mode, **kw)  # type: ignore[arg-type]


def _archive(body: dict) -> dict[str, str]:
    with zipfile.ZipFile(io.BytesIO(base64.b64decode(body["additional_files"]))) as zf:
        return {name: zf.read(name).decode() for name in zf.namelist()}


@pytest.mark.parametrize("language", ["python", "javascript", "java", "cpp"])
async def test_reference_is_accepted_with_one_multi_file_submission(language):
    async with FakeJudge0(auth_token=TOKEN, config=HOST) as fake, _judge(fake.url) as judge:
        report = await judge.run(_request(QUESTION.references[language], language))
    assert report.verdict is Verdict.ACCEPTED, (report.compile_output, report.tests)
    assert report.backend == "judge0"
    assert report.passed == report.total == len(QUESTION.tests)
    assert len(fake.submissions) == 1  # never one submission per test
    body = fake.submissions[0]
    assert body["language_id"] == 89 and body["enable_network"] is False
    files = _archive(body)
    assert {"run", "driver.py"} <= set(files)
    assert not any(HIDDEN_EXPECTED in text for text in files.values())  # expected values never leave us
    # The tests' inputs (and the driver's settings) are the run's stdin, never a file of the box: its compile and
    # every harness process could read a file (the compiler by `#include`), hidden inputs among them.
    given = json.loads(base64.b64decode(body["stdin"]))
    assert given["tests"] == [t.args for t in QUESTION.tests]
    assert not {"tests.json", "driver.json"} & set(files)
    hidden_input = json.dumps(next(t for t in QUESTION.tests if t.hidden).args)
    assert not any(hidden_input in text for text in files.values())


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
    async with FakeJudge0(auth_token=TOKEN, config=HOST) as fake, _judge(fake.url) as judge:
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
    async with FakeJudge0(auth_token=TOKEN, config=HOST) as fake, _judge(fake.url) as judge:
        report = await judge.run(_request(source, "cpp"))
    assert report.verdict is Verdict.COMPILE_ERROR
    assert "solution.cpp" in report.compile_output


# A hidden test's input kept in the box (its harness processes share /box and /tmp) before the process ends, and a
# "does not compile" report written by the next harness's load, carrying it: a Submit shows compile output whole.
KEEPER = """
import fcntl, os

if os.path.exists("kept-input"):
    line = ('{"fatal":"compile","msg":"kept %s"}\\n' % open("kept-input").read()).encode()
    for fd in map(int, os.listdir("/proc/self/fd")):  # the harness's copy of its results channel
        if fd >= 10 and fcntl.fcntl(fd, fcntl.F_GETFL) & os.O_ACCMODE == os.O_WRONLY:
            os.write(fd, line)
    os._exit(1)


def sum_pair(a, b):
    if a >= 7770:
        with open("kept-input", "w") as f:
            f.write("%x %x" % (a, b))  # encoded: compile output quoting a hidden input verbatim is withheld
        os._exit(1)
    return a + b
"""


# The first hidden test answered, then the box ended (the driver killed: the same uid) during the next one.
ENDS_THE_BOX = """
import os, signal, threading, time


def sum_pair(a, b):
    if a == 7770:
        threading.Timer(0.3, os.kill, (os.getppid(), signal.SIGKILL)).start()
    elif a > 7770:
        time.sleep(0.6)
    return a + b
"""


async def test_submissions_after_the_first_hidden_input_are_not_counted_as_processes():
    # Before: `processes` 2, the box the program ended after a hidden test it chose counted (locally, processes
    # started after the first hidden input are not).
    async with FakeJudge0(auth_token=TOKEN, config=HOST) as fake, _judge(fake.url) as judge:
        report = await judge.run(_request(ENDS_THE_BOX, limits=RunLimits(time_limit_s=2.0)))
    assert len(fake.submissions) == 2, report.tests  # the box did end, and the rest was sent again
    assert report.processes == 1
    assert {t.id: t.verdict for t in report.tests if t.hidden} == {
        "h0": Verdict.ACCEPTED, "h1": Verdict.RUNTIME_ERROR, "h2": Verdict.ACCEPTED,
    }  # fmt: skip


async def test_a_later_harness_saying_the_code_does_not_compile_is_its_load_failure():
    # Before: every test `compile_error`, the compile output "kept 1e5a 186a0", a hidden test's input (7770, 100000).
    async with FakeJudge0(auth_token=TOKEN, config=HOST) as fake, _judge(fake.url) as judge:
        report = await judge.run(_request(KEEPER))
    assert report.verdict is Verdict.RUNTIME_ERROR, (report.compile_output, report.tests)
    assert report.compile_output == ""
    assert "1e5a" not in report.model_dump_json()
    assert {t.verdict for t in report.tests if not t.hidden} == {Verdict.ACCEPTED}
    assert {t.verdict for t in report.tests if t.hidden} == {Verdict.RUNTIME_ERROR}


async def test_hidden_tests_are_redacted_and_forged_stdout_is_ignored():
    source = (
        "import os\n\ndef sum_pair(a, b):\n"
        '    os.write(1, b\'{"i": %d, "ok": true, "v": %d}\\n\' % (0, 0))\n'
        "    return -1\n"
    )
    async with FakeJudge0(auth_token=TOKEN, config=HOST) as fake, _judge(fake.url) as judge:
        report = await judge.run(_request(source))
    assert {t.verdict for t in report.tests} == {Verdict.WRONG_ANSWER}
    for t in report.tests:
        if t.hidden:
            assert (t.args, t.expected, t.actual, t.stdout) == (None, None, None, None)


async def test_polls_by_token_when_the_server_does_not_wait():
    async with (
        FakeJudge0(auth_token=TOKEN, config=replace(HOST, enable_wait_result=False)) as fake,
        _judge(fake.url) as judge,
    ):
        report = await judge.run(_request(QUESTION.references["python"]))
    assert report.verdict is Verdict.ACCEPTED
    assert fake.polls >= 1


async def test_wrong_token_is_an_internal_error_never_the_candidates_fault():
    async with FakeJudge0(auth_token=TOKEN, config=HOST) as fake:
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


BANK = Path(__file__).resolve().parents[2] / "questions"
BANK_CASES = [
    pytest.param(directory, language, id=f"{directory.name}-{language}")
    for directory in iter_question_dirs(BANK)
    for language in ("python", "javascript", "java", "cpp")
]


@pytest.mark.parametrize(("directory", "language"), BANK_CASES)
async def test_every_bank_reference_is_accepted_through_judge0s_runtimes(directory, language):
    # The fake's runtimes are those of the official image: Python 3.8 (the bank's `list[int]` annotations must
    # not be evaluated), Node 12, javac --release 13, g++ 9.2 in C++17.
    question = load_question(directory)
    async with FakeJudge0(auth_token=TOKEN, config=HOST) as fake, _judge(fake.url) as judge:
        report = await judge.run(
            RunRequest.for_question(
                question, language=language, source=question.references[language], mode="submit"
            )
        )
    failures = [(t.id, t.verdict.value) for t in report.tests if t.verdict is not Verdict.ACCEPTED]
    assert report.verdict is Verdict.ACCEPTED, (report.compile_output[:2000], report.message, failures[:5])
    assert fake.rejected == []


# ------------------------------------------------------------------ Judge0 1.13.1's rules, as the fake enforces them


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("max_processes_and_or_threads", 128),  # the default maximum is 120
        ("wall_time_limit", 21),
        ("cpu_time_limit", 16),
        ("memory_limit", 600_000),
        ("max_file_size", 5000),
        ("stack_limit", 200_000),
    ],
)
async def test_the_fake_refuses_fields_over_judge0s_default_maxima_with_422(field, value):
    async with FakeJudge0(auth_token=TOKEN) as fake:
        backend = Judge0Backend(_settings(fake.url))
        body = Submission(
            _request(QUESTION.references["python"]), backend.program(_request("")), backend.settings, [0]
        ).body()
        body[field] = value
        async with httpx.AsyncClient(base_url=fake.url, headers={"X-Auth-Token": TOKEN}) as client:
            response = await client.post("/submissions", params={"base64_encoded": "true"}, json=body)
        await backend.aclose()
    assert response.status_code == 422
    assert field in response.json()
    assert fake.submissions == []


def test_every_field_the_backend_sends_is_within_judge0s_defaults():
    settings = _settings("http://127.0.0.1:9")
    backend = Judge0Backend(settings)
    for language in ("python", "javascript", "java", "cpp"):
        request = _request(QUESTION.references[language], language)
        body = Submission(request, backend.program(request), settings, [0]).body()
        assert validate(dict(body), Judge0Config()) == {}, language
        assert body["max_processes_and_or_threads"] <= 120


async def test_a_configuration_judge0_cannot_honour_is_refused_when_the_backend_starts():
    settings = _settings("http://127.0.0.1:9").model_copy(update={"max_memory_mb": 1024, "max_wall_s": 20})
    backend = Judge0Backend(settings)
    with pytest.raises(JudgeConfigurationError) as info:
        await backend.start()
    assert "MAX_MEMORY_MB" in str(info.value) and "MAX_WALL_S" in str(info.value)
    await backend.aclose()
    fits = _settings("http://127.0.0.1:9").model_copy(update={"judge0_max_processes": 100})
    with pytest.raises(JudgeConfigurationError, match="processes"):
        await Judge0Backend(fits).start()


def _box_cpu_measured() -> bool:
    from judge.cgroups import detect_parents

    parents = detect_parents() if os.geteuid() == 0 else None
    return parents is not None and parents.available


@pytest.mark.skipif(
    not _box_cpu_measured(), reason="the fake measures a box's CPU time only in a cgroup (root)"
)
async def test_the_fakes_time_is_the_boxs_cpu_time_as_judge0s():
    # Judge0 (isolate --cg-timing) answers `time` with the box's CPU time, every process of it, from its cgroup;
    # the fake answered with the box's wall time: 1.0 s for a box that only slept, and half the CPU time of two
    # processes computing side by side, which is what the backend's CPU ceiling (judge0_events.cpu_ceiling_s) is
    # checked against.
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("run", "#!/bin/bash\nsleep 1\n")
    body = {
        "language_id": 89,
        "additional_files": base64.b64encode(buf.getvalue()).decode(),
        "wall_time_limit": 5,
    }
    async with (
        FakeJudge0(auth_token=TOKEN) as fake,
        httpx.AsyncClient(base_url=fake.url, headers={"X-Auth-Token": TOKEN}) as client,
    ):
        response = await client.post(
            "/submissions", params={"base64_encoded": "true", "wait": "true"}, json=body, timeout=30
        )
    answer = response.json()
    assert answer["status"]["id"] == 3, answer
    assert float(answer["time"]) < 0.5, answer


async def test_wait_refused_with_400_falls_back_to_polling_and_remembers_it():
    no_wait = replace(HOST, enable_wait_result=False)
    async with FakeJudge0(auth_token=TOKEN, config=no_wait) as fake, _judge(fake.url) as judge:
        first = await judge.run(_request(QUESTION.references["python"]))
        second = await judge.run(_request(QUESTION.references["python"]))
    assert first.verdict is second.verdict is Verdict.ACCEPTED
    assert [status for status, _ in fake.rejected] == [400]  # asked to wait once, then polled
    assert fake.polls >= 2


async def test_the_fake_compiles_a_program_once_and_a_changed_one_again(tmp_path):
    # Later submissions of one program reuse its compile; what changes between them (the tests, the driver's
    # settings) is not the program, and any change to the program's own files compiles again.
    from tests.fakes.judge0_image import BoxLimits

    limits = BoxLimits(
        cpu_s=10, wall_s=20, memory_kb=512_000, stack_kb=64_000, processes=60, file_size_kb=1024
    )
    script = "#!/bin/bash\nprintf '%s' \"$(cat source.txt)-$(ls | wc -l)\" > program.txt\n"

    def box(name: str, source: str, tests: str) -> Path:
        path = tmp_path / name
        path.mkdir()
        files = {
            "compile": script,
            "source.txt": source,
            "tests.json": tests,
            "driver.json": "{" + tests + "}",
        }
        for file, text in files.items():
            (path / file).write_text(text)
        (path / "compile").chmod(0o755)
        return path

    async with FakeJudge0() as fake:
        boxes = [box("first", "one", "[1]"), box("again", "one", "[2]"), box("changed", "two", "[2]")]
        outputs = [await asyncio.to_thread(fake._compile, b, limits) for b in boxes]
        programs = [(b / "program.txt").read_text() for b in boxes]
    assert outputs == [None, None, None]
    assert programs == ["one-4", "one-4", "two-4"]  # the first compile's program, copied into the second box
    assert fake.compiles == 2


@pytest.mark.parametrize(
    ("language", "source", "marker"),
    [
        (
            "python",
            "def sum_pair(a, b):\n    match a:\n        case _:\n            return a + b\n",
            "SyntaxError",
        ),
        ("javascript", "function sumPair(a, b) {\n  return (a ?? 0) + b;\n}\n", "SyntaxError"),
        (
            "java",
            "class Solution {\n    record P(int a) {}\n    public int sumPair(int a, int b) { return a + b; }\n}\n",
            "record",
        ),
    ],
)
async def test_code_newer_than_the_images_runtimes_is_a_compile_error_there(language, source, marker):
    # Python 3.8 has no `match`, Node 12 no `??`, Java 13 no records: the image's runtimes refuse them.
    async with FakeJudge0(auth_token=TOKEN, config=HOST) as fake, _judge(fake.url) as judge:
        report = await judge.run(_request(source, language))
    assert report.verdict is Verdict.COMPILE_ERROR, (report.message, report.tests[:2])
    assert marker in report.compile_output


async def test_the_images_python_evaluates_new_style_annotations_unless_they_are_postponed(tmp_path):
    from tests.fakes.judge0_image import BoxLimits, install_image, run_in_box

    image = install_image(tmp_path / "usr-local")
    box = tmp_path / "box"
    box.mkdir()
    limits = BoxLimits(
        cpu_s=10, wall_s=20, memory_kb=512_000, stack_kb=64_000, processes=60, file_size_kb=1024
    )
    python = "/usr/local/python-3.8.1/bin/python3"
    cases = {
        "def f(nums: list[int]) -> int:\n    return 0\n": False,
        "def f(x: int | None):\n    return 0\n": False,
        "from __future__ import annotations\ndef f(nums: list[int]) -> int:\n    return 0\n": True,
        "from typing import List\ndef f(nums: List[int]) -> int:\n    return 0\n": True,
    }
    for source, ok in cases.items():
        (box / "main.py").write_text(source + "print('ran')\n")
        (box / "run").write_text(f"{python} main.py\n")
        result = await asyncio.to_thread(run_in_box, box, image, "run", limits)
        assert (result.exit_code == 0) is ok, (source, result.stderr[-300:])


@pytest.mark.parametrize("language", ["python", "javascript", "java", "cpp"])
async def test_failing_tests_get_the_same_verdicts_as_on_the_local_sandbox(sandbox, judge_settings, language):
    from judge.runner import run_request
    from tests.judge.test_verdicts import MIXED

    limits = RunLimits(time_limit_s=3.0, memory_mb=128, output_bytes=64_000)
    request = _request(MIXED[language], language, mode="run", limits=limits)
    local = run_request(request, sandbox, judge_settings)
    async with FakeJudge0(auth_token=TOKEN, config=HOST) as fake, _judge(fake.url) as judge:
        remote = await judge.run(request)
    assert {t.id: t.verdict for t in remote.tests} == {t.id: t.verdict for t in local.tests}, [
        (t.id, t.verdict, t.message) for t in remote.tests
    ]
    assert {t.id: t.verdict for t in local.tests}["v1"] is Verdict.TIME_LIMIT
    if language in ("java", "cpp"):
        # Where a test ended the box and the backend sent the rest again, the next box ran the first one's build.
        assert fake.compiles == 1, len(fake.submissions)


async def test_returned_values_larger_than_the_boxs_output_are_judged_over_more_submissions():
    # Judge0 writes a box's stdout to a file bounded by max_file_size (4096 KB): the driver's report of six 1.8 MB
    # values did not fit, the box was killed mid-report (SIGXFSZ) and a test that had returned became
    # "the program ended before returning". Now the driver stops before its report outgrows the box, and the
    # backend sends the rest again; a value that no box's output can hold is output_limit.
    source = """
def sum_pair(a, b):
    if a == 2:
        return [a + b] * 2_200_000
    return [a + b] * 600_000
"""
    async with FakeJudge0(auth_token=TOKEN, config=HOST) as fake, _judge(fake.url) as judge:
        report = await judge.run(_request(source, mode="run", limits=RunLimits(time_limit_s=3.0)))
    verdicts = {t.id: t.verdict for t in report.tests}
    assert verdicts.pop("v2") is Verdict.OUTPUT_LIMIT, report.tests
    assert set(verdicts.values()) == {Verdict.WRONG_ANSWER}, report.tests
    assert all("too large to show" in (t.message or "") for t in report.tests if t.id != "v2")
    assert len(fake.submissions) > 1


async def test_code_that_kills_the_in_box_driver_fails_its_own_test_not_the_judge():
    # The driver shares the box and its uid with the candidate's code. It printed what it saw only at its end, so
    # killing it left no output: internal_error, blamed on us (and retried). Its events now go out as they happen;
    # the test in flight gets the box's status, and the backend sends the rest again.
    source = """
import os, signal

def sum_pair(a, b):
    if a == 2:
        os.kill(os.getppid(), signal.SIGKILL)
    return a + b
"""
    async with FakeJudge0(auth_token=TOKEN, config=HOST) as fake, _judge(fake.url) as judge:
        report = await judge.run(_request(source, mode="run", limits=RunLimits(time_limit_s=1.0)))
    verdicts = {t.id: t.verdict for t in report.tests}
    assert verdicts.pop("v2") is Verdict.RUNTIME_ERROR, report.tests
    assert set(verdicts.values()) == {Verdict.ACCEPTED}, report.tests
    assert len(fake.submissions) == 2
    # The second carries the inputs of the tests still to run and no others: every input went to every
    # submission, base64 and uncompressed (unlike the zip that held them until 2026-12-07), so a program that ends
    # its box after each test had the whole input set sent, and stored by Judge0, once per test.
    tests = _request(source, mode="run").selected_tests()
    first, second = (json.loads(base64.b64decode(body["stdin"])) for body in fake.submissions)
    assert first["tests"] == [t.args for t in tests]
    still = second["conf"]["order"]
    assert still and [t.id for t in tests].index("v2") not in still
    assert second["tests"] == [t.args if i in still else None for i, t in enumerate(tests)]


async def test_a_process_left_in_the_box_that_kills_the_next_harness_is_the_candidates_failure():
    # Judge0 gives the box no PID namespace per harness: a daemon that left the harness's process group outlives
    # it and kills the next harness before it says hello. That was "the harness did not start": internal_error.
    # Once the candidate's code has run in the box, such a start failure is its own.
    # The harness exits once the daemon has gone round its loop once (it said so on a pipe): a fixed sleep left a
    # loaded box's daemon not yet started when the next harness ran, and that harness passed its tests.
    source = """
import os, signal

def sum_pair(a, b):
    if a != 1:
        return a + b
    ready, said = os.pipe()
    if os.fork() == 0:
        os.setsid()
        if os.fork() == 0:
            me = os.getpid()
            while True:
                for pid in range(me + 1, me + 200):
                    try:
                        os.kill(pid, signal.SIGKILL)
                    except OSError:
                        pass
                if said is not None:
                    os.write(said, b"x")
                    said = None
        os._exit(0)
    os.read(ready, 1)
    os._exit(3)
"""
    async with FakeJudge0(auth_token=TOKEN, config=HOST) as fake, _judge(fake.url) as judge:
        report = await judge.run(_request(source, mode="run", limits=RunLimits(time_limit_s=1.0)))
    assert report.verdict is Verdict.RUNTIME_ERROR, report.tests
    assert report.tests[0].verdict is Verdict.ACCEPTED
    assert {t.verdict for t in report.tests[1:]} == {Verdict.RUNTIME_ERROR}


# work(a, n): on the CPU the suite keeps busy, n ms of its own CPU time; then test 1 ends the process.
SHARED_CPU = """
import os, time

def work(a, n):
    os.sched_setaffinity(0, {CPU})
    end = time.process_time() + n / 1000
    while time.process_time() < end:
        pass
    if a == 1:
        os._exit(3)
    return a
"""


@contextlib.contextmanager
def _busy(cpu: int, count: int) -> Iterator[None]:
    """`count` processes spinning on `cpu`, each in a session of its own (so that the scheduler weighs each as the
    box's whole group, with autogroups or without): whatever else runs there waits for it most of the time."""
    spin = f"import os\nos.sched_setaffinity(0, {{{cpu}}})\nwhile True:\n    pass\n"
    procs = [subprocess.Popen([sys.executable, "-c", spin], start_new_session=True) for _ in range(count)]
    try:
        yield
    finally:
        for proc in procs:
            proc.kill()
            proc.wait()


async def test_a_test_that_ends_its_process_is_not_charged_for_waiting_for_a_cpu(sandbox, judge_settings):
    # A test's time on Judge0 was its wall time, however long it waited for a CPU:
    # - FakeJudge0's boxes showed the host's /proc, where the harness's pid (from the box's own pid namespace) was
    #   another process: the driver read no CPU time and no waiting for any test. isolate mounts the box's own /proc,
    #   and so does the fake now;
    # - the driver read a test that ended its process after reaping it, when /proc had nothing left of it.
    # 0.2 s of CPU behind five busy processes (1.2 s of wall time), under a 1 s limit, was time_limit there and
    # passes (or fails by its exit) on the local sandbox. The Judge0 tests of the same verdicts as the local sandbox's
    # failed on a loaded CI box this way: a program that ran out of heap was charged its wall time, and timed out.
    from judge.runner import run_request
    from tests.judge.test_honest_limits import SIGNATURE

    cpu = min(os.sched_getaffinity(0))
    request = RunRequest(
        language="python",
        source=SHARED_CPU.replace("{CPU}", f"{{{cpu}}}"),
        signature=SIGNATURE,
        tests=[Case(id="returns", args=[0, 200], expected=0), Case(id="exits", args=[1, 200], expected=1)],
        mode="run",
        limits=RunLimits(time_limit_s=1.0),
    )
    with _busy(cpu, 5):
        local = run_request(request, sandbox, judge_settings)
        async with FakeJudge0(auth_token=TOKEN, config=HOST) as fake, _judge(fake.url) as judge:
            remote = await judge.run(request)
    expected = {"returns": Verdict.ACCEPTED, "exits": Verdict.RUNTIME_ERROR}
    assert {t.id: t.verdict for t in local.tests} == expected, local.tests
    assert {t.id: t.verdict for t in remote.tests} == expected, remote.tests


# Two children burn 0.6 s of CPU each, side by side, and hand their part back through a pipe; the harness never
# reaps them (zombies, or still running once the answer is given). 1.2 s of CPU in about 0.6 s of wall time.
UNREAPED = """
import os, time


def work(a, n):
    r, w = os.pipe()
    for _ in range(n):
        if os.fork() == 0:
            while time.process_time() < 0.6:
                pass
            os.write(w, b"x")
            os._exit(0)
    os.close(w)
    while os.read(r, 1):
        pass
    return a
"""


async def test_cpu_of_children_never_reaped_counts_against_the_time_limit_on_judge0():
    # Before: accepted there (the driver read the harness's own CPU time, and its children's only once reaped;
    # the wall time, 0.6 s, was under the limit), `time_limit` on the local sandbox, whose run group counts them.
    from tests.judge.test_honest_limits import SIGNATURE

    request = RunRequest(
        language="python", source=UNREAPED, signature=SIGNATURE,
        tests=[Case(id="two", args=[0, 2], expected=0)], mode="run", limits=RunLimits(time_limit_s=1.0),
    )  # fmt: skip
    async with FakeJudge0(auth_token=TOKEN, config=HOST) as fake, _judge(fake.url) as judge:
        report = await judge.run(request)
    assert [t.verdict for t in report.tests] == [Verdict.TIME_LIMIT], report.tests


def test_the_judge0_drivers_cpu_time_is_every_process_of_the_box_but_its_own(tmp_path):
    # The same measure without the wall time (which a loaded host stretches past the limit either way): in a box of
    # its own (a pid namespace, its own /proc), the driver's run_cpu() holds two children's 0.3 s each, never
    # reaped, and the harness's own time does not (before: the driver's measure, 0.01 s).
    from judge.backends.judge0_driver_measure import MEASURE

    probe = tmp_path / "probe.py"
    probe.write_text(
        "import os, time\n" + MEASURE + UNREAPED.replace("0.6", "0.3")
        + "\nwork(0, 2)\nprint(proc_cpu(os.getpid()), run_cpu())\n"
    )  # fmt: skip
    ran = subprocess.run(
        ["bwrap", "--dev-bind", "/", "/", "--proc", "/proc", "--unshare-pid", "--die-with-parent", "--",
         sys.executable, str(probe)],
        capture_output=True, text=True, timeout=60, check=True,
    )  # fmt: skip
    own, run = map(float, ran.stdout.split())
    assert own < 0.2 and run >= 0.55, (own, run)


@pytest.mark.parametrize("language", ["cpp", "python"])
async def test_cpu_of_every_thread_and_child_process_counts_against_the_time_limit_on_judge0(language):
    # Four helpers burn 1.2 s of CPU in about 0.6 s on two cores: over a 1 s limit by CPU time alone, as on the
    # local sandbox (tests/judge/test_honest_limits.py). The driver reads it from the box's /proc. The C++ helpers
    # were a runtime error there: threads took their stacks' size from the box's stack limit (Judge0's 64 MB), and
    # four did not fit the address space; the harness now has the local sandbox's stack limit (8 MiB).
    from tests.judge.test_honest_limits import HELPERS

    cases = [Case(id="one", args=[0, 1], expected=0), Case(id="four", args=[1, 4], expected=1)]
    await assert_judge0_verdicts(
        language, HELPERS[language], cases, {"one": Verdict.ACCEPTED, "four": Verdict.TIME_LIMIT}
    )


@pytest.mark.parametrize("language", ["cpp", "python"])
async def test_waiting_behind_the_programs_own_helpers_is_charged_to_it_on_judge0(language):
    # Eight helpers pinned to one CPU, then a 0.5 s sleep: 1.3 s of its own against a 1 s limit, as on the local
    # sandbox (tests/judge/test_honest_limits.py). The driver credited each helper's waiting behind the others as
    # waiting for a CPU, and the test passed; only waiting that other work on its CPUs explains counts now.
    from tests.judge.test_honest_limits import CROWD

    cases = [Case(id="crowd", args=[1, 500], expected=1), Case(id="alone", args=[0, 500], expected=0)]
    await assert_judge0_verdicts(
        language, CROWD[language], cases, {"crowd": Verdict.TIME_LIMIT, "alone": Verdict.ACCEPTED}
    )


# work(a, n): the soft (a == 0) or hard (a == 1) limit of core dumps the program runs with.
CORE_LIMITS = """
import resource

def work(a, n):
    return resource.getrlimit(resource.RLIMIT_CORE)[a]
"""


async def test_the_harness_dumps_no_core_whatever_core_limit_the_box_inherits(sandbox, judge_settings):
    # A Judge0 box inherits its core limit from whatever started the worker. Where that allowed dumps, a harness
    # that aborted (V8 out of heap) wrote its core into the box on the test's time; the local sandbox allows none.
    from judge.bwrap import CORE_LIMIT
    from judge.runner import run_request
    from tests.judge.test_honest_limits import SIGNATURE

    cases = [
        Case(id="soft", args=[0, 0], expected=CORE_LIMIT),
        Case(id="hard", args=[1, 0], expected=CORE_LIMIT),
    ]
    request = RunRequest(
        language="python",
        source=CORE_LIMITS,
        signature=SIGNATURE,
        tests=cases,
        mode="run",
        limits=RunLimits(),
    )
    before = resource.getrlimit(resource.RLIMIT_CORE)
    # The boxes inherit dumps as large as this host allows.
    resource.setrlimit(resource.RLIMIT_CORE, (before[1], before[1]))
    try:
        async with FakeJudge0(auth_token=TOKEN, config=HOST) as fake, _judge(fake.url) as judge:
            remote = await judge.run(request)
    finally:
        resource.setrlimit(resource.RLIMIT_CORE, before)
    local = run_request(request, sandbox, judge_settings)
    assert {t.id: t.verdict for t in local.tests} == dict.fromkeys(["soft", "hard"], Verdict.ACCEPTED)
    # The driver can only lower the box's limit: on a host that allows no dumps at all, the harness keeps 0.
    allowed = CORE_LIMIT if before[1] == resource.RLIM_INFINITY else min(CORE_LIMIT, before[1])
    assert [t.actual for t in remote.tests] == [allowed, allowed], [
        (t.id, t.verdict, t.actual) for t in remote.tests
    ]
