"""Contact details said or written in either interview language (English, Spanish), in speech, in a code comment
and in a program's output: an address said with "at"/"arroba" and "dot"/"punto", a phone number said digit by digit
or in tens ("eighteen fifteen", "treinta y cuatro"), a handle after any cue ("ig:", "my kakao is", "dm me on reddit
u/...", "I'm on telegram as ..."), a federated handle with its server, and in code a handle whose cue is elsewhere on
the line or a phone number in adjacent literals. Spanish talk about code stays as it was said."""

from __future__ import annotations

import itertools
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

# (language, the address as said, the words of it that must go)
EMAILS = [
    ("en", "adal1815 at gmail dot com", ("adal1815", "gmail")),
    ("en", "adal underscore eighteen fifteen at outlook dot es", ("adal", "eighteen", "fifteen", "outlook")),
    ("es", "adal1815 arroba gmail punto com", ("adal1815", "gmail")),
    ("es", "adal1815 arroba gmail", ("adal1815", "gmail")),
    (
        "es",
        "adal guion bajo dieciocho quince arroba outlook punto es",
        ("adal", "dieciocho", "quince", "outlook"),
    ),
    ("es", "adal punto quince arroba yahoo punto com punto mx", ("adal", "quince", "yahoo")),
    ("es", "adal1815 (arroba) gmail (punto) com", ("adal1815", "gmail")),
]
EMAIL_CUES = {
    "en": ["my email is {e}", "mail me at {e}", "it's {e}, thanks"],
    "es": [
        "mi correo es {e}",
        "escríbeme a {e}",
        "mi correo electrónico es {e}",
        "mi email: {e}",
        "es {e}, gracias",
    ],
}


@pytest.mark.parametrize(
    ("mode", "cue", "email", "gone"),
    [(mode, cue, email, gone) for mode in MODES for lang, email, gone in EMAILS for cue in EMAIL_CUES[lang]],
)
def test_an_address_said_in_either_language_is_redacted(
    mode: str, cue: str, email: str, gone: tuple[str, ...]
) -> None:
    out = MODES[mode](cue.format(e=email))
    assert "[email]" in out, out
    assert not any(word in out.split() or word in out for word in gone), out


# (language, the number as said)
PHONES = [
    ("en", "four one five, five five five, zero one zero zero"),
    ("en", "four one five five five five oh one double oh"),
    ("en", "six one two, thirty four, fifty six, seventy eight"),
    ("en", "six one two thirty-four fifty-six seventy-eight"),
    ("es", "seis uno dos, tres cuatro cinco, seis siete ocho"),
    ("es", "seis uno dos tres cuatro cinco seis siete ocho"),
    ("es", "seis uno dos treinta y cuatro cincuenta y seis setenta y ocho"),
    ("es", "seis doce treinta y cuatro cincuenta y seis"),
    ("es", "cuatro uno cinco cinco cinco cinco cero uno cero cero"),
    ("es", "seis uno dos, doble cinco, tres cuatro, siete ocho"),
]
PHONE_CUES = {
    "en": ["my number is {p}", "call me at {p}", "my whatsapp is {p}", "phone: {p}", "my cell is {p}"],
    "es": ["mi teléfono es {p}", "mi número es {p}", "llámame al {p}", "mi whatsapp es {p}", "mi móvil: {p}",
           "mi celular es el {p}"],
}  # fmt: skip


@pytest.mark.parametrize(
    ("mode", "cue", "phone"),
    [(mode, cue, phone) for mode in MODES for lang, phone in PHONES for cue in PHONE_CUES[lang]],
)
def test_a_phone_number_said_in_either_language_is_redacted(mode: str, cue: str, phone: str) -> None:
    out = MODES[mode](cue.format(p=phone))
    said = {w.strip(",") for w in phone.split()} - {"y", "double", "doble"}
    assert not said & {w.strip(",.") for w in out.split()}, out
    assert "[phone]" in out or "[handle]" in out, out


HANDLES = {
    "en": ["adal_1815", "adal1815", "adal underscore eighteen fifteen"],
    "es": ["adal_1815", "adal1815", "adal guion bajo dieciocho quince"],
}
HANDLE_CUES = {
    "en": ["ig: {h}", "insta: {h}", "my kakao is {h}", "my kakaotalk id is {h}", "I'm on telegram as {h}",
           "I'm also on discord: {h}", "find me on telegram as {h}"],
    "es": ["mi kakao es {h}", "búscame en telegram como {h}", "ig: {h}", "mi usuario de kakao es {h}"],
}  # fmt: skip


@pytest.mark.parametrize(
    ("mode", "cue", "handle"),
    [
        (mode, cue, handle)
        for mode in MODES
        for lang in HANDLE_CUES
        for cue, handle in itertools.product(HANDLE_CUES[lang], HANDLES[lang])
    ],
)
def test_a_handle_after_a_cue_in_either_language_is_redacted(mode: str, cue: str, handle: str) -> None:
    out = MODES[mode](cue.format(h=handle))
    assert "[handle]" in out, out
    assert not {"adal", "adal_1815", "adal1815", "eighteen", "fifteen", "dieciocho", "quince"} & set(
        out.split()
    )


