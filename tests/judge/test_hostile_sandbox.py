"""Hostile programs run straight in the Sandbox: contained, host untouched, no process left behind."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path

import pytest

from judge.sandbox import Sandbox, SandboxResult
from judge.sandbox_limits import Limits
from judge.settings import JudgeSettings
from tests.judge.conftest import (
    Listener,
    descendants,
    first_line,
    process_table,
    run_source,
    wait_no_strays,
)

pytestmark = pytest.mark.sandbox

QUICK = Limits(wall_s=3, cpu_s=2, memory_mb=128)


def assert_serves_next(sandbox: Sandbox) -> None:
    with sandbox.scratch_dir() as scratch:
        result = run_source(sandbox, scratch, "python", "import os\nprint('next')\nos.write(3, b'ok')\n")
    assert (result.exit_code, result.stdout, result.results) == (0, b"next\n", b"ok")


def contained(result: SandboxResult) -> bool:
    """The run ended by a limit or an error, not by quietly finishing its attack."""
    return (
        result.timed_out
        or result.cpu_exceeded
        or result.memory_exceeded
        or result.output_exceeded
        or result.exit_code != 0
    )


FORK_BOMBS = {
    "python": "import os\nwhile True:\n    try: os.fork()\n    except OSError: pass\n",
    "cpp": "#include <unistd.h>\nint main(){ for(;;) fork(); }\n",
    "javascript": (
        "const cp = require('child_process');\n"
        "for (;;) { try { cp.spawn(process.execPath, ['-e', 'setInterval(()=>{}, 1000)']); } catch (e) {} }\n"
    ),
}


@pytest.mark.parametrize("language", sorted(FORK_BOMBS))
def test_fork_bomb_is_contained_and_leaves_no_process(sandbox, scratch, language, no_strays):
    result = run_source(sandbox, scratch, language, FORK_BOMBS[language], limits=QUICK)
    assert contained(result)
    assert result.wall_s < QUICK.wall_s + 10  # ended by the deadline, not hung in teardown
    assert_serves_next(sandbox)


def test_shell_fork_bomb_is_contained(sandbox, scratch, no_strays):
    # The shell stays alive past the deadline while the bomb grows into the process limit.
    result = sandbox.run(["/bin/bash", "-c", ":(){ :|:& };:; sleep 30"], scratch=scratch, limits=QUICK)
    assert result.timed_out
    assert result.wall_s < QUICK.wall_s + 10  # ended by the deadline, not hung in teardown
    assert_serves_next(sandbox)


def test_thread_bomb_is_contained(sandbox, scratch, no_strays):
    src = (
        "import threading, time\n"
        "n = 0\n"
        "try:\n"
        "    while True:\n"
        "        threading.Thread(target=time.sleep, args=(60,), daemon=True).start(); n += 1\n"
        "except RuntimeError: print('stopped at', n, flush=True)\n"
        "time.sleep(60)\n"
    )
    result = run_source(sandbox, scratch, "python", src, limits=QUICK)
    assert result.timed_out
    assert result.stdout.startswith(b"stopped at")
    assert int(result.stdout.split()[-1]) < QUICK.processes
    assert_serves_next(sandbox)


def test_cpp_memory_bomb_is_stopped(sandbox, scratch, no_strays):
    src = (
        "#include <vector>\n#include <cstring>\n"
        "int main(){ std::vector<char*> v;\n"
        "  for(;;){ char* p = new char[1<<24]; memset(p, 1, 1<<24); v.push_back(p); } }\n"
    )
    result = run_source(sandbox, scratch, "cpp", src, limits=QUICK)
    detail = (result.exit_code, result.signal, result.timed_out, result.cpu_s, result.stderr[-200:])
    assert result.exit_code != 0, detail
    assert result.memory_exceeded or b"bad_alloc" in result.stderr, detail
    assert_serves_next(sandbox)


def test_hundred_megabytes_of_output_is_cut_off_at_the_cap(sandbox, scratch, no_strays):
    src = (
        "#include <cstdio>\n#include <cstring>\n"
        "int main(){ static char b[1<<20]; memset(b, 'x', sizeof b);\n"
        "  for(int i=0;i<100;i++) fwrite(b,1,sizeof b,stdout); }\n"
    )
    result = run_source(sandbox, scratch, "cpp", src, limits=Limits(output_bytes=1 << 20, wall_s=10))
    assert result.output_exceeded
    assert len(result.stdout) + len(result.stderr) <= 1 << 20
    assert not result.timed_out  # cut off at the cap, long before the 10 s deadline
    assert_serves_next(sandbox)


def test_results_channel_flood_is_capped(sandbox, scratch, no_strays):
    src = "import os\nwhile True: os.write(3, b'{\"id\":1}' * 8192)\n"
    result = run_source(sandbox, scratch, "python", src, limits=Limits(output_bytes=1 << 20, wall_s=10))
    assert result.output_exceeded
    assert len(result.results) <= 16 << 20
    assert_serves_next(sandbox)


def test_daemon_with_double_fork_and_setsid_dies_with_the_run(sandbox, scratch, judge_settings, no_strays):
    src = (
        "import os, sys, time\n"
        "if os.fork() == 0:\n"
        "    os.setsid()\n"
        "    if os.fork() == 0:\n"
        "        for fd in (0, 1, 2, 3): os.close(fd)\n"
        "        time.sleep(1.5)\n"
        "        open('/work/daemon-was-here', 'w').write('alive')\n"
        "        time.sleep(60)\n"
        "    os._exit(0)\n"
        "print('parent done')\n"
    )
    bystanders = frozenset(p.pid for p in descendants(os.getpid(), process_table()))  # as `no_strays` allows
    result = run_source(sandbox, scratch, "python", src, limits=QUICK)
    assert result.stdout == b"parent done\n"
    assert not result.timed_out  # the run does not wait for the daemon...
    # ...and the daemon is gone with the namespace: once no sandboxed process is left, nothing can write the file
    # later (a daemon that lived past its 1.5 s sleep has written it by the time it is gone).
    assert wait_no_strays(judge_settings, allowed=bystanders) == []
    assert not (scratch / "daemon-was-here").exists()


def test_killing_its_parent_and_everything_visible_ends_only_the_sandbox(sandbox, scratch, no_strays):
    victim = subprocess.Popen(["/bin/sleep", "30"])  # a host process the sandbox must not reach
    try:
        src = (
            "import os, signal\n"
            f"try: os.kill({victim.pid}, signal.SIGKILL); print('victim killed')\n"
            "except OSError as e: print('victim unreachable', e.errno)\n"
            "os.kill(os.getppid(), signal.SIGKILL)\n"
            "os.kill(-1, signal.SIGKILL)\n"
        )
        result = run_source(sandbox, scratch, "python", src, limits=QUICK)
        assert b"victim unreachable" in result.stdout
        assert victim.poll() is None
    finally:
        victim.kill()
        victim.wait()
    assert_serves_next(sandbox)


def test_file_descriptor_exhaustion_is_bounded(sandbox, scratch, no_strays):
    src = (
        "import os\nfds = []\n"
        "try:\n"
        "    while True: fds.append(os.open('/dev/null', os.O_RDONLY))\n"
        "except OSError as e: print(len(fds), e.errno)\n"
    )
    result = run_source(sandbox, scratch, "python", src, limits=Limits(open_files=32))
    count, err = result.stdout.split()
    assert int(count) < 32 and int(err) == 24  # EMFILE
    assert_serves_next(sandbox)


def test_host_secrets_are_not_readable(sandbox, scratch, host_canary, monkeypatch):
    canary_path, canary = host_canary
    monkeypatch.setenv("SHADOWS_TEST_CANARY", canary)
    targets = [
        str(canary_path),
        "/etc/shadow",
        "/etc/passwd",
        "/root/.bash_history",
        str(Path.cwd() / ".env"),
        "/proc/1/environ",
        "/proc/self/environ",
        f"/proc/{os.getpid()}/environ",
    ]
    src = (
        "import os\n"
        f"for p in {targets!r}:\n"
        "    try: print(p, open(p, 'rb').read()[:4000])\n"
        "    except OSError as e: print(p, 'refused', e.errno)\n"
        "print(os.getppid(), open(f'/proc/{os.getppid()}/environ', 'rb').read())\n"
    )
    result = run_source(sandbox, scratch, "python", src)
    out = result.stdout + result.stderr
    assert canary.encode() not in out
    for path in targets[:5]:
        assert f"{path} refused".encode() in out
    assert b"OPENAI_API_KEY" not in out and b"DATABASE_URL" not in out


def test_writes_outside_scratch_leave_the_host_unchanged(sandbox, scratch, host_canary):
    canary_path, _ = host_canary
    src = (
        f"for p in [{str(canary_path)!r}, '/etc/passwd', '/usr/bin/python3', '/work/../escape',\n"
        "          '/proc/sys/kernel/hostname']:\n"
        "    try: open(p, 'a').write('pwned'); print(p, 'WROTE')\n"
        "    except OSError as e: print(p, 'refused', e.errno)\n"
    )
    result = run_source(sandbox, scratch, "python", src)
    assert b"WROTE" not in result.stdout.replace(b"/work/../escape WROTE", b"")
    assert not (scratch.parent / "escape").exists()
    assert Path("/usr/bin/python3").read_bytes()[-5:] != b"pwned"


def test_symlink_planted_in_scratch_does_not_redirect_the_next_run_to_host_files(
    sandbox, scratch, host_canary
):
    canary_path, _ = host_canary
    before = canary_path.stat()
    src = f"import os\nos.symlink({str(canary_path)!r}, '/work/evil')\nos.symlink('/', '/work/rootlink')\n"
    assert run_source(sandbox, scratch, "python", src).exit_code == 0
    # A second run in the same scratch (as after a compile) re-hands the tree to the sandbox uid.
    result = run_source(sandbox, scratch, "python", "print(open('/work/evil').read())\n")
    assert result.exit_code != 0  # the link points at a path that does not exist inside the sandbox
    after = canary_path.stat()
    assert (after.st_uid, after.st_gid, after.st_mode) == (before.st_uid, before.st_gid, before.st_mode)


def test_network_to_a_loopback_listener_is_unreachable(sandbox, scratch, loopback_listener: Listener):
    port = loopback_listener.port
    src = (
        "import socket\n"
        "for fam, host in [(socket.AF_INET, '127.0.0.1'), (socket.AF_INET6, '::1')]:\n"
        "    try:\n"
        "        s = socket.socket(fam, socket.SOCK_STREAM); s.settimeout(1)\n"
        f"        s.connect((host, {port})); print(host, 'CONNECTED')\n"
        "    except OSError as e: print(host, 'refused', e.errno)\n"
        "try:\n"
        f"    socket.socket(socket.AF_INET, socket.SOCK_DGRAM).sendto(b'x', ('127.0.0.1', {port})); print('SENT')\n"
        "except OSError as e: print('udp refused', e.errno)\n"
        "print(sorted(line.split(':')[0].strip() for line in open('/proc/net/dev').readlines()[2:]))\n"
    )
    result = run_source(sandbox, scratch, "python", src)
    assert b"CONNECTED" not in result.stdout
    assert b"127.0.0.1 refused" in result.stdout
    assert b"SENT" not in result.stdout
    assert result.stdout.decode().splitlines()[-1] == "['lo']"
    time.sleep(0.3)
    assert loopback_listener.connections == []


def test_new_namespaces_and_privilege_escalation_are_refused(sandbox, scratch):
    src = (
        "import os, subprocess\n"
        "cmds = (['unshare', '-r', 'true'], ['unshare', '-n', 'true'],\n"
        "        ['mount', '-t', 'tmpfs', 'x', '/mnt'])\n"
        "for cmd in cmds:\n"
        "    r = subprocess.run(cmd, capture_output=True)\n"
        "    print(cmd[0], cmd[1], r.returncode)\n"
        "try: os.setuid(0); print('setuid OK')\n"
        "except OSError as e: print('setuid refused', e.errno)\n"
    )
    result = run_source(sandbox, scratch, "python", src)
    lines = result.stdout.decode().splitlines()
    assert all(int(line.split()[-1]) != 0 for line in lines[:3]), lines
    assert lines[3].startswith("setuid refused")


def test_a_crash_can_never_start_the_hosts_core_dump_helper(sandbox, scratch):
    # With a pipe core_pattern (systemd-coredump, apport: most hosts), every crash ran the host's helper as root,
    # outside the sandbox and every cgroup (124 a second from one forking Python loop, uid 0, cpuacct "/"): the
    # kernel ignores RLIMIT_CORE 0 for pipes and refuses only a limit of 1; a file dump needs a page. So the limit
    # is 1, and the program can read it but neither lower nor raise it (libc's setrlimit, the raw call, prlimit).
    src = (
        "import ctypes, resource\n"
        "libc = ctypes.CDLL(None, use_errno=True)\n"
        "print('limit', *resource.getrlimit(resource.RLIMIT_CORE))\n"
        "zero = (ctypes.c_ulong * 2)(0, 0)\n"
        "for name, change in [('libc', lambda: libc.setrlimit(4, zero)),\n"  # setrlimit(RLIMIT_CORE, {0, 0})
        "                     ('raw', lambda: libc.syscall(160, 4, zero)),\n"
        "                     ('prlimit', lambda: libc.syscall(302, 0, 4, zero, 0))]:\n"
        "    ctypes.set_errno(0)\n"
        "    print(name, change(), ctypes.get_errno())\n"
        "print('after', *resource.getrlimit(resource.RLIMIT_CORE))\n"
        "print('nofile', resource.prlimit(0, resource.RLIMIT_NOFILE, (32, 32)) is not None)\n"  # others still work
    )
    result = run_source(sandbox, scratch, "python", src)
    lines = result.stdout.decode().splitlines()
    assert lines == [
        "limit 1 1",
        "libc -1 1",  # EPERM
        "raw -1 1",
        "prlimit -1 1",
        "after 1 1",
        "nofile True",
    ], (lines, result.stderr.decode()[-2000:])


SOCKET_FILL = (
    "import socket as S\n"
    "held, total = [], 0\n"
    "for _ in range(12):\n"  # within 64 open files
    "    c, a = S.socketpair()\n"
    "    for s in (c, a):\n"  # the host's maxima (net.core.wmem_max, rmem_max: 4 MiB, doubled)
    "        s.setsockopt(S.SOL_SOCKET, S.SO_SNDBUF, 1 << 30); s.setsockopt(S.SOL_SOCKET, S.SO_RCVBUF, 1 << 30)\n"
    "    c.setblocking(False)\n"
    "    while True:\n"
    "        try: total += c.send(b'x' * 65536)\n"
    "        except BlockingIOError: break\n"
    "    held += [c, a]\n"
    "    print('unix', total >> 20, flush=True)\n"
)


def test_what_a_program_leaves_in_its_sockets_buffers_is_bounded_by_its_run(sandbox, scratch):
    # Bytes a program writes into a socket and never reads are kernel memory. A Unix socket's are charged to the run's
    # memory group: 12 socket pairs filled at 8 MiB each are over a 96 MiB run. (TCP's and UDP's went, in cgroup v1, to
    # the group's own TCP counter, which had no limit at first: 12 loopback connections held 125 MiB of a run allowed
    # 96 MiB, charged to nothing. Each run's counter has a limit now, and the sandbox refuses inet sockets altogether:
    # test_hostile_host_state.py.)
    (scratch / "fill.py").write_text(SOCKET_FILL)
    limits = Limits(memory_mb=64, cgroup_mb=96, wall_s=10, cpu_s=5)
    unix = sandbox.run([sandbox.settings.python_bin, "/work/fill.py"], scratch=scratch, limits=limits)
    assert unix.memory_exceeded, (unix.stdout.decode().split()[-2:], unix.stderr.decode()[-2000:])


def test_sleep_past_the_deadline_in_every_language_is_killed_on_time(sandbox, no_strays):
    programs = {
        "python": "import time\ntime.sleep(60)\n",
        "javascript": "setTimeout(() => {}, 60000);\n",
        "cpp": "#include <unistd.h>\nint main(){ sleep(60); }\n",
        "java": (
            "public class Main {\n"
            "  public static void main(String[] a) throws Exception { Thread.sleep(60000); }\n}\n"
        ),
    }
    for language, src in programs.items():
        with sandbox.scratch_dir() as scratch:
            result = run_source(sandbox, scratch, language, src, limits=Limits(wall_s=1.5, memory_mb=256))
        assert result.timed_out, language
        assert result.wall_s < 1.5 + 10, language  # killed at the deadline, not hung
        assert result.signal == signal.SIGKILL, language


def test_planted_hard_link_never_makes_the_judge_chown_a_file_outside_scratch(sandbox, scratch):
    victim = scratch.parent / f"victim-{os.getpid()}"
    victim.write_text("root's file")
    try:
        os.link(victim, scratch / "planted")  # as if an earlier run had linked a file from elsewhere
        result = run_source(sandbox, scratch, "python", "print('ran')\n")
        assert result.stdout == b"ran\n"
        st = victim.stat()
        assert (st.st_uid, st.st_gid) == (0, 0)
    finally:
        victim.unlink()


# Two sandboxes running at once (two candidates, or one candidate's Submit beside their own Run, whose output the
# report shows) see the same read-only host files: /usr, /dev/null, the loader cache. Locks and watches are kernel
# state on those shared inodes, which one sandbox could set or trigger and the other read: a noise-free channel
# carrying a Submit's hidden inputs out to a concurrent Run. The signaller tries every kind of lock on shared files
# and keeps reading one of them; the observer, in another sandbox with another uid, must see none of it.
SHARED_FILE = (
    "os.path.join(os.path.dirname(os.__file__), 'antigravity.py')"  # read by nothing else on the host
)
SIGNALLER = (
    "import fcntl, os, struct, time\n"
    f"shared = {SHARED_FILE}\n"
    "taken = []\n"
    "def take(name, lock):\n"
    "    try:\n"
    "        lock(); taken.append(name)\n"
    "    except OSError:\n"
    "        pass\n"
    "for target in ('/dev/null', shared):\n"
    "    fds = [os.open(target, os.O_RDONLY) for _ in range(3)]\n"
    "    take('flock', lambda: fcntl.flock(fds[0], fcntl.LOCK_EX))\n"
    "    take('posix', lambda: fcntl.lockf(fds[1], fcntl.LOCK_SH))\n"
    "    take('ofd', lambda: fcntl.fcntl(fds[2], 37, struct.pack('hhqqi4x', fcntl.F_RDLCK, 0, 0, 0, 0)))\n"
    "os.write(3, ('up ' + ','.join(taken) + '\\n').encode())\n"
    "end = time.monotonic() + 20\n"
    "while time.monotonic() < end:\n"
    "    with open(shared, 'rb') as f:\n"
    "        f.read(16)\n"
    "    time.sleep(0.002)\n"
)
OBSERVER = (
    "import ctypes, fcntl, os, select, signal, struct, time\n"
    "libc = ctypes.CDLL(None, use_errno=True)\n"
    f"shared = {SHARED_FILE}\n"
    "seen = []\n"
    "for target in ('/dev/null', shared):\n"
    "    fd = os.open(target, os.O_RDONLY)\n"
    "    try:\n"
    "        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)\n"
    "    except BlockingIOError:\n"
    "        seen.append('flock:' + target)\n"
    "    except OSError:\n"
    "        pass\n"
    "    for name, cmd in (('posix', fcntl.F_GETLK), ('ofd', 36)):\n"
    "        try:\n"
    "            got = fcntl.fcntl(fd, cmd, struct.pack('hhqqi4x', fcntl.F_WRLCK, 0, 0, 0, 0))\n"
    "            if struct.unpack('hhqqi4x', got)[0] != fcntl.F_UNLCK:\n"
    "                seen.append(name + ':' + target)\n"
    "        except OSError:\n"
    "            pass\n"
    "watches = []\n"
    "ino = libc.inotify_init1(os.O_NONBLOCK)\n"
    "if ino >= 0 and libc.inotify_add_watch(ino, shared.encode(), 0x1 | 0x20) >= 0:  # IN_ACCESS | IN_OPEN\n"
    "    watches.append(('inotify', ino))\n"
    "libc.fanotify_mark.argtypes = [ctypes.c_int, ctypes.c_uint, ctypes.c_uint64, ctypes.c_int, ctypes.c_char_p]\n"
    "fan = libc.fanotify_init(0x200, os.O_RDONLY)  # FAN_CLASS_NOTIF | FAN_REPORT_FID: allowed unprivileged\n"
    "if fan >= 0 and libc.fanotify_mark(fan, 1, 0x21, -100, shared.encode()) == 0:  # FAN_ACCESS | FAN_OPEN\n"
    "    watches.append(('fanotify', fan))\n"
    "signalled = []\n"
    "signal.signal(signal.SIGIO, lambda *_: signalled.append(1))\n"
    "try:\n"
    "    d = os.open(os.path.dirname(shared), os.O_RDONLY)\n"
    "    fcntl.fcntl(d, fcntl.F_NOTIFY, fcntl.DN_ACCESS | fcntl.DN_MULTISHOT)\n"
    "except OSError:\n"
    "    pass\n"
    "time.sleep(1.0)\n"
    "for name, fd in watches:\n"
    "    if select.select([fd], [], [], 0)[0]:\n"
    "        seen.append(name)\n"
    "if signalled:\n"
    "    seen.append('dnotify')\n"
    "print('seen', ' '.join(seen), flush=True)\n"
    "os._exit(0)  # a late SIGIO must not end the interpreter's shutdown\n"
)


def test_concurrent_sandboxes_cannot_signal_each_other_through_locks_or_watches_on_shared_files(
    sandbox: Sandbox, judge_settings: JudgeSettings, no_strays: None
) -> None:
    other = Sandbox(judge_settings)  # another worker: another uid
    try:
        assert other.uid != sandbox.uid
        with sandbox.scratch_dir() as prog:
            (prog / "signaller.py").write_text(SIGNALLER)
            proc = sandbox.start(
                [sandbox.settings.python_bin, "-S", "/judge/signaller.py"],
                limits=Limits(wall_s=30, cpu_s=20),
                program_dir=prog,
            )
            try:
                said = first_line(proc.results)
                assert said.startswith(b"up"), said
                with other.scratch_dir() as scratch:
                    observed = run_source(other, scratch, "python", OBSERVER, limits=Limits(wall_s=20))
                assert proc.proc.poll() is None  # the signaller was still running (and reading) all along
            finally:
                proc.finish()
    finally:
        other.close()
    assert observed.exit_code == 0, observed.stderr.decode(errors="replace")[-2000:]
    assert observed.stdout.decode().split() == ["seen"], (said, observed.stdout)


# A supervised program's stdin is the host's /dev/null, and the judge handed its low descriptors to the sandbox uid
# (so that a program can reopen its pipes by /proc/self/fd/N): fchown of fd 0 made the sandbox uid the owner of the
# host's /dev/null, free to chmod it for every process on the host (0 would break every run and service but
# root's; 2026-12-04). The probe asks for the mode it already has, which changes nothing even when allowed.
DEV_NULL_PROBE = (
    "import os\n"
    "st = os.stat('/dev/null')\n"
    "try:\n"
    "    os.chmod('/dev/null', 0o666)\n"
    "    said = 'chmod allowed'\n"
    "except OSError as e:\n"
    "    said = 'chmod refused %d' % e.errno\n"
    "os.write(3, ('%s owner %d me %d\\n' % (said, st.st_uid, os.getuid())).encode())\n"
)


def test_a_supervised_program_does_not_own_or_chmod_the_hosts_dev_null(
    sandbox: Sandbox, no_strays: None
) -> None:
    with sandbox.scratch_dir() as prog:
        (prog / "probe.py").write_text(DEV_NULL_PROBE)
        proc = sandbox.start(
            [sandbox.settings.python_bin, "-S", "/judge/probe.py"], limits=QUICK, program_dir=prog
        )
        try:
            said = first_line(proc.results).decode()
        finally:
            proc.finish()
    assert said.startswith("chmod refused 1 "), said  # EPERM: not the owner
    owner, me = int(said.split()[4]), int(said.split()[6])
    assert owner != me and os.stat("/dev/null").st_uid != sandbox.uid, said


def test_a_one_shot_run_never_chowns_a_file_the_judge_holds_open(sandbox: Sandbox, scratch: Path) -> None:
    # A compile has no input pipe at fd 4: whatever the judge's own process held there (a worker's lock or log file)
    # was handed to the sandbox uid all the same.
    victim = scratch.parent / f"held-{os.getpid()}"
    victim.write_text("the judge's file")
    held = os.open(victim, os.O_RDONLY | os.O_CLOEXEC)
    saved = os.dup(4) if os.path.exists("/proc/self/fd/4") else -1
    try:
        os.dup2(held, 4, inheritable=False)
        result = run_source(sandbox, scratch, "python", "print('ran')\n")
    finally:
        if saved >= 0:
            os.dup2(saved, 4, inheritable=False)
            os.close(saved)
        else:
            os.close(4)
        os.close(held)
    try:
        assert result.stdout == b"ran\n"
        assert victim.stat().st_uid == 0
    finally:
        victim.unlink()


# Core scheduling (prctl(PR_SCHED_CORE)): a task given a cookie of its own shares a physical core only with tasks of
# the same cookie, so wherever it runs, the core's other hyperthreads go idle ("force idle", charged to no run's CPU
# time). On a judge host with SMT and a kernel built with CONFIG_SCHED_CORE (Ubuntu's are), a program whose threads
# each take a cookie would take the sibling of every core it runs on from every other run on the host, doubling what
# its fair share costs them. No runtime or compiler calls it (strace of g++, javac, java, node, python3: 2026-12-04);
# this machine has no SMT and no core scheduling (the kernel answered EINVAL), so the filter's EPERM is what shows.
SCHED_CORE_PROBE = (
    "import ctypes, errno\n"
    "libc = ctypes.CDLL(None, use_errno=True)\n"
    "def outcome(ret):\n"
    "    return 'ok' if ret == 0 else errno.errorcode[ctypes.get_errno()]\n"
    "print(outcome(libc.prctl(62, 1, 0, 0, 0)), outcome(libc.prctl(15, b'renamed', 0, 0, 0)))\n"  # CREATE; SET_NAME
)


def test_a_program_cannot_take_a_core_scheduling_cookie(sandbox: Sandbox, scratch: Path) -> None:
    result = run_source(sandbox, scratch, "python", SCHED_CORE_PROBE, limits=QUICK)
    assert result.exit_code == 0, result.stderr.decode(errors="replace")[-2000:]
    assert result.stdout.decode().split() == ["EPERM", "ok"], result.stdout.decode()


def test_a_judge_takes_back_the_dev_null_an_earlier_judge_gave_to_a_sandbox_uid(
    judge_settings: JudgeSettings,
) -> None:
    # Before the fix every supervised run handed the host's /dev/null to its sandbox uid, and it stays so until the
    # host reboots: after an upgrade, the next run leasing that uid could still chmod it. A judge starting up takes it
    # back when a uid of its own range owns it (here as an earlier judge of this range would have left it).
    left = judge_settings.sandbox_uid + 1
    os.chown("/dev/null", left, judge_settings.sandbox_gid)
    try:
        Sandbox(judge_settings).close()
        st = os.stat("/dev/null")
        span = range(
            judge_settings.sandbox_uid, judge_settings.sandbox_uid + judge_settings.sandbox_uid_count
        )
        assert st.st_uid not in span and st.st_mode & 0o777 == 0o666, (st.st_uid, oct(st.st_mode))
    finally:
        if os.stat("/dev/null").st_uid == left:
            os.chown("/dev/null", 0, 0)
