"""The descriptors a sandboxed run talks through (pipes; for a compiler, in-memory files and a one-way socket no path
reopens), and how much a supervised run's pipes hold."""

from __future__ import annotations

import contextlib
import fcntl
import os
import socket


def pipe() -> tuple[int, int]:
    """A (read end, write end) pipe, neither end inherited."""
    return os.pipe2(os.O_CLOEXEC)


# The size of a supervised run's results channel and input pipe (the default /proc/sys/fs/pipe-max-size).
CHANNEL_BYTES = 1 << 20


def hold_output(output_bytes: int, *pipes: int) -> None:
    """Size a supervised run's stdout and stderr pipes to hold a test's whole output (its cap), and its results
    channel and input pipe to hold CHANNEL_BYTES: the supervisor does not count its own waiting to empty the first
    three, or to refill the last, as the program's (judge.supervisor.Supervisor._waited_for: a full pipe does not
    say that its writer waits, nor an empty one that its reader does), so an honest program should seldom wait for
    room there or for more input: a record or an input of up to 1 MiB in one go, a larger one in 1 MiB pieces. The
    pages a program fills are charged to its memory group as it writes them (the input's to the judge's). Best
    effort: a judge that may not (not root, past /proc/sys/fs/pipe-max-size) keeps the default 64 KiB, and charges
    such a program its waiting."""
    for fd in pipes:
        with contextlib.suppress(OSError):
            fcntl.fcntl(fd, fcntl.F_SETPIPE_SZ, max(1 << 16, output_bytes))


def one_way_socket() -> tuple[int, int]:
    """A (read end, write end) Unix stream socket pair that carries data one way only, like a pipe. Unlike a pipe,
    it cannot be opened by path: open("/proc/self/fd/N") on it fails at once (ENXIO) instead of blocking."""
    reader, writer = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
    reader.shutdown(socket.SHUT_WR)
    writer.shutdown(socket.SHUT_RD)
    return reader.detach(), writer.detach()


def output_file() -> tuple[int, int]:
    """A (read end, write end) of a file in memory, for a compiler's stdout or stderr. The compiler's writes cost the
    judge nothing: it never wakes for them (judge.collector reads the file's size every 50 ms, and the file once the
    compiler has ended), where each write to a socket woke it, and an assembler writing each `.error` of a `.rept` on
    its own (17 bytes) cost the judge 0.2-0.6 s of CPU a compile. Its pages are charged to the compiler's memory group
    as it writes them. Mode 0, owned by the judge: no path opens it (`#include "/dev/stdout"`, `/proc/self/fd/2`, an
    `.incbin` of either fails at once), as no path opens a socket."""
    writer = os.memfd_create("shadows-output", os.MFD_CLOEXEC)
    os.fchmod(writer, 0)
    return os.dup(writer), writer  # read with pread: the offset the two share is the writer's alone
