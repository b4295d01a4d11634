"""What each limit of a run means, per language, in one place (docs/judge.md quotes this module).

A request's `RunLimits` are stated for the candidate's program; the runtime's own baseline is added on top, so that
a program within the stated limit fits in every language:

- time (`time_limit_s`, per test): the test's charged time, `max(CPU time of every thread and child, wall time less
  the time the host kept it waiting for a CPU or, where its run has a cgroup v2 group, for the disk)`, from the
  moment its input is sent until its result is read.
  Over the limit: `time_limit`, and the process is killed from outside. Top-level code (Python, JavaScript) gets
  the same limit once, when the code is loaded.
- memory (`memory_mb`, M): what the whole run may hold beyond its runtime's own measured baseline, however it is
  held: every process and thread it starts, on or off a runtime's heap, mapped, and in files on its tmpfs mounts.
  The run's memory cgroup is M + the language's baseline + RUN_ALLOWANCE_MB, enforced by the kernel; an OOM kill in
  the run is `memory_limit` for the test it happened in. The language's own limits (RLIMIT_AS, -Xmx, V8's old space)
  stop a single runaway allocation earlier, with a clean in-language error.
- output (`output_bytes`, per test): bytes written to stdout and stderr during the test, however written (print,
  printf, write(1, ...), System.out, FileDescriptor.out, process.stdout, fs.writeSync(1, ...)). Over it:
  `output_limit`, and the process is killed.

Every process also gets a start-up allowance (interpreter or JVM start, before any test), and the whole job is
bounded by `job_budget_s`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from judge.cgroups import DRAIN_MAX_S
from judge.schemas import RunRequest

if TYPE_CHECKING:
    from judge.settings import JudgeSettings

PROCESSES_PER_RUN = (
    100  # processes and threads one run may have at once (within Judge0's default maximum, 120)
)
FILE_SIZE_BYTES = 16 << 20  # any one file the program writes
COMPILE_MEMORY_MB = 1536


# What a run may hold over M beyond its runtime's baseline, the same in every language: the kernel's own charges for
# the run (page tables, kernel stacks, pipe buffers), the harness's copy of a test's input and of the returned
# value's JSON, and the runtimes' variation around their measured baselines.
RUN_ALLOWANCE_MB = 16
STARTUP_WALL_FACTOR = 4  # see LanguagePolicy.startup_wall_s


@dataclass(frozen=True)
class LanguagePolicy:
    """How a language's runtime is sized around the stated memory limit M (MiB)."""

    startup_s: float  # the runtime's start-up allowance per process (before the harness says hello)
    # Whether our harness code runs, and says hello, before any of the candidate's (an interpreter or a JVM; not C++,
    # whose static constructors run before main). Then nothing of theirs can make the start slow: only its CPU time
    # counts against startup_s, and the wall time is only a backstop against a runtime that hangs (startup_wall_s).
    harness_first: bool
    address_space_mb: int | None  # RLIMIT_AS = M + this (None: not applied; the JVM and V8 reserve far more)
    heap_extra_mb: (
        int  # Java: -Xmx = M + this (its young generation); JavaScript: --max-old-space-size = M + this
    )
    # The runtime's own footprint in the run's memory cgroup, measured (docs/judge.md, Limits): the most an idle
    # harness, or one whose program only makes garbage, was charged, rounded up.
    baseline_mb: int
    judge0_extra_mb: int  # Judge0 only: the box's memory limit is M + this (+ the driver)

    @property
    def startup_wall_s(self) -> float:
        """The most wall time a process may take to say hello. Past it (or past startup_s of CPU), a harness-first
        runtime's slow start is the judge's failure, never the candidate's verdict: a JVM took over 4 s of wall time
        to start on a host running three test workers, while using a fraction of that in CPU."""
        return (STARTUP_WALL_FACTOR if self.harness_first else 2) * self.startup_s

    def run_memory_mb(self, memory_mb: int) -> int:
        """The run's memory cgroup limit (its tmpfs mounts included) for a stated limit of `memory_mb`."""
        return memory_mb + self.baseline_mb + RUN_ALLOWANCE_MB


