"""What a quote of the candidate's words may not leave out: anything before it in its sentence but a neutral word,
a denial or hedge after it, and the question it is part of.

"Honestly I don't think my code handles duplicates correctly" holds "my code handles duplicates correctly", word
for word, and that quote says the opposite of what was said: a report that shows it, or credit that rests on it,
has the candidate claim what they denied. A list of the words that govern a quote is never complete ("I used to
think", "I believed", "it is false that", "pensaba que", "said no one ever"), and speech-to-text puts commas
around fillers ("I don't, um, think ..."), so the rule is an allow-list: it fails closed. A quote of a transcript
line is refused (grader/evidence.py, then the repair round) unless
- it starts at the start of its sentence, or every word between that start and the quote is a `NEUTRAL` one
  (fillers and discourse words, "and", "so", "then", a subject pronoun and its contractions: "So, um, I'd ..."
  quoted from after "I'd"), and
- neither the rest of its sentence nor the short sentences right after it (each of `SHORT_NEXT` words at most:
  "Not.", "Just kidding.", "Said no one ever.", "Es broma.") hold a `DENIAL` word ("not", "n't", "no", "nope",
  "never", "kidding", "jk", "joke"; a hedge or condition that takes it back: "I think", "I guess", "maybe", "if",
  "would", "supposedly", "in theory", "lol"; "no", "nunca", "broma", "mentira", "creo", "quizás", "si",
  "supuestamente"), nor is one of those short sentences a question ("... duplicates. Right?"), and
- it is not part of a question it does not start with ("Can I assume the input is sorted?" quoted as "the input
  is sorted"; "¿uso un hash map?" as "uso un hash map"; "So the input is sorted?" as "the input is sorted"), nor
  the start of a question without its question mark ("So the input is sorted" of "So the input is sorted?").
The model quotes from the start of the sentence (and on to its end where a denial follows or it is a question),
which always holds. A short aside of the same speaker's next line ("Not.", "just kidding": speech-to-text cuts a turn
at a pause) is read after the line's last sentence as one of those short sentences (`takes_back`, read by
grader/evidence.py); a quote cannot reach into it, so what it takes back is quotable from no line.

A sentence starts at the start of the line, after `.`, `?` (in any of its forms: "‽", "❓", "؟", the Greek one) or
`!` followed by a space, a closing quote or bracket, or the end (not an ellipsis:
"I don't think... my code"; not the point of "e.g." or "vs."), and at `¿` or `¡`. A comma, colon, semicolon,
dash, ellipsis or line break does not end one, nor a word that turns it ("but", "pero"): speech-to-text puts
punctuation anywhere, a typed message is the candidate's to lay out ("I don't think\nmy code handles it"), and
"I'm not sure but my code handles it" is a hedge. Before a quote, only `LOOK_CHARS` are read (a bound on the work for
each match): a quote whose sentence starts further back than that (or before a long line's tail as shown) is
refused, as what was not read may govern it. After it, its sentence is read to its end however far (a denial 300
characters on takes it back as much as one at 30): the text's sentence ends and words are found once (`_layout`),
and each place a quote matches reads them in logarithmic time. A quote in a long line's head whose sentence runs
past the head is refused, as the rest, not shown, may deny it. The cost: a sentence left unended for hundreds of
words, with a denial or a hedge anywhere after the quote, is quotable only whole.
"""

from __future__ import annotations

import re
import unicodedata
from array import array
from bisect import bisect_left
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

from grader.matching_form import latin_look_alikes

LOOK_CHARS = 240  # how far before and after a quote its sentence is read (a bound on the work for each match)
SHORT_NEXT = 4  # a sentence right after the quote's, of at most this many words, is read for a denial: "Not."
FOLLOWING = 4  # how many short sentences in a row after the quote's are read ("Yeah. Okay. Not.")

