"""Judge settings (env prefix SHADOWS_JUDGE_): backend, concurrency, limit maxima, toolchain paths."""

from __future__ import annotations

import json
import os
from functools import lru_cache
from typing import Literal

from pydantic import SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

# What a judge worker inherits from its parent; everything else (DATABASE_URL, provider keys, ...) stays behind.
WORKER_INHERITS = ("PATH", "LANG", "LC_ALL", "HOME", "TMPDIR")


def _cpu_count() -> int:
    return os.cpu_count() or 1


class JudgeSettings(BaseSettings):
    """Settings for the code judge. Limits here are maxima: a request may lower them, never raise them."""

    model_config = SettingsConfigDict(env_prefix="SHADOWS_JUDGE_", env_file=".env", extra="ignore")

    backend: Literal["local", "judge0"] = "local"
    slots: int = _cpu_count()
    queue_size: int = 32
    # Runs candidate code without bubblewrap when the sandbox is unavailable. Never in production.
    unsafe_local_dev: bool = False
    max_code_bytes: int = 64_000
    # A pool job (compile + run + re-runs) taking longer than this is a judge bug: the worker is replaced.
    job_timeout_s: float = 120.0

    # Limit maxima (see judge.sandbox.Limits for the per-run defaults).
    max_wall_s: float = 20.0
    max_cpu_s: float = 15.0
    max_memory_mb: int = 1024
    max_output_bytes: int = 8 << 20
    # Deny-list seccomp filter in the sandbox (io_uring, keyctl, bpf, ptrace, mount API, ...); x86-64 only.
    seccomp: bool = True
    # Per-process tmpfs holding run scratch dirs (root only; 0 = use the temp dir on disk).
    scratch_tmpfs_mb: int = 512

    # When the judge runs as root, every sandbox (one per pool worker) leases its own uid from
    # [sandbox_uid, sandbox_uid + sandbox_uid_count) under a host-wide lock, so no two judge processes on one host
    # share a uid (nor its RLIMIT_NPROC count). Code runs with gid `sandbox_gid`. The uids need no passwd entry.
    sandbox_uid: int = 61000
    sandbox_uid_count: int = 1000
    sandbox_gid: int = 65534

    judge0_url: str | None = None
    judge0_auth_token: SecretStr | None = None
    # The Judge0 server's maxima (judge0.conf MAX_*; these are Judge0 1.13.1's defaults). Every submission stays
    # within them, and the backend refuses to start when this deployment's own maxima cannot fit.
    judge0_max_cpu_s: float = 15.0
    judge0_max_wall_s: float = 20.0
    judge0_max_memory_kb: int = 512_000
    judge0_max_stack_kb: int = 128_000
    judge0_max_processes: int = 120
    judge0_max_file_size_kb: int = 4096

    bwrap_bin: str = "/usr/bin/bwrap"
    python_bin: str = "/usr/bin/python3"
    node_bin: str = "/usr/bin/node"
    java_bin: str = "/usr/bin/java"
    javac_bin: str = "/usr/bin/javac"
    cxx_bin: str = "/usr/bin/g++"

    def worker_environ(self, *, pythonpath: str) -> dict[str, str]:
        """The environment of a judge worker process: a minimal inherited set plus these settings."""
        env = {k: os.environ[k] for k in WORKER_INHERITS if k in os.environ}
        env["PYTHONPATH"] = pythonpath
        for name, value in self.model_dump().items():
            if value is None:
                continue
            if isinstance(value, SecretStr):
                value = value.get_secret_value()
            env[f"SHADOWS_JUDGE_{name.upper()}"] = (
                json.dumps(value) if isinstance(value, list | dict) else str(value)
            )
        return env


@lru_cache(maxsize=1)
def get_settings() -> JudgeSettings:
    """The process-wide judge settings (tests: `get_settings.cache_clear()` or pass their own)."""
    return JudgeSettings()
