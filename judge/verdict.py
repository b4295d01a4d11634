"""Verdicts as pure functions: what the supervisor observed of a test -> its result -> the overall verdict.

Both backends end here: the local supervisor and the Judge0 in-box driver each describe a test as a
`TestOutcome`, and `judge_outcome` decides. Candidate-controlled text (records, output) never decides
`internal_error`; only the judge's own signals do (see judge.runner).
"""

from __future__ import annotations

import math
import re
import signal
from collections.abc import Sequence
from dataclasses import dataclass
from json.encoder import encode_basestring_ascii
from typing import Any, Literal

from judge.bank import Compare, TestCase, split_type
from judge.compare import mismatch_hint, values_equal
from judge.limits import POLICIES
from judge.protocol import TOO_LARGE, TOO_LARGE_KIND, nesting_depth
from judge.schemas import TestResult, Verdict
from judge.text import clean_text

_KIND_VERDICTS = {
    "memory": Verdict.MEMORY_LIMIT,
    "runtime": Verdict.RUNTIME_ERROR,
    "value": Verdict.WRONG_ANSWER,
    "crash": Verdict.RUNTIME_ERROR,
    TOO_LARGE_KIND: Verdict.OUTPUT_LIMIT,  # the supervisor's, for a record it would not decode (judge.protocol)
}
# Runtime messages that mean the language runtime ran out of memory before the cgroup noticed.
_OOM_MARKERS = (
    b"heap out of memory",
    b"OutOfMemoryError",
    b"std::bad_alloc",
    b"MemoryError",
    b"Cannot allocate",
)
_STDERR_TAIL = 600
RUN_OVER_MEMORY = "memory limit exceeded (all of the run's processes, threads, buffers and files together)"
_TEXT_CHARS = 600
# The longest message a test's result carries: a record's (_TEXT_CHARS), or a crash's few words of ours before the
# last _STDERR_TAIL characters of its stderr. A remote host's report is held to it (judge.backends.remote_answers).
MESSAGE_CHARS = _TEXT_CHARS + _STDERR_TAIL
# A failed compile's output as a report shows it (judge.runner), and a fatal record's message at compile time.
COMPILE_OUTPUT_CHARS = 8000
# A returned value is shown in the report only up to this size (as JSON, about): a record may hold up to 16 MiB, and
# a report that kept every visible test's would run to tens of MiB (over the remote backend's answer cap: an
# internal_error) and be stored and sent as such. The verdict is always decided on the whole value.
SHOWN_VALUE_BYTES = 256 << 10
VALUE_NOT_SHOWN = f"the returned value is too large to show (over {SHOWN_VALUE_BYTES >> 10} KiB as JSON)"
# What a visible test of a report stored past the session's run report budget says in place of what it showed
# (api/db/runs_repo.py `without_values`; its `actual`, `stdout` and `stderr` are null, not returned nulls).
VALUES_OMITTED = (
    "what the code returned and printed was not kept: this session's stored run reports reached their budget"
)


@dataclass(frozen=True)
class ProcessOutcome:
    """How the process that was running a test ended, when it ended without reporting it."""

    exit_code: int | None
    signal: int | None
    timed_out: bool = False
    cpu_exceeded: bool = False
    memory_exceeded: bool = False
    output_exceeded: bool = False
    stderr: bytes = b""


@dataclass(frozen=True)
class TestOutcome:
    """One test as observed from outside the sandbox."""

    __test__ = False  # not a pytest class

    record: dict[str, Any] | None  # the harness's record for this test (None: none arrived)
    charged_s: float  # max(CPU time, wall time less waiting for a CPU)
    # Why the judge ended the process, if it did ("memory": the kernel OOM-killed a process of the run).
    over: Literal["time", "output", "record", "memory"] | None = None
    ended: ProcessOutcome | None = None  # the process ended during the test
    stdout: bytes = b""
    stderr: bytes = b""  # the excerpt shown (its first bytes)
    stderr_ends: bytes = b""  # its start and its end (crash_stderr): a runtime's last words before it aborts


