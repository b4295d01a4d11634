"""A title right before the candidate's name is recognised by where it stands, not by a list (grader/name_titles.py):
"Lady", "Lord", "Dame", "Master", and any other honorific a list misses, had reached the model beside the hidden name
in what was said and in code, telling it a gender, a rank or a faith."""

from __future__ import annotations

import re
import time

import pytest

from api.db.bundle_repo import redaction_terms
from grader.name_titles import titles_before_name
from grader.redact import Redactor
from grader.redacted import Redacted

R = Redactor(redaction_terms("Ada Lovelace", "ada@example.com"))
TITLES = ["Lady", "Lord", "Dame", "Master", "Countess", "Sheikh", "Rev.", "Mx.", "Fräulein", "Signora", "Mme"]


@pytest.mark.parametrize("title", TITLES)
def test_any_title_before_the_candidates_name_is_neutral_in_speech_code_and_output(title: str) -> None:
    said = R.speech(f"Nice to meet you, {title} Lovelace. Let's start.")
    assert re.fullmatch(r"Nice to meet you, \[(?:title|person)\]\.? \[candidate\]\. Let's start\.", said.text)
    assert title.rstrip(".") not in said.text
    code = R.code(f'print("Welcome, {title} Lovelace")  # by {title} Ada', "python")
    assert title.rstrip(".") not in code.text and code.text.count("[candidate]") == 2
    assert title.rstrip(".") not in R.output(f"Hello {title} Lovelace!").text


def test_a_title_maps_back_to_its_own_words_for_a_verified_quote() -> None:
    said = "Thanks, Master Lovelace, the map works."
    out = R.speech(said)
    assert out.text == "Thanks, [title] [candidate], the map works."
    at = out.text.index("[title]")
    assert said[slice(*out.original_span(at, at + len("[title]")))] == "Master"
    start, end = out.original_span(0, len(out.text))
    assert said[start:end] == said
    assert said[slice(*out.original_span(out.text.index("the map"), len(out.text)))] == "the map works."


@pytest.mark.parametrize(
    "said",
    [
        "Hi Lovelace, thanks. Hello Ada. Dear Ada, welcome.",
        "Lord of the rings uses the Master branch, says Dr Smith.",
        "I asked Lady Smith and Master Yoda.",
        # A letter that is a word, or ends a sentence, before the name is no initial of it.
        "Ask a Lovelace fan about plan b. Lovelace agreed.",
    ],
)
def test_a_words_grammar_before_the_name_and_titles_before_other_names_stay(said: str) -> None:
    out = R.speech(said).text
    assert "[title]" not in out
    assert out.replace("[candidate]", "X") == said.replace("Lovelace", "X").replace("Ada", "X").replace(
        "Lady", "[person]"
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Lady\u200bLovelace", "[title]\u200b[candidate]"),  # an invisible character between hides no title
        ("Master-Lovelace", "[title]-[candidate]"),
        ("Countess of Lovelace", "[title] of [candidate]"),
        ("Her Majesty Lovelace", "[title] [title] [candidate]"),
        (
            "We use Python. Lovelace, go on.",
            "We use Python. [candidate], go on.",
        ),  # a sentence's end is no title
    ],
)
def test_a_title_joined_to_the_name_or_in_a_chain_is_neutral_in_output(text: str, expected: str) -> None:
    assert R.output(text).text == expected


@pytest.mark.parametrize(
    "said",
    [
        "Adiós Ada, gracias.",  # the lists hold "adios": an accent made the goodbye a title
        "Tschüss Ada!",
        "Tschüß Ada!",
        "Für Ada, bitte.",
        "Correct Ada, that is O(n log n).",  # the interviewer's verdict on an answer
        "Wrong Ada, try an empty list.",
        "Exactly Ada, a hash map.",
        "Correcto Ada, es O(n).",
        "Vale Ada, seguimos.",
        "Bueno Ada, ¿qué opinas?",
        "Genau Ada, weiter.",
        "Alors Ada, on continue.",
    ],
)
def test_a_word_of_the_sentence_with_an_accent_or_a_verdict_before_the_name_stays(said: str) -> None:
    word = said.split()[0]
    for out in (R.speech(said), R.output(said), R.code(f"print({said!r})", "python")):
        assert "[title]" not in out.text and word in out.text, out.text


