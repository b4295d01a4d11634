"""The official judge0/judge0:1.13.1 image, as far as FakeJudge0 needs it: its toolchain paths, the versions it
claims, and isolate's box (`/box`, Judge0's per-submission limits).

The runtimes at the image's paths are shims over this host's toolchains that refuse what the image's would:
- Python 3.8.1: every script it runs, and every source compiled through `compile()`, must parse with
  `ast.parse(..., feature_version=(3, 8))`; code that would evaluate PEP 585/604 annotations (`list[int]`,
  `int | None`) at definition time fails there with the TypeError Python 3.8 raises, unless it was compiled with
  `from __future__ import annotations`.
- Node 12.14: the script it runs, and code compiled through `vm.Script`, must parse as ECMAScript 2019 (no
  optional chaining, no `??`), else it is the SyntaxError Node 12 would throw.
- OpenJDK 13: javac compiles with `--release 13`.
- GCC 9.2: g++ must be asked for C++17 or older.
Boxes run under bubblewrap with the host's root visible (a stand-in, not a security boundary: tests only send
their own code), the shims bound over a private /usr/local, the box's own /proc (as isolate mounts it: a pid from
the box's namespace names the same process there), and Judge0's limits applied.
"""

from __future__ import annotations

import contextlib
import os
import resource
import signal
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from judge.cgroups import RunCgroup, detect_parents

PY38 = r'''
import __future__, ast, builtins, runpy, sys

NEW_GENERICS = {"list", "dict", "set", "frozenset", "tuple", "type"}


def _evaluates_new_annotations(tree):
    """Annotations Python 3.8 evaluates at definition time that it cannot evaluate (PEP 585 / PEP 604)."""
    def bad(node):
        for sub in ast.walk(node):
            if isinstance(sub, ast.Subscript) and isinstance(sub.value, ast.Name) and sub.value.id in NEW_GENERICS:
                return True
            if isinstance(sub, ast.BinOp) and isinstance(sub.op, ast.BitOr):
                return True
        return False

    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            a = node.args
            annotated = [x.annotation for x in a.posonlyargs + a.args + a.kwonlyargs if x.annotation]
            annotated += [x.annotation for x in (a.vararg, a.kwarg) if x is not None and x.annotation]
            if node.returns is not None:
                annotated.append(node.returns)
            if any(bad(x) for x in annotated):
                return True
    return False


def _postponed(tree):
    return any(isinstance(n, ast.ImportFrom) and n.module == "__future__" and
               any(a.name == "annotations" for a in n.names) for n in tree.body)


_real_compile = builtins.compile


def _parse38(source, filename):
    return _real_compile(source, filename, "exec", ast.PyCF_ONLY_AST, _feature_version=8)


def compile(source, filename, mode, flags=0, dont_inherit=False, optimize=-1, **kw):
    if isinstance(source, (str, bytes)) and mode == "exec" and not flags & ast.PyCF_ONLY_AST:
        tree = _parse38(source, filename)
        postponed = flags & __future__.annotations.compiler_flag or _postponed(tree)
        if not postponed and _evaluates_new_annotations(tree):
            source = "raise TypeError(\"'type' object is not subscriptable\")\n"
    return _real_compile(source, filename, mode, flags, dont_inherit, optimize, **kw)


builtins.compile = compile
args = [a for a in sys.argv[1:]]
while args and args[0].startswith("-"):
    args.pop(0)  # -I -S -B and friends
script = args[0]
with open(script, encoding="utf-8") as f:
    main_source = f.read()
try:
    main_tree = _parse38(main_source, script)
except SyntaxError as e:
    print("SyntaxError (Python 3.8): %s" % e, file=sys.stderr)
    sys.exit(1)
if not _postponed(main_tree) and _evaluates_new_annotations(main_tree):
    print("TypeError: 'type' object is not subscriptable (Python 3.8)", file=sys.stderr)
    sys.exit(1)
sys.argv = args
sys.path[0:0] = []
runpy.run_path(script, run_name="__main__")
'''

NODE12 = r"""
// Preloaded into every node the box runs: the main script, and any code compiled through vm.Script, must parse as
// ECMAScript 2019 (Node 12.14's language), else they fail as Node 12 would: with a SyntaxError.
const acorn = require('internal/deps/acorn/acorn/dist/acorn');
const fs = require('fs');
const vm = require('vm');
const options = { ecmaVersion: 2019, allowHashBang: true, allowReturnOutsideFunction: true };
function check(code, where) {
  try {
    acorn.parse(code, options);
  } catch (e) {
    const err = new SyntaxError(e.message + ' (Node 12.14)');
    err.stack = where + ': SyntaxError: ' + err.message;
    throw err;
  }
}
const main = process.argv[1];
if (main) {
  try { check(fs.readFileSync(main, 'utf8'), main); } catch (e) { console.error(e.stack); process.exit(1); }
}
const RealScript = vm.Script;
vm.Script = function Script(code, opts) {
  check(String(code), (opts && opts.filename) || 'evalmachine');
  return new RealScript(code, opts);
};
"""

