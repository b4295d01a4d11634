"""A handle given with a site's word for the path to a profile or as a label with a word for an account
(grader/spoken.py `HANDLE_CUE`, 2026-12-05): "my linkedin slug is ...", "my LinkedIn URL is ...", "linkedin slug:
...", "gh handle - ...". The handle had stayed, and "my linkedin slug: zq" had lost "linkedin slug" as if "slug"
were the handle."""

from __future__ import annotations

import pytest

from api.db.bundle_repo import redaction_terms
from grader.redact import Redactor

R = Redactor(redaction_terms("Ada Lovelace", "ada.lovelace@example.com"))


@pytest.mark.parametrize(
    ("said", "shown"),
    [
        ("my linkedin slug is priya-sharma-1a2b", "my linkedin slug is [handle]"),
        ("my linkedin slug: zq-dev-42", "my linkedin slug: [handle]"),
        ("my LinkedIn URL is zqdev", "my LinkedIn URL is [handle]"),
        ("my linkedin vanity url is zqdev", "my linkedin vanity url is [handle]"),
        ("linkedin slug: psharma", "linkedin slug: [handle]"),
        ("gh handle - zqdev", "gh handle - [handle]"),
        ("ok, twitter handle - zqdev", "ok, twitter handle - [handle]"),
        ("leetcode username: zqdev", "leetcode username: [handle]"),
    ],
)
def test_a_handle_after_a_profile_word_or_an_account_label(said: str, shown: str) -> None:
    assert R.speech(said).text == shown
    assert R.output(said).text == shown
    assert R.code(f"# {said}\nx = 1\n", "python").text == f"# {shown}\nx = 1\n"


@pytest.mark.parametrize(
    "said",
    [
        "the github handle is case sensitive",
        "Github page is broken",
        "the github handle - zqdev",
        "the linkedin url is long",
        "docs: see github page - it is there",
        "a github username is unique",
    ],
)
def test_talk_about_a_site_stays(said: str) -> None:
    assert R.speech(said).text == said
