"""A run's memory limit holds for the run as a whole: data spread over forked children, spawned programs, worker
threads, off-heap buffers, memfds, shared mappings and files on the sandbox's /tmp is counted together, and over
the limit it is `memory_limit` (not `accepted`, which each of these was while only a process's own address space
or heap was bounded). Honest programs just under the limit, forking ones included, stay `accepted`.

`hold(mode, mib)` holds about `mib` MiB the way `mode` says until it answers, and returns `mib`. Attacks hold about
1.5 x M in all, each part within any per-process bound; controls hold at most M - 8 MiB of data in all."""

from __future__ import annotations

import pytest

from judge.bank import Param, Signature
from judge.bank import TestCase as Case
from judge.limits import POLICIES
from judge.runner import carried_mb, run_request
from judge.schemas import RunLimits, RunRequest, Verdict

pytestmark = pytest.mark.sandbox

M = 128
LIMITS = RunLimits(memory_mb=M, time_limit_s=5.0, compile_s=30)
SIGNATURE = Signature(
    function="hold", params=[Param(name="mode", type="string"), Param(name="mib", type="int")], returns="int"
)

SOURCES = {
    "python": r"""
import mmap, multiprocessing, os

def _touch(b):
    for i in range(0, len(b), 4096):
        b[i] = 1
    return b

def _with_child(mib, fill_parent):
    # Forks first, so that neither address space holds the other's part: the child fills `mib` MiB, keeps it
    # (a name holds it: a temporary was freed as `_touch` returned, and a child that ran first had let go of its
    # part before the parent began) and says so; only then does the parent run `fill_parent`, keeping what it
    # returns, and let the child go: both hold their parts at once, whichever the scheduler runs first.
    r, w = os.pipe()
    r2, w2 = os.pipe()
    pid = os.fork()
    if pid == 0:
        held = _touch(bytearray(mib << 20))
        os.write(w, b"x")
        os.read(r2, 1)
        os._exit(len(held) & 0)
    os.close(w)
    os.close(r2)
    alive = os.read(r, 1)  # nothing: the child was killed filling its part
    mine = fill_parent()
    if alive:
        try:
            os.write(w2, b"x")
        except OSError:  # killed while the parent filled its part
            pass
    os.waitpid(pid, 0)
    return mine

def _mp_child(mib, conn):
    held = _touch(bytearray(mib << 20))
    conn.send(1)
    conn.recv()  # held until the parent has its part too
    return len(held)

def hold(mode, mib):
    half = mib // 2
    if mode == "one":
        _touch(bytearray(mib << 20))
    elif mode == "fork":
        _with_child(mib - half, lambda: _touch(bytearray(half << 20)))
    elif mode == "multiprocessing":
        ctx = multiprocessing.get_context("fork")
        a, b = ctx.Pipe()
        p = ctx.Process(target=_mp_child, args=(mib - half, b))
        p.start()
        b.close()  # so that the child's death is an end of file here
        try:
            a.recv()  # the child holds its part (as in _with_child, the parent fills its own only then)
        except (EOFError, OSError):  # the child was killed filling it
            pass
        mine = _touch(bytearray(half << 20))
        try:
            a.send(1)
        except OSError:  # the child was killed while the parent filled its part
            pass
        p.join()
    elif mode == "tmp":
        for n in range(4):  # 12 MiB a file (a file may have 16)
            with open("/tmp/hoard%d" % n, "wb") as f:
                f.write(b"t" * (12 << 20))
        mine = _touch(bytearray((mib - 48) << 20))
        for n in range(4):
            os.unlink("/tmp/hoard%d" % n)  # an honest program's files go with it
    elif mode == "memfd":
        fds = [os.memfd_create("hoard") for _ in range(half // 12)]
        for fd in fds:  # 12 MiB each (a file may have 16), never mapped
            os.write(fd, b"m" * (12 << 20))
        mine = _touch(bytearray((mib - half) << 20))
        for fd in fds:
            os.close(fd)
    elif mode == "mmap":
        def shared_map():
            shared = mmap.mmap(-1, half << 20, flags=mmap.MAP_SHARED | mmap.MAP_ANONYMOUS)
            for i in range(0, len(shared), 4096):
                shared[i] = 1
            return shared

        _with_child(mib - half, shared_map)
    return mib
""",
    "cpp": r"""
#include <bits/stdc++.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>
using namespace std;

static void touch(char* p, size_t n) { for (size_t i = 0; i < n; i += 4096) p[i] = 1; }

// Forks first, so that neither address space holds the other's part: the child fills `mib` MiB, says so and keeps
// it until the parent, which runs `fill_parent`, has read that: both hold their parts at once, whichever runs first.
template <class F> static void with_child(long mib, F fill_parent) {
    int fds[2], back[2];
    if (pipe(fds) != 0 || pipe(back) != 0) return;
    pid_t pid = fork();
    if (pid == 0) {
        vector<char> mine(mib << 20, 1);
        char x = mine[1000];
        if (write(fds[1], &x, 1) != 1) _exit(1);
        if (read(back[0], &x, 1) < 0) _exit(1);
        _exit(0);
    }
    close(fds[1]);
    close(back[0]);
    fill_parent();
    char x;
    if (read(fds[0], &x, 1) == 1) {  // 0: the child was killed
        if (write(back[1], &x, 1) != 1) return;
    }
    waitpid(pid, nullptr, 0);
}

class Solution {
public:
    int hold(string mode, int mib) {
        long half = mib / 2;
        vector<char> mine;
        if (mode == "one") {
            mine.assign((long)mib << 20, 1);
        } else if (mode == "fork") {
            with_child(mib - half, [&] { mine.assign(half << 20, 1); });
        } else if (mode == "tmp") {
            {
                string twelve(12 << 20, 't');  // 12 MiB a file (a file may have 16)
                for (int n = 0; n < 4; n++) {
                    FILE* f = fopen(("/tmp/hoard" + to_string(n)).c_str(), "wb");
                    if (f) { fwrite(twelve.data(), 1, twelve.size(), f); fclose(f); }
                }
            }
            mine.assign((long)(mib - 48) << 20, 1);
            for (int n = 0; n < 4; n++) unlink(("/tmp/hoard" + to_string(n)).c_str());
        } else if (mode == "memfd") {
            vector<int> fds;
            {
                string twelve(12 << 20, 'm');  // 12 MiB a memfd (a file may have 16), never mapped
                for (long i = 0; i < half / 12; i++) {
                    fds.push_back(memfd_create("hoard", 0));
                    if (write(fds.back(), twelve.data(), twelve.size()) < 0) break;
                }
            }
            mine.assign((mib - half) << 20, 1);
            for (int fd : fds) close(fd);
        } else if (mode == "mmap") {
            with_child(mib - half, [&] {
                int prot = PROT_READ | PROT_WRITE;
                char* shared = (char*)mmap(nullptr, half << 20, prot, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
                if (shared != MAP_FAILED) touch(shared, half << 20);
            });
        }
        return mib;
    }
};
""",
    "javascript": r"""
const { spawnSync } = require('child_process');
const fs = require('fs');
const { Worker } = require('worker_threads');

function sleep(ms) { Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms); }

function hold(mode, mib) {
  const half = Math.floor(mib / 2);
  const keep = [];
  if (mode === 'buffer') {
    keep.push(Buffer.alloc(mib << 20, 1));
  } else if (mode === 'typed') {
    const a = new Float64Array((mib << 20) / 8);
    a.fill(1.5);
    keep.push(a);
  } else if (mode === 'heap') {
    // Numbers on V8's own heap, a MiB of doubles an array, then garbage made beside them.
    const a = [];
    for (let k = 0; k < mib; k++) {
      const c = new Array(131072);
      for (let i = 0; i < c.length; i++) c[i] = i + 0.5;
      a.push(c);
    }
    let sink = 0;
    for (let i = 0; i < 200000; i++) sink += new Array(32).fill(i).length;
    keep.push(a, sink);
  } else if (mode === 'spawn') {
    keep.push(Buffer.alloc(half << 20, 1));
    const child = `const b = Buffer.alloc(${mib - half} << 20, 1); process.stdout.write(String(b[7]));`;
    spawnSync(process.execPath, ['-e', child], { stdio: ['ignore', 'pipe', 'ignore'] });
  } else if (mode === 'worker') {
    keep.push(Buffer.alloc(half << 20, 1));
    const flag = new Int32Array(new SharedArrayBuffer(4));
    const code = `const { workerData } = require('worker_threads');
      const b = Buffer.alloc(${mib - half} << 20, 1);
      Atomics.store(workerData, 0, b[3]); Atomics.notify(workerData, 0);
      setTimeout(() => {}, 10000);`;
    const w = new Worker(code, { eval: true, workerData: flag });
    Atomics.wait(flag, 0, 0, 4000);
    sleep(50);
    w.terminate();
  } else if (mode === 'tmp') {
    const twelve = Buffer.alloc(12 << 20, 116);  // 12 MiB a file (a file may have 16)
    for (let n = 0; n < 4; n++) fs.writeFileSync('/tmp/hoard' + n, twelve);
    keep.push(Buffer.alloc((mib - 48) << 20, 1));
    for (let n = 0; n < 4; n++) fs.unlinkSync('/tmp/hoard' + n);  // an honest program's files go with it
  }
  return mib + keep.length * 0;
}
""",
    "java": r"""
import java.io.*;
import java.nio.ByteBuffer;
import java.nio.file.*;
import java.util.*;

class Solution {
    static List<Object> keep = new ArrayList<>();

    static void touch(ByteBuffer b) { for (int i = 0; i < b.capacity(); i += 4096) b.put(i, (byte) 1); }

    public int hold(String mode, int mib) {
        int half = mib / 2;
        keep.clear();
        try {
            if (mode.equals("one")) {
                byte[] a = new byte[mib << 20]; Arrays.fill(a, (byte) 1); keep.add(a);
            } else if (mode.equals("direct")) {
                ByteBuffer d = ByteBuffer.allocateDirect(half << 20); touch(d); keep.add(d);
                byte[] a = new byte[(mib - half) << 20]; Arrays.fill(a, (byte) 1); keep.add(a);
            } else if (mode.equals("tmp")) {
                byte[] twelve = new byte[12 << 20]; Arrays.fill(twelve, (byte) 't');  // a file may have 16 MiB
                for (int n = 0; n < 4; n++) Files.write(Paths.get("/tmp/hoard" + n), twelve);
                int rest = mib - 48;
                ByteBuffer d = ByteBuffer.allocateDirect((rest / 2) << 20); touch(d); keep.add(d);
                byte[] a = new byte[(rest - rest / 2) << 20]; Arrays.fill(a, (byte) 1); keep.add(a);
                for (int n = 0; n < 4; n++) Files.delete(Paths.get("/tmp/hoard" + n));
            } else if (mode.equals("spawn")) {
                byte[] a = new byte[half << 20]; Arrays.fill(a, (byte) 1); keep.add(a);
                String code = "b = bytearray(" + (mib - half) + " << 20)\n"
                    + "for i in range(0, len(b), 4096): b[i] = 1\nprint(1)";
                Process p = new ProcessBuilder("/usr/bin/python3", "-c", code).redirectErrorStream(true).start();
                p.getInputStream().readAllBytes();
                p.waitFor();
            }
        } catch (IOException | InterruptedException e) {
            throw new RuntimeException(e);
        }
        keep.clear();
        return mib;
    }
}
""",
}

