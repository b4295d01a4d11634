"""Handles a candidate gives without a cue word (grader/redact.py): named only by the platform that follows them
("zqdev on instagram", "zq_dev on GitHub"), a Discord tag with its discriminator ("zqdev#1234"), and the e-mail
address's local part on file written with its pieces joined another way (`zq_dev` as `zqdev`, `ZqDev`, `zq.dev`).

What decides, before "on <platform>": one token (letters and digits, joined by `_`, `.` or `-`), which
- opens its clause (the text's start, punctuation, "and", "or", "also") or follows a word that introduces a name
  ("as", "under", "called", "named"), or, when it is shaped as a handle (a digit among letters, a joining character,
  a capital inside: `zq_dev`, `zqdev42`, `zqDev`), also "it's", "is", "I'm", a verb that gives someone to reach
  ("contact zqdev42 on telegram", "add zq_dev on discord", "dm zq.dev on twitter"); and any token after "me at" ("reach
  me at zqdev on discord");
- and is not a word of the sentence's own ("Mostly on leetcode", "Yeah, on github", "Everything is on GitHub"):
  not a function word, a word of `PLATFORM_TALK`, or an adverb in -ly, nor made only of such words, number words
  and the question's own words (a problem's name: `two_sum on leetcode`);
- and ends its clause with the platform (punctuation, the end, "and", "or", "too" after it).
A `#` and four digits after a word is a Discord tag unless the word numbers something (`issue#1234`, `PR#5678`).
"search for", "look up" or "google" before the token give it too when it is shaped as a handle ("search for zq_dev on
github"), as the verbs of `GIVES_HANDLE` do: a word said so is as often what talk about code searches for ("look up
memoization on youtube", "search for dijkstra on youtube", "look up bisect on stackoverflow").

A platform named first, then the handle after a copula (`PLATFORM_COPULA`, 2026-12-07): "on github I'm zq_dev",
"find me on github, I'm adal1815", "my github handle, it's zqdev", "on discord it's zq_dev". The one token after
"I'm" or "it's" is the handle unless it is a word of the sentence's own as above, a state (`grader.intro_words.
listed`: "on github I'm pretty active"), an adverb in -ly or a version ("v2"); and, when only "on <platform>" comes
before it, unless it is written as a word (`_shaped`): "on leetcode it's medium", "on github it's archived", "in
threads it's atomic" say what it is there. A word is the handle after the account named ("my github, it's zqdev", "my
github handle, it's zqdev") or the speaker offered as a contact ("add me on discord, it's zqdev").
"""

from __future__ import annotations

import re

from grader.everyday_words import CODE_EPONYMS, COMMON_WORDS
from grader.intro_words import listed, weak_name
from grader.spoken import BOUNDARY, PLATFORMS, joined_handle_before
from grader.spoken_numbers import DIGIT_WORDS
from grader.tech_names import tech_name

