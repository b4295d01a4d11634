"""The `deliver_ats_callback` job: one call back to the ATS that asked for a session, retried like a webhook.

- Greenhouse `completed`: `PATCH` to the `url` Greenhouse gave in send_test, no body, HTTP Basic with the
  organisation's Greenhouse key (the one Greenhouse authenticates to us with). Greenhouse then reads test_status.
- Greenhouse `cancelled` / `expired` / `erased`: the same `PATCH`, so that Greenhouse reads test_status
  (`cancelled`, `expired`, `erased`) when a session ends without a result, or its record was deleted on request
  (to the callback URL the erasure's notice kept: `api.webhooks.erasure_notices`).
- Ashby `invite_withheld` / `started` / `grading` / `result` / `cancelled` / `expired` / `erased` (the session's
  record was deleted on request: built from the session id alone, `api.webhooks.erasure_notices`):
  `POST {SHADOWS_API_ASHBY_BASE_URL}/assessment.update`, HTTP Basic with the organisation's own Ashby API key.
  Ashby answers 200 with `success`; `success: false` is a refusal that retrying will not change. Its answer is
  read up to its own small cap (`ashby_answers.MAX_BYTES`; decoded if it came compressed, `api.egress`); a 2xx
  whose body is cut off before its `success` is delivered, logged with what was seen, and a complete 2xx body that
  is not Ashby's answer is retried (`api.integrations.ashby_answers`).

The key is read when the call is built and checked again under its row's lock just before the request (the call
built again after a rotation); an answer to a key rotated while the request was in flight is the old key's and
never settles the call: it goes again at once with the new key (`key_replaced` for a 2xx).

An attempt that does not deliver keeps what the ATS said (`last_response`: the excerpt of its error fields,
`api.integrations.ats_answers`), shown in the call log beside `last_error`.

The outbox (`outbox_emit_ats_callback`) defers it with the lock `ats:<session>`, so one session's calls go one at a
time and in order (Started, then grading, then the result). A non-2xx answer, a timeout or a refused address is tried
again on SHADOWS_API_WEBHOOK_RETRY_DELAYS_S, keeping the job and its place (`RetryLater`). Each request holds a slot
of the organisation's integration (SHADOWS_API_ATS_MAX_CONCURRENCY_PER_INTEGRATION) and of the organisation (shared
with its webhooks: `api.webhooks.slots`); a call finding them all taken waits for one without counting an attempt.

`refresh_ats_profile_links` (hourly, maintenance queue) queues these calls again for every assessment whose report
link is about to expire or died with a rotated signing key, so the ATS never keeps showing a dead link.
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from typing import Any
from uuid import UUID

import httpx
import structlog
from procrastinate import JobContext

from api import egress
from api.db import (
    ats_callbacks_repo,
    attempts_repo,
    integration_keys_repo,
    integrations_repo,
    outbound_leases_repo,
    report_repo,
    sessions_repo,
)
from api.db.pool import Conn, Pool, connection
from api.integrations import ashby_answers, ashby_updates, assessments, ats_answers
from api.integrations.profile_links import (
    assessment_profile_url,
    hand_over_after_rotation,
    refresh_dead_links,
)
from api.jobs.queue import queue
from api.jobs.resources import resources
from api.metrics import ATS_CALLBACK_FAILURES, ATS_CALLBACKS
from api.sealing import SealedValueError, sealer
from api.settings import ApiSettings
from api.webhooks import erasure_notices
from api.webhooks.schedule import DeliveryRetryPolicy, RetryLater, next_delay, settles_on_a_crash
from api.webhooks.slots import give_back, hold_off, take_slot

log = structlog.get_logger(__name__)

INTEGRATIONS_QUEUE = "integrations"
# Greenhouse's answer to the PATCH: only its status is read, so no more of its body than this.
UNREAD_ANSWER_MAX_BYTES = 1_024


class CallbackUnsendableError(Exception):
    """This call cannot be made at all (no live key, a host that is not Greenhouse's, missing data)."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


@dataclass(frozen=True)
class Call:
    url: str
    method: str
    headers: dict[str, str]
    content: bytes | None
    expects_ashby_answer: bool
    max_answer_bytes: int = ashby_answers.MAX_BYTES  # read at most this much of the answer
    secrets: tuple[str, ...] = ()  # never kept from an answer that echoes them (`ats_answers.excerpt`)
    key_id: UUID | None = None  # the integration key live when it was built (its credential is sent)


async def _unsendable(conn: Conn, cid: UUID, cb: dict[str, Any], e: Exception) -> None:
    """End a call that cannot be made (no live key, a host that is not Greenhouse's, a sealed value unreadable)."""
    code = e.code if isinstance(e, CallbackUnsendableError) else "secret_unreadable"
    await attempts_repo.fail_pending(conn, "ats_callbacks", cid, code)
    count_call(cb["provider"], attempted=False, delivered=False, error=code, final=True)
    log.warning("ats_callback.unsendable", callback_id=str(cid), provider=cb["provider"], error=code)


KEY_CHECKS = 3  # rotations seen between building a call and sending it before it goes as last built


async def _with_live_key(conn: Conn, settings: ApiSettings, cb: dict[str, Any], call: Call) -> Call:
    """The call as it is sent: its key checked under the key's row (`hold_live_key`) as the last thing before the
    request, and the call built again when a rotation committed since it was built (or ended `no_live_key` by a
    revocation). A rotation under way is waited for, then seen. Before, the key was read once, without a lock,
    before the request slot was taken: a rotation that committed in between (or was under way at the read) was
    followed by a request with the replaced key. A rotation that commits after this check finds the request in
    flight, and its answer is judged as the old key's (`_attempt`)."""
    for _ in range(KEY_CHECKS):
        async with conn.transaction():
            if call.key_id is None or await integration_keys_repo.hold_live_key(conn, call.key_id):
                return call
        call = await build_call(conn, settings, cb)  # a statement of its own: it sees the rotation's new key
    return call


def _basic(username: str) -> str:
    return "Basic " + base64.b64encode(f"{username}:".encode()).decode("ascii")


async def _ashby_body(conn: Conn, settings: ApiSettings, cb: dict[str, Any], key_id: UUID) -> dict[str, Any]:
    session_id = cb["session_id"]
    session = await sessions_repo.get_session(conn, session_id)
    if session is None:
        raise CallbackUnsendableError("session_missing")
    body = await _ashby_update(conn, settings, cb, key_id, session)
    assessment = await integrations_repo.get_assessment(conn, session_id)
    if assessment is not None and assessment["invite_withheld"] is not None:
        # Every update of an assessment whose invite was withheld says so again, and takes back the join link once
        # the invite is no longer outstanding: left out, Ashby kept the link it was given if it merges metadata.
        body = ashby_updates.with_invite_fields(
            body, assessment["invite_withheld"], _outstanding_link(settings, assessment)
        )
    return body


def _outstanding_link(settings: ApiSettings, assessment: dict[str, Any]) -> str | None:
    """The candidate's join link while the invite is outstanding (scheduled, unexpired), else None."""
    return assessments.join_url(settings, assessment) if assessments.invite_outstanding(assessment) else None


async def _ashby_update(
    conn: Conn, settings: ApiSettings, cb: dict[str, Any], key_id: UUID, session: dict[str, Any]
) -> dict[str, Any]:
    session_id = cb["session_id"]
    kind = cb["kind"]
    if kind in ("invite_withheld", "started", "grading"):
        kind = await _standing_status(conn, cb, session)
    if kind == "expired" and session["status"] == "cancelled":
        # Cancelled after its invite expired: an expiry sent late (sent again, or a retry that outlived the
        # cancellation) says the newer news, never the older over it.
        kind = "cancelled"
    if kind in ("invite_withheld", "cancelled", "expired"):
        assessment = await integrations_repo.get_assessment(conn, session_id)
        if assessment is None:
            raise CallbackUnsendableError("session_missing")
        if kind == "expired":
            return ashby_updates.expired(session_id, assessment["expired_at"] or cb["created_at"])
        if kind == "cancelled":
            where = "Ashby" if cancelled_by_ashby(assessment) else "Shadows"
            return ashby_updates.cancelled(session_id, session["ended_at"] or cb["created_at"], where=where)
        return ashby_updates.invite_withheld(
            session_id,
            cb["created_at"],
            _outstanding_link(settings, assessment),
            assessment["invite_withheld"] or "rate_limited",
        )
    if kind == "started":
        return ashby_updates.started(session_id, session["started_at"] or cb["created_at"])
    if kind == "grading":
        return ashby_updates.grading(session_id, session["ended_at"] or cb["created_at"])
    # The result that stands when the call is sent (the newest ready version, else the newest failed one), whatever
    # version the call was queued for: a call for an older version (a revocation or a link refresh that read the
    # versions while a re-grade was being stored, or an old call sent again) never puts a superseded result back,
    # and a failed re-grade never replaces a ready score.
    version = await integrations_repo.result_version(conn, session_id)
    if version is None:
        raise CallbackUnsendableError("scorecard_missing")
    # Bound to the organisation's live Ashby key: revoking it cuts the link Ashby holds (api.share_links).
    profile_url = await assessment_profile_url(conn, settings, session_id, integration_key_id=key_id)
    # A result sent again (its profile link was revoked) is dated when it was queued, so Ashby takes it as newer.
    at = max(version["completed_at"], cb["created_at"])
    asked = {r["kind"] for r in await report_repo.accommodation_requests(conn, session_id)}
    return ashby_updates.result(session_id, at, version, session, profile_url, asked)


def cancelled_by_ashby(assessment: dict[str, Any]) -> bool:
    """Whether Ashby's own assessment.cancel cancelled the session: the session's end, not `cancelled_by_ats_at`
    alone, which Ashby's cancel of an interview already ended (or already cancelled in Shadows) once set too, so
    that a call sent later said "cancelled in Ashby" for a session cancelled in Shadows, or kept an earlier status's
    own news from Ashby, as if Ashby had cancelled an interview it had not."""
    return bool(
        assessment["cancelled_by_ats_at"] is not None
        and assessment["status"] == "cancelled"
        and assessment["end_reason"] == "cancelled_by_ats"
    )


LATER_NEWS = {
    "invite_withheld": ("started", "grading", "result", "cancelled", "expired"),
    "started": ("grading", "result", "cancelled"),
}


async def _standing_status(conn: Conn, cb: dict[str, Any], session: dict[str, Any]) -> str:
    """What a status call (the withheld invite, Started, grading) says when it is sent: its own news, unless Ashby
    already has later news (a later call of the session delivered, or its own cancellation), and then where the
    session stands (cancelled, grading, or the result once there is one), so a call sent late (retried, or sent
    again) never puts an earlier status back over a later one in Ashby. Calls queued together go in order: each
    says its own news. Grading is never sent once the result is there, delivered or not: its call says the
    result then (its own result call follows and says it again)."""
    assessment = await integrations_repo.get_assessment(conn, cb["session_id"])
    by_ats = assessment is not None and cancelled_by_ashby(assessment)
    if cb["kind"] == "grading":
        has_result = await integrations_repo.result_version(conn, cb["session_id"]) is not None
        return "result" if has_result else "grading"
    if not by_ats and not await ats_callbacks_repo.delivered_any(
        conn, cb["session_id"], LATER_NEWS[cb["kind"]]
    ):
        return str(cb["kind"])
    if session["status"] == "cancelled":
        return "cancelled"
    if session["status"] == "scheduled" and assessment is not None and assessment["expired_at"] is not None:
        return "expired"
    if await integrations_repo.result_version(conn, cb["session_id"]) is not None:
        return "result"
    if session["status"] in ("completed", "abandoned") and await ats_callbacks_repo.delivered_any(
        conn, cb["session_id"], ("grading",)
    ):
        return "grading"
    return "started" if session["started_at"] is not None else str(cb["kind"])


async def build_call(conn: Conn, settings: ApiSettings, cb: dict[str, Any]) -> Call:
    key = await integration_keys_repo.live_key(conn, cb["organization_id"], cb["provider"])
    if key is None:
        raise CallbackUnsendableError("no_live_key")
    seal = sealer(settings)
    if cb["provider"] == "greenhouse":
        # Greenhouse's routes are built when their module loads: at a call, not at every worker's start.
        from api.integrations.greenhouse import is_greenhouse_host

        url = str(cb["callback_url"])
        if settings.egress_guard and not is_greenhouse_host(settings, egress.ascii_host(httpx.URL(url))):
            raise CallbackUnsendableError("address_not_allowed")
        secret = seal.open(key["key_sealed"])
        headers = {"Authorization": _basic(secret)}
        return Call(url, "PATCH", headers, None, False, UNREAD_ANSWER_MAX_BYTES, _secrets(secret), key["id"])
    # The erasure's last update: built from the session id alone, the session and its assessment being gone.
    if cb["kind"] == "erased":
        body = ashby_updates.erased(cb["session_id"], cb["created_at"])
    else:
        body = await _ashby_body(conn, settings, cb, key["id"])
    secret = seal.open(key["provider_api_key_sealed"])
    return Call(
        settings.ashby_base_url.rstrip("/") + "/assessment.update",
        "POST",
        {
            "Authorization": _basic(secret),
            "Content-Type": "application/json",
            "Accept": "application/json; version=1",
        },
        json.dumps(body, separators=(",", ":")).encode("utf-8"),
        True,
        ashby_answers.MAX_BYTES,
        _secrets(secret),
        key["id"],
    )


def _secrets(key: str) -> tuple[str, ...]:
    """The key as sent: itself, and its HTTP Basic credentials (with and without the scheme)."""
    basic = _basic(key)
    return key, basic, basic.removeprefix("Basic ")


def judge(call: Call, reply: egress.Reply) -> tuple[bool, bool, str | None]:
    """(delivered, refused for good, error code) for one answer."""
    if not reply.ok:
        return False, False, "http_status"
    if not call.expects_ashby_answer:
        return True, False, None
    verdict = ashby_answers.verdict(reply)
    if verdict in (ashby_answers.Verdict.ACCEPTED, ashby_answers.Verdict.UNCONFIRMED):
        # UNCONFIRMED: a 2xx whose body was cut off before its `success` (longer than we read, or still arriving at
        # the deadline). Retried, it was cut the same way every attempt and ended a dead letter, for an update
        # Ashby took. The attempt logs what was seen (`ats_callback.answer_cut_off`).
        return True, False, None
    if verdict is ashby_answers.Verdict.REFUSED:
        return False, True, "rejected"
    # Not Ashby's `{"success": true|false, ...}` (a gateway's `{}`, a list, a `success` that is not a boolean): it
    # says nothing about the update, so it is unreadable like a body that is not JSON, and tried again. Taken for
    # a refusal, it ended the call failed at its first attempt, and Ashby never got the status or the result.
    return False, False, "invalid_response"


FAILURE_REASONS = {
    "http_status": "status",
    "timeout": "timeout",
    "invalid_response": "invalid_response",
    "rejected": "rejected",
    "key_replaced": "key_replaced",  # answered to a key rotated while in flight: sent again with the new one
}


def count_call(provider: str, *, attempted: bool, delivered: bool, error: str | None, final: bool) -> None:
    """Prometheus (api/metrics.py): each attempt, each failed one by reason, and `exhausted` once the call ends
    failed (also for a call that could not be made at all: no attempt then)."""
    if attempted:
        ATS_CALLBACKS.labels(provider=provider, outcome="delivered" if delivered else "failed").inc()
        if not delivered:
            reason = FAILURE_REASONS.get(
                error or "", "connection"
            )  # the guard's refusals count as connection
            ATS_CALLBACK_FAILURES.labels(provider=provider, reason=reason).inc()
    if final and not delivered:
        ATS_CALLBACK_FAILURES.labels(provider=provider, reason="exhausted").inc()


@queue.task(
    name="deliver_ats_callback", queue=INTEGRATIONS_QUEUE, pass_context=True, retry=DeliveryRetryPolicy()
)
async def deliver_ats_callback(context: JobContext, callback_id: str) -> None:
    """Make one call back to an ATS (one attempt); see the module docstring."""
    res = resources(context)
    cid = UUID(callback_id)
    provider: list[str] = []  # known once the row is read

    def exhausted() -> None:
        count_call(provider[0] if provider else "unknown", attempted=False, delivered=False, error=None,
                   final=True)  # fmt: skip

    async with settles_on_a_crash(res.pool, "ats_callbacks", cid, exhausted):
        await _attempt(res.settings, res.pool, cid, provider, context.job.attempts)


async def _attempt(
    settings: ApiSettings, pool: Pool, cid: UUID, provider: list[str], job_attempts: int
) -> None:
    callback_id = str(cid)
    async with connection(pool) as conn:
        cb = await ats_callbacks_repo.load_callback(conn, cid) or await erasure_notices.load_call(conn, cid)
        if cb is None or cb["status"] != "pending":
            log.info("ats_callback.skipped", callback_id=callback_id, found=cb is not None)
            return
        provider.append(cb["provider"])
        try:
            call = await build_call(conn, settings, cb)
        except (CallbackUnsendableError, SealedValueError) as e:
            await _unsendable(conn, cid, cb, e)
            return
        org_id, target = cb["organization_id"], outbound_leases_repo.ats_target(cb["provider"])
        await take_slot(
            conn,
            settings,
            kind="ats",
            organization_id=org_id,
            target=target,
            target_cap=settings.ats_max_concurrency_per_integration,
            holder_id=cid,
            job_attempts=job_attempts,
        )
        try:
            call = await _with_live_key(conn, settings, cb, call)
        except (CallbackUnsendableError, SealedValueError) as e:
            await give_back(conn, org_id, target, cid)
            await _unsendable(conn, cid, cb, e)
            return
    reply: egress.Reply | None = None
    error: str | None = None
    refused = False
    delivered = False
    try:
        reply = await egress.send(
            call.url,
            method=call.method,
            guard=settings.egress_guard,
            timeout_s=settings.webhook_timeout_s,
            max_bytes=min(settings.webhook_max_response_bytes, call.max_answer_bytes),
            content=call.content,
            headers=call.headers,
        )
        delivered, refused, error = judge(call, reply)
        if call.expects_ashby_answer and reply.ok and reply.truncated:
            log.warning(
                "ats_callback.answer_cut_off",
                callback_id=callback_id,
                status_code=reply.status_code,
                bytes_read=len(reply.body),
                verdict=str(ashby_answers.verdict(reply)),
                answer_start=ats_answers.loggable_start(reply.body, call.secrets),  # never raw: may echo ours
            )
    except egress.EgressError as e:
        error = e.code
    finally:
        async with connection(pool) as conn, conn.transaction():
            # An answer to a key replaced while the request was in flight is the old key's: its Retry-After (the
            # ATS limits per key) pauses nothing, as the rotation ended the pause it would renew. Judged under the
            # key's row (`hold_live_key`): a rotation under way waits for this pause, and then ends it.
            live = (
                reply is None
                or call.key_id is None
                or await integration_keys_repo.hold_live_key(conn, call.key_id)
            )
            # The pause first: a slot given back before it would let a waiting call in past it.
            await hold_off(conn, settings, org_id, target, reply if live else None)
            await give_back(conn, org_id, target, cid)
    async with connection(pool) as conn, conn.transaction():
        # Judged under the key's row (`hold_live_key`): a rotation under way is waited for and seen; one that comes
        # after waits for this record. An answer given to a key rotated or revoked while the request was in flight
        # is the old key's, and says nothing of the new one:
        # - with a new key live (a rotation), whatever it was answered but a refusal, the call is not settled by
        #   it: it goes again at once with the new key (`key_replaced` for a 2xx). A 2xx was the old key's too: the
        #   ATS holds what it sent, a report link bound to the replaced key (dead with it), or for Greenhouse a
        #   test_status read with a key it may no longer hold; and the rotation's hand-over
        #   (`hand_over_profile_links`), which only sees delivered calls, may have run while it was in flight.
        #   Before, it was `delivered`, and the ATS kept a dead report link until the hourly sweep;
        # - with none (a revocation), an answer about the key (401, 403, 429) goes again at once, to end
        #   `no_live_key` without a request, not after the schedule's next wait (hours), pending meanwhile and
        #   refused by "send again" (`ats_callback_pending`); any other answer stands.
        replaced_in_flight = (
            reply is not None
            and call.key_id is not None
            and not await integration_keys_repo.hold_live_key(conn, call.key_id)
        )
        rotated = replaced_in_flight and (
            await integration_keys_repo.live_key(conn, cb["organization_id"], cb["provider"]) is not None
        )
        about_key = (
            not delivered
            and not refused
            and reply is not None
            and reply.status_code in ats_callbacks_repo.KEY_ANSWERS
        )
        if rotated and not refused:
            if delivered:
                delivered, error = False, "key_replaced"
            retry_in: float | None = 0.0
        elif replaced_in_flight and about_key:
            retry_in = 0.0
        else:
            retry_in = (
                None
                if delivered or refused
                else next_delay(settings, cb["attempts"] + 1, reply.retry_after_s if reply else None)
            )
        await attempts_repo.record_attempt(
            conn,
            "ats_callbacks",
            cid,
            delivered=delivered,
            status_code=reply.status_code if reply else None,
            error=error,
            retry_in_s=retry_in,
            # Why the ATS refused or failed it, in its own words (bounded, secret-free); cleared once delivered.
            response=ats_answers.excerpt(reply.body, call.secrets) if reply and not delivered else None,
        )
    count_call(cb["provider"], attempted=True, delivered=delivered, error=error, final=retry_in is None)
    log.info(
        "ats_callback.attempt",
        callback_id=callback_id,
        session_id=cb["session_id"],
        provider=cb["provider"],
        kind=cb["kind"],
        attempt=cb["attempts"] + 1,
        status_code=reply.status_code if reply else None,
        error=error,
        outcome="delivered" if delivered else "failed" if retry_in is None else "retry",
    )
    # A row erased meanwhile (its session deleted while the request was in flight) waits for no retry: its job
    # ends, and the session's lock is free for the erasure's notice.
    if retry_in is not None and await erasure_notices.still_there(pool, "ats_callbacks", cid):
        raise RetryLater(retry_in, error or "http_status", row=("ats_callbacks", cid))


PROFILE_REFRESH_CRON = "41 * * * *"  # hourly


@queue.task(
    name="refresh_ats_profile_links",
    queue="maintenance",
    pass_context=True,
    queueing_lock="refresh_ats_profile_links",
)
async def refresh_ats_profile_links(context: JobContext, timestamp: int) -> None:
    """Hand each ATS a new report link where the one it holds expires soon or no longer verifies."""
    res = resources(context)
    async with connection(res.pool) as conn:
        queued = await refresh_dead_links(conn, res.settings)
    log.info("ats_profile_links.refreshed", queued=queued)


@queue.task(name="hand_over_profile_links", queue="maintenance", pass_context=True)
async def hand_over_profile_links(context: JobContext, organization_id: str, provider: str) -> None:
    """After an ATS key was issued (a rotation): hand that ATS links bound to the new key in place of the ones it
    holds, which died with the key they were bound to (`profile_links.hand_over_after_rotation`). Queued by the
    key's issue, in its transaction."""
    res = resources(context)
    async with connection(res.pool) as conn:
        queued = await hand_over_after_rotation(conn, res.settings, UUID(organization_id), provider)
    log.info("ats_profile_links.handed_over", provider=provider, queued=queued)
