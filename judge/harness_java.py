"""Java harness generator: one javac for Solution + a small main class, one JVM runs every test (judge.protocol)."""

from __future__ import annotations

from functools import lru_cache

from judge.bank import SCALARS, Param, Signature, split_type
from judge.harness_base import MESSAGE_CHARS, PROGRAM_DIR, HarnessProgram
from judge.harness_java_runtime import JavaRuntime, RuntimeSources, ensure_runtime
from judge.limits import JAVA_YOUNG_MB, POLICIES

SOURCE_FILE = "Solution.java"
RUNTIME_FILE = "shadows/R.java"
JAVAC_FLAGS = (
    "-J-XX:+UseSerialGC", "-J-XX:TieredStopAtLevel=1", "-J-Xmx512m", "-J-XX:-UsePerfData",
    "-encoding", "UTF-8", "-nowarn", "-proc:none",
)  # fmt: skip
JAVA_FLAGS = (
    "-Xss32m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-XX:ReservedCodeCacheSize=64m",
    "-XX:CompressedClassSpaceSize=64m", "-XX:-UsePerfData", "-Xshare:auto",
)  # fmt: skip
HARNESS_CLASS = "ShadowsHarness"
HARNESS_FILE = f"{HARNESS_CLASS}.java"
# The entry point: our own runtime, which no name in the candidate's (unnamed) package can reach.
MAIN_CLASS = "shadows.R"
RO_BINDS = ("/etc/java-17-openjdk",)
_JAVA = {"int": "int", "long": "long", "float": "double", "bool": "boolean", "string": "String"}
_SCALAR_READ = {
    "int": "((Number) o).intValue()",
    "long": "((Number) o).longValue()",
    "float": "((Number) o).doubleValue()",
    "bool": "(Boolean) o",
    "string": "(String) o",
}


def _java_type(t: str) -> str:
    scalar, depth = split_type(t)
    return _JAVA[scalar] + "[]" * depth


def _readers() -> str:
    """r_<scalar>_<depth>(Object) for every declarable type: JSON tree -> typed Java value."""
    out = []
    for scalar in SCALARS:
        jt = _JAVA[scalar]
        out.append(f"  public static {jt} r_{scalar}_0(Object o) {{ return {_SCALAR_READ[scalar]}; }}")
        for depth in (1, 2):
            arr = jt + "[]" * depth
            inner = f"{jt}[l.size()]" + "[]" * (depth - 1)
            out.append(
                f"  public static {arr} r_{scalar}_{depth}(Object o) {{ List<?> l = (List<?>) o; {arr} a = new {inner};"
                f" for (int i = 0; i < a.length; i++) a[i] = r_{scalar}_{depth - 1}(l.get(i)); return a; }}"
            )
    return "\n".join(out)


def _writers() -> str:
    """w(StringBuilder, value) overloads for every declarable type: typed Java value -> JSON text."""
    out = [
        "  public static void w(StringBuilder b, int v) { b.append(v); }",
        "  public static void w(StringBuilder b, long v) { b.append(v); }",
        "  public static void w(StringBuilder b, double v) {"
        ' if (Double.isNaN(v) || Double.isInfinite(v)) b.append("null"); else b.append(v); }',
        "  public static void w(StringBuilder b, boolean v) { b.append(v); }",
        '  public static void w(StringBuilder b, String v) { if (v == null) b.append("null"); else str(b, v); }',
    ]
    for scalar in SCALARS:
        jt = _JAVA[scalar]
        for depth in (1, 2):
            arr = jt + "[]" * depth
            out.append(
                f'  public static void w(StringBuilder b, {arr} v) {{ if (v == null) {{ b.append("null"); return; }}'
                f" b.append('['); for (int i = 0; i < v.length; i++) {{ if (i > 0) b.append(','); w(b, v[i]); }}"
                f" b.append(']'); }}"
            )
    return "\n".join(out)