def judge_outcome(
    test: TestCase,
    outcome: TestOutcome,
    *,
    returns: str,
    compare: Compare,
    time_limit_s: float,
    output_cap: int,
) -> TestResult:
    """The full (unredacted) result of one test."""
    result = TestResult(
        id=test.id,
        verdict=Verdict.ACCEPTED,
        hidden=test.hidden,
        time_ms=round(min(outcome.charged_s, 2 * time_limit_s) * 1000, 1),
        args=list(test.args),
        expected=test.expected,
        stdout=clean_text(outcome.stdout.decode("utf-8", errors="replace")),
        stderr=clean_text(outcome.stderr.decode("utf-8", errors="replace")),
    )
    if outcome.over == "output":
        return _fail(result, Verdict.OUTPUT_LIMIT, f"printed more than {output_cap} bytes during this test")
    if outcome.over == "memory":
        return _fail(result, Verdict.MEMORY_LIMIT, RUN_OVER_MEMORY)
    if outcome.over == "time" or outcome.charged_s > time_limit_s:
        result.time_ms = round(time_limit_s * 1000, 1)
        return _fail(result, Verdict.TIME_LIMIT, f"took longer than the {time_limit_s:g} s limit")
    if outcome.over == "record":
        return _fail(result, Verdict.OUTPUT_LIMIT, TOO_LARGE)
    rec = outcome.record
    if rec is None:
        verdict, message = crash_verdict(outcome.ended or ProcessOutcome(exit_code=None, signal=None))
        return _fail(result, verdict, message)
    if not rec["ok"]:
        kind = rec.get("kind")
        verdict = (
            _KIND_VERDICTS.get(kind, Verdict.RUNTIME_ERROR)
            if isinstance(kind, str)
            else Verdict.RUNTIME_ERROR
        )
        msg = rec.get("msg")
        if not isinstance(msg, str):
            return _fail(result, verdict, None)
        if rec.get("kind") == "crash" and msg.startswith("Aborted"):
            msg = _with_assertion(msg[:_TEXT_CHARS], outcome.stderr_ends or outcome.stderr)
        return _fail(result, verdict, clean_text(msg[:_TEXT_CHARS]))
    actual = rec.get("v")
    _, depth = split_type(returns)
    if nesting_depth(actual, depth + 2) > depth + 1:
        return _fail(result, Verdict.WRONG_ANSWER, f"the returned value is nested deeper than {returns}")
    if not values_equal(test.expected, actual, returns, compare):
        result.verdict = Verdict.WRONG_ANSWER
        result.message = mismatch_hint(test.expected, actual, returns)
    if test.hidden:
        # Never shown (judge.disclosure), so never kept: a copy of each hidden test's value held until the report
        # was shaped, up to 40 times its JSON (an empty object is 2 bytes of it, 80 of memory), cost a pool worker
        # about 10 MB a test outside every sandbox limit (138 MiB for 14 hidden tests of 131,000 `{}`), and the
        # copying 0.08 s of its CPU a test.
        return result
    if json_size_over(actual, SHOWN_VALUE_BYTES):
        result.message = f"{result.message}; {VALUE_NOT_SHOWN}" if result.message else VALUE_NOT_SHOWN
    else:
        result.actual = clean_value(actual)
    return result


def json_size_over(value: Any, cap: int) -> bool:
    """Whether `value` as JSON would take more than about `cap` bytes; looks at no more of it than that takes (an
    estimate: strings as ASCII JSON, floats at their longest)."""
    size = 0
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            # With its escapes: a control character is six bytes of JSON ("\u0001"), so counting characters let
            # a string of them through at six times the cap.
            size += len(item) + 2 if len(item) > cap else len(encode_basestring_ascii(item))
        elif isinstance(item, list):
            size += 2
            stack.extend(item)
        elif isinstance(item, dict):
            size += 2
            for key, child in item.items():
                stack += (str(key), child)  # a key is a string, escapes and all
        elif isinstance(item, bool) or item is None:
            size += 6
        elif isinstance(item, int):
            size += item.bit_length() // 3 + 3
        elif isinstance(item, float):
            size += _float_bytes(item)
        else:
            size += 25
        if size > cap:
            return True
    return False


def _float_bytes(value: float) -> int:
    """At least the bytes of a float as a report stores it: PostgreSQL's jsonb writes every number back in full decimal,
    never in exponent notation (api.stored_json), so 1e308, six bytes of JSON, is 309 digits, and 5e-324 is 326
    characters. Counted as 25 bytes each, 10,000 of them were shown: 3 MB of one visible test's report, stored."""
    if not math.isfinite(value) or value == 0 or 1e-4 <= abs(value) < 1e16:
        return 25  # at most 17 digits, a sign, a point and zeros; NaN and infinities are stored as null
    return 20 + abs(math.floor(math.log10(abs(value))))


def _fail(result: TestResult, verdict: Verdict, message: str | None) -> TestResult:
    result.verdict = verdict
    result.message = message
    return result


