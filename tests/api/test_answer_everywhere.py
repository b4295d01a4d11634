"""One answer (grader/answer.py) wherever an ended interview's code is stated: the session's JSON, the report (its
final code and its header's language), the grader's facts (language, final hidden results) and the "Final code" the
grading model reads. The model read the last editor snapshot as the final code: a candidate whose Submit locked a
python answer and who then switched the editor to java (or typed on) was graded on code that was not the answer;
and a session that ended with no code handed in kept the scheduled language in its JSON while the report printed
the editor's java."""

from __future__ import annotations

import re
from typing import Any

import psycopg
import pytest
from psycopg.rows import DictRow
from psycopg.types.json import Jsonb

from api.db import bundle_repo, events_repo
from grader.bundle import build_bundle
from grader.facts import compute_facts
from tests.conftest import ApiServer

pytestmark = pytest.mark.usefixtures("web_dist")

Conn = psycopg.AsyncConnection[DictRow]
ANSWER = "def two_sum(nums, target):\n    return [0, 1]  # answer-5f1c\n"
EDITED = "def two_sum(nums, target):\n    return [1, 0]  # edited-2b9e: typed after the Submit\n"
JAVA = "class Solution {\n  // java-7c1e\n  int[] twoSum(int[] n, int t) { return new int[] {0, 1}; }\n}\n"
JAVA_LATER = JAVA.replace("java-7c1e", "java-later-3a8d: typed after the last snapshot")
HEADER_META = re.compile(r'<p class="meta">(.*?)</p>', re.DOTALL)
MARKS = ("answer-5f1c", "edited-2b9e", "java-7c1e", "java-later-3a8d")


async def _session(server: ApiServer, db: Conn) -> tuple[str, Any]:
    cur = await db.execute("select id from questions where slug = 'two-sum'")
    qid = (await cur.fetchone())["id"]  # type: ignore[index]  # the bank is loaded
    session = await server.create_session(
        question_id=str(qid), language="python", languages=["python", "java"]
    )
    sid = str(session["id"])
    r = await server.agent_start(session)
    assert r.status_code == 200, r.text
    return sid, qid


def _snapshot(key: str, language: str, code: str, t: float) -> events_repo.EventIn:
    return events_repo.EventIn(key, "editor_snapshot", {"language": language, "code": code}, t)


async def _submit(db: Conn, sid: str, qid: Any) -> events_repo.EventIn:
    """The candidate's Submit of ANSWER (python), judged: 1/1 visible, 0/1 hidden. The organisation does not allow
    resubmission: it locks the answer."""
    tests = [
        {"id": "example_0", "verdict": "accepted", "hidden": False, "time_ms": 1},
        {"id": "hidden_0", "verdict": "wrong_answer", "hidden": True, "time_ms": 1},
    ]
    result = {
        "verdict": "wrong_answer",
        "passed": 1,
        "total": 2,
        "mode": "submit",
        "timings": {},
        "tests": tests,
    }
    cur = await db.execute(
        """
        insert into submissions (question_id, session_id, language, code, result_json, kind, verdict)
        values (%s, %s, 'python', %s, %s, 'submit', 'wrong_answer') returning id
        """,
        (qid, sid, ANSWER, Jsonb(result)),
    )
    sub = await cur.fetchone()
    assert sub is not None
    payload = {"submission_id": str(sub["id"]), "by": "candidate", "mode": "submit", "language": "python",
               "verdict": "wrong_answer", "passed": 1, "total": 2, "tests": tests, "timings": {}}  # fmt: skip
    return events_repo.EventIn(f"api:submit:{sub['id']}", "submission", payload, 90.0)


async def _end(
    server: ApiServer, db: Conn, sid: str, events: list[events_repo.EventIn], **ending: Any
) -> None:
    assert await events_repo.append_events(db, sid, events) is not None
    r = await server.client.post(
        f"/v1/internal/sessions/{sid}/complete", json=ending, headers=server.internal_headers()
    )
    assert r.status_code == 200, r.text


