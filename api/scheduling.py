"""Scheduling a session: choosing its question, issuing its invite and room, and storing it with its candidate."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

from api.db import questions_repo, sessions_repo
from api.db.pool import Conn
from api.errors import ServiceUnavailableError, UnprocessableError
from api.schemas import SessionCreated
from api.security import digest, new_invite, new_session_id
from api.settings import ApiSettings


@dataclass(frozen=True)
class Scheduled:
    session: dict[str, Any]
    invite: str
    join_url: str

    def response(self) -> SessionCreated:
        """The 201 body: the only time the raw invite is ever shown."""
        s = self.session
        return SessionCreated(
            id=s["id"],
            status=s["status"],
            join_url=self.join_url,
            invite=self.invite,
            invite_expires_at=s["invite_expires_at"],
            expires_at=s["expires_at"],
            question_id=s["question_id"],
            language=s["language"],
            duration_minutes=s["duration_minutes"],
        )


async def schedule_session(
    conn: Conn,
    settings: ApiSettings,
    *,
    organization_id: UUID | None,
    candidate_name: str,
    candidate_email: str | None,
    candidate_external_id: str | None,
    question_id: UUID | None,
    difficulty: str | None,
    topic: str | None,
    language: str,
    duration_minutes: int,
    job_description: str | None,
    resume_text: str | None,
    metadata: dict[str, Any],
    practice: bool = False,
    role: str | None = None,
    languages: list[str] | None = None,
    extra_time_minutes: int = 0,
    text_only: bool = False,
    interview_language: str = "en",
    candidate_other_names: tuple[str, ...] = (),
    invite_ttl: timedelta | None = None,
) -> Scheduled:
    """Store a new session and its invite, which expires `invite_ttl` from now (`invite_ttl_hours` unless given)."""
    question = await questions_repo.pick_question(
        conn, question_id=question_id, difficulty=difficulty, topic=topic, practice=practice
    )
    if question is None:
        if question_id is not None:
            raise UnprocessableError("No question with that id.", code="question_not_found")
        if practice and not await questions_repo.has_practice_questions(conn):
            # Never the whole bank instead: an organisation's questions are not for anyone to read and probe. Only an
            # operator's bank import (questions marked `practice: true`) changes this, so no retry in a second.
            raise ServiceUnavailableError(
                "No question is offered for practice on this server.",
                code="practice_unavailable",
                retry_after=3600,
            )
        raise UnprocessableError(
            f"No {'practice ' if practice else ''}question matches that difficulty/topic.",
            code="no_matching_question",
        )
    now = datetime.now(UTC)
    session_id = new_session_id()
    invite = new_invite()
    row = await sessions_repo.insert_session(
        conn,
        sessions_repo.NewSession(
            id=session_id,
            organization_id=organization_id,
            question_id=question["id"],
            language=language,
            room_name=f"shadows-{session_id}",
            invite_hash=digest(invite),
            invite_expires_at=now + (invite_ttl or timedelta(hours=settings.invite_ttl_hours)),
            duration_minutes=duration_minutes,
            expires_at=now + timedelta(hours=settings.session_expiry_hours),
            job_description=job_description,
            resume_text=resume_text,
            metadata=metadata,
            practice=practice,
            candidate_name=candidate_name,
            candidate_email=candidate_email,
            candidate_external_id=candidate_external_id,
            role=role,
            languages=tuple(languages or (language,)),
            extra_time_minutes=extra_time_minutes,
            text_only=text_only,
            interview_language=interview_language,
            candidate_other_names=candidate_other_names,
        ),
    )
    # The invite rides in the URL fragment: browsers never send it to servers or in Referer headers.
    join_url = f"{settings.public_url.rstrip('/')}/join#invite={invite}"
    return Scheduled(session=row, invite=invite, join_url=join_url)


def allowed_minutes(session: dict[str, Any]) -> int:
    """The interview's length for this candidate: the scheduled duration plus any extra time (an accommodation)."""
    return int(session["duration_minutes"]) + int(session.get("extra_time_minutes") or 0)


def ends_at(session: dict[str, Any]) -> datetime | None:
    """When the interview ends: its start plus the duration plus extra time. The single source of the end time
    (the page's countdown, the agent's clock, run and token bounds all read it); None before the start."""
    started = session.get("started_at")
    return started + timedelta(minutes=allowed_minutes(session)) if started else None