def crash_stderr(head: bytes, tail: bytes, excerpt_bytes: int) -> bytes:
    """A test's stderr as far as a crash message needs it: its start (runtimes name the failure first, e.g. V8's
    "heap out of memory" before its stack dump) and its end."""
    if len(head) < excerpt_bytes:
        return head
    return head + b"\n...\n" + tail


def _with_assertion(message: str, stderr: bytes) -> str:
    """An abort's message with the failed assertion that caused it, when the test's stderr ends with one: libstdc++'s
    (C++ is compiled with -D_GLIBCXX_ASSERTIONS: an out-of-range operator[] and the like), "<header>:<line>:
    <function>: Assertion '<condition>' failed.", or the C library's assert(), "prog: <file>:<line>: <function>:
    Assertion `<condition>' failed.". The function's template arguments (" [with _Tp = ...]") go first when the
    message would not fit in the record message's bound."""
    line = _last_assertion(stderr)
    if line is None:
        return message
    full = f"{message}: {line}"
    if len(full) <= _TEXT_CHARS:
        return full
    return f"{message}: {_TEMPLATE_ARGS.sub('', line)}"


_TEMPLATE_ARGS = re.compile(r" \[with [^\]]*\]")


def _last_assertion(stderr: bytes) -> str | None:
    for raw in reversed(stderr.splitlines()[-8:]):  # it is the last thing written before the abort
        line = raw.strip()
        if b": Assertion " in line and line.endswith(b"' failed."):
            return line.decode("utf-8", errors="replace")
    return None


def crash_verdict(outcome: ProcessOutcome) -> tuple[Verdict, str]:
    """The verdict of the test that was running when its process ended without reporting it."""
    if outcome.memory_exceeded:
        return Verdict.MEMORY_LIMIT, "memory limit exceeded"
    if outcome.output_exceeded:
        return Verdict.OUTPUT_LIMIT, "output limit exceeded"
    if outcome.timed_out or outcome.cpu_exceeded:
        return Verdict.TIME_LIMIT, "time limit exceeded"
    if any(m in outcome.stderr for m in _OOM_MARKERS):
        return Verdict.MEMORY_LIMIT, "memory limit exceeded"
    tail = clean_text(outcome.stderr.decode("utf-8", errors="replace").strip()[-_STDERR_TAIL:])
    if outcome.signal is not None:
        if outcome.signal == signal.SIGSEGV:
            what = "segmentation fault (invalid memory access or stack overflow)"
        else:
            what = f"killed by signal {_signal_name(outcome.signal)}"
        return Verdict.RUNTIME_ERROR, what + (f": {tail}" if tail else "")
    if outcome.exit_code == 0:
        return Verdict.RUNTIME_ERROR, "the program exited before returning (exit() called?)"
    code = f"exited with code {outcome.exit_code}"
    if outcome.exit_code is not None and 128 < outcome.exit_code < 128 + signal.NSIG:
        # The sandbox reports a process killed by signal N as 128+N, which a program can exit with itself: no
        # verdict rests on it (judge.sandbox_process._confirmed), the message says what it may stand for.
        code += f" (also what a process killed by {_signal_name(outcome.exit_code - 128)} reports)"
    return Verdict.RUNTIME_ERROR, code + (f": {tail}" if tail else "")


def record_text(record: dict[str, Any] | None, key: str, default: str, limit: int) -> str:
    """A record's text field (a `fatal` record's message), at most `limit` characters: `default` when it is not
    text. The candidate's code can write any record, with any JSON in any field; a field is never turned into text
    by `str()`, whose `repr` of a list recursed as deep as the list (judge.protocol.RECORD_DEPTH bounds that now)
    and spelled out all of it (3 million numbers, 20 MB of text, to keep 8,000 characters)."""
    value = (record or {}).get(key)
    return value[:limit] if isinstance(value, str) and value else default


COMPILE_OUT_OF_MEMORY = "compilation ran out of memory"
# How each compiler says, in its own words, that it ran out of memory, at the start of a line of its output (never a
# quoted source line, which a diagnostic indents or places after `file:line:col:`): GCC's allocator and libiberty's
# (cc1plus, as, ld: "virtual memory exhausted: Cannot allocate memory", "cc1plus: out of memory allocating N bytes
# after a total of M bytes"), binutils' "memory exhausted", a C++ allocation throwing in the compiler, javac's JVM
# ("java.lang.OutOfMemoryError", "The system is out of resources."), and Python's compiler in the harness
# ("MemoryError: ...", the harness's own report of it).
_COMPILER_OOM = re.compile(
    r"^(?:[\w.+/-]+: )*(?:fatal error: |final link failed: )?"
    r"(?:virtual memory exhausted|out of memory allocating|memory exhausted"
    r"|terminate called after throwing an instance of 'std::bad_alloc'|MemoryError\b)"
    r"|^(?:Exception in thread \"\w+\" |error: )?java\.lang\.OutOfMemoryError|^The system is out of resources\.",
    re.M,
)


