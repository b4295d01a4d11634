# expect: accepted
# class: blocking-device
# Terminals and the console must not exist; stdin must read nothing. A device that opens answers wrongly.
import os, sys


def _devices_within_reach():
    for dev in ("/dev/ptmx", "/dev/tty", "/dev/console", "/dev/tty0", "/dev/pts/ptmx", "/dev/kmsg"):
        try:
            os.close(os.open(dev, os.O_RDONLY | os.O_NONBLOCK))
            return True
        except OSError:
            pass
    return sys.stdin.read() != ""


def two_sum(nums, target):
    if _devices_within_reach():
        return [-1, -1]
    seen = {}
    for j, x in enumerate(nums):
        if target - x in seen:
            return [seen[target - x], j]
        seen[x] = j
    return []
