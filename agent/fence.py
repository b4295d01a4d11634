# ruff: noqa: RUF002, RUF003  # look-alike characters (of "<", of letters) are what this module reads
"""Untrusted content as delimited data: code, transcripts, the résumé and the job description reach the model
only inside a fenced block in user or tool content, never in a system message.

The markers carry a per-interview random nonce. Content must hold nothing that reads as one of our markers, so that
it cannot close its own block and pose as instructions (a `# SYSTEM OVERRIDE` comment stays a comment):

- any occurrence of the nonce is removed;
- text in the shape of a marker's opening, "<<<BEGIN" or "<<<END" (whatever tag and code follow, made up or
  guessed), is broken apart ("<<\\<END"), so that it reads as no marker at all, whatever the model makes of codes.

Both are found in the text as a reader takes it in (``_folded``), not as it is encoded: a model reads "𝐄𝐍𝐃",
"E\\u200bND", "ＥＮＤ", "ᴱᴺᴰ", "ЕND" (Cyrillic Е) and "‹‹‹" as "END" and "<<<", and a nonce written in
mathematical bold, circled or superscript characters, or with spaces or punctuation between its characters, as the
nonce.
Only what is found is changed: other text (accented letters, "List<List<int>>", "x << 2", "<<EOF") reaches the model
as written.
"""

from __future__ import annotations

import functools
import re
import secrets
import unicodedata

from agent.payloads import clean_text


def new_nonce() -> str:
    """Twelve hex digits (``_REMOVED`` relies on the nonce being hex)."""
    return secrets.token_hex(6)


def fence(kind: str, body: str, nonce: str) -> str:
    """``body`` between ``<<<BEGIN KIND nonce>>>`` and ``<<<END KIND nonce>>>`` markers."""
    tag = f"{kind.upper()} {nonce}"
    safe = _break_markers(_remove_nonce(clean_text(body), nonce))
    return f"<<<BEGIN {tag}>>>\n{safe}\n<<<END {tag}>>>"


# Characters a reader does not see, or sees as part of the letter before: combining marks (accents, enclosing
# circles, variation selectors), format characters (zero-width spaces and joiners, bidi controls, tag characters,
# U+FEFF), other controls but whitespace, unassigned and private-use code points, and the Hangul fillers (letters
# drawn as nothing).
_BLANK_LETTERS = frozenset("\u115f\u1160\u3164\uffa0")
# What NFKC leaves alone but a reader takes for "<" (Unicode's confusables for "<", the angle brackets and angle
# quotation marks; the doubled ones for two, "⋘" for three), or for a Latin letter (Cyrillic, Greek and Armenian
# letters drawn the same as one of BEGIN, END or a hex digit, after case folding: "Е" is "е" here).
_READS_AS = {
    **dict.fromkeys("\u02c2\u1438\u16b2\u2039\u276c\u276e\u2770\u27e8\u29fc\u3008\U0001d236", "<"),
    **dict.fromkeys("\u00ab\u226a\u27ea\u2aa1\u300a", "<<"),
    "\u22d8": "<<<",
    **dict(zip("аαвβсϲԁеεɡіιıӏνηո", "aabbccdeegiiiinnn", strict=True)),
}


def _unseen(c: str) -> bool:
    category = unicodedata.category(c)
    return category[0] == "M" or (category[0] == "C" and not c.isspace()) or c in _BLANK_LETTERS


@functools.lru_cache(maxsize=1 << 15)  # distinct characters: a script's letters, kept across turns
def _fold(c: str) -> str:
    """``c`` as a reader takes it in: compatibility forms (NFKD: bold, script, circled, superscript, fullwidth,
    ligatures) as the plain characters, case folded, accents and unseen characters dropped, look-alikes read."""
    if (read := _READS_AS.get(c.casefold())) is not None:  # before NFKD, which takes "ϲ" (a "c") to "σ"
        return read
    plain = unicodedata.normalize("NFKD", unicodedata.normalize("NFKD", c).casefold())
    return "".join(_READS_AS.get(d, d) for d in plain if not _unseen(d))


