"""Names and contact details said across two transcript lines (grader/bundle.py).

Speech-to-text cuts a turn into lines where the speaker pauses, and a candidate types a chat message in pieces, so
"my name is Ada Love" can end one line and "lace" open the next, "call me at four one five" one and "five five
five, zero one zero zero" the next, "my name is" one and "Sasha Blue" the next. The other speaker may cut in
between: the candidate says "my name is", the interviewer "sorry, go ahead", the candidate "Sasha Blue". Only a cut
that leaves the turn with the speaker is read through (`interruption`): a short backchannel or a request to say it
again; after a question or a prompt of its own ("great, and what approach would you take?") the next line answers
it and is no continuation ("binary search on the answer" stays). Each line is
redacted alone (grader/redact.py), where neither half is the name or the number. So the end of each line and the
start of the next one of the same speaker are redacted together, as if said in one line, with up to
`MAX_LINES_BETWEEN` interruptions of other speakers between them: a replacement there that crosses from one line
into the other, or that one line alone does not make (its cue was in the other), is made in both lines. Only the
edges are read again (`EDGE_CHARS` of each, cut at a space), and only of lines shown whole.

Speech-to-text writes a line's first word with a capital, whatever it is, so a name that one line holds whole to its
end goes on into the next only by words that are no everyday word (`goes_on`): "call me Pri" / "Okay so I think" is
not "Pri Okay", "my name is Priya" / "Raman, and I work at Acme" is one name. The names found so are read for the
ones the candidate introduces themself by as well (`edges`, grader/self_named.py), as a line's own are.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence

from grader.intro_words import weak_name
from grader.name_particles import particle
from grader.not_names import NOT_NAMES
from grader.redacted import Redacted

EDGE_CHARS = 80  # of each line's edge read with the other's: a name in pieces or a phone number said in words
# Lines of other speakers between two of one speaker that are still read together: an interruption ("sorry, go
# ahead") and speech-to-text's cut of it into two lines.
MAX_LINES_BETWEEN = 2
# An interruption is short: a backchannel, "sorry, you cut out there", "could you say that again?".
MAX_INTERRUPTION_WORDS = 10
# Words that ask something or move the talk on ("what approach would you take?", "let's look at the loop"): the
# next line answers them.
_ASKS = re.compile(
    r"\b(?:what|which|how|why|where|when|who|whose|can|could|would|will|do|does|did|are|is|have|has|should|shall"
    r"|tell|walk|explain|describe|let's|lets|let\s+us|try|think|consider|now|next|moving|move"
    # and as a Spanish interview's interviewer asks: "¿y qué enfoque usarías?", "vamos al problema"
    r"|qu[eé]|c[oó]mo|cu[aá]l|d[oó]nde|cu[aá]ndo|qui[eé]n|puedes|podr[ií]as|vamos|dime|explica|explicame|ahora)\b",
    re.IGNORECASE,
)
# Words that hand the turn back unchanged: a request to say it again, or to go on.
_HANDS_BACK = re.compile(
    r"\b(?:again|repeat|say\s+that|catch\s+that|didn't\s+catch|did\s+not\s+catch|cut\s+out|cutting\s+out"
    r"|broke\s+up|breaking\s+up|missed|pardon|come\s+again|what\s+was\s+that|spell|go\s+(?:ahead|on)"
    r"|continue|your\s+name|repite|repetir|repetirlo|otra\s+vez|de\s+nuevo|adelante|sigue|contin[uú]a|tu\s+nombre)\b",
    re.IGNORECASE,
)
# A line of nothing but hesitations (grader/spoken.py `HESITATION_GAP`'s, and "ah", "mm"): a short line, each word one.
MAX_HESITATION_CHARS = 40
_HESITATION_WORD = re.compile(r"(?i:u+h+|u+m+|e+r+m*|h+m+|a+h+|m{2,})")
_LETTERS = re.compile(r"[^\W_]+")
MAX_PAIRED_LINE_CHARS = 2_000  # a longer line is redacted by windows (grader/transcript_lines.py): not paired

PLACEHOLDER = re.compile(r"\[[\w/ ]+\]")  # `[candidate]`, `[phone]`, `[them/their]`
Span = tuple[int, int, str]  # (start, end, placeholder) in a line's original text


def _tail_start(text: str) -> int:
    if len(text) <= EDGE_CHARS:
        return 0
    cut = text.find(" ", len(text) - EDGE_CHARS)
    return cut + 1 if cut >= 0 else len(text) - EDGE_CHARS


def _head_end(text: str) -> int:
    if len(text) <= EDGE_CHARS:
        return len(text)
    cut = text.find(" ", EDGE_CHARS)
    return cut if cut >= 0 else EDGE_CHARS


def _covered(own: Redacted, start: int, end: int) -> bool:
    """The line's own redaction replaces `start:end` of its original text already."""
    return any(o_start <= start and end <= o_end for _, _, o_start, o_end in own.segments)


