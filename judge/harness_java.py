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
    "int": "(int) lng()",
    "long": "lng()",
    "float": "dbl()",
    "bool": "bool()",
    "string": "str()",
}


def _java_type(t: str) -> str:
    scalar, depth = split_type(t)
    return _JAVA[scalar] + "[]" * depth


def _readers() -> str:
    """In.r_<scalar>_<depth>() for every declarable type: JSON bytes -> typed Java value, read straight from the
    frame's bytes (no tree of boxed values, no String of the whole payload): a harness's own decoding is charged to
    the test it belongs to, and it took a Java program 0.6-1.1 s of an 8 MB input before it ran a line of its own."""
    out = []
    for scalar in SCALARS:
        jt = _JAVA[scalar]
        out.append(f"    public {jt} r_{scalar}_0() {{ return {_SCALAR_READ[scalar]}; }}")
        item = f"r_{scalar}_0()"
        if scalar == "string":  # an array of objects: a list, then the array
            out.append(
                f"    public {jt}[] r_{scalar}_1() {{ if (nul()) return null; open(); ArrayList<{jt}> l ="
                f" new ArrayList<>(); if (!empty()) do l.add({item}); while (more()); return l.toArray(new {jt}[0]); }}"
            )
        else:  # primitives straight into an array of their count (one allocation: the input's garbage is GC time)
            out.append(
                f"    public {jt}[] r_{scalar}_1() {{ if (nul()) return null; open(); if (empty()) return new {jt}[0];"
                f" {jt}[] a = new {jt}[count()]; for (int i = 0; i < a.length; i++) {{ a[i] = {item};"
                f" if (more() != (i < a.length - 1)) throw bad(); }} return a; }}"
            )
        out.append(
            f"    public {jt}[][] r_{scalar}_2() {{ if (nul()) return null; open(); ArrayList<{jt}[]> l ="
            f" new ArrayList<>(); if (!empty()) do l.add(r_{scalar}_1()); while (more());"
            f" return l.toArray(new {jt}[0][]); }}"
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

  /**
   * One test's arguments, read straight from the frame's bytes by the typed readers the loop class calls in order
   * (`open`, each argument, `comma` between them, `close`). Bytes over 0x7f are UTF-8, inside strings only.
   */
  public static final class In {
    byte[] b; int p = 0;
    In(byte[] b) { this.b = b; }
    private RuntimeException bad() { return new IllegalStateException("malformed test input at byte " + p); }
    void ws() { while (p < b.length && (b[p] & 0xff) <= ' ') p++; }
    private void want(char c) { ws(); if (p >= b.length || b[p] != c) throw bad(); p++; }
    public void open() { want('['); }
    public void comma() { want(','); }
    public void close() { want(']'); b = null; }  // the frame's bytes are garbage during the candidate's call
    boolean empty() { ws(); if (p < b.length && b[p] == ']') { p++; return true; } return false; }
    boolean more() { ws(); if (p >= b.length) throw bad(); byte c = b[p++]; if (c == ',') return true; if (c == ']') return false; throw bad(); }
    /** How many items the array of numbers or booleans starting here holds (none of them has a ',' or ']'). */
    int count() { int n = 1; for (int q = p; q < b.length && b[q] != ']'; q++) if (b[q] == ',') n++; return n; }
    boolean nul() { ws(); if (word("null")) { p += 4; return true; } return false; }
    private boolean word(String w) {
      if (p + w.length() > b.length) return false;
      for (int i = 0; i < w.length(); i++) if (b[p + i] != w.charAt(i)) return false;
      return true;
    }
    private static boolean numeric(byte c) { return (c >= '0' && c <= '9') || c == '-' || c == '+' || c == '.' || c == 'e' || c == 'E'; }
    /** The token of a number in float form (or one too long for a long), by the JDK's exact parser. */
    private double slow(int st) { while (p < b.length && numeric(b[p])) p++; return Double.parseDouble(new String(b, st, p - st, StandardCharsets.ISO_8859_1)); }
    long lng() {
      ws(); int st = p; boolean neg = p < b.length && b[p] == '-'; if (neg) p++;
      int d0 = p; long v = 0;
      while (p < b.length && b[p] >= '0' && b[p] <= '9') v = v * 10 - (b[p++] - '0');  // negative: Long.MIN_VALUE fits
      if (p == d0) throw bad();
      if (p < b.length && numeric(b[p])) { p = st; return (long) slow(st); }
      if (p - d0 > 18) return Long.parseLong(new String(b, st, p - st, StandardCharsets.ISO_8859_1));
      return neg ? v : -v;
    }
    double dbl() {
      ws(); int st = p; boolean neg = p < b.length && b[p] == '-'; if (neg) p++;
      int d0 = p; long v = 0;
      while (p < b.length && b[p] >= '0' && b[p] <= '9') v = v * 10 - (b[p++] - '0');
      if (p == d0) throw bad();
      if (p - d0 > 18 || (p < b.length && numeric(b[p]))) { p = st; return slow(st); }
      return neg ? (double) v : (double) -v;  // an integer of up to 18 digits: exact, rounded as parseDouble rounds
    }
    boolean bool() {
      ws();
      if (word("true")) { p += 4; return true; }
      if (word("false")) { p += 5; return false; }
      throw bad();
    }
    String str() {
      if (nul()) return null;
      want('"');
      int st = p; boolean ascii = true;
      while (p < b.length) {
        byte c = b[p];
        if (c == '"') { String s = new String(b, st, p - st, ascii ? StandardCharsets.ISO_8859_1 : StandardCharsets.UTF_8); p++; return s; }
        if (c == '\\') break;
        if (c < 0) ascii = false;
        p++;
      }
      StringBuilder o = new StringBuilder(new String(b, st, p - st, StandardCharsets.UTF_8));
      while (true) {
        if (p >= b.length) throw bad();
        byte c = b[p];
        if (c == '"') { p++; return o.toString(); }
        if (c >= 0) {
          p++;
          if (c != '\\') { o.append((char) c); continue; }
          if (p >= b.length) throw bad();
          byte e = b[p++];
          switch (e) {
            case 'n': o.append('\n'); break; case 't': o.append('\t'); break; case 'r': o.append('\r'); break;
            case 'b': o.append('\b'); break; case 'f': o.append('\f'); break;
            case 'u':
              if (p + 4 > b.length) throw bad();
              int u = 0;
              for (int k = 0; k < 4; k++) { int h = Character.digit(b[p++], 16); if (h < 0) throw bad(); u = u * 16 + h; }
              o.append((char) u); break;
            default: o.append((char) e);
          }
          continue;
        }
        int s2 = p;  // UTF-8 up to the next ASCII byte (a quote or backslash never falls inside a sequence)
        while (p < b.length && b[p] < 0) p++;
        o.append(new String(b, s2, p - s2, StandardCharsets.UTF_8));
      }
    }

__READERS__
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

  /** The next test's arguments, to be read in order, or null once the judge has no more tests. */
  public static In next() throws IOException {
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
    return new In(payload);
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
    for (shadows.R.In in = shadows.R.next(); in != null; in = shadows.R.next()) {
      in.open();
__CONVERT__
      in.close();
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
        if k:
            convert.append("      in.comma();")
        convert.append(f"      {_java_type(param.type)} a{k} = in.r_{scalar}_{depth}();")
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
