"""Java's hostile records and outputs, through the real sandbox and supervisor: the rules the Python, JavaScript and
C++ cases of test_record_depth.py, test_record_memory.py and test_idle_cpu.py check, held by a Java program that
writes the results channel itself (`/proc/self/fd/3`, the nonce from the harness's public `shadows.R.nonce`), forges
`fatal`/`ready` from a static initialiser or a shutdown hook, exits inside a test, or leaves a thread computing."""

from __future__ import annotations

import pytest

from judge.bank import Param, Signature
from judge.bank import TestCase as Case
from judge.protocol import RECORD_DEPTH, TOO_DEEP, TOO_LARGE
from judge.runner import run_request
from judge.sandbox import Sandbox
from judge.schemas import RunLimits, RunReport, RunRequest, Verdict
from judge.settings import JudgeSettings

pytestmark = pytest.mark.sandbox

SIGNATURE = Signature(function="deep", params=[Param(name="n", type="int")], returns="int[]")
LIMITS = RunLimits(time_limit_s=4.0, compile_s=60)

# The program writes lines that are no record of its test (a bare array, fatal, ready, another nonce's), then its own
# test's record (nested `n` deep in the field `n % 3` names) before the harness's own; only the first line headed by
# the test's nonce counts. n = -2: the stray lines alone, 985 deep; n = -1: an honest answer.
FORGE_DEEP = """
import java.io.*;
import java.nio.charset.StandardCharsets;

class Solution {
    public int[] deep(int n) throws IOException {
        if (n == -1) return new int[] {1};
        FileOutputStream results = new FileOutputStream("/proc/self/fd/3");
        // Lines that are no record of this test, as deep as asked (985 for n = -2): stray, never decoded.
        String stray = n < 0 ? "[".repeat(985) + "]".repeat(985) : "[".repeat(n) + "]".repeat(n);
        String strays = stray + "\\n{\\"fatal\\":\\"load\\",\\"msg\\":" + stray
            + "}\\n{\\"s\\":\\"ready\\",\\"x\\":" + stray
            + "}\\n{\\"n\\":\\"ffff\\",\\"ok\\":true,\\"v\\":" + stray + "}\\n";
        results.write(strays.getBytes(StandardCharsets.UTF_8));
        if (n < 0) return new int[] {1};
        String nested = "[".repeat(n) + "]".repeat(n);
        String[] fields = {"\\"ok\\":true,\\"v\\":X", "\\"ok\\":false,\\"kind\\":X,\\"msg\\":\\"m\\"",
                           "\\"ok\\":false,\\"kind\\":\\"runtime\\",\\"msg\\":X"};
        String line = "{\\"n\\":\\"" + shadows.R.nonce + "\\"," + fields[n % 3].replace("X", nested) + "}\\n";
        results.write(line.getBytes(StandardCharsets.UTF_8));
        results.flush();
        return new int[] {1};
    }
}
"""


def _run(
    sandbox: Sandbox,
    settings: JudgeSettings,
    source: str,
    tests: list[Case],
    signature: Signature = SIGNATURE,
) -> RunReport:
    request = RunRequest(language="java", source=source, signature=signature, tests=tests, limits=LIMITS)
    return run_request(request, sandbox, settings)


def test_a_java_tests_own_record_deeper_than_the_bound_is_its_wrong_answer(
    sandbox: Sandbox, judge_settings: JudgeSettings
) -> None:
    depths = [RECORD_DEPTH + 2, RECORD_DEPTH + 3, RECORD_DEPTH + 4, 960, 985, 986, 5_000]
    tests = [Case(id=f"d{d}", args=[d], expected=[1]) for d in depths]
    tests += [Case(id="strays", args=[-2], expected=[1]), Case(id="flat", args=[-1], expected=[1])]
    report = _run(sandbox, judge_settings, FORGE_DEEP, tests)
    verdicts = [(t.verdict, t.message) for t in report.tests]
    assert verdicts == [(Verdict.WRONG_ANSWER, TOO_DEEP)] * len(depths) + [(Verdict.ACCEPTED, None)] * 2, (
        verdicts
    )
    assert report.processes == 1


# Lines written on the results channel from code the harness does not expect to run: the static initialiser of
# Solution (run at the first test's `new Solution()`, after ready) and a shutdown hook (run by System.exit in a test).
FORGE_LIFECYCLE = """
import java.io.*;
import java.nio.charset.StandardCharsets;

class Solution {
    static void say(String line) {
        try {
            FileOutputStream results = new FileOutputStream("/proc/self/fd/3");
            results.write((line + "\\n").getBytes(StandardCharsets.UTF_8));
            results.flush();
        } catch (IOException e) { }
    }
    static {
        if (MODE.equals("static")) {
            say("{\\"s\\":\\"hello\\"}");
            say("{\\"s\\":\\"ready\\"}");
            say("{\\"fatal\\":\\"load\\",\\"msg\\":\\"forged in a static initialiser\\"}");
        }
    }
    public int[] deep(int n) {
        if (MODE.equals("hook") && n == 1) {
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                say("{\\"s\\":\\"ready\\"}");
                say("{\\"fatal\\":\\"load\\",\\"msg\\":\\"forged in a shutdown hook\\"}");
                say("{\\"n\\":\\"" + shadows.R.nonce + "\\",\\"ok\\":true,\\"v\\":[1]}");
            }));
            System.exit(0);
        }
        return new int[] {1};
    }
}
"""


