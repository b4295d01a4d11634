"""Masking credentials (judge.credential_mask, which every log record and printed settings object goes through) takes
time linear in the text, and masks exactly what its pattern describes.

Left to the regex engine, `scheme://user:password@` was searched for at every letter of a run of scheme characters,
each try reading to the run's end: 80 KB of `@a://a://...` took 19 s of CPU, `@ ab+.ab+...` 9 s (2026-12-07).
"""

from __future__ import annotations

import random
import re
import time

import pytest

from judge.credential_mask import (
    _CONNINFO_PASSWORD,
    _URL_USERINFO,
    MASK,
    UNREADABLE_URL,
    mask_credentials,
    text_for_log,
    url_for_log,
)


def _by_the_patterns(text: str) -> str:
    """What the two patterns' own searches make of `text` (quadratic on the texts below)."""
    if "@" in text:
        text = _URL_USERINFO.sub(
            lambda m: f"{m[1]}{m[2]}:{MASK}@" if m[3] is not None else f"{m[1]}{MASK}@", text
        )
    if "=" in text:
        text = _CONNINFO_PASSWORD.sub(rf"\1{MASK}", text)
    return text


def test_masking_is_linear_in_the_text() -> None:
    n = 20_000
    texts = [
        "@" + "a://" * n,  # a scheme at every fourth character, the only `@` before them all
        "@ " + "ab+." * n + "x",  # one run of scheme characters, a scheme beginning after every `.`
        "@ " + ("a://" + ":" * 10) * (n // 10),  # passwords read to the run's end
        "ab+." * n + "x://u/@",  # the run's `@` last, each scheme tried meets the same `/`
        "a://x/" * n + "@",  # a `://` every six characters, each userinfo ending at a `/`
        "a@ " * n,  # many runs, each with an `@` and nothing to mask
    ]
    began = time.process_time()
    masked = [mask_credentials(text) for text in texts]
    spent = time.process_time() - began
    assert spent < 1.0, spent  # 28 s for the first two before; about 0.05 s now
    assert masked == texts  # none of them holds a credential


def test_masking_masks_what_the_patterns_describe() -> None:
    for text, expected in (
        ("postgresql://shadows:pw@db:5432/x", "postgresql://shadows:***@db:5432/x"),
        ("redis://:pw@cache:6379/0", "redis://:***@cache:6379/0"),
        ("call https://tok@api.example/v1 now", "call https://***@api.example/v1 now"),
        ("a https://u:p@h/x@y b", "a https://u:***@y b"),  # the password runs to the last `@` of its run
        ("host=db password='p w' user=x", "host=db password=*** user=x"),
        ("sent to grace@example.com", "sent to grace@example.com"),
        ("GET http://example.com/users/@me", "GET http://example.com/users/@me"),
    ):
        assert mask_credentials(text) == expected
    # Every text of the characters a URL's parts turn on, and of letters the pattern's case-folding admits:
    # masked exactly as the patterns' own searches mask it.
    pieces = [
        *"aaaabZ1+.-:/@ '\"?#_\n\té=",
        "\u017f",
        "\u212a",
        "://",
        "a://",
        "u:p@",
        "x@",
        "a.b",
        "password=",
    ]
    rng = random.Random(20261207)
    for _ in range(20_000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 30)))
        assert mask_credentials(text) == _by_the_patterns(text), text
    assert re.search(r"\*\*\*", mask_credentials("x u://a:b@c")), "the masking itself"


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        (
            "https://user:s3cret@judge-1.internal:8443/base?token=s3cret#s3cret",
            "https://judge-1.internal:8443/base",
        ),
        ("http://s3cret@[::1]:9000/", "http://[::1]:9000/"),
        ("redis://:s3cret@cache:6379/0", "redis://cache:6379/0"),
        ("https://hooks.example/in?sig=s3cret&id=1", "https://hooks.example/in"),
        ("http://h:99999/s3cret", UNREADABLE_URL),  # a port that does not parse: nothing shown
        ("https://h/" + "p" * 500, "https://h/" + "p" * 190 + "…"),
    ],
)
def test_a_url_is_logged_without_its_userinfo_query_or_fragment(url: str, shown: str) -> None:
    assert url_for_log(url) == shown


def test_outside_text_is_logged_cut_short_with_its_control_characters_escaped() -> None:
    assert text_for_log("judge_busy") == "judge_busy"
    forged = text_for_log("bad\n2026-12-07 INFO ok\x1b[2J" + "x" * 65_536)
    assert forged.startswith("bad\\n2026-12-07 INFO ok\\x1b[2J") and forged.endswith("…")
    assert "\n" not in forged and "\x1b" not in forged and len(forged) < 80
