"""A title beside the candidate's redacted name, recognised by where it stands and by the kind of word it is rather than
by a list of titles alone.

Before the name: a word standing right before `[candidate]` (spaces, an invisible character, a hyphen or nothing
between, a rank's "of", or the period of an abbreviated title, `ABBREVIATED`: "Mrs. [candidate]"; up to
`MAX_TITLES` in a row) is read as a title of the name and becomes `[title]` when
- written with a capital mid-sentence, unless it is a word of another kind: one that stands there in a sentence's
  own grammar (`NOT_TITLES`: "Hi", "Thanks", "Dear", "by", "is", "Adiós", "Friday", "March", read with accents
  folded), an adverb or participle by its ending (`_NOT_A_NOUN`: "Honestly", "Exactamente", "Natürlich",
  "Amazing"), or a proper noun of a thing: a technology's name (grader/tech_names.py: "In Python Grace used"), an
  algorithm's eponym ("With Dijkstra Grace found"), a product's shape ("JavaScript", a capital inside the word);
- opening a sentence (or a literal, a comment, a label's value), where a capital says nothing of the word: only a
  title noun (`TITLE_WORDS`: "Master Park, your turn", but "Ready Grace?" and "Amazing Grace!" stay), and any
  capitalised word before such a title (a chain: "Her Royal Highness");
- in lower case: an abbreviated title ("dr. smith", "mrs lovelace") or a title noun with no everyday sense
  (`LOWER_CASE_TITLES`: "thanks doctor lovelace"; not "master", a branch, nor "judge").
A list of titles misses the one a candidate or an interviewer happens to use ("Lady", "Lord", "Dame", "Countess",
"Sheikh", "Mx", "Fräulein", "Signora"), each telling the model a gender, a rank, a faith or an origin beside a hidden
name: mid-sentence, a capitalised word right before a name is a title far more often than anything else, and a
plain word read as one costs the model one word of a sentence.

After the name: a title written after it (`POST_NOMINALS`: "[candidate], PhD", "[candidate] Jr.", "Esq.", "III"),
as written or in capitals, a degree only where its clause ends after it ("Grace, MS Word is open" stays), up to
`MAX_TITLES` in a row ("PhD, MBA").

A name's other word (`NameParts`, `_joined_words`): a word written as a name right before the family name on file
where no title stands ("Sona [candidate] wrote this"), or right after the given name on file ("[candidate] Byron"),
is the name's and becomes `[candidate]`, unless it is a word of speech there ("Thanks", "Ready", "Python").

Only beside the candidate's own name: "Mrs Smith" in test data and "Lord of the rings" stay. Applied once a text's
rules are applied (grader/redact.py), to speech, code (literals and comments alike) and a program's output. The word
lists: grader/title_words.py.
"""

from __future__ import annotations

import dataclasses
import re
import unicodedata
from collections.abc import Iterable

from grader.everyday_words import CODE_EPONYMS
from grader.intro_words import weak_name
from grader.name_rules import NAME
from grader.not_names import NOT_NAMES
from grader.redacted import Redacted
from grader.tech_names import tech_name
from grader.title_words import (
    ABBREVIATED,
    CHAIN_OPENERS,
    GENERATIONS,
    LOWER_CASE_TITLES,
    NOT_TITLES,
    POST_NOMINALS,
    TITLE_WORDS,
    folded,
)

TITLE = "[title]"
# Invisible format characters (zero-width space and joiners, word joiner, soft hyphen, bidi controls): the
# matching form leaves them out, so one between a title and the name ("Lady\u200bLovelace") hides no title.
_INVISIBLE = "\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff"
# Combining marks of the cased scripts (Latin, Greek, Cyrillic): a title typed decomposed ("Sen\u0303ora") is one word.
_MARKS = "\u0300-\u036f\u0483-\u0489\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f"
# A word, its first letter a capital, not inside another word nor a placeholder, its letters with marks or invisible
# characters between them ("Mi\u00adss"), then an abbreviation's period, a hyphen or an underscore ("Ms.Lovelace",
# "Master-Lovelace", `MasterLovelace`) or none, spaces or invisible characters, and a rank's "of" ("Countess of
# Lovelace"): read backwards from the name, to the end of the text read.
_TITLE_WORD = re.compile(
    rf"(?<![\w\[\].{_MARKS}-])([^\W\d_](?:[{_INVISIBLE}]*[^\W\d_]|[{_MARKS}])*)(?P<sep>[{_INVISIBLE}]*[.\-_])?"
    rf"(?:[^\S\n]|[{_INVISIBLE}])*(?:of[^\S\n]+)?\Z"
)
_REACH = 60  # characters read before the name, or before a title, for the next title: longer than any title
MAX_TITLES = (
    3  # titles read before one name ("Her Royal Highness"): a heading in title case keeps its first words
)