# A username and its discriminator, set apart as a word ("zqdev#1234"); not inside a link, an address or a colour.
TAG = re.compile(r"(?<![\w#@/.&%-])[^\W\d][\w.]{0,31}#\d{4}(?![\w#])")
# Words a `#` number follows that are not a person's tag: what a tracker, a list or a build numbers.
NOT_TAGS = frozenset(
    """
    issue issues pr prs pull mr bug bugs ticket tickets case test tests item items no num number gh jira step row
    line id order apt ref commit build run task story page part chapter section room version ver rev
    """.split()  # noqa: SIM905  # a word list reads better as text
)
# Words said about what is on a platform, which open a clause before "on <platform>" ("Practice on leetcode",
# "Python on leetcode", "Twice on codeforces").
PLATFORM_TALK = frozenset(
    """
    everything anything something nothing stuff things thing code projects project repos repo posts post work
    practice practicing practiced active available public private online live mine yours more less some most
    lots sometimes usually often again yeah yep nope sure well hmm um uh like also only just once twice daily
    weekly problems questions challenges contests solutions submissions mediums hards easies streak rating rank
    ranked badges profile python java javascript js typescript ts cpp c go golang rust kotlin swift ruby scala
    sql bash haskell ocaml elixir php perl dart julia matlab
    """.split()  # noqa: SIM905  # a word list reads better as text
)
TOKEN_BEFORE = re.compile(r"(?<![\w@.-])(@?[^\W_](?:[\w.-]*[^\W_])?)\s*\Z")
WORD_BEFORE = re.compile(r"([\w']+)\s*\Z")
INTRODUCES = frozenset({"as", "under", "called", "named"})
INTRODUCES_HANDLE = frozenset({"it's", "its", "is", "i'm", "im", "am"})
# Verbs that give what follows them as someone to reach ("contact zqdev42 on telegram", "add zq_dev on discord"):
# like `INTRODUCES_HANDLE`, before a token shaped as a handle only ("add more on leetcode" stays).
GIVES_HANDLE = frozenset(
    """
    contact add message msg ping dm text follow find reach friend call search write whatsapp
    """.split()  # noqa: SIM905  # a word list reads better as text
)
OPENS = frozenset({"and", "or", "also", "plus"})
# Two words that give the token after them ("search for zqdev on github", "look up zq on leetcode").
SEARCHES = re.compile(r"\b(?:search(?:\s+for)?|look\s+(?:for|up)|google|lookup)\s*\Z", re.IGNORECASE)
CLAUSE_END = re.compile(r"\s*(?:$|[.,;:!?)\]]|(?:and|or|too|but|so|if)\b)", re.IGNORECASE)
PIECE = re.compile(r"[^\W\d_]+")
SHAPED = re.compile(r"[._-]|\d|[a-z][A-Z]")


def _shaped(token: str) -> bool:
    """Written as a handle is and a word is not: `zq_dev`, `zqdev42`, `zqDev` (not all digits)."""
    return SHAPED.search(token) is not None and not token.replace(".", "").replace("-", "").isdigit()


def _words_of_its_own(token: str, vocabulary: frozenset[str]) -> bool:
    """A token made only of everyday words, number words or the question's own words: a problem's name (`two_sum`,
    `merge-intervals`), not a person's handle."""
    pieces = PIECE.findall(token.lower())
    return bool(pieces) and all(
        p in COMMON_WORDS or p in BOUNDARY or p in PLATFORM_TALK or p in DIGIT_WORDS or p in vocabulary
        for p in pieces
    )


# "reach me at zq_dev on discord", "find us as zqdev42 on github": a verb's "me at" gives the handle after it.
ME_AT = re.compile(r"\b(?:me|us)\s+(?:at|as|via|under)\s*\Z", re.IGNORECASE)


def _me_at(before: str, previous: re.Match[str] | None) -> bool:
    return previous is not None and previous.end() == len(before) and ME_AT.search(before) is not None


def handle_before(
    text: str, start: int, end: int, vocabulary: frozenset[str] = frozenset()
) -> list[tuple[int, int]]:
    """The handle right before "on <platform>" (`text[start:end]`): said with a joining word
    (`joined_handle_before`), else one token that the module's rules take as a handle; `vocabulary`: the words of
    the question's statement (lower case)."""
    if joined := joined_handle_before(text, start, end):
        return joined
    if CLAUSE_END.match(text, end) is None:
        return []
    window = max(0, start - 100)
    m = TOKEN_BEFORE.search(text, window, start)
    if m is None:
        return []
    token = m.group(1).lstrip("@")
    word = token.lower()
    if word.endswith("ly") or _words_of_its_own(token, vocabulary):
        return []
    shaped = _shaped(token)
    before = text[window : m.start()].rstrip()
    previous = WORD_BEFORE.search(before)
    previous_word = previous.group(1).lower() if previous and previous.end() == len(before) else ""
    opens = (
        before == "" or before[-1] in ".,;:!?(\u2013\u2014-#/*" or previous_word in OPENS
    )  # or a comment's start
    gives = previous_word in INTRODUCES_HANDLE or previous_word in GIVES_HANDLE
    if opens or previous_word in INTRODUCES or (shaped and gives) or _me_at(before, previous):
        return [(m.start(), start)]
    if SEARCHES.search(before) and shaped and not _known_word(token):
        return [(m.start(), start)]
    return []


def _known_word(token: str) -> bool:
    """A word of talk about code that is searched for by name: a state, an algorithm's eponym, a technology."""
    return listed(token) or token.lower() in CODE_EPONYMS or tech_name(token)


