"""The invite e-mail to the candidate of an ATS-created session, sent by the job queue when SHADOWS_API_SMTP_URL is
set. The ATS can show the same join link either way (Greenhouse's test_status metadata carries it).

`smtp://user:password@host:587` uses STARTTLS when the server offers it (outside local/test it must);
`smtps://...:465` speaks TLS from the start. Sent once per session (`invite_sent_at`); a failure to reach the
server, and a temporary refusal of the address (4xx), are retried like any job. Addresses never reach the logs.

An invite that will not reach the candidate is told to the recruiter like one withheld when the session was
scheduled (`ats_assessments.invite_withheld`; Greenhouse's test_status shows it beside the join link, Ashby gets an
`assessment.update` with the link): `address_refused` when the mail server refuses the address for good (5xx),
`email_failed` when the job's last attempt could not hand the e-mail over, `unsendable_address` for an address with
no ASCII form, `email_not_configured` when the worker running the job has no mail server (the API that queued it
had one) or one whose SHADOWS_API_SMTP_URL no server is reached with. Before, these were only logged, and both
recruiters read an invite as sent that never went.

Once the mail server has taken the e-mail, marking it sent must not become a reason to send it again: the mark is
retried in place (MARK_DELAYS_S) when the database is briefly unavailable. Past that the job is retried and the
e-mail sent again (an invite lost is worse than one twice; the job cannot tell whether its last attempt reached the
server), as the same message: its Message-ID is derived from the invite (`invite_message_id`), so mail clients
that collapse duplicates by Message-ID (Gmail, for one) show it once.

An internationalised address goes with its domain in IDNA (`ascii_address`); one whose local part is not ASCII
cannot go through a server without SMTPUTF8 and is given up at once (logged), not retried.
"""

from __future__ import annotations

import asyncio
import hashlib
import unicodedata
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import formataddr, parseaddr
from pathlib import Path
from typing import Any

import aiosmtplib
import structlog
from email_validator import EmailNotValidError, validate_email
from jinja2 import Environment, FileSystemLoader, StrictUndefined
from procrastinate import JobContext

from api.db import integrations_repo
from api.db.pool import Pool, connection
from api.errors import ServiceUnavailableError
from api.integrations.smtp_url import parse_smtp_url
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


MARK_DELAYS_S = (0.5, 2.0, 5.0)  # waits before each further try to mark a sent e-mail sent
RETRY = JobRetryPolicy()

# Why an invite e-mail did not go (ats_assessments.invite_withheld), beside the organisation's invite limit
# (api.org_limits): an address with no form a mail server without SMTPUTF8 takes (a Unicode part before the @, known
# when the session is scheduled), one the mail server refused for good, and an e-mail the job gave up on.
INVITE_UNSENDABLE_ADDRESS = "unsendable_address"
# No mail server is configured (SHADOWS_API_SMTP_URL unset): no invite e-mail goes to anyone, and Ashby, which reads
# nothing of ours, had neither the candidate's link nor word that it was not sent.
INVITE_EMAIL_NOT_CONFIGURED = "email_not_configured"
INVITE_ADDRESS_REFUSED = "address_refused"
INVITE_EMAIL_FAILED = "email_failed"


class SmtpUnavailableError(ServiceUnavailableError):
    code = "smtp_unavailable"


def ascii_address(address: str) -> str | None:
    """The address as an SMTP server without SMTPUTF8 takes it (a Unicode domain in IDNA), or None when it has no
    ASCII form (a Unicode local part): such an invite cannot go, and waiting will not change that."""
    try:
        return validate_email(address, check_deliverability=False).ascii_email
    except EmailNotValidError:
        return None


def invite_message_id(session_id: str, join_url: str, sender_address: str) -> str:
    """The same for every sending of one invite (a retry is the same message), different for another invite: the
    session and a digest of its join link (which holds the invite token), at the sender's domain."""
    domain = sender_address.rpartition("@")[2] or "localhost"
    digest = hashlib.sha256(join_url.encode("utf-8")).hexdigest()[:24]
    return f"<invite.{session_id}.{digest}@{domain}>"


