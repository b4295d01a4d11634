"""The name in pieces, spelled by letter names, glued from literals by code, printed as character codes or in short
base64, and a phone number in a string literal (grader/split_names.py, said_letters.py, encoded.py, phone_forms.py):
for short, long, hyphenated and non-ASCII names and a name that is also everyday words, in every candidate text of
the bundle."""

from __future__ import annotations

import base64
import re
from datetime import timedelta

import pytest

from api.db.bundle_repo import redaction_terms
from grader.bundle import build_bundle
from grader.facts import compute_facts
from grader.redact import Redactor
from grader.said_letters import LETTER_NAMES
from grader.schemas import BundleEvent, BundleRun
from tests.grader.bundles import START, interview, run_result

# (name on file, a long part as it is written, its pieces as a candidate splits it, a part of three letters or
# more to spell by letter names)
NAMES = [
    ("Ada Lovelace", "Lovelace", ("Love", "lace"), "Ada"),
    ("Zoë Ø'Brien-Łukasiewicz", "Łukasiewicz", ("Łuka", "siewicz"), "Brien"),
    ("Maximilian Oyelaran-Okonkwo", "Okonkwo", ("Okon", "kwo"), "Okonkwo"),
    ("Grace Park", "GracePark", ("Gra", "ce Park"), "Grace"),
]
# What a program prints as character codes: a distinctive part, or the whole name where its parts are everyday
# words (Grace alone, like the word, stays).
PRINTED = {"Ada Lovelace": "Ada", "Zoë Ø'Brien-Łukasiewicz": "Brien", "Maximilian Oyelaran-Okonkwo": "Okonkwo",
           "Grace Park": "Grace Park"}  # fmt: skip


def _said(word: str) -> str:
    """`word` spelled by its letters' names ("ay dee ay"); a letter without a listed name (ë) as its base."""
    base = word.lower().replace("ë", "e").replace("ł", "l").replace("ø", "o")
    return " ".join(LETTER_NAMES[c].split()[1] for c in base)


def _pieces(name: str) -> list[str]:
    return [piece.lower() for piece in name.replace("-", " ").split() if len(piece) >= 3]


@pytest.mark.parametrize(("name", "part", "split", "short"), NAMES)
def test_a_name_split_inside_a_word_or_spaced_oddly_is_redacted(
    name: str, part: str, split: tuple[str, str], short: str
) -> None:
    r = Redactor(redaction_terms(name, None))
    head, tail = split
    speech = [
        f"it is {head} {tail}, really",
        f"it is {head}  -{tail}.",
        f"{head[:2]} {head[2:]} {tail} wrote it",
        f"{' '.join(head)} {tail} wrote it",  # mixed spacing: letters apart, then a piece
    ]
    pieces = {head[2:].lower(), *(w.lower() for w in tail.split())}
    for text in speech:
        out = r.speech(text).text
        assert "[candidate]" in out and not pieces & set(re.findall(r"\w+", out.lower())), (text, out)
        assert r.output(text).text == out
    comment = f"x = 1  # written by {head}\n# {tail}\ny = 2\n"
    out = r.code(comment, "python").text
    assert "[candidate]" in out and not pieces & set(re.findall(r"\w+", out.lower())), out
    assert out.startswith("x = 1") and out.endswith("y = 2\n")


@pytest.mark.parametrize(("name", "part", "split", "short"), NAMES)
def test_a_name_spelled_by_the_names_of_its_letters_is_redacted(
    name: str, part: str, split: tuple[str, str], short: str
) -> None:
    r = Redactor(redaction_terms(name, None))
    said = _said(short)
    for text in (f"it's {said}, as I said", f"{said.replace(' ', ', ')}."):
        out = r.speech(text).text
        assert out.count("[candidate]") == 1 and said.split()[1] not in out.replace("[candidate]", ""), (
            text,
            out,
        )
    out = r.code(f"# {said}\nx = 1\n", "python").text
    assert "[candidate]" in out, out


@pytest.mark.parametrize(("name", "part", "split", "short"), NAMES)
@pytest.mark.parametrize(
    ("language", "template"),
    [
        ("javascript", 'const n = `${{"{a}"}}${{"{b}" + "{c}"}}`;\n'),
        ("javascript", "const n = String.raw`{a}${{''}}{b}{c}`;\n"),
        ("java", 'sb.append("{a}").append("{b}")\n  .append("{c}");\n'),
        ("java", 'sb.append("{a}");\nsb.append("{b}");\nsb.append("{c}");\n'),
        ("cpp", 's.append("{a}");\ns += "{b}";\ns.append("{c}");\n'),
    ],
)
def test_a_name_glued_from_literals_by_code_is_redacted(
    name: str, part: str, split: tuple[str, str], short: str, language: str, template: str
) -> None:
    r = Redactor(redaction_terms(name, None))
    word = part
    a, b, c = word[:2], word[2:4], word[4:]
    code = template.format(a=a, b=b, c=c)
    out = r.code(code, language).text
    assert "[candidate]" in out and f'"{c}"' not in out and f"{c}`" not in out, (code, out)