# Endings of the adverbs and participles of the interviewer's languages ("Honestly", "Amazing", "Exactamente",
# "Vraiment", "Natürlich"), read on the folded word with a stem of three letters or more: no title ends so ("King",
# "Holy" are too short to be read).
_NOT_A_NOUN = re.compile(r"\w{3,}(?:ly|ing|mente|ment|lich)")
# A product's name by its shape: a capital inside the word ("JavaScript", "GitHub", "LeetCode").
_INNER_CAPITAL = re.compile(r"[^\W\d_]*[a-z][^\W\d_]*[A-Z]")
# Before a word that opens a sentence: the text's start, a sentence's end, a line's, a label's colon, an opening quote
# or bracket, a comment's mark, an assignment.
_OPENERS = frozenset(".!?:;\n\u2026\"'`\u201c\u2018\u00ab([{\u00bf\u00a1#/*>|=")
# After the name: a separator, then a word with its inner dots ("Ph.D"), and an abbreviation's period.
_POST = re.compile(
    rf"(?:,[^\S\n]*|[^\S\n]+)(?P<word>[^\W\d_]+(?:\.[^\W\d_]+)*)\.?(?![\w{_MARKS}{_INVISIBLE}])"
)
_BY_UPPER = {title.upper(): title for title in POST_NOMINALS}
_CLAUSE_END = re.compile(r"\.?[^\S\n]*(?:[,;:!?)\]\n]|\.|\Z)")


# A lone initial right before the name ("P. [candidate]", "P [candidate]", "p.[candidate]"): the letter, after a space,
# an opening bracket or quote or nothing (not the "m" of "I\u2019m", nor a letter of "e.g."), then a period or a space.
_INITIAL = re.compile(r"(?:^|(?<=[\s(\"\u201c\u2018\u00ab]))([^\W\d_])(?:(\.)[^\S\n]*|[^\S\n]+)\Z")


def _initial_alone(letter: str) -> bool:
    """Whether `letter`, with no period after it, is an initial: a capital ("I'm P Raman"), not one that is a word
    alone ("A", "I") nor one with an accent ("É", "À": words in Romance languages); a letter in lower case without a
    period is as often a word ("è", "y", "o", "u", "a")."""
    return letter.isupper() and letter not in "AI" and not unicodedata.decomposition(letter)


@dataclasses.dataclass(frozen=True)
class NameParts:
    """The words of the names on file of two words or more (`folded`): the first (`given`) and the last (`family`);
    and the everyday words of the question (`everyday`), which are no name's."""

    given: frozenset[str] = frozenset()
    family: frozenset[str] = frozenset()
    everyday: frozenset[str] = frozenset()

    @classmethod
    def of(cls, names: Iterable[str], everyday: frozenset[str] = frozenset()) -> NameParts:
        wholes = [words for name in names if len(words := name.split()) > 1]
        return cls(
            frozenset(folded(w[0]) for w in wholes), frozenset(folded(w[-1]) for w in wholes), everyday
        )


def titles_before_name(done: Redacted, parts: NameParts | None = None) -> Redacted:
    """`done` with the titles beside each `[candidate]` it placed (before it and after it) replaced by `[title]`,
    mapped back as well; a lone initial before it ("P. Raman", "p raman") is made part of the name first. With
    `parts`, a name's other word beside a part of the name on file (`_joined_words`) becomes `[candidate]` too."""
    if NAME not in done.text:
        return done
    done = _initials_joined(done)
    extra: list[tuple[int, int, str]] = []
    for start, end, o_start, o_end in done.segments:
        if done.text[start:end] == NAME:
            before = _titles_before(done, start)
            extra[len(extra) :] = ((a, b, TITLE) for a, b in reversed(before))
            extra += ((a, b, TITLE) for a, b in _titles_after(done, end))
            if parts is not None:
                extra += _joined_words(
                    done, start, end, folded(done.original[o_start:o_end]), parts, bool(before)
                )
    return _replaced(done, sorted(set(extra))) if extra else done


