"""The name or a contact detail written so that a program builds it (grader/code_forms.py): escapes, literals strung
together and character codes are decoded and redacted as what the program would print; the same forms that do not
spell the name stay as written, also for candidates whose names are everyday words or identifiers."""

from __future__ import annotations

import base64
from datetime import timedelta

import pytest

from api.db.bundle_repo import redaction_terms
from grader.bundle import build_bundle
from grader.facts import compute_facts
from grader.redact import Redactor
from grader.schemas import BundleEvent, BundleRun
from tests.grader.bundles import START, interview, run_result

R = Redactor(redaction_terms("Ada Lovelace", "ada.lovelace@example.com"))


def _escaped(word: str, form: str) -> str:
    return "".join(form.format(ord(c)) for c in word)


@pytest.mark.parametrize(
    ("language", "code"),
    [
        ("python", f'NAME = "{_escaped("Ada Lovelace", chr(92) + "u{:04x}")}"\n'),
        ("javascript", f'const n = "{_escaped("Lovelace", chr(92) + "u{{{:x}}}")}";\n'),
        ("python", f'n = "{_escaped("Lovelace", chr(92) + "x{:02x}")}"\n'),
        ("python", 'n = "\\x4c\\x6fvel\\x61ce"\n'),  # some letters escaped, some not
        ("python", 'n = "Lovel\\u0061ce"\n'),
        ("cpp", f'const char* n = "{_escaped("Lovelace", chr(92) + "{:o}")}";\n'),
        ("python", 'n = "\\N{LATIN CAPITAL LETTER L}ovelace"\n'),
        ("javascript", f"el.innerHTML = '{_escaped('Lovelace', '&#{};')}';\n"),
        ("javascript", f"el.innerHTML = '{_escaped('Lovelace', '&#x{:x};')}';\n"),
        (
            "python",
            'n = "\\x5cx4c\\x5cx6f\\x5cx76\\x5cx65\\x5cx6c\\x5cx61\\x5cx63\\x5cx65"\n',
        ),  # escaped twice
        ("java", "char[] n = {'L','o','v','e','l','a','c','e'};\n"),
        ("cpp", "char n[] = {'A', 'd', 'a', 0};\n"),
        ("python", "n = ''.join(['L', 'o', 'v', 'e', 'l', 'a', 'c', 'e'])\n"),
        ("python", 'n = "Lo" + "velace"\n'),
        ("python", 'n = "Love" "lace"\n'),
        ("javascript", "const n = 'Lov' +\n    'elace';\n"),
        ("java", 'String n = "Ada" + " " + "Love" + "lace";\n'),
        ("javascript", "const n = String.fromCharCode(76, 111, 118, 101, 108, 97, 99, 101);\n"),
        ("javascript", "const n = String.fromCharCode(0x4c,0x6f,0x76,0x65,0x6c,0x61,0x63,0x65);\n"),
        ("python", "n = chr(76)+chr(111)+chr(118)+chr(101)+chr(108)+chr(97)+chr(99)+chr(101)\n"),
        ("python", "n = bytes([65, 100, 97]).decode()\n"),
        ("java", 'String n = "" + (char) 65 + (char) 100 + (char) 97;\n'),
        ("python", f"n = base64.b64decode('{base64.b64encode(b'Lovelace').decode()}')\n"),  # 12 characters
        # an f-string whose fields are literals glues them to its text
        ("python", "print(f\"by Love{'lace'}\")\n"),
        ("python", "print(f\"by {'Lo'}{'ve'}{'lace'}\")\n"),
        ("python", "n = F'{\"Love\"}lace'\n"),
        ("python", "print(rf\"by {'Love'!s}lace {x}\")\n"),
    ],
)
def test_the_name_built_by_code_is_redacted(language: str, code: str) -> None:
    out = R.code(code, language).text
    assert "[candidate]" in out, out
    for piece in ("Lov", "ove", "elace", "velace", "'v'", "118", "0x76", "\\x76", "&#118"):
        assert piece not in out, out


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ('mail = "ada\\x40example.com"\n', 'mail = "[email]"\n'),
        ('phone = "\\x34\\x31\\x35-555-0100"\n', 'phone = "[phone]"\n'),
        ("print('Hi ' + 'Lo' + 'velace')\n", "print('Hi [candidate]')\n"),
    ],
)
def test_a_contact_detail_built_by_code_is_redacted_as_what_it_decodes_to(code: str, expected: str) -> None:
    assert R.code(code, "python").text == expected


