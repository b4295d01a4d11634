"""Phone numbers written to slip past the digit rules: letters for digits (O or o for zero, l or I for one), groups
set apart by spaces or dots in a comment, and digits read out as words in a comment or a program's output, with or
without a contact cue. Numbers that are the solution's data stay (see also test_redaction_precision)."""

from __future__ import annotations

import pytest

from api.db.bundle_repo import redaction_terms
from grader.redact import Redactor

R = Redactor(redaction_terms("Ada Lovelace", "ada.lovelace@example.com"))


@pytest.mark.parametrize(
    ("said", "expected"),
    [
        ("call me at 4l5 555 Ol00", "call me at [phone]"),
        ("my number is 4I5.555.0I00, thanks", "my number is [phone], thanks"),
        ("it's +44 2O 7946 O958", "it's [phone]"),
        ("4l5-555-0l00 is my cell", "[phone] is my cell"),
        ("reach me: (4l5) 555 OlOO", "reach me: [phone]"),
    ],
)
def test_a_phone_number_with_letters_for_digits_is_redacted(said: str, expected: str) -> None:
    assert R.speech(said).text == expected
    assert R.output(said).text == expected
    assert R.code(f"# {said}\nx = 1\n", "python").text == f"# {expected}\nx = 1\n"


@pytest.mark.parametrize(
    ("comment", "expected"),
    [
        ("# 415 555 0100", "# [phone]"),
        ("// reach: 06 12 34 56 78", "// reach: [phone]"),
        ("# five five five, one two three four", "# [phone]"),
        ("# four one five five five five oh one oh oh", "# [phone]"),
    ],
)
def test_a_phone_number_in_a_comment_needs_no_cue(comment: str, expected: str) -> None:
    language = "cpp" if comment.startswith("//") else "python"
    assert R.code(f"{comment}\nx = 1\n", language).text == f"{expected}\nx = 1\n"


@pytest.mark.parametrize(
    ("printed", "expected"),
    [
        ("five five five, one two three four", "[phone]"),
        ("Ada: four one five, five five five, zero one zero zero", "[candidate]: [phone]"),
    ],
)
def test_a_phone_number_read_out_in_words_in_a_programs_output_is_redacted(
    printed: str, expected: str
) -> None:
    assert R.output(printed).text == expected


@pytest.mark.parametrize(
    "text",
    [
        "l1 = [1, 2]; l2 = [3, 4]; O(1) space, O(n log n) time, 0x1F00, l10n and i18n",
        "one two three four five six seven eight nine",
        "one, two, three, four, five, six, seven",
        "zero one one zero one zero zero one",
        "5551234",
        "[5, 5, 5, 1, 2, 3, 4]",
        "lOl 0O0 Il1",
    ],
)
def test_data_that_looks_like_a_phone_number_stays(text: str) -> None:
    assert R.output(text).text == text
    code = f"# {text}\nx = {text!r}\n"
    assert R.code(code, "python").text == code


@pytest.mark.parametrize(
    ("language", "code", "expected"),
    [
        ("python", 'phone = "4155550100"\n', 'phone = "[phone]"\n'),
        ("python", "PHONE_NUMBER = 4155550100\n", "PHONE_NUMBER = [phone]\n"),
        (
            "python",
            'me = {"name": "x", "mobile": "4155550100"}\n',
            'me = {"name": "x", "mobile": "[phone]"}\n',
        ),
        ("python", 'send(to, whatsapp="447700900123")\n', 'send(to, whatsapp="[phone]")\n'),
        ("java", 'String cellPhone = "4155550100";\n', 'String cellPhone = "[phone]";\n'),
        ("java", 'contact.setPhone("4155550100");\n', 'contact.setPhone("[phone]");\n'),
        ("javascript", "const telNo = '4155550100';\n", "const telNo = '[phone]';\n"),
        ("cpp", 'std::string mobile{"4155550100"};\n', 'std::string mobile{"[phone]"};\n'),
    ],
)
def test_a_plain_run_of_digits_given_to_a_name_that_says_phone_is_redacted_in_code(
    language: str, code: str, expected: str
) -> None:
    """A plain run of digits in code is a number (`1000000007`, a test's value), but not one the code names a phone
    number: `phone = "4155550100"` was kept, the one documented gap of a phone number in code."""
    assert R.code(code, language).text == expected


@pytest.mark.parametrize(
    "code",
    [
        "MAX_CELLS = 10000000\ncell = 1000000007\n",
        "phone_count = 12\nphones = [4155550100]\n",
        "hotel = 4155550100\ntelemetry = 4155550100\nintel = 4155550100\n",
        'MOD = 1000000007\nexpected = "4155550100"\n',
        "phone = 123456\n",  # six digits: no phone number
    ],
)
def test_digits_given_to_other_names_stay(code: str) -> None:
    assert R.code(code, "python").text == code
