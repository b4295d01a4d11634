"""Each sandboxed process has device nodes of its own (judge.devices), so the times a program stamps on /dev/null,
/dev/zero, /dev/full, /dev/random and /dev/urandom, or on its stdin, are gone with it.

Every sandbox bound the host's nodes, the same inodes for every run, and anyone may set a writable file's times to
"now": a program stamping each at a moment of its choosing left five times on the host for any later run to read
(docs/judge.md, "Known gaps", until 2026-12-06), and a supervised run's stdin was the judge's own open /dev/null.
"""

from __future__ import annotations

import os
import time

import pytest

from judge.devices import DEVICES
from judge.sandbox import Sandbox, SandboxResult
from judge.sandbox_limits import Limits
from tests.judge.conftest import first_line

pytestmark = [
    pytest.mark.sandbox,
    pytest.mark.skipif(
        os.geteuid() != 0, reason="only root makes device nodes; unprivileged runs bind the host's"
    ),
]

QUICK = Limits(wall_s=5, cpu_s=3, memory_mb=128)
NAMES = tuple(DEVICES)
STAMP = (
    "import os, sys\n"
    f"names = {NAMES!r}\n"
    "if sys.argv[-1] == 'stamp':\n"
    "    for n in names:\n"
    "        os.utime('/dev/' + n)\n"
    "seen = [str(os.stat('/dev/' + n).st_mtime_ns) for n in names]\n"
    "with open('/dev/zero', 'rb') as z, open('/dev/urandom', 'rb') as r, open('/dev/null', 'wb') as n:\n"
    "    usable = len(z.read(8)) == 8 and len(r.read(8)) == 8 and n.write(b'x') == 1\n"
    "os.write(3, (' '.join(seen) + (' usable' if usable else ' unusable')).encode())\n"
)


def _run(sandbox: Sandbox, role: str) -> SandboxResult:
    with sandbox.scratch_dir() as scratch:
        (scratch / "main.py").write_text(STAMP)
        return sandbox.run(
            [sandbox.settings.python_bin, "/work/main.py", role], scratch=scratch, limits=QUICK
        )


def test_the_times_a_run_stamps_on_its_devices_are_not_there_for_a_later_run(sandbox: Sandbox) -> None:
    stamped = _run(sandbox, "stamp")
    words = stamped.results.decode().split()
    assert words[-1] == "usable", (stamped.results, stamped.stderr[-300:])
    stamps = [int(ns) for ns in words[:-1]]
    time.sleep(0.05)  # past the kernel's coarse clock tick: a later node's time differs from the stamps
    later = _run(sandbox, "look")
    words = later.results.decode().split()
    assert words[-1] == "usable", (later.results, later.stderr[-300:])
    # The later run's nodes were made at its own start: no time on them is the earlier run's stamp.
    assert all(int(ns) > max(stamps) for ns in words[:-1]), (stamps, words)


SUPERVISED_STDIN = (
    "import os\n"
    "st = os.fstat(0)\n"
    "os.utime(0)\n"
    "os.write(3, ('%d %d %d\\n' % (st.st_dev, st.st_ino, st.st_rdev)).encode())\n"
)


def test_a_supervised_programs_stdin_is_its_own_null_device_not_the_hosts(sandbox: Sandbox) -> None:
    host = os.stat("/dev/null")
    with sandbox.scratch_dir() as prog:
        (prog / "probe.py").write_text(SUPERVISED_STDIN)
        proc = sandbox.start(
            [sandbox.settings.python_bin, "-S", "/judge/probe.py"], limits=QUICK, program_dir=prog
        )
        try:
            said = first_line(proc.results).decode().split()
        finally:
            proc.finish()
    dev, ino, rdev = (int(word) for word in said)
    assert rdev == host.st_rdev, said  # /dev/null all the same
    assert (dev, ino) != (host.st_dev, host.st_ino), said
    assert os.stat("/dev/null").st_mtime_ns == host.st_mtime_ns
