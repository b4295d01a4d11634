"""Profiles a candidate gives without a slash or a cue verb, and a personal site by its domain (grader/redact.py,
`[link]`): "github com zqdev", "linkedin dot com in zqdev", "my github zqdev", "my telegram zq_dev", "my GitHub
handle zqdev", "Find me: github zqdev.", "GitHub zq_dev42", "my site zq-dev.io", "my portfolio, zqdev dot com",
"site: zqdev.com" ("github: zqdev", a label, is grader/spoken.py's).

What decides, since "github actions", "my GitHub repo" and "LinkedIn Learning" are said the same way: after a
profile site's name (a messenger's only after "my"), one handle (letters and digits, joined by `_`, `.`, `-` or a
spoken joining word) that ends its clause (punctuation, the end, "and", "or", "too") and is not a word said about
the site (`NOT_HANDLES`: "repo", "account", "copilot", "server", "yesterday", an everyday word, a number word, the
question's own words, a word in -ly); and one of: the site's domain said before it ("com", "dot com": a path said
without its slashes), "my" or "our" before the site, a word for an account between them ("handle", "username"), a
token shaped as a handle (`zq_dev`, `zqdev42`, `zqDev`), or a lower-case token after a label's colon or a word that
gives where someone is ("Find me: github zqdev", "I'm on github zqdev") or alone on its line with the site ("github
zqdev"; a product is written with a capital, "GitHub Copilot."). A personal site: after "my" or "our" and "site",
"website", "blog", "portfolio", "homepage" or "domain", a domain written or said (`zq-dev.io`, "zqdev dot com"), or
after such a label one domain of two labels and no path ("site: zqdev.com"; "site: docs.python.org/3/" is a
reference); `example.com` never.
"""

from __future__ import annotations

import re

from grader.everyday_words import COMMON_WORDS
from grader.handles import CLAUSE_END, PLATFORM_TALK
from grader.spoken import BOUNDARY, JOIN, JOINERS, SPOKEN_DOT, TLDS
from grader.spoken_numbers import DIGIT_WORDS

# Sites a person has a profile on, said as their name; those whose name is also an everyday or a coding word
# ("medium", "x", "threads") and the practice sites ("leetcode medium", "leetcode 75") only with their domain.
_SITES = (
    r"git\s*hub|git\s*lab|linked\s*in|bitbucket|codeberg|twitter|instagram|facebook|mastodon|blue\s*sky"
    r"|tik\s*tok|twitch|youtube|substack|kaggle|behance|dribbble"
)
_SITES_WITH_DOMAIN = (
    r"medium|x|threads|reddit|leet\s*code|hacker\s*rank|codeforces|stack\s*overflow|dev|hashnode"
)
# Messengers, only after "my" or "our" ("my telegram zq_dev", "my tg zq_dev", "my insta zq.dev").
_MESSENGERS = (
    r"telegram|tg|discord|skype|insta|ig|snap\s*chat|snap|we\s*chat|kakao(?:\s*talk)?|keybase|threema|viber"
    r"|whats\s*app|wa"
)
_WORD = r"[^\W_]+"
_TOKEN = rf"@?{_WORD}(?:{JOIN}{_WORD})*"
_COM = rf"(?:{SPOKEN_DOT}(?:com|org|net|io|to|tv)|\s+com)"
PROFILE_MENTION = re.compile(
    rf"(?<![\w@./-])(?:(?P<my>(?:my|our)\s+(?:{_MESSENGERS}\s+)?)?(?P<site>{_SITES})(?P<com>{_COM})?"
    rf"|(?P<my_messenger>(?:my|our)\s+)(?P<messenger>{_MESSENGERS})"
    rf"|(?P<site_com>{_SITES_WITH_DOMAIN})(?P<domain>{_COM}))"
    # A label's colon is grader/spoken.py's ("github: zqdev", `[handle]`).
    rf"(?:\s+(?:in|u|user|users|pub|company))?(?P<account>\s+(?:handle|user\s*name|user\s*id|id|account|profile))?"
    rf"\s+(?P<handle>{_TOKEN})",
    re.IGNORECASE,
)
# Words said after a site's name that are not a handle.
NOT_HANDLES = (
    COMMON_WORDS
    | BOUNDARY
    | PLATFORM_TALK
    | frozenset(DIGIT_WORDS)
    | JOINERS
    | frozenset(
        """
        account accounts handle username slug slugs vanity custom bio feed link links readme repository repositories
        stars star followers
        following contributions actions action copilot pages desktop enterprise cli gist gists codespaces codespace
        learning premium blue reels stories story history graph activity issues issue discussions discussion
        workflow workflows org orgs organization organizations team teams wiki release releases package packages
        marketplace sponsors app apps api integration integrations ci runner runners pr prs pull request requests
        commit commits branch branches fork forks clone star notebook notebooks dataset datasets competition
        competitions kernel kernels channel channels video videos article articles blog post posts thread tweet
        tweets dm dms message messages search login sign signup page pages url urls com dot slash tutorial
        tutorials video course courses server servers bot bots group groups chat chats status contacts invite
        community call calls voice sticker stickers github gitlab linkedin bitbucket codeberg twitter instagram
        facebook mastodon
        bluesky tiktok twitch youtube substack kaggle behance dribbble medium reddit threads leetcode hackerrank
        yesterday today tomorrow tonight though anyway lately earlier later before after again now ago first last
        is was has have had does did will would can could should
        """.split()  # noqa: SIM905  # a word list reads better as text
    )
)
SHAPED = re.compile(r"[._-]|\d|[a-z][A-Z]|\s")
# Before a site whose lower-case token is taken for a handle with no other sign: a label's colon or a word that
# gives where someone is ("find me at", "I'm on", "reach me via"), or nothing, when the site and the handle are all
# that is said on the line ("github zqdev").
_GIVES = re.compile(r"(?:[:=]|\b(?:me|i'm|im|i\s+am)(?:\s+(?:at|on|via|in))?)\s*\Z", re.IGNORECASE)
_ALONE_BEFORE = re.compile(r"(?:^|\n)[ \t]*\Z")
_ALONE_AFTER = re.compile(r"[ \t]*[.!]?[ \t]*(?:$|\n)")
_TLD = "|".join(
    sorted(TLDS | {"site", "page", "tech", "blog", "codes", "name", "app"}, key=len, reverse=True)
)
_DOMAIN = (
    rf"[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:{SPOKEN_DOT}[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*{SPOKEN_DOT}(?:{_TLD})"
)
PERSONAL_SITE = re.compile(
    r"(?<![\w-])(?:(?P<owner>my|our)\s+(?:own\s+|personal\s+)?(?:web\s*site|site|blog|portfolio|home\s*page|domain)"
    r"(?:\s+(?:is|at|lives\s+at|is\s+at)|\s*[:,=-])?"
    # A label: "site: zqdev.com", "# Portfolio - zqdev.dev".
    r"|(?:personal\s+)?(?:web\s*site|site|blog|portfolio|home\s*page)\s*[:=-])\s*(?P<site>(?:https?://)?(?:www{SPOKEN_DOT})?"
    rf"{_DOMAIN}(?![\w-])(?:/[^\s)\]>\"'`]*[^\s)\]>\"'`.,;:!?])?)",
    re.IGNORECASE,
)


