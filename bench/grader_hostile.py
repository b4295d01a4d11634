"""The grader on hostile text: how the time to redact and diff grows with the size of what a candidate says or types.

    python -m bench grader_hostile [--repeat N]

A candidate controls the text the grader redacts and checks citations against (speech, code up to 200,000 bytes a
snapshot, program output) and the snapshots it diffs. Each shape below is one a rule looks at closely (a name that
is an everyday word, letters spelled out, contact details said in words, comments, scripts without spaces, a quote
that matches at thousands of replacements) or one line alignment finds hard (every line of a snapshot followed by a
new one), at 50,000 and 200,000 characters. The time of the larger
over the smaller is 4 where the scan is linear and 16 where it is quadratic; the bench fails (exit 1) when a shape
grows by more than 6. Baseline: the figures of commit e721825, before the two fixes of 2026-12-02
(docs/grader-bench.md).
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable

from api.db.bundle_repo import redaction_terms
from grader.code_timeline import MAX_DIFF_LINES, diff
from grader.evidence import CitableEvent, CitationIndex, _normalised_view, _own_before, check
from grader.redact import Redactor
from grader.schemas import Evidence

SIZES = (50_000, 200_000)
LINEAR_LIMIT = 6.0


def _repeat(unit: str) -> Callable[[int], str]:
    return lambda size: unit * (size // len(unit))


# name, the text's kind, the candidate's name and e-mail, the text of a given size
SHAPES: list[tuple[str, str, tuple[str, str | None], Callable[[int], str]]] = [
    ("name that is a word", "speech", ("Will Smith", None), _repeat("Will ")),
    ("name that is a word, in comments", "code", ("Will Smith", None), _repeat("# Will\n")),
    ("spelled-out letters", "speech", ("Grace Hopper", None), _repeat("g r a c e ")),
    ("address said in words", "speech", ("Grace Hopper", "gh@example.com"), _repeat("x at y dot com ")),
    # grader/spoken.py in Spanish: "arroba", "punto", "guion bajo", numbers in tens (redact of 2026-12-05)
    (
        "address said in Spanish",
        "speech",
        ("Grace Hopper", "gh@example.com"),
        _repeat("x guion bajo y arroba z punto com punto "),
    ),
    (
        "a number said in Spanish tens",
        "speech",
        ("Grace Hopper", None),
        _repeat("mi número es treinta y cuatro "),
    ),
    ("commented lines", "code", ("Grace Hopper", None), _repeat("x = 1  # add the pair\n")),
    # grader/code_cues.py: a cue on every line, and many on one long line
    ("lines with a messenger cue", "code", ("Grace Hopper", None), _repeat("tg_id = 'a_1'  # telegram\n")),
    ("one line of messenger cues", "code", ("Grace Hopper", None), _repeat("'a_1' telegram ig_user = ")),
    ("commented lines, with a CJK name", "code", ("王小明", None), _repeat("x = 1  # 王小明 adds\n")),
    ("digits", "speech", ("Grace Hopper", None), _repeat("1 2 3 4 5 6 7 8 9 0 ")),
    ("Cyrillic words", "speech", ("Grace Hopper", None), _repeat("массив индекс Грейс сортировка ")),
    ("a new line after every line", "diff", ("Grace Hopper", None), _repeat("x = 1\n")),
    # grader/said_letters.py, split_names.py, encoded.py `short_tokens`, code_forms.py codes in output (redact10)
    ("letter names said", "speech", ("Ada Lovelace", None), _repeat("ay dee see ee el ")),
    ("a name's letters in pieces", "speech", ("Ada Lovelace", None), _repeat("Lo ve la ce L o v ")),
    ("a name's letters over comment lines", "code", ("Ada Lovelace", None), _repeat("# Lo ve\n# la\n")),
    ("literals glued by code", "code", ("Ada Lovelace", None), _repeat('sb.append("Lo").append("ve");\n')),
    ("template literals", "code", ("Ada Lovelace", None), _repeat('`${"Lo"}${"ve"}` + ')),
    ("short words valid as base64", "code", ("Ada Lovelace", None), _repeat("QWRi YWRh1 node ")),
    ("character codes printed", "output", ("Ada Lovelace", None), _repeat("76 111 118 101 ")),
    # grader/evidence.py: a citation of a snapshot of addresses, each one replacement; the quote starts inside one
    # at every place it matches (read every replacement at each: 18 s for one citation of 8,000 addresses)
    ("a quote among replacements", "cite", ("Grace Hopper", None), _repeat("x = 'u1@x.io' # ")),
]


def _interleaved(code: str) -> str:
    """`code` with a new line after each of its lines: the second snapshot of the diff shape."""
    return "".join(f"{line}\ny{i} = 0\n" for i, line in enumerate(code.splitlines()))


# ms at 200,000 characters and the growth from 50,000, measured at e721825 (2026-12-02 12:27 UTC, this machine)
BASELINE: dict[str, tuple[float, float]] = {
    "name that is a word": (471.2, 10.0),
    "name that is a word, in comments": (42096.2, 15.9),
    "spelled-out letters": (550.3, 3.9),
    "address said in words": (313.2, 4.0),
    "commented lines": (13386.9, 15.7),
    "commented lines, with a CJK name": (135.5, 4.1),
    "digits": (359.8, 5.0),
    "a new line after every line": (160399.2, 21.9),  # one run, not the best of 3
    # before the fix of 2026-12-05 (grader/evidence.py, at f30994c), one run each
    "a quote among replacements": (4857.0, 8.9),
}


def _runner(redactor: Redactor, kind: str, text: str) -> Callable[[], object]:
    if kind == "diff":
        numbered = "".join(f"x{i} = {i}\n" for i in range(len(text.splitlines())))
        changed = _interleaved(numbered)
        return lambda: diff(numbered, changed, MAX_DIFF_LINES)
    if kind == "code":
        return lambda: redactor.code(text, "python")
    if kind == "cite":
        view = redactor.code(text, "python")
        index = CitationIndex(
            types={1: "editor_snapshot"},
            citable={1: CitableEvent(1, "editor_snapshot", (view,), language="python")},
        )
        _normalised_view.cache_clear()
        _own_before.cache_clear()
        return lambda: check(Evidence(seq=1, quote="email]' # x = [email"), index)
    if kind == "output":
        return lambda: redactor.output(text)
    return lambda: redactor.speech(text)


def _time(terms: list[str], kind: str, text: str, repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        # A redactor of its own for each run, built before the clock starts: a redactor redacts a text once and
        # hands the same result back after.
        run = _runner(Redactor(terms), kind, text)
        started = time.perf_counter()
        run()
        best = min(best, time.perf_counter() - started)
    return best * 1000


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench grader_hostile")
    parser.add_argument("--repeat", type=int, default=3, help="runs per shape and size; the best is reported")
    args = parser.parse_args(argv)
    print(f"{'shape':36s} {'kind':6s} {'50k ms':>9s} {'200k ms':>9s} {'growth':>7s}   baseline (e721825)")
    superlinear = []
    for name, kind, (full_name, email), make in SHAPES:
        terms = redaction_terms(full_name, email)
        small, large = (_time(terms, kind, make(size), args.repeat) for size in SIZES)
        growth = large / small
        base = BASELINE.get(name)
        base_text = f"{base[0]:9.1f} ms  x{base[1]:.1f}" if base else "-"
        print(f"{name:36s} {kind:6s} {small:9.1f} {large:9.1f} {growth:6.1f}x   {base_text}")
        if growth > LINEAR_LIMIT:
            superlinear.append(name)
    if superlinear:
        print(
            f"grows faster than linearly (x{LINEAR_LIMIT} or more for x4 the text): {', '.join(superlinear)}"
        )
        return 1
    print(f"every shape grows linearly (under x{LINEAR_LIMIT} for x4 the text)")
    return 0
