"""The candidate's name written to be read back (grader/redact.py): reversed or in ROT13 (`disguises`: more forms
for the redactor's patterns), and inside a token of base64 or hex (`EncodedNames`: the token decoded and searched for
the name or the address).

A part is disguised only when it has five letters or more and its disguise is not an everyday word (`Lin` reversed
is `nil`). A token is decoded only when it is long enough to hold a name (eight characters: base64 of an
eight-letter name is twelve) and decodes to text;
the text must hold the whole name, the address or its local part, or a distinctive part of four letters or more, or
any contact detail written as one (an e-mail address, a profile link, a phone number such as `+1 415 555 0100`: a
candidate's other address, `em9AcHJvdG9uLm1l` for `zq@proton.me`).

A short name encodes to a short token (`Ada` is `QWRh`, `Lina` `TGluYQ`), and every word of four letters or more
of code is valid base64 that decodes to some bytes: decoding each would find names in noise. So a token shorter than
eight characters counts only when it is exactly the base64 of a distinctive part of three to seven letters as a
name is written (`Ada`, `ada`, `ADA`), with or without padding, standard or for URLs (`short_tokens`): a few
fixed strings for each part, which ordinary text holds only by chance.
"""

from __future__ import annotations

import base64
import binascii
import codecs
import re
from collections.abc import Iterable
from functools import lru_cache

from grader.contact_patterns import CODE_PHONE, EMAIL
from grader.everyday_words import COMMON_WORDS
from grader.links import PROFILE_LINK

# A run of base64 (standard or for URLs) or hex, set apart from the characters such a run is made of.
ENCODED_TOKEN = re.compile(r"(?<![\w+/=-])[A-Za-z0-9+/_-]{8,}={0,2}(?![\w+/=-])")
_HEX = re.compile(r"(?:[0-9a-fA-F]{2})+")
MIN_PRINTABLE = 0.9  # of a decoded text's characters


def disguises(names: Iterable[str]) -> set[str]:
    """The names (lower case) reversed and in ROT13: of a part, only as the module's docstring says."""
    out: set[str] = set()
    for name in names:
        word = name.lower()
        if len(word.replace(" ", "")) < 5 or not word.isascii():
            continue
        for form in (word[::-1], codecs.encode(word, "rot13")):
            if form != word and form not in COMMON_WORDS:
                out.add(form)
    return out


def short_tokens(parts: Iterable[str]) -> re.Pattern[str] | None:
    """The base64 tokens shorter than eight characters (`ENCODED_TOKEN`'s least) before their padding that encode a
    part exactly, padded or not (`cHJpeWE=` for "priya")."""
    tokens: set[str] = set()
    for part in parts:
        if not 3 <= len(part) <= 7 or not part.isalpha():
            continue
        for form in {part, part.lower(), part.upper(), part[:1].upper() + part[1:].lower()}:
            encoded = base64.b64encode(form.encode("utf-8")).decode("ascii")
            for token in (encoded, encoded.rstrip("=")):
                if len(token.rstrip("=")) < 8:
                    tokens |= {token, token.replace("+", "-").replace("/", "_")}
    if not tokens:
        return None
    alternatives = "|".join(re.escape(t) for t in sorted(tokens, key=len, reverse=True))
    return re.compile(rf"(?<![\w+/=-])(?:{alternatives})(?![\w+/=-])")


@lru_cache(maxsize=4096)  # a snapshot of the code repeats the last one's tokens
def _decoded(token: str) -> str | None:
    raw: bytes | None = None
    if len(token) % 2 == 0 and _HEX.fullmatch(token):
        raw = bytes.fromhex(token)
    else:
        body = token.rstrip("=")
        padded = body + "=" * (-len(body) % 4)
        try:
            raw = base64.b64decode(padded.replace("-", "+").replace("_", "/"), validate=True)
        except (binascii.Error, ValueError):
            return None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return None
    printable = sum(c.isprintable() or c.isspace() for c in text)
    return text.lower() if text and printable >= MIN_PRINTABLE * len(text) else None


class EncodedNames:
    """The name, the address and its local part (lower case) to look for in a decoded token."""

    def __init__(self, needles: Iterable[str]) -> None:
        self.needles = tuple(sorted({n.lower() for n in needles if len(n) >= 4}, key=len, reverse=True))

    def __bool__(self) -> bool:
        return bool(self.needles)

    def spans(self, text: str, start: int, end: int) -> list[tuple[int, int]]:
        """`Rule.refine` for an `ENCODED_TOKEN`: its span if it decodes to text that holds a needle."""
        decoded = _decoded(text[start:end])
        if decoded is None:
            return []
        flat = re.sub(r"[\s._-]+", "", decoded)  # "ada lovelace", "ada.lovelace" as "adalovelace"
        if any(n in decoded or n.replace(" ", "") in flat for n in self.needles):
            return [(start, end)]
        return [(start, end)] if _contact(decoded) else []


def _contact(decoded: str) -> bool:
    """A decoded token (lower case) that holds a contact detail that is not the one on file: any e-mail address, a
    profile link, or a phone number written as one (`+1 415 555 0100`, `415-555-0100`)."""
    if "@" in decoded and EMAIL.search(decoded):
        return True
    if ("/" in decoded or "." in decoded) and PROFILE_LINK.search(decoded):
        return True
    return sum(c.isdigit() for c in decoded) >= 9 and CODE_PHONE.search(decoded) is not None
