"""What an ATS said about a call back to it, kept with the call (`ats_callbacks.last_response`) and shown in the call
log (`GET /v1/sessions/{id}/ats-callbacks`, `GET /v1/ats-callbacks`): a short, secret-free excerpt of its error fields.

Ashby refuses an update with `{"success": false, "errorInfo": {"code", "message", "requestId"}}` (a bad key: the
same with a 401), and other answers carry a top-level `message` or `errors`. Only those fields are read, from a JSON
object: `errorInfo.code: errorInfo.message`, `message`, and `errors` (strings, or objects with a `message`), joined
with "; " in that order, each once. Anything else of the answer (an HTML error page, a `results`, a request id) is
not kept: it says nothing a recruiter could act on, and may echo what we sent.

What we sent holds secrets (the customer's Ashby key in `Authorization`, the candidate's join link, the report's
signed link), and an answer may echo any of it. So in the excerpt every link is `<link>`, every token of ours
(`inv_`, `shr_`, `shab_`, `shgh_`, `shk_`, `whsec_` ...) and every secret of the call is `<redacted>`, and an e-mail
address is `<address>`. Control and format characters become spaces, runs of spaces one, and the excerpt is cut at
`MAX_CHARS` (the column's bound) with "…". None when the answer has none of these fields.

`loggable_start` is the start of a whole answer as a worker's log line may carry it (a 2xx cut off before its
`success`: `ats_callback.answer_cut_off`), cleaned by the same rule: logged raw, an answer echoing what we sent put
the candidate's join link, the report's signed link or the customer's key in the log.

An echo need not be byte for byte what we sent: JSON writes "/" as "\\/" or "\\u002F", a link passed on as a parameter
is percent-encoded (once or twice), and a key may come back in base64 of its own (we send base64 of "key:"). So the
text is decoded (those three, a few rounds), and each secret is matched as sent, as a JSON string writes it, each
of those decoded the same way, without its "=" padding, and in standard and URL-safe base64, both before the decoding
and after it: a customer's Ashby key may itself hold "%41" or "\\u0041", which the decoding alone changed into
another string that no form matched.
"""

from __future__ import annotations

import base64
import json
import re
import unicodedata
import urllib.parse
from collections.abc import Iterable, Sequence

MAX_CHARS = 500  # ats_callbacks.last_response's check
LOG_CHARS = 200  # of an answer's start in a log line
MAX_PARTS = 20  # of `errors`: more are not read
# An answer is the receiver's to write (16 KiB of it): each pattern is tried only where a run of the characters it
# starts with begins, and reads that run once. `\b[a-z][a-z0-9+.-]*://` tried at every word boundary re-read the run
# after it ("a.a.a.…", 8,000 starts), and the address at every character of a run with no "@": quadratic, seconds of
# the worker's event loop per answer. LINK finds the same links: the run must end in "://" (the lookahead), then the
# link starts at its first letter after a word boundary, what comes before it in the run (`pre`) kept as it was.
LINK = re.compile(
    r"(?<![a-z0-9+.-])(?=[a-z0-9+.-]*+://\S)(?P<pre>[a-z0-9+.-]*?)\b[a-z][a-z0-9+.-]*+://\S+", re.IGNORECASE
)
JSON_ESCAPE = re.compile(r"\\u([0-9a-fA-F]{4})")
DECODE_ROUNDS = 3  # an encoding inside another (a link passed on as a parameter, then encoded again)
OUR_TOKEN = re.compile(r"\b(?:inv|shr|shab|shgh|shk|whsec)_[A-Za-z0-9_+/=-]{6,}")
ADDRESS = re.compile(r"(?<![^\s@<>()\"',;])[^\s@<>()\"',;]++@[^\s@<>()\"',;]+")


def _text(value: object) -> str | None:
    return value if isinstance(value, str) and value.strip() else None


