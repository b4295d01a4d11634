# expect: runtime_error
# plants: file:/tmp file:/work file:/dev/shm process abstract-socket sysv-shm sysv-msg sysv-sem posix-mq
# Leaves a marker in everything a process can write that might outlive it, then ends its process, in every
# process the judge starts for it: each test's process first looks for what an earlier one (this run's, or any
# earlier run's on the host) left, and prints FOUND for each; after planting, it looks again and prints CONTROL
# for each place it can see its own marker (the proof that the look would find one).
import ctypes
import os
import subprocess
import sys
import time

TAG = "shadows-xrun"
KEY = 0x5AD00001  # SysV IPC key
DIRS = ("/tmp", "/work", "/dev/shm")
libc = ctypes.CDLL(None, use_errno=True)
libc.mq_open.restype = ctypes.c_int
DAEMON = f"import socket, time\ns = socket.socket(socket.AF_UNIX)\ns.bind('\\0{TAG}')\ns.listen(1)\ntime.sleep(1000)\n"


def read(path):
    try:
        with open(path, "rb") as f:
            return f.read().decode("utf-8", "replace")
    except OSError:
        return ""


def look():
    found = [f"file:{d}" for d in DIRS if os.path.lexists(f"{d}/{TAG}")]
    me = str(os.getpid())
    if any(p.isdigit() and p != me and TAG in read(f"/proc/{p}/cmdline") for p in os.listdir("/proc")):
        found.append("process")
    if "@" + TAG in read("/proc/net/unix"):
        found.append("abstract-socket")
    for kind in ("shm", "msg", "sem"):
        if any(line.split()[:1] == [str(KEY)] for line in read(f"/proc/sysvipc/{kind}").splitlines()):
            found.append(f"sysv-{kind}")
    mq = libc.mq_open(f"/{TAG}".encode(), os.O_RDONLY)
    if mq >= 0:
        found.append("posix-mq")
    return found


def plant():
    for d in DIRS:
        with open(f"{d}/{TAG}", "w") as f:
            f.write(TAG)
    libc.shmget(KEY, 4096, 0o1600)
    libc.msgget(KEY, 0o1600)
    libc.semget(KEY, 1, 0o1600)
    libc.mq_open(f"/{TAG}".encode(), os.O_RDONLY | os.O_CREAT, ctypes.c_uint(0o600), None)
    quiet = subprocess.DEVNULL
    subprocess.Popen([sys.executable, "-c", DAEMON, TAG], start_new_session=True, stdin=quiet, stdout=quiet,
                     stderr=quiet)
    deadline = time.monotonic() + 3
    while "@" + TAG not in read("/proc/net/unix") and time.monotonic() < deadline:
        time.sleep(0.01)


def two_sum(nums, target):
    for place in look():
        print("FOUND", place, flush=True)
    plant()
    for place in look():
        print("CONTROL", place, flush=True)
    os._exit(3)
