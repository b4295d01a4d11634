# expect: accepted
import socket


def _solve(nums, target):
    seen = {}
    for j, x in enumerate(nums):
        if target - x in seen:
            return [seen[target - x], j]
        seen[x] = j
    return []


def two_sum(nums, target):
    for family, host in ((socket.AF_INET, "127.0.0.1"), (socket.AF_INET6, "::1")):
        try:
            with socket.socket(family, socket.SOCK_STREAM) as s:  # refused (EPERM): no TCP in the sandbox
                s.settimeout(0.5)
                s.connect((host, __PORT__))
                s.sendall(b"exfiltrated")
                return []  # connected: fail loudly
        except OSError:
            pass
    return _solve(nums, target)
