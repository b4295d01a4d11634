"""Python harness generator: one interpreter loads the candidate once and runs every test (see judge.protocol)."""

from __future__ import annotations

from judge.bank import Signature, split_type
from judge.harness_base import MESSAGE_CHARS, PROGRAM_DIR, HarnessProgram

SOURCE_FILE = "solution.py"
HARNESS_FILE = "harness.py"

# Kept dependency-free and small: its start-up time is part of every Run. Runs on Python 3.8 (Judge0's image) too.
# `{...}` fields are filled by .format().
_TEMPLATE = r"""
import __future__, _json, fcntl, os, sys

FUNCTION = {function!r}
FLOAT_PARAMS = {float_params!r}
MESSAGE = {message}
SOURCE = {source_path!r}


# JSON through the C codec that the json package wraps (the same scanner and encoder json.loads and json.dumps
# use): importing json itself pulls in re and enum, a third of the interpreter's start-up.
class _Decoding:
    strict = True
    object_hook = object_pairs_hook = None
    parse_float, parse_int = float, int
    parse_constant = {{"NaN": float("nan"), "Infinity": float("inf"), "-Infinity": float("-inf")}}.__getitem__


_SCAN = _json.make_scanner(_Decoding)


def _loads(data):
    return _SCAN(data.decode("utf-8"), 0)[0]


def _unencodable(o):
    raise TypeError("Object of type %s is not JSON serializable" % type(o).__name__)


def _dumps(value):
    # json.dumps(value, separators=(",", ":")), with a fresh encoder (and circular-reference markers) each time.
    encode = _json.make_encoder(
        {{}}, _unencodable, _json.encode_basestring_ascii, None, ":", ",", False, False, True
    )
    return "".join(encode(value, 0))


# Private copies of the input pipe (fd 4) and the results channel (fd 3), not inherited by anything the code
# starts. The candidate's own stdin is /dev/null.
_IN = os.fdopen(fcntl.fcntl(4, fcntl.F_DUPFD_CLOEXEC, 10), "rb")
_RES = fcntl.fcntl(3, fcntl.F_DUPFD_CLOEXEC, 10)
os.close(3)
os.close(4)


def _send(rec):
    data = ((rec if isinstance(rec, str) else _dumps(rec)) + "\n").encode("utf-8", "replace")
    while data:
        data = data[os.write(_RES, data):]


def _flush():
    for stream in (sys.stdout, sys.stderr, sys.__stdout__, sys.__stderr__):
        try:
            stream.flush()
        except BaseException:
            pass


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


def _result(nonce, fn, args):
    try:
        value = fn(*args)
    except MemoryError:
        return {{"n": nonce, "ok": False, "kind": "memory", "msg": "MemoryError: memory limit exceeded"}}
    except BaseException as e:
        return {{"n": nonce, "ok": False, "kind": "runtime", "msg": _describe(e)[:MESSAGE]}}
    try:
        return _dumps({{"n": nonce, "ok": True, "v": value}})  # encoded once, here, where a failure is caught
    except (TypeError, ValueError) as e:
        msg = ("return value is not JSON-serialisable: %s" % e)[:MESSAGE]
        return {{"n": nonce, "ok": False, "kind": "value", "msg": msg}}
    except RecursionError:
        return {{"n": nonce, "ok": False, "kind": "value", "msg": "return value is nested too deeply"}}


def main():
    _send({{"s": "hello"}})
    with open(SOURCE, encoding="utf-8") as f:
        source = f.read()
    try:
        # Annotations stay unevaluated (PEP 563), so `list[int]` and `int | None` load on Python 3.8 too.
        code = compile(source, "solution.py", "exec", __future__.annotations.compiler_flag, True)
    except (SyntaxError, ValueError, RecursionError, MemoryError) as e:
        # Nested too deeply to compile: a RecursionError (`1+1+...`) or the parser's MemoryError (`----...1`).
        _send({{"fatal": "compile", "msg": _describe(e)[: MESSAGE * 2]}})
        return
    ns = {{"__name__": "solution", "__builtins__": __builtins__}}
    sys.setrecursionlimit(20000)
    try:
        exec(code, ns)
    except BaseException as e:
        _send({{"fatal": "load", "msg": _describe(e)[:MESSAGE]}})
        return
    fn = _find_function(ns)
    if fn is None:
        _send({{"fatal": "load", "msg": "solution.py does not define %s()" % FUNCTION}})
        return
    _flush()
    _send({{"s": "ready"}})
    while True:
        header = _IN.readline(64)
        if not header:
            os._exit(0)
        nonce, size = header.split()
        args = _loads(_IN.read(int(size)))
        for p, depth in FLOAT_PARAMS:
            args[p] = _floats(args[p], depth)
        rec = _result(nonce.decode(), fn, args)
        _flush()
        _send(rec)


main()
os._exit(0)
"""


def build(
    signature: Signature,
    source: str,
    python_bin: str,
    program_dir: str = PROGRAM_DIR,
    *,
    portable: bool = False,
) -> HarnessProgram:
    float_params = []
    for index, param in enumerate(signature.params):
        scalar, depth = split_type(param.type)
        if scalar == "float":
            float_params.append((index, depth))
    harness = _TEMPLATE.format(
        function=signature.function_name("python"),
        float_params=float_params,
        message=MESSAGE_CHARS,
        source_path=f"{program_dir}/{SOURCE_FILE}",
    )
    if portable:  # Judge0's Python 3.8 has no -P
        # -I: ignore environment and user site, and leave the script's directory off sys.path.
        flags, env = ["-I"], {}
    else:
        # -I without -E, so that the hash seed is read: -s no user site, -P the script's directory off sys.path. The
        # sandbox's environment is the judge's alone (bwrap --clearenv). CPython salts str and bytes hashes per process
        # unless told a seed: the order of a set of strings, and whatever a solution builds from it, changed from one
        # run (or process) to the next, and so could a verdict on a rerun or a regrade.
        flags, env = ["-s", "-P"], {"PYTHONHASHSEED": "0"}
    return HarnessProgram(
        language="python",
        files={HARNESS_FILE: harness, SOURCE_FILE: source},
        # -S: skip site (saves ~6 ms); -B: never write .pyc.
        run_argv=[python_bin, *flags, "-S", "-B", f"{program_dir}/{HARNESS_FILE}"],
        run_env=env,
    )
