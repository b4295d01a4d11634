"""Practice sessions without session metadata: from the API, or from the local question bank when offline."""

from __future__ import annotations

import logging
import random
from datetime import UTC, datetime, timedelta
from pathlib import Path

from agent.context import SessionContext
from agent.settings import AgentSettings
from judge.bank import load_bank

logger = logging.getLogger("shadows.agent.practice")


def offline_practice_context(settings: AgentSettings, *, rng: random.Random | None = None) -> SessionContext:
    """A practice context built from `questions/` (nothing is recorded): only public question data, of a question the
    bank offers for practice (`practice: true`, as the API's practice draws) when it marks any; a local bank that
    marks none is the operator's own to practise on whole."""
    bank = load_bank(Path(settings.questions_dir))
    if not bank:
        raise FileNotFoundError(f"no questions in {settings.questions_dir}")
    offered = [q for q in bank if q.meta.practice] or bank
    wanted = [
        q for q in offered if settings.practice_difficulty in (None, q.meta.difficulty.value)
    ] or offered
    q = (rng or random.Random()).choice(wanted)  # noqa: S311 -- picking a practice question, not a secret
    now = datetime.now(UTC)
    minutes = settings.default_duration_minutes
    return SessionContext.model_validate(
        {
            "session": {
                "id": f"offline-{q.slug}",
                "status": "in_progress",
                "language": settings.practice_language,
                "duration_minutes": minutes,
                "started_at": now,
                "ends_at": now + timedelta(minutes=minutes),
                "practice": True,
            },
            "candidate": {"name": None},
            "question": {
                "id": q.slug,
                "slug": q.slug,
                "title": q.meta.title,
                "difficulty": q.meta.difficulty.value,
                "topics": q.meta.topics,
                "statement_md": q.statement_md,
                "signature": q.signature.model_dump(),
                "hints": list(q.meta.hints),
                "visible_tests": [t.model_dump(exclude={"hidden", "note"}) for t in q.visible_tests],
                "starter_code": dict(q.starters),
            },
        }
    )