RUNTIME_TEMPLATE = r"""package shadows;

import java.io.*;
import java.nio.charset.StandardCharsets;
import java.util.*;

// Java 13 (Judge0's image) compatible: no records, text blocks or switch expressions.
public final class R {
  private R() {}
  public static final int MESSAGE = __MESSAGE__;
  private static FileOutputStream results;
  private static BufferedInputStream in;
  public static String nonce = "";

  public static final class Json {
    final String s; int p = 0;
    Json(String s) { this.s = s; }
    void ws() { while (p < s.length() && s.charAt(p) <= ' ') p++; }
    Object value() {
      ws();
      char c = s.charAt(p);
      if (c == '[') {
        p++; ArrayList<Object> l = new ArrayList<>(); ws();
        if (s.charAt(p) == ']') { p++; return l; }
        while (true) { l.add(value()); ws(); if (s.charAt(p++) == ']') return l; }
      }
      if (c == '"') return string();
      if (s.startsWith("true", p)) { p += 4; return Boolean.TRUE; }
      if (s.startsWith("false", p)) { p += 5; return Boolean.FALSE; }
      if (s.startsWith("null", p)) { p += 4; return null; }
      int st = p; boolean fl = false;
      while (p < s.length() && "+-0123456789.eE".indexOf(s.charAt(p)) >= 0) { char d = s.charAt(p++); if (d == '.' || d == 'e' || d == 'E') fl = true; }
      String num = s.substring(st, p);
      if (fl) return Double.parseDouble(num);
      return Long.parseLong(num);
    }
    String string() {
      StringBuilder b = new StringBuilder(); p++;
      while (true) {
        char c = s.charAt(p++);
        if (c == '"') return b.toString();
        if (c != '\\') { b.append(c); continue; }
        char e = s.charAt(p++);
        switch (e) {
          case 'n': b.append('\n'); break; case 't': b.append('\t'); break; case 'r': b.append('\r'); break;
          case 'b': b.append('\b'); break; case 'f': b.append('\f'); break;
          case 'u': b.append((char) Integer.parseInt(s.substring(p, p + 4), 16)); p += 4; break;
          default: b.append(e);
        }
      }
    }
  }

  public static void str(StringBuilder b, String v) {
    b.append('"');
    for (int i = 0; i < v.length(); i++) {
      char c = v.charAt(i);
      if (c == '"' || c == '\\') b.append('\\').append(c);
      else if (c < 0x20) b.append(String.format("\\u%04x", (int) c));
      else b.append(c);
    }
    b.append('"');
  }

__READERS__
__WRITERS__

  private static void line(String s) {
    try { results.write((s + "\n").getBytes(StandardCharsets.UTF_8)); } catch (IOException e) { Runtime.getRuntime().halt(70); }
  }

  public static String describe(Throwable t) {
    String where = "";
    for (StackTraceElement el : t.getStackTrace()) {
      if ("Solution.java".equals(el.getFileName())) { where = " (Solution.java, line " + el.getLineNumber() + ")"; break; }
    }
    String m = t.getMessage();
    return t.getClass().getSimpleName() + (m == null ? "" : ": " + m) + where;
  }

  /**
   * The entry point. The per-question loop (the default package's __CLASS__, compiled with the candidate's code,
   * where a class of theirs named String or List would shadow java.lang's or java.util's) is looked up only after
   * hello: whatever their code does to it is their program failing, never the judge's. Opens the results channel
   * (fd 3) and the input pipe (fd 4); the candidate's stdin is /dev/null.
   */
  public static void main(String[] argv) throws Throwable {
    results = new FileOutputStream("/proc/self/fd/3");
    in = new BufferedInputStream(new FileInputStream("/proc/self/fd/4"), 1 << 16);
    line("{\"s\":\"hello\"}");
    java.lang.reflect.Method run;
    try {
      run = Class.forName("__CLASS__").getMethod("run");
    } catch (Throwable e) {
      String msg = "the harness could not load the solution: " + describe(e);
      StringBuilder b = new StringBuilder("{\"fatal\":\"load\",\"msg\":");
      str(b, msg.length() > MESSAGE ? msg.substring(0, MESSAGE) : msg);
      line(b.append('}').toString());
      finish();
      return;
    }
    line("{\"s\":\"ready\"}");
    try {
      run.invoke(null);
    } catch (java.lang.reflect.InvocationTargetException e) {
      throw e.getCause();
    }
    finish();
  }

  /** The next test's arguments, or null once the judge has no more tests. */
  public static List<?> next() throws IOException {
    StringBuilder header = new StringBuilder();
    while (true) {
      int c = in.read();
      if (c < 0) return null;
      if (c == '\n') break;
      header.append((char) c);
    }
    String[] parts = header.toString().split(" ");
    nonce = parts[0];
    byte[] payload = new byte[Integer.parseInt(parts[1])];
    int off = 0;
    while (off < payload.length) {
      int n = in.read(payload, off, payload.length - off);
      if (n < 0) return null;
      off += n;
    }
    return (List<?>) new Json(new String(payload, StandardCharsets.UTF_8)).value();
  }

  private static void flush() { System.out.flush(); System.err.flush(); }

  private static String head(boolean ok) {
    StringBuilder b = new StringBuilder("{\"n\":");
    str(b, nonce);
    return b.append(",\"ok\":").append(ok).toString();
  }

  /**
   * After each test, before its record: when the heap in use has grown by more than TIDY since the last collection,
   * collect it now. The run's memory cgroup counts the heap the JVM holds, garbage and all, with the direct buffers
   * that garbage keeps: without this, one test's garbage counted against the next test's memory. The test that made
   * the garbage pays for collecting it.
   */
  private static final long TIDY = 16L << 20;
  private static long settled;

  private static void tidy() {
    Runtime rt = Runtime.getRuntime();
    if (rt.totalMemory() - rt.freeMemory() - settled > TIDY) {
      System.gc();
      settled = rt.totalMemory() - rt.freeMemory();
    }
  }

  public static void failed(Throwable e) {
    flush();
    tidy();
    boolean memory = e instanceof OutOfMemoryError;
    String msg = memory ? "OutOfMemoryError: memory limit exceeded" : describe(e);
    if (msg.length() > MESSAGE) msg = msg.substring(0, MESSAGE);
    StringBuilder b = new StringBuilder(head(false));
    b.append(",\"kind\":\"").append(memory ? "memory" : "runtime").append("\",\"msg\":");
    str(b, msg);
    line(b.append('}').toString());
  }

  public static StringBuilder passed() {
    flush();
    tidy();
    return new StringBuilder(head(true)).append(",\"v\":");
  }

  public static void send(StringBuilder b) { line(b.append('}').toString()); }

  public static void finish() { flush(); Runtime.getRuntime().halt(0); }
}
"""  # noqa: E501 - embedded source in another language

