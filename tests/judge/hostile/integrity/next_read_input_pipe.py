# expect: accepted
# class: next-attack
# Reads, without blocking, every descriptor it holds (the input pipe among them): the next test's input must not
# be there yet. Answers wrongly if it finds anything.
import fcntl, os


def _peek():
    for name in os.listdir("/proc/self/fd"):
        fd = int(name)
        try:
            flags = fcntl.fcntl(fd, fcntl.F_GETFL)
        except OSError:
            continue
        try:
            fcntl.fcntl(fd, fcntl.F_SETFL, flags | os.O_NONBLOCK)
            if os.read(fd, 1 << 16):
                return True
        except OSError:
            pass
        finally:
            fcntl.fcntl(fd, fcntl.F_SETFL, flags)
    return False


def two_sum(nums, target):
    if _peek():
        return [-1, -1]
    seen = {}
    for j, x in enumerate(nums):
        if target - x in seen:
            return [seen[target - x], j]
        seen[x] = j
    return []
