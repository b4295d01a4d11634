"""The interviewer never reads out its private notes: a reply that quotes the rubric, or a hint not given yet, is cut.

The rubric sits in the interviewer's instructions while the candidate works (agent.instructions ``rubric_text``), and it
holds the answer ("States the recurrence best[a] = 1 + min over coins c of best[a - c]..."), as the later hints do.
Only the prompt asked the model to keep them: a candidate who asked for the notes word for word (aloud, in the chat,
in a code comment) could have them read out, uncounted and unrecorded as hints, while `give_hint` counts and records
each one. This guard sits on the model's spoken text (``PhaseAgent.llm_node``): a reply that reads a note out
(agent.notes_match: enough of its own words in its order within a window, noise between words dropped, letters
spelled out joined back, encodings a listener undoes at once decoded, agent.notes_decode; or most of its words in
any order; or a run of ``RUN_WORDS`` consecutive words; or, counted with what the interviewer said in earlier
replies, two thirds of its words said beside their neighbours, or alone in short replies: a note coaxed out a few
words, or one word, per reply; or its own words in its order over three replies or more, however long each is,
agent.notes_sequence) stops, and one scripted line in the interview's language is said instead. Words the candidate
can see anyway (the statement, the signature, the visible tests, the hints already given) and their own words (what
they said, typed or wrote) are never a note's own.

Text is held back until a sentence ends (unless a note's words have started to come) or more than ``RUN_WORDS - 1``
words as compared follow it, so little of a quote reaches the speech: at most the words before the point where it
is recognised that were released already. It catches reading aloud, also encoded (camelCase, the NATO alphabet,
"H as in Harry", reversed letters, leetspeak, look-alike letters, pig latin, base64, hexadecimal; and, read as
whole readings of the reply, agent.notes_reader: ciphers, upside-down text, Morse code, letter numbers and byte
values, words in pieces, letters doubled or interleaved, vowels dropped) and a note's formula written as code
("best[i] = 1 + min(best[i - c] ..."), not paraphrase or translation. A realtime
model speaks without ``llm_node``: its replies go through the same guard in agent.realtime_guard (its audio held back
until the text covers it).
"""

from __future__ import annotations

import functools
import json
import logging
import re
import string
from collections.abc import AsyncIterable, Iterable
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from livekit.agents import llm

from agent.checkins import chunk_text
from agent.code_view import MAX_VIEW_CHARS
from agent.going_on import goes_on, line_language, moves_on
from agent.notes_build import build
from agent.notes_match import DISTINCT_SHARE, RUN_WORDS, ProtectedNotes
from agent.notes_match import weights as weights_of
from agent.notes_reader import ReplyReadings
from agent.notes_sequence import sequences
from agent.notes_words import find_words, special
from agent.prompts import PROMPTS_DIR, render

if TYPE_CHECKING:
    from agent.state import InterviewState

logger = logging.getLogger("shadows.agent.disclosure")

_PLAIN = re.compile(
    r"[^\W_]+"
)  # a piece that only continues a word: nothing to decide (agent.notes_decode.WORD)
_SENTENCE_END = re.compile(r"[.!?…]\s*$")
# Base64's and escapes' ("%20", "\\x57", "&#87;"): may be going on (agent.notes_decode)
_TOKEN_CHARS = string.ascii_letters + string.digits + "+/=%\\&#;{}"
# The interviewer's own prompts: words it is told to use (a note's words found there are not its own).
_INTERVIEWER_PROMPTS = ("base", "problem", "approach", "coding", "testing", "complexity", "rubric", "wrap_up",
                        "turn_context", "checkin_1", "checkin_2", "code_view", "time_warning")  # fmt: skip


@functools.cache
def _common() -> tuple[str, ...]:
    return tuple((PROMPTS_DIR / f"{name}.md").read_text(encoding="utf-8") for name in _INTERVIEWER_PROMPTS)


