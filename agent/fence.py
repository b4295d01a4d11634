"""Untrusted content as delimited data: code, transcripts, the résumé and the job description reach the model
only inside a fenced block in user or tool content, never in a system message.

The markers carry a per-interview random nonce, and any occurrence of the nonce inside the content is removed,
so content cannot close its own block and pose as instructions (a `# SYSTEM OVERRIDE` comment stays a comment).
"""

from __future__ import annotations

import secrets

from agent.payloads import clean_text


def new_nonce() -> str:
    return secrets.token_hex(6)


def fence(kind: str, body: str, nonce: str) -> str:
    """``body`` between ``<<<BEGIN KIND nonce>>>`` and ``<<<END KIND nonce>>>`` markers."""
    tag = f"{kind.upper()} {nonce}"
    safe = clean_text(body).replace(nonce, "[removed]")
    return f"<<<BEGIN {tag}>>>\n{safe}\n<<<END {tag}>>>"
