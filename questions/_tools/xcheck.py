"""Run every question's reference (must pass all tests) and starter (must fail at least one) in Python,
JavaScript, Java and C++ with a self-contained driver, independent of the judge.

    .venv/bin/python questions/_tools/xcheck.py [--lang python,java] [--kind reference,starter] [slug ...]

The driver feeds all tests of a question to one process through a whitespace token stream
(ints as decimals, bools as 0/1, strings as "s" + hex of their UTF-8 bytes, arrays as length + items) and reads
one JSON value per line back. Comparison follows question.yaml's `compare` options.
"""

from __future__ import annotations

import argparse
import json
import math
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT.parent))

from judge.bank import Question, load_question, split_type  # noqa: E402


# ---------------------------------------------------------------------------------------------- input
def encode(value, t: str, out: list[str]) -> None:
    scalar, depth = split_type(t)
    if depth:
        out.append(str(len(value)))
        for v in value:
            encode(v, t[:-2], out)
    elif scalar in ("int", "long"):
        out.append(str(value))
    elif scalar == "float":
        out.append(repr(float(value)))
    elif scalar == "bool":
        out.append("1" if value else "0")
    else:
        out.append("s" + value.encode().hex())


def encode_tests(q: Question) -> str:
    out = [str(len(q.tests))]
    for test in q.tests:
        for p, a in zip(q.signature.params, test.args, strict=True):
            encode(a, p.type, out)
    return " ".join(out) + "\n"


# ---------------------------------------------------------------------------------------------- compare
def equal(
    a, b, tol: float, unordered: bool, unordered_nested: bool, top: bool = True, rel: bool = True
) -> bool:
    if isinstance(a, list) and isinstance(b, list):
        if len(a) != len(b):
            return False
        if (top and unordered) or (not top and unordered_nested):
            key = lambda v: json.dumps(v, sort_keys=True)  # noqa: E731
            if unordered_nested:
                a = [sorted(x, key=key) if isinstance(x, list) else x for x in a]
                b = [sorted(x, key=key) if isinstance(x, list) else x for x in b]
            a, b = sorted(a, key=key), sorted(b, key=key)
        return all(equal(x, y, tol, unordered, unordered_nested, False, rel) for x, y in zip(a, b, strict=True))
    if isinstance(a, bool) or isinstance(b, bool):
        return a is b
    if isinstance(a, float) or isinstance(b, float):
        if not isinstance(a, int | float) or not isinstance(b, int | float):
            return False
        return math.isclose(a, b, rel_tol=tol if rel else 0.0, abs_tol=tol)
    return a == b


def same(expected, actual, type_: str, c) -> bool:
    """The judge's own comparison when it is available, else the local fallback above."""
    try:
        from judge.compare import values_equal
    except ImportError:
        rel = getattr(c, "float_relative", True)
        return equal(actual, expected, c.float_tolerance, c.unordered, c.unordered_nested, True, rel)
    return values_equal(expected, actual, type_, c)


# ---------------------------------------------------------------------------------------------- drivers
PY_DRIVER = r'''
import json, sys
_toks = sys.stdin.read().split()
_pos = 0
def _tok():
    global _pos
    _pos += 1
    return _toks[_pos - 1]
def _read(t):
    if t.endswith("[]"):
        return [_read(t[:-2]) for _ in range(int(_tok()))]
    s = _tok()
    if t in ("int", "long"): return int(s)
    if t == "float": return float(s)
    if t == "bool": return s == "1"
    return bytes.fromhex(s[1:]).decode()
sys.setrecursionlimit(10000)
for _ in range(int(_tok())):
    _args = [_read(t) for t in TYPES]
    print(json.dumps(FUNC(*_args)), flush=True)
'''

