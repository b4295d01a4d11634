"""Python harness generator: one interpreter loads the candidate once and runs every test (see harness_base)."""

from __future__ import annotations

from judge.bank import Signature, split_type
from judge.harness_base import EXCERPT_CHARS, INPUT_FILE, MESSAGE_CHARS, HarnessProgram

SOURCE_FILE = "solution.py"
HARNESS_FILE = "harness.py"

# Kept dependency-free and small: its start-up time is part of every Run. `{...}` fields are filled by .format().
_TEMPLATE = r'''
import json, os, signal, sys, time

FUNCTION = {function!r}
FLOAT_PARAMS = {float_params!r}
EXCERPT = {excerpt}
MESSAGE = {message}


class _Capture:
    """Stands in for sys.stdout/sys.stderr: keeps an excerpt per test and counts bytes against the cap."""

    def __init__(self):
        self.parts = []
        self.kept = 0

    def write(self, s):
        s = str(s)
        _STATE["printed"] += len(s)
        if self.kept < EXCERPT:
            self.parts.append(s[: EXCERPT - self.kept])
            self.kept += len(self.parts[-1])
        if _STATE["printed"] > _STATE["cap"]:
            _emit(_STATE["i"], False, kind="output", msg="output limit exceeded")
            os._exit(0)
        return len(s)

    def flush(self):
        pass

    def isatty(self):
        return False

    def take(self):
        text = "".join(self.parts)
        self.parts, self.kept = [], 0
        return text


_STATE = {{"i": -1, "t0": 0.0, "printed": 0, "cap": 1 << 20}}
_OUT, _ERR = _Capture(), _Capture()


def _write(line):
    data = line.encode("utf-8", "replace")
    while data:
        data = data[os.write(3, data):]


def _emit(i, ok, value=None, kind=None, msg=None):
    ms = (time.perf_counter() - _STATE["t0"]) * 1000.0
    rec = {{"i": i, "ok": ok, "ms": round(ms, 3), "out": _OUT.take(), "err": _ERR.take()}}
    if ok:
        rec["v"] = value
    else:
        rec["kind"], rec["msg"] = kind, (msg or "")[:MESSAGE]
    try:
        line = json.dumps(rec, separators=(",", ":"))
    except (TypeError, ValueError) as e:
        rec.pop("v", None)
        rec.update(ok=False, kind="value", msg=("return value is not JSON-serialisable: %s" % e)[:MESSAGE])
        line = json.dumps(rec, separators=(",", ":"))
    _write(line + "\n")


def _on_alarm(signum, frame):
    if _STATE["i"] < 0:
        msg = "top-level code took longer than the per-test time limit"
        _write(json.dumps({{"fatal": "load", "kind": "timeout", "msg": msg}}) + "\n")
    else:
        _emit(_STATE["i"], False, kind="timeout", msg="time limit exceeded")
    os._exit(0)


def _describe(e):
    where = ""
    tb = e.__traceback__
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == "solution.py":
            where = " (solution.py, line %d)" % tb.tb_lineno
        tb = tb.tb_next
    return "%s: %s%s" % (type(e).__name__, e, where)


def _floats(value, depth):
    if depth == 0:
        return float(value)
    return [_floats(v, depth - 1) for v in value]


def _find_function(ns):
    fn = ns.get(FUNCTION)
    if callable(fn):
        return fn
    cls = ns.get("Solution")
    if isinstance(cls, type):
        camel = FUNCTION.split("_")[0] + "".join(p.title() for p in FUNCTION.split("_")[1:])
        for name in (FUNCTION, camel):
            if callable(getattr(cls, name, None)):
                return getattr(cls(), name)
    return None


def main():
    start, limit_ms, cap = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
    _STATE["cap"] = cap
    with open({input_file!r}, "rb") as f:
        tests = json.load(f)
    with open({source_file!r}, encoding="utf-8") as f:
        source = f.read()
    sys.stdout, sys.stderr = _OUT, _ERR
    try:
        code = compile(source, "solution.py", "exec")
    except (SyntaxError, ValueError) as e:
        _write(json.dumps({{"fatal": "compile", "msg": _describe(e)[:MESSAGE * 2]}}) + "\n")
        return
    ns = {{"__name__": "solution", "__builtins__": __builtins__}}
    sys.setrecursionlimit(20000)
    signal.signal(signal.SIGALRM, _on_alarm)
    signal.setitimer(signal.ITIMER_REAL, limit_ms / 1000.0)
    try:
        exec(code, ns)
    except BaseException as e:
        signal.setitimer(signal.ITIMER_REAL, 0)
        _write(json.dumps({{"fatal": "load", "msg": _describe(e)[:MESSAGE]}}) + "\n")
        return
    signal.setitimer(signal.ITIMER_REAL, 0)
    fn = _find_function(ns)
    if fn is None:
        _write(json.dumps({{"fatal": "load", "msg": "solution.py does not define %s()" % FUNCTION}}) + "\n")
        return
    _OUT.take(), _ERR.take()
    limit_s = limit_ms / 1000.0
    for i in range(start, len(tests)):
        args = tests[i]
        for p, depth in FLOAT_PARAMS:
            args[p] = _floats(args[p], depth)
        _STATE["i"], _STATE["printed"] = i, 0
        signal.setitimer(signal.ITIMER_REAL, limit_s)
        _STATE["t0"] = time.perf_counter()
        try:
            value = fn(*args)
        except MemoryError:
            signal.setitimer(signal.ITIMER_REAL, 0)
            _emit(i, False, kind="memory", msg="MemoryError: memory limit exceeded")
            continue
        except BaseException as e:
            signal.setitimer(signal.ITIMER_REAL, 0)
            _emit(i, False, kind="runtime", msg=_describe(e))
            continue
        signal.setitimer(signal.ITIMER_REAL, 0)
        _emit(i, True, value=value)


main()
'''


def build(signature: Signature, source: str, python_bin: str) -> HarnessProgram:
    float_params = []
    for index, param in enumerate(signature.params):
        scalar, depth = split_type(param.type)
        if scalar == "float":
            float_params.append((index, depth))
    harness = _TEMPLATE.format(
        function=signature.function_name("python"),
        float_params=float_params,
        excerpt=EXCERPT_CHARS,
        message=MESSAGE_CHARS,
        input_file=INPUT_FILE,
        source_file=SOURCE_FILE,
    )
    return HarnessProgram(
        files={HARNESS_FILE: harness, SOURCE_FILE: source},
        # -I: ignore environment and user site; -S: skip site (saves ~6 ms); -B: never write .pyc into /work.
        run_argv=[python_bin, "-I", "-S", "-B", HARNESS_FILE],
    )
