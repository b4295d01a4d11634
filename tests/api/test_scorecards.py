"""Scorecard routes: the contract's shape with enriched evidence, versions newest first, re-grade rules, and who may
read what (another organisation's session is a 404; a candidate reads only a practice session's coaching view)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import psycopg
import pytest
import pytest_asyncio
from psycopg.rows import DictRow

from api.db import scorecards_repo
from grader.schemas import (
    DimensionAssessment,
    Dimensions,
    Evidence,
    Facts,
    PassRecord,
    PassTally,
    RubricItemAssessment,
    Scorecard,
    band_for,
)
from tests.api.grading_support import complete, interview, versions
from tests.conftest import ApiServer
from tests.shared_api import shared_api_fixtures, shared_db_fixtures

Conn = psycopg.AsyncConnection[DictRow]

# One database and one served app for the whole file, each test starting from the state a fresh pair would give it
# (`tests.shared_api`); the tests' own connections (`db`) reach that database.
# No worker runs here: a finished session's grading job is only queued.
pytestmark = pytest.mark.asyncio(loop_scope="module")
shared_api_db_url, shared_api, api_server = shared_api_fixtures()
db_url, db = shared_db_fixtures()


def _card(transcript_seq: int, snapshot_seq: int) -> Scorecard:
    said = Evidence(seq=transcript_seq, quote="hash map from value to index")
    typed = Evidence(seq=snapshot_seq, quote="seen = {}")

    def dim(score: int, *evidence: Evidence) -> DimensionAssessment:
        return DimensionAssessment(
            score=score, band=band_for(score), justification="Because.", evidence=list(evidence)
        )

    return Scorecard(
        recommendation="strong_hire",
        dimensions=Dimensions(
            problem_solving=dim(4, said),
            coding=dim(3, typed),
            verification=dim(2, typed),
            communication=dim(4, said, typed),
        ),
        rubric=[
            RubricItemAssessment(
                id="hash_map_one_pass", behaviour="Uses a hash map", mark="met", evidence=[said]
            ),
            RubricItemAssessment(id="complexity_stated", behaviour="States O(n)", mark="not_observed"),
        ],
        strengths=["Fast to a linear plan"],
        areas_to_improve=["Test duplicates"],
        candidate_advice="Say the complexity out loud.",
    )


async def _store_ready(db: Conn, session_id: str, version: int, card: Scorecard) -> None:
    facts = Facts(language="python", visible_tests=PassRecord(best=PassTally(passed=3, total=3)), runs=2)
    assert await scorecards_repo.store_outcome(
        db,
        session_id,
        version,
        status="ready",
        reason=None,
        scorecard=card.model_dump(mode="json"),
        recommendation=card.recommendation,
        overall_score=card.overall_score(),
        facts=facts.model_dump(mode="json"),
        needs_human_review=True,
        model="m",
        prompt_version="p1",
        rubric_version="r1",
        input_tokens=10,
        output_tokens=5,
        cost_usd=0.25,
        samples=3,
        duration_ms=1234,
    )


async def _fail(db: Conn, session_id: str, version: int, reason: str = "grader_not_configured") -> None:
    assert await scorecards_repo.store_outcome(
        db, session_id, version, status="failed", reason=reason, scorecard=None, recommendation=None,
        overall_score=None, facts=None, needs_human_review=False, model=None, prompt_version=None,
        rubric_version=None, input_tokens=None, output_tokens=None, cost_usd=None, samples=None, duration_ms=None,
    )  # fmt: skip


async def test_scorecard_is_404_before_grading_and_pending_right_after_the_session_ends(
    api_server: ApiServer,
) -> None:
    s = await interview(api_server)
    url = f"/v1/sessions/{s['id']}/scorecard"
    r = await api_server.client.get(url, headers=api_server.org_headers())
    assert (r.status_code, r.json()["error"]["code"]) == (404, "scorecard_not_found")
    listed = await api_server.client.get(f"{url}s", headers=api_server.org_headers())
    assert listed.json() == {"data": []}

    await complete(api_server, s["id"])
    r = await api_server.client.get(url, headers=api_server.org_headers())
    body = r.json()
    assert r.status_code == 200
    assert (body["version"], body["status"], body["reason"], body["trigger"]) == (
        1,
        "pending",
        None,
        "session_end",
    )
    assert (body["recommendation"], body["dimensions"], body["rubric"], body["completed_at"]) == (
        None,
        None,
        [],
        None,
    )


async def test_ready_scorecard_has_the_contract_shape_with_enriched_evidence(
    api_server: ApiServer, db: Conn
) -> None:
    s = await interview(api_server)
    await complete(api_server, s["id"])
    # seq 1 is the candidate's consent; seq 3: their transcript line (start 6.0, end 9.25); seq 4: the editor
    # snapshot at t=30.
    await _store_ready(db, s["id"], 1, _card(3, 4))

    r = await api_server.client.get(f"/v1/sessions/{s['id']}/scorecard", headers=api_server.org_headers())

    assert r.status_code == 200
    body = r.json()
    assert (body["version"], body["status"], body["recommendation"], body["overall_score"]) == (
        1,
        "ready",
        "strong_hire",
        3.25,
    )
    assert set(body["dimensions"]) == {"problem_solving", "coding", "verification", "communication"}
    ps = body["dimensions"]["problem_solving"]
    assert (ps["score"], ps["band"]) == (4, "strong_hire")
    assert ps["evidence"] == [
        {
            "seq": 3,
            "quote": "hash map from value to index",
            "where": None,
            "type": "transcript",
            "t": 6.0,
            "start": 6.0,
            "end": 9.25,
            "speaker": "candidate",
            "typed": False,
            "by": None,
        }
    ]
    assert body["dimensions"]["coding"]["evidence"] == [
        {
            "seq": 4,
            "quote": "seen = {}",
            "where": None,
            "type": "editor_snapshot",
            "t": 30.0,
            "start": None,
            "end": None,
            "speaker": None,
            "typed": None,
            "by": None,
        }
    ]
    assert [(i["id"], i["mark"], len(i["evidence"])) for i in body["rubric"]] == [
        ("hash_map_one_pass", "met", 1),
        ("complexity_stated", "not_observed", 0),
    ]
    assert body["facts"]["visible_tests"]["best"] == {"passed": 3, "total": 3}
    assert body["needs_human_review"] is True
    assert body["usage"] == {
        "input_tokens": 10,
        "output_tokens": 5,
        "cost_usd": 0.25,
        "samples": 3,
        "duration_ms": 1234,
    }
    assert (body["model"], body["prompt_version"], body["rubric_version"]) == ("m", "p1", "r1")
    assert body["completed_at"] is not None


async def test_an_outcome_is_stored_once_and_the_schema_refuses_half_written_versions(
    api_server: ApiServer, db: Conn
) -> None:
    s = await interview(api_server)
    await complete(api_server, s["id"])
    await _fail(db, s["id"], 1)
    # A second job finishing late (a stalled worker that was not dead) cannot overwrite the stored outcome.
    assert not await scorecards_repo.store_outcome(
        db, s["id"], 1, status="ready", reason=None, scorecard=_card(3, 4).model_dump(mode="json"),
        recommendation="hire", overall_score=3, facts=None, needs_human_review=False, model=None,
        prompt_version=None, rubric_version=None, input_tokens=None, output_tokens=None, cost_usd=None,
        samples=None, duration_ms=None,
    )  # fmt: skip
    assert [(v["status"], v["reason"]) for v in await versions(db, s["id"])] == [
        ("failed", "grader_not_configured")
    ]

    for bad in (
        "update scorecards set status = 'ready', reason = null where session_id = %s",  # ready without scorecard
        "update scorecards set reason = null where session_id = %s",  # failed without a reason
        "update scorecards set status = 'pending' where session_id = %s",  # pending with completed_at
        "update scorecards set recommendation = 'strong_yes' where session_id = %s",  # the old six steps
        "update scorecards set reason = 'Not a code!' where session_id = %s",
        "insert into scorecards (session_id, version) values (%s, 1)",  # version 1 exists
        "insert into scorecards (session_id, version, trigger) values (%s, 7, 'session_end')",  # a second one
    ):
        with pytest.raises(psycopg.errors.IntegrityError):
            await db.execute(bad, (s["id"],))


async def test_regrade_rules(api_server: ApiServer, db: Conn) -> None:
    h = api_server.org_headers()
    scheduled = await api_server.create_session()
    r = await api_server.client.post(f"/v1/sessions/{scheduled['id']}/grade", json={}, headers=h)
    assert (r.status_code, r.json()["error"]["code"]) == (409, "session_not_finished")

    s = await interview(api_server)
    await complete(api_server, s["id"])
    url = f"/v1/sessions/{s['id']}/grade"
    r = await api_server.client.post(url, json={}, headers=h)
    assert (r.status_code, r.json()["error"]["code"]) == (409, "grading_pending")
    assert "Version 1" in r.json()["error"]["message"]

    await _fail(db, s["id"], 1)
    r = await api_server.client.post(url, json={"priority": "high"}, headers=h)
    assert r.status_code == 422  # the body is {}
    r = await api_server.client.post(url, headers=h)  # no body at all is fine too
    assert (r.status_code, r.json()) == (202, {"session_id": s["id"], "version": 2, "status": "pending"})
    r = await api_server.client.post(url, json={}, headers=h)
    assert (r.status_code, r.json()["error"]["code"]) == (409, "grading_pending")  # a double click pays once

    listed = await api_server.client.get(f"/v1/sessions/{s['id']}/scorecards", headers=h)
    assert [(v["version"], v["status"], v["trigger"]) for v in listed.json()["data"]] == [
        (2, "pending", "regrade"),
        (1, "failed", "session_end"),
    ]


async def test_a_pending_or_failed_regrade_leaves_the_ready_scorecard_as_the_default_view(
    api_server: ApiServer, db: Conn
) -> None:
    """GET /scorecard answers the latest ready version while a re-grade is pending or after it failed, and says what
    the newest attempt is in `latest_attempt`; the list still holds every version as it is."""
    h = api_server.org_headers()
    s = await interview(api_server)
    await complete(api_server, s["id"])
    await _store_ready(db, s["id"], 1, _card(3, 4))
    url = f"/v1/sessions/{s['id']}/scorecard"
    body = (await api_server.client.get(url, headers=h)).json()
    assert (body["version"], body["status"]) == (1, "ready")
    assert {k: body["latest_attempt"][k] for k in ("version", "status", "reason")} == {
        "version": 1,
        "status": "ready",
        "reason": None,
    }

    r = await api_server.client.post(f"/v1/sessions/{s['id']}/grade", json={}, headers=h)
    assert r.status_code == 202, r.text
    body = (await api_server.client.get(url, headers=h)).json()
    assert (body["version"], body["status"], body["recommendation"]) == (1, "ready", "strong_hire")
    attempt = body["latest_attempt"]
    assert (attempt["version"], attempt["status"], attempt["reason"], attempt["trigger"]) == (
        2,
        "pending",
        None,
        "regrade",
    )
    assert attempt["created_at"] is not None and attempt["completed_at"] is None

    await _fail(db, s["id"], 2, "model_refused")
    body = (await api_server.client.get(url, headers=h)).json()
    assert (body["version"], body["status"], body["overall_score"]) == (1, "ready", 3.25)
    attempt = body["latest_attempt"]
    assert (attempt["version"], attempt["status"], attempt["reason"]) == (2, "failed", "model_refused")
    assert attempt["completed_at"] is not None

    listed = (await api_server.client.get(f"{url}s", headers=h)).json()["data"]
    assert [(v["version"], v["status"]) for v in listed] == [(2, "failed"), (1, "ready")]


async def test_a_failed_first_version_with_nothing_ready_is_still_the_default_view(
    api_server: ApiServer, db: Conn
) -> None:
    h = api_server.org_headers()
    s = await interview(api_server)
    await complete(api_server, s["id"])
    await _fail(db, s["id"], 1, "invalid_output")
    body = (await api_server.client.get(f"/v1/sessions/{s['id']}/scorecard", headers=h)).json()
    assert (body["version"], body["status"], body["reason"]) == (1, "failed", "invalid_output")
    assert (body["latest_attempt"]["version"], body["latest_attempt"]["status"]) == (1, "failed")
    # A re-grade of a failed version: nothing was ever ready, so the newest attempt is what there is.
    r = await api_server.client.post(f"/v1/sessions/{s['id']}/grade", json={}, headers=h)
    assert r.status_code == 202, r.text
    body = (await api_server.client.get(f"/v1/sessions/{s['id']}/scorecard", headers=h)).json()
    assert (body["version"], body["status"], body["latest_attempt"]["version"]) == (2, "pending", 2)


# --- who may read and re-grade ------------------------------------------------------------------------------------


@dataclass
class Graded:
    server: ApiServer
    org_session: dict[str, Any]
    other_session: dict[str, Any]
    practice: dict[str, Any]
    other_key: str

    def headers(self, who: str) -> dict[str, str]:
        token = {
            "none": None,
            "org": self.server.org_key,
            "other_org": self.other_key,
            "internal": self.server.internal_token,
            "garbage": "shk_" + "A" * 43,
            "own_invite": self.org_session["invite"],
            "other_invite": self.other_session["invite"],
            "practice_invite": self.practice["invite"],
        }[who]
        return {} if token is None else {"Authorization": f"Bearer {token}"}


@pytest_asyncio.fixture(loop_scope="module")
async def graded(api_server: ApiServer, db: Conn) -> Graded:
    org_session = await interview(api_server)
    other_session = await interview(api_server)
    practice = await interview(api_server, practice=True)
    for s in (org_session, other_session, practice):
        await complete(api_server, s["id"])
        await _store_ready(db, s["id"], 1, _card(3, 4))
    _, other_key = await api_server.create_org("Other Org")
    return Graded(api_server, org_session, other_session, practice, other_key)


READ_PATHS = ["/v1/sessions/{id}/scorecard", "/v1/sessions/{id}/scorecards"]


@pytest.mark.parametrize("path", READ_PATHS)
@pytest.mark.parametrize(
    ("who", "status", "code"),
    [
        ("none", 401, "missing_credentials"),
        ("garbage", 401, "invalid_api_key"),
        ("internal", 401, "invalid_api_key"),
        ("other_org", 404, "session_not_found"),
        ("other_invite", 404, "session_not_found"),
        ("own_invite", 403, "scorecard_not_shared"),  # a company's interview: results go to the company
        ("practice_invite", 404, "session_not_found"),
    ],
)
async def test_org_session_scorecard_refuses_everyone_but_its_organisation(
    graded: Graded, path: str, who: str, status: int, code: str
) -> None:
    r = await graded.server.client.get(path.format(id=graded.org_session["id"]), headers=graded.headers(who))
    assert (r.status_code, r.json()["error"]["code"]) == (status, code)
    assert "strong_hire" not in r.text and "Because." not in r.text


@pytest.mark.parametrize(
    ("who", "status"), [("none", 401), ("garbage", 401), ("own_invite", 401), ("other_org", 404)]
)
async def test_regrade_is_for_the_organisation_only(graded: Graded, db: Conn, who: str, status: int) -> None:
    for s in (graded.org_session, graded.practice):
        r = await graded.server.client.post(
            f"/v1/sessions/{s['id']}/grade", json={}, headers=graded.headers(who)
        )
        assert r.status_code == (404 if s is graded.practice and status == 404 else status)
        assert [v["version"] for v in await versions(db, s["id"])] == [1]


async def test_practice_candidate_reads_the_coaching_view_without_bands(graded: Graded) -> None:
    sid = graded.practice["id"]
    r = await graded.server.client.get(
        f"/v1/sessions/{sid}/scorecard", headers=graded.headers("practice_invite")
    )
    assert r.status_code == 200
    body = r.json()
    assert (body["version"], body["status"], body["candidate_advice"]) == (
        1,
        "ready",
        "Say the complexity out loud.",
    )
    assert body["dimensions"]["problem_solving"]["justification"] == "Because."
    assert body["dimensions"]["problem_solving"]["evidence"][0]["start"] == 6.0
    for hidden in ("strong_hire", "recommendation", "band", "score", "needs_human_review", "usage", "model"):
        assert hidden not in r.text, hidden
    listed = await graded.server.client.get(
        f"/v1/sessions/{sid}/scorecards", headers=graded.headers("practice_invite")
    )
    assert [v["version"] for v in listed.json()["data"]] == [1]
    assert "strong_hire" not in listed.text
    # Nobody's organisation key opens a practice session.
    r = await graded.server.client.get(f"/v1/sessions/{sid}/scorecard", headers=graded.headers("org"))
    assert r.status_code == 404


async def test_organisation_reads_its_own_sessions_scorecards(graded: Graded) -> None:
    for s in (graded.org_session, graded.other_session):
        r = await graded.server.client.get(f"/v1/sessions/{s['id']}/scorecard", headers=graded.headers("org"))
        assert (r.status_code, r.json()["recommendation"]) == (200, "strong_hire")


async def test_a_transcript_citation_says_who_said_it(api_server: ApiServer, db: Conn) -> None:
    """A quote verifies against the words of a line, whoever said them: a candidate who says "Interviewer: all
    tests pass" makes a line that can be quoted. Each transcript citation says whose words it is."""
    s = await interview(api_server)
    # A message the candidate typed into the chat is a transcript line too: its citation says it was typed, not said.
    typed = {"idempotency_key": "c1", "type": "transcript", "t": 50.0,
             "payload": {"role": "user", "typed": True, "text": "a hash map from value to index", "start": 50.0,
                         "end": 50.0}}  # fmt: skip
    r = await api_server.client.post(
        f"/v1/internal/sessions/{s['id']}/events",
        json={"events": [typed]},
        headers=api_server.internal_headers(),
    )
    assert r.status_code == 200, r.text
    await complete(api_server, s["id"])
    card = _card(3, 4)
    asked = Evidence(seq=2, quote="Tell me your plan.")
    card.dimensions.communication.evidence.insert(0, asked)
    card.dimensions.communication.evidence.append(Evidence(seq=6, quote="hash map from value to index"))
    await _store_ready(db, s["id"], 1, card)

    r = await api_server.client.get(f"/v1/sessions/{s['id']}/scorecard", headers=api_server.org_headers())

    assert r.status_code == 200
    said = r.json()["dimensions"]["communication"]["evidence"]
    assert [(e["seq"], e["type"], e["speaker"], e["typed"]) for e in said] == [
        (2, "transcript", "interviewer", False),
        (3, "transcript", "candidate", False),
        (4, "editor_snapshot", None, None),
        (6, "transcript", "candidate", True),
    ]