OVER = (3 * M) // 2  # 192 MiB in all: within every per-process bound (RLIMIT_AS, -Xmx), over the run's
UNDER = M - 8  # an honest program's data, just under the limit

ATTACKS = {
    "python": ["fork", "multiprocessing", "tmp", "memfd", "mmap"],
    "cpp": ["fork", "tmp", "memfd", "mmap"],
    "javascript": ["buffer", "typed", "spawn", "worker", "tmp"],
    "java": ["direct", "tmp", "spawn"],
}
CONTROLS = {
    "python": ["one", "fork", "tmp", "memfd", "mmap"],
    "cpp": ["one", "fork", "tmp", "memfd", "mmap"],
    "javascript": ["heap", "buffer", "typed", "tmp", "worker"],
    # In this order the later ones hold their data beside the earlier ones' garbage, until the harness collects it.
    "java": ["one", "tmp", "direct"],
}


def _run(
    sandbox, settings, language: str, cases: list[tuple[str, int]]
) -> dict[str, tuple[Verdict, str | None]]:
    tests = [Case(id=f"{mode}-{mib}", args=[mode, mib], expected=mib) for mode, mib in cases]
    request = RunRequest(
        language=language,  # type: ignore[arg-type]
        source=SOURCES[language],
        signature=SIGNATURE,
        tests=tests,
        mode="run",
        limits=LIMITS,
    )
    return {t.id: (t.verdict, t.message) for t in run_request(request, sandbox, settings).tests}


