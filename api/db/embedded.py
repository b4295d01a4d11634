"""A local PostgreSQL 15 server from the Debian binaries, for `shadows dev` and the test suite."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
from dataclasses import dataclass
from pathlib import Path

import structlog

from api.errors import ApiError

log = structlog.get_logger(__name__)

PG_BIN_DIRS = (Path("/usr/lib/postgresql/15/bin"), Path("/usr/local/bin"))


class EmbeddedPostgresError(ApiError):
    status = 500
    code = "embedded_postgres"


def _find_bin(name: str) -> str:
    for d in PG_BIN_DIRS:
        if (d / name).is_file():
            return str(d / name)
    found = shutil.which(name)
    if found:
        return found
    raise EmbeddedPostgresError(
        f"PostgreSQL 15 server binary {name!r} not found; install it with: apt-get install -y postgresql-15"
    )


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class EmbeddedPostgres:
    """One cluster in `root` (data in root/data, socket in root/run). As root the server runs as `postgres`,
    because PostgreSQL refuses to run as root."""

    root: Path
    port: int | None = None
    fast_unsafe: bool = False  # fsync off: for throw-away test clusters only

    def __post_init__(self) -> None:
        self.root = Path(self.root).absolute()
        self.data = self.root / "data"
        self.run_dir = self.root / "run"
        self.logfile = self.root / "postgres.log"

    @property
    def url(self) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/postgres"

    def _as_owner(self, argv: list[str]) -> list[str]:
        if os.geteuid() == 0:
            return ["runuser", "-u", "postgres", "--", *argv]
        return argv

    def _chown(self, path: Path) -> None:
        if os.geteuid() == 0:
            shutil.chown(path, "postgres", "postgres")

    def _run(self, argv: list[str]) -> None:
        proc = subprocess.run(self._as_owner(argv), capture_output=True, text=True, check=False)  # noqa: S603
        if proc.returncode != 0:
            raise EmbeddedPostgresError(f"{Path(argv[0]).name} failed: {proc.stderr.strip()[-800:]}")

    def initialised(self) -> bool:
        return (self.data / "PG_VERSION").is_file()

    def running(self) -> bool:
        proc = subprocess.run(  # noqa: S603
            self._as_owner([_find_bin("pg_ctl"), "-D", str(self.data), "status"]),
            capture_output=True,
            check=False,
        )
        return proc.returncode == 0

    def start(self) -> str:
        """Initialise (first time) and start the server; returns its URL. Idempotent."""
        self.root.mkdir(parents=True, exist_ok=True)
        self._chown(self.root)
        for d in (self.run_dir,):
            d.mkdir(exist_ok=True)
            self._chown(d)
        if not self.initialised():
            log.info("postgres.initdb", root=str(self.root))
            self._run(
                [
                    _find_bin("initdb"),
                    "-D",
                    str(self.data),
                    "-U",
                    "postgres",
                    "--auth=trust",
                    "-E",
                    "UTF8",
                    "--locale=C.UTF-8",
                    "--no-sync",
                ]
            )
        port_file = self.root / "port"
        if self.running():
            self.port = int(port_file.read_text())
            return self.url
        if self.port is None:
            saved = port_file.read_text().strip() if port_file.exists() else ""
            self.port = int(saved) if saved else _free_port()
        options = f"-c listen_addresses=127.0.0.1 -p {self.port} -k {self.run_dir} -c max_connections=200"
        if self.fast_unsafe:
            options += " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        self._run(
            [_find_bin("pg_ctl"), "-D", str(self.data), "-l", str(self.logfile), "-w", "-o", options, "start"]
        )
        port_file.write_text(str(self.port))
        log.info("postgres.started", port=self.port)
        return self.url

    def stop(self) -> None:
        if self.initialised() and self.running():
            self._run([_find_bin("pg_ctl"), "-D", str(self.data), "-w", "-m", "fast", "stop"])