JS_DRIVER = r'''
const _toks = require("fs").readFileSync(0, "utf8").split(/\s+/).filter((x) => x.length);
let _pos = 0;
function _read(t) {
  if (t.endsWith("[]")) { const n = parseInt(_toks[_pos++], 10); const a = []; for (let i = 0; i < n; i++) a.push(_read(t.slice(0, -2))); return a; }
  const s = _toks[_pos++];
  if (t === "int" || t === "long" || t === "float") return Number(s);
  if (t === "bool") return s === "1";
  return Buffer.from(s.slice(1), "hex").toString("utf8");
}
const _T = parseInt(_toks[_pos++], 10);
const _out = [];
for (let _i = 0; _i < _T; _i++) { const _args = TYPES.map(_read); _out.push(JSON.stringify(FUNC(..._args))); }
process.stdout.write(_out.join("\n") + "\n");
'''

JAVA_TYPES = {"int": "int", "long": "long", "float": "double", "bool": "boolean", "string": "String"}
CPP_TYPES = {"int": "int", "long": "long long", "float": "double", "bool": "bool", "string": "string"}


def java_type(t: str) -> str:
    s, d = split_type(t)
    return JAVA_TYPES[s] + "[]" * d


def cpp_type(t: str) -> str:
    s, d = split_type(t)
    r = CPP_TYPES[s]
    for _ in range(d):
        r = f"vector<{r}>"
    return r


def java_reader(t: str) -> str:
    """A Java expression reading a value of type t (helpers defined in the driver)."""
    s, d = split_type(t)
    name = {"int": "Int", "long": "Long", "float": "Double", "bool": "Bool", "string": "Str"}[s]
    return f"_r{name}{d}()"


JAVA_HELPERS = r'''
    static byte[] _buf; static int _p = 0;
    static String _tok() { while (_buf[_p] <= ' ') _p++; int s = _p; while (_p < _buf.length && _buf[_p] > ' ') _p++; return new String(_buf, s, _p - s); }
    static int _rInt0() { return Integer.parseInt(_tok()); }
    static long _rLong0() { return Long.parseLong(_tok()); }
    static double _rDouble0() { return Double.parseDouble(_tok()); }
    static boolean _rBool0() { return _tok().equals("1"); }
    static String _rStr0() { String h = _tok().substring(1); byte[] b = new byte[h.length() / 2]; for (int i = 0; i < b.length; i++) b[i] = (byte) Integer.parseInt(h.substring(2 * i, 2 * i + 2), 16); return new String(b, java.nio.charset.StandardCharsets.UTF_8); }
    static int[] _rInt1() { int n = _rInt0(); int[] a = new int[n]; for (int i = 0; i < n; i++) a[i] = _rInt0(); return a; }
    static long[] _rLong1() { int n = _rInt0(); long[] a = new long[n]; for (int i = 0; i < n; i++) a[i] = _rLong0(); return a; }
    static double[] _rDouble1() { int n = _rInt0(); double[] a = new double[n]; for (int i = 0; i < n; i++) a[i] = _rDouble0(); return a; }
    static boolean[] _rBool1() { int n = _rInt0(); boolean[] a = new boolean[n]; for (int i = 0; i < n; i++) a[i] = _rBool0(); return a; }
    static String[] _rStr1() { int n = _rInt0(); String[] a = new String[n]; for (int i = 0; i < n; i++) a[i] = _rStr0(); return a; }
    static int[][] _rInt2() { int n = _rInt0(); int[][] a = new int[n][]; for (int i = 0; i < n; i++) a[i] = _rInt1(); return a; }
    static long[][] _rLong2() { int n = _rInt0(); long[][] a = new long[n][]; for (int i = 0; i < n; i++) a[i] = _rLong1(); return a; }
    static String[][] _rStr2() { int n = _rInt0(); String[][] a = new String[n][]; for (int i = 0; i < n; i++) a[i] = _rStr1(); return a; }
    static void _w(StringBuilder sb, Object o) {
        if (o == null) { sb.append("null"); return; }
        if (o instanceof int[] a) { sb.append('['); for (int i = 0; i < a.length; i++) { if (i > 0) sb.append(','); sb.append(a[i]); } sb.append(']'); return; }
        if (o instanceof long[] a) { sb.append('['); for (int i = 0; i < a.length; i++) { if (i > 0) sb.append(','); sb.append(a[i]); } sb.append(']'); return; }
        if (o instanceof double[] a) { sb.append('['); for (int i = 0; i < a.length; i++) { if (i > 0) sb.append(','); sb.append(a[i]); } sb.append(']'); return; }
        if (o instanceof boolean[] a) { sb.append('['); for (int i = 0; i < a.length; i++) { if (i > 0) sb.append(','); sb.append(a[i]); } sb.append(']'); return; }
        if (o instanceof Object[] a) { sb.append('['); for (int i = 0; i < a.length; i++) { if (i > 0) sb.append(','); _w(sb, a[i]); } sb.append(']'); return; }
        if (o instanceof String s) { sb.append('"'); for (char c : s.toCharArray()) { if (c == '"' || c == '\\') sb.append('\\'); sb.append(c); } sb.append('"'); return; }
        sb.append(o);
    }
'''

