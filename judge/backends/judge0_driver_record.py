"""The rules the Judge0 in-box driver (judge.backends.judge0_driver) applies to a harness's record before decoding it:
how deep it may nest, and how much memory decoding it would take. Python 3.8 source, the same rules as
judge.protocol's `shape_error` and `decoded_size` (tests/judge/test_record_depth.py and test_judge0_answers.py run
both); it uses the driver's imports (`re`).
"""

from __future__ import annotations

RECORD_RULES = r"""
# --- record shape (judge.protocol.shape_error, the same rule: tests/judge/test_record_depth.py runs both)
# A record nests at most RECORD_DEPTH deep, its own object counted, read from its bytes before it is decoded: the
# decoder recurses, and so does encoding the record again into an event, which the backend then decodes.
RECORD_DEPTH = 16
TOO_DEEP = "the returned value is nested too deeply"
UNREADABLE = "the returned value could not be read (a number of over 4,300 digits?)"
SHAPE_BYTES = b'[]{}"\\/bfnrtu'
NOT_SHAPE = bytes(b for b in range(256) if b not in SHAPE_BYTES)
AS_ARRAYS = bytes.maketrans(b"{}", b"[]")
QUOTED = re.compile(rb'"[^"]*"?')


def brackets(line):
    kept = line.translate(None, NOT_SHAPE)
    if b"\\" in kept:
        kept = kept.replace(b"\\\\", b"").replace(b'\\"', b"")
    kept = kept.translate(AS_ARRAYS, b"/bfnrtu\\")
    if b'"' in kept:
        kept = QUOTED.sub(b"", kept.replace(b'""', b""))
    return kept


def shape_error(line, depth=RECORD_DEPTH):
    if line.count(b"[") + line.count(b"{") <= depth:
        return None
    left = brackets(line)
    for passes in range(depth):
        if b"[" * (depth - passes + 1) in left:
            return TOO_DEEP
        inner = left.replace(b"[]", b"")
        if len(inner) == len(left):
            break
        left = inner
    if not left:
        return None
    if b"[]" in left or left.count(b"[") > depth:
        return TOO_DEEP
    return UNREADABLE
# --- end of record shape
# --- record memory (judge.protocol.decoded_size, the same estimate: tests/judge/test_judge0_answers.py runs both)
# A record of the test in flight whose value would cost more than RECORD_MEMORY decoded is never decoded: it is that
# test's `output_limit` ("too large to report"), as on the local supervisor; decoding it would take the box's memory.
RECORD_MEMORY = 128 << 20
TOO_LARGE = "the returned value is too large to report"
TOO_LARGE_KIND = "too_large"
COSTS = ((b",", 40), (b"[", 64), (b"{", 64), (b":", 96), (b'"', 28))
DECODER_OWN = 4096
MOST_PER_BYTE = 96 + 1 + 4
NOT_ASTRAL_LEAD = bytes(b for b in range(256) if not 0xF0 <= b <= 0xF4)
STRING = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"?')
REFINED_QUOTES = 20000


def counted(line):
    return sum(line.count(mark) * cost for mark, cost in COSTS)


def text_width(line):
    if line.isascii():
        return 1
    return 4 if line.translate(None, NOT_ASTRAL_LEAD) else 2


def decoded_size(line):
    n = len(line)
    if n * MOST_PER_BYTE + DECODER_OWN <= RECORD_MEMORY:
        return n * MOST_PER_BYTE + DECODER_OWN
    width = text_width(line)
    held = n * (1 + width)
    size = counted(line) + n * width
    if size + held > RECORD_MEMORY and 0 < line.count(b'"') <= REFINED_QUOTES:
        bare = STRING.sub(b'""', line)
        size = counted(bare) + (n - len(bare)) * width
    return size + held + DECODER_OWN
# --- end of record memory
"""
