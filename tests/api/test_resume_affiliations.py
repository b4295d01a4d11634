"""The grader is given the organisations a résumé names, never the résumé (api/resume_affiliations.py): employers
and schools in the résumé's usual forms are read, and a technology, a date or a role is not taken for one."""

from __future__ import annotations

import psycopg
from psycopg.rows import DictRow

from api.db.bundle_repo import load_bundle_input
from api.resume_affiliations import MAX_AFFILIATIONS, affiliations
from grader.bundle import build_bundle
from grader.facts import compute_facts
from grader.redact import Redactor
from tests.api.conftest import consent_and_start
from tests.conftest import ApiServer

Conn = psycopg.AsyncConnection[DictRow]

RESUME = """Jane Q. Candidate - jane@example.com
Experience
Software Engineer at Initech (2019 \u2013 2022)
Hooli \u2014 Senior Backend Engineer | Jan 2020 - Present
Engineer | Pied Piper | 2018
Intern @ Vandelay Industries
Umbrella Corp, Data Scientist
Software Engineer, San Francisco
Worked at Globex on payments; interned at Amazon.
Education
BSc Computer Science, Foo State University, 2017
Stanford \u2014 MS student
Skills: Python, Django, Kafka, Oracle, Redis; led a team of 4; Dijkstra's algorithm in C
"""


def test_the_employers_and_schools_of_a_resume_are_read() -> None:
    assert set(affiliations(RESUME)) == {
        "Initech", "Hooli", "Pied Piper", "Vandelay Industries", "Umbrella Corp", "Globex", "Amazon",
        "Foo State University", "Stanford",
    }  # fmt: skip


def test_a_technology_a_date_a_place_after_a_comma_or_an_eponym_is_not_one() -> None:
    found = set(affiliations(RESUME))
    for word in (
        "Python",
        "Django",
        "Kafka",
        "Oracle",
        "Redis",
        "Jan",
        "Present",
        "San Francisco",
        "Dijkstra",
    ):
        assert word not in found
    assert affiliations(None) == affiliations("") == []


# As a PDF's text puts them: a heading, an arrangement or a team beside a role, a role beside a role.
MESSY = """SUMMARY
Summary \u2014 Software Engineer with 6 years in payments
Freelance | Backend Developer
Search \u2014 Senior Software Engineer
Payments - Backend Engineer
Python Engineer | Backend Developer
Contractor \u2014 Software Engineer
Lead, Data Scientist
Tech Mahindra \u2014 Software Engineer
"""


def test_a_heading_an_arrangement_a_team_or_a_role_is_not_one() -> None:
    assert affiliations(MESSY) == ["Tech Mahindra"]


def test_a_resumes_team_is_not_replaced_where_the_candidate_says_the_word() -> None:
    said = "Search the left half first. Payments must be idempotent. Summary: O(n) time."
    assert Redactor([], affiliations=affiliations(MESSY)).speech(said).text == said


def test_at_most_so_many_are_handed_over() -> None:
    many = "\n".join(f"Engineer at Company{i:03d}" for i in range(200))
    assert len(affiliations(many)) == MAX_AFFILIATIONS


async def test_the_bundle_carries_the_resumes_organisations_and_no_resume(
    api_server: ApiServer, db: Conn
) -> None:
    s = await api_server.create_session()
    await db.execute("update sessions set resume_text = %s where id = %s", (RESUME, s["id"]))
    await consent_and_start(api_server.client, s)
    said = "At Initech we kept a hash map."
    line = {"idempotency_key": "k1", "type": "transcript", "t": 30.0,
            "payload": {"role": "user", "text": said, "start": 30.0, "end": 34.0}}  # fmt: skip
    r = await api_server.client.post(
        f"/v1/internal/sessions/{s['id']}/events",
        json={"events": [line]},
        headers=api_server.internal_headers(),
    )
    assert r.status_code == 200, r.text

    source = await load_bundle_input(db, s["id"])
    assert source is not None and "Initech" in source.affiliations
    assert "Pied Piper" in source.affiliations and "Globex" in source.affiliations
    assert "payments" not in source.model_dump_json()  # the résumé's own text is not in the grader's input
    text = build_bundle(source, compute_facts(source)).interview
    assert "At [company] we kept a hash map." in text and "Initech" not in text