@pytest.mark.parametrize(("name", "part", "split", "short"), NAMES)
@pytest.mark.parametrize(
    ("language", "template"),
    [
        ("python", 'n = "".join(["{a}", "{b}", "{c}"])\n'),
        ("python", "n = ''.join(('{a}', '{b}',\n             '{c}',))\n"),
        ("javascript", 'const n = ["{a}", "{b}", "{c}"].join("");\n'),
        ("javascript", "const n = [...'{a}', ...'{b}', ...'{c}'].join('');\n"),
    ],
)
def test_a_name_joined_from_a_list_of_literals_with_nothing_between_is_redacted(
    name: str, part: str, split: tuple[str, str], short: str, language: str, template: str
) -> None:
    r = Redactor(redaction_terms(name, None))
    a, b, c = part[:2], part[2:4], part[4:]
    code = template.format(a=a, b=b, c=c)
    out = r.code(code, language).text
    assert "[candidate]" in out and f"{c}'" not in out and f'{c}"' not in out, (code, out)
    # Joined with a separator, or not joined at all, a list of strings is data.
    for data in (
        code.replace('"".join', '", ".join').replace("''.join", "' '.join"),
        f'xs = ["{a}", "{b}", "{c}"]\n',
    ):
        if '.join("")' not in data and ".join('')" not in data:
            assert r.code(data, language).text == data


@pytest.mark.parametrize(("name", "part", "split", "short"), NAMES)
def test_character_codes_a_program_prints_and_short_base64_are_redacted(
    name: str, part: str, split: tuple[str, str], short: str
) -> None:
    r = Redactor(redaction_terms(name, None))
    printed = " ".join(str(ord(ch)) for ch in PRINTED[name])
    assert r.output(f"{printed}\n").text == "[candidate]\n"
    assert r.output(f"[{printed.replace(' ', ', ')}]").text == "[[candidate]]"


@pytest.mark.parametrize("name", ["Ada Lovelace", "Bo Lin Wu", "Kai Nakamura"])
def test_a_short_part_in_base64_is_redacted_only_as_exactly_its_token(name: str) -> None:
    r = Redactor(redaction_terms(name, None))
    short = min((p for p in name.split() if len(p) >= 3), key=len)
    for form in (short, short.lower(), short.upper()):
        token = base64.b64encode(form.encode()).decode()
        for written in (token, token.rstrip("=")):
            assert r.code(f'x = "{written}"\n', "python").text == 'x = "[candidate]"\n', written
            assert r.speech(f"decode {written} please").text == "decode [candidate] please"
    near = base64.b64encode(short.encode() + b"!").decode()  # another text's token
    assert r.code(f'x = "{near}"\n', "python").text == f'x = "{near}"\n'


@pytest.mark.parametrize(
    "code",
    [
        'PHONE = "+14155550100"\n',
        'PHONE = "+442079460958"\n',
        "PHONE = '415 555 0100'\n",
        'PHONE = "(415) 555 0100"\n',
        "const phone = `+14155550100`;\n",
    ],
)
def test_a_phone_number_in_a_string_literal_is_redacted(code: str) -> None:
    r = Redactor(redaction_terms("Ada Lovelace", None))
    out = r.code(code, "python").text
    assert "[phone]" in out and "555" not in out and "7946" not in out, out


def test_every_candidate_text_of_the_bundle_has_these_forms_redacted() -> None:
    code = (
        'first = "Lo"\nsb.append("Lo").append("ve").append("lace");\n# by Ada Love\n# lace\n'
        'PHONE = "+14155550100"\nTOKEN = "QWRh"\n'
    )
    printed = "76 111 118 101 108 97 99 101"
    said = "el oh vee ee el ay see ee"
    source = interview(submitted=False)
    result = run_result(0, None)
    result["tests"][0] |= {"stdout": printed, "message": "Love lace"}
    runs = [
        BundleRun(id="r30", kind="run", language="java", code=code, verdict="wrong_answer", result=result,
                  created_at=START + timedelta(seconds=400)),
        BundleRun(id="r31", kind="run", language="java", code=code + "int n = 1;\n", verdict="wrong_answer",
                  result=result, created_at=START + timedelta(seconds=410)),
    ]  # fmt: skip
    extra = [
        BundleEvent(seq=29, type="editor_snapshot", t=390.0, payload={"language": "java", "code": code}),
        BundleEvent(seq=30, type="test_run", t=400.0, payload={"submission_id": "r30", "by": "candidate"}),
        BundleEvent(seq=31, type="test_run", t=410.0, payload={"submission_id": "r31", "by": "candidate"}),
        BundleEvent(seq=32, type="transcript", t=420.0, payload={"role": "user", "text": f"I'm {said}"}),
        BundleEvent(seq=33, type="transcript", t=425.0, payload={"role": "user", "text": "Lo ve lace here",
                                                                   "typed": True}),
    ]  # fmt: skip
    source = source.model_copy(
        update={"events": [*source.events, *extra], "runs": [*source.runs, *runs], "final_code": code}
    )
    text = build_bundle(source, compute_facts(source)).interview
    assert all(s in text for s in ("printed", "message", "C (typed)", "never in a shown snapshot")), text
    for piece in ('"lace"', "# lace", "111 118", "vee ee", "Lo ve", "4155550100", "QWRh", "Love lace"):
        assert piece not in text, piece
