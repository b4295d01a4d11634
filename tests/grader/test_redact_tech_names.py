"""A technology's name where a weaker introduction or a sign-off puts a person's name (grader/tech_names.py,
2026-12-05): "it's Chrome again", "it's Redis again" about a tool had been read as a name coming back, replaced and
added to the names redacted everywhere, which cost the grade the candidate's words. A person's name in the same
places is still replaced, the candidate's own whatever it is."""

from __future__ import annotations

import pytest

from api.db.bundle_repo import redaction_terms
from grader.redact import Redactor
from grader.self_named import self_introduced
from grader.tech_names import tech_name

R = Redactor(redaction_terms("Ada Lovelace", "ada.lovelace@example.com"))


@pytest.mark.parametrize(
    "said",
    [
        "it's Chrome again",
        "ugh, it's Firefox again",
        "this is Docker again",
        "it's Kafka, by the way",
        "so it's Postgres btw",
        "ok it's Safari once more",
        "Sorry, it's Webpack again",
        "Cheers, Kubernetes. See you",
        "cheers, jupyter",
        "thanks, Pytest from the data team",
        "Best, Vercel from Acme",
        "Cheers,\nTerraform",
        "this is Grafana from Acme",
        "Slack here, hi",
        "it's Pydantic again",
        "it's Nodejs again",
        "it's Npm again",
    ],
)
def test_a_technology_in_a_name_slot_stays(said: str) -> None:
    assert R.speech(said).text == said
    assert R.output(said).text == said


def test_a_technology_is_not_added_to_the_names_redacted_everywhere() -> None:
    assert self_introduced(["it's Chrome again", "so Chrome crashed"]) == []


@pytest.mark.parametrize(
    ("said", "shown"),
    [
        ("it's Priya again", "it's [candidate] again"),
        ("this is Wei Chen again", "this is [candidate] again"),
        ("it's Jose, by the way", "it's [candidate], by the way"),
        ("Cheers, Benny. See you", "Cheers, [candidate]. See you"),
        ("cheers, travis", "cheers, [candidate]"),
        ("it's Pyotr again", "it's [candidate] again"),
    ],
)
def test_a_persons_name_there_is_still_replaced(said: str, shown: str) -> None:
    assert R.speech(said).text == shown


def test_the_candidates_own_name_is_read_whatever_it_is() -> None:
    redactor = Redactor(redaction_terms("Chrome Rivera", "cr@example.com"))
    assert redactor.speech("it's chrome again").text == "it's [candidate] again"


@pytest.mark.parametrize("word", ["Chrome", "REDIS", "pytest", "Mysql", "Shopify", "Tsx", "Dockers"])
def test_tech_name(word: str) -> None:
    assert tech_name(word)


@pytest.mark.parametrize("word", ["Priya", "Pyotr", "Poppy", "Travis", "Jackson", "Ng", "Jose", "Wei"])
def test_not_a_tech_name(word: str) -> None:
    assert not tech_name(word)
