"""Names and one-line fields drop every invisible character (api.schemas.one_line): format characters (Unicode
category Cf, with every bidirectional control among them) and default-ignorable ones, decided by what Unicode says
of each, not by a list. A left-to-right or right-to-left mark, or an isolate, used to stay in a candidate's name, a
role or an organisation's name, and could reorder what a recruiter reads in the report and the e-mails ("Trojan
Source"). Joiners and selectors stay where a script or an emoji needs them, not between Latin letters; every letter,
mark and digit of every script stays. Inputs are generated over the whole of each class."""

from __future__ import annotations

import re
import sys
import unicodedata
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest
from pydantic import BaseModel

from api.integrations.ashby import AshbyCandidate
from api.integrations.greenhouse import GreenhouseCandidate
from api.integrations.invites import invite_message
from api.routers.api_keys import ApiKeyCreate
from api.routers.organizations import OrganizationUpdate
from api.schemas import CandidateIn, PracticeCreate, SessionCreate, SessionUpdate, invisible, one_line
from api.settings import ApiSettings
from grader.invisible import IGNORABLE, JOINERS

ALL = [chr(c) for c in range(sys.maxunicode + 1) if not 0xD800 <= c <= 0xDFFF]
FORMAT = [c for c in ALL if unicodedata.category(c) == "Cf"]
IGNORABLES = [c for c in ALL if re.match(f"[{IGNORABLE}]", c)]
# Unicode's Bidi_Control property (PropList.txt): the marks ALM, LRM and RLM have the bidi class of a letter, the
# embeddings, overrides and isolates one of their own.
BIDI_CLASSES = {"LRE", "RLE", "PDF", "LRO", "RLO", "LRI", "RLI", "FSI", "PDI"}
BIDI_CONTROLS = [c for c in ALL if unicodedata.bidirectional(c) in BIDI_CLASSES] + [
    "\u061c",
    "\u200e",
    "\u200f",
]
INVISIBLE = sorted(set(FORMAT) | set(IGNORABLES))
VIRAMAS = [c for c in ALL if unicodedata.combining(c) == 9]


def test_the_classes_are_what_unicode_says() -> None:
    assert len(BIDI_CONTROLS) == 12 and all(unicodedata.category(c) == "Cf" for c in BIDI_CONTROLS)
    assert len(FORMAT) > 150 and len(IGNORABLES) > 4000 and len(VIRAMAS) > 50
    assert all(invisible(c) for c in INVISIBLE)


def test_every_invisible_character_is_dropped_wherever_it_stands() -> None:
    for c in INVISIBLE:
        # Leading, doubled inside a word, beside an override, after a space, at the end: never one of Unicode's uses.
        hostile = f"{c}Ada{c}{c} Love{c}\u202e{c}lace {c}"
        assert one_line(hostile) == "Ada Lovelace", f"U+{ord(c):04X}"


def test_a_lone_invisible_character_inside_a_latin_word_is_dropped() -> None:
    # A joiner joins nothing in Latin letters, and no selector picks a glyph of one (grader/invisible.py `kept`): each
    # alone after a letter is a few bits of hidden text.
    for c in INVISIBLE:
        assert one_line(f"Ada{c}Lovelace") == "AdaLovelace", f"U+{ord(c):04X}"


def test_every_bidirectional_control_is_dropped_even_alone_between_letters() -> None:
    for c in BIDI_CONTROLS:
        assert one_line(f"\u05d3\u05e0\u05d4{c}Ada") == "\u05d3\u05e0\u05d4Ada", f"U+{ord(c):04X}"
        assert one_line(f"Ada {c}eriH gnortS{c}") == "Ada eriH gnortS"


def test_every_letter_mark_and_digit_of_every_script_stays() -> None:
    # Names in any script keep every character that shows (a name is never mangled to defend another's).
    shown = [c for c in ALL if unicodedata.category(c)[0] in "LMN" and not invisible(c)]
    assert len(shown) > 100_000
    for i in range(0, len(shown), 64):
        word = "".join(shown[i : i + 64])
        assert one_line(word) == word, f"from U+{ord(shown[i]):04X}"


