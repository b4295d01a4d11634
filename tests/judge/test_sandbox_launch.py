"""How a sandboxed process is started (judge.bwrap.launch_argv): everything set between fork and exec reaches the
program, a step that fails stops the program from running, and starting one does not copy the judge's memory."""

from __future__ import annotations

import os
import resource
import statistics
import time
from pathlib import Path

import pytest

from judge import sandbox as sandbox_module
from judge.bwrap import CORE_LIMIT, OOM_SCORE_ADJ, STACK_BYTES
from judge.cgroups import RunCgroup
from judge.sandbox import Sandbox
from judge.sandbox_limits import Limits
from tests.judge.conftest import run_source

pytestmark = pytest.mark.sandbox

_REPORT = """
import os, resource
names = ('CPU', 'AS', 'FSIZE', 'NOFILE', 'CORE', 'NPROC', 'MEMLOCK', 'RTPRIO', 'NICE', 'STACK')
for name in names:
    print(name, *resource.getrlimit(getattr(resource, 'RLIMIT_' + name)))
print('ids', *os.getresuid(), *os.getresgid())
print('groups', *os.getgroups())
print('personality', int(open('/proc/self/personality').read(), 16))
print('oom', open('/proc/self/oom_score_adj').read().strip())
print('sid', os.getsid(0) == os.getpgid(0))
fds = sorted(int(fd) for fd in os.listdir('/proc/self/fd') if os.path.exists(f'/proc/self/fd/{fd}'))
print('fds', *fds)
print('owners', *(os.fstat(fd).st_uid for fd in (0, 1, 2, 3)))
"""


def test_a_program_starts_with_every_limit_identity_and_only_its_own_fds(
    sandbox: Sandbox, scratch: Path
) -> None:
    # A descriptor of the judge's that a child would inherit: it must not reach the program.
    leak = os.open("/dev/null", os.O_RDONLY)
    os.set_inheritable(leak, True)
    limits = Limits(cpu_s=3, memory_mb=200, file_size_bytes=5_000_001, open_files=50, processes=40)
    try:
        result = run_source(sandbox, scratch, "python", _REPORT, limits=limits, stdin=b"input")
    finally:
        os.close(leak)
    assert result.exit_code == 0 and result.started is True, result.stderr.decode(errors="replace")
    seen = {line.split()[0]: line.split()[1:] for line in result.stdout.decode().splitlines()}
    stack_hard = resource.getrlimit(resource.RLIMIT_STACK)[1]
    expected = {
        "CPU": [3, 4],
        "AS": [200 << 20, 200 << 20],
        "FSIZE": [5_000_001, 5_000_001],  # to the byte
        "NOFILE": [50, 50],
        "CORE": [CORE_LIMIT, CORE_LIMIT],
        "NPROC": [40, 40],
        "MEMLOCK": [0, 0],
        "RTPRIO": [0, 0],
        "NICE": [0, 0],
        "STACK": [min(STACK_BYTES, stack_hard) if stack_hard >= 0 else STACK_BYTES, stack_hard],
    }
    for name, values in expected.items():
        assert [int(v) for v in seen[name]] == values, name
    assert [int(v) for v in seen["ids"]] == [sandbox.uid] * 3 + [sandbox.gid] * 3
    assert seen["groups"] == []  # no supplementary group of root's
    assert int(seen["personality"][0]) & 0x0040000  # ADDR_NO_RANDOMIZE
    assert seen["oom"] == [OOM_SCORE_ADJ]
    assert seen["sid"] == ["True"]
    assert seen["fds"] == ["0", "1", "2", "3"]
    # Its stdin, stdout, stderr and results pipes were handed to its uid (reopening /proc/self/fd/N works).
    assert seen["owners"] == [str(sandbox.uid)] * 4


def test_a_run_whose_cgroup_cannot_be_joined_never_starts_the_program(
    sandbox: Sandbox, scratch: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    if not sandbox.cgroups_available:
        pytest.fail("cgroup v1 is expected on this host (root on a hybrid-v1 machine)")

    class UnjoinableCgroup(RunCgroup):
        def __init__(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
            super().__init__(*args, **kwargs)
            self.tasks_files = [*self.tasks_files, str(scratch / "missing" / "tasks")]

    monkeypatch.setattr(sandbox_module, "RunCgroup", UnjoinableCgroup)
    (scratch / "ran").unlink(missing_ok=True)
    result = sandbox.run(
        ["/usr/bin/python3", "-c", "open('/work/ran', 'w').write('yes')"], scratch=scratch, limits=Limits()
    )
    # bwrap never said the program ended: the judge's failure, not the program's.
    assert result.started is False
    assert result.exit_code == 125
    assert not (scratch / "ran").exists()


def _start_ms(sandbox: Sandbox) -> float:
    """The median time to start a sandboxed process (until the judge holds it), over 5 starts."""
    times = []
    for _ in range(5):
        begin = time.perf_counter()
        proc = sandbox.start(["/bin/true"], limits=Limits(), program_dir=None)
        times.append(time.perf_counter() - begin)
        proc.finish()
    return statistics.median(times) * 1000


def test_starting_a_sandboxed_process_does_not_copy_the_judges_memory(sandbox: Sandbox) -> None:
    # A fork copies the parent's page tables (and a Python hook between fork and exec touches its pages): with 1 GiB
    # more in the judge, each start took 150-280 ms longer on a loaded 2-core host. vfork shares them: no longer.
    _start_ms(sandbox)  # warm
    lean = _start_ms(sandbox)
    ballast = bytearray(b"\x01") * (1 << 30)  # written, so every page is mapped
    try:
        heavy = _start_ms(sandbox)
    finally:
        del ballast
    assert heavy - lean < 40, (lean, heavy)
