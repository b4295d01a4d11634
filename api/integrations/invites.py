"""The invite e-mail to the candidate of an ATS-created session, sent by the job queue when SHADOWS_API_SMTP_URL is
set. The ATS can show the same join link either way (Greenhouse's test_status metadata carries it).

`smtp://user:password@host:587` uses STARTTLS when the server offers it (outside local/test it must);
`smtps://...:465` speaks TLS from the start. Sent once per session (`invite_sent_at`); a failure to reach the
server is retried like any job, a refused recipient is not. Addresses never reach the logs.
"""

from __future__ import annotations

from email.message import EmailMessage
from email.utils import formataddr, parseaddr
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import aiosmtplib
import structlog
from jinja2 import Environment, FileSystemLoader, StrictUndefined
from procrastinate import JobContext

from api.db import integrations_repo
from api.db.pool import connection
from api.errors import ServiceUnavailableError
from api.jobs.queue import queue
from api.jobs.resources import resources
from api.jobs.retry import JobRetryPolicy
from api.schemas import one_line
from api.sealing import sealer
from api.settings import ApiSettings

log = structlog.get_logger(__name__)

EMAIL_QUEUE = "email"
_templates = Environment(
    loader=FileSystemLoader(Path(__file__).parent),
    undefined=StrictUndefined,
    autoescape=False,  # noqa: S701  # a text/plain e-mail, never rendered as HTML
    keep_trailing_newline=True,
)


class SmtpUnavailableError(ServiceUnavailableError):
    code = "smtp_unavailable"


def smtp_options(settings: ApiSettings) -> dict[str, Any]:
    """aiosmtplib's connection options from SHADOWS_API_SMTP_URL."""
    assert settings.smtp_url is not None
    url = urlsplit(settings.smtp_url.get_secret_value())
    if url.scheme not in ("smtp", "smtps") or not url.hostname:
        raise ValueError("SHADOWS_API_SMTP_URL is smtp://[user:password@]host[:port] or smtps://...")
    implicit_tls = url.scheme == "smtps"
    return {
        "hostname": url.hostname,
        "port": url.port or (465 if implicit_tls else 587),
        "username": unquote(url.username) if url.username else None,
        "password": unquote(url.password) if url.password else None,
        "use_tls": implicit_tls,
        # None: STARTTLS when offered. Outside local/test a plain-text connection is refused.
        "start_tls": None if implicit_tls or not settings.egress_guard else True,
        "timeout": settings.smtp_timeout_s,
    }


def invite_message(
    settings: ApiSettings,
    *,
    to_name: str,
    to_email: str,
    organization: str,
    join_url: str,
    assessment: dict[str, Any],
) -> EmailMessage:
    message = EmailMessage()
    sender_name, sender_address = parseaddr(settings.smtp_from)
    message["From"] = formataddr((sender_name, sender_address))
    # Names are stored as one line (api.schemas.one_line); an older row or an organisation's name is made one here,
    # since a line break in a header is refused and the invite would never go.
    to_name, organization = one_line(to_name), one_line(organization)
    message["To"] = formataddr((to_name, to_email))
    message["Subject"] = f"Your technical interview with {organization}"
    expires = assessment["invite_expires_at"].strftime("%A %d %B %Y, %H:%M UTC")
    message.set_content(
        _templates.get_template("invite_email.txt.j2").render(
            first_name=to_name.split()[0] if to_name.split() else to_name,
            organization=organization,
            join_url=join_url,
            expires=expires,
            minutes=assessment["duration_minutes"],
        )
    )
    return message


@queue.task(name="send_invite_email", queue=EMAIL_QUEUE, pass_context=True, retry=JobRetryPolicy())
async def send_invite_email(context: JobContext, session_id: str) -> None:
    """E-mail the candidate their join link, once."""
    res = resources(context)
    settings = res.settings
    if settings.smtp_url is None:
        log.info("invite_email.no_smtp", session_id=session_id)
        return
    async with connection(res.pool) as conn:
        assessment = await integrations_repo.get_assessment(conn, session_id)
        if (
            assessment is None
            or assessment["invite_sent_at"] is not None
            or assessment["status"] != "scheduled"
        ):
            log.info("invite_email.skipped", session_id=session_id, found=assessment is not None)
            return
        cur = await conn.execute(
            "select name from organizations where id = %s", (assessment["organization_id"],)
        )
        org = await cur.fetchone()
    message = invite_message(
        settings,
        to_name=assessment["candidate_name"],
        to_email=assessment["candidate_email"],
        organization=org["name"] if org else "A hiring team",
        join_url=sealer(settings).open(assessment["join_url_sealed"]),
        assessment=assessment,
    )
    try:
        await aiosmtplib.send(message, **smtp_options(settings))
    except aiosmtplib.SMTPRecipientsRefused:
        log.warning("invite_email.refused", session_id=session_id)
        return
    except (aiosmtplib.SMTPException, OSError) as e:
        log.warning("invite_email.failed", session_id=session_id, error_type=type(e).__name__)
        raise SmtpUnavailableError("The mail server could not be reached.") from e
    async with connection(res.pool) as conn:
        await integrations_repo.mark_invite_sent(conn, session_id)
    log.info("invite_email.sent", session_id=session_id)
