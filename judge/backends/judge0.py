"""The Judge0 backend: a run is one multi-file submission (language 89) carrying the same harness as the local
sandbox and an in-box driver (judge.backends.judge0_driver) that supervises it test by test.

Judge0 bounds a whole submission (by default 15 s of CPU and 20 s of wall time at most): the driver stops before
the box budget could end it mid-test, and the backend resubmits the tests left over. Every field we send is
within Judge0 1.13.1's default maxima; a deployment whose own limits cannot fit them is refused when the backend
starts, not by a 422 on a candidate's run. When the server does not allow `wait=true` (it answers 400), the
backend submits without waiting and polls.
"""

from __future__ import annotations

import asyncio
import base64
import io
import json
import logging
import secrets
import shlex
import time
import zipfile
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

import httpx

from judge.backends.judge0_driver import DRIVER
from judge.backends.judge0_events import answer_cap, cpu_ceiling_s, seconds
from judge.backends.judge0_events import events as read_events
from judge.bwrap import CORE_LIMIT, STACK_BYTES
from judge.errors import JudgeBusyError, JudgeConfigurationError, JudgeInternalError
from judge.harness_base import HarnessProgram
from judge.limits import POLICIES, PROCESSES_PER_RUN
from judge.protocol import RECORD_MEMORY, decoded_size, shape_error
from judge.runner import build_program, make_report
from judge.schemas import RunReport, RunRequest, TestResult, Timings, Verdict
from judge.settings import JudgeSettings
from judge.supervisor import EXCERPT_BYTES
from judge.verdict import (
    COMPILE_OUTPUT_CHARS,
    ProcessOutcome,
    TestOutcome,
    compile_output_text,
    crash_stderr,
    judge_outcome,
    record_text,
    slow_start_verdict,
    start_verdict,
    unreported,
)

log = logging.getLogger(__name__)

MULTI_FILE_LANGUAGE_ID = 89
BOX_DIR = "/box"  # where isolate mounts the submission's files
# Toolchains of the official judge0/judge0:1.13.1 image (its Python 3.8.1, Node 12.14.0, OpenJDK 13, GCC 9.2.0).
JUDGE0_TOOLCHAIN: Mapping[str, str] = {
    "python_bin": "/usr/local/python-3.8.1/bin/python3",
    "node_bin": "/usr/local/node-12.14.0/bin/node",
    "java_bin": "/usr/local/openjdk13/bin/java",
    "javac_bin": "/usr/local/openjdk13/bin/javac",
    "cxx_bin": "/usr/local/gcc-9.2.0/bin/g++",
}
DRIVER_PYTHON = JUDGE0_TOOLCHAIN["python_bin"]
DRIVER_OVERHEAD_MB = 48  # the driver's Python and bash, in the box's memory limit
_BOX_PROCESSES = PROCESSES_PER_RUN + 4  # the harness's own, plus bash and the driver
_FINISHED_AFTER = 2  # status ids 1 (In Queue) and 2 (Processing) are not final
_MAX_SUBMISSIONS = 200
ANSWER_DEPTH = 4  # Judge0's answers nest 2 deep ({"status": {...}}, 422's {"field": ["message"]})
_OUTPUT_MARGIN = (
    16 << 10
)  # of the box's max_file_size, kept for the driver's markers and its stop or start event


def _b64(data: bytes | str) -> str:
    return base64.b64encode(data.encode() if isinstance(data, str) else data).decode()


def _unb64(value: Any) -> bytes:
    if not isinstance(value, str) or not value:
        return b""
    try:
        return base64.b64decode(value)
    except ValueError:
        return b""


