"""The Java harness runtime (`shadows.R`) compiled once per host, plus a class-data-sharing archive for javac."""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from judge.errors import JudgeInternalError
from judge.harness_cpp_prelude import cache_root, toolchain_identity

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class RuntimeSources:
    """What the runtime is built from, handed over by the harness generator (judge.harness_java)."""

    javac_flags: tuple[str, ...]
    runtime_file: str  # e.g. shadows/R.java
    runtime_source: str
    sample: tuple[
        tuple[str, str], ...
    ]  # a typical submission's files (name, text): javac's classes are recorded


@dataclass(frozen=True)
class JavaRuntime:
    directory: str  # bound read-only into the sandbox
    classes: str  # compiled shadows.R, for -cp
    javac_archive: str | None  # AppCDS archive of javac's own classes (about a third less javac CPU)


def ensure_runtime(javac_bin: str, sources: RuntimeSources) -> JavaRuntime:
    """The per-host Java runtime, rebuilt if its files disappeared since it was built."""
    runtime = _ensure_runtime(javac_bin, sources)
    if not (Path(runtime.classes) / "shadows" / "R.class").is_file():
        _ensure_runtime.cache_clear()
        runtime = _ensure_runtime(javac_bin, sources)
    return runtime


@lru_cache(maxsize=4)
def _ensure_runtime(javac_bin: str, sources: RuntimeSources) -> JavaRuntime:
    """Build (on first use; trusted input: only our own code) the runtime classes and javac's CDS archive."""
    identity = toolchain_identity(javac_bin)
    key = hashlib.sha256(f"{identity}\0{sources.javac_flags}\0{sources.runtime_source}".encode()).hexdigest()[
        :16
    ]
    directory = cache_root() / f"java-{key}"
    classes, archive = directory / "classes", directory / "javac.jsa"
    if (classes / "shadows" / "R.class").is_file():
        return JavaRuntime(str(directory), str(classes), str(archive) if archive.is_file() else None)
    directory.mkdir(parents=True, exist_ok=True)
    for d in (directory, directory.parent):
        with contextlib.suppress(OSError):
            d.chmod(0o755)
    work = Path(tempfile.mkdtemp(dir=directory, prefix="build-"))
    try:
        (work / "shadows").mkdir()
        (work / sources.runtime_file).write_text(sources.runtime_source)
        built = work / "classes"
        _javac(javac_bin, sources, ["-d", str(built), str(work / sources.runtime_file)], "the Java runtime")
        _publish(built)
        with contextlib.suppress(FileExistsError, OSError):
            os.rename(built, classes)
        # Record which classes javac loads while compiling a typical submission, for later javac runs to map.
        for name, text in sources.sample:
            (work / name).write_text(text)
        jsa = work / "javac.jsa"
        try:
            _javac(javac_bin, sources, [f"-J-XX:ArchiveClassesAtExit={jsa}", "-J-Xlog:disable", "-cp", str(classes),
                                        "-d", str(work / "sample"), *(str(work / name) for name, _ in sources.sample)],
                   "the javac archive")  # fmt: skip
            jsa.chmod(0o644)
            os.replace(jsa, archive)
        except JudgeInternalError:
            log.warning("javac class-data-sharing archive unavailable; compiling without it")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return JavaRuntime(str(directory), str(classes), str(archive) if archive.is_file() else None)


def _javac(javac_bin: str, sources: RuntimeSources, args: list[str], what: str) -> None:
    try:
        subprocess.run([javac_bin, *sources.javac_flags, *args], check=True, capture_output=True, timeout=300)  # noqa: S603
    except (OSError, subprocess.SubprocessError) as exc:
        raise JudgeInternalError(f"building {what} failed ({type(exc).__name__})") from exc


def _publish(tree: Path) -> None:
    for root, _dirs, files in os.walk(tree):
        os.chmod(root, 0o755)  # noqa: S103 - the sandbox uids must read our runtime classes (no secrets in them)
        for name in files:
            os.chmod(os.path.join(root, name), 0o644)