def candidate_texts(ctx: llm.ChatContext | None, state: InterviewState) -> list[str]:
    """What the candidate said or typed (``ctx``'s user messages) and wrote: their own words. Of the editor, the
    view the interviewer can be shown of it at most (``MAX_VIEW_CHARS``, around the changes and the cursor), not the
    whole file: the guard is built for every reply, on the event loop, and a 1 MB file took 0.6 s of it each time,
    for words the interviewer never saw."""
    out = [
        m.text_content or ""
        for m in (ctx.items if ctx else [])
        if isinstance(m, llm.ChatMessage) and m.role == "user"
    ]
    view = state.editor.view(MAX_VIEW_CHARS)
    if view is not None:
        out.append(view.text.partition("\n")[2])  # the code, without the line saying what changed
    return out


def interviewer_texts(ctx: llm.ChatContext | None, leave_out: str | None = None) -> list[str]:
    """What the interviewer has said in this conversation (``ctx``'s assistant messages: what was played of each
    reply, a cut reply as far as it went and its scripted line), but the message ``leave_out`` (the one being
    guarded, when the conversation holds it already)."""
    return [
        m.text_content or ""
        for m in (ctx.items if ctx else [])
        if isinstance(m, llm.ChatMessage) and m.role == "assistant" and m.id != leave_out
    ]


def protected_runs(
    state: InterviewState, candidate: Iterable[str] = (), said: Iterable[str] = ()
) -> ProtectedNotes:
    """What the interviewer must not say: its rubric notes and the hints not given yet, less what the candidate
    sees anyway and what they said or wrote themselves (agent.notes_match); ``said``: what the interviewer said
    before this reply (``interviewer_texts``), counted against a note coaxed out a few words per reply."""
    q = state.question
    notes = [
        str(item.get("behaviour") or item.get("description") or item.get("text") or "") for item in q.rubric
    ]
    secret = [*notes, *q.hints[state.hints_given :]]
    public = [
        q.statement_md,
        json.dumps(q.signature),
        json.dumps(q.visible_tests),
        *q.hints[: state.hints_given],
    ]
    protected = build(secret, public, _common(), candidate, said)
    orders = sequences(
        ((n.seq, n.own) for n in protected.notes), protected.theirs, protected.said_in_order, DISTINCT_SHARE
    )
    return replace(protected, sequences=orders)


