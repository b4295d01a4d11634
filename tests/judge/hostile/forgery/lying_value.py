# expect: wrong_answer runtime_error
# class: lying-value
# passed: 0
# Makes the comparison say "equal" when it is not: objects whose __eq__, __iter__, __len__ and __repr__ lie, the
# builtins the judge would use patched, the harness's JSON encoder replaced so that its records carry NaN,
# Infinity, a string, an object, no value, or a second "v" key. Every value any of them makes the harness write is
# wrong for every test (never [0, 1] or any other index pair of one): the judge compares the JSON it decodes, in
# its own process, with its own builtins, so a lie is never heard.
import builtins
import sys

_HARNESS = sys.modules["__main__"].__dict__
_REAL_DUMPS = _HARNESS["_dumps"]
_CALLS = [0]
_BUILTINS = {name: getattr(builtins, name) for name in ("isinstance", "len", "all", "sorted")}


class Liar(list):
    def __eq__(self, other):
        return True

    def __ne__(self, other):
        return False

    def __iter__(self):
        return iter([-2, -2])

    def __len__(self):
        return 2

    def __getitem__(self, i):
        return -2

    __hash__ = None


class LyingInt(int):
    def __eq__(self, other):
        return True

    def __ne__(self, other):
        return False

    __hash__ = int.__hash__

    def __repr__(self):
        return "0"

    __str__ = __repr__

    def __index__(self):
        return 0


def _record_with(text):
    def dumps(rec):
        if isinstance(rec, dict) and rec.get("ok") is True:
            return '{"n":' + _REAL_DUMPS(rec["n"]) + ',"ok":true' + text + "}"
        return _REAL_DUMPS(rec)

    return dumps


TRICKS = [
    lambda: Liar([-1, -1]),
    lambda: [LyingInt(-1), LyingInt(-1)],
    lambda: ",v:NaN",  # not JSON
    lambda: ',"v":NaN',
    lambda: ',"v":Infinity',
    lambda: ',"v":"[0, 1]"',
    lambda: ',"v":{"0":0,"1":1}',
    lambda: ',"v":true',
    lambda: "",  # no value at all
    lambda: ',"v":[-1,-1],"v":[-2,-2]',  # a second key
    lambda: ',"v":[-0.0,1.0000001]',  # -0.0 is 0, but 1.0000001 is within no int's tolerance
    lambda: ',"v":[[0],[1]]',
]


def two_sum(nums, target):
    for name, real in _BUILTINS.items():
        setattr(builtins, name, real)
    i = _CALLS[0] % len(TRICKS)
    _CALLS[0] += 1
    _HARNESS["_dumps"] = _REAL_DUMPS
    made = TRICKS[i]()
    if isinstance(made, str):
        _HARNESS["_dumps"] = _record_with(made)
        # And the builtins the judge's own comparison would use, were it in this process.
        builtins.isinstance = lambda *a: True
        builtins.len = lambda *a: 2
        builtins.all = lambda *a: True
        builtins.sorted = lambda x, **k: [0, 1]
        return [-1, -1]
    return made