def smtp_options(settings: ApiSettings) -> dict[str, Any]:
    """aiosmtplib's connection options from SHADOWS_API_SMTP_URL."""
    assert settings.smtp_url is not None
    server = parse_smtp_url(settings.smtp_url.get_secret_value())  # the rule start-up applied (api.settings)
    implicit_tls = server.implicit_tls
    return {
        "hostname": server.hostname,
        "port": server.port,
        "username": server.username,
        "password": server.password,
        "use_tls": implicit_tls,
        # None: STARTTLS when offered. Outside local/test a plain-text connection is refused.
        "start_tls": None if implicit_tls or not settings.egress_guard else True,
        "timeout": settings.smtp_timeout_s,
    }


# What may join the letters of a name word: an apostrophe (O'Brien, or U+2019), a hyphen (Jean-Luc, or U+2010), a
# middle dot (U+00B7, U+30FB: names written in Chinese or Japanese script), a period that ends an initial (J.). A
# period followed by a letter (evil.example), or any other character, is not a name's.
_NAME_JOINERS = frozenset("'\u2019-\u2010\u00b7\u30fb")


def is_name_word(word: str) -> bool:
    """Whether one word of a candidate's name reads as a name, and only as one: letters and combining marks of any
    script, joined by apostrophes or hyphens, and a period only at the end (an initial). A URL, a domain, an e-mail
    address, digits or markup (`https://evil.example`, `evil.example`, `a@b`, `<b>`, `[x](y)`) is not a name word."""
    if not word or word[0] in _NAME_JOINERS or word[0] == ".":
        return False
    body = word[:-1] if word.endswith(".") else word
    return bool(body) and all(
        unicodedata.category(c)[0] in "LM" or (c in _NAME_JOINERS and i + 1 < len(body))
        for i, c in enumerate(body)
    )


def greeting_name(name: str) -> str | None:
    """The first word of the candidate's name for the greeting, or None (the greeting says "Hello,") when it does
    not read as a name (`is_name_word`). The name is the candidate's own text (Greenhouse and Ashby take it from
    the application form), and the e-mail goes out from Shadows to whatever address came with it: a "first name"
    such as `https://evil.example/login`, which mail clients show as a link, made our invite carry the
    candidate's link to that address."""
    words = name.split()
    return words[0] if words and is_name_word(words[0]) else None


def display_name(name: str) -> str:
    """The `To` header's display name: the candidate's name when every word of it reads as a name, else none."""
    words = name.split()
    return name if words and all(is_name_word(w) for w in words) else ""


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
    message["Message-ID"] = invite_message_id(str(assessment["session_id"]), join_url, sender_address)
    # Names are stored as one line (api.schemas.one_line); an older row or an organisation's name is made one here,
    # since a line break in a header is refused and the invite would never go.
    to_name, organization = one_line(to_name), one_line(organization)
    message["To"] = formataddr((display_name(to_name), to_email))
    message["Subject"] = f"Your technical interview with {organization}"
    expires = assessment["invite_expires_at"].strftime("%A %d %B %Y, %H:%M UTC")
    message.set_content(
        _templates.get_template("invite_email.txt.j2").render(
            first_name=greeting_name(to_name),
            organization=organization,
            join_url=join_url,
            expires=expires,
            minutes=assessment["duration_minutes"],
        )
    )
    return message


@queue.task(name="send_invite_email", queue=EMAIL_QUEUE, pass_context=True, retry=RETRY)
async def send_invite_email(context: JobContext, session_id: str) -> None:
    """E-mail the candidate their join link, once; the last attempt that cannot, tells the ATS (`email_failed`)."""
    res = resources(context)
    try:
        await deliver_invite(res.settings, res.pool, session_id)
    except SmtpUnavailableError as e:
        if RETRY.will_retry(e, context.job.attempts):
            raise
        # The job fails for good: the recruiter sends the link (only the queue knew, before).
        await withhold_invite(res.pool, session_id, INVITE_EMAIL_FAILED)
        raise


