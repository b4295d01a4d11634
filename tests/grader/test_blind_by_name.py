"""Two interviews that differ only in the candidate's name and contact details reach the model as one and the same
bundle: every place the name, the address, the handle or the number stands (said, typed into the code, printed by
the program) reads the same, whatever the name, everyday words ("Grace", "Will", "Max", "Hope") and two letters
("Jo Li") included."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from api.db.bundle_repo import redaction_terms
from grader.bundle import build_bundle
from grader.facts import compute_facts
from grader.schemas import BundleEvent, BundleInput, BundleRun, BundleSession
from tests.grader.bundles import START, event, question, run_result, transcript

LINES = [
    ("assistant", "Hi {first}, welcome. Shall we start?"),
    ("user", "Hi! I'm {full}, reach me at {email}. Ready."),
    ("assistant", "Thanks, {first}. Let's look at the problem."),
    ("user", "Sure. So {first} thinks a hash map works here."),
    ("user", "my github is github.com/{handle} by the way"),
    ("user", "{first}'s idea: keep a map from value to index."),
    ("assistant", "Great point, {first}. What's the complexity?"),
    ("user", "That's {last}'s trick, my dad {last} taught it."),
    ("assistant", "Okay {full}, go ahead and code it."),
    ("user", "Call me at {phone} if the call drops."),
]
CODE = (
    "# Author: {full} <{email}>\n"
    "# {first}'s solution\n"
    "def two_sum(nums, target):\n"
    "    seen = {{}}  # {first}'s map\n"
    "    for i, x in enumerate(nums):\n"
    "        if target - x in seen:\n"
    "            return [seen[target - x], i]\n"
    "        seen[x] = i\n"
    '    print("written by {first}")\n'
    "    return []\n"
)
PEOPLE = [
    ("Ada Lovelace", "Ada", "Lovelace", "ada@example.com", "adalovelace", "+44 20 7946 0958"),
    ("Grace Hopper", "Grace", "Hopper", "grace.hopper@navy.mil", "ghopper", "+1 415 555 0134"),
    ("Will Smith", "Will", "Smith", "will@smith.io", "willsmith", "(415) 555-0199"),
    ("Max Power", "Max", "Power", "max@power.dev", "maxpower", "+49 30 1234567"),
    ("Hope Young", "Hope", "Young", "hope@young.org", "hopey", "+1 617 555 0111"),
    ("Jo Li", "Jo", "Li", "jo@li.io", "joli", "+1 303 555 0142"),
    ("Mary-Jane Watson", "Mary-Jane", "Watson", "mj@web.com", "mjwatson", "+1 212 555 0100"),
    ("Seán O'Brien", "Seán", "O'Brien", "sean.obrien@example.ie", "sobrien", "+353 1 555 0100"),
    ("Zhang Wei", "Wei", "Zhang", "zw@example.cn", "zhangwei", "+86 10 1234 5678"),
]


def _interview(full: str, first: str, last: str, email: str, handle: str, phone: str) -> BundleInput:
    f: dict[str, Any] = {"full": full, "first": first, "last": last, "email": email, "handle": handle}
    f["phone"] = phone
    events = [BundleEvent(seq=1, type="phase_change", t=0.0, payload={"from": None, "to": "problem"})]
    for seq, (role, text) in enumerate(LINES, start=2):
        events.append(transcript(seq, seq * 10.0, role, text.format(**f)))
    code = CODE.format(**f)
    events += [
        BundleEvent(seq=20, type="phase_change", t=200.0, payload={"from": "problem", "to": "coding"}),
        BundleEvent(seq=21, type="editor_snapshot", t=210.0, payload={"language": "python", "code": code}),
        event(22, "submission", 220.0, submission_id="s1", by="candidate"),
    ]
    result = run_result(1, 1)
    result["tests"][1]["stdout"] = f"written by {first}\n"
    run = BundleRun(id="s1", kind="submit", language="python", code=code, verdict="wrong_answer", result=result,
                    created_at=START + timedelta(seconds=220))  # fmt: skip
    return BundleInput(
        session=BundleSession(
            id="ses_blind",
            status="completed",
            language="python",
            duration_minutes=45,
            started_at=START,
            ended_at=START + timedelta(seconds=300),
            end_reason="completed",
            practice=False,
        ),
        question=question(),
        events=events,
        runs=[run],
        final_code=code,
        redact=redaction_terms(full, email),
    )


def _bundle(person: tuple[str, ...]) -> str:
    source = _interview(*person)
    return build_bundle(source, compute_facts(source)).interview


@pytest.fixture(scope="module")
def baseline() -> str:
    return _bundle(PEOPLE[0])


@pytest.mark.parametrize("person", PEOPLE[1:], ids=[p[0] for p in PEOPLE[1:]])
def test_interviews_that_differ_only_in_the_name_reach_the_model_as_one_bundle(
    person: tuple[str, ...], baseline: str
) -> None:
    assert "[candidate]'s solution" in baseline and "[candidate]'s idea" in baseline
    assert _bundle(person) == baseline
