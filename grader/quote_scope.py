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
  "would"; "no", "nunca", "broma", "mentira", "creo", "quizás", "si"), and
- it is not part of a question it does not start with ("Can I assume the input is sorted?" quoted as "the input
  is sorted"; "¿uso un hash map?" as "uso un hash map"; "So the input is sorted?" as "the input is sorted").
The model quotes from the start of the sentence (and on to its end where a denial follows), which always holds.

A sentence starts at the start of the line, after `.`, `?` or `!` followed by a space or the end (not an ellipsis:
"I don't think... my code"; not the point of "e.g." or "vs."), and at `¿` or `¡`. A comma, colon, semicolon,
dash, ellipsis or line break does not end one, nor a word that turns it ("but", "pero"): speech-to-text puts
punctuation anywhere, a typed message is the candidate's to lay out ("I don't think\nmy code handles it"), and
"I'm not sure but my code handles it" is a hedge. Only `LOOK_CHARS` either side of a
quote are read (a bound on the work for each match), and of a long line only its head and tail as shown: a quote
whose sentence starts further back than that (or before the tail shown) is refused, as what was not read may govern
it; after a quote, a denial further on than that is not read (speech-to-text can leave a sentence unended for
hundreds of words, and a quote of it must be able to hold).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator

from grader.matching_form import latin_look_alikes

LOOK_CHARS = 240  # how far before and after a quote its sentence is read (a bound on the work for each match)
SHORT_NEXT = 4  # a sentence right after the quote's, of at most this many words, is read for a denial: "Not."
FOLLOWING = 4  # how many short sentences in a row after the quote's are read ("Yeah. Okay. Not.")

# Words that may stand between a sentence's start and a quote: fillers, discourse words, conjunctions that only
# join, subject pronouns and their contractions. Never a negation, a modal, a verb of thinking or hoping, nor "no",
# "right" ("yeah, right, ...") or "sure" ("sure, ..."), which can be sarcastic, nor Spanish "si" ("if"; "sí" is
# "yes").
NEUTRAL = frozenset(
    """
    so and also plus then now okay ok alright um uh umm uhm er erm ah oh hmm well yeah yes yep like
    basically actually anyway first next
    i i'd i'll i'm we we'd we'll we're let's you it it's they they're
    y e o sea entonces bueno pues vale eh este sí ya luego mira también primero yo nosotros vamos
    """.split()  # noqa: SIM905  # a word list reads better as text
)
# After a quote, in its sentence or a short one right after: a denial, or a hedge or condition that takes it back.
# A word ending in "n't" counts too.
DENIAL = frozenset(
    """
    not no nope nah never nobody nothing kidding jk joke joking lie lying sarcasm sarcastic
    think guess hope hoped suppose believe thought maybe perhaps probably possibly hopefully if unless
    would could might wish wished
    nunca nadie nada broma mentira creo supongo espero pensé pense quizás quizas quizá quiza si ojalá ojala
    """.split()  # noqa: SIM905  # a word list reads better as text
)
# A point after these ends no sentence ("e.g. a hash map").
ABBREVIATIONS = frozenset("e.g i.e etc vs cf approx mr mrs ms dr p.ej ej aprox sr sra".split())  # noqa: SIM905
_WORD = re.compile(r"\w+(?:['\u2019]\w+)*")
# A sentence's end: ".", "?", "!" (not part of "..") followed by a space or the end; the CJK ones. Not a line break.
_SENTENCE_END = re.compile(r"(?<!\.)\.(?!\.)(?=\s|$)|[?!](?=\s|$)|[\u3002\uff1f\uff01]")
_OPENING = re.compile(r"[\u00bf\u00a1]")
_QUESTION = frozenset("?\uff1f")
_TOKEN_BEFORE = re.compile(r"\S*\Z")


def _words(text: str) -> list[str]:
    """The words of `text` as the model read them: without invisible format characters ("no\u2060tes" is "notes",
    not "no"), Cyrillic or Greek look-alike letters in a Latin word as the Latin ones (as grader/evidence.py does)."""
    if not text.isascii():
        text = "".join(c for c in latin_look_alikes(text) if unicodedata.category(c) != "Cf")
    return [m.group(0).lower().replace("\u2019", "'") for m in _WORD.finditer(text)]


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


def cut_away(text: str, start: int, end: int, *, cut_before: bool = False) -> str:
    """What a quote of `text[start:end]` (a transcript line's) leaves out that may change what it says: the words of
    its sentence before it, when one is not `NEUTRAL` (`"I don't, um, think"`), else the denial after it in its
    sentence or a short one after that (`"... Not."`), else the question it starts inside of; "" if none. Reads at
    most `LOOK_CHARS` either side. `cut_before`: `text` is the end of the line (a long line's tail as shown), so a
    sentence that reaches its start may start before it."""
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
    # The quote's own sentence: a question when it ends with "?" (or opened with "¿").
    high = min(len(text), end + LOOK_CHARS)
    first_end = next(_ends(text, start, high), None)
    is_question = opened or (first_end is not None and text[first_end - 1] in _QUESTION)
    # After the quote: the rest of its sentence, then each short sentence after it.
    ends = _ends(text, max(start, end - 1), high)  # a quote can end with its sentence's point
    stop = next(ends, high)
    tail = _words(text[end:stop])
    for _ in range(FOLLOWING):
        nxt = next(ends, high)
        words = _words(text[stop:nxt])
        if len(words) > SHORT_NEXT or nxt == stop:
            break
        tail += words
        stop = nxt
    if _denies(tail):
        return text[end:stop].strip()
    if is_question and lead.strip(" \t\u00bf\u00a1"):  # "the input is sorted" of "So the input is sorted?"
        return lead.strip()
    if opened and start > begin and "?" not in text[start:end]:  # "uso un hash map" of "¿uso un hash map?"
        return text[begin:start].strip() or "\u00bf"
    return ""