async def deliver_invite(settings: ApiSettings, pool: Pool, session_id: str) -> None:
    """One attempt of `send_invite_email` (see the module docstring)."""
    async with connection(pool) as conn:
        assessment = await integrations_repo.get_assessment(conn, session_id)
        # Not once the link no longer opens (the job ran past the invite's expiry): the ATS has been told it
        # expired (api.jobs.lapsed_sessions), and the e-mail would invite the candidate to a refused link.
        if (
            assessment is None
            or assessment["invite_sent_at"] is not None
            or assessment["status"] != "scheduled"
            or assessment["invite_expires_at"] <= datetime.now(UTC)
        ):
            log.info("invite_email.skipped", session_id=session_id, found=assessment is not None)
            return
        cur = await conn.execute(
            "select name from organizations where id = %s", (assessment["organization_id"],)
        )
        org = await cur.fetchone()
    if settings.smtp_url is None:
        # The API that queued it has a mail server and this worker none: told like the API without one
        # (`email_not_configured`), else the recruiter read an invite as sent that never went.
        log.warning("invite_email.no_smtp", session_id=session_id)
        await withhold_invite(pool, session_id, INVITE_EMAIL_NOT_CONFIGURED)
        return
    try:
        options = smtp_options(settings)
    except ValueError:
        # A URL no mail server is reached with (`http://…`, no host, a port out of range): no attempt will go
        # either, so the same as none (before, the job failed and nobody was told). The URL holds a password: unlogged.
        log.error("invite_email.smtp_url_invalid", session_id=session_id)
        await withhold_invite(pool, session_id, INVITE_EMAIL_NOT_CONFIGURED)
        return
    to_email = ascii_address(assessment["candidate_email"])
    if to_email is None:  # known when the session is scheduled; here only for one scheduled before that
        log.warning("invite_email.unsendable_address", session_id=session_id)
        await withhold_invite(pool, session_id, INVITE_UNSENDABLE_ADDRESS)
        return
    message = invite_message(
        settings,
        to_name=assessment["candidate_name"],
        to_email=to_email,
        organization=org["name"] if org else "A hiring team",
        join_url=sealer(settings).open(assessment["join_url_sealed"]),
        assessment=assessment,
    )
    try:
        await aiosmtplib.send(message, **options)
    except aiosmtplib.SMTPRecipientsRefused as e:
        codes = sorted({r.code for r in e.recipients})
        if not codes or any(not 500 <= code < 600 for code in codes):
            # A temporary refusal (451 lookup failure, 452 busy) goes on a later attempt.
            log.warning("invite_email.deferred", session_id=session_id, codes=codes)
            raise SmtpUnavailableError("The mail server refused the address for now.") from e
        log.warning("invite_email.refused", session_id=session_id, codes=codes)
        await withhold_invite(pool, session_id, INVITE_ADDRESS_REFUSED)
        return
    except (aiosmtplib.SMTPException, OSError) as e:
        log.warning("invite_email.failed", session_id=session_id, error_type=type(e).__name__)
        raise SmtpUnavailableError("The mail server could not be reached.") from e
    await _mark_sent(pool, session_id)
    log.info("invite_email.sent", session_id=session_id)


async def withhold_invite(pool: Pool, session_id: str, reason: str) -> None:
    """Record that the invite will not reach the candidate, and tell the ATS: Greenhouse reads it in test_status
    (`invite_withheld`, beside the join link); Ashby, which reads nothing of ours, is sent an `assessment.update`
    with the link, behind the session's other calls. Once per session: an invite sent, or one already withheld,
    records nothing."""
    async with connection(pool) as conn, conn.transaction():
        provider = await integrations_repo.withhold_invite(conn, session_id, reason)
        if provider == "ashby":
            await conn.execute(
                "select outbox_emit_ats_callback(%s, 'ashby', 'invite_withheld')", (session_id,)
            )
    log.warning("invite_email.withheld", session_id=session_id, reason=reason, recorded=provider is not None)


async def _mark_sent(pool: Pool, session_id: str) -> None:
    """Mark the invite sent, trying again in place while the database is briefly unavailable: the e-mail is out."""
    for delay in (*MARK_DELAYS_S, None):
        try:
            async with connection(pool) as conn:
                await integrations_repo.mark_invite_sent(conn, session_id)
            return
        except ServiceUnavailableError:
            if delay is None:
                log.warning("invite_email.unmarked", session_id=session_id)
                raise  # the job is retried: the same message again (invite_message_id)
            await asyncio.sleep(delay)
