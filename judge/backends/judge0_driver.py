"""The supervisor that runs inside a Judge0 box (Judge0 runs one submission as one program; there is no outside).

It speaks judge.protocol to the harness exactly as the local supervisor does: one test's input frame at a time,
each test timed and limited from the driver's side (CPU of every process of the box but the driver's, wall less
waiting for a CPU), a fresh harness process after a test that hung, crashed or flooded its output, and it stops
early (so that the backend resubmits the remaining tests) before the box's own CPU or wall budget could end it
mid-test. It prints one JSON line per event, as it happens, between markers unique to the run.

DRIVER is Python 3.8 source (the official judge0/judge0:1.13.1 image's Python), shipped as `driver.py`.
Unlike the local sandbox, the driver shares the box (and its uid) with the candidate's code: it makes itself not
dumpable before anything else, takes its settings and the tests' inputs on stdin, not from the box's files, and
before it starts any process puts seccomp filters on itself that every process of the run inherits: none can have
its children reaped by the kernel out of /proc's sight, nor set the driver's limits, nor make a call the local
sandbox's filter denies or skips (judge0_driver_filter; docs/judge.md, "Judge0 backend").
"""

from __future__ import annotations

from judge.backends.judge0_driver_filter import INSTALL
from judge.backends.judge0_driver_measure import MEASURE
from judge.backends.judge0_driver_record import RECORD_RULES

# The driver's source in parts, joined in this order: its imports and settings, the seccomp filter it puts on itself
# (and so on every process of the run), the record rules, its events, the measurement, then the harness it
# supervises and the run.
_HEAD = r"""
import ctypes, json, os, re, resource, select, signal, subprocess, sys, time

# Before anything else: the driver runs as the box's uid, and so does the candidate's code. A dumpable process of
# one's own uid is open to /proc/PID/mem (read and write), environ, fd/* and ptrace; a process that is not dumpable
# is open to none of them without CAP_SYS_PTRACE, which nothing in the box has (the local supervisor is out of reach
# by its uid). The harness it starts is dumpable again once it execs: that is the candidate's own process. A driver
# that cannot do this does not run (no report: the backend's internal_error, never a run the box could rewrite).
PR_SET_DUMPABLE = 4
if ctypes.CDLL(None, use_errno=True).prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) != 0:
    sys.exit("driver: prctl(PR_SET_DUMPABLE) failed, errno %d" % ctypes.get_errno())
# Its settings and the tests' inputs come on stdin, never as files of the box: the compile step (the candidate's
# compiler, #include and .incbin) and the harness could read a file of the box; Judge0 gives the submission's stdin
# to the run alone, from a file outside the box, and the harness gets /dev/null. Once read it is let go.
GIVEN = json.loads(sys.stdin.buffer.read().decode("utf-8"))
CONF, TESTS = GIVEN["conf"], GIVEN["tests"]
del GIVEN
_null = os.open(os.devnull, os.O_RDONLY)
os.dup2(_null, 0)
os.close(_null)
EXCERPT, TAIL, RECORD_CAP = 2000, 600, 16 << 20
# Lines on the results channel in one phase that are not what it waits for, and their bytes, before the harness is
# ended (as the local supervisor's judge.supervisor.STRAY_LINES and STRAY_BYTES): each is decoded here, on the box's
# time; past the bytes, a line is decoded only if it begins as the record waited for does (`claim`).
STRAY_LINES, STRAY_BYTES = 1024, 1 << 20
MARGIN_S = 1.0
"""

_EVENTS = r"""
EVENTS = []


SIZE = [0]  # bytes of events so far: the box's stdout is a file, bounded like any other by max_file_size


def event(obj):
    # Written as it happens: should the driver be killed (the candidate's code shares its uid), what it saw so far
    # still reaches the backend, which judges the test in flight by the box's status.
    line = json.dumps(obj, separators=(",", ":"))
    EVENTS.append(line)
    SIZE[0] += len(line) + 1
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def fits(obj):
    return SIZE[0] + len(json.dumps(obj, separators=(",", ":"))) + 1 <= CONF["output_budget"]


def text(b):
    return b.decode("utf-8", "replace")

"""

