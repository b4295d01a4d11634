"""A handle the candidate gives without a cue word: named only by its platform ("zqdev on instagram"), a Discord tag
with its discriminator ("zqdev#1234"), after "my tag is", and the address's local part on file written another way
(`zq_dev` as `zqdev`, `ZqDev`, `zq.dev`; `zqdev1990` as `zqdev`). Words before "on <platform>" that are not a handle,
and `#` numbers that are not a tag, stay."""

from __future__ import annotations

import pytest

from api.db.bundle_repo import redaction_terms
from grader.redact import Redactor

R = Redactor(redaction_terms("Ada Lovelace", "ada.lovelace@example.com"))


@pytest.mark.parametrize(
    ("said", "expected"),
    [
        ("zqdev on instagram", "[handle] on instagram"),
        (
            "Sure. zqdev on Instagram, and zq_dev on GitHub.",
            "Sure. [handle] on Instagram, and [handle] on GitHub.",
        ),
        ("it's zqdev42 on leetcode", "it's [handle] on leetcode"),
        ("I'm under zqDev on twitter", "I'm under [handle] on twitter"),
        ("find me as zqdev on github", "find me as [handle] on github"),
        ("my tag is zqdev#1234", "my tag is [handle]"),
        ("add me, zqdev#1234, on discord", "add me, [handle], on discord"),
        ("my discord tag is zq dev", "my discord tag is [handle]"),
        ("my nickname on twitch is zqdev", "my nickname on twitch is [handle]"),
        # the platform first, then the handle after "I'm" or "it's"; or searched for
        ("find me on github, I'm adal1815", "find me on github, I'm [handle]"),
        ("on github I'm zq_dev", "on github I'm [handle]"),
        ("my github handle, it's zqdev", "my github handle, it's [handle]"),
        ("on discord it's zq_dev too", "on discord it's [handle] too"),
        # a word after "on <platform> it's" is the handle once the account is named or offered
        ("add me on discord, it's zqdev", "add me on discord, it's [handle]"),
        ("my github, it's zqdev", "my github, it's [handle]"),
        ("search for zq_dev on github", "search for [handle] on github"),
    ],
)
def test_a_handle_named_only_by_its_platform_or_its_tag_is_redacted(said: str, expected: str) -> None:
    assert R.speech(said).text == expected
    assert R.output(said).text == expected
    assert R.code(f"# {said}\nx = 1\n", "python").text == f"# {expected}\nx = 1\n"


@pytest.mark.parametrize(
    "said",
    [
        "Mostly on leetcode, some on hackerrank.",
        "Python on leetcode, Java on hackerrank, and twice on codeforces.",
        "I practiced on leetcode and posted it on github",
        "Yeah, on github.",
        "it's all on github",
        "Everything is on GitHub, the code on gitlab.",
        "that was issue#1234 in the tracker, see PR#5678",
        "color = '#1234' and step #1234",
        "on github I'm pretty active",
        "on github I'm mostly inactive.",
        "on leetcode it's mostly mediums",
        "on leetcode I'm at 1800 rating",
        "my github, it's private",
        "search for dijkstra on youtube",
        "look up redis on youtube",
        # what talk about code searches for, and what a thing is on a platform
        "look up memoization on youtube",
        "look up bisect on stackoverflow",
        "on leetcode it's medium",
        "on github it's archived",
        "on github it's v2",
        "in threads it's atomic",
        "my github, it's outdated",
    ],
)
def test_words_before_a_platform_and_hash_numbers_that_are_not_handles_stay(said: str) -> None:
    assert R.speech(said).text == said
    assert R.output(said).text == said


@pytest.mark.parametrize(
    ("email", "written"),
    [
        ("zq_dev@example.com", ["zqdev", "ZqDev", "zq.dev", "zq-dev", "@zqdev", "zqdev99"]),
        ("zqdev1990@example.com", ["zqdev", "ZQDEV", "zqdev_1990", "zqdev.1990"]),
        ("priya.r@example.com", ["priyar", "priya_r", "PriyaR"]),
    ],
)
def test_the_local_part_on_file_is_redacted_however_it_is_joined(email: str, written: list[str]) -> None:
    r = Redactor(redaction_terms("Ada Lovelace", email))
    for w in written:
        said = f"my stuff is under {w} everywhere"
        out = r.speech(said).text
        assert w not in out and out.startswith("my stuff is under [") and out.endswith("] everywhere"), (
            w,
            out,
        )
        code = r.code(f"# {said}\nx = 1\n", "python").text
        assert w not in code, (w, code)


def test_a_local_part_that_is_an_everyday_word_with_a_number_stays_as_the_word() -> None:
    r = Redactor(redaction_terms("Ada Lovelace", "code42@example.com"))
    said = "the code is short, code42 is mine"
    assert r.speech(said).text == "the code is short, [candidate] is mine"


@pytest.mark.parametrize(
    "comment",
    [
        "# my github is zq dev\nx = 1\n",
        "# follow me at zq underscore dev\nreturn x\n",
        "// my tag is zq dev\nint x;\n",
    ],
)
def test_a_handle_in_a_comment_ends_with_the_comment(comment: str) -> None:
    # The words of the next line are code, not the rest of the handle ("# my github is zq dev\nx = 1" took "x").
    language = "cpp" if comment.startswith("//") else "python"
    _first, rest = comment.split("\n", 1)
    out = R.code(comment, language).text
    assert out.endswith("[handle]\n" + rest), out


def test_a_handle_on_file_among_the_other_names_is_redacted_however_it_is_joined() -> None:
    r = Redactor(redaction_terms("Ada Lovelace", None, ["zq_dev"]))
    for written in ("zq_dev", "zqdev", "ZqDev", "zq.dev", "zq-dev42"):
        out = r.speech(f"I post as {written} mostly").text
        assert out == "I post as [candidate] mostly", (written, out)
