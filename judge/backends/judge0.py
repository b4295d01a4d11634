"""The Judge0 backend: one multi-file submission per run carrying the same multi-test harness.

Judge0 (>= 1.13.1) runs language 89 "Multi-file program": a base64 zip (`additional_files`) holding our harness,
the candidate's source, the tests' inputs and two scripts, `compile` and `run`. Judge0 has no fd 3, so `run`
sends the harness's results channel to a file inside the box, restarts the harness after a test that ended its
process, and finally prints the records between markers unique to this run. Expected values never leave us.
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
from collections.abc import Mapping
from typing import Any

import httpx

from judge.errors import JudgeBusyError, JudgeInternalError
from judge.harness_base import INPUT_FILE, HarnessProgram
from judge.runner import all_tests_result, build_program, make_report
from judge.schemas import RunReport, RunRequest, TestResult, Timings, Verdict
from judge.settings import JudgeSettings
from judge.verdict import judge_record, parse_records, unreported

log = logging.getLogger(__name__)

MULTI_FILE_LANGUAGE_ID = 89
# Toolchains of the official judge0/judge0:1.13.1 image (its Python 3.8.1, Node 12.14.0, OpenJDK 13, GCC 9.2.0).
JUDGE0_TOOLCHAIN: Mapping[str, str] = {
    "python_bin": "/usr/local/python-3.8.1/bin/python3",
    "node_bin": "/usr/local/node-12.14.0/bin/node",
    "java_bin": "/usr/local/openjdk13/bin/java",
    "javac_bin": "/usr/local/openjdk13/bin/javac",
    "cxx_bin": "/usr/local/gcc-9.2.0/bin/g++",
}
# Judge0's own defaults for the maxima a submission may ask for.
MAX_CPU_S, MAX_WALL_S, MAX_MEMORY_KB = 15.0, 20.0, 512_000
_FINISHED_AFTER = 2  # status ids 1 (In Queue) and 2 (Processing) are not final
_COMPILE_OUTPUT_CHARS = 8000


def _b64(data: bytes | str) -> str:
    return base64.b64encode(data.encode() if isinstance(data, str) else data).decode()


def _unb64(value: Any) -> bytes:
    if not isinstance(value, str) or not value:
        return b""
    try:
        return base64.b64decode(value)
    except ValueError:
        return b""


def run_script(program: HarnessProgram, tests: int, per_test_ms: int, output_cap: int, marker: str) -> str:
    """The `run` script: every test in as few harness processes as possible, records printed between markers."""
    harness = shlex.join(program.run_argv)
    return f"""#!/bin/bash
total={tests}
start=0
: > results.jsonl
while [ "$start" -lt "$total" ]; do
  : > part.jsonl
  {harness} "$start" {per_test_ms} {output_cap} 3>part.jsonl >/dev/null
  status=$?
  cat part.jsonl >> results.jsonl
  if grep -q '"fatal"' part.jsonl; then break; fi
  got=$(grep -c '"i":' part.jsonl)
  if [ "$got" -eq 0 ]; then
    msg="the program ended (status $status) before returning"
    echo "{{\\"i\\":$start,\\"ok\\":false,\\"kind\\":\\"crash\\",\\"msg\\":\\"$msg\\"}}" >> results.jsonl
    got=1
  fi
  start=$((start + got))
done
echo "{marker}-BEGIN"
cat results.jsonl
echo "{marker}-END"
"""


def build_archive(request: RunRequest, program: HarnessProgram, marker: str) -> bytes:
    tests = request.selected_tests()
    files = dict(program.files)
    files[INPUT_FILE] = json.dumps([t.args for t in tests])
    if program.compile_argv is not None:
        files["compile"] = "#!/bin/bash\n" + shlex.join(program.compile_argv) + "\n"
    files["run"] = run_script(
        program, len(tests), int(request.limits.time_limit_s * 1000), request.limits.output_bytes, marker
    )
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, text in files.items():
            info = zipfile.ZipInfo(name)
            info.external_attr = (0o755 if name in ("compile", "run") else 0o644) << 16
            zf.writestr(info, text)
    return buf.getvalue()


def between_markers(stdout: bytes, marker: str) -> bytes | None:
    begin, end = f"{marker}-BEGIN\n".encode(), f"{marker}-END".encode()
    i = stdout.rfind(begin)
    if i < 0:
        return None
    j = stdout.find(end, i + len(begin))
    return stdout[i + len(begin) : j if j >= 0 else len(stdout)]


def _status_verdict(status_id: int) -> tuple[Verdict, str]:
    """Judge0 status -> the verdict of the first test the run did not report."""
    if status_id == 5:
        return Verdict.TIME_LIMIT, "time limit exceeded"
    if status_id == 6:
        return Verdict.COMPILE_ERROR, "compilation failed"
    if status_id in (13, 14):
        return Verdict.INTERNAL_ERROR, "the judge failed to run this code"
    if status_id == 8:
        return Verdict.OUTPUT_LIMIT, "output limit exceeded (file size)"
    return Verdict.RUNTIME_ERROR, "the program ended before returning"


def report_from_result(
    request: RunRequest, result: Mapping[str, Any], marker: str, timings: Timings
) -> RunReport:
    """A RunReport from Judge0's answer to our single submission."""
    tests = request.selected_tests()
    status = result.get("status") or {}
    status_id = int(status.get("id", 13))
    if status_id in (13, 14):
        raise JudgeInternalError(f"Judge0 status {status_id}")
    if status_id == 6:
        output = (_unb64(result.get("compile_output")) or _unb64(result.get("stderr"))).decode(
            errors="replace"
        )
        return make_report(request, [all_tests_result(t, Verdict.COMPILE_ERROR, None) for t in tests], timings, 0,
                           compile_output=output[:_COMPILE_OUTPUT_CHARS], backend="judge0")  # fmt: skip
    raw = between_markers(_unb64(result.get("stdout")), marker) or b""
    parsed = parse_records(raw, 0, len(tests))
    if parsed.fatal is not None:
        message = str(parsed.fatal.get("msg", ""))
        if parsed.fatal.get("fatal") == "compile":
            failed = [all_tests_result(t, Verdict.COMPILE_ERROR, None) for t in tests]
            output = message[:_COMPILE_OUTPUT_CHARS]
            return make_report(request, failed, timings, 1, compile_output=output, backend="judge0")
        verdict = Verdict.TIME_LIMIT if parsed.fatal.get("kind") == "timeout" else Verdict.RUNTIME_ERROR
        not_loaded = [all_tests_result(t, verdict, message) for t in tests]
        return make_report(request, not_loaded, timings, 1, backend="judge0")
    per_test_ms = request.limits.time_limit_s * 1000
    results: list[TestResult] = [
        judge_record(
            tests[r["i"]],
            r,
            returns=request.signature.returns,
            compare=request.compare,
            time_limit_ms=per_test_ms,
        )
        for r in parsed.records
    ]
    if len(results) < len(tests):
        # Judge0 ended the whole run (its wall/cpu/memory limit): the running test gets that verdict, the rest
        # never ran.
        verdict, message = _status_verdict(status_id)
        if status_id == 3:
            verdict, message = Verdict.TIME_LIMIT, "not run: the run ended early"
        results.append(unreported(tests[len(results)], verdict, message))
        results += [unreported(t, Verdict.TIME_LIMIT, "not run: the run's time budget was exhausted")
                    for t in tests[len(results):]]  # fmt: skip
    return make_report(request, results, timings, 1, backend="judge0")