G = Redactor(redaction_terms("Grace Park", "gpark@example.com"))


def _only_the_name_is_replaced(said: str) -> None:
    """`said` reads with the name alone replaced, no title before it, as speech, as output and in a literal."""
    expected = said.replace("Grace", "[candidate]")
    for out, shown in (
        (G.speech(said), expected),
        (G.output(said), expected),
        (G.code(f"print({said!r})", "python"), f"print({expected!r})"),
    ):
        assert out.text == shown


@pytest.mark.parametrize(
    "said",
    [
        "Just Grace.",  # a sentence adverb had read as a title: "[title] [candidate]."
        "Only Grace.",
        "Still Grace?",
        "Again Grace, from the top.",
        "Honestly Grace, that is fine.",  # an adverb by its ending, in each language
        "Amazing Grace!",
        "Exactamente Grace, es O(n).",
        "Vraiment Grace, bravo.",
        "Natürlich Grace, weiter.",
        "Also Grace, weiter.",
        "Brilliant Grace, next one.",
        "Happy Friday Grace.",
        "Guten Tag Grace!",
        "Nice work Grace",
        "Good catch Grace",
        "Sure thing Grace",
        "Take your time Grace",
        "Over to you Grace",
    ],
)
def test_an_adverb_interjection_or_greeting_before_the_name_is_no_title(said: str) -> None:
    _only_the_name_is_replaced(said)


@pytest.mark.parametrize(
    "said",
    [
        "Lady Grace, welcome.",
        "Master Park, your turn.",
        "Dame Grace.",
        "Sheikh Park, go on.",
        "Countess Park.",
    ],
)
def test_a_title_that_opens_a_sentence_is_still_a_title(said: str) -> None:
    title = said.split()[0]
    for out in (G.speech(said), G.output(said), G.code(f"print({said!r})", "python")):
        assert title not in out.text and re.search(r"\[(?:title|person)\] \[candidate\]", out.text), out.text


@pytest.mark.parametrize(
    ("title", "shown"),
    [
        # Decomposed: the mark had cut the word in two, "ora" in lower case.
        ("Sen\u0303ora", "[title] [candidate]"),
        ("Ma\u0301dame", "[title] [candidate]"),
        ("Mi\u00adss", "[title] [candidate]"),  # a soft hyphen inside the title
        ("La\u200bdy", "[title] [candidate]"),
        # An invisible character before the abbreviation's period.
        ("Ms\u200b.", "[title]\u200b. [candidate]"),
    ],
)
def test_a_title_with_marks_or_invisible_characters_inside_is_neutral_in_code_and_output(
    title: str, shown: str
) -> None:
    text = f"{title} Lovelace"
    for out, expected in (
        (R.output(text), shown),
        (R.code(f'greet("{text}")', "python"), f'greet("{shown}")'),
    ):
        assert out.text == expected
        at = out.text.index("[title]")
        start, end = out.original_span(at, at + len("[title]"))
        assert out.original[start:end] == title.removesuffix(".").removesuffix("\u200b")
        assert out.original_span(0, len(out.text)) == (0, len(out.original))


def _names(unit: str, n: int) -> Redacted:
    """`unit` then `[candidate]`, `n` times, as a redaction that placed each `[candidate]`."""
    size = len(unit) + len("[candidate]")
    text = (unit + "[candidate]") * n
    return Redacted(text, text, tuple((i * size + len(unit), (i + 1) * size, 0, 0) for i in range(n)))


