"""The repair round as the claim tests drive it: a model that writes a false claim once is sent back and, honest then,
gives a ready scorecard; one that keeps writing it fails (tests/grader/test_claims*.py)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from grader.schemas import BundleInput
from tests.fakes.grader_model import FakeGraderModel, FakeReply, honest
from tests.grader.conftest import MakeGrader


async def repaired_then_refused(
    model: FakeGraderModel,
    make_grader: MakeGrader,
    source: BundleInput,
    gullible: Callable[[dict[str, Any]], FakeReply],
    dropped: str,
) -> str:
    """Grade `source` twice: `gullible` first then honest (ready, and `dropped` is nowhere in the scorecard), then
    `gullible` every time (failed, `citations_unverified`). Returns the repair round's message of the first."""
    model.responder = lambda body: gullible(body) if len(model.requests) == 1 else honest(body)
    outcome = await make_grader().grade(source)
    assert outcome.status == "ready" and outcome.scorecard is not None
    assert dropped not in outcome.scorecard.model_dump_json()
    repair: str = model.requests[1]["messages"][-1]["content"]

    model.requests.clear()
    model.responder = gullible
    outcome = await make_grader().grade(source)
    assert (outcome.status, outcome.reason, outcome.scorecard) == ("failed", "citations_unverified", None)
    return repair
