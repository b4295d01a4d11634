"""The resource limits of one sandboxed process, and how a request's limits are clamped to a deployment's maximum."""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from judge.settings import JudgeSettings


@dataclass(frozen=True)
class Limits:
    """Resource limits of one sandboxed run. A request may lower them, never raise them past the maximum."""

    wall_s: float = 5.0  # whole process, wall clock; kills the process group
    cpu_s: float = 4.0  # RLIMIT_CPU
    memory_mb: int = 256  # cgroup v1 memory when available; else RLIMIT_AS when address_space_limit
    address_space_limit: bool = True  # RLIMIT_AS (Python, C++); False for Java/Node (use their heap flags)
    output_bytes: int = 1 << 20  # stdout+stderr cap enforced while reading; exceeded -> kill
    file_size_bytes: int = 16 << 20
    processes: int = 64
    open_files: int = 64
    tmpfs_mb: int = 64
    # The run's memory cgroup, everything in it counted (every process, its tmpfs mounts): a supervised run's
    # M + baseline + allowance (judge.limits). None: memory_mb plus the tmpfs mounts and room above RLIMIT_AS
    # (compiles and one-shot runs, where memory_mb is the whole budget).
    cgroup_mb: int | None = None

    @property
    def cpu_rlimit(self) -> int:
        """The soft RLIMIT_CPU, whole seconds (judge.bwrap.launch_argv); the hard one is a second more."""
        return max(1, math.ceil(self.cpu_s))

    def clamp(self, maximum: Limits, *, keep_time: bool = False) -> Limits:
        """These limits, each lowered to `maximum`'s where it is higher (and kept at a sane floor). `keep_time`
        leaves wall and CPU alone: a supervised process's are the sum of its tests' limits, each already clamped."""
        return replace(
            self,
            wall_s=self.wall_s if keep_time else max(0.1, min(self.wall_s, maximum.wall_s)),
            cpu_s=self.cpu_s if keep_time else max(0.1, min(self.cpu_s, maximum.cpu_s)),
            memory_mb=max(8, min(self.memory_mb, maximum.memory_mb)),
            address_space_limit=self.address_space_limit or maximum.address_space_limit,
            output_bytes=max(1024, min(self.output_bytes, maximum.output_bytes)),
            file_size_bytes=max(0, min(self.file_size_bytes, maximum.file_size_bytes)),
            processes=max(4, min(self.processes, maximum.processes)),
            open_files=max(8, min(self.open_files, maximum.open_files)),
            tmpfs_mb=max(1, min(self.tmpfs_mb, maximum.tmpfs_mb)),
        )

    @classmethod
    def maximum(cls, settings: JudgeSettings) -> Limits:
        """The ceiling configured for this deployment."""
        default = cls()
        return cls(
            wall_s=settings.max_wall_s,
            cpu_s=settings.max_cpu_s,
            memory_mb=settings.max_memory_mb,
            address_space_limit=False,
            output_bytes=settings.max_output_bytes,
            file_size_bytes=max(default.file_size_bytes, 64 << 20),
            processes=max(default.processes, 256),
            open_files=max(default.open_files, 256),
            tmpfs_mb=max(default.tmpfs_mb, 256),
        )