async def _everywhere(server: ApiServer, db: Conn, sid: str) -> dict[str, Any]:
    """The answer as each reader states it: (language, the code's marks)."""

    def marks(text: str) -> list[str]:
        return [m for m in MARKS if m in text]

    headers = server.org_headers()
    read = (await server.client.get(f"/v1/sessions/{sid}", headers=headers)).json()
    page = (await server.client.get(f"/v1/sessions/{sid}/report", headers=headers)).text
    meta = HEADER_META.search(page)
    assert meta is not None
    bundle_input = await bundle_repo.load_bundle_input(db, sid)
    assert bundle_input is not None
    facts = compute_facts(bundle_input)
    interview = build_bundle(bundle_input, facts).interview
    final = (
        interview.split("## Final code")[1].split("## Integrity")[0] if "## Final code" in interview else ""
    )
    head = final.split("\n", 1)[0]
    printed = page.split("<h3>Final code</h3>", 1)[1].lstrip()
    final_code = printed.split("</pre>", 1)[0] if printed.startswith("<pre") else ""
    return {
        "session": (read["language"], marks(read["final_code"] or "")),
        "report": (re.findall(r"<span>(\w+)</span>", meta.group(1))[-1], marks(final_code)),
        "facts": facts.language,
        "model": (head, marks(final.split("(The editor's code changed", 1)[0])),
        "hidden": None if facts.hidden_tests.final is None else facts.hidden_tests.final.model_dump(),
    }


async def test_a_locked_python_answer_then_the_editor_switched_to_java(
    api_server: ApiServer, db: Conn
) -> None:
    sid, qid = await _session(api_server, db)
    events = [_snapshot("snap:py", "python", ANSWER, 60.0), await _submit(db, sid, qid),
              _snapshot("snap:java", "java", JAVA, 120.0)]  # fmt: skip
    await _end(api_server, db, sid, events, final_code=JAVA_LATER, language="java")
    stated = await _everywhere(api_server, db, sid)
    assert stated["session"] == ("python", ["answer-5f1c"]), stated
    assert stated["report"] == ("python", ["answer-5f1c"]), stated
    assert stated["facts"] == "python", stated
    assert stated["model"][1] == ["answer-5f1c"] and "(python)" in stated["model"][0], (
        stated
    )  # java-7c1e before
    assert stated["hidden"] == {"passed": 0, "total": 1}, stated  # the verdict of the code the model reads


async def test_a_locked_answer_then_typing_on_in_the_same_language(api_server: ApiServer, db: Conn) -> None:
    sid, qid = await _session(api_server, db)
    events = [_snapshot("snap:py", "python", ANSWER, 60.0), await _submit(db, sid, qid),
              _snapshot("snap:edit", "python", EDITED, 120.0)]  # fmt: skip
    await _end(api_server, db, sid, events, final_code=EDITED, language="python")
    stated = await _everywhere(api_server, db, sid)
    assert stated["session"] == ("python", ["answer-5f1c"]), stated
    assert stated["report"] == ("python", ["answer-5f1c"]), stated
    assert stated["model"][1] == ["answer-5f1c"], stated  # edited-2b9e before


async def test_never_submitted_switched_to_java_and_ended(api_server: ApiServer, db: Conn) -> None:
    sid, _ = await _session(api_server, db)
    events = [_snapshot("snap:py", "python", ANSWER, 60.0), _snapshot("snap:java", "java", JAVA, 120.0)]
    await _end(api_server, db, sid, events, final_code=JAVA_LATER, language="java")
    stated = await _everywhere(api_server, db, sid)
    assert stated["session"] == ("java", ["java-later-3a8d"]), stated
    assert stated["report"] == ("java", ["java-later-3a8d"]), stated
    assert stated["facts"] == "java", stated
    # Typed after the last snapshot: the model reads the code the session ended with, not snapshot java-7c1e.
    assert stated["model"] == (" (not recorded as a snapshot; it cannot be cited)", ["java-later-3a8d"]), (
        stated
    )


async def test_ended_with_no_code_handed_in_after_a_switch(api_server: ApiServer, db: Conn) -> None:
    sid, _ = await _session(api_server, db)
    events = [_snapshot("snap:py", "python", ANSWER, 60.0), _snapshot("snap:java", "java", JAVA, 120.0)]
    await _end(api_server, db, sid, events)
    stated = await _everywhere(api_server, db, sid)
    # The editor's java is the answer the report prints: the session states it too (python, with no code, before).
    assert stated["session"] == ("java", ["java-7c1e"]), stated
    assert stated["report"] == ("java", ["java-7c1e"]), stated
    assert stated["facts"] == "java" and stated["model"][1] == ["java-7c1e"], stated


async def test_ended_with_no_code_at_all(api_server: ApiServer, db: Conn) -> None:
    sid, _ = await _session(api_server, db)
    await _end(api_server, db, sid, [])
    stated = await _everywhere(api_server, db, sid)
    assert stated["session"] == ("python", []) and stated["report"] == ("python", []), stated
    assert stated["facts"] == "python" and stated["model"] == ("", []), stated