@pytest.mark.parametrize(
    "unit", ["Her Royal Highness Lady ", "A\u200bb\u200b" * 10 + " ", "Aa\u0301" * 20 + " "]
)
def test_titles_before_a_text_full_of_names_are_read_in_linear_time(unit: str) -> None:
    """Each name is read back at most `_REACH` characters for each of its titles: a snapshot full of the name costs
    in proportion to its names, never to the text before each one."""
    small, big = _names(unit, 500), _names(unit, 5_000)
    started = time.perf_counter()
    titles_before_name(small)
    first = time.perf_counter() - started
    started = time.perf_counter()
    out = titles_before_name(big)
    second = time.perf_counter() - started
    assert out.text.count("[candidate]") == 5_000
    assert second < max(40 * first, 3.0), (first, second)


@pytest.mark.parametrize(
    "said",
    [
        "In Python Grace used a map.",  # a language mid-sentence had read "In [title] [candidate]"
        "With Dijkstra Grace found the path.",  # an algorithm's eponym
        "Using JavaScript Grace wrote a closure.",  # a product's shape: a capital inside the word
        "On Kubernetes Grace deployed it.",
        "In March Grace joined.",
        "So in Rust Grace would borrow it.",
    ],
)
def test_a_technology_an_eponym_or_a_month_before_the_name_mid_sentence_is_no_title(said: str) -> None:
    expected = said.replace("Grace", "[candidate]")
    assert G.speech(said).text == expected
    assert G.output(said).text == expected


@pytest.mark.parametrize(
    "said",
    [
        "Ready Grace?",
        "Sounds Grace, go ahead.",
        "Over Grace.",
        "Careful Grace, the index.",
        "Done? Ready Grace?",
    ],
)
def test_an_open_class_word_opening_a_sentence_before_the_name_is_no_title(said: str) -> None:
    _only_the_name_is_replaced(said)


@pytest.mark.parametrize(
    ("said", "shown"),
    [
        ("thanks, dr. lovelace", "thanks, [title]. [candidate]"),
        ("ok dr lovelace, go on", "ok [title] [candidate], go on"),
        ("mrs. lovelace, hi", "[title]. [candidate], hi"),
        ("thanks professor lovelace", "thanks [title] [candidate]"),
        ("right, sheikh lovelace", "right, [title] [candidate]"),
        ("we merge to master lovelace", "we merge to master [candidate]"),  # a branch, not a title
        ("the judge lovelace ran", "the judge [candidate] ran"),
    ],
)
def test_a_lower_case_title_before_the_name_is_neutral(said: str, shown: str) -> None:
    assert R.output(said).text == shown
    assert R.code(f"# {said}", "python").text == f"# {shown}"


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("Ada Lovelace, PhD", "[candidate], [title]"),
        ("Ada Lovelace, Ph.D., wrote it", "[candidate], [title]., wrote it"),
        ("Ada Lovelace Jr. said so", "[candidate] [title]. said so"),
        ("Ada Lovelace, Esq.", "[candidate], [title]."),
        ("Ada Lovelace III", "[candidate] [title]"),
        ("Ada Lovelace, PhD, MBA", "[candidate], [title], [title]"),
        ("ADA LOVELACE, PHD", "[candidate], [title]"),
        ("ada lovelace phd", "[candidate] [title]"),
        ("Ada Lovelace MSc.", "[candidate] [title]."),
    ],
)
def test_a_title_after_the_name_is_neutral(text: str, shown: str) -> None:
    for out in (R.speech(text), R.output(text)):
        assert out.text == shown
        at = out.text.index("[title]")
        assert text[slice(*out.original_span(at, at + len("[title]")))].replace(".", "").upper() in {
            "PHD", "JR", "ESQ", "III", "MSC",
        }  # fmt: skip
    assert R.code(f"# by {text}", "python").text == f"# by {shown}"


@pytest.mark.parametrize(
    "said",
    [
        "Lovelace, MS Word is open.",  # a degree only where its clause ends
        "Thanks Lovelace, OK?",
        "Lovelace, DP works here.",
        "Lovelace do you see it?",
        "Lovelace, ma'am",
        "Lovelace is in the Jr varsity",
    ],
)
def test_an_acronym_or_a_word_after_the_name_is_no_title(said: str) -> None:
    assert "[title]" not in R.output(said).text