@pytest.mark.parametrize("mode", ["static", "hook"])
def test_java_lines_forged_from_a_static_initialiser_or_a_shutdown_hook_are_the_programs_failure_only(
    sandbox: Sandbox, judge_settings: JudgeSettings, mode: str
) -> None:
    source = FORGE_LIFECYCLE.replace("MODE", '"' + mode + '"')
    tests = [Case(id=f"t{i}", args=[i], expected=[1]) for i in range(5)]
    report = _run(sandbox, judge_settings, source, tests)
    verdicts = [(t.verdict, t.message) for t in report.tests]
    if mode == "static":  # hello, ready and fatal after ready are stray lines: every test answers [1]
        assert verdicts == [(Verdict.ACCEPTED, None)] * 5, verdicts
        assert report.processes == 1
    else:
        # t1's hook wrote t1's record (what returning [1] would have written), then the JVM exited: the exit is
        # the failure of the test in flight when it ended (t2, whose frame followed that record), and the tests
        # after it run in a new process. The forged ready and fatal change nothing.
        exited = (Verdict.RUNTIME_ERROR, "the program exited before returning (exit() called?)")
        assert verdicts == [(Verdict.ACCEPTED, None)] * 2 + [exited] + [(Verdict.ACCEPTED, None)] * 2, (
            verdicts
        )
        assert report.processes == 2


# twice(n) = 2n, and a thread that computes from the moment the answer is given until the next call, adding the CPU
# time that took (its own, by the JVM's thread clock) to a total each call prints before it answers.
JAVA_IDLE = """
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

class Solution {
    static final AtomicBoolean between = new AtomicBoolean(false), paused = new AtomicBoolean(true);
    static final AtomicLong spentNs = new AtomicLong();
    static volatile long sink;
    static {
        Thread helper = new Thread(() -> {
            ThreadMXBean clock = ManagementFactory.getThreadMXBean();
            long x = 0;
            while (true) {
                while (!between.get()) Thread.onSpinWait();
                long begun = clock.getCurrentThreadCpuTime();
                while (between.get()) x++;
                sink = x;
                spentNs.addAndGet(clock.getCurrentThreadCpuTime() - begun);
                paused.set(true);
            }
        });
        helper.setDaemon(true);
        helper.start();
    }
    public int twice(int n) {
        between.set(false);
        while (!paused.get()) Thread.onSpinWait();
        System.out.printf("between tests: %.4f s%n", spentNs.get() / 1e9);
        System.out.flush();
        paused.set(false);
        between.set(true);
        return 2 * n;
    }
}
"""


