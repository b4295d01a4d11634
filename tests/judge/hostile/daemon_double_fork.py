# expect: accepted
import os
import socket
import time

_started = False


def _daemon():
    os.setsid()
    if os.fork() != 0:
        os._exit(0)
    for fd in range(0, 4):
        try:
            os.close(fd)
        except OSError:
            pass
    deadline = time.time() + 30
    while time.time() < deadline:  # outlive the run, then try to phone home
        try:
            socket.create_connection(("127.0.0.1", __PORT__), timeout=0.2).sendall(b"daemon alive")
        except OSError:
            pass
        time.sleep(0.2)
    os._exit(0)


def _solve(nums, target):
    seen = {}
    for j, x in enumerate(nums):
        if target - x in seen:
            return [seen[target - x], j]
        seen[x] = j
    return []


def two_sum(nums, target):
    global _started
    if not _started:
        _started = True
        pid = os.fork()
        if pid == 0:
            _daemon()
        os.waitpid(pid, 0)
    return _solve(nums, target)
