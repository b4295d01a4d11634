"""Judge settings (env prefix SHADOWS_JUDGE_): backend, concurrency, limit maxima, toolchain paths, and the judge
service (`shadows judge serve`) with its client, the `remote` backend."""

from __future__ import annotations

import json
import os
from functools import lru_cache
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

from pydantic import Field, SecretStr, ValidationInfo, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from judge.credential_mask import CredentialFreeRepr

# What a judge worker inherits from its parent; everything else (DATABASE_URL, provider keys, ...) stays behind.
WORKER_INHERITS = ("PATH", "LANG", "LC_ALL", "HOME", "TMPDIR")


# The highest uid or gid a sandbox may drop to: setresuid and setresgid read 2**32 - 1 (-1) as "leave it unchanged",
# so setpriv given it keeps root's (judge.bwrap.launch_argv).
MAX_SANDBOX_ID = 2**32 - 2


def _cpu_count() -> int:
    return os.cpu_count() or 1


class JudgeSettings(CredentialFreeRepr, BaseSettings):  # printed with URL credentials masked
    """Settings for the code judge. Limits here are maxima: a request may lower them, never raise them."""

    model_config = SettingsConfigDict(
        # hide_input_in_errors: a validation error would print every input, secrets included
        env_prefix="SHADOWS_JUDGE_",
        env_file=".env",
        extra="ignore",
        hide_input_in_errors=True,
    )

    # `local`: a pool of sandboxed workers in this process; `judge0`: a Judge0 server; `remote`: judge services
    # (`shadows judge serve`) at `remote_urls`. A judge service itself always runs `local`.
    backend: Literal["local", "judge0", "remote"] = "local"
    # `local`/`test` allow a judge service without a token on a loopback address; elsewhere it needs one (or mTLS).
    environment: Literal["local", "test", "staging", "production"] = "local"
    slots: int = _cpu_count()
    queue_size: int = 32
    # Runs candidate code without bubblewrap when the sandbox is unavailable. Never in production.
    unsafe_local_dev: bool = False
    max_code_bytes: int = 64_000
    # A pool job (compile + run + re-runs) taking longer than this is a judge bug: the worker is replaced.
    job_timeout_s: float = 120.0

    # Limit maxima (see judge.sandbox_limits.Limits for the per-run defaults).
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
    # Neither 0 (root's) nor 2**32 - 1 (which setresuid and setresgid read as "unchanged", keeping root's).
    sandbox_uid: int = Field(default=61000, ge=1, le=MAX_SANDBOX_ID)
    sandbox_uid_count: int = Field(default=1000, ge=1)
    sandbox_gid: int = Field(default=65534, ge=1, le=MAX_SANDBOX_ID)

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

    # The `remote` backend: judge service base URLs (comma-separated), the token it sends, and for https the CA
    # that signed the services' certificates and (mTLS) this client's own certificate and key.
    remote_urls: str = ""
    # Dedicated Submit hosts (optional, comma-separated, disjoint from `remote_urls`): when set, every Submit goes
    # only to these and every Run to `remote_urls` only, so no process whose output is shown ever runs on a host
    # where hidden inputs were given to candidate code (its page cache outlives the process: docs/judge.md).
    remote_submit_urls: str = ""
    remote_token: SecretStr | None = None
    remote_tls_ca: Path | None = None
    remote_tls_cert: Path | None = None
    remote_tls_key: Path | None = None
    remote_connect_timeout_s: float = Field(default=2.0, gt=0, le=60)
    # How long to wait for a host's answer beyond the run's own budget (its time in the host's queue).
    remote_queue_wait_s: float = Field(default=60.0, ge=0, le=3600)
    # How often each host's /readyz is polled for its load (0: only what responses report).
    remote_poll_s: float = Field(default=1.0, ge=0, le=60)

    # The judge service (`shadows judge serve`): bind address, TLS (a client CA turns on mTLS), request bounds,
    # how many recent run ids (and how many MiB of their reports, for how long) it remembers to answer a retried
    # run without running it again, and an optional bearer token for /metrics. A request head must arrive whole
    # within serve_keep_alive_s of a connection's opening or of its previous response (as idle connections are kept).
    serve_host: str = "127.0.0.1"
    serve_port: int = Field(default=8090, ge=0, le=65535)
    serve_tls_cert: Path | None = None
    serve_tls_key: Path | None = None
    serve_tls_client_ca: Path | None = None
    serve_max_body_bytes: int = Field(default=4 << 20, ge=64 << 10, le=64 << 20)
    serve_body_timeout_s: float = Field(default=10.0, gt=0, le=300)
    serve_keep_alive_s: float = Field(default=30.0, gt=0, le=600)
    serve_idempotency_runs: int = Field(default=4096, ge=16, le=1_000_000)
    serve_idempotency_mb: int = Field(default=64, ge=1, le=4096)
    serve_idempotency_s: float = Field(default=900.0, gt=0, le=86_400)
    # MiB of questions' tests (their JSON; about ten times that in memory, parsed) kept by digest for runs that name
    # them instead of carrying them (judge.remote_protocol).
    serve_tests_cache_mb: int = Field(default=32, ge=1, le=4096)
    metrics_token: SecretStr | None = None

    bwrap_bin: str = "/usr/bin/bwrap"
    python_bin: str = "/usr/bin/python3"
    node_bin: str = "/usr/bin/node"
    java_bin: str = "/usr/bin/java"
    javac_bin: str = "/usr/bin/javac"
    cxx_bin: str = "/usr/bin/g++"

    @field_validator("remote_token", "metrics_token", "judge0_auth_token", mode="after")
    @classmethod
    def _empty_secret_is_unset(cls, value: SecretStr | None) -> SecretStr | None:
        """`VAR=` (as compose writes `${VAR:-}`) means unset, not a token of length zero."""
        return None if value is not None and not value.get_secret_value() else value

    @field_validator("sandbox_uid_count", mode="after")
    @classmethod
    def _uid_range_unprivileged(cls, value: int, info: ValidationInfo) -> int:
        first = info.data.get("sandbox_uid")
        if first is not None and first + value - 1 > MAX_SANDBOX_ID:
            raise ValueError(f"the sandbox uid range ends past {MAX_SANDBOX_ID}")
        return value

    @field_validator("remote_submit_urls", mode="after")
    @classmethod
    def _submit_hosts_apart(cls, value: str, info: ValidationInfo) -> str:
        # A field validator, not a model validator: its error quotes this field's value, never the whole input
        # (which holds the token). By host name, not URL: two services on one machine (another port) share its page
        # cache. Two names of one machine cannot be told apart here (docs/deployment.md).
        runs = {_host_name(u) for u in _url_list(info.data.get("remote_urls", ""))}
        shared = runs & {_host_name(u) for u in _url_list(value)}
        if shared:
            raise ValueError(
                "SHADOWS_JUDGE_REMOTE_SUBMIT_URLS must not name a host of SHADOWS_JUDGE_REMOTE_URLS (a Run there "
                f"could read what a Submit left in the host's page cache): {', '.join(sorted(shared))}"
            )
        return value

    @property
    def remote_hosts(self) -> list[str]:
        """`remote_urls` as a list of base URLs without trailing slashes (duplicates dropped)."""
        return _url_list(self.remote_urls)

    @property
    def remote_submit_hosts(self) -> list[str]:
        """`remote_submit_urls` as a list like `remote_hosts` (empty: Submits share the run hosts)."""
        return _url_list(self.remote_submit_urls)

    def worker_environ(self, *, pythonpath: str) -> dict[str, str]:
        """The environment of a judge worker process: a minimal inherited set plus these settings, without any
        secret (the process that runs bwrap needs none: tokens stay in the process that talks to the network)."""
        env = {k: os.environ[k] for k in WORKER_INHERITS if k in os.environ}
        env["PYTHONPATH"] = pythonpath
        for name, value in self.model_dump().items():
            if value is None or isinstance(value, SecretStr):
                continue
            env[f"SHADOWS_JUDGE_{name.upper()}"] = (
                json.dumps(value) if isinstance(value, list | dict) else str(value)
            )
        return env


def _host_name(url: str) -> str:
    try:
        return urlsplit(url).hostname or url
    except ValueError:  # not a URL at all: the remote backend refuses it at start
        return url


def _url_list(urls: str) -> list[str]:
    hosts: list[str] = []
    for url in urls.split(","):
        url = url.strip().rstrip("/")
        if url and url not in hosts:
            hosts.append(url)
    return hosts


@lru_cache(maxsize=1)
def get_settings() -> JudgeSettings:
    """The process-wide judge settings (tests: `get_settings.cache_clear()` or pass their own)."""
    return JudgeSettings()