def check_configuration(settings: JudgeSettings) -> None:
    """Refuse a deployment whose own maxima cannot fit in the Judge0 server's (defaults: Judge0 1.13.1)."""
    problems = []
    memory_mb = (
        settings.max_memory_mb + max(p.judge0_extra_mb for p in POLICIES.values()) + DRIVER_OVERHEAD_MB
    )
    if memory_mb * 1024 > settings.judge0_max_memory_kb:
        problems.append(
            f"SHADOWS_JUDGE_MAX_MEMORY_MB={settings.max_memory_mb} needs {memory_mb} MiB per box; Judge0 allows "
            f"{settings.judge0_max_memory_kb} KB (lower MAX_MEMORY_MB or raise SHADOWS_JUDGE_JUDGE0_MAX_MEMORY_KB)"
        )
    slowest = 2 * settings.max_wall_s + max(p.startup_s for p in POLICIES.values()) + 2
    if slowest > min(settings.judge0_max_wall_s, settings.judge0_max_cpu_s):
        problems.append(
            f"SHADOWS_JUDGE_MAX_WALL_S={settings.max_wall_s:g}: one test could need {slowest:g} s of a box; Judge0 "
            f"allows {min(settings.judge0_max_wall_s, settings.judge0_max_cpu_s):g} s"
        )
    if settings.judge0_max_processes < _BOX_PROCESSES:
        problems.append(
            f"a run needs {_BOX_PROCESSES} processes; Judge0 allows {settings.judge0_max_processes}"
        )
    if problems:
        raise JudgeConfigurationError(
            "the Judge0 backend cannot honour this configuration: " + "; ".join(problems)
        )


class Submission:
    """One submission's files and fields: the tests at `order[start:]`, supervised by the in-box driver."""

    def __init__(
        self, request: RunRequest, program: HarnessProgram, settings: JudgeSettings, order: list[int]
    ):
        self.request, self.program, self.settings, self.order = request, program, settings, order
        self.marker = "SHADOWS-" + secrets.token_hex(16)

    def body(self) -> dict[str, Any]:
        s, limits = self.settings, self.request.limits
        policy = POLICIES[self.request.language]
        memory_mb = limits.memory_mb + policy.judge0_extra_mb + DRIVER_OVERHEAD_MB
        return {
            "language_id": MULTI_FILE_LANGUAGE_ID,
            "additional_files": _b64(self.archive()),
            "stdin": _b64(self.given()),
            "cpu_time_limit": s.judge0_max_cpu_s,
            "cpu_extra_time": 0,
            "wall_time_limit": s.judge0_max_wall_s,
            "memory_limit": min(memory_mb * 1024, s.judge0_max_memory_kb),
            "stack_limit": min(64_000, s.judge0_max_stack_kb),
            "max_processes_and_or_threads": _BOX_PROCESSES,
            "max_file_size": s.judge0_max_file_size_kb,
            "enable_per_process_and_thread_time_limit": False,
            "enable_per_process_and_thread_memory_limit": False,
            "number_of_runs": 1,
            "enable_network": False,
            "redirect_stderr_to_stdout": False,
        }

    def given(self) -> str:
        """The driver's settings and the tests' inputs: the run's stdin, which Judge0 keeps outside the box and gives
        to the run step alone (the compile step reads /dev/null). In the box's files the compiler (an `#include` or
        `.incbin`) and every harness process could read every test's input, hidden ones too; on stdin only the
        driver reads them, and it is not dumpable (judge0_driver)."""
        limits = self.request.limits
        policy = POLICIES[self.request.language]
        tests = self.request.selected_tests()
        conf = {
            "argv": self.program.run_argv,
            "order": self.order,
            "limit_s": limits.time_limit_s,
            "startup_s": policy.startup_s,
            "output_cap": limits.output_bytes,
            "budget_s": min(self.settings.judge0_max_wall_s, self.settings.judge0_max_cpu_s) - 1.0,
            "marker": self.marker,
            # What the driver may print: Judge0 bounds the box's stdout (a file) by max_file_size; room is left
            # for the markers and a last event.
            "output_budget": self.settings.judge0_max_file_size_kb * 1024 - _OUTPUT_MARGIN,
            "stack_bytes": STACK_BYTES,
            "core_bytes": CORE_LIMIT,
            "address_space_bytes": (limits.memory_mb + policy.address_space_mb) << 20
            if policy.address_space_mb is not None
            else None,
        }
        # Only the inputs of the tests this submission runs (null for the others, so that a test keeps its index): a
        # program can end its box after every test, and each resubmission carried every input again.
        wanted = set(self.order)
        return json.dumps(
            {"conf": conf, "tests": [t.args if i in wanted else None for i, t in enumerate(tests)]}
        )

    def archive(self) -> bytes:
        """The box's files: the harness, the candidate's source, the driver and the scripts; no test's input."""
        files = dict(self.program.files)
        files["driver.py"] = DRIVER
        if self.program.compile_argv is not None:
            files["compile"] = "#!/bin/bash\n" + shlex.join(self.program.compile_argv) + "\n"
        # -I: the box's directory (the candidate's code writes there) is never on the driver's sys.path; Python 3.8
        # imports some modules only once the harness runs (`_bootlocale` at the first text-mode open()), and one of
        # the box's would run inside the driver. -S: no site (nothing of it is needed).
        files["run"] = f"#!/bin/bash\nexec {shlex.quote(DRIVER_PYTHON)} -I -S driver.py\n"
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
            for name, text in files.items():
                info = zipfile.ZipInfo(name)
                info.external_attr = (0o755 if name in ("compile", "run") else 0o644) << 16
                zf.writestr(info, text)
        return buf.getvalue()

    def events(self, stdout: bytes) -> Iterator[dict[str, Any]] | None:
        """The driver's events, decoded one at a time within the local judge's bounds (judge0_events)."""
        return read_events(stdout, self.marker, len(self.order))