SHIMS = {
    "python-3.8.1/bin/python3": '#!/bin/bash\nexec /usr/bin/python3 -I -S -B /usr/local/shadows-fake/py38.py "$@"\n',
    "node-12.14.0/bin/node": (
        '#!/bin/bash\nexec /usr/bin/node --expose-internals -r /usr/local/shadows-fake/node12.js "$@"\n'
    ),
    "openjdk13/bin/javac": '#!/bin/bash\nexec /usr/bin/javac --release 13 "$@"\n',
    "openjdk13/bin/java": '#!/bin/bash\nexec /usr/bin/java "$@"\n',
    "gcc-9.2.0/bin/g++": (
        "#!/bin/bash\n"
        'for a in "$@"; do case "$a" in -std=c++2*|-std=gnu++2*)\n'
        '  echo "g++ 9.2: unsupported $a" >&2; exit 1;; esac; done\n'
        'exec /usr/bin/g++ "$@"\n'
    ),
    "shadows-fake/py38.py": PY38,
    "shadows-fake/node12.js": NODE12,
}


def install_image(root: Path) -> Path:
    """Write the image's /usr/local into `root` (bound over /usr/local in every box)."""
    for rel, text in SHIMS.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
        path.chmod(0o755)
    return root


@dataclass(frozen=True)
class BoxLimits:
    """isolate's limits for one step (Judge0's `--cg` mode: CPU and memory are totals for the box)."""

    cpu_s: float
    wall_s: float
    memory_kb: int
    stack_kb: int
    processes: int
    file_size_kb: int


@dataclass(frozen=True)
class BoxResult:
    exit_code: int | None
    signal: int | None
    stdout: bytes
    stderr: bytes
    timed_out: bool
    seconds: float  # wall time
    cpu_s: float | None = None  # CPU time of every process of the box (its cgroup's); None without a cgroup


def run_in_box(
    box: Path,
    image: Path,
    script: str,
    limits: BoxLimits,
    *,
    merge_stderr: bool = False,
    stdin: bytes = b"",
) -> BoxResult:
    """`bash <script>` in the box (at /box), with the image's /usr/local and Judge0's limits; `stdin` read from a
    file outside the box, as Judge0's run step reads the submission's."""
    cmd = [
        "bwrap", "--dev-bind", "/", "/", "--proc", "/proc", "--bind", str(image), "/usr/local",
        "--bind", str(box), "/box", "--chdir", "/box", "--die-with-parent", "--unshare-pid",
        "--", "/bin/bash", script,
    ]  # fmt: skip
    cgroup = None
    parents = detect_parents() if os.geteuid() == 0 else None
    if parents is not None and parents.available:
        cgroup = RunCgroup(parents, memory_bytes=limits.memory_kb * 1024, pids_max=limits.processes)

    def preexec() -> None:
        os.setsid()
        if cgroup is not None:
            cgroup.join_self()
        resource.setrlimit(resource.RLIMIT_STACK, (limits.stack_kb * 1024, resource.RLIM_INFINITY))
        resource.setrlimit(resource.RLIMIT_FSIZE, (limits.file_size_kb * 1024, limits.file_size_kb * 1024))

    t0 = time.monotonic()
    # Like isolate, stdout and stderr are files the box writes (Judge0 redirects them to files): RLIMIT_FSIZE, the
    # submission's max_file_size, bounds them too.
    with tempfile.TemporaryDirectory(prefix="box-output-") as out_dir:
        out_path, err_path = Path(out_dir) / "stdout", Path(out_dir) / "stderr"
        in_path = Path(out_dir) / "stdin"
        in_path.write_bytes(stdin)
        with out_path.open("wb") as out, err_path.open("wb") as err, in_path.open("rb") as given:
            proc = subprocess.Popen(
                cmd,
                stdin=given,
                stdout=out,
                stderr=subprocess.STDOUT if merge_stderr else err,
                preexec_fn=preexec,
            )
        timed_out = False
        cpu_s = None
        try:
            while True:
                try:
                    proc.wait(timeout=0.05)
                    break
                except subprocess.TimeoutExpired:
                    cpu = cgroup.cpu_seconds() if cgroup is not None else None
                    if time.monotonic() - t0 > limits.wall_s or (cpu is not None and cpu > limits.cpu_s):
                        timed_out = True
                        _kill(proc, cgroup)
        finally:
            _kill(proc, cgroup)
            if cgroup is not None:
                cpu_s = cgroup.cpu_seconds()
                cgroup.remove()
        stdout, stderr = out_path.read_bytes(), err_path.read_bytes()
    code = proc.returncode
    return BoxResult(
        exit_code=code if code >= 0 else None,
        signal=-code if code < 0 else (code - 128 if code > 128 else None),
        stdout=stdout or b"",
        stderr=stderr or b"",
        timed_out=timed_out,
        seconds=time.monotonic() - t0,
        cpu_s=cpu_s,
    )


def _kill(proc: subprocess.Popen[bytes], cgroup: RunCgroup | None) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, signal.SIGKILL)
    if cgroup is not None:
        cgroup.kill_all()