CPP_HELPERS = r'''
static string _tok() { string s; cin >> s; return s; }
template <class T> static void _rd(T& x);
static void _rd(int& x) { x = stoi(_tok()); }
static void _rd(long long& x) { x = stoll(_tok()); }
static void _rd(double& x) { x = stod(_tok()); }
static void _rd(bool& x) { x = _tok() == "1"; }
static void _rd(string& x) { string h = _tok().substr(1); x.clear(); for (size_t i = 0; i + 1 < h.size(); i += 2) x.push_back((char)stoi(h.substr(i, 2), nullptr, 16)); }
template <class T> static void _rd(vector<T>& v) { int n; _rd(n); v.assign(n, T()); for (auto& e : v) _rd(e); }
static void _wr(ostream& o, int x) { o << x; }
static void _wr(ostream& o, long long x) { o << x; }
static void _wr(ostream& o, double x) { char b[64]; snprintf(b, sizeof b, "%.17g", x); o << b; }
static void _wr(ostream& o, bool x) { o << (x ? "true" : "false"); }
static void _wr(ostream& o, const string& s) { o << '"'; for (char c : s) { if (c == '"' || c == '\\') o << '\\'; o << c; } o << '"'; }
template <class T> static void _wr(ostream& o, const vector<T>& v) { o << '['; for (size_t i = 0; i < v.size(); i++) { if (i) o << ','; _wr(o, (T)v[i]); } o << ']'; }
'''


def build(lang: str, q: Question, code: str, work: Path) -> list[str]:
    sig = q.signature
    types = [p.type for p in sig.params]
    name = sig.function_name(lang)
    if lang == "python":
        src = code + "\n\nTYPES = " + repr(types) + "\nFUNC = " + name + "\n" + PY_DRIVER
        (work / "main.py").write_text(src)
        return [sys.executable, str(work / "main.py")]
    if lang == "javascript":
        src = code + "\n\nconst TYPES = " + json.dumps(types) + ";\nconst FUNC = " + name + ";\n" + JS_DRIVER
        (work / "main.js").write_text(src)
        return ["node", "--stack-size=65500", str(work / "main.js")]
    if lang == "java":
        decls = "".join(f"            {java_type(p.type)} a{i} = {java_reader(p.type)};\n" for i, p in enumerate(sig.params))
        call = ", ".join(f"a{i}" for i in range(len(sig.params)))
        src = code + "\n\npublic class Main {\n" + JAVA_HELPERS + (
            "    public static void main(String[] args) throws Exception {\n"
            "        _buf = System.in.readAllBytes();\n"
            "        int T = _rInt0();\n"
            "        StringBuilder sb = new StringBuilder();\n"
            "        for (int t = 0; t < T; t++) {\n" + decls +
            f"            Object r = new Solution().{name}({call});\n"
            "            _w(sb, r); sb.append('\\n');\n"
            "        }\n"
            "        System.out.print(sb);\n"
            "    }\n}\n")
        (work / "Main.java").write_text(src)
        subprocess.run(["javac", "-d", str(work), str(work / "Main.java")], check=True, capture_output=True, text=True)
        return ["java", "-Xss256m", "-cp", str(work), "Main"]
    if lang == "cpp":
        decls = "".join(f"        {cpp_type(p.type)} a{i}; _rd(a{i});\n" for i, p in enumerate(sig.params))
        call = ", ".join(f"a{i}" for i in range(len(sig.params)))
        src = code + "\n" + CPP_HELPERS + (
            "int main() {\n    ios::sync_with_stdio(false); cin.tie(nullptr);\n"
            "    int T; _rd(T);\n    for (int t = 0; t < T; t++) {\n" + decls +
            f"        Solution s; auto r = s.{name}({call});\n"
            "        _wr(cout, r); cout << '\\n';\n    }\n}\n")
        (work / "main.cpp").write_text(src)
        subprocess.run(["g++", "-std=c++17", "-O2", "-o", str(work / "main"), str(work / "main.cpp")],
                       check=True, capture_output=True, text=True)
        return [str(work / "main")]
    raise ValueError(lang)


