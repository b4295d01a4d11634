"""The interviewer never reads out its private notes: a reply that quotes the rubric, or a hint not given yet, is cut.

The rubric sits in the interviewer's instructions while the candidate works (agent.phases ``rubric_text``), and it
holds the answer ("States the recurrence best[a] = 1 + min over coins c of best[a - c]..."), as the later hints do.
Only the prompt asked the model to keep them: a candidate who asked for the notes word for word (aloud, in the chat,
in a code comment) could have them read out, uncounted and unrecorded as hints, while `give_hint` counts and records
each one. This guard sits on the model's spoken text (``PhaseAgent.llm_node``): a run of ``RUN_WORDS`` consecutive
words found in a protected text stops the reply before any word of that run is spoken, and one scripted line in the
interview's language is said instead. Words the candidate can see anyway (the statement, the signature, the visible
tests, the hints already given) are never protected.

Text is held back until a sentence ends or more than ``RUN_WORDS - 1`` words follow it, so nothing of a protected
run reaches the speech. It catches reading aloud, not paraphrase. A realtime model speaks without ``llm_node``: its
replies go through the same guard in agent.realtime_guard (its audio held back until the text covers it).
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import AsyncIterable, Iterable
from typing import TYPE_CHECKING, Any

from livekit.agents import llm

from agent.checkins import chunk_text
from agent.prompts import render

if TYPE_CHECKING:
    from agent.state import InterviewState

logger = logging.getLogger("shadows.agent.disclosure")

# Consecutive words of a protected text that make a quote. A rubric point is 10 to 25 words, and the short ones word
# what the interviewer may well answer in its own words ("exactly one answer, the same element cannot be used
# twice, duplicates are allowed": 12); the answer's own points are longer.
RUN_WORDS = 16
_WORD = re.compile(r"[^\W_]+")
_SENTENCE_END = re.compile(r"[.!?…]\s*$")


def words(text: str) -> list[str]:
    return [w.lower() for w in _WORD.findall(text)]


def runs(texts: Iterable[str], n: int = RUN_WORDS) -> set[tuple[str, ...]]:
    out: set[tuple[str, ...]] = set()
    for text in texts:
        w = words(text)
        out.update(tuple(w[i : i + n]) for i in range(len(w) - n + 1))
    return out


def protected_runs(state: InterviewState) -> set[tuple[str, ...]]:
    """The runs of words the interviewer must not say: its rubric notes and the hints not given yet, less what the
    candidate sees anyway."""
    q = state.question
    notes = [
        str(item.get("behaviour") or item.get("description") or item.get("text") or "") for item in q.rubric
    ]
    secret = runs([*notes, *q.hints[state.hints_given :]])
    if not secret:
        return secret
    public = [
        q.statement_md,
        json.dumps(q.signature),
        json.dumps(q.visible_tests),
        *q.hints[: state.hints_given],
    ]
    return secret - runs(public)


class DisclosureGuard:
    """Feeds a reply's text through, holding back what could still start a protected run."""

    def __init__(self, protected: set[tuple[str, ...]], n: int = RUN_WORDS) -> None:
        self._protected = protected
        self._n = n
        self._held = ""
        self._tail: list[str] = []  # the last words released, for runs that cross what was released
        self.stopped = False

    def _quotes(self, ws: list[str]) -> bool:
        n = self._n
        return any(tuple(ws[i : i + n]) in self._protected for i in range(len(ws) - n + 1))

    def feed(self, text: str) -> str:
        """The text that may be spoken now ("" while held, and for good once ``stopped``)."""
        if self.stopped or not self._protected:
            return "" if self.stopped else text
        self._held += text
        found = list(_WORD.finditer(self._held))
        ends_in_word = bool(found) and found[-1].end() == len(self._held)
        complete = found[:-1] if ends_in_word else found  # a word at the very end may go on in the next chunk
        if self._quotes(self._tail + [m.group().lower() for m in complete]):
            return self._stop()
        if _SENTENCE_END.search(self._held) and len(complete) == len(found):
            return self._release(len(self._held), [m.group().lower() for m in complete])
        keep = len(complete) - (self._n - 1)
        if keep <= 0:
            return ""
        return self._release(complete[keep].start(), [m.group().lower() for m in complete[:keep]])

    def flush(self) -> str:
        """Everything held, once nothing more can follow it (the reply ended, or a tool call comes next)."""
        if self.stopped or not self._held:
            return ""
        if self._quotes(self._tail + words(self._held)):
            return self._stop()
        return self._release(len(self._held), words(self._held))

    def _release(self, upto: int, released: list[str]) -> str:
        out, self._held = self._held[:upto], self._held[upto:]
        self._tail = (self._tail + released)[-(self._n - 1) :]
        return out

    def _stop(self) -> str:
        self.stopped = True
        self._held = ""
        logger.warning("a reply quoting the interviewer's private notes was cut")
        return ""


def withheld_line(state: InterviewState) -> str:
    language = state.interview_language if state.interview_language in ("en", "es") else "en"
    return render(f"notes_withheld_{language}")


async def guard_disclosure(state: InterviewState, stream: AsyncIterable[Any]) -> AsyncIterable[Any]:
    """``stream`` (a model reply's chunks) with any quote of the private notes cut, and the scripted line said once
    instead. Tool calls and other chunks pass, in order."""
    guard = DisclosureGuard(protected_runs(state))
    said_instead = False

    def instead() -> list[str]:
        nonlocal said_instead
        if guard.stopped and not said_instead:
            said_instead = True
            return [withheld_line(state)]
        return []

    async for chunk in stream:
        delta = chunk.delta if isinstance(chunk, llm.ChatChunk) else None
        if delta is not None and delta.tool_calls and delta.content:  # text beside a tool call is guarded too
            out = guard.feed(delta.content)
            if out:
                yield out
            chunk = chunk.model_copy(update={"delta": delta.model_copy(update={"content": None})})
        text = chunk_text(chunk)
        if text is None:
            if (out := guard.flush()) or guard.stopped:
                for piece in [out, *instead()]:
                    if piece:
                        yield piece
            yield chunk
            continue
        out = guard.feed(text)
        if out:
            yield out
        for piece in instead():
            yield piece
    out = guard.flush()
    if out:
        yield out
    for piece in instead():
        yield piece
