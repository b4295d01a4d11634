"""An Ashby answer that echoes what we sent in another encoding keeps none of it, in the log or the call log.

Review of `ats_answers.loggable_start` (the worker's log line of a cut-off answer) and `ats_answers.excerpt` (the
stored `last_response`): both match the secrets and links as sent, byte for byte. An answer is free to echo them
otherwise, and did in these shapes: the join link percent-encoded ("https%3A%2F%2F...%2Finv_..."; `\\b` finds no
word boundary between "%2F" and "inv_", so even the token stays), JSON's "\\u002F" for "/" (the log line is the
raw answer, never decoded), the key in base64 alone (we send it as base64 of "key:", whose last characters and
padding differ), and the Basic credentials percent-encoded ("%3D%3D" for "=="). Each kept the candidate's join
token or the customer's key. Pure functions: no database, a few milliseconds.
"""

from __future__ import annotations

import base64
import json
import re

import pytest

from api.integrations.ats_answers import ADDRESS, LINK, excerpt, loggable_start

KEY = "ashby-customer-key-echoed"
BASIC = "Basic " + base64.b64encode(f"{KEY}:".encode()).decode()
SECRETS = (KEY, BASIC, BASIC.removeprefix("Basic "))  # as api.integrations.callbacks._secrets gives them
TOKEN = "inv_Q2x9aZ0pLm"
B64_KEY = base64.b64encode(KEY.encode()).decode()

ECHOES = [
    "https%3A%2F%2Fshadows.example.com%2Fjoin%2F" + TOKEN,
    "https:\\u002F\\u002Fshadows.example.com\\u002Fjoin\\u002F" + TOKEN,
    "https%253A%252F%252Fshadows.example.com%252Fjoin%252F" + TOKEN,  # encoded twice (a redirect parameter)
    B64_KEY,
    base64.urlsafe_b64encode(KEY.encode()).decode().rstrip("="),
    BASIC.replace(" ", "%20").replace("=", "%3D"),
]


def _kept(text: str | None) -> list[str]:
    text = text or ""
    pieces = (
        KEY,
        TOKEN,
        TOKEN.removeprefix("inv_"),
        B64_KEY.rstrip("="),
        SECRETS[2].rstrip("="),
        "shadows.example",
    )
    return [p for p in pieces if p in text]


@pytest.mark.parametrize(
    "echo", ECHOES, ids=["percent", "u002f", "percent-twice", "b64-key", "b64url-key", "basic"]
)
def test_an_echo_in_another_encoding_keeps_no_token_or_key(echo: str) -> None:
    answer = ('{"message": "invalid request: ' + echo + '"').encode()
    assert _kept(loggable_start(answer, SECRETS)) == []
    assert _kept(excerpt(answer + b"}", SECRETS)) == []


# A customer's Ashby key may hold "%", "\" and "/" (any printable ASCII but ":" and space): echoed as sent, the
# decoding turned "%41" into "A" and "\u0041" into "A" before the match, and the key, no longer itself, was kept.
ODD_KEY = "ash%41by\\u0042key/%2Fsecret-part==tail"


@pytest.mark.parametrize("as_sent", [True, False], ids=["as-sent", "percent-encoded"])
def test_a_key_holding_what_the_decoding_undoes_is_not_kept_either(as_sent: bool) -> None:
    basic = "Basic " + base64.b64encode(f"{ODD_KEY}:".encode()).decode()
    secrets = (ODD_KEY, basic, basic.removeprefix("Basic "))
    echo = ODD_KEY if as_sent else ODD_KEY.replace("%", "%25").replace("\\", "%5C")
    for body in (
        ('{"message": "invalid key ' + echo.replace("\\", "\\\\") + '"').encode(),  # a JSON string, cut off
        ("invalid key " + echo).encode(),  # plain text
    ):
        for shown in (loggable_start(body, secrets), excerpt(body + b"}", secrets) or ""):
            assert "secret-part" not in shown and "by" not in shown.replace("<redacted>", ""), shown


# An answer is the receiver's to write, up to 16 KiB of it. The link and address patterns were tried at every
# word boundary (`\b[a-z][a-z0-9+.-]*://`) or every character (`[^\s@...]+@`) and re-read the rest of the run from
# each: "a.a.a.…" or "aaaa…" with no "://" or "@" to end it cost seconds of the worker's event loop per answer
# (quadratic; 16 KiB of "a." was about 4 s). Each now starts only where its run begins and reads the run once.
RUNS = ["a." * 4000, "a" * 8000, "a-" * 4000, "x.y+z" * 1600]


@pytest.mark.parametrize("run", RUNS, ids=["dotted", "letters", "dashed", "scheme-chars"])
def test_a_long_run_with_no_link_or_address_in_it_is_kept_and_what_follows_still_cleaned(run: str) -> None:
    # The excerpt shows 500 characters, but every part is cleaned whole before it is cut.
    answer = json.dumps(
        {"message": f"see 1.-https://x.example/{run} and ada@example.com, {run} ://{run}@{run}"}
    )
    shown = excerpt(answer.encode()) or ""
    # The run's start before the link's first letter is kept, as before; the link and the address are not.
    assert shown.startswith("see 1.-<link> and <address>, " + run[:100]), shown[:200]
    assert "example" not in shown and len(shown) == 500


@pytest.mark.parametrize(
    ("pattern", "text", "inside", "whole"),
    [
        (LINK, "a.http://x.example/inv_1", 2, "<link>"),
        (LINK, "-http://x.example", 1, "-<link>"),
        (ADDRESS, "ada@example.com", 1, "<address>"),
    ],
    ids=["link-after-scheme-chars", "link-after-a-dash", "address"],
)
def test_the_answer_patterns_never_start_inside_a_run(
    pattern: re.Pattern[str], text: str, inside: int, whole: str
) -> None:
    # The mechanism that keeps them linear: a position inside a run never starts a match (the run's start does,
    # and reads it once), and what they replace is what the unanchored patterns replaced.
    assert pattern.match(text, inside) is None
    assert pattern.sub(r"\g<pre><link>" if pattern is LINK else "<address>", text) == whole