def _outcome(event: dict[str, Any]) -> TestOutcome:
    """A test as the in-box driver observed it (the same fields the local supervisor fills)."""
    head, tail = str(event.get("err", "")).encode(), str(event.get("tail", "")).encode()
    ends = crash_stderr(head, tail, EXCERPT_BYTES)
    ended = None
    if event.get("exit") is not None or event.get("sig") is not None:
        ended = ProcessOutcome(exit_code=event.get("exit"), signal=event.get("sig"), stderr=ends)
    over = event.get("over")
    return TestOutcome(
        record=event.get("rec") if isinstance(event.get("rec"), dict) else None,
        charged_s=float(event.get("charged") or 0.0),
        over=over if over in ("time", "output", "record") else None,
        ended=ended,
        stdout=str(event.get("out", "")).encode(),
        stderr=head,
        stderr_ends=ends,
    )


def _status_verdict(status_id: int) -> tuple[Verdict, str]:
    """Judge0 status of a box that ended under a test -> that test's verdict."""
    if status_id == 5:
        return Verdict.TIME_LIMIT, "time limit exceeded"
    if status_id == 8:
        return Verdict.OUTPUT_LIMIT, "output limit exceeded (file size)"
    return Verdict.RUNTIME_ERROR, "the program ended before returning"


