"""Contact details beyond e-mail, phone and profile links: a handle on a messenger given in any form of words (with
"is", a colon, "at", "on", a comma; in English and Spanish), a postal address, a student's or an employee's number,
said or in a code comment. Code, and talk about code, stays."""

from __future__ import annotations

import itertools

import pytest

from api.db.bundle_repo import redaction_terms
from grader.redact import Redactor

R = Redactor(redaction_terms("Ada Lovelace", "ada.lovelace@example.com"), vocabulary="Return the indices.")
HANDLES = ["adal_1815", "adal.1815", "adal1815"]
CUES = [
    "reach me on {m}: {h}",
    "reach me on {m} at {h}",
    "add me on {m}, {h}",
    "find me on {m} as {h}",
    "contact me via {m}: {h}",
    "hit me up on {m} - {h}",
    "my {m} is {h}",
    "my {m} id is {h}",
    "my {m} username: {h}",
    "{m} me at {h}",
    "{m}: {h}",
    "mi {m} es {h}",
    "mi usuario de {m} es {h}",
    "búscame en {m} como {h}",
    "escríbeme por {m}: {h}",
    "agrégame en {m}, {h}",
]
MESSENGERS = ["telegram", "skype", "wechat", "whatsapp", "discord", "viber", "snapchat"]


@pytest.mark.parametrize(
    ("cue", "messenger", "handle"), list(itertools.product(CUES, MESSENGERS, HANDLES[:1])) + [
        (cue, "telegram", handle) for cue, handle in itertools.product(CUES, HANDLES[1:])
    ]
)  # fmt: skip
def test_a_messenger_handle_after_any_cue_is_redacted(cue: str, messenger: str, handle: str) -> None:
    said = cue.format(m=messenger, h=handle) + " if you like"
    assert R.speech(said).text == said.replace(handle, "[handle]"), said
    code = R.code(f"x = 1  # {cue.format(m=messenger, h=handle)}\n", "python").text
    assert handle not in code and "[handle]" in code, code


@pytest.mark.parametrize(
    "said",
    [
        "add me on signal, adal.1815",
        "reach me on signal: adal_1815",
        "my signal username is adal_1815",
        "message me on teams: adal_1815",
        "find me on slack as adal_1815",
        "búscame en signal como adal_1815",
    ],
)
def test_a_handle_on_a_messenger_named_by_an_everyday_word_is_redacted_after_a_cue(said: str) -> None:
    assert "adal" not in R.speech(said).text


@pytest.mark.parametrize(
    "said",
    [
        "the signal is the sum so far",
        "line: 12 is where it breaks",
        "my line is the loop",
        "zoom: in on the second loop",
        "my matrix is three by three",
        "the teams: red and blue are the two groups",
        "# LeetCode: two-sum, the hash map version",
    ],
)
def test_everyday_words_that_name_messengers_keep_what_follows(said: str) -> None:
    assert R.speech(said).text == said
    assert R.code(f"x = 1  # {said}\n", "python").text == f"x = 1  # {said}\n"


ADDRESSES = [
    "221B Baker Street, London NW1 6XE",
    "12 Main St, Springfield, IL 62704",
    "1600 Pennsylvania Avenue NW, Washington, DC 20500",
    "4 Privet Drive, Little Whinging",
    "350 Fifth Ave, Apt 4B, New York, NY 10118",
    "742 Evergreen Terrace",
    "10 Downing St",
    "calle Mayor 5, 28013 Madrid",
    "Av. de la Constitución nº 12, 3º B",
    "avenida Corrientes 1234",
    "Springfield, IL 62704",
    "NW1 6XE",
]


@pytest.mark.parametrize("address", ADDRESSES)
@pytest.mark.parametrize("lead", ["I'm near {a} these days", "send it to {a} please", "# ship to {a}"])
def test_a_postal_address_is_redacted_said_or_in_a_comment(address: str, lead: str) -> None:
    text = lead.format(a=address)
    redacted = R.code(f"x = 1  {text}\n", "python").text if text.startswith("#") else R.speech(text).text
    assert "[address]" in redacted and address not in redacted, redacted
    for part in ("Baker", "Main St", "62704", "Privet", "Evergreen", "Mayor 5", "6XE", "1234"):
        assert part not in redacted or part not in address, redacted


@pytest.mark.parametrize(
    "said",
    [
        "I live at the end of a long road near the river",
        "my home address is the old mill by the station",
        "vivo en el centro, cerca de la plaza",
        "mi dirección es la misma que en el formulario",
    ],
)
def test_what_follows_i_live_at_or_my_address_is_redacted(said: str) -> None:
    assert R.speech(said).text.endswith("[address]"), R.speech(said).text


@pytest.mark.parametrize(
    ("said", "value"),
    [
        ("my student id is A01234567", "A01234567"),
        ("my employee number at Google was 448812", "448812"),
        ("my staff id: 448 812", "448 812"),
        ("my passport number is X1234567", "X1234567"),
        ("my social security number is 123-45-6789", "123-45-6789"),
        ("mi DNI es 12345678Z", "12345678Z"),
        ("mi número de legajo: 4471", "4471"),
        ("mi matrícula es A0123", "A0123"),
    ],
)
def test_a_student_or_employee_number_is_redacted(said: str, value: str) -> None:
    out = R.speech(said).text
    assert value not in out and ("[id]" in out or "[phone]" in out), out
    code = R.code(f"n = 0  # {said}\n", "python").text
    assert value not in code, code


@pytest.mark.parametrize(
    "code",
    [
        "def f(st, dr):\n    return 12 + st.Main\n",
        "x = 12  # 12 Main loops\n",
        "for i in range(5):  # 5 Street cells per row\n    pass\n",
        "grid = [[1, 2], [3, 4]]  # 2 by 2\n",
        "ans = 1000000007  # mod\n",
        "# O(n log n): sort, then one pass\n",
        "# NW corner first, then 6 cells\n",
        "# my student code is below\n",
        "s = 'A man, a plan, a canal: Panama'\n",
        "# telegram: see below\n",
    ],
)
def test_code_that_is_no_address_or_handle_stays(code: str) -> None:
    assert R.code(code, "python").text == code
