"""Who a candidate names themselves as where no rule for names on file reads it: a signature in code or output
(grader/signatures.py: `@author zqdev`, `__author__ = "Priya Raman"`, `# Author: zq_dev`, `written by ...`), a
contact detail encoded in base64 (grader/encoded.py), a handle given with a verb before "on <platform>" ("contact
zqdev42 on telegram", grader/handles.py) and a profile path said with Spanish "barra" for the slash. Comments that
say who or what made something ordinary stay."""

from __future__ import annotations

import base64

import pytest

from api.db.bundle_repo import redaction_terms
from grader.redact import Redactor

R = Redactor(redaction_terms("Ada Lovelace", "ada.lovelace@example.com"))


@pytest.mark.parametrize(
    ("language", "code", "gone"),
    [
        ("java", "/** @author zqdev */\nclass A {}\n", "zqdev"),
        ("java", "/**\n * @author Priya Raman\n */\nclass A {}\n", "Priya"),
        ("python", "__author__ = 'Priya Raman'\n", "Priya"),
        ("python", "# Author: zq_dev\nx = 1\n", "zq_dev"),
        ("python", "# autor: zqdev\nx = 1\n", "zqdev"),
        ("python", "# written by Priya Raman\nx = 1\n", "Raman"),
        ("python", "# Solution by zqdev42\nx = 1\n", "zqdev42"),
        ("javascript", "// escrito por Priya Raman\nlet x = 1;\n", "Priya"),
        ("python", "print('made by zq.dev')\n", "zq.dev"),
        ("cpp", "// created by O'Brien\nint x;\n", "Brien"),
    ],
)
def test_a_signature_in_code_is_redacted(language: str, code: str, gone: str) -> None:
    out = R.code(code, language).text
    assert gone not in out
    assert "[candidate]" in out


@pytest.mark.parametrize("printed", ["Author: zqdev", "solved by Priya Raman", "made by zq.dev"])
def test_a_signature_a_program_prints_is_redacted(printed: str) -> None:
    out = R.output(printed).text
    assert out.endswith("[candidate]")


@pytest.mark.parametrize(
    "code",
    [
        "# sorted by key, written by hand\nx = 1\n",
        "# created by the loop above\nx = 1\n",
        "# solved by DP, made by HashMap\nx = 1\n",
        "# solved by Dijkstra\nx = 1\n",
        "# group by: key\nx = 1\n",
        "df.sort_values(by='Name')\n",
        "author = 'x'\nbook = {'author': 'Tolkien'}\n",
        "class Book:\n    author: str\n    title: str\n",
        '"""Signed by\nSHADOWS_TLS_CA before use."""\n',
    ],
)
def test_comments_and_code_that_name_no_author_stay(code: str) -> None:
    assert R.code(code, "python").text == code


@pytest.mark.parametrize(
    "detail", ["zqdev@proton.me", "github.com/zqdev", "linkedin.com/in/zq-dev", "+1 415 555 0134"]
)
def test_a_contact_detail_not_on_file_encoded_in_base64_is_redacted(detail: str) -> None:
    token = base64.b64encode(detail.encode()).decode()
    assert token not in R.code(f"x = '{token}'\n", "python").text
    assert token not in R.output(token).text


@pytest.mark.parametrize(
    ("said", "expected"),
    [
        ("contact zqdev42 on telegram", "contact [handle] on telegram"),
        ("add zq_dev on discord", "add [handle] on discord"),
        ("just dm zq.dev on twitter", "just dm [handle] on twitter"),
    ],
)
def test_a_handle_after_a_verb_that_gives_it_before_its_platform_is_redacted(
    said: str, expected: str
) -> None:
    assert R.speech(said).text == expected


@pytest.mark.parametrize(
    "said", ["add more on leetcode", "find duplicates on leetcode", "I practice two_sum on leetcode"]
)
def test_words_before_a_platform_after_such_a_verb_stay(said: str) -> None:
    assert R.speech(said).text == said


def test_a_profile_path_said_with_spanish_barra_is_redacted() -> None:
    out = R.speech("mi linkedin es linkedin punto com barra in barra zqdev").text
    assert "zqdev" not in out and "[link]" in out


@pytest.mark.parametrize(
    ("said", "gone", "placeholder"),
    [
        ("you can see my work at github dot com slash zqdev", "zqdev", "[link]"),
        ("my username everywhere is zqdev", "zqdev", "[handle]"),
        ("my handle online is zq_dev", "zq_dev", "[handle]"),
    ],
)
def test_a_profile_or_handle_said_around_other_words_is_redacted(
    said: str, gone: str, placeholder: str
) -> None:
    out = R.speech(said).text
    assert gone not in out and placeholder in out


@pytest.mark.parametrize(
    "label", ["github: zqdev", "GitHub: zqdev", "linkedin: zq-dev", "gh: zqdev", "twitter: zqdev"]
)
def test_a_profile_sites_label_before_a_username_in_a_comment_or_output_is_redacted(label: str) -> None:
    assert "zq" not in R.code(f"# {label}\nx = 1\n", "python").text
    assert "zq" not in R.output(label).text


@pytest.mark.parametrize("comment", ["# LeetCode: two-sum\n", "# GitHub: see the issue above\n"])
def test_a_practice_sites_label_or_prose_after_a_profile_label_stays(comment: str) -> None:
    assert R.code(comment + "x = 1\n", "python").text == comment + "x = 1\n"
