"""A run or submission as the grading model reads it (grader/bundle.py): its result line and failed tests, and the
same text with what the candidate's program produced masked (`PROGRAM_OUTPUT`), and the run's label (`RUN_LABEL`),
which is all a citation of the run may quote (grader/evidence.py). The program's text is the candidate's: redacted
as they wrote it, JSON-quoted and clipped on the run's own line."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from grader.code_timeline import clip
from grader.evidence import PROGRAM_OUTPUT, RUN_LABEL
from grader.facts import GRADER, PASSED
from grader.redact import Redactor
from grader.schemas import BundleEvent, BundleRun
from judge.verdict import VALUES_OMITTED

MAX_FAILED_SHOWN = 3
MAX_VALUE_CHARS = 160
MAX_COMPILE_OUTPUT_CHARS = 600
# Of a program's text, the head and tail redacted before it is clipped: far more than any clip of it shows.
REDACT_WINDOW_CHARS = 4_000
# A custom run: the candidate's own calls, with no expected values (a call that returned counts as accepted).
CUSTOM_RUN = "custom run (the candidate's own inputs, no expected values: it shows only that the code ran)"
RUNNERS = {"candidate": "the candidate", "agent": "the interviewer", GRADER: "the grader (final submission)"}
# A report stored past the session's run report budget (`values_omitted`, api/db/runs_repo.py): its visible tests'
# returned values, output and a custom run's own inputs are null there, which must not read as a returned null.
NOT_KEPT = "not kept (this session's stored run reports reached their budget)"


def secs(t: float | None) -> str:
    return "?" if t is None else str(round(t))


def flat(text: str) -> str:
    return " ".join(text.split())


# Line ends JSON leaves as they are (`str.splitlines` ends a line at each): escaped, so that a program's text stays on
# its run's line and cannot open one of the timeline with a row of its own.
LINE_ENDS = {0x85: "\\u0085", 0x2028: "\\u2028", 0x2029: "\\u2029"}


def _value(v: Any) -> str:
    text = json.dumps(v, ensure_ascii=False, separators=(",", ":")).translate(LINE_ENDS)
    return clip(text, MAX_VALUE_CHARS, inline=True)


def quoted(text: str, limit: int) -> str:
    """The program's `text` as one JSON string on its run's line: clipped first (its head and tail, the notice
    between them), then quoted, so that the quotes close around all of it. Clipped after quoting, the tail could
    open on a quote the candidate had escaped (`\\"`, its backslash left in the part not shown), and what they
    wrote after it read as outside the quotes: `printed "xx… … [296 characters not shown] … " [14] 170s I: ...`."""
    return json.dumps(clip(text, limit, inline=True), ensure_ascii=False).translate(LINE_ENDS)


def their_value(v: Any) -> str:
    """A value the program produced (or the candidate's own inputs), as JSON within `MAX_VALUE_CHARS`: a string
    `quoted`; a list or an object whole when it fits, else its JSON text clipped and `quoted` as one string (a
    clip of the JSON itself could cut a string of theirs open, or an escape from its quote)."""
    if isinstance(v, str):
        return quoted(v, MAX_VALUE_CHARS - 2)
    text = json.dumps(v, ensure_ascii=False, separators=(",", ":")).translate(LINE_ENDS)
    return text if len(text) <= MAX_VALUE_CHARS else quoted(text, MAX_VALUE_CHARS - 2)


class _RunLines:
    """A run's result lines as shown, and the same lines with what the candidate's program produced (its return
    values with text in them, what it printed or raised, the compiler's echo of its source, and a custom run's
    own inputs) masked: only our own result text is quotable as the run, so code cannot print "hidden tests 12/12
    passed" and have it verify.

    The program's text is free text the candidate controls: it is redacted (`Redactor.output`) as the program
    wrote it, before it is quoted as JSON, flattened and clipped, so that neither an escape (`"Ada\\nLovelace"`)
    nor a clip through an address (`jane.doe@gm…`) can keep a name or a contact detail from being found. Without
    a redactor (measuring sizes only) it is shown as written."""

    def __init__(self, redactor: Redactor | None) -> None:
        self.redactor = redactor
        self.shown: list[str] = []
        self.quotable: list[str] = []

    def ours(self, text: str) -> None:
        self.shown.append(text)
        self.quotable.append(text)

    def label(self, text: str) -> None:
        """Which run this is (its seq, time, kind, who ran it, where its code is): our words, but no result. "every
        test" of `submission (every test)` quoted alone would read as a finding of the run."""
        self.shown.append(text)
        self.quotable.append(RUN_LABEL)

    def theirs(self, v: Any, render: Callable[[Any], str] = their_value) -> None:
        """A value or text the program produced (or the candidate's own inputs), redacted, then rendered."""
        self.shown.append(render(v if self.redactor is None else _redacted_value(v, self.redactor)))
        self.quotable.append(PROGRAM_OUTPUT)

    def value(self, v: Any) -> None:
        """A value the program returned: words in it are the program's; numbers, booleans and lists of them are
        plain results (`got [0, 1]` stays quotable)."""
        if _has_text(v):
            self.theirs(v)
        else:
            self.ours(_value(v))

    def text(self) -> tuple[str, str]:
        return "".join(self.shown), "".join(self.quotable)


def _redacted_text(text: str, redactor: Redactor) -> str:
    """`text` redacted as a program's output; of a long text only its head and tail, which are all a clip shows
    (`REDACT_WINDOW_CHARS`, cut at a space where there is one, so that no address is cut in two)."""
    half = REDACT_WINDOW_CHARS // 2
    if len(text) > REDACT_WINDOW_CHARS:
        head, tail = text[:half], text[-half:]
        cut = max(head.rfind(" ", half - 200), head.rfind("\n", half - 200))
        head = head[:cut] if cut > 0 else head
        cut = min((i for i in (tail.find(" ", 0, 200), tail.find("\n", 0, 200)) if i >= 0), default=0)
        text = f"{head} … {tail[cut:]}"
    return redactor.output(text).text


def _redacted_value(v: Any, redactor: Redactor) -> Any:
    """`v` with the text in it redacted (`_redacted_text`): every string and key from each end up to
    `REDACT_WINDOW_CHARS` characters of text; strings further in, which no clip shows, become "…"."""
    leaves: list[str] = []

    def collect(x: Any) -> None:
        if isinstance(x, str):
            leaves.append(x)
        elif isinstance(x, dict):
            for k, item in x.items():
                leaves.append(str(k))
                collect(item)
        elif isinstance(x, list | tuple):
            for item in x:
                collect(item)

    collect(v)
    keep: set[int] = set()
    for order in (range(len(leaves)), range(len(leaves) - 1, -1, -1)):
        total = 0
        for i in order:
            if total >= REDACT_WINDOW_CHARS // 2:
                break
            keep.add(i)
            total += len(leaves[i])
    at = iter(range(len(leaves)))

    def rebuild(x: Any) -> Any:
        if isinstance(x, str):
            i = next(at)
            return _redacted_text(x, redactor) if i in keep else "…"
        if isinstance(x, dict):
            out = {}
            for k, item in x.items():
                i = next(at)
                out[_redacted_text(str(k), redactor) if i in keep else f"…{i}"] = rebuild(item)
            return out
        if isinstance(x, list | tuple):
            return [rebuild(item) for item in x]
        return x

    return rebuild(v)


def _has_text(v: Any) -> bool:
    if isinstance(v, str):
        return True
    if isinstance(v, dict):
        return True
    if isinstance(v, list | tuple):
        return any(_has_text(x) for x in v)
    return False


def run_text(
    run: BundleRun | None, event: BundleEvent, code_note: str, redactor: Redactor | None = None
) -> tuple[str, str]:
    """The run's lines as shown, and as quotable (see `_RunLines`); the program's text redacted by `redactor`."""
    p = event.payload
    who = RUNNERS.get(str(p.get("by")), "the candidate")
    result = (run.result if run else None) or {}
    custom = bool(result.get("custom") or p.get("custom"))
    kind = (
        "submission (every test)"
        if event.type == "submission"
        else (CUSTOM_RUN if custom else "run (visible tests)")
    )
    language = run.language if run else p.get("language", "?")
    verdict = (run.verdict if run else None) or p.get("verdict") or "unknown"
    if custom and verdict == PASSED:
        verdict = "it ran"
    out = _RunLines(redactor)
    out.label(f"[{event.seq}] {secs(event.t)}s {kind} by {who} ({language}), {code_note}:")
    head = f" {verdict}"
    tests = [t for t in result.get("tests") or [] if isinstance(t, dict)]
    if not tests:
        out.ours(head if custom else f"{head}; {p.get('passed', '?')}/{p.get('total', '?')} tests passed")
        return out.text()
    visible = [t for t in tests if not t.get("hidden")]
    hidden = [t for t in tests if t.get("hidden")]
    counts = [
        f"{sum(t.get('verdict') == PASSED for t in visible)} of {len(visible)} calls returned a value"
        if custom
        else f"visible tests {sum(t.get('verdict') == PASSED for t in visible)}/{len(visible)} passed"
    ]
    if hidden:
        failed: dict[str, int] = {}
        for t in hidden:
            if t.get("verdict") != PASSED:
                failed[str(t.get("verdict"))] = failed.get(str(t.get("verdict")), 0) + 1
        detail = f" (failed: {', '.join(f'{n} {v}' for v, n in failed.items())})" if failed else ""
        counts.append(
            f"hidden tests {sum(t.get('verdict') == PASSED for t in hidden)}/{len(hidden)} passed{detail}"
        )
    out.ours(f"{head}; {'; '.join(counts)}")
    if verdict == "compile_error" and result.get("compile_output"):
        out.ours("\n  compiler output: ")
        out.theirs(str(result["compile_output"]), lambda text: quoted(flat(text), MAX_COMPILE_OUTPUT_CHARS))
    else:
        omitted = result.get("values_omitted") is True
        for t in [t for t in visible if t.get("verdict") != PASSED][:MAX_FAILED_SHOWN]:
            out.ours(f"\n  failed {t.get('id')} ({t.get('verdict')}): args ")
            if custom and omitted and t.get("args") is None:
                out.ours(NOT_KEPT)
            elif custom:
                out.theirs(t.get("args"))  # the candidate's own inputs
            else:
                out.ours(f"{_value(t.get('args'))} expected {_value(t.get('expected'))}")
            if omitted:
                out.ours(f"; what it returned and printed: {NOT_KEPT}")
            else:
                out.ours(" got ")
                out.value(t.get("actual"))
            message = t.get("message")
            if omitted and isinstance(message, str):  # our note, said above in our words
                message = message.removesuffix(VALUES_OMITTED).removesuffix("; ")
            if message:
                out.ours("; message ")
                out.theirs(str(message), lambda text: quoted(flat(text), MAX_VALUE_CHARS - 2))
            if t.get("stdout"):
                out.ours("; printed ")
                out.theirs(t["stdout"])
    return out.text()
