"""A phone number given across lines of code (its groups assigned on consecutive lines with a phone cue, a comment
that goes on to the next comment line in the middle of it) and one said in French in pairs ("zéro six, douze,
trente-quatre, ...") are redacted (grader/phone_lines.py, grader/french_numbers.py); groups of digits without a cue,
a phone-book problem's data and French counts stay."""

from __future__ import annotations

import pytest

from api.db.bundle_repo import redaction_terms
from grader.redact import Redactor

R = Redactor(redaction_terms("Ada Lovelace", "ada.lovelace@example.com"))


@pytest.mark.parametrize(
    ("language", "code", "expected"),
    [
        (
            "python",
            '# phone\na = "415"\nb = "555"\nc = "0134"\n',
            '# phone\na = "[phone]"\nb = "[phone]"\nc = "[phone]"\n',
        ),
        (
            "python",
            'a = "415"  # my cell\nb = "555"\nc = "0134"\n',
            'a = "[phone]"  # my cell\nb = "[phone]"\nc = "[phone]"\n',
        ),
        (
            "python",
            "a = 415\nb = 555\nc = 1234\nphone = f'{a}{b}{c}'\n",
            "a = [phone]\nb = [phone]\nc = [phone]\nphone = f'{a}{b}{c}'\n",
        ),
        (
            "javascript",
            'const area = "415";\nconst mid = "555";\nconst end = "0134";\nconst tel = area + mid + end;\n',
            'const area = "[phone]";\nconst mid = "[phone]";\nconst end = "[phone]";\nconst tel = area + mid + end;\n',
        ),
        ("python", "# call me at 415\n# 555 0134\nx = 1\n", "# call me at [phone]\n# [phone]\nx = 1\n"),
        ("python", "# my number is 415 555\n# 0134\n", "# my number is [phone]\n# [phone]\n"),
        ("cpp", "// reach me: 415 555\n// 0134\nint x;\n", "// reach me: [phone]\n// [phone]\nint x;\n"),
        (
            "python",
            "# phone:\n# 415\n# 555\n# 0134\nx = 1\n",
            "# phone:\n# [phone]\n# [phone]\n# [phone]\nx = 1\n",
        ),
        (
            "python",
            "# my number is four one five\n# five five five zero one three four\n",
            "# my number is [phone]\n# [phone]\n",
        ),
        (
            "python",
            "# mon portable : zéro six, douze, trente-quatre, cinquante-six, soixante-dix-huit\nx = 1\n",
            "# mon portable : [phone]\nx = 1\n",
        ),
    ],
)
def test_a_phone_number_across_lines_of_code_is_redacted(language: str, code: str, expected: str) -> None:
    assert R.code(code, language).text == expected


@pytest.mark.parametrize(
    "code",
    [
        'a = "415"\nb = "555"\nc = "0134"\n',
        "x = 415\ny = 555\nz = 134\nprint(x + y + z)\n",
        '# phone book\na = "415"\nb = "555"\nc = "0134"\n',
        "# phone numbers that are prefixes of others\nfirst = 911\nsecond = 9119\nthird = 97625\n",
        "lo = 1000\nhi = 2000\nmid = 1500\n",
        "MOD1 = 1000\nMOD2 = 0007\nresult = MOD1 + MOD2\n",
        "# input: 1 2 3\n# 4 5 6 7 8\n",
        "# values 12 34\n# 56 78 90\n",
        "# number of tests: 12\n# 345 in total\n",
        "# input:\n# 1 2 3\n# 4 5 6 7\n",
        # A name that says a measure of phones, not a number: a phone book's size, a mobile layout's settings.
        "phone_book_size = 1000\nqueries = 50000\nseed = 12345\n",
        "mobile_cols = 12\nmobile_gap = 16\nmobile_pad = 24\nmobile_max = 480\nmobile_min = 320\n",
        # Groups one step apart count, under a cue too.
        "# call me maybe\nx = 10\ny = 20\nz = 30\nw = 40\nv = 50\n",
    ],
)
def test_groups_of_digits_without_a_cue_stay(code: str) -> None:
    assert R.code(code, "python").text == code


@pytest.mark.parametrize(
    ("said", "expected"),
    [
        (
            "mon numéro c'est zéro six, douze, trente-quatre, cinquante-six, soixante-dix-huit",
            "mon numéro c'est [phone]",
        ),
        ("zéro six douze trente-quatre cinquante-six soixante-dix-huit", "[phone]"),
        (
            "appelle-moi au zéro sept, quatre-vingt-onze, vingt et un, zéro trois, quatre-vingts",
            "appelle-moi au [phone]",
        ),
        (
            "mon numéro est le zéro un quarante-cinq soixante-sept quatre-vingt-neuf dix",
            "mon numéro est le [phone]",
        ),
    ],
)
def test_a_french_number_said_in_pairs_is_redacted(said: str, expected: str) -> None:
    assert R.speech(said).text == expected
    assert R.output(said).text == expected


@pytest.mark.parametrize(
    "said",
    [
        "six, six, six",
        "un deux trois quatre cinq",
        "il y a trente-deux tests et quarante cas",
        "the answer is six six six six six six six six",
        "vingt, trente, quarante, cinquante",
        # A count said from zero: ten digits starting with a zero, one step apart.
        "zéro, un, deux, trois, quatre, cinq, six, sept, huit, neuf",
        "mon numéro préféré? dix, vingt, trente, quarante, cinquante, soixante",
    ],
)
def test_french_counts_stay(said: str) -> None:
    assert R.speech(said).text == said


def test_many_groups_and_comment_lines_keep_their_structure() -> None:
    # Structure, not timing: a long file of digit lines and comment lines, cued once.
    code = "# my cell\n" + 'a = "415"\nb = "555"\nc = "0134"\n' + "x = 12\ny = 34\n" * 20000
    out = R.code(code, "python").text
    assert out.startswith('# my cell\na = "[phone]"\nb = "[phone]"\nc = "[phone]"\n')
    assert out.count("[phone]") == 3 and out.count("x = 12\ny = 34\n") == 20000
    comments = "# 415 555\n# 0134\n" * 20000
    assert R.code(comments, "python").text == comments