# A word written as a name ("Sona", "Jean-Luc", "O'Neil"): a capital, then lower case.
_NAME_SHAPED = re.compile(r"[^\W\d_](?:['\u2019-]?[^\W\d_])+")
_WORD_BEFORE = re.compile(r"(?<![\w\[\].-])([^\W\d_][\w'\u2019-]*)[^\S\n]+\Z")
_WORD_AFTER = re.compile(r"[^\S\n]+([^\W\d_][\w'\u2019-]*)(?![\w\[\]'\u2019-])")


def _joined_words(
    done: Redacted, start: int, end: int, key: str, parts: NameParts, titled: bool
) -> list[tuple[int, int, str]]:
    """A word written as a name right before the family name on file, where no title stands ("Sona [candidate],
    that's my legal name": a given name not on file), or right after the given name on file ("[candidate] Byron"),
    as `[candidate]`: a name's other word says who it is. Not a word of speech there (`_speech_word`: "Thanks",
    "Ready", "Okay", "Python", a month, an adverb), so the trade-offs of a sentence's capital stay
    (tests/grader/test_redact_titles_by_place.py)."""
    found: list[tuple[int, int, str]] = []
    if key in parts.family and not titled:
        m = _WORD_BEFORE.search(done.text, max(0, start - _REACH), start)
        if (
            m is not None
            and done.segment_at(m.start()) == done.segment_at(start)
            and not done.inside(m.start())
            and _joins(m.group(1), parts)
        ):
            found.append((*m.span(1), NAME))
    if key in parts.given:
        m = _WORD_AFTER.match(done.text, end)
        if m is not None and done.segment_at(m.end()) == done.segment_at(end) and _joins(m.group(1), parts):
            found.append((*m.span(1), NAME))
    return found


def _joins(word: str, parts: NameParts) -> bool:
    """Whether `word` may be a name's other word: written as a name, of two letters or more, no word of speech."""
    letters = [c for c in word if c not in "'\u2019-"]
    if len(letters) < 2 or not word[0].isupper() or not _NAME_SHAPED.fullmatch(word):
        return False
    if any(c.isupper() and word[i - 1] not in "'\u2019-" for i, c in enumerate(word) if i):
        return False  # "BFS", "JavaScript": an acronym, a product
    if any(c.islower() and word[i - 1] in "'\u2019" for i, c in enumerate(word) if i):
        return False  # "That's", "I'd": a contraction
    key = folded(word)
    return not (
        key in parts.everyday
        or key in parts.family
        or key in parts.given
        or key in NOT_NAMES
        or key in NOT_TITLES
        or key in TITLE_WORDS
        or key in CODE_EPONYMS
        or _NOT_A_NOUN.fullmatch(key)
        or tech_name(key)
        or not weak_name([word])
    )


def _initials_joined(done: Redacted) -> Redacted:
    """`done` with each lone initial right before a `[candidate]` taken into that replacement: the name's initial
    says as much of who it is as the name ("this is p. raman", "I'm P Raman")."""
    joins: dict[int, int] = {}  # segment index -> the initial's start
    for i, (start, end, o_start, _) in enumerate(done.segments):
        if done.text[start:end] != NAME:
            continue
        m = _INITIAL.search(done.text, max(0, start - 8), start)
        if m is None or done.segment_at(m.start()) != i - 1 or done.inside(m.start()):
            continue  # none, or across another replacement
        if m.group(2) is None and not _initial_alone(m.group(1)):
            continue  # "a [candidate]", "I [candidate]", "il mio nome è [candidate]": a word of its own
        if m.group(2) and m.group(1).islower() and done.original[o_start : o_start + 1].isupper():
            continue  # "plan b. Raman said": a sentence's end, the name opening the next
        joins[i] = m.start()
    if not joins:
        return done
    out: list[str] = []
    segments: list[tuple[int, int, int, int]] = []
    pos = length = 0  # in done.text; of the new text so far
    for i, (start, end, o_start, o_end) in enumerate(done.segments):
        at = joins.get(i, start)
        out += [done.text[pos:at], done.text[start:end]]
        length += at - pos
        o_at = done.original_span(at, start)[0] if at < start else o_start
        segments.append((length, length + end - start, o_at, o_end))
        length += end - start
        pos = end
    out.append(done.text[pos:])
    return Redacted("".join(out), done.original, tuple(segments))