_HARNESS = r"""import java.util.*;

public class __CLASS__ {
  public static void run() throws Exception {
    for (List<?> a = shadows.R.next(); a != null; a = shadows.R.next()) {
__CONVERT__
      __RTYPE__ r;
      try {
        r = new Solution().__FUNCTION__(__ARGS__);
      } catch (Throwable e) {
        shadows.R.failed(e);
        continue;
      }
      StringBuilder b = shadows.R.passed();
      shadows.R.w(b, r);
      shadows.R.send(b);
    }
    shadows.R.finish();
  }
}
"""


def runtime_source() -> str:
    """`shadows/R.java`: everything in the harness that does not depend on the question."""
    return (
        RUNTIME_TEMPLATE.replace("__MESSAGE__", str(MESSAGE_CHARS))
        .replace("__READERS__", _readers())
        .replace("__WRITERS__", _writers())
        .replace("__CLASS__", HARNESS_CLASS)
    )


def harness_source(signature: Signature) -> str:
    convert, args = [], []
    for k, param in enumerate(signature.params):
        scalar, depth = split_type(param.type)
        convert.append(f"      {_java_type(param.type)} a{k} = shadows.R.r_{scalar}_{depth}(a.get({k}));")
        args.append(f"a{k}")
    return (
        _HARNESS.replace("__CLASS__", HARNESS_CLASS)
        .replace("__CONVERT__", "\n".join(convert))
        .replace("__RTYPE__", _java_type(signature.returns))
        .replace("__FUNCTION__", signature.function_name("java"))
        .replace("__ARGS__", ", ".join(args))
    )


