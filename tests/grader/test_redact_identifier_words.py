"""Contact details written as the words of an identifier (grader/identifier_words.py): an address, a phone number, a
handle or a name that a function's, a variable's or a test's name says (`zq_dev_at_proton_dot_me`,
`my_phone_is_4155550134`, `contact_zqdev42_on_telegram`, `myNameIsPriyaRaman`), and the local part on file joined
another way as a segment of one (`test_adal_1815_solution`). Identifiers whose words give nothing stay."""

from __future__ import annotations

import pytest

from api.db.bundle_repo import redaction_terms
from grader.redact import Redactor

R = Redactor(redaction_terms("Ada Lovelace", "adal1815@gmail.com"))


@pytest.mark.parametrize(
    ("code", "gone"),
    [
        ("def contact_adal_1815_on_telegram():\n    pass\n", "adal_1815"),
        ("def test_adal_1815_solution():\n    pass\n", "adal_1815"),
        ("def test_Adal_1815():\n    pass\n", "Adal_1815"),
        ("ADAL_1815 = 1\n", "ADAL_1815"),
        ("class AdalSolver:\n    adal_1815_count = 0\n", "adal_1815"),
    ],
)
def test_the_local_part_on_file_joined_another_way_is_redacted_inside_an_identifier(
    code: str, gone: str
) -> None:
    out = R.code(code, "python").text
    assert gone not in out
    assert "1815" not in out


@pytest.mark.parametrize(
    ("code", "gone", "placeholder"),
    [
        ("adal1815_at_gmail_dot_com = 1\n", "gmail", "[email]"),
        ("zq_dev_at_protonmail_dot_com = 1\n", "zq_dev", "[email]"),
        ("zqDevAtProtonDotMe = 1\n", "zqDev", "[email]"),
        ("def my_phone_is_4155550134():\n    pass\n", "4155550134", "[phone]"),
        ("call_me_at_4155550134 = None\n", "4155550134", "[phone]"),
        ("def callMe4155550134():\n    pass\n", "4155550134", "[phone]"),
        ("def my_name_is_priya_raman():\n    pass\n", "priya", "[candidate]"),
        ("def myNameIsPriyaRaman():\n    pass\n", "Priya", "[candidate]"),
        ("def contact_zqdev42_on_telegram():\n    pass\n", "zqdev42", "[handle]"),
        ("my_github_is_zq_dev = True\n", "zq_dev", "[handle]"),
        ("def test_my_student_id_is_A0123():\n    pass\n", "A0123", "[id]"),
    ],
)
def test_contact_details_said_by_an_identifiers_words_are_redacted(
    code: str, gone: str, placeholder: str
) -> None:
    out = R.code(code, "python").text
    assert gone not in out
    assert placeholder in out


def test_an_identifier_printed_by_a_program_is_read_as_words_too() -> None:
    out = R.output("my_phone_is_4155550134").text
    assert "4155550134" not in out and "[phone]" in out


@pytest.mark.parametrize(
    "code",
    [
        "def is_at_most(k):\n    return k\n",
        "dot_product = sum(a * b for a, b in zip(x, y))\n",
        "left_on_stack = []\nnumber_of_islands = 0\n",
        "def my_max_is_at(i, my_list):\n    return my_list[i]\n",
        "mod_1000000007 = 10**9 + 7\n",
        "def onClickAt(x):\n    return x\n",
        "def is_valid_id(node_id, user_id):\n    return node_id != user_id\n",
        "my_id_list = [1234567, 7654321]\n",
        "const getUserNameById = (id) => users[id].name;\n",
        "call_count_at_1000000 = 0\n",
    ],
)
def test_identifiers_whose_words_give_no_contact_detail_stay(code: str) -> None:
    assert R.code(code, "python").text == code