class Judge0Backend:
    """Sends each run to a self-hosted Judge0 as multi-file submissions (never one per test)."""

    name = "judge0"

    def __init__(
        self,
        settings: JudgeSettings,
        *,
        toolchain: Mapping[str, str] | None = None,
        poll_interval_s: float = 0.2,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        if not settings.judge0_url:
            raise JudgeInternalError("judge0 backend selected but SHADOWS_JUDGE_JUDGE0_URL is not set")
        self.settings = settings
        self.toolchain_settings = settings.model_copy(update=dict(toolchain or JUDGE0_TOOLCHAIN))
        self.poll_interval_s = poll_interval_s
        self.wait = True  # becomes False once the server answers 400 to wait=true
        headers = {"Content-Type": "application/json"}
        if settings.judge0_auth_token is not None:
            headers["X-Auth-Token"] = settings.judge0_auth_token.get_secret_value()
        self._client = httpx.AsyncClient(
            base_url=settings.judge0_url.rstrip("/"), headers=headers, timeout=30.0, transport=transport
        )

    async def start(self) -> None:
        check_configuration(self.settings)

    async def aclose(self) -> None:
        await self._client.aclose()

    def program(self, request: RunRequest) -> HarnessProgram:
        return build_program(request, self.toolchain_settings, portable=True, program_dir=BOX_DIR)

    async def run(self, request: RunRequest) -> RunReport:
        started = time.monotonic()
        check_configuration(self.settings)
        program = self.program(request)
        tests = request.selected_tests()
        order = [i for i, t in enumerate(tests) if not t.hidden] + [
            i for i, t in enumerate(tests) if t.hidden
        ]
        results: dict[int, TestResult] = {}
        submissions = 0
        # Submissions made until the first hidden input was sent, as the local judge counts processes
        # (judge.runner._run_tests): a program can end its box after any hidden test, even one it answered, and the
        # count of submissions so chosen would be one more number out of their inputs.
        before_hidden: int | None = None
        while order and submissions < _MAX_SUBMISSIONS:
            submission = Submission(request, program, self.settings, order)
            result = await self._submit(submission.body())
            submissions += 1
            status_id = _status_id(result, 13)
            if status_id in (13, 14):
                raise JudgeInternalError(f"Judge0 status {status_id}")
            if status_id == 6:
                output = _unb64(result.get("compile_output")) or _unb64(result.get("stderr"))
                text = (
                    compile_output_text(output.decode("utf-8", errors="replace").strip())
                    or "compilation failed"
                )
                failed = [unreported(t, Verdict.COMPILE_ERROR, None) for t in tests]
                return self._report(request, failed, started, submissions, text[:COMPILE_OUTPUT_CHARS])
            events = submission.events(_unb64(result.get("stdout")))
            if events is None:
                raise JudgeInternalError("Judge0 returned no driver output")
            before = order
            order, compile_output = self._apply(request, events, order, results, status_id)
            self._hold_to_box_cpu(request, result, [i for i in before if i in results], results)
            if compile_output is not None:
                failed = [unreported(t, Verdict.COMPILE_ERROR, None) for t in tests]
                return self._report(request, failed, started, submissions, compile_output)
            if before_hidden is None and any(tests[i].hidden for i in before if i in results):
                before_hidden = submissions
        if order:
            raise JudgeInternalError("Judge0 made no progress on the remaining tests")
        shown = submissions if before_hidden is None else before_hidden
        return self._report(request, [results[i] for i in range(len(tests))], started, shown)

    def _apply(
        self,
        request: RunRequest,
        events: Iterable[dict[str, Any]],
        order: list[int],
        results: dict[int, TestResult],
        status_id: int,
    ) -> tuple[list[int], str | None]:
        """Judge what one submission reported; return the tests still to run (and compile output, if the code
        could not be compiled by its harness)."""
        tests = request.selected_tests()
        limits = request.limits
        done: set[int] = set()
        for event in events:
            if "test" in event:  # shaped as a test's event (judge0_events), whatever else it holds
                # The driver reports each test it was sent once: a repeat, or a test not sent, is the box's code
                # writing, and never judged.
                index = event["test"]
                if isinstance(index, int) and index in order and index not in done:
                    results[index] = judge_outcome(
                        tests[index], _outcome(event), returns=request.signature.returns, compare=request.compare,
                        time_limit_s=limits.time_limit_s, output_cap=limits.output_bytes,
                    )  # fmt: skip
                    done.add(index)
            elif "start" in event:
                fatal = event.get("fatal") if isinstance(event.get("fatal"), dict) else None
                # "Does not compile" counts only from the run's first harness, before any test's input was sent
                # (as locally, judge.runner._compile_failed): a later harness is the candidate's code, which may
                # have kept a hidden input in the box's /tmp, and its text would be the Submit's compile output.
                first = not results and event.get("at") == 0
                if first and event["start"] == "fatal" and fatal and fatal.get("fatal") == "compile":
                    msg = record_text(fatal, "msg", "the code could not be compiled", COMPILE_OUTPUT_CHARS)
                    return [], compile_output_text(msg)[:COMPILE_OUTPUT_CHARS]
                decided = start_verdict(
                    str(event["start"]), request.language, fatal=fatal, exit_code=event.get("exit"),
                    signal=event.get("sig"), started=True, memory_exceeded=False,
                    stderr=str(event.get("tail", "")).encode(), startup_s=POLICIES[request.language].startup_s,
                )  # fmt: skip
                if decided is None:
                    if not event.get("at"):
                        raise JudgeInternalError("the harness did not start on Judge0")
                    # The candidate's code already ran in this box (an earlier harness ran tests), and what it left
                    # there shares the harness's uid (a process still burning CPU, say): a harness that dies, or is
                    # slow to start, before hello is its doing, not ours.
                    if event["start"] == "slow_start":
                        decided = slow_start_verdict(POLICIES[request.language].startup_s)
                    else:
                        decided = Verdict.RUNTIME_ERROR, "the program ended before running any test"
                for index in order:
                    if index not in done:
                        results[index] = unreported(tests[index], *decided)
                return [], None
            elif "stop" in event:
                return [i for i in order if i not in done], None
        remaining = [i for i in order if i not in done]
        if remaining and status_id != 3:
            # Judge0 ended the box under a test (its own limits): that test gets the status's verdict.
            results[remaining[0]] = unreported(tests[remaining[0]], *_status_verdict(status_id))
            remaining = remaining[1:]
        elif remaining and not done:
            raise JudgeInternalError("the Judge0 driver reported nothing")
        return remaining, None

    def _hold_to_box_cpu(
        self, request: RunRequest, answer: dict[str, Any], judged: list[int], results: dict[int, TestResult]
    ) -> None:
        """A report the box's own CPU time contradicts is not believed: when Judge0 measured more CPU than the tests
        it judged could have used honestly (judge0_events.cpu_ceiling_s), the ones it judged passed took longer
        than their limit between them (the box's code wrote its own report, or left work running: both are charged
        locally), and are `time_limit`."""
        box_cpu = seconds(answer.get("time"))
        if box_cpu is None or not judged:
            return
        limit_s = request.limits.time_limit_s
        passed = [i for i in judged if results[i].verdict is Verdict.ACCEPTED]
        ceiling = cpu_ceiling_s(
            accepted=len(passed), failed=len(judged) - len(passed), limit_s=limit_s,
            startup_s=POLICIES[request.language].startup_s,
            wall_s=seconds(answer.get("wall_time")) or self.settings.judge0_max_wall_s,
        )  # fmt: skip
        if box_cpu <= ceiling:
            return
        log.warning("Judge0 measured %.3f s of CPU for a report allowing %.3f s", box_cpu, ceiling)
        tests = request.selected_tests()
        for i in passed:
            results[i] = unreported(
                tests[i], Verdict.TIME_LIMIT,
                f"took longer than the {limit_s:g} s limit (the box used {box_cpu:.1f} s of CPU time, more than"
                f" its tests' limits allow)", round(limit_s * 1000, 1),
            )  # fmt: skip

    def _report(
        self,
        request: RunRequest,
        results: list[TestResult],
        started: float,
        submissions: int,
        compile_output: str = "",
    ) -> RunReport:
        timings = Timings(run_ms=round((time.monotonic() - started) * 1000, 1))
        report = make_report(
            request, results, timings, submissions, compile_output=compile_output, backend="judge0"
        )
        report.timings.total_ms = timings.run_ms
        if request.mode == "submit":
            from judge.disclosure import bucket_timings

            report.timings = bucket_timings(report.timings)
        return report

    async def _submit(self, body: dict[str, Any]) -> dict[str, Any]:
        deadline = time.monotonic() + 3 * (body["wall_time_limit"] + 60)
        data: dict[str, Any] | None = None
        if self.wait:
            data = await self._call(
                "POST", "/submissions", params={"base64_encoded": "true", "wait": "true"}, json=body,
                timeout=max(deadline - time.monotonic(), 5.0), wait_refused_ok=True, deadline=deadline,
            )  # fmt: skip
            if data is None:
                log.info("Judge0 does not allow wait=true; polling from now on")
                self.wait = False
        if data is None:
            data = await self._call(
                "POST", "/submissions", params={"base64_encoded": "true"}, json=body, deadline=deadline
            )
        while _status_id(data, 0) <= _FINISHED_AFTER:
            token = data.get("token")
            if not token:
                raise JudgeInternalError("Judge0 answered without a status or a token")
            if time.monotonic() > deadline:
                raise JudgeInternalError("Judge0 did not finish the submission in time")
            await asyncio.sleep(self.poll_interval_s)
            data = await self._call(
                "GET", f"/submissions/{token}", params={"base64_encoded": "true"}, deadline=deadline
            )
        return data

    async def _call(
        self, method: str, path: str, *, deadline: float, wait_refused_ok: bool = False, **kw: Any
    ) -> Any:
        """One request, its answer read whole only within `answer_cap` bytes and by `deadline` (monotonic): httpx's
        timeouts bound each read, not an answer that trickles in."""
        try:
            async with asyncio.timeout(max(deadline - time.monotonic(), 1.0)):
                async with self._client.stream(method, path, **kw) as response:
                    content = await self._bounded_body(response)
        except TimeoutError as exc:
            raise JudgeInternalError("Judge0 timed out", retryable=True) from exc
        except httpx.TimeoutException as exc:
            raise JudgeInternalError("Judge0 timed out", retryable=True) from exc
        except httpx.HTTPError as exc:
            raise JudgeInternalError("Judge0 is unreachable", retryable=True) from exc
        status = response.status_code
        if status == 400 and wait_refused_ok:
            return None  # "wait not allowed": ENABLE_WAIT_RESULT=false on the server
        if status in (429, 503):
            raise JudgeBusyError("Judge0 is busy")
        if status in (401, 403):
            raise JudgeInternalError("Judge0 refused our credentials (check the auth token)", retryable=False)
        if status == 422:
            log.error("Judge0 rejected a submission's fields: %s", sorted(_field_names(content)))
            raise JudgeInternalError("Judge0 rejected the submission (422)", retryable=False)
        if status >= 400:
            log.error("Judge0 answered HTTP %d", status)
            raise JudgeInternalError(f"Judge0 answered HTTP {status}")
        data = _answer_json(content)
        if data is None:
            raise JudgeInternalError("Judge0 answered with something that is not JSON")
        if not isinstance(data, dict):
            raise JudgeInternalError("Judge0 answered with an unexpected shape")
        return data

    async def _bounded_body(self, response: httpx.Response) -> bytes:
        cap = answer_cap(self.settings.judge0_max_file_size_kb)
        body = bytearray()
        async for (
            chunk
        ) in response.aiter_bytes():  # decompressed: a compressed answer is bounded as it unpacks
            body += chunk
            if len(body) > cap:
                log.error("Judge0 answered with more than %d bytes (HTTP %d)", cap, response.status_code)
                raise JudgeInternalError(f"Judge0's answer is larger than {cap} bytes", retryable=False)
        return bytes(body)


def _status_id(answer: dict[str, Any], missing: int) -> int:
    """The answer's `status.id` (`missing` when it has none); an id that is not an integer is Internal Error's."""
    status = answer.get("status")
    if not isinstance(status, dict) or "id" not in status:
        return missing
    found = status["id"]
    return found if isinstance(found, int) and not isinstance(found, bool) else 13


def _answer_json(content: bytes) -> Any:
    """A Judge0 answer decoded as the local judge decodes a record (judge.protocol): only if it nests no deeper than
    Judge0's own answers (`{"status": {"id": ...}}`) and would not cost more than RECORD_MEMORY; None otherwise."""
    if shape_error(content, ANSWER_DEPTH) is not None or decoded_size(content) > RECORD_MEMORY:
        return None
    try:
        return json.loads(content.decode("utf-8", "replace"))
    except (ValueError, RecursionError):
        return None


def _field_names(content: bytes) -> set[str]:
    body = _answer_json(content)
    return {str(k) for k in body} if isinstance(body, dict) else set()