def compiler_out_of_memory(output: str) -> bool:
    """Whether a compiler's output says, in its own words, that it ran out of memory (its address space, under
    RLIMIT_AS, or its heap), where the judge's memory group never saw it: the compile's OOM kills read "compilation
    ran out of memory" (judge.runner), and these must read the same."""
    return _COMPILER_OOM.search(output) is not None


def compile_output_text(output: str, *, out_of_memory: bool = False) -> str:
    """A failed compile's output as the report shows it: the judge's own words first when it ran out of memory,
    whichever language and whoever saw it (the kernel's OOM kill, or the compiler's own message)."""
    if (out_of_memory or compiler_out_of_memory(output)) and not output.startswith(COMPILE_OUT_OF_MEMORY):
        return f"{COMPILE_OUT_OF_MEMORY}\n{output}".strip()
    return output


def slow_start_verdict(startup_s: float) -> tuple[Verdict, str]:
    """The verdict of a program that did not say hello within its start-up allowance, when that is its doing."""
    return Verdict.TIME_LIMIT, f"the program did not start within {startup_s:g} s"


def start_verdict(
    state: str,
    language: str,
    *,
    fatal: dict[str, Any] | None,
    exit_code: int | None,
    signal: int | None,
    started: bool | None,
    memory_exceeded: bool,
    stderr: bytes,
    startup_s: float,
) -> tuple[Verdict, str] | None:
    """The verdict of every remaining test when a harness process never became ready (`state`: see
    judge.supervisor.Start), or None when that is the judge's failure, not the candidate's: bwrap did not start
    the program, or an interpreter or JVM (judge.limits.LanguagePolicy.harness_first: our harness code runs before
    any of the candidate's) died, or was slow, before our harness said hello."""
    harness_first = POLICIES[language].harness_first
    if state == "fatal":
        return Verdict.RUNTIME_ERROR, record_text(fatal, "msg", "the code could not be loaded", _TEXT_CHARS)
    if state == "slow_load":
        return Verdict.TIME_LIMIT, "top-level code took longer than the per-test time limit"
    if state == "slow_start":
        return None if harness_first else slow_start_verdict(startup_s)
    if state == "output":
        return Verdict.OUTPUT_LIMIT, "top-level code printed more than the output limit"
    # bwrap's word that it started the program is lost when bwrap itself is killed, and the run's memory group's OOM
    # killer can take it: it is in the group, and a program that lowers its own OOM score leaves bwrap's the highest.
    # An OOM kill in the group is the program's memory, never a start that failed (bwrap needs a sliver of any limit).
    if not memory_exceeded and (started is False or (state == "no_hello" and harness_first)):
        return None
    outcome = ProcessOutcome(
        exit_code=exit_code, signal=signal, memory_exceeded=memory_exceeded, stderr=stderr
    )
    verdict, message = crash_verdict(outcome)
    return verdict, "the program ended before running any test: " + message


def unreported(
    test: TestCase, verdict: Verdict, message: str | None, time_ms: float | None = None
) -> TestResult:
    return TestResult(
        id=test.id,
        verdict=verdict,
        hidden=test.hidden,
        time_ms=time_ms,
        args=list(test.args),
        expected=test.expected,
        message=message,
    )


def overall_verdict(results: Sequence[TestResult]) -> Verdict:
    """Accepted when every test passed; otherwise the first failing test's verdict (internal errors first)."""
    if any(r.verdict is Verdict.INTERNAL_ERROR for r in results):
        return Verdict.INTERNAL_ERROR
    for r in results:
        if r.verdict is not Verdict.ACCEPTED:
            return r.verdict
    return Verdict.ACCEPTED if results else Verdict.INTERNAL_ERROR


def clean_value(value: Any) -> Any:
    """A returned value (already checked to nest at most a few levels) with its strings cleaned for display."""
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, list):
        return [clean_value(v) for v in value]
    if isinstance(value, dict):
        return {clean_text(str(k)): clean_value(v) for k, v in value.items()}
    return value


def _signal_name(sig: int) -> str:
    try:
        return signal.Signals(sig).name
    except ValueError:
        return str(sig)
