"""What every language harness hands the runner: its files, and how to build and run it.

A harness is one program that loads the candidate's code once and then answers test inputs one at a time, as
judge.protocol describes. Its files (harness, the candidate's source, and what the compiler builds from them) are
the only things written before anything runs, and the run sees them read-only at `/judge`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from judge.bwrap import PROGRAM_DIR

__all__ = ["MESSAGE_CHARS", "PROGRAM_DIR", "HarnessProgram"]

MESSAGE_CHARS = 600


@dataclass(frozen=True)
class HarnessProgram:
    """A generated harness: files to write (relative paths) and how to compile (in the build directory, at
    /work) and run it (the build directory read-only at /judge, a fresh private /work)."""

    language: str
    files: Mapping[str, str]
    run_argv: list[str]
    compile_argv: list[str] | None = None
    ro_binds: tuple[str, ...] = field(default=())
    # Compile this instead when compiling fails (same harness, heavier includes); None: the failure is final.
    fallback: HarnessProgram | None = None
    # The file the run needs from the compiler (relative to the build directory); checked before every start.
    binary: str | None = None
    # Environment the run gets beside the sandbox's own (judge.bwrap.child_env).
    run_env: Mapping[str, str] = field(default_factory=dict)
