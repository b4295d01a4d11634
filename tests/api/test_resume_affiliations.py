"""The grader is given the organisations a résumé names, never the résumé (grader/resume_affiliations.py, called by
the API): employers and schools in the résumé's usual forms are read, and a technology, a date or a role is not taken
for one."""

from __future__ import annotations

import psycopg
import pytest
from psycopg.rows import DictRow

from api.db.bundle_repo import load_bundle_input
from grader.bundle import build_bundle
from grader.facts import compute_facts
from grader.redact import Redactor
from grader.resume_affiliations import MAX_AFFILIATIONS, affiliations
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


# Layouts résumés are written in, as their text comes out of a PDF or a form: each with the organisations it names.
LAYOUTS = [
    (  # the employer and its city on one line, the role and dates on the next
        "PRIYA RAMAN\npriya@example.com | Seattle, WA\n\nEXPERIENCE\nInitrode Systems, Austin, TX\n"
        "Senior Software Engineer                         Mar 2021 \u2013 Present\n"
        "\u2022 Built a payments ledger in Go serving 2M requests a day\n"
        "Massive Dynamic \u2014 Chicago, IL\nSoftware Engineer                         Jun 2018 \u2013 Feb 2021\n",
        {"Initrode Systems", "Massive Dynamic"},
    ),
    (  # the role first, then the employer and its place, then the dates
        "Staff Engineer\nVandelay Industries, New York, NY\n2020 - 2023\nBackend Developer\nHooli \u00b7 London, UK\n",
        {"Vandelay Industries", "Hooli"},
    ),
    (  # a table flattened with bars, its header row included
        "Company | Role | Location | Dates\nSoylent Analytics | Senior Data Engineer | Boston, MA | 2019\u20132023\n"
        "Wonka Labs | Data Analyst | Remote | 2016\u20132019\n",
        {"Soylent Analytics", "Wonka Labs"},
    ),
    (  # a table flattened with tabs
        "Employer\tTitle\tDates\nWayne Enterprises\tPlatform Engineer\t2020-2024\nStark Labs\tSoftware Intern\t2019\n",
        {"Wayne Enterprises", "Stark Labs"},
    ),
    (  # schools in capitals
        "EDUCATION\nFOO STATE UNIVERSITY \u2014 B.S. COMPUTER SCIENCE, 2018\nUNIVERSITY OF BARCHESTER\nM.Sc., 2020\n",
        {"Foo State University", "University of Barchester"},
    ),
    (  # a city after the role, the employer on the next line
        "Staff Engineer - Seattle\nCyberdyne Robotics\n2019 - present\nSoftware Engineer - San Francisco, CA\n",
        {"Cyberdyne Robotics"},
    ),
    (  # the owner's name above their headline role, contact details, skills and bullets
        "Jane Doe\nSoftware Engineer\njane@example.com | (555) 010-0100 | Seattle, WA\n\nExperience\n"
        "Machine Learning Engineer\nLed migration of Payments Platform to Kubernetes\nPython, Go, Kafka\n",
        set(),
    ),
]


@pytest.mark.parametrize(
    ("resume", "named"),
    LAYOUTS,
    ids=["city-then-role", "role-then-city", "bars", "tabs", "capitals", "city-after-role", "no-employer"],
)
def test_the_organisations_of_a_resumes_usual_layouts_are_read_and_no_place(
    resume: str, named: set[str]
) -> None:
    found = set(affiliations(resume))
    assert found == named
    for place in ("Seattle", "Austin", "Chicago", "New York", "London", "Boston", "San Francisco", "Remote"):
        assert place not in found


def test_a_school_in_capitals_is_replaced_where_it_is_said() -> None:
    orgs = affiliations(LAYOUTS[4][0])
    said = "I studied at Foo State University, then Foo State ran a lab."
    assert (
        Redactor([], affiliations=orgs).speech(said).text == "I studied at [school], then [school] ran a lab."
    )


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