_HARNESS = r"""
def within_hard(res, want):
    # `want`, or the resource's hard limit where that is lower (the box's uid can only lower it); and the hard limit.
    hard = resource.getrlimit(res)[1]
    return (want if hard == resource.RLIM_INFINITY else min(want, hard)), hard


class Harness:
    def __init__(self):
        r, w = os.pipe()  # results: the harness's fd 3
        ir, iw = os.pipe()  # test inputs: the harness's fd 4
        memory = CONF.get("address_space_bytes")

        def pre():
            os.setsid()
            for src, dst in ((os.dup(w), 3), (os.dup(ir), 4)):
                os.dup2(src, dst)
                os.set_inheritable(dst, True)
            # The harness's stack as the local sandbox's (judge.bwrap.STACK_BYTES): the box's is Judge0's stack_limit,
            # and threads take their stacks' size from it, each within the address space below.
            stack, hard = within_hard(resource.RLIMIT_STACK, CONF["stack_bytes"])
            resource.setrlimit(resource.RLIMIT_STACK, (stack, hard))
            # No core dump, as on the local sandbox (judge.bwrap.CORE_LIMIT): a runtime that aborts (V8 out of heap)
            # would otherwise write one into the box, on the test's time, wherever the box inherited a core limit.
            # The driver set its own before its filters (install_child_filter), which keep it there.
            if memory:
                resource.setrlimit(resource.RLIMIT_AS, (memory, memory))

        self.p = subprocess.Popen(
            CONF["argv"], stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            preexec_fn=pre, close_fds=False,
        )
        os.close(w)
        os.close(ir)
        self.res, self.inp = r, iw
        self.fds = {self.p.stdout.fileno(): "out", self.p.stderr.fileno(): "err", r: "res"}
        for fd in list(self.fds) + [iw]:
            os.set_blocking(fd, False)
        self.line = bytearray()
        self.scanned = 0  # how much of `line` is known to hold no newline (a long line is searched once)
        self.claim = b""
        self.ended = None

    def kill(self):
        try:
            os.killpg(self.p.pid, signal.SIGKILL)
        except OSError:
            pass
        self.p.kill()

    def finish(self):
        if self.ended is None:
            if self.p.poll() is None:
                self.kill()
            code = self.p.wait()
            self.ended = (None, -code) if code < 0 else (code, None)
            for stream in (self.p.stdout, self.p.stderr):
                try:
                    stream.close()  # through the file objects: a bare os.close would be repeated on a reused fd
                except OSError:
                    pass
            for fd in (self.res, self.inp):
                try:
                    os.close(fd)
                except OSError:
                    pass
            self.fds = {}
        return self.ended

    def phase(self, done, limit_s, payload=b"", claim=b""):
        w = {"out": b"", "err": b"", "tail": b"", "printed": 0, "res": 0, "rec": None, "over": None, "end": False,
             "strays": 0, "stray_bytes": 0}
        self.claim = claim
        start, cpu0, waits = time.monotonic(), run_cpu(), Waits()
        if self.take(w, done):
            return self.close_phase(w, start, cpu0, waits)
        deadline, hard = start + limit_s, start + 2 * limit_s
        pending = payload
        cpu_at = start  # the run's CPU time is read every SAMPLE_S (every process of the box), and at the deadline
        while True:
            now = time.monotonic()
            wait = waits.sample(0.0 if now >= deadline else SAMPLE_S)  # at the deadline, always afresh
            if now >= deadline:
                if max(run_cpu() - cpu0, now - start - wait) >= limit_s or now >= hard:
                    w["over"] = "time"
                    break
                deadline = min(hard, start + limit_s + wait + 0.001)
            if now - cpu_at >= SAMPLE_S:
                cpu_at = now
                if run_cpu() - cpu0 > limit_s:
                    w["over"] = "time"
                    break
            writers = [self.inp] if pending else []
            ready_r, ready_w, _ = select.select(list(self.fds), writers, [], max(0.0, min(deadline - now, 0.05)))
            if ready_w:
                try:
                    pending = pending[os.write(self.inp, pending[:65536]):]
                except (BlockingIOError, InterruptedError):
                    pass
                except OSError:
                    pending = b""
            for fd in ready_r:
                if self.read(fd, w, done):
                    return self.close_phase(w, start, cpu0, waits)
            if w["over"] is not None:
                break
            if not ready_r and self.exited():
                self.drain(w, done)
                w["end"] = True
                break
        return self.close_phase(w, start, cpu0, waits)

    def drain(self, w, done):
        for fd in list(self.fds):
            for _ in range(64):
                if fd not in self.fds or w["over"] is not None or w["rec"] is not None:
                    break
                if not self.read(fd, w, done, drain=True):
                    if fd in self.fds and not select.select([fd], [], [], 0)[0]:
                        break

    def read(self, fd, w, done, drain=False):
        try:
            chunk = os.read(fd, 65536)
        except (BlockingIOError, InterruptedError):
            return False
        if not chunk:
            del self.fds[fd]
            return False
        kind = self.fds[fd]
        if kind == "res":
            w["res"] += len(chunk)
            self.line += chunk
            return self.take(w, done)
        w["printed"] += len(chunk)
        if len(w[kind]) < EXCERPT:
            w[kind] += chunk[: EXCERPT - len(w[kind])]
        if kind == "err":
            w["tail"] = (w["tail"] + chunk)[-TAIL:]
        if w["printed"] > CONF["output_cap"]:
            w["over"] = "output"
        return False

    def take(self, w, done):
        while True:
            newline = self.line.find(b"\n", self.scanned)
            if newline < 0:
                self.scanned = len(self.line)
                break
            raw = bytes(self.line[:newline])
            del self.line[: newline + 1]
            self.scanned = 0
            headed = bool(self.claim) and raw.startswith(self.claim)
            if w["stray_bytes"] + len(raw) > STRAY_BYTES and not headed:
                w["over"] = "record"  # not decoded: past the budget, only a line with the head is
                return False
            costly = len(raw) <= RECORD_CAP and decoded_size(raw) > RECORD_MEMORY
            refused = shape_error(raw) if len(raw) <= RECORD_CAP and not costly else None
            if len(raw) > RECORD_CAP:
                rec = None
            elif costly:
                # Never decoded; a test's own record is that test's output_limit, as on the local supervisor.
                nonce = self.claim[6:-2].decode()
                rec = {"n": nonce, "ok": False, "kind": TOO_LARGE_KIND, "msg": TOO_LARGE} if headed else None
            elif refused:
                # Never decoded; a test's own record is that test's wrong answer, as on the local supervisor.
                nonce = self.claim[6:-2].decode()
                rec = {"n": nonce, "ok": False, "kind": "value", "msg": refused} if headed else None
            else:
                try:
                    rec = json.loads(raw.decode("utf-8", "replace"))
                except (ValueError, RecursionError):
                    rec = None
            if isinstance(rec, dict) and done(rec):
                w["rec"] = rec
                return True
            w["strays"] += 1
            w["stray_bytes"] += len(raw)
            if w["strays"] > STRAY_LINES or w["stray_bytes"] > STRAY_BYTES:
                w["over"] = "record"
                return False
        if len(self.line) > RECORD_CAP or w["res"] > 2 * RECORD_CAP:
            w["over"] = "record"
        return False

    def exited(self):
        # Whether the harness has ended, leaving it unreaped: its threads' waiting and its CPU time stay readable (as
        # a zombie's) until finish() reaps it.
        try:
            return os.waitid(os.P_PID, self.p.pid, os.WEXITED | os.WNOHANG | os.WNOWAIT) is not None
        except ChildProcessError:
            return True

    def close_phase(self, w, start, cpu0, waits):
        wall = time.monotonic() - start
        w["charged"] = max(run_cpu() - cpu0, wall - waits.sample(), 0.0)
        if w["over"] is not None or w["end"]:
            w["exit"], w["sig"] = self.finish()
            w["end"] = True
        elif w["rec"] is not None:
            for fd in [f for f, k in self.fds.items() if k != "res"]:
                for _ in range(16):
                    before = w["printed"]
                    self.read(fd, w, None)
                    if w["printed"] == before or fd not in self.fds:
                        break
            if w["over"] is not None:
                w["exit"], w["sig"] = self.finish()
                w["end"] = True
        return w


def main():
    limit = CONF["limit_s"]
    began = time.monotonic()
    order = CONF["order"]
    pos = 0
    while pos < len(order):
        spent = time.monotonic() - began
        if spent + CONF["startup_s"] + 2 * limit + MARGIN_S > CONF["budget_s"]:
            event({"stop": pos})
            return
        h = Harness()
        hello = h.phase(lambda r: r.get("s") == "hello" or "fatal" in r, CONF["startup_s"])
        start = None
        if hello["over"] == "time":
            start = "slow_start"
        elif hello["over"] is not None:
            start = "output"
        elif hello["rec"] is None:
            start = "no_hello"
        elif "fatal" in hello["rec"]:
            start = "fatal"
        else:
            ready = h.phase(lambda r: r.get("s") == "ready" or "fatal" in r, limit)
            hello = ready
            if ready["over"] == "time":
                start = "slow_load"
            elif ready["over"] is not None:
                start = "output"
            elif ready["rec"] is None:
                start = "ended"
            elif "fatal" in ready["rec"]:
                start = "fatal"
        if start is not None:
            code, sig = h.finish()
            event({"start": start, "at": pos, "fatal": hello["rec"], "exit": code, "sig": sig,
                   "tail": text(hello["tail"])})
            return
        while pos < len(order):
            spent = time.monotonic() - began
            if spent + 2 * limit + MARGIN_S > CONF["budget_s"]:
                h.finish()
                event({"stop": pos})
                return
            index = order[pos]
            nonce = os.urandom(8).hex()
            payload = json.dumps(TESTS[index], separators=(",", ":")).encode()
            frame = ("%s %d\n" % (nonce, len(payload))).encode() + payload
            claim = ('{"n":"%s",' % nonce).encode()  # every harness's record begins so (judge.protocol.record_head)
            w = h.phase(lambda r: r.get("n") == nonce and isinstance(r.get("ok"), bool), limit, frame, claim)
            pos += 1
            kind = w["rec"].get("kind") if w["rec"] else None
            observed = {"test": index, "rec": w["rec"], "charged": w["charged"], "over": w["over"],
                        "exit": w.get("exit"), "sig": w.get("sig"), "out": text(w["out"]), "err": text(w["err"]),
                        "tail": text(w["tail"])}
            if not fits(observed):
                if any(e.startswith('{"test":') for e in EVENTS):
                    h.finish()  # this test runs again in the next submission, whose output starts empty
                    event({"stop": pos - 1})
                    return
                observed["rec"], observed["over"] = None, "record"  # too large for any box's output
            event(observed)
            if w["end"] or kind == "crash":
                h.finish()
                break
        else:
            h.finish()


# Before any process starts: no process of the run may have its children reaped by the kernel (their CPU time would
# leave the box's /proc uncounted) or set another's limits, the driver's; nor make any call the local sandbox's filter
# denies or skips (judge0_driver_filter). A driver that cannot install both starts nothing and reports nothing (the
# backend's internal_error, never a verdict).
_refused = install_child_filter(core=CONF["core_bytes"])
if _refused:
    sys.exit("driver: the seccomp filter could not be installed, errno %d" % _refused)
sys.stdout.write(CONF["marker"] + "-BEGIN\n")
sys.stdout.flush()
try:
    main()
finally:
    sys.stdout.write(CONF["marker"] + "-END\n")
    sys.stdout.flush()
"""

DRIVER = _HEAD + INSTALL + RECORD_RULES + _EVENTS + MEASURE + _HARNESS