_SAMPLE_SOLUTION = """import java.util.*;

class Solution {
    public int[] sample(int[] nums, int target) {
        Map<Integer, Integer> seen = new HashMap<>();
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < nums.length; i++) { seen.put(nums[i], i); out.add(i); }
        return out.stream().mapToInt(Integer::intValue).toArray();
    }
}
"""


@lru_cache(maxsize=1)
def runtime_sources() -> RuntimeSources:
    """The question-independent runtime, and a typical submission whose compile records javac's classes."""
    sample = Signature(function="sample", params=[Param(name="nums", type="int[]"), Param(name="target", type="int")],
                       returns="int[]")  # fmt: skip
    return RuntimeSources(
        javac_flags=JAVAC_FLAGS,
        runtime_file=RUNTIME_FILE,
        runtime_source=runtime_source(),
        sample=((SOURCE_FILE, _SAMPLE_SOLUTION), (HARNESS_FILE, harness_source(sample))),
    )


def java_runtime(javac_bin: str) -> JavaRuntime:
    """The per-host Java runtime (`shadows.R` compiled, and javac's class-data-sharing archive)."""
    return ensure_runtime(javac_bin, runtime_sources())


def heap_flags(memory_mb: int) -> list[str]:
    """-Xmx M+32 with a fixed 32 MiB young generation: the old generation holds an array of nearly M MiB. The heap
    starts small (-Xms) so that a full collection can give memory back to the system (it never shrinks below it)."""
    return [
        f"-Xmx{memory_mb + POLICIES['java'].heap_extra_mb}m",
        f"-Xms{JAVA_YOUNG_MB + 8}m",
        f"-Xmn{JAVA_YOUNG_MB}m",
        "-XX:-ShrinkHeapInSteps",  # a full collection gives back what it freed at once, not a tenth at a time
    ]


def build(
    signature: Signature,
    source: str,
    java_bin: str,
    javac_bin: str,
    memory_mb: int,
    *,
    portable: bool = False,
    program_dir: str = PROGRAM_DIR,
) -> HarnessProgram:
    """The Java program. The question-independent runtime (`shadows.R`) and a class-data-sharing archive for
    javac are built once per host; `portable` ships the runtime as source instead (e.g. for Judge0)."""
    files = {HARNESS_FILE: harness_source(signature), SOURCE_FILE: source}
    sources = [SOURCE_FILE, HARNESS_FILE]
    javac_flags: list[str] = []
    classpath = f"{program_dir}/classes"
    ro_binds: tuple[str, ...] = RO_BINDS
    if portable:
        files[RUNTIME_FILE] = runtime_source()
        sources.append(RUNTIME_FILE)
    else:
        built = java_runtime(javac_bin)
        javac_flags = ["-cp", built.classes]
        if built.javac_archive is not None:
            javac_flags = [f"-J-XX:SharedArchiveFile={built.javac_archive}", "-J-Xlog:disable", *javac_flags]
        classpath = f"{classpath}:{built.classes}"
        ro_binds = (*RO_BINDS, built.directory)
    return HarnessProgram(
        language="java",
        files=files,
        compile_argv=[javac_bin, *JAVAC_FLAGS, *javac_flags, "-d", "classes", *sources],
        run_argv=[java_bin, *heap_flags(memory_mb), *JAVA_FLAGS, "-cp", classpath, MAIN_CLASS],
        ro_binds=ro_binds,
        binary=f"classes/{HARNESS_CLASS}.class",
    )