def profile_spans(
    text: str, start: int, end: int, vocabulary: frozenset[str] = frozenset()
) -> list[tuple[int, int]]:
    """The site and the handle of a `PROFILE_MENTION` (`text[start:end]`) when the module's rules take the token for
    a handle; `vocabulary`: the words of the question's statement (lower case)."""
    m = PROFILE_MENTION.match(text, start)
    if m is None or CLAUSE_END.match(text, m.end()) is None:
        return []
    handle = m.group("handle").lstrip("@")
    pieces = [p.lower() for p in re.findall(r"[^\W\d_]+", handle)]
    if not pieces or all(p in NOT_HANDLES or p in vocabulary for p in pieces):
        return []
    if handle.lower() in NOT_HANDLES or handle.lower().endswith("ly"):
        return []
    site = next(m.start(g) for g in ("site", "messenger", "site_com") if m.group(g))
    if (
        m.group("com")
        or m.group("domain")
        or m.group("my")
        or m.group("my_messenger")
        or m.group("account")
        or m.group("handle").startswith("@")
        or SHAPED.search(handle)
    ):
        return [(site, m.end())]
    if not handle.islower():
        return []
    alone = _ALONE_BEFORE.search(text, max(0, start - 40), start) and _ALONE_AFTER.match(text, m.end())
    if alone or _GIVES.search(text, max(0, start - 40), start):
        return [(site, m.end())]
    return []


def site_spans(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """The domain (and path) of a personal site a `PERSONAL_SITE` cue gives."""
    m = PERSONAL_SITE.match(text, start)
    if m is None:
        return []
    labels = [w for w in re.split(rf"{SPOKEN_DOT}|/", m.group("site").split("://")[-1], flags=re.I) if w]
    if labels and labels[0].lower() == "www":
        labels = labels[1:]
    if labels[:1] == ["example"]:
        return []  # the placeholder domain
    if not m.group("owner") and (len(labels) != 2 or "/" in m.group("site").split("://")[-1]):
        return []  # a label's site is one domain and no path: "site: docs.python.org/3/" is a reference
    return [m.span("site")]
