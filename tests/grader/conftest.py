"""The grader's tests: a local grading model per test and a Grader pointed at it."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest

from grader.pipeline import Grader
from grader.settings import GraderSettings
from tests.fakes.grader_model import FakeGraderModel


@pytest.fixture
async def model() -> AsyncIterator[FakeGraderModel]:
    async with FakeGraderModel() as fake:
        yield fake


def settings_for(model: FakeGraderModel, **over: Any) -> GraderSettings:
    """Every setting explicit: a developer's SHADOWS_GRADER_* environment cannot change what a test expects."""
    values: dict[str, Any] = {
        "base_url": model.url,
        "api_key": "sk-test",
        "model": "fake-grader-large",
        "samples": 1,
        "temperature": 0.2,
        "max_output_tokens": 6000,
        "timeout_s": 60.0,
        "sdk_retries": 0,
        "price_input_per_mtok": 2.0,
        "price_output_per_mtok": 8.0,
    }
    return GraderSettings(_env_file=None, **{**values, **over})  # type: ignore[call-arg]  # ignore a developer's .env


MakeGrader = Callable[..., Grader]


@pytest.fixture
async def make_grader(model: FakeGraderModel) -> AsyncIterator[MakeGrader]:
    made: list[Grader] = []

    def make(**over: Any) -> Grader:
        grader = Grader(settings_for(model, **over))
        made.append(grader)
        return grader

    yield make
    for grader in made:
        await grader.aclose()