@pytest.mark.parametrize(
    "name",
    [
        "\u0639\u0644\u06cc\u200c\u0632\u0627\u062f\u0647",  # Persian: Alizadeh, a non-joiner inside the word
        "\u0645\u062d\u0645\u062f\u200c\u0631\u0636\u0627 \u0635\u0627\u0644\u062d\u200c\u067e\u0648\u0631",
        "\u0dc1\u0dca\u200d\u0dbb\u0dd3 \u0dbd\u0d82\u0d9a\u0dcf",  # Sinhala: Sri, a joiner after the virama
        "\u0d15\u0d4d\u200d",  # Malayalam: a chillu written with a joiner, at the end of a word
        "\u0915\u094d\u200d \u0930\u093e\u092e",  # Devanagari: a half form
        "\u0915\u094d\u200c\u0937",  # Devanagari: a non-joiner after the virama
        "Ada \U0001f469\u200d\U0001f4bb",  # an emoji sequence
        "Ada \u2764\ufe0f\u200d\U0001f525",  # a selector, then a joiner
        "\U0001f3f4\U000e0067\U000e0062\U000e0073\U000e0063\U000e0074\U000e007f Ada",  # Scotland's flag
        "\u845b\U000e0100\u57ce",  # an ideographic variation sequence
    ],
)
def test_joiners_and_selectors_stay_where_a_script_or_an_emoji_needs_them(name: str) -> None:
    assert one_line(name) == name
    assert CandidateIn(name=name, email="a@example.com").name == name


def test_a_joiner_right_after_any_virama_stays() -> None:
    for virama in VIRAMAS:
        for joiner in JOINERS:
            assert one_line(f"\u0915{virama}{joiner}") == f"\u0915{virama}{joiner}", f"U+{ord(virama):04X}"
            assert one_line(f"\u0915{virama}{joiner}{joiner}") == f"\u0915{virama}"  # a run: nothing needs it


HOSTILE = "Ada \u202eeriH\u202c \u2066gnortS\u2069 \u200fLove\u200e\u061clace\U000e0041\U000e0042 \u200d"
CLEAN = "Ada eriH gnortS Lovelace"


def _fields() -> list[tuple[str, Callable[[str], Any]]]:
    def model(cls: type[BaseModel], field: str, **rest: Any) -> Callable[[str], Any]:
        return lambda v: getattr(cls(**{field: v, **rest}), field)

    return [
        ("candidate name", model(CandidateIn, "name", email="a@example.com")),
        ("role", model(SessionCreate, "role", candidate={"name": "A", "email": "a@example.com"})),
        ("role, changed", model(SessionUpdate, "role")),
        ("practice name", model(PracticeCreate, "name")),
        ("organisation name", model(OrganizationUpdate, "name")),
        ("API key name", model(ApiKeyCreate, "name")),
        ("Greenhouse first name", model(GreenhouseCandidate, "first_name", email="a@example.com")),
        (
            "Greenhouse last name",
            model(GreenhouseCandidate, "last_name", first_name="A", email="a@example.com"),
        ),
        (
            "Greenhouse preferred name",
            model(GreenhouseCandidate, "preferred_name", first_name="A", email="a@example.com"),
        ),
        ("Ashby first name", model(AshbyCandidate, "first_name", ashby_id="c1", email="a@example.com")),
        (
            "Ashby last name",
            model(AshbyCandidate, "last_name", ashby_id="c1", first_name="A", email="a@example.com"),
        ),
    ]


@pytest.mark.parametrize(("field", "read"), _fields(), ids=[f for f, _ in _fields()])
def test_every_stored_name_and_one_line_field_drops_them(field: str, read: Callable[[str], Any]) -> None:
    assert read(HOSTILE) == CLEAN


def test_an_invite_drops_them_from_a_name_stored_before_the_rule() -> None:
    message = invite_message(
        ApiSettings(smtp_from="Shadows <interviews@example.com>"),
        to_name=HOSTILE,
        to_email="ada@example.com",
        organization="Acme \u2067Hiring\u2069\u200f",
        join_url="http://127.0.0.1/join#invite=inv_x",
        assessment={
            "session_id": "ses_1",
            "invite_expires_at": datetime(2026, 12, 1, tzinfo=UTC),
            "duration_minutes": 45,
        },
    )
    assert message["Subject"] == "Your technical interview with Acme Hiring"
    assert message["To"].addresses[0].display_name == CLEAN
