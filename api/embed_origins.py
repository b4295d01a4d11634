"""What an organisation may list as an origin allowed to frame its candidate page (CSP frame-ancestors).

An origin is https, a host (optionally `*.` for its subdomains) and an optional port; plain http only for the local
machine (a developer's ATS sandbox); no path, no spaces or separators. A wildcard must stand over a domain someone
registered: `https://*.co.uk` or `https://*.github.io` would let every site under that public suffix frame the
page. A host name is at most 253 characters (DNS's limit): the pattern alone took any number of labels, and 20
origins of 100,000 characters each were stored and sent in the embed page's CSP header (2 MB, past what browsers
and HTTP clients read). Public suffixes come from the Public Suffix List bundled with the `publicsuffixlist` package
(read offline, never updated at run time), ICANN and private sections alike; a top-level domain the list does not
know counts as a suffix (its default rule `*`).
"""

from __future__ import annotations

import re
from functools import cache

from publicsuffixlist import PublicSuffixList

# As CSP's frame-ancestors takes them. Each is matched whole (`fullmatch`): with `re.match`, a `$` anchor also
# matches before a final newline. ASCII only (`re.ASCII`): `\d` alone matches every decimal digit in Unicode, and a
# port in Arabic-Indic or fullwidth digits was stored and then sent in the embed page's CSP header (Latin-1): a 500.
HTTPS_ORIGIN = re.compile(
    r"https://(\*\.)?[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)+(:\d{1,5})?",
    re.ASCII,
)
LOCAL_ORIGIN = re.compile(r"http://(localhost|127\.0\.0\.1|\[::1\])(:\d{1,5})?", re.ASCII)
_LABEL = r"[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?"
HOST_MAX = 253  # DNS: the longest name in text form (RFC 1035, without the root's final dot)
# What a caller may send for one origin before it is normalised: the scheme, a wildcard, the longest host, a port,
# and some slack for the blanks and the final slash `normalise` drops.
ORIGIN_INPUT_MAX = len("https://*.") + HOST_MAX + len(":65535") + 31
_PORT = re.compile(r":\d{1,5}$", re.ASCII)
# A wildcard over any host, one label included (`https://*.com`), so that it is refused for what it is.
_WILDCARD = re.compile(rf"https://\*\.({_LABEL}(\.{_LABEL})*)(:\d{{1,5}})?", re.ASCII)


@cache
def public_suffixes() -> PublicSuffixList:
    """The bundled list, parsed once (about 0.1 s); the app loads it at start-up (`api.app`)."""
    return PublicSuffixList()


def normalise(origin: str) -> str:
    """An origin as stored and compared: trimmed, lower-case, without a trailing slash."""
    return origin.strip().lower().rstrip("/")


def origin_problem(origin: str) -> str | None:
    """Why `origin` (normalised) may not frame the candidate page, or None."""
    wildcard = _WILDCARD.fullmatch(origin)
    if wildcard and public_suffixes().is_public(wildcard.group(1)):
        return (
            f"is a wildcard over the public suffix {wildcard.group(1)!r}: every site under it could frame the page; "
            "name your own domain (https://*.example.co.uk)"
        )
    if not (HTTPS_ORIGIN.fullmatch(origin) or LOCAL_ORIGIN.fullmatch(origin)):
        return "is not an origin like https://ats.example.com"
    if len(_PORT.sub("", origin.partition("://")[2].removeprefix("*."))) > HOST_MAX:
        return f"has a host name longer than {HOST_MAX} characters"
    return None
