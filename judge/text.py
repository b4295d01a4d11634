"""Text a report may hold: valid Unicode without NUL, whatever a candidate's program or a compiler wrote.

A report's text is stored (PostgreSQL refuses NUL and lone UTF-16 surrogates in `jsonb` and `text`) and shown. The
candidate's program controls much of it: what it prints, its messages, the records it writes on the results
channel (JSON, whose escapes can spell NUL and lone surrogates), and the compiler quotes its source.
"""

from __future__ import annotations


def clean_text(text: str) -> str:
    """Text safe to store and show: lone surrogates and NUL become U+FFFD."""
    if text.isascii() and "\x00" not in text:
        return text
    return text.encode("utf-16", "surrogatepass").decode("utf-16", "replace").replace("\x00", "\ufffd")
