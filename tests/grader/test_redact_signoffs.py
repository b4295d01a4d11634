"""A name not on file in the shapes a signature, a sign-off and a greeting take that the rules had let through
(2026-12-05): a copyright or a maintainer's label in a comment (grader/signatures.py `AUTHOR_LABEL`), "signing
off" after a name said (grader/introductions.py), a greeting with whom it greets before "<Name> here" or "this is
<Name>", and a mail provider's name before a local part ("my gmail is zqdev42", grader/spoken.py). What code and talk
about code say in the same words stays."""

from __future__ import annotations

import pytest

from api.db.bundle_repo import redaction_terms
from grader.redact import Redactor

R = Redactor(redaction_terms("Ada Lovelace", "ada.lovelace@example.com"))


@pytest.mark.parametrize(
    ("said", "shown"),
    [
        ("This is Priya, signing off", "This is [candidate], signing off"),
        ("Thanks, this is Priya signing off", "Thanks, this is [candidate] signing off"),
        ("Okay. Priya Raman, signing off.", "Okay. [candidate], signing off."),
        ("hello everyone, Priya here", "hello everyone, [candidate] here"),
        ("Hi all, this is Wei Chen", "Hi all, this is [candidate]"),
        ("hey there, i'm zanele", "hey there, i'm [candidate]"),
        ("my gmail is priyaraman88", "my gmail is [handle]"),
    ],
)
def test_a_sign_off_or_a_greeting_gives_the_name_away(said: str, shown: str) -> None:
    assert R.speech(said).text == shown


@pytest.mark.parametrize(
    ("code", "shown"),
    [
        ("# Copyright (c) 2026 Priya Raman\nx = 1\n", "# Copyright (c) 2026 [candidate]\nx = 1\n"),
        ("# (c) 2025-2026 zq_dev\nx = 1\n", "# (c) 2025-2026 [candidate]\nx = 1\n"),
        ("// \u00a9 Priya Raman\nint x;\n", "// \u00a9 [candidate]\nint x;\n"),
        ("# Maintainer: Priya Raman\nx = 1\n", "# Maintainer: [candidate]\nx = 1\n"),
        ("# Signed-off-by: Priya Raman\nx = 1\n", "# Signed-off-by: [candidate]\nx = 1\n"),
        ("/* signed: zqdev42 */\nint x;\n", "/* signed: [candidate] */\nint x;\n"),
    ],
)
def test_a_copyright_or_a_maintainers_label_in_a_comment(code: str, shown: str) -> None:
    language = "cpp" if "int x;" in code else "python"
    assert R.code(code, language).text == shown


@pytest.mark.parametrize(
    "said",
    [
        "the signing off step is last",
        "so this is Python signing off the list",
        "hello everyone, here is my plan",
        "hi all, this is fine",
        "my outlook is good",
        "my email is not set up",
    ],
)
def test_the_same_words_about_code_stay(said: str) -> None:
    assert R.speech(said).text == said


@pytest.mark.parametrize(
    "code",
    [
        "copyright = 2026\n",
        "signed = True\n",
        "x = a_maintainer(1)  # the maintainer: a heap\n",
        "# (c) is the constant term\nc = 3\n",
        "def author(self): ...\n",
    ],
)
def test_code_in_the_same_words_stays(code: str) -> None:
    assert R.code(code, "python").text == code