@pytest.mark.parametrize("language", sorted(SOURCES))
def test_memory_spread_over_processes_buffers_mappings_and_files_is_memory_limit(
    sandbox, judge_settings, language
):
    results = _run(sandbox, judge_settings, language, [(mode, OVER) for mode in ATTACKS[language]])
    for mode in ATTACKS[language]:
        verdict, message = results[f"{mode}-{OVER}"]
        assert verdict is Verdict.MEMORY_LIMIT, (mode, verdict, message)


@pytest.mark.parametrize("language", sorted(SOURCES))
def test_an_honest_program_just_under_the_limit_is_accepted_however_it_holds_its_data(
    sandbox, judge_settings, language
):
    results = _run(sandbox, judge_settings, language, [(mode, UNDER) for mode in CONTROLS[language]])
    for test_id, (verdict, message) in results.items():
        assert verdict is Verdict.ACCEPTED, (test_id, verdict, message)


def test_the_run_limit_is_the_stated_limit_plus_the_runtime_baseline_and_one_allowance():
    allowances = {p.run_memory_mb(M) - M - p.baseline_mb for p in POLICIES.values()}
    assert allowances == {16}


# A C++ program carrying 48 MiB of initialised static data (`.fill`, an `.incbin` of a host file or of /dev/zero
# do the same): its executable lives on the judge's scratch tmpfs, charged to the compile, and the run read it
# without being charged. The parent reads the table; a forked child, the table unmapped (RLIMIT_AS counts each
# process's mappings), holds 56 MiB: 104 MiB in all, past the run's 90 MiB at M = 64.
CARRIED = r"""
#include <bits/stdc++.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>
static char table[48 << 20] = {1};

class Solution {
public:
    int hold(std::string mode, int mib) {
        volatile long sum = 0;
        for (size_t i = 0; i < sizeof table; i += 4096) sum += table[i];
        int ready[2], go[2];
        if (pipe(ready) || pipe(go)) return -1;
        pid_t pid = fork();
        if (pid == 0) {
            uintptr_t from = ((uintptr_t)table + 4095) & ~(uintptr_t)4095;
            munmap((void*)from, sizeof table - 8192);
            size_t n = (size_t)mib << 20;
            char* held = (char*)malloc(n);
            for (size_t i = 0; held && i < n; i += 4096) held[i] = 1;
            write(ready[1], "x", 1);
            char c;
            read(go[0], &c, 1);
            _exit(0);
        }
        close(ready[1]);
        char c;
        read(ready[0], &c, 1);  // nothing: the child was killed filling its part
        write(go[1], "x", 1);
        waitpid(pid, nullptr, 0);
        return mib + (int)(sum & 0);
    }
};
"""


