# expect: accepted time_limit output_limit
# class: next-attack
# After the first test: a thread that keeps spinning and printing, a forked child that outlives every test writing
# garbage to every descriptor, and atexit handlers that would flood the output. The judge must end all of it.
import atexit, os, sys, threading, time

_started = []


def _flood():
    while True:
        sys.stdout.write("x" * 100 + "\n")
        time.sleep(0.01)


def two_sum(nums, target):
    if not _started:
        _started.append(True)
        threading.Thread(target=_flood, daemon=True).start()
        if os.fork() == 0:
            os.setsid()
            while True:
                for fd in range(1, 64):
                    try:
                        os.write(fd, b'{"n": "x", "ok": true, "v": [0, 1]}\n')
                    except OSError:
                        pass
                time.sleep(0.05)
        atexit.register(lambda: os.write(1, b"y" * (1 << 24)))
    seen = {}
    for j, x in enumerate(nums):
        if target - x in seen:
            return [seen[target - x], j]
        seen[x] = j
    return []
