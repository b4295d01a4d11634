"""A name not on file in a byline or a letter's sign-off (grader/bylines.py, 2026-12-05): a comment's line
that is only "by <Name>", a signature's dash and a name, a full name alone in the file's header, and a name alone on
the line under a valediction ("Cheers," then "Priya"), said, printed or in a comment. What comments and talk about
code say in the same shapes stays: "# by value", "# sorted by key", "# --- Utils", "# Merge Intervals", a sentence
that goes on from the line before ("# ... validated" then "# by Pydantic.")."""

from __future__ import annotations

import pytest

from api.db.bundle_repo import redaction_terms
from grader.redact import Redactor

R = Redactor(redaction_terms("Ada Lovelace", "ada.lovelace@example.com"))


@pytest.mark.parametrize(
    ("code", "language", "shown"),
    [
        ("# by Priya\nx = 1\n", "python", "# by [candidate]\nx = 1\n"),
        ("# By Wei Chen, 2026-12-05\nx = 1\n", "python", "# By [candidate], 2026-12-05\nx = 1\n"),
        ("// by Zanele Mbeki\nint x;\n", "cpp", "// by [candidate]\nint x;\n"),
        ("# by zq_dev\nx = 1\n", "python", "# by [candidate]\nx = 1\n"),
        ("x = 1\n# -- Olusegun\n", "python", "x = 1\n# -- [candidate]\n"),
        ("// \u2014 Siobhan Kelly\nint x;\n", "java", "// \u2014 [candidate]\nint x;\n"),
        ("# Two Sum\n# Priya Raman\n\nx = 1\n", "python", "# Two Sum\n# [candidate]\n\nx = 1\n"),
        ('"""\n# Wei Chen\n"""\nx = 1\n', "python", '"""\n# [candidate]\n"""\nx = 1\n'),
        ("x = 1\n# Cheers,\n# Priya\n", "python", "x = 1\n# Cheers,\n# [candidate]\n"),
        ("/* Thanks!\n * Zanele */\nint x;\n", "cpp", "/* Thanks!\n * [candidate] */\nint x;\n"),
    ],
)
def test_a_byline_in_a_comment_gives_the_name_away(code: str, language: str, shown: str) -> None:
    assert R.code(code, language).text == shown


@pytest.mark.parametrize(
    ("said", "shown"),
    [
        ("Cheers,\nPriya", "Cheers,\n[candidate]"),
        ("ok that's all from me. Thanks!\nWei Chen", "ok that's all from me. Thanks!\n[candidate]"),
        ("Best regards,\n-- Zanele Mbeki.", "Best regards,\n-- [candidate]."),
    ],
)
def test_a_letters_sign_off_said_or_printed(said: str, shown: str) -> None:
    assert R.speech(said).text == shown
    assert R.output(said).text == shown


@pytest.mark.parametrize(
    "code",
    [
        "# by value\nx = 1\n",
        "# by index\nx = 1\n",
        "# sorted by key\nx = 1\n",
        "# by Value\nx = 1\n",
        "# by Dijkstra\nx = 1\n",
        "# by left_sum\nx = 1\n",
        "# by node.val\nx = 1\n",
        "# --- Utils\nx = 1\n",
        "# -- Setup --\nx = 1\n",
        "# - Imports\nx = 1\n",
        "# Merge Intervals\nx = 1\n",
        "# Binary Search\nx = 1\n",
        "# Helper Functions\nx = 1\n",
        "# Edge Cases\nx = 1\n",
        "# Time Complexity\nx = 1\n",
        "x = 1\n# Match Statement\ny = 2\n",
        "# Setup\nx = 1\n",
        "# the fields are validated\n# by Pydantic.\nx = 1\n",
        "x = 1  # by Priya's request\n",
        "# Thanks!\n# Done\n",
        "# Cheers,\n# Binary Search\n",
    ],
)
def test_comments_in_the_same_shapes_stay(code: str) -> None:
    assert R.code(code, "python").text == code


@pytest.mark.parametrize("said", ["cheers,\nthat worked", "Thanks,\nGood", "thanks!\nSorry, one more thing"])
def test_a_line_after_thanks_that_is_no_name_stays(said: str) -> None:
    assert R.speech(said).text == said


@pytest.mark.parametrize(
    ("code", "language", "shown"),
    [
        ('AUTHOR = "Priya Raman"\nx = 1\n', "python", 'AUTHOR = "[candidate]"\nx = 1\n'),
        ('author_name: str = "wei chen"\n', "python", 'author_name: str = "[candidate]"\n'),
        ("export const authorName = 'zq_dev';\n", "javascript", "export const authorName = '[candidate]';\n"),
        (
            'class A {\n    private static final String AUTHOR = "Zanele Mbeki";\n}\n',
            "java",
            'class A {\n    private static final String AUTHOR = "[candidate]";\n}\n',
        ),
    ],
)
def test_a_constant_that_names_the_author(code: str, language: str, shown: str) -> None:
    assert R.code(code, language).text == shown


@pytest.mark.parametrize(
    ("code", "language"),
    [
        ('def f(row):\n    author = "Knuth"\n    return author\n', "python"),
        ('book.author = "Knuth"\n', "python"),
        ('author = row["author"]\n', "python"),
        ('authors = ["Knuth"]\n', "python"),
        ('x = "a"; author = "Knuth"\n', "python"),
        ("class A {\n    static int author = 3;\n}\n", "java"),
    ],
)
def test_an_author_field_or_variable_is_data(code: str, language: str) -> None:
    assert R.code(code, language).text == code