def test_a_java_threads_cpu_time_between_tests_is_charged_to_the_next_test(
    sandbox: Sandbox, judge_settings: JudgeSettings, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.judge import test_idle_cpu

    monkeypatch.setitem(test_idle_cpu.SOURCES, "java", JAVA_IDLE)
    test_idle_cpu.test_cpu_time_between_tests_is_charged_to_the_next_test(
        "java", sandbox, judge_settings, monkeypatch
    )


# A record near the judge's memory bound (judge.protocol.RECORD_MEMORY), written by the program itself as raw bytes
# (Java's own UTF-8 of a character past U+FFFF beside 2 million integers), one past RECORD_CAP, or the harness's own
# record of 2 million returned integers; the next test answers [1] in the same process.
JAVA_LARGE = """
import java.io.*;
import java.nio.charset.StandardCharsets;

class Solution {
    public int[] deep(int n) throws IOException {
        if (n < 0) return new int[] {1};
        if (MODE.equals("returned")) {
            int[] many = new int[2_000_000];
            for (int i = 0; i < many.length; i++) many[i] = 1_000_000 + i;
            return many;
        }
        StringBuilder b = new StringBuilder("{\\"n\\":\\"").append(shadows.R.nonce);
        b.append("\\",\\"ok\\":true,\\"v\\":[");
        for (int i = 0; i < 2_000_000; i++) b.append(i == 0 ? "" : ",").append(1_000_000 + i);
        b.append(']');
        if (MODE.equals("wide")) b.append(",\\"x\\":\\"\\uD83D\\uDE00\\"");
        if (MODE.equals("over cap")) b.append(",\\"x\\":\\"").append("y".repeat(1 << 20)).append('"');
        b.append("}\\n");
        FileOutputStream results = new FileOutputStream("/proc/self/fd/3");
        results.write(b.toString().getBytes(StandardCharsets.UTF_8));
        results.flush();
        return new int[] {1};
    }
}
"""


@pytest.mark.parametrize(
    ("mode", "verdict"),
    [
        ("ascii", Verdict.WRONG_ANSWER),  # decoded: 2 million integers for an expected [1]
        ("returned", Verdict.WRONG_ANSWER),
        ("wide", Verdict.OUTPUT_LIMIT),  # line and text over the memory bound: never decoded
        ("over cap", Verdict.OUTPUT_LIMIT),  # longer than RECORD_CAP: never decoded
    ],
)
def test_a_java_record_near_the_memory_bound_is_judged_or_refused_whole(
    sandbox: Sandbox, judge_settings: JudgeSettings, mode: str, verdict: Verdict
) -> None:
    source = JAVA_LARGE.replace("MODE", '"' + mode + '"')
    tests = [Case(id="large", args=[1], expected=[1]), Case(id="flat", args=[-1], expected=[1])]
    report = _run(sandbox, judge_settings, source, tests)
    assert [t.verdict for t in report.tests] == [verdict, Verdict.ACCEPTED], report.tests[0].message
    if verdict is Verdict.OUTPUT_LIMIT:
        assert report.tests[0].actual is None
        assert report.tests[0].message == TOO_LARGE


WORD = Signature(function="word", params=[Param(name="n", type="int")], returns="string")

# Code of the program's own that the harness might run after the call: a class named String (shadowing java.lang's in
# the default package the harness's loop class is compiled in) whose toString, equals and hashCode write a record,
# and an exception whose getMessage, getStackTrace and toString do.
JAVA_OBJECTS = {
    "shadowed String": """
class String {
    public java.lang.String toString() { Solution.forge(); return "right"; }
    public boolean equals(Object o) { Solution.forge(); return true; }
    public int hashCode() { Solution.forge(); return 0; }
}
class Solution {
    static void forge() {
        try (java.io.FileOutputStream f = new java.io.FileOutputStream("/proc/self/fd/3")) {
            f.write(("{\\"n\\":\\"" + shadows.R.nonce + "\\",\\"ok\\":true,\\"v\\":\\"right\\"}\\n").getBytes());
        } catch (java.io.IOException e) { }
    }
    public String word(int n) { return new String(); }
}
""",
    "hostile exception": """
class Hostile extends RuntimeException {
    static void forge(java.lang.String v) {
        try (java.io.FileOutputStream f = new java.io.FileOutputStream("/proc/self/fd/3")) {
            f.write(("{\\"n\\":\\"" + shadows.R.nonce + "\\",\\"ok\\":true,\\"v\\":\\"" + v + "\\"}\\n").getBytes());
        } catch (java.io.IOException e) { }
    }
    public String getMessage() { forge("wrong"); return "x".repeat(10_000_000); }
    public String toString() { forge("wrong"); return "y"; }
}
class Solution {
    public String word(int n) { if (n == 1) throw new Hostile(); return "right"; }
}
""",
    "throwing exception": """
class Throwing extends RuntimeException {
    public StackTraceElement[] getStackTrace() { throw new IllegalStateException("no trace"); }
}
class Solution {
    public String word(int n) { if (n == 1) throw new Throwing(); return "right"; }
}
""",
}


@pytest.mark.parametrize("name", list(JAVA_OBJECTS))
def test_java_objects_whose_methods_run_code_reach_the_judge_as_the_programs_own_lines_only(
    sandbox: Sandbox, judge_settings: JudgeSettings, name: str
) -> None:
    tests = [Case(id=f"t{i}", args=[i], expected="right") for i in range(3)]
    report = _run(sandbox, judge_settings, JAVA_OBJECTS[name], tests, signature=WORD)
    results = [(t.verdict, t.actual) for t in report.tests]
    right = (Verdict.ACCEPTED, "right")
    if (
        name == "shadowed String"
    ):  # the harness writes java.lang.String values only: their String is no answer
        assert report.verdict is Verdict.COMPILE_ERROR
        assert "no suitable method found for w(StringBuilder,String)" in report.compile_output
    elif (
        name == "hostile exception"
    ):  # its getMessage's line came first: that test's answer, the program's own
        assert results == [right, (Verdict.WRONG_ANSWER, "wrong"), right], results
        assert report.processes == 1
    else:  # the harness's describing it threw: the process ended, that test's runtime error, the next in a new one
        assert results == [right, (Verdict.RUNTIME_ERROR, None), right], results
        message = report.tests[1].message or ""
        assert message.startswith("exited with code 1") and "no trace" in message, message
        assert report.processes == 2
