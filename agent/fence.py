"""Untrusted content as delimited data: code, transcripts, the résumé and the job description reach the model
only inside a fenced block in user or tool content, never in a system message.

The markers carry a per-interview random nonce, and any occurrence of the nonce inside the content is removed (in
any case, in fullwidth characters, with format characters or spaces inside it: a model reads those as the same
code), so content cannot close its own block and pose as instructions (a `# SYSTEM OVERRIDE` comment stays a
comment). Content written in the shape of a marker ("<<<END CODE ...>>>" with a code made up or guessed, in any case
or width) is broken apart ("<< <END"), so that it reads as no marker at all, whatever the model makes of codes.
"""

from __future__ import annotations

import re
import secrets

from agent.payloads import clean_text


def new_nonce() -> str:
    return secrets.token_hex(6)


def fence(kind: str, body: str, nonce: str) -> str:
    """``body`` between ``<<<BEGIN KIND nonce>>>`` and ``<<<END KIND nonce>>>`` markers."""
    tag = f"{kind.upper()} {nonce}"
    safe = _MARKER.sub(r"\1 \2", _nonce_pattern(nonce).sub("[removed]", clean_text(body)))
    return f"<<<BEGIN {tag}>>>\n{safe}\n<<<END {tag}>>>"


# Between two characters of a written nonce: format characters, spaces, dashes (what a reader or a model skips).
_GAP = r"[\s\-_.\u00ad\u034f\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u206f\ufeff]*"
# "<<<" (or fullwidth / small-form "<") then BEGIN or END in any case or width: the shape of one of our markers.
_LT = "<\uff1c\ufe64"
_MARKER = re.compile(
    rf"([{_LT}]{_GAP}[{_LT}])({_GAP}[{_LT}]{_GAP}(?:[bB\uff42\uff22][eE\uff45\uff25][gG\uff47\uff27][iI\uff49\uff29]"
    rf"[nN\uff4e\uff2e]|[eE\uff45\uff25][nN\uff4e\uff2e][dD\uff44\uff24]))"
)


def _nonce_pattern(nonce: str) -> re.Pattern[str]:
    """The nonce as content may write it: any case, ASCII or fullwidth, with ``_GAP`` between its characters."""
    classes = []
    for c in nonce:
        variants = {c, c.upper(), c.lower()}
        variants |= {chr(ord(v) + 0xFEE0) for v in list(variants) if "!" <= v <= "~"}
        classes.append("[" + "".join(re.escape(v) for v in sorted(variants)) + "]")
    return re.compile(_GAP.join(classes))


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