def _carried(language: str, source: str, mib: int) -> RunRequest:
    # A run at M = 64 whose program holds `mib` MiB of its own beside what its build carried.
    return RunRequest(
        language=language,  # type: ignore[arg-type]
        source=source,
        signature=SIGNATURE,
        tests=[Case(id="carried", args=["carried", mib], expected=mib)],
        mode="run",
        limits=RunLimits(memory_mb=64, time_limit_s=5.0, compile_s=30),
    )


def test_a_compiled_programs_own_size_counts_against_the_run(sandbox, judge_settings):
    report = run_request(_carried("cpp", CARRIED, 56), sandbox, judge_settings)
    assert report.verdict is Verdict.MEMORY_LIMIT, (report.compile_output[:300], report.tests[0].message)


# The same through Java: a class javac builds from 30 KB of source, 800 string constants of 61 KB each folded at
# compile time (47 MiB), is never loaded, and the program maps its file and reads it while holding 90 MiB of its own:
# 137 MiB of data, and the JVM's own, in a run allowed 144 at M = 64 (`accepted`: only the ELF executable counted).
def _blob(constants: int) -> str:
    # 16 characters, then each four times the one before, and G of 61,440
    lines = ['    static final String A = "xxxxxxxxxxxxxxxx";']
    lines += [
        f"    static final String {b} = {a}+{a}+{a}+{a};" for a, b in zip("ABCDE", "BCDEF", strict=True)
    ]
    lines.append("    static final String G = F+F+F+E+E+E;")
    lines += [f'    static final String H{i} = G+"{i}";' for i in range(constants)]
    return "class Blob {\n" + "\n".join(lines) + "\n}\n"


