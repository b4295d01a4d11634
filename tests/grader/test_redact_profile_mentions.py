"""A profile given without its slashes or a cue verb ("github com zqdev", "linkedin dot com in zqdev", "my github
zqdev"), a personal site by its domain ("my site zq-dev.io"), a handle split by dots in an identifier
(`reach.me.at.zq.dev.on.discord`), after "me at" ("reach me at zq_dev on discord") or spelled out ("my github is z q
d e v", "j o h n s m i t h at gmail dot com"), are redacted; what is said about a site ("my GitHub repo", "GitHub
Copilot", "github actions") and code's attribute chains stay."""

from __future__ import annotations

import pytest

from api.db.bundle_repo import redaction_terms
from grader.redact import Redactor

R = Redactor(
    redaction_terms("Ada Lovelace", "ada.lovelace@example.com"), "Given an array nums, return two sum"
)


@pytest.mark.parametrize(
    ("said", "expected"),
    [
        ("github com zqdev", "[link]"),
        ("github.com zqdev", "[link]"),
        ("linkedin dot com in zqdev", "[link]"),
        ("x dot com zqdev", "[link]"),
        ("my github zqdev", "my [link]"),
        ("github zqdev", "[link]"),
        ("Find me: github zqdev.", "Find me: [link]."),
        ("I'm on github zqdev", "I'm on [link]"),
        ("reach me via linkedin zqdev.", "reach me via [link]."),
        ("GitHub zq_dev42", "[link]"),
        ("linkedin zq dash dev", "[link]"),
        ("check my site zq-dev.io", "check my site [link]"),
        ("my portfolio, zqdev dot com", "my portfolio, [link]"),
        ("my website zqdev.com/about", "my website [link]"),
        ("my blog: https://zqdev.dev", "my blog: [link]"),
        ("site: zqdev.com", "site: [link]"),
        ("site: zqdev dot io", "site: [link]"),
        ("my telegram zq_dev", "my [link]"),
        ("my tg zq_dev", "my [link]"),
        ("my insta zq.dev", "my [link]"),
        ("reach me at zq_dev on discord", "reach me at [handle] on discord"),
        ("reach me at zqdev on telegram", "reach me at [handle] on telegram"),
        ("my GitHub handle zqdev", "my [link]"),
        ("github username zqdev.", "[link]."),
        ("reach.me.at.zq.dev.on.discord", "reach.me.at.[handle].on.discord"),
        ("contact.zq.dev.on.telegram", "contact.[handle].on.telegram"),
        ("my.phone.is.4155550134", "my.phone.is.[phone]"),
        ("my github is z q d e v", "my github is [handle]"),
        ("my handle is z q underscore d e v", "my handle is [handle]"),
        ("my email is j o h n s m i t h at gmail dot com", "my email is [email]"),
    ],
)
def test_a_profile_or_handle_in_these_shapes_is_redacted(said: str, expected: str) -> None:
    assert R.speech(said).text == expected
    assert R.output(said).text == expected


@pytest.mark.parametrize(
    "said",
    [
        "I pushed it to github yesterday",
        "I pushed it on github yesterday.",
        "I looked at github yesterday.",
        "I use GitHub Copilot.",
        "my GitHub repo.",
        "my github account and linkedin",
        "LinkedIn Learning.",
        "on github actions",
        "github, gitlab, bitbucket",
        "twitter, linkedin, github",
        "I saw it on GitHub Pages",
        "youtube tutorials",
        "my kaggle notebook.",
        "leetcode medium",
        "leetcode dot com two sum",
        "github nums",
        "github two_sum",
        "medium zqdev",
        "my site has dark mode",
        "my blog post",
        "my domain knowledge.",
        "my github page",
        "I updated my github recently.",
        "github is down",
        "send a z q at gmail dot com",
        "threads to terminate",
        "my discord server",
        "my tg bot.",
        "my ig story",
        "site: docs.python.org/3/",
        "my site example.com",
        "my github account.",
        "look at me at work on github",
    ],
)
def test_what_is_said_about_a_site_stays(said: str) -> None:
    out = R.speech(said).text
    if said.startswith("send a"):  # the address is redacted, the word before it is not a letter of it
        assert out == "send a [email]"
    else:
        assert out == said


def test_in_code_a_profile_in_a_comment_and_a_dotted_chain_are_redacted() -> None:
    code = (
        "# find me: github zqdev\nx = reach.me.at.zq.dev.on.discord\nreach_me_at_zq_dev_on_discord = 1\n"
        "def reach_me_at_zqdev_on_telegram(): pass\n"
    )
    assert R.code(code, "python").text == (
        "# find me: [link]\nx = reach.me.at.[handle].on.discord\nreach_me_at_[handle]_on_discord = 1\n"
        "def reach_me_at_[handle]_on_telegram(): pass\n"
    )


def test_attribute_chains_and_a_site_in_a_string_stay() -> None:
    code = (
        "self.my_phone.call(x)\nos.path.join(a)\nrequest.user.email.lower()\nself.contact.github.token = t\n"
        'url = "github zqdev"\nnode.next.at(3).on.change()\n'
    )
    assert R.code(code, "python").text == code


def test_a_long_dotted_chain_and_many_mentions_keep_their_structure() -> None:
    chains = "reach.me.at.zq.dev.on.discord self.my_phone.call(x) " * 3000
    assert R.speech(chains).text == "reach.me.at.[handle].on.discord self.my_phone.call(x) " * 3000
    said = "my github zqdev, my GitHub repo. " * 3000
    assert R.speech(said).text == "my [link], my GitHub repo. " * 3000