# A platform named, then "I'm" or "it's" before the handle: "on github I'm zqdev", "find me on github, I'm
# adal1815", "my github handle, it's zqdev", "on discord it's zq_dev".
_ACCOUNT_WORD = r"(?:handle|user\s*name|user\s*id|screen\s*name|account|profile|id|tag|nick(?:\s*name)?)"
PLATFORM_COPULA = re.compile(
    rf"(?<![\w-])(?:(?:on|in)\s+(?:{PLATFORMS})(?P<account>\s+{_ACCOUNT_WORD})?|(?P<mine>(?:my|our)\s+(?:{PLATFORMS}))"
    rf"(?:\s+{_ACCOUNT_WORD})?)\s*[,:\u2013\u2014-]?"
    r"\s*(?:i'm|i\s+am|im|it's|its|it\s+is)\s+(?:(?:just|simply|also)\s+)?(?=@?[^\W_])",
    re.IGNORECASE,
)
_TOKEN_AFTER = re.compile(r"@?[^\W_](?:[\w.-]*[^\W_])?(?![\w@])")


def copula_handle(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """The handle right after `PLATFORM_COPULA` (`text[start:end]`): one token that is no word of the sentence's own,
    no state, no adverb and no version ("on github I'm pretty active", "on leetcode it's mostly mediums" stay); after
    "on <platform>" alone, one shaped as a handle ("on leetcode it's medium" stays)."""
    m = _TOKEN_AFTER.match(text, end)
    if m is None or (CLAUSE_END.match(text, m.end()) is None and not ON_PLATFORM_NEXT.match(text, m.end())):
        return []
    token = m.group().lstrip("@")
    if (
        token.lower().endswith("ly")
        or VERSION.fullmatch(token)
        or _known_word(token)
        or _words_of_its_own(token, frozenset())
    ):
        return []
    if not _shaped(
        token
    ):  # a word: the handle only where the account was named or offered, and not a predicate
        cue = PLATFORM_COPULA.match(text, start)
        named = cue is not None and (cue.group("account") or cue.group("mine"))
        if not (named or OFFERED.search(text, max(0, start - 40), start)) or not weak_name([token]):
            return []
    return [m.span()]


VERSION = re.compile(r"v?\d+(?:\.\d+)*[a-z]?", re.IGNORECASE)
# The speaker offered as a contact before "on <platform>": "find me on github, I'm adal", "add me on discord, it's zq".
OFFERED = re.compile(
    r"\b(?:find|add|follow|reach|contact|message|ping|dm|friend|hit\s+up|look\s+up|search\s+for)\s+(?:me|us)"
    r"(?:\s+up)?\s*\Z",
    re.IGNORECASE,
)


ON_PLATFORM_NEXT = re.compile(r"\s+(?:on|there|online|everywhere)\b", re.IGNORECASE)


def tag_spans(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """`text[start:end]` (`TAG`) unless the word before its `#` numbers something (`issue#1234`)."""
    word = text[start : text.index("#", start)].lower()
    return [] if word in NOT_TAGS else [(start, end)]


def local_forms(local: str) -> str | None:
    """A pattern for an address's local part, or a handle on file, with its pieces joined any way (`zq_dev`:
    `zqdev`, `zq.dev`, `ZqDev`; `zqdev1990`: `zqdev_1990`), digits after it included; directly joined only when that
    makes five letters or more. None for one of one piece, matched as it is."""
    pieces = re.findall(r"[^\W\d_]+|\d+", local)
    if len(pieces) < 2:
        return None
    letters = sum(len(p) for p in pieces if not p.isdigit())
    joint = "[._-]?" if letters >= 5 else "[._-]"
    return joint.join(re.escape(p) for p in pieces) + r"\d*"


def local_core(local: str) -> str | None:
    """The letters of a local part before its number (`zqdev1990`: `zqdev`), which the candidate may use alone: five
    letters or more, since a shorter one is often a word of its own (`code42`, `dev99`)."""
    m = re.fullmatch(r"([^\W\d_]{5,})[._-]?\d+", local)
    return m.group(1) if m else None


def words_of(text: str) -> frozenset[str]:
    """The words of `text` (the question's statement), lower case."""
    return frozenset(PIECE.findall(text.lower()))