def run(q: Question, lang: str, kind: str, code: str, timeout: float = 300) -> tuple[int, list[str], float]:
    """(number of passing tests, ids of failing tests, seconds)"""
    work = Path(tempfile.mkdtemp(prefix=f"xcheck-{q.slug}-{lang}-"))
    try:
        try:
            cmd = build(lang, q, code, work)
        except subprocess.CalledProcessError as e:
            return 0, [f"COMPILE ERROR: {e.stderr[:2000]}"], 0.0
        t0 = time.monotonic()
        try:
            p = subprocess.run(cmd, input=encode_tests(q), capture_output=True, text=True, timeout=timeout)
            stdout, returncode, stderr = p.stdout, p.returncode, p.stderr
        except subprocess.TimeoutExpired as e:  # the tests after the last printed line count as failed
            out = e.stdout or b""
            stdout = out.decode() if isinstance(out, bytes) else out
            returncode, stderr = -9, f"timed out after {timeout}s"
        dt = time.monotonic() - t0
        lines = stdout.splitlines()
        c = q.meta.compare
        passed, failed = 0, []
        for i, test in enumerate(q.tests):
            ok = False
            if i < len(lines):
                try:
                    ok = same(test.expected, json.loads(lines[i]), q.signature.returns, c)
                except json.JSONDecodeError:
                    ok = False
            if ok:
                passed += 1
            else:
                failed.append(test.id)
        if returncode != 0 and kind == "reference":
            failed.append(f"exit {returncode}: {stderr[-1500:]}")
        return passed, failed, dt
    finally:
        shutil.rmtree(work, ignore_errors=True)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("slugs", nargs="*")
    ap.add_argument("--lang", default="python,javascript,java,cpp")
    ap.add_argument("--kind", default="reference,starter")
    a = ap.parse_args()
    slugs = a.slugs or [d.name for d in sorted(ROOT.iterdir()) if d.is_dir() and not d.name.startswith(("_", "."))]
    bad = 0
    for slug in slugs:
        q = load_question(ROOT / slug)
        for lang in a.lang.split(","):
            for kind in a.kind.split(","):
                code = (q.references if kind == "reference" else q.starters)[lang]
                passed, failed, dt = run(q, lang, kind, code)
                ok = (not failed) if kind == "reference" else bool(failed)
                bad += not ok
                detail = "" if ok and kind == "reference" else f" failing: {failed[:6]}"
                print(f"{'OK  ' if ok else 'FAIL'} {slug:28} {lang:10} {kind:9} {passed}/{len(q.tests)} passed "
                      f"in {dt:.2f}s{detail}", flush=True)
    print("all good" if not bad else f"{bad} problem(s)")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