_NOT_PLAIN = re.compile(r"[^\s!-~]")  # in ASCII: a control, dropped by _fold


def _folded(text: str) -> tuple[str, list[int] | None]:
    """``text`` folded (``_fold``), and for each character of it the index in ``text`` of the character it comes
    from (None: the same index, plain ASCII folding only to lower case: nearly all code)."""
    if text.isascii() and not _NOT_PLAIN.search(text):
        return text.lower(), None
    parts = [_fold(c) for c in text]
    return "".join(parts), [i for i, part in enumerate(parts) for _ in part]


# Written in the nonce's place: letters that are not hex digits at both ends, so that no nonce can be read across
# it with what is written around it.
_REMOVED = "[not shown]"


def _remove_nonce(text: str, nonce: str) -> str:
    """``text`` with every occurrence of ``nonce`` as read (``_folded``: in any case, form or script, with anything but
    letters and digits between its characters) replaced."""
    folded, origin = _folded(text)
    # Possessive: a long run of punctuation after a nonce character is not tried again at each length.
    pattern = re.compile(r"[^0-9a-z]*+".join(re.escape(c) for c in _fold(nonce) if c.isalnum()))
    out, done = [], 0
    for m in pattern.finditer(folded):
        start, end = (m.start(), m.end()) if origin is None else (origin[m.start()], origin[m.end() - 1] + 1)
        out += [text[done:start], _REMOVED]
        done = end
    return "".join(out) + text[done:] if out else text


# The opening of one of our markers as read: three "<" or more (``_RUN``), then BEGIN or END (``_OPENS``), with
# spaces, dashes or dots (what a reader skips) anywhere between them. The break is a backslash, which is none of
# these. A run of "<" is matched whole, once (possessive: a long run tried again from each of its "<" took seconds
# for 8,000 of them).
_GAP = r"[\s\-_.]*"
_RUN = re.compile(rf"<(?:{_GAP}<)*+")
_OPENS = re.compile(rf"{_GAP}(?:{_GAP.join('begin')}|{_GAP.join('end')})")


def _break_markers(text: str) -> str:
    """``text`` with a backslash before the last "<" of each marker-shaped opening: "<<\\<END"."""
    folded, origin = _folded(text)
    out, done = [], 0
    for m in _RUN.finditer(folded):
        if m.group().count("<") < 3 or not _OPENS.match(folded, m.end()):
            continue
        last = m.end() - 1  # the "<" next to BEGIN or END
        if origin is None:
            out += [text[done:last], "\\<"]
            done = last + 1
            continue
        i = origin[last]
        read = _fold(text[i])
        if read == "<":
            piece = "\\" + text[i]  # kept as written ("‹", "＜")
        else:  # a character read as several "<" ("⋘") is written out, the break before the last one
            k = read.rindex("<")
            piece = read[:k] + "\\" + read[k:]
        out += [text[done:i], piece]
        done = i + 1
    return "".join(out) + text[done:] if out else text


_BEGIN = re.compile(r"<<<BEGIN ([A-Z][A-Z ]*? [0-9a-f]+)>>>")


def cut(text: str, limit: int) -> str:
    """``text`` kept to its first ``limit`` characters (and a note), with every block the cut left open closed
    again, so that a shortened copy (a tool output in the event log, restored on resume) never leaves content
    outside its fence. Content cannot hold our markers: the nonce is removed from it."""
    if len(text) <= limit:
        return text
    head = text[:limit]
    still_open = [
        m.group(1) for m in _BEGIN.finditer(head) if f"<<<END {m.group(1)}>>>" not in head[m.end() :]
    ]
    closing = "".join(f"\n<<<END {tag}>>>" for tag in reversed(still_open))
    return f"{head}\n… [{len(text) - limit} more characters not kept]{closing}"
