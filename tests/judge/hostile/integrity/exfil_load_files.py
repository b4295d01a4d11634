# expect: runtime_error
# class: exfiltration
# At load time, before any test: read every file and descriptor within reach and fail with what was found.
import os

found = []
for top in ("/judge", "/work", "/tmp", "/dev/shm", "/proc/self/fd"):
    for root, _dirs, files in os.walk(top):
        for name in files:
            path = os.path.join(root, name)
            try:
                fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
                try:
                    data = os.read(fd, 4096)
                finally:
                    os.close(fd)
            except OSError:
                continue
            if path.endswith(".json") or b"[" in data:
                found.append((path, data[:200]))
raise RuntimeError("found: %r" % found)


def two_sum(nums, target):
    return [0, 1]