def test_the_same_forms_in_what_a_program_prints_or_a_candidate_types_are_redacted() -> None:
    assert R.output("['L', 'o', 'v', 'e', 'l', 'a', 'c', 'e']").text == "['[candidate]']"
    assert R.output(_escaped("Lovelace", "&#{};")).text == "[candidate]"
    assert R.speech(f"my name is {_escaped('Ada', chr(92) + 'u{:04x}')}").text == "my name is [candidate]"
    # Code pasted into the chat: typed lines are speech.
    assert R.speech('it\'s "Love" + "lace", ok?').text == 'it\'s "[candidate]", ok?'
    said = "I don't know, it's 'fine' and 'good' I'd say"
    assert R.speech(said).text == said


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("Will Max Turner", "s = \"\\x6d\\x61\\x78\"\nm = {'m', 'a', 'x'}\nc = [109, 97, 120]\n"),
        ("Will Max Turner", "v = 'ma' + 'x(' + 'will' + 'mark'\nw = [77, 97, 120]\n"),
        (
            "Mark Case",
            "s = 'mar' + 'k'\nt = \"\\x63\\x61\\x73\\x65\"\nu = String.fromCharCode(99, 97, 115, 101)\n",
        ),
        ("Ada Lovelace", 's = "\\n\\t\\x00\\x1b[0m\\u00e9&#160;"\nr = r"\\d+\\.\\d+\\1"\n'),
        (
            "Ada Lovelace",
            "a = ['a', 'b', 'c'] + ['x', 'y']\nb = [65, 66, 67, 68]\nc = \"(\" + \")\" + \",\"\n",
        ),
        ("Ada Lovelace", "grid = [[49, 48], [48, 49]]\nwords = ['love', 'lace up', 'a', 'da']\n"),
    ],
)
def test_escapes_literals_and_codes_that_do_not_spell_the_name_stay(name: str, code: str) -> None:
    r = Redactor(redaction_terms(name, None))
    assert r.code(code, "python").text == code
    assert r.output(code).text == code


@pytest.mark.parametrize(
    ("name", "code", "expected"),
    [
        (
            "Ada Lovelace",
            "print(f\"{greeting}, Love{'lace'} ({n})\")\n",
            'print(f"{greeting}, [candidate] ({n})")\n',
        ),
        ("Will Strong", "print(f\"hi i'm Will{' Strong'}\")\n", 'print(f"hi i\'m [candidate]")\n'),
        ("Will Strong", "print(f\"hi i'm will{' strong'}\")\n", 'print(f"hi i\'m [candidate]")\n'),
    ],
)
def test_an_fstring_that_glues_the_name_from_literal_fields_keeps_its_other_fields(
    name: str, code: str, expected: str
) -> None:
    assert Redactor(redaction_terms(name, None)).code(code, "python").text == expected


@pytest.mark.parametrize(
    "code",
    [
        "print(f\"{'-' * 10} {x!r:>{width}} {'ok'}\")\n",
        "s = f\"{{literal}} {'will'} {'strong'.upper()}\"\n",
        "msg = f\"this {'will'} be {'strong'} enough\"\n",
    ],
)
def test_an_fstring_with_literal_fields_that_spell_no_name_stays(code: str) -> None:
    assert Redactor(redaction_terms("Will Strong", None)).code(code, "python").text == code


def test_hostile_runs_of_escapes_literals_and_codes_are_decoded_without_recursion() -> None:
    # Each decoding is bounded (three rounds; runs of at most 40 literals), whatever the text's length.
    nested = 'x = "' + "\\x5c" * 5_000 + 'x41"\n'
    literals = "x = [" + ", ".join(["'a'"] * 20_000) + "]\n"
    codes = "x = [" + ", ".join(["97"] * 20_000) + "]\n"
    for code in (nested, literals, codes):
        assert R.code(code, "python").text == code