def _parts(answer: dict[str, object]) -> Iterable[str]:
    info = answer.get("errorInfo")
    if isinstance(info, dict):
        code, message = _text(info.get("code")), _text(info.get("message"))
        if code and message:
            yield f"{code}: {message}"
        elif code or message:
            yield code or message or ""
    if message := _text(answer.get("message")):
        yield message
    errors = answer.get("errors")
    items = errors if isinstance(errors, list) else [errors]
    for item in items[:MAX_PARTS]:
        text = _text(item.get("message")) if isinstance(item, dict) else _text(item)
        if text:
            yield text


def _decoded(text: str) -> str:
    """`text` with JSON's escapes of "/" and of any character, and percent-encoding, undone (a few rounds)."""
    for _ in range(DECODE_ROUNDS):
        before = text
        text = JSON_ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), text.replace("\\/", "/"))
        text = urllib.parse.unquote(text)
        if text == before:
            break
    return text


def _forms(secrets: Sequence[str]) -> list[str]:
    """Each secret as an answer may echo it: as sent, as a JSON string writes it, each of those as `_decoded` makes
    it (a key may hold "%41" or "\\u0041" itself), without "=" padding, and in standard and URL-safe base64."""
    forms: list[str] = []
    for secret in (s for s in secrets if len(s) >= 4):
        raw = secret.encode()
        sent = (secret, json.dumps(secret)[1:-1])
        for form in (*sent, *map(_decoded, sent)):
            forms += [form, form.rstrip("=")]
        forms += [
            base64.b64encode(raw).decode().rstrip("="),
            base64.urlsafe_b64encode(raw).decode().rstrip("="),
        ]
    return sorted((f for f in dict.fromkeys(forms) if len(f) >= 4), key=len, reverse=True)


def _redacted(text: str, forms: Sequence[str]) -> str:
    for form in forms:
        text = text.replace(form, "<redacted>")
    return text


def _cut_redacted(text: str, forms: Sequence[str]) -> str:
    """`text` with a secret it ends inside (cut off there) replaced."""
    for form in forms:
        cut = next((n for n in range(len(form) - 1, 3, -1) if text.endswith(form[:n])), 0)
        if cut:
            text = text[:-cut] + "<redacted>"
    return text


def _clean(text: str, secrets: Sequence[str]) -> str:
    # Matched before the decoding too: it may change a secret holding what it undoes, as sent, into another string.
    forms = _forms(secrets)
    text = _redacted(_decoded(_redacted(text, forms)), forms)
    text = LINK.sub(r"\g<pre><link>", text)
    text = OUR_TOKEN.sub("<redacted>", text)
    text = ADDRESS.sub("<address>", text)
    text = "".join(" " if unicodedata.category(c)[0] == "C" else c for c in text)
    return " ".join(text.split())


def excerpt(body: bytes, secrets: Sequence[str] = ()) -> str | None:
    """The excerpt of an answer's error fields (see the module docstring), or None. `secrets`: what the call sent
    that must never be kept (its key, as sent and as encoded in its header)."""
    try:
        answer = json.loads(body)
    except (ValueError, RecursionError):
        return None
    if not isinstance(answer, dict):
        return None
    parts: list[str] = []
    for part in _parts(answer):
        cleaned = _clean(part, secrets)
        if cleaned and cleaned not in parts:
            parts.append(cleaned)
    if not parts:
        return None
    text = "; ".join(parts)
    return text if len(text) <= MAX_CHARS else text[: MAX_CHARS - 1] + "…"


def loggable_start(body: bytes, secrets: Sequence[str] = (), chars: int = LOG_CHARS) -> str:
    """The first `chars` characters of an answer, whatever its shape, as a log line may carry them: links, our
    tokens, the call's secrets and e-mail addresses replaced as in `excerpt`, control characters spaces. A secret
    the answer was cut inside (its first characters at the very end of what was read) is replaced too."""
    forms = _forms(secrets)
    text = _cut_redacted(_decoded(_cut_redacted(body.decode("utf-8", errors="replace"), forms)), forms)
    text = _clean(text, secrets)
    return text if len(text) <= chars else text[: chars - 1] + "…"
