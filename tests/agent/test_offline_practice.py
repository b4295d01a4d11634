"""The console's offline practice (no API) draws as the API's practice does: only questions the bank marks
`practice: true`, never the ones organisations screen with; a local bank that marks none is practised on whole."""

from __future__ import annotations

import random
import shutil
from pathlib import Path

from agent.practice import offline_practice_context
from agent.settings import AgentSettings
from judge.bank import load_bank

QUESTIONS = Path(__file__).resolve().parents[2] / "questions"


def _settings(questions_dir: Path, difficulty: str | None) -> AgentSettings:
    return AgentSettings(_env_file=None, questions_dir=str(questions_dir), practice_difficulty=difficulty)  # type: ignore[call-arg]


def test_offline_practice_draws_only_questions_marked_for_practice() -> None:
    marked = {q.slug for q in load_bank(QUESTIONS) if q.meta.practice}
    assert marked  # the repository's bank offers some
    rng = random.Random(7)
    for difficulty in (None, "Easy", "Medium", "Hard"):
        drawn = {
            offline_practice_context(_settings(QUESTIONS, difficulty), rng=rng).question.slug
            for _ in range(24)
        }
        assert drawn <= marked, (difficulty, drawn - marked)


def test_a_local_bank_that_marks_none_is_practised_on_whole(tmp_path: Path) -> None:
    unmarked = [q for q in load_bank(QUESTIONS) if not q.meta.practice][:2]
    for q in unmarked:
        shutil.copytree(QUESTIONS / q.slug, tmp_path / q.slug)
    rng = random.Random(3)
    drawn = {offline_practice_context(_settings(tmp_path, None), rng=rng).question.slug for _ in range(24)}
    assert drawn == {q.slug for q in unmarked}
