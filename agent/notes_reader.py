"""A reply's other readings (agent.notes_readings) checked against the private notes as it streams (agent.disclosure).

Reading the whole reply anew at every piece the guard releases would cost its length squared (a 2,000-character
reply is released a word at a time past its first sentence: 0.27 s to 4 s of the event loop). So each token is
scanned once for cues (``notes_cues.Cues``); a reply without any is never read another way. Once a family has a
cue, the reply so far is read in the families that have one and matched (each reading with its own ``Matcher``,
with what the interviewer said before): at once for a family's first cue; at the end of a run of cues (Morse codes,
numbers, pieces: held while it goes on) once ``RUN_READ_MIN`` characters came since the last reading; once the
reply has grown by ``GROW_MIN`` characters and ``GROW_SHARE`` of itself (a few readings per reply, however long);
and at its end. Until then, what came after a cue is held, and a reply whose reading holds the notes' words is held
to its end. A reading that reads a note out cuts the reply, as the reply itself would.
"""

from __future__ import annotations

import re

from agent.notes_cues import Cues
from agent.notes_match import ProtectedNotes
from agent.notes_readings import readings
from agent.notes_words import find_words, special

GROW_MIN = 80  # characters the reply grows by before it is read again in a family already read
GROW_SHARE = 0.5  # of its length read so far
# characters grown by before a run of cues that ended is read (each word in pieces ends one)
RUN_READ_MIN = 24
_TOKEN = re.compile(r"\S+")


class ReplyReadings:
    """Whether the reply so far, read another way, reads out a note; fed the whole reply so far each time (it only
    grows)."""

    def __init__(self, protected: ProtectedNotes) -> None:
        self._protected = protected
        self._cues = Cues(protected.vocab)
        self._scanned = 0  # the reply's characters scanned for cues (its complete tokens)
        self._families: set[str] = set()  # families with a cue
        self._pending = False  # a cue came since the last reading
        self._new_family = False  # a family's first cue came since the last reading
        self._run_ended = False  # a run of cues ended since the last reading
        self._read_at = 0  # the length of the reply at the last reading
        self._active = False  # the last reading held the notes' words (a reading passed the gate)
        self._last: tuple[int, bool, tuple[bool, bool]] | None = None

    def verdict(self, text: str, final: bool = False) -> tuple[bool, bool]:
        """(whether a reading of ``text`` reads out a note, whether ``text`` is to be held for now); ``final``:
        nothing more follows."""
        self._scan(text, final)
        if not self._families:
            return False, False
        if self._last is not None and self._last[:2] == (len(text), final):
            return self._last[2]
        if self._cues.open and not final:
            return False, True  # a run of Morse codes, numbers or pieces goes on: held, read once it ends
        grown = len(text) - self._read_at >= max(GROW_MIN, GROW_SHARE * self._read_at)
        ended = self._run_ended and not self._active and len(text) - self._read_at >= RUN_READ_MIN
        if not (final or self._new_family or ended or ((self._pending or self._active) and grown)):
            return False, self._pending or self._active  # read again later: held until then
        result = self._read(text, final)
        self._last = (len(text), final, result)
        return result

    def _scan(self, text: str, final: bool) -> None:
        end = len(text)
        if not final and text and not text[-1].isspace():  # the last token may go on
            end = text.rfind(" ") + 1 if " " in text else 0
            end = max(end, text.rfind("\n") + 1)
        for m in _TOKEN.finditer(text, self._scanned, end):
            was_open = self._cues.open
            cues = self._cues.push(m.group())
            self._run_ended = self._run_ended or (was_open and not self._cues.open)
            if cues:
                self._pending = True
                self._new_family = self._new_family or not cues <= self._families
                self._families |= cues
        self._scanned = max(self._scanned, end)

    def _read(self, text: str, final: bool) -> tuple[bool, bool]:
        self._pending = self._new_family = self._run_ended = False
        self._read_at = len(text)
        found = readings(text, self._protected.vocab, self._families)
        self._active = bool(found)
        under_way = False
        for _, reading in found:
            m = self._protected.matcher()
            if any(m.push(w.group()) for w in find_words(reading, special(reading))) or (final and m.end()):
                return True, True
            under_way = under_way or m.partial() >= 2 or m.undecided() > 0
        return False, under_way or self._active  # a reply saying the notes in disguise is held to its end
