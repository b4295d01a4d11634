"""Links that point to a person (grader/redact.py replaces them with `[link]`): a profile on a social, code,
coding-practice or publishing site, a personal site on a blog host by its subdomain, the link-in-bio, scheduling
and messaging sites a candidate gives to be reached (linktr.ee, calendly.com, wa.me), and on any site a link whose
path or query names a user (`/~zqdev`, `/@zqdev`, `/u/zqdev`, `/users/12/zqdev`, `/people/zqdev`,
`?user=zqdev`), which no list of sites can hold. A link to documentation or a search stays. Also a home directory's
account name in a path (`/home/jdoe/`), as `[handle]`."""

from __future__ import annotations

import re

_TAIL = r"[^\s)\]>\"'`]*[^\s)\]>\"'`.,;:!?]"  # a link's path, without the punctuation that ends a sentence
# Profiles: social and code hosts, and the coding-practice and publishing sites a candidate in a coding interview
# points to (the written forms of grader/spoken.py's `PLATFORMS`), link-in-bio, scheduling and messaging sites; a
# personal site on a blog host by its subdomain.
PROFILE_LINK = re.compile(
    r"(?<![\w.-])(?:https?://)?(?:[a-z0-9-]+\.)*"
    r"(?:(?:(?:linkedin|github|gitlab|bitbucket|twitter|x|stackoverflow|stackexchange|medium|instagram|facebook"
    r"|leetcode|hackerrank|codeforces|kaggle|youtube|tiktok|reddit|codechef|topcoder|dribbble|discord|substack"
    r"|calendly|replit|gitee|quora|wellfound|patreon|buymeacoffee|xing|weibo|devpost|producthunt|vk)\.com"
    r"|leetcode\.cn|youtu\.be|behance\.net|threads\.net|twitch\.tv|dev\.to|t\.me|keybase\.io|bsky\.app"
    r"|mastodon\.social|linktr\.ee|about\.me|cal\.com|wa\.me|m\.me|signal\.me|bio\.link|beacons\.ai|carrd\.co"
    r"|codepen\.io|huggingface\.co|codeberg\.org|sr\.ht|angel\.co|ko-fi\.com|vk\.ru)/"
    rf"{_TAIL}"
    r"|[a-z0-9-]+\.(?:github\.io|substack\.com|hashnode\.dev|medium\.com|blogspot\.com|wordpress\.com)(?![\w-])"
    rf"(?:/{_TAIL})?)",
    re.IGNORECASE,
)
# A link on any site whose path names a user (`/~zqdev`, `/@zqdev`, `/u/zqdev`, `/users/12/zqdev`) or whose query
# does (`?user=zqdev`): the whole link.
USER_LINK = re.compile(
    r"(?<![\w.@-])(?:https?://)?(?:[a-z0-9-]+\.)+[a-z]{2,}(?::\d+)?"
    r"(?=/)(?:/[^\s/?#)\]>\"'`]*)*?"
    r"(?:/(?:~|@)[\w.-]*\w|/(?:u|user|users|profile|profiles|people|member|members|author|authors|in)/\w"
    r"|/[^\s?#)\]>\"'`]*[?&](?:user|username|user_?id|uid|u|handle|profile|author|login|member)=[^\s&#)\]>\"'`])"
    rf"(?:{_TAIL})?",
    re.IGNORECASE,
)
SITE_HOST = re.compile(r"\.(?:io|com|dev)(?!\w)", re.IGNORECASE)
# A home directory's account name in a path (`/home/jdoe/`, `/Users/priya/`, `C:\\Users\\priya\\`), as a
# traceback, a compiler message or a path in the code shows it: `[handle]`.
HOME_PATH = re.compile(
    r"(?:(?<![\w.~-])/(?:home|Users|users)/|(?<![\w])[A-Za-z]:(?:\\+|/)(?:Users|Documents and Settings)(?:\\+|/))"
    r"(?P<user>[^\s/\\\"'`<>:|*?]+)"
)


def home_user(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """The account name of a home path (`text[start:end]`), the path itself stays."""
    m = HOME_PATH.match(text, start)
    return [m.span("user")] if m else []