POLICIES: dict[str, LanguagePolicy] = {
    # The interpreter and harness: 4-5 MiB charged idle, 8.7 MiB with a dozen stdlib modules imported. RLIMIT_AS
    # (the interpreter maps ~13 MiB of address space) turns one runaway allocation into a MemoryError.
    "python": LanguagePolicy(
        harness_first=True,
        startup_s=2.0,
        address_space_mb=64,
        heap_extra_mb=0,
        baseline_mb=10,
        judge0_extra_mb=64,
    ),
    # V8 itself, its code and new space: 10-15 MiB idle; 21 MiB over the data for 120 MiB of doubles on the heap
    # beside garbage (M = 128). Its old space (M + 8: V8's own objects live there too) is collected before it can
    # outgrow the cgroup; Buffers and typed arrays are bounded by the cgroup alone.
    "javascript": LanguagePolicy(
        harness_first=True,
        startup_s=2.0,
        address_space_mb=None,
        heap_extra_mb=8,
        baseline_mb=32,
        judge0_extra_mb=192,
    ),
    # -Xmx M+32 with a 32 MiB young generation: the old generation holds M. The JVM's own metaspace, code cache,
    # stacks and GC structures (18 MiB idle) and the young generation, all touched by a program making garbage
    # (44-62 MiB).
    "java": LanguagePolicy(
        harness_first=True,
        startup_s=4.0,
        address_space_mb=None,
        heap_extra_mb=32,
        baseline_mb=64,
        judge0_extra_mb=192,
    ),
    # The binary and libstdc++: 1.3 MiB charged idle, 9 MiB with iostreams and strings. RLIMIT_AS turns one runaway
    # allocation into bad_alloc.
    "cpp": LanguagePolicy(
        harness_first=False,
        startup_s=1.0,
        address_space_mb=32,
        heap_extra_mb=0,
        baseline_mb=10,
        judge0_extra_mb=32,
    ),
}
JAVA_YOUNG_MB = 32


def job_budget_s(request: RunRequest) -> float:
    """The most one request can take: compile, then per test its limit and as much again of waiting for a CPU,
    a start-up allowance plus the load limit for each process (at most one per test), and the run's wait for the disk
    to serve reads its processes queued past their rate (judge.cgroups.ReadDrain: once for the whole run)."""
    tests = len(request.selected_tests())
    per_test = request.limits.time_limit_s
    startup = POLICIES[request.language].startup_wall_s
    compile_s = 2 * request.limits.compile_s if request.language in ("java", "cpp") else 0.0
    return compile_s + tests * 2 * per_test + (tests + 1) * (startup + 2 * per_test) + DRAIN_MAX_S


JOB_GRACE_S = 30.0  # a pool worker's bookkeeping beyond its job's own bound (judge.backends.local, .remote)


def pool_timeout_s(request: RunRequest, settings: JudgeSettings) -> float:
    """How long a judge pool lets the job for `request` run before it kills its worker: its budget and the grace,
    never under `job_timeout_s`. The one place this is decided: the local backend (in the API, or on a judge host)
    submits its job with it, and the remote backend leaves a run that much between its start-by and its deadline,
    so that no run it started outlives the wait (judge hosts keep SHADOWS_JUDGE_JOB_TIMEOUT_S at most the API's)."""
    return max(settings.job_timeout_s, job_budget_s(request) + JOB_GRACE_S)


def run_bound_s(request: RunRequest, settings: JudgeSettings) -> float:
    """The longest `Judge.run` may take for `request` once admitted (the local and remote backends): the pool's
    timeout for its job (`pool_timeout_s`), and with the remote backend a host's queue before it too. What must
    outlast a run (the API's lease on its session, api.run_flow) lasts at least this."""
    bound = pool_timeout_s(request, settings)
    if settings.backend == "remote":
        bound += settings.remote_queue_wait_s
    return bound
