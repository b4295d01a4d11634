"""An identifier whose words describe its author's gender (`i_am_a_woman`, `asAMother`, `myWifeAndI`) reaches the
model no more than the same words said or printed (grader/described_identifiers.py): `_` and a change of case are
not spaces, so the rules for speech and for a self-description in a literal never read them. Only after a cue of
describing oneself or one's own family ("i am", "as a", "my", "pronouns"); an identifier that merely names a
gendered thing (`woman`, `mother_node`, `is_male`) and the question's own words stay."""

from __future__ import annotations

import pytest

from api.db.bundle_repo import redaction_terms
from grader.redact import Redactor

R = Redactor(redaction_terms("Ada Lovelace", None))


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("i_am_a_woman = True", "i_am_a_[person] = True"),
        ("def solve_as_a_mother(nums):", "def solve_as_a_[parent](nums):"),
        ("boolean myWifeAndI = true;", "boolean my[partner]AndI = true;"),
        ("const asAMother = 1;", "const asA[parent] = 1;"),
        ("IAmAWoman = 1", "IAmA[person] = 1"),
        ("pronouns_she_her = None", "pronouns_[they]_[them/their] = None"),
        ("soy_mujer = 1", "soy_[person] = 1"),
        ("MY_HUSBAND_AND_I = 2", "MY_[partner]_AND_I = 2"),
    ],
)
def test_an_identifier_describing_its_author_is_neutral_in_code(code: str, expected: str) -> None:
    assert R.code(code, "python").text == expected


def test_an_identifier_describing_its_author_is_neutral_when_typed_or_printed() -> None:
    assert R.speech("I named it i_am_a_woman").text == "I named it i_am_a_[person]"
    assert R.output("i_am_a_woman: True").text == "i_am_a_[person]: True"


@pytest.mark.parametrize(
    "code",
    [
        # A gendered word that names the data, not the author.
        "woman = Person('x')\nmother_node = tree.parent(node)\nis_male = row[2] == 'M'\n",
        "def find_mother(tree, node): ...\nclass SisterNode: ...\nGIRL_COUNT = 3\n",
        # A cue without a gendered word, and everyday words that hold one inside a segment.
        "as_a_list = list(xs)\ni_am_done = True\nmy_sum = 0\nmy_manager = Manager()\nmyShelf = []\n",
        "def other_heap(his_tory): ...\nthe_heir = 1\nmy_mandate = 2\n",
    ],
)
def test_identifiers_that_do_not_describe_their_author_stay(code: str) -> None:
    assert R.code(code, "python").text == code


def test_the_questions_own_words_stay_in_a_described_identifier() -> None:
    r = Redactor(
        redaction_terms("Ada Lovelace", None), vocabulary="Each woman in the queue is served in order."
    )
    assert r.code("i_am_a_woman = True", "python").text == "i_am_a_woman = True"
