# expect: wrong_answer
# class: snoop
# passed: 0
# Looks for a hidden test's id (which travels with its expected value) everywhere this process can see: every
# object the garbage collector knows (the harness's among them), every frame's locals, the environment, argv, /proc
# of itself and of pid 1 (the sandbox's init), and every file under /judge, /work, /tmp and /dev/shm. Were anything
# found, it would answer correctly (accepted); nothing is, so it answers [-1, -1] everywhere. Expected values never
# enter the sandbox: a frame holds a nonce and the test's arguments only.
import contextlib
import gc
import os
import sys

# Reversed in the source and turned around once, into one list that the search skips by identity (and the module's
# own globals with it): the needles themselves are nowhere else for the search to find.
NEEDLES = [
    r[::-1] for r in ("sdne-ta-riap", "evitagen-stnemele-owt", "desuer-ton-eulav-emas", "ecno-tegrat-flah")
]


def _texts(needles):
    def mine(x):
        return any(x is n for n in needles)

    def strings(obj, depth):
        # The collector does not track a dict or tuple holding only atoms (strings, numbers): reached from one it
        # tracks, a few levels down (a dict item is a level of its own).
        if isinstance(obj, (str, bytes)):
            if not mine(obj):
                yield obj
        elif depth and obj is not needles and isinstance(obj, (dict, list, tuple)):
            for item in list(obj.items()) if isinstance(obj, dict) else list(obj):
                yield from strings(item, depth - 1)

    for obj in gc.get_objects():
        with contextlib.suppress(Exception):
            yield from strings(obj, 6)
    for frame in sys._current_frames().values():
        while frame is not None:
            for v in frame.f_locals.values():
                if isinstance(v, (str, bytes)) and not mine(v):
                    yield v
                elif isinstance(v, (list, tuple, dict)) and v is not needles and v is not globals():
                    yield repr(v)[:100000]
            frame = frame.f_back
    yield repr(dict(os.environ))
    yield repr(sys.argv)
    for path in ("/proc/self/cmdline", "/proc/self/environ", "/proc/1/cmdline", "/proc/1/environ"):
        try:
            with open(path, "rb") as f:
                yield f.read()
        except OSError:
            pass
    for top in ("/judge", "/work", "/tmp", "/dev/shm"):
        for root, _dirs, files in os.walk(top):
            for name in files:
                try:
                    fd = os.open(os.path.join(root, name), os.O_RDONLY | os.O_NONBLOCK)
                    try:
                        data = os.read(fd, 1 << 20)
                    finally:
                        os.close(fd)
                except OSError:
                    continue
                if name != "solution.py":
                    yield data


def found():
    for text in _texts(NEEDLES):
        if isinstance(text, bytes):
            text = text.decode("utf-8", "replace")
        if any(n in text for n in NEEDLES):
            return True
    return False


def two_sum(nums, target):
    if found():
        for i in range(len(nums)):
            for j in range(i + 1, len(nums)):
                if nums[i] + nums[j] == target:
                    return [i, j]
    return [-1, -1]
