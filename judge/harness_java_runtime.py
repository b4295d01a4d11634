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

from judge.bank import Param, Signature
from judge.errors import JudgeInternalError
from judge.harness_cpp_prelude import cache_root, toolchain_identity

log = logging.getLogger(__name__)

_SAMPLE_SOLUTION = """import java.util.*;

class Solution {
    public int[] sample(int[] nums, int target) {
        Map<Integer, Integer> seen = new HashMap<>();
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < nums.length; i++) { seen.put(nums[i], i); out.add(i); }
        return out.stream().mapToInt(Integer::intValue).toArray();
    }
}
"""


@dataclass(frozen=True)
class JavaRuntime:
    directory: str  # bound read-only into the sandbox
    classes: str  # compiled shadows.R, for -cp
    javac_archive: str | None  # AppCDS archive of javac's own classes (about a third less javac CPU)


def ensure_runtime(javac_bin: str) -> JavaRuntime:
    """The per-host Java runtime, rebuilt if its files disappeared since it was built."""
    runtime = _ensure_runtime(javac_bin)
    if not (Path(runtime.classes) / "shadows" / "R.class").is_file():
        _ensure_runtime.cache_clear()
        runtime = _ensure_runtime(javac_bin)
    return runtime


@lru_cache(maxsize=4)
def _ensure_runtime(javac_bin: str) -> JavaRuntime:
    """Build (on first use; trusted input: only our own code) the runtime classes and javac's CDS archive."""
    from judge import harness_java

    runtime = harness_java.runtime_source()
    identity = toolchain_identity(javac_bin)
    key = hashlib.sha256(f"{identity}\0{harness_java.JAVAC_FLAGS}\0{runtime}".encode()).hexdigest()[:16]
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
        (work / harness_java.RUNTIME_FILE).write_text(runtime)
        built = work / "classes"
        _javac(javac_bin, ["-d", str(built), str(work / harness_java.RUNTIME_FILE)], "the Java runtime")
        _publish(built)
        with contextlib.suppress(FileExistsError, OSError):
            os.rename(built, classes)
        # Record which classes javac loads while compiling a typical submission, for later javac runs to map.
        sig = Signature(function="sample", params=[Param(name="nums", type="int[]"), Param(name="target", type="int")],
                        returns="int[]")  # fmt: skip
        (work / harness_java.SOURCE_FILE).write_text(_SAMPLE_SOLUTION)
        (work / harness_java.HARNESS_FILE).write_text(harness_java.harness_source(sig))
        jsa = work / "javac.jsa"
        try:
            _javac(javac_bin, [f"-J-XX:ArchiveClassesAtExit={jsa}", "-J-Xlog:disable", "-cp", str(classes),
                               "-d", str(work / "sample"), str(work / harness_java.SOURCE_FILE),
                               str(work / harness_java.HARNESS_FILE)], "the javac archive")  # fmt: skip
            jsa.chmod(0o644)
            os.replace(jsa, archive)
        except JudgeInternalError:
            log.warning("javac class-data-sharing archive unavailable; compiling without it")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return JavaRuntime(str(directory), str(classes), str(archive) if archive.is_file() else None)


def _javac(javac_bin: str, args: list[str], what: str) -> None:
    from judge.harness_java import JAVAC_FLAGS

    try:
        subprocess.run([javac_bin, *JAVAC_FLAGS, *args], check=True, capture_output=True, timeout=300)  # noqa: S603
    except (OSError, subprocess.SubprocessError) as exc:
        raise JudgeInternalError(f"building {what} failed ({type(exc).__name__})") from exc


def _publish(tree: Path) -> None:
    for root, _dirs, files in os.walk(tree):
        os.chmod(root, 0o755)  # noqa: S103 - the sandbox uids must read our runtime classes (no secrets in them)
        for name in files:
            os.chmod(os.path.join(root, name), 0o644)