@pytest.mark.parametrize("mode", list(MODES))
@pytest.mark.parametrize(
    "said", ["dm me on reddit u/{h}", "my reddit is u/{h}", "reddit: /u/{h}", "búscame en reddit como u/{h}"]
)
def test_a_reddit_user_is_redacted(mode: str, said: str) -> None:
    out = MODES[mode](said.format(h="adal1815"))
    assert "adal1815" not in out and ("[link]" in out or "[handle]" in out), out


@pytest.mark.parametrize("mode", list(MODES))
@pytest.mark.parametrize(
    ("said", "server"),
    [
        ("my matrix is @adal:matrix.org", "matrix.org"),
        ("my mastodon is @adal@mastodon.social", "mastodon.social"),
        ("mi mastodon es @adal@fosstodon.org", "fosstodon.org"),
        ("find me at @adal:matrix.org", "matrix.org"),
        ("I'm @adal@hachyderm.io on mastodon", "hachyderm.io"),
        ("ping @adal_1815:matrix.example.com", "matrix.example.com"),
    ],
)
def test_a_federated_handle_goes_with_its_server(mode: str, said: str, server: str) -> None:
    out = MODES[mode](said)
    assert server not in out and "adal" not in out and ("[handle]" in out or "[email]" in out), out


@pytest.mark.parametrize(
    ("code", "language"),
    [
        *[
            (line.format(h=h), lang)
            for line, lang in [
                ("tg_handle = '{h}'  # telegram\n", "python"),
                ("contact = '{h}'  # telegram\n", "python"),
                ("x = '{h}'  # my discord handle\n", "python"),
                ("const who = '{h}'; // instagram\n", "javascript"),
                ('String id = "{h}";  // skype\n', "java"),
                ("discordTag = '{h}'\n", "python"),
                ('const igUser = "{h}";\n', "javascript"),
                ("CONTACT = {{'telegram': '{h}'}}\n", "python"),
                ("usuario = '{h}'  # mi telegram\n", "python"),
            ]
            for h in ("adal_1815", "adal1815", "adal#1815", "@adal1815")
        ],
    ],
)
def test_a_handle_in_code_whose_cue_is_elsewhere_on_the_line_is_redacted(code: str, language: str) -> None:
    out = R.code(code, language).text
    assert "adal" not in out and "[handle]" in out, out


@pytest.mark.parametrize(
    "code",
    [
        "phone = '415' '555' '0100'\n",
        'phone = "415" "555" "0100"\n',
        "PHONE = ('415' '555' '0100')\n",
        "mobile = '+1 415' ' 555 0100'\n",
        "tel = '415' + '555' + '0100'\n",
        "contact = {'phone': '415' '555' '0100'}\n",
        'String phone = "415" + "555" + "0100";\n',
    ],
)
def test_a_phone_number_in_adjacent_literals_is_redacted(code: str) -> None:
    out = R.code(code, "python").text
    assert "0100" not in out and "[phone]" in out, out


# Spanish (and English) talk about code that has the words of an address or a number in it: it stays as said.
UNCHANGED_SPEECH = [
    "el punto de entrada es la función main",
    "uno de los casos falla con la entrada vacía",
    "con cero elementos devuelve una lista vacía",
    "la arroba en el correo separa el usuario del dominio",
    "la arroba separa el usuario del dominio punto",
    "recorro el arreglo de uno en uno",
    "el índice va de cero a nueve",
    "los índices van cero, uno, dos, tres",
    "tiene diez, veinte, treinta elementos",
    "veinte treinta cuarenta cincuenta sesenta setenta",
    "uno dos tres cuatro cinco seis siete ocho nueve",
    "punto y coma al final de la línea",
    "uso guion bajo en los nombres de las variables",
    "nodo punto siguiente es nulo",
    "la complejidad es o de n",
    "el once y el doce serán los casos límite",
    "ten twenty thirty forty fifty sixty seventy",
    "I'm on leetcode at the moment",
    "dieciocho quince es la respuesta",
    "el valor es treinta y cuatro",
    "compara a punto valor con b punto valor",
    "mi idea es usar un mapa",
    "mi número favorito es el siete",
]


@pytest.mark.parametrize("mode", list(MODES))
@pytest.mark.parametrize("said", UNCHANGED_SPEECH)
def test_talk_about_code_in_either_language_stays(mode: str, said: str) -> None:
    out = MODES[mode](said)
    expected = MODES[mode](said) if mode != "speech" else said
    assert out == expected and "[" not in out.replace("x = 1  # ", ""), out


@pytest.mark.parametrize(
    "code",
    [
        "ig = entropy(y) - remainder  # information gain\n",
        "name = 'two-sum'  # leetcode\n",
        "line = 'abc'  # line\n",
        "sep = '---'  # matrix\n",
        "x = 'abc'  # github issue 12\n",
        "count = '415' '555'\n",
        "digits = '415' '555' '0100'\n",
        "tg = 0.5\n",
    ],
)
def test_code_without_a_contact_stays(code: str) -> None:
    assert R.code(code, "python").text == code
