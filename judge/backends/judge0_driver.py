"""The supervisor that runs inside a Judge0 box (Judge0 runs one submission as one program; there is no outside).

It speaks judge.protocol to the harness exactly as the local supervisor does: one test's input frame at a time,
each test timed and limited from the driver's side (CPU of the harness's process, wall less waiting for a CPU),
a fresh harness process after a test that hung, crashed or flooded its output, and it stops early (so that the
backend resubmits the remaining tests) before the box's own CPU or wall budget could end it mid-test. It prints
one JSON line per event, as it happens, between markers unique to the run.

DRIVER is Python 3.8 source (the official judge0/judge0:1.13.1 image's Python), shipped as `driver.py`.
Unlike the local sandbox, the driver shares the box (and its uid) with the candidate's code: see docs/judge.md.
"""

from __future__ import annotations

DRIVER = r"""
import json, os, re, resource, select, signal, subprocess, sys, time

CONF = json.load(open("driver.json"))
TESTS = json.load(open("tests.json"))
EXCERPT, TAIL, RECORD_CAP = 2000, 600, 16 << 20
# Lines on the results channel in one phase that are not what it waits for, and their bytes, before the harness is
# ended (as the local supervisor's judge.supervisor.STRAY_LINES and STRAY_BYTES): each is decoded here, on the box's
# time; past the bytes, a line is decoded only if it begins as the record waited for does (`claim`).
STRAY_LINES, STRAY_BYTES = 1024, 1 << 20
MARGIN_S = 1.0
# --- record shape (judge.protocol.shape_error, the same rule: tests/judge/test_record_depth.py runs both)
# A record nests at most RECORD_DEPTH deep, its own object counted, read from its bytes before it is decoded: the
# decoder recurses, and so does encoding the record again into an event, which the backend then decodes.
RECORD_DEPTH = 16
TOO_DEEP = "the returned value is nested too deeply"
UNREADABLE = "the returned value could not be read (a number of over 4,300 digits?)"
SHAPE_BYTES = b'[]{}"\\/bfnrtu'
NOT_SHAPE = bytes(b for b in range(256) if b not in SHAPE_BYTES)
AS_ARRAYS = bytes.maketrans(b"{}", b"[]")
QUOTED = re.compile(rb'"[^"]*"?')


def brackets(line):
    kept = line.translate(None, NOT_SHAPE)
    if b"\\" in kept:
        kept = kept.replace(b"\\\\", b"").replace(b'\\"', b"")
    kept = kept.translate(AS_ARRAYS, b"/bfnrtu\\")
    if b'"' in kept:
        kept = QUOTED.sub(b"", kept.replace(b'""', b""))
    return kept


def shape_error(line, depth=RECORD_DEPTH):
    if line.count(b"[") + line.count(b"{") <= depth:
        return None
    left = brackets(line)
    for passes in range(depth):
        if b"[" * (depth - passes + 1) in left:
            return TOO_DEEP
        inner = left.replace(b"[]", b"")
        if len(inner) == len(left):
            break
        left = inner
    if not left:
        return None
    if b"[]" in left or left.count(b"[") > depth:
        return TOO_DEEP
    return UNREADABLE
# --- end of record shape
# --- record memory (judge.protocol.decoded_size, the same estimate: tests/judge/test_judge0_answers.py runs both)
# A record of the test in flight whose value would cost more than RECORD_MEMORY decoded is never decoded: it is that
# test's `output_limit` ("too large to report"), as on the local supervisor; decoding it would take the box's memory.
RECORD_MEMORY = 128 << 20
TOO_LARGE = "the returned value is too large to report"
TOO_LARGE_KIND = "too_large"
COSTS = ((b",", 40), (b"[", 64), (b"{", 64), (b":", 96), (b'"', 28))
DECODER_OWN = 4096
MOST_PER_BYTE = 96 + 1 + 4
NOT_ASTRAL_LEAD = bytes(b for b in range(256) if not 0xF0 <= b <= 0xF4)
STRING = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"?')
REFINED_QUOTES = 20000


def counted(line):
    return sum(line.count(mark) * cost for mark, cost in COSTS)


def text_width(line):
    if line.isascii():
        return 1
    return 4 if line.translate(None, NOT_ASTRAL_LEAD) else 2


def decoded_size(line):
    n = len(line)
    if n * MOST_PER_BYTE + DECODER_OWN <= RECORD_MEMORY:
        return n * MOST_PER_BYTE + DECODER_OWN
    width = text_width(line)
    held = n * (1 + width)
    size = counted(line) + n * width
    if size + held > RECORD_MEMORY and 0 < line.count(b'"') <= REFINED_QUOTES:
        bare = STRING.sub(b'""', line)
        size = counted(bare) + (n - len(bare)) * width
    return size + held + DECODER_OWN
# --- end of record memory
SAMPLE_S = 0.05  # how often a test's waiting is sampled, as the local supervisor's meter does
EVENTS = []
TICK = os.sysconf("SC_CLK_TCK")


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


def proc_cpu(pid):
    try:
        with open("/proc/%d/stat" % pid) as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12]) + int(fields[13]) + int(fields[14])) / TICK
    except (OSError, ValueError, IndexError):
        return 0.0


def sched(pid):
    found = {}
    try:
        for tid in os.listdir("/proc/%d/task" % pid):
            try:
                with open("/proc/%d/task/%s/schedstat" % (pid, tid)) as f:
                    parts = f.read().split()
                found[tid] = (int(parts[0]), int(parts[1]))
            except (OSError, ValueError, IndexError):
                pass
    except OSError:
        pass
    return found


def within_hard(res, want):
    # `want`, or the resource's hard limit where that is lower (the box's uid can only lower it); and the hard limit.
    hard = resource.getrlimit(res)[1]
    return (want if hard == resource.RLIM_INFINITY else min(want, hard)), hard


NS_TICK = 10 ** 9 // TICK
STAT_BYTES = 160 * ((os.cpu_count() or 1) + 1) + 256  # the "cpuN" lines come first; "intr" after them is long


def cpu_busy():
    # Each CPU's time on anything but idling so far, host-wide, ns (/proc/stat is not namespaced): user + nice +
    # system + irq + softirq + steal, as the local meter (judge.meter.parse_cpu_busy_ns). None if unreadable.
    try:
        with open("/proc/stat", "rb") as f:
            data = f.read(STAT_BYTES)
    except OSError:
        return None
    found = {}
    for line in data.split(b"\n")[:-1]:
        if not line.startswith(b"cpu"):
            if found:
                break
            continue
        fields = line.split()
        if fields[0] == b"cpu" or len(fields) < 8:
            continue
        try:
            t = [int(x) for x in fields[1:9]] + [0] * 8
            found[int(fields[0][3:])] = (t[0] + t[1] + t[2] + t[5] + t[6] + t[7]) * NS_TICK
        except ValueError:
            return None
    return found or None


def box_cpu():
    # CPU time of every thread in the box, ns, by (pid, tid): the box's own /proc shows only the box's processes,
    # the run's and the driver's.
    found = {}
    try:
        pids = [int(p) for p in os.listdir("/proc") if p.isdigit()]
    except OSError:
        return found
    for pid in pids:
        for tid, (run, _delay) in sched(pid).items():
            found[(pid, tid)] = run
    return found


def other_work(busy0, busy1, cpus, own):
    # The time `cpus` (None: every CPU) spent between two readings on work other than the box's `own` CPU time (all
    # of it, whichever CPUs it ran on: less work left to explain waiting, never more); 0 when busy time is unknown.
    if busy0 is None or busy1 is None:
        return 0
    chosen = busy1.keys() if cpus is None else cpus & busy1.keys()
    return max(0, sum(max(0, busy1[c] - busy0.get(c, busy1[c])) for c in chosen) - own)


def affinity(tid):
    try:
        return frozenset(os.sched_getaffinity(int(tid)))
    except (OSError, ValueError):
        return None


class Waits:
    # The waiting for a CPU of the harness's threads since the phase began, as far as work outside the run explains it
    # (as the local supervisor's judge.meter.WaitTracker): between two samples a thread's waiting is credited at most
    # what the CPUs it may run on spent on other work (their busy time less the box's CPU time), and all of it at
    # most the other work of every CPU over the phase. run_delay does not say what kept a thread off the CPU: its own
    # siblings (helpers pinned to one CPU) earned the limit again in wall time. A thread that ends mid-test still
    # counts, and so does a process read as a zombie, before it is reaped.

    def __init__(self, pid):
        self.pid, self.at = pid, time.monotonic()
        self.threads, self.busy, self.box = sched(pid), cpu_busy(), box_cpu()
        self.first_busy, self.own = self.busy, 0
        self.credit, self.carry, self.best = {}, {}, 0

    def sample(self, every=0.0):
        now = time.monotonic()
        if now - self.at < every:
            return self.best / 1e9
        self.at = now
        threads, busy, box = sched(self.pid), cpu_busy(), box_cpu()
        own = sum(max(0, run - self.box.get(key, 0)) for key, run in box.items())
        for tid, (run, delay) in threads.items():
            run0, delay0 = self.threads.get(tid, (0, 0))  # a thread born since: all of its own
            if run > run0 and delay > delay0:  # only threads that ran: an idle thread waits for nothing
                cpus = affinity(tid)
                self.explain(tid, delay - delay0, other_work(self.busy, busy, cpus, own), cpus, busy)
        self.own += own
        self.threads, self.busy, self.box = threads, busy, box
        total = other_work(self.first_busy, busy, None, self.own)
        self.best = max(0, min(total, max(self.credit.values(), default=0)))
        return self.best / 1e9

    def explain(self, tid, waited, other, cpus, busy):
        # /proc/stat counts in clock ticks, waiting in ns: a tick of other work may show in the interval before or
        # after the waiting it caused. What is left over on either side (at most two ticks a CPU) carries over.
        spare, owed = self.carry.get(tid, (0, 0))
        have, need = other + spare, waited + owed
        explained = min(have, need)
        cap = 2 * NS_TICK * (len(cpus) if cpus else len(busy or {0: 0}))
        self.credit[tid] = self.credit.get(tid, 0) + explained
        self.carry[tid] = (min(cap, have - explained), min(cap, need - explained))


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
            core, _ = within_hard(resource.RLIMIT_CORE, CONF["core_bytes"])
            resource.setrlimit(resource.RLIMIT_CORE, (core, core))
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
        start, cpu0, waits = time.monotonic(), proc_cpu(self.p.pid), Waits(self.p.pid)
        if self.take(w, done):
            return self.close_phase(w, start, cpu0, waits)
        deadline, hard = start + limit_s, start + 2 * limit_s
        pending = payload
        while True:
            now = time.monotonic()
            wait = waits.sample(0.0 if now >= deadline else SAMPLE_S)  # at the deadline, always afresh
            if now >= deadline:
                if max(proc_cpu(self.p.pid) - cpu0, now - start - wait) >= limit_s or now >= hard:
                    w["over"] = "time"
                    break
                deadline = min(hard, start + limit_s + wait + 0.001)
            if proc_cpu(self.p.pid) - cpu0 > limit_s:
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
        w["charged"] = max(proc_cpu(self.p.pid) - cpu0, wall - waits.sample(), 0.0)
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


sys.stdout.write(CONF["marker"] + "-BEGIN\n")
sys.stdout.flush()
try:
    main()
finally:
    sys.stdout.write(CONF["marker"] + "-END\n")
    sys.stdout.flush()
"""