class Judge0Backend:
    """Sends each run to a self-hosted Judge0 as ONE multi-file submission (never one per test)."""

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
        headers = {"Content-Type": "application/json"}
        if settings.judge0_auth_token is not None:
            headers["X-Auth-Token"] = settings.judge0_auth_token.get_secret_value()
        self._client = httpx.AsyncClient(
            base_url=settings.judge0_url.rstrip("/"), headers=headers, timeout=30.0, transport=transport
        )

    async def start(self) -> None:
        return None

    async def aclose(self) -> None:
        await self._client.aclose()

    def submission(self, request: RunRequest, marker: str) -> dict[str, Any]:
        program = build_program(request, self.toolchain_settings, portable=True)
        tests = len(request.selected_tests())
        wall = min(request.limits.time_limit_s * tests + 2.0 + request.limits.compile_s, MAX_WALL_S,
                   self.settings.max_wall_s)  # fmt: skip
        memory_kb = min((request.limits.memory_mb + program.memory_overhead_mb) * 1024, MAX_MEMORY_KB)
        return {
            "language_id": MULTI_FILE_LANGUAGE_ID,
            "additional_files": _b64(build_archive(request, program, marker)),
            "cpu_time_limit": min(wall, MAX_CPU_S, self.settings.max_cpu_s),
            "wall_time_limit": wall,
            "memory_limit": memory_kb,
            "max_processes_and_or_threads": 128,
            "enable_network": False,
            "redirect_stderr_to_stdout": False,
        }

    async def run(self, request: RunRequest) -> RunReport:
        marker = "SHADOWS-" + secrets.token_hex(16)
        started = time.monotonic()
        body = self.submission(request, marker)
        result = await self._submit(body, deadline=started + float(body["wall_time_limit"]) * 3 + 30)
        timings = Timings(run_ms=round((time.monotonic() - started) * 1000, 1))
        report = report_from_result(request, result, marker, timings)
        report.timings.total_ms = timings.run_ms
        return report

    async def _submit(self, body: dict[str, Any], deadline: float) -> dict[str, Any]:
        params = {"base64_encoded": "true", "wait": "true"}
        # With wait=true Judge0 answers when the run is over: compile + every test, so allow up to the deadline.
        wait_s = max(deadline - time.monotonic(), 5.0)
        data = await self._call("POST", "/submissions", params=params, json=body, timeout=wait_s)
        while int((data.get("status") or {}).get("id", 0)) <= _FINISHED_AFTER:
            token = data.get("token")
            if not token:
                raise JudgeInternalError("Judge0 answered without a status or a token")
            if time.monotonic() > deadline:
                raise JudgeInternalError("Judge0 did not finish the submission in time")
            await asyncio.sleep(self.poll_interval_s)
            data = await self._call("GET", f"/submissions/{token}", params={"base64_encoded": "true"})
        return data

    async def _call(self, method: str, path: str, **kw: Any) -> dict[str, Any]:
        try:
            response = await self._client.request(method, path, **kw)
        except httpx.TimeoutException as exc:
            raise JudgeInternalError("Judge0 timed out", retryable=True) from exc
        except httpx.HTTPError as exc:
            raise JudgeInternalError("Judge0 is unreachable", retryable=True) from exc
        if response.status_code in (429, 503):
            raise JudgeBusyError("Judge0 is busy")
        if response.status_code in (401, 403):
            raise JudgeInternalError("Judge0 refused our credentials (check the auth token)", retryable=False)
        if response.status_code >= 400:
            log.error("Judge0 answered HTTP %d", response.status_code)
            raise JudgeInternalError(f"Judge0 answered HTTP {response.status_code}")
        try:
            data = response.json()
        except ValueError as exc:
            raise JudgeInternalError("Judge0 answered with something that is not JSON") from exc
        if not isinstance(data, dict):
            raise JudgeInternalError("Judge0 answered with an unexpected shape")
        return data
