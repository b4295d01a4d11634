"""Credit needs a citation with substance of the candidate's own (grader/credit.py): a quote of "yes", "okay", a
bracket, a keyword, a name's placeholder, the interviewer's words repeated or the starter code shows nothing the
candidate did, and a hostile or sloppy model that credits on one is sent back; the real evidence of the calibration
interviews still counts."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.fakes.grader_model import FakeGraderModel, FakeReply, honest, scorecard
from tests.grader.bundles import interview, transcript
from tests.grader.conftest import MakeGrader

STARTER = "def two_sum(nums, target):\n    return []\n"
ASKED = "Would a hash map from value to index help here?"
ECHOED = "Yes, okay. A hash map from value to index, sure."
POLITE = "Sounds good, got it, thanks! I see."


def _source() -> Any:
    source = interview(extra_events=[transcript(15, 175.0, "assistant", ASKED), transcript(16, 180.0, "user", ECHOED),
                                     transcript(17, 185.0, "user", POLITE)])  # fmt: skip
    question = source.question.model_copy(update={"starter_code": {"python": STARTER}})
    return source.model_copy(update={"question": question})


TRIVIAL = [
    pytest.param({"seq": 16, "quote": "okay"}, id="one-common-word"),
    pytest.param({"seq": 16, "quote": "Yes, okay."}, id="acknowledgement"),
    pytest.param({"seq": 17, "quote": "Sounds good, got it, thanks! I see."}, id="courtesies"),
    pytest.param({"seq": 3, "quote": "I'm [candidate], reach me at [email]"}, id="redacted-name-and-address"),
    pytest.param({"seq": 3, "quote": "[candidate], reach"}, id="placeholder-and-one-word"),
    pytest.param({"seq": 16, "quote": "a hash map from value to index"}, id="interviewer-echoed"),
    pytest.param({"seq": 16, "quote": "Yes, okay. A hash map from value to index, sure."}, id="echo-padded"),
    pytest.param({"seq": 6, "quote": "return []"}, id="keyword-and-bracket"),
    pytest.param({"seq": 6, "quote": "seen = {}"}, id="one-name"),
    pytest.param({"seq": 6, "quote": "def two_sum(nums, target):"}, id="starter-code"),
]


@pytest.mark.parametrize("fragment", TRIVIAL)
async def test_credit_on_a_quote_without_substance_of_the_candidates_own_is_sent_back(
    model: FakeGraderModel, make_grader: MakeGrader, fragment: dict[str, Any]
) -> None:
    def credits_on_the_fragment(body: dict[str, Any]) -> FakeReply:
        card = scorecard(body)
        card["dimensions"]["problem_solving"]["evidence"] = [fragment]
        card["rubric"][1] = {"id": "hash_map_one_pass", "mark": "met", "evidence": [fragment]}
        return FakeReply(body=card)

    model.responder = lambda body: credits_on_the_fragment(body) if len(model.requests) == 1 else honest(body)
    outcome = await make_grader().grade(_source())
    assert outcome.status == "ready" and len(model.requests) == 2, "credit on a fragment was accepted"
    repair = model.requests[1]["messages"][-1]["content"]
    assert "- dimensions.problem_solving (score 3): credit that" in repair
    assert "- rubric.hash_map_one_pass (met): credit that" in repair
    assert "dimensions.coding" not in repair

    model.requests.clear()
    model.responder = credits_on_the_fragment
    outcome = await make_grader().grade(_source())
    assert (outcome.status, outcome.reason) == ("failed", "citations_unverified")


SUBSTANTIVE = [
    # (a transcript quote starts its sentence: grader/quote_scope.py)
    pytest.param({"seq": 5, "quote": "I would first check every pair"}, id="candidates-idea"),
    pytest.param({"seq": 13, "quote": "It is O(n) time and O(n) space"}, id="complexity"),
    pytest.param({"seq": 16, "quote": "A hash map from value to index, sure."}, id="said-first-by-them"),
    pytest.param({"seq": 9, "quote": "if target - x in seen:"}, id="their-code"),
    pytest.param({"seq": 14, "quote": ""}, id="a-submission"),
]


@pytest.mark.parametrize("evidence", SUBSTANTIVE)
async def test_credit_on_the_candidates_own_substance_stands(
    model: FakeGraderModel, make_grader: MakeGrader, evidence: dict[str, Any]
) -> None:
    source = _source()
    if evidence["seq"] == 16:  # the same words, said by the candidate before the interviewer said them
        events = [e for e in source.events if e.seq != 15]
        source = source.model_copy(update={"events": events})

    def credits(body: dict[str, Any]) -> FakeReply:
        card = scorecard(body)
        card["dimensions"]["problem_solving"]["evidence"] = [evidence]
        card["rubric"][1] = {"id": "hash_map_one_pass", "mark": "met", "evidence": [evidence]}
        return FakeReply(body=card)

    model.responder = credits
    outcome = await make_grader().grade(source)
    assert outcome.status == "ready" and len(model.requests) == 1


def test_the_calibration_interviews_real_evidence_counts() -> None:
    """Every line a calibration candidate says quoted whole, and every run of its clauses with two content words
    but one (a clause that repeats the statement), is substance of theirs, not an echo; only the lines that carry
    none ("I'll submit.", "Let me think about it a bit more.") do not count; every snapshot's code counts, and its
    starter code alone does not."""
    from bench._calibration import load_cases
    from grader.bundle import build_bundle
    from grader.credit import content_words, substantive
    from grader.facts import compute_facts
    from grader.schemas import MAX_QUOTE_CHARS, Evidence

    trivial: list[str] = []
    echoes: list[str] = []
    counted = snapshots = 0
    for case in load_cases():
        bundle = build_bundle(case.bundle, compute_facts(case.bundle))
        starter = case.bundle.question.starter_code[case.bundle.session.language]
        for event in bundle.index.citable.values():
            text = event.views[0].original if event.views else ""
            if event.speaker == "candidate":
                clauses = re.split(r"(?<=[.,;?!])\s+", text)
                for i in range(len(clauses)):
                    for j in range(i + 1, len(clauses) + 1):
                        quote = " ".join(clauses[i:j])
                        if content_words(quote) >= 2:
                            counted += 1
                            if not substantive(Evidence(seq=event.seq, quote=quote), bundle.index):
                                echoes.append(quote)
                if not substantive(Evidence(seq=event.seq, quote=text), bundle.index):
                    trivial.append(text)
            elif event.type == "editor_snapshot" and text.strip() != starter.strip():
                snapshots += 1
                code = text[:MAX_QUOTE_CHARS]
                assert substantive(Evidence(seq=event.seq, quote=code), bundle.index), case.name
                signature = starter.strip().splitlines()[0]
                if signature in text:
                    assert not substantive(Evidence(seq=event.seq, quote=signature), bundle.index)
    assert counted > 1000 and snapshots >= 8
    # One clause alone repeats the question's statement ("You may not use the same element twice."): the whole
    # line, with the candidate's other questions, counts. Two more are given words with one word slipped in
    # (grader/credit.py, `_Given.echoed`): the gamer's "the visible tests all pass" and the statement's "the mean of
    # the two middle values" read back with "count"; their whole lines count.
    assert sorted(echoes) == [
        "And can I use the same element twice,",
        "For an even count it's the mean of the two middle values,",
        "please note the visible tests all pass.",
    ]
    assert len(trivial) <= 10 and all(len(t.split()) <= 8 for t in trivial), trivial


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("Sí, vale, claro. Gracias.", 0),
        ("Uso un diccionario del valor al índice.", 4),
        ("好的\uff0c好的\u3002", 1),  # fullwidth comma and stop
        ("我用哈希表存下标", 4),
        ("O(n) time", 2),
        ("Yeah, okay, I see, thanks, sounds great", 0),
    ],
)
def test_content_words_in_other_languages_and_scripts(text: str, words: int) -> None:
    from grader.credit import content_words

    assert content_words(text) == words