def test_every_text_of_the_candidates_in_the_bundle_has_the_code_built_name_redacted() -> None:
    # The snapshot (and the final code), a run's code in no snapshot, a custom run's own inputs, what the program
    # printed and raised, a compiler's echo and a typed chat line: each reaches the model through the redactor.
    built = {
        "escaped": _escaped("Lovelace", chr(92) + "x{:02x}"),
        "strung": "'Lo' + 'velace'",
        "chars": "{'L','o','v','e','l','a','c','e'}",
        "codes": "String.fromCharCode(76,111,118,101,108,97,99,101)",
        "entities": _escaped("Lovelace", "&#{};"),
    }
    code = "".join(
        f'{k} = "{v}"\n' if k in ("escaped", "entities") else f"{k} = {v}\n" for k, v in built.items()
    )
    source = interview(submitted=False)
    result = run_result(0, None)
    first = result["tests"][0]
    first |= {"stdout": built["entities"], "message": "['L', 'o', 'v', 'e', 'l', 'a', 'c', 'e']"}
    custom = {"verdict": "runtime_error", "tests": [
        {"id": "custom-1", "verdict": "runtime_error", "args": [built["entities"]], "actual": None}]}  # fmt: skip
    runs = [
        BundleRun(id="r30", kind="run", language="python", code=code, verdict="wrong_answer", result=result,
                  created_at=START + timedelta(seconds=400)),
        BundleRun(id="r31", kind="run", language="javascript", code=code + "n = 1\n", verdict="runtime_error",
                  result=custom, created_at=START + timedelta(seconds=410)),
        BundleRun(id="r33", kind="run", language="cpp", code=code, verdict="compile_error", created_at=START
                  + timedelta(seconds=430), result={"compile_output": f'x = "{built["escaped"]}"', "tests": [{}]}),
    ]  # fmt: skip
    extra = [
        BundleEvent(seq=29, type="editor_snapshot", t=390.0, payload={"language": "python", "code": code}),
        BundleEvent(seq=30, type="test_run", t=400.0, payload={"submission_id": "r30", "by": "candidate"}),
        BundleEvent(seq=31, type="test_run", t=410.0, payload={"submission_id": "r31", "by": "candidate",
                                                                  "custom": True}),
        BundleEvent(seq=32, type="transcript", t=420.0, payload={"role": "user", "text": built["escaped"],
                                                                   "typed": True}),
        BundleEvent(seq=33, type="test_run", t=430.0, payload={"submission_id": "r33", "by": "candidate"}),
    ]  # fmt: skip
    source = source.model_copy(
        update={"events": [*source.events, *extra], "runs": [*source.runs, *runs], "final_code": code}
    )
    interview_text = build_bundle(source, compute_facts(source)).interview
    shown = (
        "printed",
        "message",
        "custom run",
        "args",
        "compiler output",
        "C (typed)",
        "never in a shown snapshot",
    )
    assert all(s in interview_text for s in shown), interview_text
    for piece in ("velace", "'v'", "118", "x76", "&#118"):
        assert piece not in interview_text, piece
    assert interview_text.count("[candidate]") >= 10


@pytest.mark.parametrize(
    "code",
    [
        'EMAIL = "ada at example dot com"\n',
        "EMAIL = 'jane [at] acme [dot] io'\n",
        'contact = "zq_dev (at) gmail (dot) com"\n',
        'String m = "jane{at}acme{dot}io";\n',
    ],
)
def test_an_address_written_as_obfuscated_in_a_string_literal_is_redacted(code: str) -> None:
    out = R.code(code, "python").text
    assert "[email]" in out, out
    assert all(w not in out for w in ("example", "acme", "gmail", "jane", "zq_dev")), out


def test_at_and_dot_in_code_that_name_no_address_stay() -> None:
    code = (
        'msg = "look at index i dot next"\nat = 1\ndot = at + 2\nprint(f"at {dot}")\n'
        "s = 'stop at the gate'\nq = \"meet at noon dot\"\n"
    )
    assert R.code(code, "python").text == code
