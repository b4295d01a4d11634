"""Java harness generator: one javac for Solution + a small main class, one JVM runs every test (harness_base)."""

from __future__ import annotations

from judge.bank import SCALARS, Signature, split_type
from judge.harness_base import EXCERPT_CHARS, INPUT_FILE, MESSAGE_CHARS, HarnessProgram
from judge.harness_java_runtime import ensure_runtime

SOURCE_FILE = "Solution.java"
RUNTIME_FILE = "shadows/R.java"
JAVAC_FLAGS = (
    "-J-XX:+UseSerialGC", "-J-XX:TieredStopAtLevel=1", "-J-Xmx512m", "-J-XX:-UsePerfData",
    "-encoding", "UTF-8", "-nowarn", "-proc:none",
)  # fmt: skip
JAVA_FLAGS = (
    "-Xss64m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-XX:ReservedCodeCacheSize=64m",
    "-XX:CompressedClassSpaceSize=64m", "-XX:-UsePerfData", "-Xshare:auto",
)  # fmt: skip
HARNESS_CLASS = "ShadowsHarness"
HARNESS_FILE = f"{HARNESS_CLASS}.java"
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
import java.nio.file.*;
import java.util.*;

public final class R {
  private R() {}
  public static final int EXCERPT = __EXCERPT__, MESSAGE = __MESSAGE__;
  public static FileOutputStream results;
  public static volatile long deadline = 0;
  public static volatile int current = -1;
  public static long t0 = 0, printed = 0, cap = 1 << 20;
  public static Capture out, err;

  public static final class Capture extends OutputStream {
    final ByteArrayOutputStream kept = new ByteArrayOutputStream();
    @Override public void write(int c) { add(new byte[] {(byte) c}, 0, 1); }
    @Override public void write(byte[] buf, int off, int len) { add(buf, off, len); }
    synchronized void add(byte[] buf, int off, int len) {
      printed += len;
      int room = EXCERPT - kept.size();
      if (room > 0) kept.write(buf, off, Math.min(room, len));
      if (printed > cap) { emitError(current, "output", "output limit exceeded"); Runtime.getRuntime().halt(0); }
    }
    synchronized String take() { String s = new String(kept.toByteArray(), StandardCharsets.UTF_8); kept.reset(); return s; }
  }

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

  public static synchronized void line(String s) {
    try { results.write((s + "\n").getBytes(StandardCharsets.UTF_8)); } catch (IOException e) { Runtime.getRuntime().halt(70); }
  }

  public static double ms() { return Math.round((System.nanoTime() - t0) / 1000.0) / 1000.0; }

  public static String head(int i, boolean ok) {
    StringBuilder b = new StringBuilder();
    b.append("{\"i\":").append(i).append(",\"ok\":").append(ok).append(",\"ms\":").append(ms());
    b.append(",\"out\":"); str(b, out.take()); b.append(",\"err\":"); str(b, err.take());
    return b.toString();
  }

  public static synchronized void emitError(int i, String kind, String msg) {
    if (msg.length() > MESSAGE) msg = msg.substring(0, MESSAGE);
    StringBuilder b = new StringBuilder(head(i, false));
    b.append(",\"kind\":"); str(b, kind); b.append(",\"msg\":"); str(b, msg); b.append('}');
    line(b.toString());
  }

  public static String describe(Throwable t) {
    String where = "";
    for (StackTraceElement el : t.getStackTrace()) {
      if ("Solution.java".equals(el.getFileName())) { where = " (Solution.java, line " + el.getLineNumber() + ")"; break; }
    }
    String m = t.getMessage();
    return t.getClass().getSimpleName() + (m == null ? "" : ": " + m) + where;
  }


  public static int start;
  static long limitNs;

