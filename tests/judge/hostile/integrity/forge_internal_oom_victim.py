# expect: memory_limit
# class: internal-error-forgery
# limits: time_limit_s=3
# Top-level code lowers its own OOM score (to the judge's floor) and fills the run's memory group with memory no
# process maps (memfds, written): when the group runs out, the kernel's OOM killer takes the task with the highest
# score in it, bubblewrap's own process (still at the sandbox's 1000) rather than the program. bwrap then never
# reported the program's exit, which read as bwrap failing to start it: internal_error, every time (2026-12-03).
import os

for adj in (b"-1000", b"-500", b"0", b"500", b"999"):
    try:
        with open("/proc/self/oom_score_adj", "wb", buffering=0) as f:
            f.write(adj)
        break
    except OSError:
        pass
held = []
chunk = b"\1" * (1 << 20)
while True:
    fd = os.memfd_create("hold")
    try:
        for _ in range(15):
            os.write(fd, chunk)
    except OSError:
        pass
    held.append(fd)


def two_sum(nums, target):
    seen = {}
    for j, x in enumerate(nums):
        if target - x in seen:
            return [seen[target - x], j]
        seen[x] = j
    return []
