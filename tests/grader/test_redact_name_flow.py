"""The name in pieces kept in variables and joined later (grader/name_flow.py): `a = "Love"`, `b = "lace"`,
`print(a + b)`. No literal holds the name and none is next to another, so the rules for literals strung together or
glued by code kept it (the documented gap "name pieces in separate variables")."""

from __future__ import annotations

import pytest

from api.db.bundle_repo import redaction_terms
from grader.redact import Redactor

R = Redactor(redaction_terms("Ada Lovelace", "ada.lovelace@example.com"))
GRACE = Redactor(redaction_terms("Grace Park", "gpark@example.com"))


@pytest.mark.parametrize(
    ("language", "code", "pieces"),
    [
        ("python", 'a = "Love"\nb = "lace"\nprint(a + b)\n', ('"Love"', '"lace"')),
        ("python", 'first: str = "Lo"\nrest = "velace"\nprint(f"by {first}{rest}")\n', ('"Lo"', '"velace"')),
        ("python", "x = 'Love'\ny = 'lace'\nauthor = ''.join([x, y])\n", ("'Love'", "'lace'")),
        ("javascript", "const a = 'Lo', b = 'velace';\nconsole.log(`${a}${b}`);\n", ("'Lo'", "'velace'")),
        (
            "javascript",
            'let p = "Love";\nlet q = "lace";\nconst who = [p, q].join("");\n',
            ('"Love"', '"lace"'),
        ),
        (
            "java",
            'String first = "Love";\nString last = "lace";\nSystem.out.println(first + last);\n',
            ('"Love"', '"lace"'),
        ),
        (
            "cpp",
            'std::string u = "jane.doe";\nstd::string d = "@gmail.com";\nauto m = u + d;\n',
            ('"jane.doe"', '"@gmail.com"'),
        ),
    ],
)
def test_a_name_or_address_joined_from_variables_is_redacted(
    language: str, code: str, pieces: tuple[str, str]
) -> None:
    out = R.code(code, language).text
    assert not any(piece in out for piece in pieces), out
    assert out.count("[candidate]") + out.count("[email]") == 2, out


@pytest.mark.parametrize(
    "code",
    [
        'open_ = "("\nclose = ")"\nprint(open_ + close)\n',
        'a = "ab"\nb = "cd"\nprint(a + b)\n',
        'a = "Love"\nb = "lace"\nprint(a, b)\n',  # printed apart: two words
        'a = "Love"\nb = "ly"\nprint(a + b)\n',
    ],
)
def test_variables_joined_into_no_name_stay(code: str) -> None:
    assert R.code(code, "python").text == code


def test_pieces_that_are_all_everyday_words_stay() -> None:
    code = 'g = "grace"\np = "park"\nprint(g + p)\n'
    assert GRACE.code(code, "python").text == code


@pytest.mark.parametrize(
    "code",
    [
        'first = "will"\nlast = "strong"\nprint(f"my name is {first} {last}")\n',
        'first = "will"\nlast = "strong"\nprint("my name is " + first + " " + last)\n',
        'first = "will"\nlast = "strong"\nprint("# author: {} {}".format(first, last))\n',
    ],
)
def test_everyday_pieces_joined_after_the_codes_own_cue_are_redacted(code: str) -> None:
    # The code's own words put the cue ("my name is"), the variables the name: joined, it is an introduction.
    out = Redactor(redaction_terms("Will Strong", None)).code(code, "python").text
    assert '"will"' not in out and '"strong"' not in out and out.count("[candidate]") == 2, out


def test_everyday_pieces_joined_with_no_cue_or_only_spaces_stay() -> None:
    will = Redactor(redaction_terms("Will Strong", None))
    for code in (
        'a = "will"\nb = "strong"\nprint(f"{a} {b}")\n',
        'a = "will"\nb = "strong"\nprint(f"this {a} be {b} enough")\n',
        'a = "will"\nb = "strong"\nprint(a + " " + b)\n',
    ):
        assert will.code(code, "python").text == code
    code = 'g = "grace"\np = "park"\nprint(f"{g}-{p}")\n'
    assert GRACE.code(code, "python").text == code