  /** Parses the arguments, redirects candidate output, starts the watchdog; returns the tests' arguments. */
  public static List<?> setup(String[] argv) throws IOException {
    start = Integer.parseInt(argv[0]);
    limitNs = Long.parseLong(argv[1]) * 1_000_000L;
    cap = Long.parseLong(argv[2]);
    results = new FileOutputStream("/proc/self/fd/3");
    out = new Capture(); err = new Capture();
    System.setOut(new PrintStream(out, true, "UTF-8"));
    System.setErr(new PrintStream(err, true, "UTF-8"));
    List<?> tests = (List<?>) new Json(new String(Files.readAllBytes(Paths.get("__INPUT__")), StandardCharsets.UTF_8)).value();
    Thread watchdog = new Thread(() -> {
      while (true) {
        long d = deadline, now = System.nanoTime();
        if (d != 0 && now > d) { emitError(current, "timeout", "time limit exceeded"); Runtime.getRuntime().halt(0); }
        long sleepMs = d == 0 ? 5 : Math.max(1, (d - now) / 1_000_000L + 1);
        try { Thread.sleep(Math.min(sleepMs, 50)); } catch (InterruptedException e) { return; }
      }
    });
    watchdog.setDaemon(true);
    watchdog.start();
    return tests;
  }

  public static void begin(int i) { current = i; printed = 0; t0 = System.nanoTime(); deadline = t0 + limitNs; }

  public static void failed(int i, Throwable e) {
    deadline = 0;
    if (e instanceof OutOfMemoryError) emitError(i, "memory", "OutOfMemoryError: memory limit exceeded");
    else emitError(i, "runtime", describe(e));
  }

  public static StringBuilder passed(int i) {
    deadline = 0;
    StringBuilder b = new StringBuilder(head(i, true));
    return b.append(",\"v\":");
  }

  public static void send(StringBuilder b) { line(b.append('}').toString()); }

  public static void finish() { System.out.flush(); Runtime.getRuntime().halt(0); }
}
"""  # noqa: E501 - embedded source in another language

_HARNESS = r"""import java.util.*;

public class __CLASS__ {
  public static void main(String[] argv) throws Exception {
    List<?> tests = shadows.R.setup(argv);
    for (int i = shadows.R.start; i < tests.size(); i++) {
      List<?> a = (List<?>) tests.get(i);
__CONVERT__
      shadows.R.begin(i);
      __RTYPE__ r;
      try {
        r = new Solution().__FUNCTION__(__ARGS__);
      } catch (Throwable e) {
        shadows.R.failed(i, e);
        continue;
      }
      StringBuilder b = shadows.R.passed(i);
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
        RUNTIME_TEMPLATE.replace("__EXCERPT__", str(EXCERPT_CHARS))
        .replace("__MESSAGE__", str(MESSAGE_CHARS))
        .replace("__READERS__", _readers())
        .replace("__WRITERS__", _writers())
        .replace("__INPUT__", INPUT_FILE)
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


def build(
    signature: Signature,
    source: str,
    java_bin: str,
    javac_bin: str,
    memory_mb: int,
    *,
    portable: bool = False,
) -> HarnessProgram:
    """The Java program. The question-independent runtime (`shadows.R`) and a class-data-sharing archive for
    javac are built once per host; `portable` ships the runtime as source instead (e.g. for Judge0)."""
    files = {HARNESS_FILE: harness_source(signature), SOURCE_FILE: source}
    sources = [SOURCE_FILE, HARNESS_FILE]
    javac_flags: list[str] = []
    classpath = "classes"
    ro_binds: tuple[str, ...] = RO_BINDS
    if portable:
        files[RUNTIME_FILE] = runtime_source()
        sources.append(RUNTIME_FILE)
    else:
        built = ensure_runtime(javac_bin)
        javac_flags = ["-cp", built.classes]
        if built.javac_archive is not None:
            javac_flags = [f"-J-XX:SharedArchiveFile={built.javac_archive}", "-J-Xlog:disable", *javac_flags]
        classpath = f"classes:{built.classes}"
        ro_binds = (*RO_BINDS, built.directory)
    return HarnessProgram(
        files=files,
        compile_argv=[javac_bin, *JAVAC_FLAGS, *javac_flags, "-d", "classes", *sources],
        run_argv=[java_bin, f"-Xmx{memory_mb}m", *JAVA_FLAGS, "-cp", classpath, HARNESS_CLASS],
        # The JVM reserves far more address space than it uses: memory is bounded by -Xmx and the cgroup.
        address_space_limit=False,
        memory_overhead_mb=192,
        compile_address_space_limit=False,
        ro_binds=ro_binds,
    )