def _titles_before(done: Redacted, at: int) -> list[tuple[int, int]]:
    """The spans of the titles right before `at`, nearest first, none inside or across a replacement."""
    found: list[tuple[int, int]] = []
    while len(found) < MAX_TITLES:
        m = _TITLE_WORD.search(done.text, max(0, at - _REACH), at)
        if m is None or done.segment_at(m.start()) != done.segment_at(at) or done.inside(m.start()):
            break
        abbreviated = (m.group("sep") or "").endswith(".")
        if not _is_title(done.text, m.start(), m.group(1), abbreviated, chained=bool(found)):
            break
        found.append(m.span(1))
        at = m.start()
    return found


def _is_title(text: str, start: int, word: str, abbreviated: bool, chained: bool) -> bool:
    """Whether `word`, at `start` of `text` before the name (or before a title of it: `chained`), is a title."""
    key = folded(word)
    if abbreviated:  # a word before a period: an abbreviated title, or a sentence's last word
        return key in ABBREVIATED
    if not word[0].isupper():
        return key in LOWER_CASE_TITLES or key in {"mr", "mrs", "ms", "mx", "dr", "prof"}
    if key in TITLE_WORDS:
        return True
    if key in CHAIN_OPENERS:
        return chained
    if not chained and _opens(text, start):
        return False  # "Ready Grace?": the capital is the sentence's
    return not (
        key in NOT_TITLES
        or _NOT_A_NOUN.fullmatch(key)
        or tech_name(key)
        or key in CODE_EPONYMS
        or _INNER_CAPITAL.match(word)
    )


def _opens(text: str, start: int) -> bool:
    """Whether the word at `start` opens the text, a sentence, a line, a literal or a comment."""
    i = start
    while i > 0 and (text[i - 1].isspace() or re.match(f"[{_INVISIBLE}]", text[i - 1])):
        i -= 1
    return i == 0 or text[i - 1] in _OPENERS


def _titles_after(done: Redacted, at: int) -> list[tuple[int, int]]:
    """The spans of the titles written right after the name ending at `at`: "[candidate], PhD", "[candidate] Jr."."""
    found: list[tuple[int, int]] = []
    name = done.segment_at(at)
    m = _POST.match(done.text, at)
    while m is not None and len(found) < MAX_TITLES and done.segment_at(m.end("word")) == name:
        title = _post_nominal(m.group("word"))
        following = _POST.match(done.text, m.end())
        if title is None or not (
            title in GENERATIONS
            or _CLAUSE_END.match(done.text, m.end("word"))
            or (following is not None and _post_nominal(following.group("word")) is not None)
        ):
            break
        found.append(m.span("word"))
        m = following
    return found


def _post_nominal(word: str) -> str | None:
    """The title of `POST_NOMINALS` that `word` writes ("Ph.D" and "PHD" for PhD; "phd", "esq", "jr" in lower case:
    of two letters, only the generations), or None."""
    key = word.replace(".", "")
    title = _BY_UPPER.get(key.upper())
    if title is None or key not in (title, title.upper(), title.lower()):
        return None
    return title if key != title.lower() or len(title) >= 3 or title in GENERATIONS else None


def _replaced(done: Redacted, spans: list[tuple[int, int, str]]) -> Redacted:
    """`done` with `spans` of its text (outside its replacements, in order) replaced by their labels (`TITLE`,
    `NAME`)."""
    out: list[str] = []
    segments: list[tuple[int, int, int, int]] = []
    pos = 0  # in done.text
    shift = 0  # new text's length minus done.text's, so far
    old = iter(done.segments)
    pending = next(old, None)
    for start, end, label in spans:
        if start < pos:
            continue  # read twice: a word after one name and before the next
        while pending is not None and pending[0] < start:
            segments.append((pending[0] + shift, pending[1] + shift, pending[2], pending[3]))
            pending = next(old, None)
        out.append(done.text[pos:start])
        o_start, o_end = done.original_span(start, end)
        segments.append((start + shift, start + shift + len(label), o_start, o_end))
        out.append(label)
        shift += len(label) - (end - start)
        pos = end
    while pending is not None:
        segments.append((pending[0] + shift, pending[1] + shift, pending[2], pending[3]))
        pending = next(old, None)
    out.append(done.text[pos:])
    return Redacted("".join(out), done.original, tuple(segments))