CARRIED_JAVA = r"""
import java.nio.*;
import java.nio.channels.*;
import java.nio.file.*;
import java.util.*;

class Solution {
    static List<Object> kept = new ArrayList<>();

    public int hold(String mode, int mib) throws Exception {
        long sum = 0;
        try (FileChannel ch = FileChannel.open(Paths.get("/judge/classes/Blob.class"))) {
            MappedByteBuffer table = ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size());
            for (int i = 0; i < ch.size(); i += 4096) sum += table.get(i);
        }
        for (int k = 0; k < mib; k++) {  // 56 MiB on the heap (its old generation holds M), the rest off it
            if (k < 56) {
                byte[] a = new byte[1 << 20];
                for (int i = 0; i < a.length; i += 4096) a[i] = 1;
                kept.add(a);
            } else {
                ByteBuffer b = ByteBuffer.allocateDirect(1 << 20);
                for (int i = 0; i < (1 << 20); i += 4096) b.put(i, (byte) 1);
                kept.add(b);
            }
        }
        return mib + (int) (sum & 0);
    }
}
"""


def test_a_java_programs_class_files_count_against_the_run(sandbox, judge_settings):
    report = run_request(_carried("java", CARRIED_JAVA + _blob(800), 90), sandbox, judge_settings)
    assert report.verdict is Verdict.MEMORY_LIMIT, (report.compile_output[:300], report.tests[0].message)


def test_every_file_of_the_build_directory_counts_its_allocated_pages_added_up_before_whole_mib(tmp_path):
    # Many classes each just under a MiB (javac writes one per class) are not each rounded down to nothing; a sparse
    # file's holes hold no memory; a symbolic link is not its target counted twice.
    classes = tmp_path / "classes"
    classes.mkdir()
    for i in range(8):
        (classes / f"C{i}.class").write_bytes(b"\x01" * ((1 << 20) - 4096))
    with open(tmp_path / "sparse", "wb") as f:
        f.truncate(100 << 20)
    (tmp_path / "link").symlink_to(classes / "C0.class")
    assert carried_mb(tmp_path) == (8 * ((1 << 20) - 4096)) >> 20 == 7


def test_a_build_larger_than_the_run_leaves_the_floor_and_a_jvm_that_cannot_start_in_it_is_memory_limit(
    sandbox, judge_settings
):
    # 94 MiB of classes at M = 16 (a run of 96): the run's group keeps MIN_RUN_GROUP_MB, where no JVM starts. The
    # candidate's build did that, so it is theirs (memory_limit), never the judge failing to start a runtime.
    blob = _blob(800)
    request = RunRequest(
        language="java",
        source="class Solution { public int hold(String mode, int mib) { return mib; } }\n"
        + blob
        + blob.replace("class Blob", "class Blob2"),
        signature=SIGNATURE,
        tests=[Case(id="floor", args=["floor", 1], expected=1)],
        mode="run",
        limits=RunLimits(memory_mb=16, time_limit_s=5.0, compile_s=30),
    )
    report = run_request(request, sandbox, judge_settings)
    assert report.verdict is Verdict.MEMORY_LIMIT, (report.compile_output[:300], report.tests[0].message)
