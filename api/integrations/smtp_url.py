"""SHADOWS_API_SMTP_URL and SHADOWS_API_SMTP_FROM read by one rule, at start-up (`api.settings` refuses a value this
refuses, so a malformed one stops the API and the worker with a message naming the variable) and again when an
invite is sent (`api.integrations.invites.smtp_options`). Before, a URL no mail server is reached with was accepted
at start-up and noticed at the first invite, which then went to nobody.

The URL is `smtp://[user:password@]host[:port]` (port 587, STARTTLS) or `smtps://[user:password@]host[:port]`
(port 465, TLS from the start), with `@ : / ? #` in the user name and password percent-encoded. Refused: another
scheme, no host or a host that is not a host name or IP address (in brackets, only IPv6: `[::1]`), a port that is
not 1 to 65535, a path, `?query` or `#fragment` (an unencoded `/`, `?` or `#` in the password lands there), a user
name without a password or the reverse (no login would be tried), white space or control characters (urlsplit
drops tabs and line breaks without a word). Errors never quote the value: it holds the password.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass
from email.utils import parseaddr
from urllib.parse import unquote, urlsplit

MAX_URL_CHARS = 2_000
FORM = "smtp://[user:password@]host[:port] or smtps://[user:password@]host[:port]"
# A host name's label: letters, digits, inner hyphens; an underscore too, as container service names have them.
_LABEL = re.compile(r"[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?")
_UNSAFE = re.compile(r"[\x00-\x20\x7f-\x9f\u2028\u2029]")


@dataclass(frozen=True)
class SmtpServer:
    hostname: str
    port: int
    username: str | None
    password: str | None
    implicit_tls: bool


def _refuse(problem: str) -> ValueError:
    return ValueError(f"SHADOWS_API_SMTP_URL {problem}; it is {FORM}")


def _host_ok(host: str, *, bracketed: bool) -> bool:
    try:
        return ipaddress.ip_address(host).version == 6 or not bracketed
    except ValueError:
        if bracketed:  # [v1.mail.example], the IPvFuture form urlsplit lets by, is no address to connect to
            return False
    try:
        ascii_host = host.encode("idna").decode("ascii").lower()
    except UnicodeError:
        return False
    labels = ascii_host.removesuffix(".").split(".")
    return len(ascii_host) <= 253 and all(_LABEL.fullmatch(label) for label in labels)


def parse_smtp_url(raw: str) -> SmtpServer:
    """The mail server `raw` names, or ValueError naming the variable and what is wrong, never the value."""
    if len(raw) > MAX_URL_CHARS:
        raise _refuse(f"is longer than {MAX_URL_CHARS} characters")
    if _UNSAFE.search(raw):
        raise _refuse("holds white space or a control character (percent-encode them in a password)")
    try:
        url = urlsplit(raw)
        host = url.hostname
    except ValueError:  # its own message quotes the text between brackets, which may be part of a password
        raise _refuse("has a [bracketed] host that is not an IPv6 address") from None
    if url.scheme not in ("smtp", "smtps"):
        raise _refuse("must start with smtp:// or smtps://")
    if url.path not in ("", "/") or url.query or url.fragment or raw.endswith(("?", "#")):
        raise _refuse("must not have a path, ?query or #fragment (percent-encode / ? # in a password)")
    if not host or not _host_ok(host, bracketed="[" in url.netloc.rpartition("@")[2]):
        raise _refuse("names no host, or one that is not a host name or IP address")
    try:
        port = url.port  # its own error quotes the text after the colon, which may be part of a password
    except ValueError:
        port = -1
    if port is not None and not 1 <= port <= 65_535:
        raise _refuse("has a port that is not a number from 1 to 65535")
    username = unquote(url.username) if url.username else None
    password = unquote(url.password) if url.password else None
    if (username is None) != (password is None):
        raise _refuse("has a user name without a password or a password without a user name")
    implicit_tls = url.scheme == "smtps"
    return SmtpServer(
        hostname=host,
        port=port or (465 if implicit_tls else 587),
        username=username,
        password=password,
        implicit_tls=implicit_tls,
    )


def check_sender(raw: str) -> str:
    """SHADOWS_API_SMTP_FROM as the From header takes it (`Name <address@domain>` or `address@domain`), or
    ValueError: an address without `@` or a line break would make every invite's send fail."""
    _, address = parseaddr(raw)
    local, at, domain = address.rpartition("@")
    if any(c in raw for c in "\r\n\x00\x85\u2028\u2029"):
        raise ValueError("SHADOWS_API_SMTP_FROM must be one line")
    if not (at and local and domain) or any(c.isspace() for c in address):
        raise ValueError("SHADOWS_API_SMTP_FROM is `Name <address@domain>` or `address@domain`")
    return raw
