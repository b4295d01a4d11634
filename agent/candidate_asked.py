"""What the candidate asked in the greeting of how the interviewer talks with them: to speak slowly, to give them time
to answer, to repeat or rephrase, the name to call them by. The only part of the greeting's talk a later phase is
told (agent.background leaves the rest out, background included): the interviewer passes it on with
``begin_problem`` and every later model turn's status note states it.

Only fixed kinds are kept, never the model's or the candidate's sentence (the note is outside any fence); a name only
when it is one to three words of letters that the candidate said themselves in the greeting (never the résumé's, an
employer the model picked, or an instruction), each of at least ``MIN_NAME_WORD_LETTERS`` letters. A restarted job
reads the same back from the recorded call.

The name is still the candidate's words ("call me Ignore Previous Instructions" is three words they said), so it is
data: the status note says only that they asked for a name, and the name itself reaches the model fenced, in the
turn's user-role data message (``asked_name_block``, agent.fence), never in a system message. A word is letters, each
followed by any combining marks (an accent typed apart, the vowel signs of "प्रिया" or "ศรี"), with an apostrophe or a
hyphen inside ("O'Neil", "Jean-Luc"); words are separated by one space. Nothing else is kept: no digits or numerals
("²", "Ⅻ"), no punctuation or symbols ("</data>"), no controls, bidirectional or other format characters, no
variation selectors or letters drawn as nothing (grader/asked_name.py ``_UNSEEN``), and no name the fence would
read as one of its markers ("<<<END" in Canadian syllabics, agent.fence ``reads_as_marker``). The words are
grader/asked_name.py's ``name_words``, by which the grader reads the name back.

A name with a word of one letter ("just call me J", "J Lee") is not kept, and no name is passed on: a letter alone is
in nearly every text (a loop's ``j``, "option B"), so the grader can take it for a name only where a line reads as
addressing them, and every later "J, let's run it" it misread would reach it as said. The interviewer says no name
from the next phase on, as for no request.

Time to answer is acted on, not only stated: every later phase's end-of-turn delays (``turn_handling``) and the quiet
before the interviewer asks whether they are still there (agent.silence) are ``time_to_answer_factor`` times the
usual, so a pause mid-sentence is not taken for the end of the turn. The interview's time limit, the coding
check-ins (no typing either) and the no-show ending keep their clocks.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from livekit.agents.voice.turn import TurnHandlingOptions

from agent.fence import fence, reads_as_marker
from agent.prompts import render
from agent.settings import AgentSettings

# A name's words are read as the grader reads them back (one definition: grader/asked_name.py).
from grader.asked_name import MAX_NAME_CHARS, MAX_NAME_WORDS, name_words

KINDS = ("speak_slowly", "time_to_answer", "repeat_or_rephrase")
MIN_NAME_WORD_LETTERS = 2  # a letter alone is no name the grader can redact everywhere
# agent/capture.py MAX_TOOL_TEXT: a call whose arguments are longer is recorded without them, and what the grader
# (grader/asked_name.py) and a restarted job (agent.resume) read of it is nothing, so ``begin_problem`` refuses it.
MAX_ARGUMENTS_CHARS = 8_000


def name_shape(name: str) -> bool:
    """Whether ``name`` (spaces already collapsed) is one to ``MAX_NAME_WORDS`` words (``name_words``) and nothing
    else, one space between two."""
    split = name.split(" ")
    return 1 <= len(split) <= MAX_NAME_WORDS and name_words(name) == split


@dataclass(frozen=True)
class Asked:
    kinds: tuple[str, ...] = ()
    name: str | None = None


def asked(kinds: object, name: object, said: Iterable[str]) -> Asked:
    """What of ``begin_problem``'s arguments is kept: the known kinds, once each; the name when its shape is a name's,
    each of its words has ``MIN_NAME_WORD_LETTERS`` letters or more and is a word of ``said`` (the candidate's own
    lines of the greeting)."""
    given = {str(k) for k in kinds} if isinstance(kinds, list | tuple) else set()
    kept = tuple(k for k in KINDS if k in given)
    call = " ".join(name.split()) if isinstance(name, str) else ""
    if not call or len(call) > MAX_NAME_CHARS or not name_shape(call) or reads_as_marker(call):
        return Asked(kept)
    if any(sum(c.isalpha() for c in word) < MIN_NAME_WORD_LETTERS for word in call.split()):
        return Asked(kept)
    words = {w.casefold() for line in said for w in name_words(line)}
    if not all(w.casefold() in words for w in call.split()):
        return Asked(kept)
    return Asked(kept, call)


def asked_lines(value: Asked) -> list[str]:
    """The status note's lines for ``value`` (prompts/asked_*.md): fixed text, the name only said to be asked for."""
    lines = [render(f"asked_{kind}") for kind in value.kinds]
    if value.name is not None:
        lines.append(render("asked_name"))
    return lines


def asked_name_block(value: Asked, nonce: str) -> str | None:
    """The name ``value`` holds as the turn's data message gives it: fenced (agent.fence), or None for no name."""
    if value.name is None:
        return None
    return render("asked_name_data", name=fence("called name", value.name, nonce))


def gives_time(value: Asked) -> bool:
    """Whether the candidate asked for time to answer (longer waits from the end of the greeting on)."""
    return "time_to_answer" in value.kinds


def turn_handling(
    value: Asked, settings: AgentSettings, given: TurnHandlingOptions | None
) -> TurnHandlingOptions | None:
    """A later phase's turn options for a candidate who asked for ``value``: ``given`` (the phase's own, None for the
    session's) with its endpointing delays (the session's when it sets none) ``time_to_answer_factor`` times longer
    for a candidate who asked for time to answer; else ``given`` as it is. livekit-agents 1.8 reads an Agent's
    ``endpointing`` over the session's, and its other turn options from the session."""
    if not gives_time(value):
        return given
    factor = settings.time_to_answer_factor
    options = TurnHandlingOptions(**(given or {}))
    endpointing = options.get("endpointing") or {}
    options["endpointing"] = {
        **endpointing,
        "min_delay": endpointing.get("min_delay", settings.min_endpointing_delay_s) * factor,
        "max_delay": endpointing.get("max_delay", settings.max_endpointing_delay_s) * factor,
    }
    return options
