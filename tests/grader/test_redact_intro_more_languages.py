"""A name the candidate introduces themself by in a language other than the interview's (grader/spoken.py,
`NAME_CUE`): "mera naam Priya Sharma hai" (Hindi), "benim adim ..." (Turkish), "mi chiamo Giulia Rossi", "moyo imya"
(Russian), "ismi ..." (Arabic). English, Spanish, French, German and Portuguese were read; a candidate greeting the
interviewer in Hindi, Turkish or Italian reached the model with their name (and it was not redacted elsewhere
either: a name introduced so is the one `grader/self_named.py` looks for in the program's output). And in code a
name cue was read in neither a comment nor a string literal (`# my name is Budi Santoso`). Talk in those languages
with no name after the cue, a weak cue before a word not written as a name, and a test's data stay."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from api.db.bundle_repo import redaction_terms
from grader.redact import Redactor

R = Redactor(redaction_terms("Ada Lovelace", "ada.lovelace@example.com"), vocabulary="Return the indices.")

MODES: dict[str, Callable[[str], str]] = {
    "speech": lambda s: R.speech(s).text,
    "comment": lambda s: R.code(f"x = 1  # {s}\n", "python").text,
    "output": lambda s: R.output(s).text,
}

# (what is said, the name's words that must go)
INTRODUCTIONS = [
    ("Namaste, mera naam Priya Sharma hai.", ("Priya", "Sharma")),
    ("mera naam hai Rahul", ("Rahul",)),
    ("Merhaba, benim ad\u0131m Ay\u015fe Y\u0131lmaz.", ("Ay\u015fe", "Y\u0131lmaz")),
    ("Ciao, mi chiamo Giulia Rossi e sono italiana.", ("Giulia", "Rossi")),
    ("Il mio nome è Giulia.", ("Giulia",)),
    ("Hallo, mijn naam is Sanne.", ("Sanne",)),
    ("Goedemiddag, ik heet Sanne Bakker.", ("Sanne", "Bakker")),
    ("Halo, nama saya Budi Santoso.", ("Budi", "Santoso")),
    ("Jina langu ni Amani Mwangi.", ("Amani", "Mwangi")),
    ("Xin chào, tên tôi là Minh.", ("Minh",)),
    ("Cześć, nazywam się Katarzyna Nowak.", ("Katarzyna", "Nowak")),
    ("Привет, моё имя Дмитрий Иванов.", ("Дмитрий", "Иванов")),
    ("Ni hao, wǒ jiào Wang Fang.", ("Wang", "Fang")),
    ("Hi, watashi no namae wa Yuki Tanaka desu.", ("Yuki", "Tanaka")),
    ("Γεια, με λένε Νίκος.", ("Νίκος",)),
    ("مرحبا، اسمي فاطمة", ("فاطمة",)),
    ("नमस्ते, मेरा नाम प्रिया है।", ("प्रिया",)),
]
STAYS = [
    "mi chiamo dopo il test",  # a weak cue before a word not written as a name
    "ik heet nu eenmaal zo",
    "the ten to last element",
    "ten toils later",
    "Il mio codice è lento, ma funziona.",
    "Nama variabel ini terlalu panjang.",
    "Sort by start, then merge.",
]


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize(("said", "name"), INTRODUCTIONS)
def test_a_self_introduction_in_another_language_is_redacted(
    mode: str, said: str, name: tuple[str, ...]
) -> None:
    shown = MODES[mode](said)
    assert "[candidate]" in shown, shown
    assert not any(word in shown for word in name), shown


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("said", STAYS)
def test_talk_in_those_languages_without_a_name_stays(mode: str, said: str) -> None:
    assert "[candidate]" not in MODES[mode](said)


def test_a_name_introduced_so_is_redacted_where_the_program_prints_it() -> None:
    from grader.self_named import self_introduced

    names = self_introduced(["Ciao, mi chiamo Giulia Rossi."])
    redactor = Redactor([*redaction_terms("Ada Lovelace", None), *names])
    assert redactor.output("Name: Giulia").text == "Name: [candidate]"


# A name cue in code: in a comment and in a string literal, in any language the cue is read in. Before, "my name is"
# and "call me" were read in speech and output only: `# my name is Budi Santoso` reached the model.
CODE = [
    ("python", "# my name is Budi Santoso\ndef f(): pass\n", ("Budi", "Santoso")),
    ("python", "x = 1  # call me Budi\n", ("Budi",)),
    ("javascript", "// mi nombre es Budi Santoso\nlet x = 1;\n", ("Budi", "Santoso")),
    ("java", "/* je m'appelle Budi */ int x = 1;\n", ("Budi",)),
    ("python", 'print("my name is Budi Santoso")\n', ("Budi", "Santoso")),
    ("python", 'greeting = "Ciao, mi chiamo Giulia"\n', ("Giulia",)),
]
CODE_STAYS = [
    ("python", 'assert parse("my name is Sam") == "Sam"\n'),  # a test's data: the name is written outside too
    ("python", 'print("my name is " + name)\n'),
    ("python", "# call me back when the loop ends\n"),
    ("javascript", "// TODO: the name is validated below\n"),
]


@pytest.mark.parametrize(("language", "code", "name"), CODE)
def test_a_name_cue_in_a_comment_or_a_string_is_redacted(
    language: str, code: str, name: tuple[str, ...]
) -> None:
    shown = R.code(code, language).text
    assert "[candidate]" in shown, shown
    assert not any(word in shown for word in name), shown


@pytest.mark.parametrize(("language", "code"), CODE_STAYS)
def test_code_with_a_cue_and_no_name_of_theirs_stays(language: str, code: str) -> None:
    assert R.code(code, language).text == code


@pytest.mark.parametrize(
    ("said", "shown"),
    [
        ("नमस्ते, मेरा नाम प्रिया है।", "नमस्ते, मेरा नाम [candidate] है।"),
        ("मेरा नाम प्रिया शर्मा है", "मेरा नाम [candidate] है"),
        # A vowel sign that is a spacing mark had ended the name after its first letter ("[candidate]ाहुल").
        ("call me राहुल ok", "call me [candidate] ok"),
    ],
)
def test_a_name_in_a_script_of_india_goes_whole(said: str, shown: str) -> None:
    assert R.speech(said).text == shown
    assert R.output(said).text == shown