class DisclosureGuard:
    """Feeds a reply's text through, holding back what could still start a quote of the notes. Each word is
    checked once, as it is complete (agent.notes_match.Matcher)."""

    def __init__(self, protected: ProtectedNotes, n: int = RUN_WORDS) -> None:
        self._protected = protected
        self._matcher = protected.matcher()
        self._n = n
        self._held = ""
        self._checked = 0  # the complete words of ``_held`` already pushed to the matcher
        self._tail: list[str] = []  # the last words released (what a word said between the words repeats)
        self._special = False  # the held text holds more than plain words (agent.notes_decode.find_words)
        self._spoken = ""  # what was released of the reply
        # The reply read other ways (a cipher, Morse code, numbers, ...).
        self._readings = ReplyReadings(protected)
        self.stopped = False

    def _check(self, raw: list[str]) -> bool:
        """``raw``: the complete words as written (the matcher reads base64 in their case, agent.notes_decode)."""
        quoted = any(self._matcher.push(w) for w in raw[self._checked :])
        self._checked = max(self._checked, len(raw))
        return quoted

    def feed(self, text: str) -> str:
        """The text that may be spoken now ("" while held, and for good once ``stopped``)."""
        if self.stopped or not self._protected:
            return "" if self.stopped else text
        if self._held and _PLAIN.fullmatch(text) and _PLAIN.match(self._held[-1]):
            self._held += text  # the last word goes on: no word is complete that was not, nothing to decide
            return ""
        self._held += text
        self._special = self._special or special(self._held[-len(text) - 2 :])  # not split as plain words
        found = list(find_words(self._held, self._special))
        # a word at the very end may go on in the next chunk, also one followed by "@" ("h@sh") or stars ("c**nt")
        end = found[-1].end() if found else -1
        rest = self._held[end:]
        ends_in_word = end == len(self._held) or (
            end > 0 and (rest in ("@", "$", "-", "\u00b7", "\u2027") or not rest.strip("*"))
        )
        complete = found[:-1] if ends_in_word else found  # a word at the very end may go on in the next chunk
        tail = len(self._held.rstrip(_TOKEN_CHARS))  # base64 or escapes under way are one word: not split yet
        if tail < len(self._held):
            complete = [m for m in complete if m.start() < tail]
        cased = [m.group() for m in complete]
        raw = [w.lower() for w in cased]
        if self._check(cased):
            return self._stop()
        if (
            _SENTENCE_END.search(self._held)
            and len(complete) == len(found)
            and len(raw[-1] if raw else "") > 1  # "U. S. E." spelled out is not a sentence
            and self._matcher.partial() < 2  # nor one that may be the start of a quote
            and not self._matcher.undecided()  # nor one ending on words not compared yet ("... hsah.")
        ):
            return self._release(len(self._held), raw)
        # Hold back the last n - 1 words as compared: a word said between every word, or a letter spelled out, is
        # not a whole word of a quote (agent.notes_match.weights). Each word weighs 1 at most: n - 1 words or fewer
        # are all held, without weighing them (most pieces of a reply).
        if len(raw) <= self._n - 1:
            return ""
        weights = weights_of(self._tail + raw)[len(self._tail) :]
        keep, held = len(raw), 0.0
        while keep > 0 and held < self._n - 1:
            keep -= 1
            held += weights[keep]
        if keep <= 0:
            return ""
        return self._release(complete[keep].start(), raw[:keep])

    def flush(self) -> str:
        """Everything held, once nothing more can follow it (the reply ended, or a tool call comes next)."""
        if self.stopped:
            return ""
        if not self._held:  # what was released was compared; what the decoding held is decided now
            return (
                self._stop()
                if self._matcher.end() or self._readings.verdict(self._spoken, final=True)[0]
                else ""
            )
        cased = [m.group() for m in find_words(self._held, self._special or special(self._held))]
        raw = [w.lower() for w in cased]
        if self._check(cased) or self._matcher.end():
            return self._stop()
        return self._release(len(self._held), raw, final=True)

    def _release(self, upto: int, released: list[str], final: bool = False) -> str:
        quoted, hold = self._readings.verdict(self._spoken + self._held, final)
        if quoted:
            return self._stop()
        if hold and not final:
            return ""  # a reading may be quoting, or is not read yet: held, as a quote under way is
        out, self._held = self._held[:upto], self._held[upto:]
        self._spoken += out
        self._special = self._special and special(self._held)
        self._checked -= len(released)
        self._tail = (self._tail + released)[-3:]
        return out

    def _stop(self) -> str:
        self.stopped = True
        self._held = ""
        logger.warning("a reply quoting the interviewer's private notes was cut")
        return ""


def withheld_line(state: InterviewState) -> str:
    """The line said instead of a cut reply, in the interview's language: the notes are kept, then the sentence that
    goes on from where the interview stands, as the withheld-outcome line's does (agent.going_on)."""
    return f"{notes_why(state)} {goes_on(state)}"


def notes_why(state: InterviewState) -> str:
    """The first part of ``withheld_line``: the notes are kept, without going on."""
    return render(f"notes_withheld_{line_language(state)}")


async def guard_disclosure(
    state: InterviewState, stream: AsyncIterable[Any], candidate: Iterable[str] = (), said: Iterable[str] = ()
) -> AsyncIterable[Any]:
    """``stream`` (a model reply's chunks) with any quote of the private notes cut, and the scripted line said once
    instead. Tool calls and other chunks pass, in order. The line's first part is said at once; its going on
    (agent.going_on) once the reply has ended, and not at all when the reply moves the interview to another phase."""
    guard = DisclosureGuard(protected_runs(state, candidate, said))
    said_instead = False
    moving = False

    def instead() -> list[str]:
        nonlocal said_instead
        if guard.stopped and not said_instead:
            said_instead = True
            return [notes_why(state)]
        return []

    async for chunk in stream:
        moving = moving or moves_on(chunk)
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
    if said_instead and not moving:
        yield f" {goes_on(state)}"