# Words that may stand between a sentence's start and a quote: fillers, discourse words ("wait", "oops", "look":
# speech corrects itself with them, "Wait, I'm returning too early"), conjunctions that only join, subject pronouns
# and their contractions. Never a negation, a modal, a verb of thinking or hoping, nor "no",
# "right" ("yeah, right, ...") or "sure" ("sure, ..."), which can be sarcastic, nor Spanish "si" ("if"; "sí" is
# "yes").
NEUTRAL = frozenset(
    """
    so and also plus then now okay ok alright um uh umm uhm er erm ah oh hmm well yeah yes yep like
    basically actually anyway first next wait oops aha huh hey look
    i i'd i'll i'm we we'd we'll we're let's you it it's they they're
    y e o sea entonces bueno pues vale eh este sí ya luego mira también primero yo nosotros vamos espera oye
    """.split()  # noqa: SIM905  # a word list reads better as text
)
# After a quote, in its sentence or a short one right after: a denial, or a hedge or condition that takes it back.
# A word ending in "n't" counts too.
DENIAL = frozenset(
    """
    not no nope nah never nobody nothing kidding jk joke joking lie lying sarcasm sarcastic
    think guess hope hoped suppose believe thought maybe perhaps probably possibly hopefully if unless
    would could might wish wished supposedly allegedly apparently theoretically theory ideally lol lmao haha rofl
    nunca nadie nada broma mentira creo supongo espero pensé pense quizás quizas quizá quiza si ojalá ojala
    supuestamente aparentemente teóricamente teoricamente teoría teoria jaja jajaja
    """.split()  # noqa: SIM905  # a word list reads better as text
)
# A point after these ends no sentence ("e.g. a hash map").
ABBREVIATIONS = frozenset("e.g i.e etc vs cf approx mr mrs ms dr p.ej ej aprox sr sra".split())  # noqa: SIM905
_WORD = re.compile(r"\w+(?:['\u2019]\w+)*")
# A sentence's end: ".", "?", "!" (not part of "..") followed by a space or the end; the CJK ones. Not a line break.
# A question mark in any of its forms ("‽", "❓", "؟", the Greek one that looks like ";"); a mark may be followed by a
# closing quote or bracket ('sorted?"', "(sorted?)").
_QUESTION = frozenset("?\uff1f\u203d\u2047\u2048\u2049\u2e2e\u061f\u037e\u2753\u2754\ufe56")
_CLOSE = r"(?=[\s\"')\]\u201d\u2019\u00bb]|$)"
_MARKS = "".join(sorted(_QUESTION)) + "!\u2755\u2757"
_SENTENCE_END = re.compile(rf"(?<!\.)\.(?!\.){_CLOSE}|[{_MARKS}]{_CLOSE}|[\u3002\uff1f\uff01]")
_OPENING = re.compile(r"[\u00bf\u00a1]")
_TOKEN_BEFORE = re.compile(r"\S*\Z")


def _words(text: str) -> list[str]:
    """The words of `text` as the model read them: without invisible format characters ("no\u2060tes" is "notes",
    not "no"), Cyrillic or Greek look-alike letters in a Latin word as the Latin ones (as grader/evidence.py does),
    full-width and other compatibility letters as the plain ones (full-width "NOT" is "NOT")."""
    if not text.isascii():
        text = "".join(_read_as(c) for c in latin_look_alikes(text))
    return [m.group(0).lower().replace("\u2019", "'") for m in _WORD.finditer(text)]


def _read_as(c: str) -> str:
    """A character as the model reads it: nothing for an invisible one, the compatibility form of one (not its
    accents: "sí" is not "si")."""
    if c <= "\x7f":
        return c
    return "" if unicodedata.category(c) == "Cf" else unicodedata.normalize("NFKC", c)


def _ends(text: str, start: int, stop: int) -> Iterator[int]:
    """Where the sentences that end in `text[start:stop]` end (read with the character after it, which says whether
    a point ends one), but at the point of an abbreviation."""
    for m in _SENTENCE_END.finditer(text, start, min(len(text), stop + 1)):
        if m.end() > stop:
            return
        if m.group(0) == ".":
            token = _TOKEN_BEFORE.search(text, max(0, m.start() - 12), m.start())
            if token is not None and token.group(0).lower().lstrip("([\"'") in ABBREVIATIONS:
                continue
        yield m.end()


def _denies(words: list[str]) -> bool:
    return any(w in DENIAL or w.endswith("n't") for w in words)


def takes_back(text: str) -> bool:
    """`text` (a line of its own) is a short aside that denies or hedges what came before it: at most `SHORT_NEXT`
    words, one of them a `DENIAL` ("Not.", "Just kidding.", "jk", "I think.", "Es broma."). grader/evidence.py reads
    such a line of the same speaker right after a quoted line as the short sentence after the quote; a question
    alone ("Right?") is not read there, since a quote cannot reach across lines to take it in."""
    words = _words(text)
    return 0 < len(words) <= SHORT_NEXT and _denies(words)


@dataclass(frozen=True)
class _Layout:
    """Where a text's sentences end and its words are, read once for every quote of it: a quote's sentence is read
    after it to its end, however far (a denial 300 characters on is as much a denial), in time logarithmic in the
    text (a model cites a line many times, and a quote can match at up to `MAX_MATCHES` places of it)."""

    ends: array[int]  # where each sentence's end mark starts (`_ends`, its `m.start()`)
    after: array[int]  # and where it ends (`m.end()`)
    questions: bytes  # 1 where that mark is a question's
    words: array[int]  # where each word starts
    denials: array[int]  # denials[i]: how many of the first i words are a denial


