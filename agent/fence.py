"""Untrusted content as delimited data: code, transcripts, the résumé and the job description reach the model
only inside a fenced block in user or tool content, never in a system message.

The markers carry a per-interview random nonce, and any occurrence of the nonce inside the content is removed,
so content cannot close its own block and pose as instructions (a `# SYSTEM OVERRIDE` comment stays a comment).
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
    safe = clean_text(body).replace(nonce, "[removed]")
    return f"<<<BEGIN {tag}>>>\n{safe}\n<<<END {tag}>>>"


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
