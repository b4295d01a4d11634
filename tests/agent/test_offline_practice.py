"""The console's offline practice (no API) draws as the API's practice does: only questions the bank marks
`practice: true`, never the ones organisations screen with; a local bank that marks none is practised on whole.
The bank is read from disk once (about half a CPU-second a read) and handed to each draw."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from agent import practice
from agent.practice import offline_practice_context
from agent.settings import AgentSettings
from judge.bank import Question, load_bank

QUESTIONS = Path(__file__).resolve().parents[2] / "questions"


@pytest.fixture(scope="module")
def bank() -> list[Question]:
    return load_bank(QUESTIONS)


def _draws(monkeypatch: pytest.MonkeyPatch, bank: list[Question], difficulty: str | None) -> set[str]:
    monkeypatch.setattr(practice, "load_bank", lambda directory: bank)
    settings = AgentSettings(_env_file=None, practice_difficulty=difficulty)  # type: ignore[call-arg,arg-type]
    rng = random.Random(7)
    return {offline_practice_context(settings, rng=rng).question.slug for _ in range(24)}


def test_offline_practice_draws_only_questions_marked_for_practice(
    monkeypatch: pytest.MonkeyPatch, bank: list[Question]
) -> None:
    marked = {q.slug for q in bank if q.meta.practice}
    assert marked  # the repository's bank offers some
    for difficulty in (None, "Easy", "Medium", "Hard"):
        drawn = _draws(monkeypatch, bank, difficulty)
        assert drawn <= marked, (difficulty, drawn - marked)


def test_a_local_bank_that_marks_none_is_practised_on_whole(
    monkeypatch: pytest.MonkeyPatch, bank: list[Question]
) -> None:
    unmarked = [q for q in bank if not q.meta.practice][:2]
    assert _draws(monkeypatch, unmarked, None) == {q.slug for q in unmarked}
