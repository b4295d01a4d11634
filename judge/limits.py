"""What each limit of a run means, per language, in one place (docs/judge.md quotes this module).

A request's `RunLimits` are stated for the candidate's program; the runtime's own baseline is added on top, so that
a program within the stated limit fits in every language:

- time (`time_limit_s`, per test): the test's charged time, `max(CPU time of every thread and child, wall time less
  the time the host kept it waiting for a CPU)`, from the moment its input is sent until its result is read.
  Over the limit: `time_limit`, and the process is killed from outside. Top-level code (Python, JavaScript) gets
  the same limit once, when the code is loaded.
- memory (`memory_mb`): what the program may allocate for its own data (below). Over it: `memory_limit`.
- output (`output_bytes`, per test): bytes written to stdout and stderr during the test, however written (print,
  printf, write(1, ...), System.out, FileDescriptor.out, process.stdout, fs.writeSync(1, ...)). Over it:
  `output_limit`, and the process is killed.

Every process also gets a start-up allowance (interpreter or JVM start, before any test), and the whole job is
bounded by `job_budget_s`.
"""

from __future__ import annotations

from dataclasses import dataclass

from judge.schemas import RunRequest

PROCESSES_PER_RUN = (
    100  # processes and threads one run may have at once (within Judge0's default maximum, 120)
)
FILE_SIZE_BYTES = 16 << 20  # any one file the program writes
COMPILE_MEMORY_MB = 1536


@dataclass(frozen=True)
class LanguagePolicy:
    """How a language's runtime is sized around the stated memory limit M (MiB)."""

    startup_s: float  # the runtime's start-up allowance per process (before the harness says hello)
    address_space_mb: int | None  # RLIMIT_AS = M + this (None: not applied; the JVM and V8 reserve far more)
    heap_extra_mb: (
        int  # Java: -Xmx = M + this (young generation); JavaScript: --max-old-space-size = M + this
    )
    cgroup_extra_mb: (
        int  # the run's memory cgroup = M + this (+ its tmpfs mounts): the runtime's own footprint
    )

    def cgroup_memory_mb(self, memory_mb: int) -> int:
        return memory_mb + self.cgroup_extra_mb


POLICIES: dict[str, LanguagePolicy] = {
    # The interpreter maps ~13 MiB; 64 MiB of room covers its allocator's slack and deep recursion's C stack.
    "python": LanguagePolicy(startup_s=2.0, address_space_mb=64, heap_extra_mb=0, cgroup_extra_mb=64),
    # V8's own heap and code (~40 MiB resident) on top of an old space of M + 64 MiB.
    "javascript": LanguagePolicy(startup_s=2.0, address_space_mb=None, heap_extra_mb=64, cgroup_extra_mb=192),
    # -Xmx M+64 with a 32 MiB young generation: an array of up to M+32 MiB fits in the old generation; the JVM's
    # metaspace, code cache and stacks (~60-100 MiB resident) on top.
    "java": LanguagePolicy(startup_s=4.0, address_space_mb=None, heap_extra_mb=64, cgroup_extra_mb=192),
    # The binary and libstdc++ map ~6 MiB; the rest is room for the allocator.
    "cpp": LanguagePolicy(startup_s=1.0, address_space_mb=32, heap_extra_mb=0, cgroup_extra_mb=32),
}
JAVA_YOUNG_MB = 32


def job_budget_s(request: RunRequest) -> float:
    """The most one request can take: compile, then per test its limit and as much again of waiting for a CPU,
    and a start-up allowance plus the load limit for each process (at most one per test)."""
    tests = len(request.selected_tests())
    per_test = request.limits.time_limit_s
    startup = POLICIES[request.language].startup_s
    compile_s = 2 * request.limits.compile_s if request.language in ("java", "cpp") else 0.0
    return compile_s + tests * 2 * per_test + (tests + 1) * 2 * (startup + per_test)