@lru_cache(maxsize=8)
def _layout(text: str) -> _Layout:
    ends, after, questions = array("I"), array("I"), bytearray()
    for stop in _ends(text, 0, len(text)):
        ends.append(stop - 1)
        after.append(stop)
        questions.append(text[stop - 1] in _QUESTION)
    # Words as the model read them (`_words`), with where each starts in `text`.
    kept, where = [], array("I")
    for i, c in enumerate(latin_look_alikes(text) if not text.isascii() else text):
        for folded in _read_as(c):
            kept.append(folded)
            where.append(i)
    words, denials, count = array("I"), array("I", [0]), 0
    for m in _WORD.finditer("".join(kept)):
        words.append(where[m.start()])
        count += _denies([m.group(0).lower().replace("\u2019", "'")])
        denials.append(count)
    return _Layout(ends, after, bytes(questions), words, denials)


def cut_away(text: str, start: int, end: int, *, cut_before: bool = False, cut_after: bool = False) -> str:
    """What a quote of `text[start:end]` (a transcript line's) leaves out that may change what it says: the words of
    its sentence before it, when one is not `NEUTRAL` (`"I don't, um, think"`), else the denial after it in its
    sentence or a short one after that (`"... Not."`), else the question it starts inside of; "" if none. Reads at
    most `LOOK_CHARS` either side. `cut_before`: `text` is the end of the line (a long line's tail as shown), so a
    sentence that reaches its start may start before it; `cut_after`: `text` is the start of the line (a long line's
    head as shown), so a sentence that reaches its end may go on, and be denied, in what was not shown."""
    low = max(0, start - LOOK_CHARS)
    if _OPENING.match(text, start):  # the quote starts the question or exclamation: "¿uso un hash map?"
        begin, opened = start, True
    else:
        breaks = [*_ends(text, low, start), *(m.start() for m in _OPENING.finditer(text, low, start))]
        if not breaks and (low > 0 or cut_before):
            return text[low:start].strip() or "\u2026"  # its sentence starts before what was read
        begin = max(breaks, default=0)
        opened = _OPENING.match(text, begin) is not None
    lead = text[begin:start]
    said = _words(lead)
    if any(w not in NEUTRAL for w in said):
        return lead.strip()
    layout = _layout(text)
    # The quote's own sentence, read to its end however far: a question when it ends with "?" (or opened with "¿").
    first = bisect_left(layout.ends, start)
    is_question = opened or (first < len(layout.ends) and layout.questions[first] == 1)
    # After the quote: the rest of its sentence, then each short sentence after it.
    at = bisect_left(layout.ends, max(start, end - 1))  # a quote can end with its sentence's point
    stop = layout.after[at] if at < len(layout.ends) else len(text)
    asked_after = False  # a short question right after it: "My code handles it. Right?"
    for k in range(at + 1, min(at + 1 + FOLLOWING, len(layout.ends))):
        if _count(layout, stop, layout.after[k]) > SHORT_NEXT:
            break
        stop, asked_after = layout.after[k], asked_after or layout.questions[k] == 1
    else:
        if at + 1 + FOLLOWING > len(layout.ends) and 0 < _count(layout, stop, len(text)) <= SHORT_NEXT:
            stop = len(text)  # the line's last words, unended: "... correctly. Not"
    if cut_after and stop == len(text) and (at >= len(layout.ends) or layout.after[-1] < len(text)):
        return "\u2026"  # its sentence, or a short one after it, goes on past what was shown
    words = layout.words
    i, j = bisect_left(words, end), bisect_left(words, stop)
    if layout.denials[j] > layout.denials[i] or asked_after:
        return _clipped(text[end:stop])
    if is_question and lead.strip(" \t\u00bf\u00a1"):  # "the input is sorted" of "So the input is sorted?"
        return lead.strip()
    if is_question and end < layout.after[first]:
        # "So the input is sorted" of "So the input is sorted?": the question quoted as a statement.
        return _clipped(text[end : layout.after[first]])
    if (
        opened and start > begin and not _QUESTION.intersection(text[start:end])
    ):  # "uso un hash map" of "¿uso un hash map?"
        return text[begin:start].strip() or "\u00bf"
    return ""


def _count(layout: _Layout, start: int, stop: int) -> int:
    """How many words start in `[start, stop)`."""
    return bisect_left(layout.words, stop) - bisect_left(layout.words, start)


def _clipped(left_out: str) -> str:
    """What a quote left out, as the repair round quotes it: at most `LOOK_CHARS` either end."""
    left_out = left_out.strip()
    if len(left_out) <= 2 * LOOK_CHARS:
        return left_out
    return f"{left_out[:LOOK_CHARS]} \u2026 {left_out[-LOOK_CHARS:]}"