def across_lines(
    lines: Sequence[tuple[int, str, str]], redact: Callable[[str], Redacted]
) -> dict[int, list[Span]]:
    """For `(seq, speaker, text)` in order, the replacements each line needs besides its own redaction: those the
    edges of two lines of one speaker make together, each line read with the next of its speaker when no more than
    `MAX_LINES_BETWEEN` lines of others lie between."""
    extra: dict[int, list[Span]] = {}
    for (seq_a, _, a), (seq_b, _, b) in _same_speaker_pairs(lines):
        if not a.strip() or not b.strip():
            continue
        if len(a) > MAX_PAIRED_LINE_CHARS or len(b) > MAX_PAIRED_LINE_CHARS:
            continue
        start, stop = _tail_start(a), _head_end(b)
        left, right = a[start:], b[:stop]
        joined = redact(f"{left} {right}")
        if not joined.segments:
            continue
        gap = len(left) + 1  # where `right` starts in the joined text
        for out_start, out_end, o_start, o_end in joined.segments:
            placeholder = joined.text[out_start:out_end]
            if not PLACEHOLDER.fullmatch(placeholder):
                continue  # a row's mark unmarked (grader/row_marks.py): each line's own rule sees to it
            if o_start < len(left) and o_end > gap and _covered(redact(a), start + o_start, len(a.rstrip())):
                # Whole in the first line to its end: on into the next only by words that are no everyday word.
                o_end = gap + goes_on(right[: o_end - gap])
                if o_end == gap:
                    continue
            if o_start < len(left) and o_end > gap:  # from one line into the other
                extra.setdefault(seq_a, []).append((start + o_start, len(a), placeholder))
                extra.setdefault(seq_b, []).append((0, o_end - gap, placeholder))
            elif o_start >= gap and not _covered(redact(b), o_start - gap, o_end - gap):
                extra.setdefault(seq_b, []).append((o_start - gap, o_end - gap, placeholder))
            elif o_end <= len(left) and not _covered(redact(a), start + o_start, start + o_end):
                extra.setdefault(seq_a, []).append((start + o_start, start + o_end, placeholder))
    return extra


def edges(lines: Sequence[tuple[int, str, str]], speaker: str) -> Iterator[tuple[str, str]]:
    """The end of each line of `speaker` and the start of their next (`EDGE_CHARS` of each), where `across_lines`
    reads the two together."""
    for (_, who, a), (_, _, b) in _same_speaker_pairs(lines):
        short = len(a) <= MAX_PAIRED_LINE_CHARS and len(b) <= MAX_PAIRED_LINE_CHARS
        if who == speaker and a.strip() and b.strip() and short:
            yield a[_tail_start(a) :], b[: _head_end(b)]


_WORD = re.compile(r"[^\W\d_](?:[\w]|['\u2019-](?=[^\W\d_]))*")
_CONTRACTION = re.compile(r"['\u2019](?:s|m|re|ll|ve|d|t)\Z")


def goes_on(opening: str) -> int:
    """How much of `opening`, the words that continue a name from the line before, is still the name: its words up
    to the first everyday word (`NOT_NAMES`, grader/intro_words.py `weak_name`; "Okay", "You", "Let's", "Sorry"),
    written with a capital at a line's start whatever it is."""
    end = last = 0
    for m in _WORD.finditer(opening):
        word = _CONTRACTION.sub("", m.group())
        if opening[last : m.start()].strip():
            break
        last = m.end()
        if word.islower() and particle(word):
            continue  # "de Vries": a particle goes with the name word after it
        if word.lower() in NOT_NAMES or not weak_name([word]):
            break
        end = m.end()
    return end


def _same_speaker_pairs(
    lines: Sequence[tuple[int, str, str]],
) -> Iterator[tuple[tuple[int, str, str], tuple[int, str, str]]]:
    """Each line with the next line of its speaker, where at most `MAX_LINES_BETWEEN` lines of others lie between,
    each an `interruption`."""
    for i, first in enumerate(lines):
        for second in lines[i + 1 : i + 2 + MAX_LINES_BETWEEN]:
            if second[1] == first[1]:
                if hesitation(second[2]):
                    continue  # "you can call me" / "um" / "Priya.": speech-to-text cuts a turn at each pause
                yield first, second
                break
            if not interruption(second[2]):
                break


def hesitation(text: str) -> bool:
    """A line that is only a hesitation ("um", "Uh...", "hmm, um"): between two lines of the same speaker it is
    passed over as an interruption is, and holds nothing to pair."""
    words = _LETTERS.findall(text) if len(text) <= MAX_HESITATION_CHARS else []
    return bool(words) and all(_HESITATION_WORD.fullmatch(w) for w in words)


def interruption(text: str) -> bool:
    """A line of the other speaker that leaves the turn where it was: short, and asking nothing but that it go on or
    be said again ("okay", "sorry, go ahead", "could you say that again?"); not a question or a prompt of its own
    ("great, and what approach would you take?", "let's focus on the problem"), which the next line answers."""
    return len(text.split()) <= MAX_INTERRUPTION_WORDS and (
        _ASKS.search(text) is None or _HANDS_BACK.search(text) is not None
    )


def with_spans(text: str, spans: list[Span], redact: Callable[[str], Redacted]) -> Redacted:
    """`text` with `spans` replaced by their placeholders and the text between them redacted as usual."""
    out: list[str] = []
    segments: list[tuple[int, int, int, int]] = []
    pos = length = 0

    def add(piece: str, at: int) -> None:
        nonlocal length
        if not piece:
            return
        done = redact(piece)
        segments.extend((s + length, e + length, o_s + at, o_e + at) for s, e, o_s, o_e in done.segments)
        out.append(done.text)
        length += len(done.text)

    for start, end, placeholder in sorted(spans, key=lambda s: (s[0], -s[1])):
        if start < pos:
            continue  # inside one already replaced
        add(text[pos:start], pos)
        segments.append((length, length + len(placeholder), start, end))
        out.append(placeholder)
        length += len(placeholder)
        pos = end
    add(text[pos:], pos)
    return Redacted("".join(out), text, tuple(segments))
