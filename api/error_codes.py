"""Every error code the API answers with, its HTTP status and what it means: the catalogue the API document lists
(api/openapi_doc.py renders it into the description, the error schema's `code` enum and each response's codes).
A test keeps it complete: every code raised under api/ must be listed here."""

from __future__ import annotations

ERROR_CODES: dict[str, tuple[int, str]] = {
    "bad_request": (400, "The request could not be read."),
    "http_error": (400, "The request could not be parsed (for example JSON nested too deeply)."),
    "invalid_cursor": (400, "The pagination cursor is not one the API issued."),
    "duplicate_content_type": (400, "The request has more than one Content-Type header."),
    "duplicate_authorization": (400, "The request has more than one Authorization header."),
    "ambiguous_body_length": (
        400,
        "The request gives its body's length by both Content-Length and Transfer-Encoding; the connection is closed.",
    ),
    "duplicate_query_parameter": (400, "The query string names one parameter more than once."),
    "unsupported_content_encoding": (400, "The body names a Content-Encoding; send it uncompressed."),
    "unauthorized": (401, "Not authenticated."),
    "missing_credentials": (
        401,
        "No `Authorization` header (a body past SHADOWS_API_MAX_PUBLIC_BODY_BYTES is read only with one).",
    ),
    "invalid_credentials": (
        401,
        "The credentials are malformed or too long, or a body past SHADOWS_API_MAX_PUBLIC_BODY_BYTES was sent "
        "without a live credential for the route.",
    ),
    "invalid_api_key": (401, "The API key is unknown or revoked."),
    "invalid_invite": (401, "The invite is unknown."),
    "invalid_signature": (401, "A LiveKit webhook's signature does not verify."),
    "missing_signature": (401, "A LiveKit webhook without a signature."),
    "invalid_service_token": (401, "The internal service token is wrong."),
    "invalid_token": (401, "`/metrics` without the metrics token (when `SHADOWS_API_METRICS_TOKEN` is set)."),
    "forbidden": (403, "The caller may not do this."),
    "room_mismatch": (403, "The invite does not open the named room."),
    "scorecard_not_shared": (
        403,
        "A scheduled interview's results go to the organisation, not the candidate.",
    ),
    "text_only_not_allowed": (403, "The organisation does not allow starting without voice."),
    "report_not_shared": (403, "A scheduled interview's report goes to the organisation, not the candidate."),
    "not_a_practice_session": (
        403,
        "Only a practice session has a coaching link; organisations share reports.",
    ),
    "not_found": (404, "No such route or resource."),
    "session_not_found": (404, "No such session for this caller."),
    "scorecard_not_found": (404, "The session has not been graded yet."),
    "share_link_not_found": (404, "No such share link for this session."),
    "share_link_invalid": (404, "The share link is not one we issued."),
    "endpoint_not_found": (404, "No such webhook endpoint for this organisation."),
    "delivery_not_found": (404, "No such delivery of this endpoint."),
    "ats_callback_not_found": (404, "No such call back to the ATS for this session."),
    "interview_not_found": (404, "Greenhouse: no interview with that partner_interview_id."),
    "test_not_found": (404, "No assessment or test with that id."),
    "legal_hold_not_found": (404, "This session is not on legal hold."),
    "organization_not_found": (404, "The key's organisation no longer exists."),
    "api_key_not_found": (404, "No such API key for this organisation."),
    "method_not_allowed": (405, "The route does not accept this method."),
    "conflict": (409, "The request conflicts with the current state."),
    "session_finished": (
        409,
        "The session has completed or was abandoned (a draft save: its interviewer already ended the interview).",
    ),
    "ending_already_reported": (
        409,
        "The agent's completion came after the session was ended without it, and that ending was already graded "
        "or sent; nothing was stored.",
    ),
    "session_cancelled": (409, "The organisation cancelled the session."),
    "interviewer_present": (
        409,
        "An interviewer is already in the interview (the page's dispatch), or another agent job holds the session.",
    ),
    "session_in_progress": (409, "The interview is under way; cancel it before deleting the session."),
    "session_not_started": (
        409,
        "The interview has not started yet (no statement, runs or drafts before it).",
    ),
    "session_time_up": (409, "The interview's time, with extra time and grace, is over."),
    "run_in_progress": (429, "A run of this session is already in flight; wait for its result."),
    "consent_required": (409, "The candidate has not agreed to the notice yet."),
    "notice_changed": (
        409,
        "The notice the candidate saw, or agreed to before a start, is not the current text; show it again.",
    ),
    "already_submitted": (
        409,
        "The final answer is in and the organisation does not allow resubmission: no more drafts or runs.",
    ),
    "draft_conflict": (
        409,
        "Another tab or device saved this language's draft since the `base_revision` sent; reload the drafts.",
    ),
    "session_not_finished": (409, "Only a completed or abandoned session can be graded."),
    "grading_pending": (409, "A grading of this session is already under way."),
    "too_many_endpoints": (409, "The organisation has the most webhook endpoints it may have."),
    "too_many_share_links": (409, "The session has the most unexpired share links it may have."),
    "too_many_scorecard_versions": (409, "The session has the most scorecard versions it may have."),
    "record_deleted": (
        409,
        "The interview record was deleted under the retention period; it cannot be graded or added to.",
    ),
    "legal_hold_exists": (409, "The session is already on legal hold."),
    "record_erased": (
        409,
        "The record was erased under the retention period; there is nothing left to hold.",
    ),
    "too_many_legal_holds": (409, "The session has had the most legal holds it may have."),
    "session_on_legal_hold": (409, "The session is on legal hold; lift the hold before deleting it."),
    "endpoint_disabled": (409, "The webhook endpoint is disabled; enable it first."),
    "delivery_pending": (409, "The delivery is still being retried."),
    "delivery_in_flight": (409, "A request of the delivery is still in flight."),
    "too_many_replays": (409, "The delivery was replayed the most times it may be."),
    "ats_callback_pending": (409, "The call back to the ATS is still being retried."),
    "too_many_ats_callbacks": (
        409,
        "The session's calls back to the ATS were sent again the most times they may be.",
    ),
    "slug_taken": (409, "Another organisation uses that slug."),
    "api_key_limit_reached": (
        409,
        "The organisation has the most active API keys it may have; revoke one first.",
    ),
    "last_api_key": (
        409,
        "The organisation's last active API key: revoking it would lock the organisation out; create another first.",
    ),
    "session_record_full": (
        409,
        "The session's event log is at its bound (SHADOWS_API_EVENT_BUDGET_BYTES, SHADOWS_API_EVENT_MAX_COUNT); "
        "nothing of the batch was stored.",
    ),
    "idempotency_key_reused": (409, "An event's idempotency key is already stored with a different event."),
    "idempotency_key_mismatch": (
        422,
        "The `Idempotency-Key` was used within 24 hours for a request with another body; nothing was scheduled.",
    ),
    "idempotency_key_erased": (
        409,
        "The session the `Idempotency-Key` scheduled was erased; nothing was scheduled (a new key schedules afresh).",
    ),
    "idempotency_answer_unreadable": (
        409,
        "The answer stored for the `Idempotency-Key` can no longer be read (the message names its session); nothing "
        "was scheduled.",
    ),
    "invalid_idempotency_key": (
        422,
        "The `Idempotency-Key` header is not one header of 1 to 255 printable ASCII characters without spaces.",
    ),
    "test_order_conflict": (
        409,
        "Greenhouse: the send_test url belongs to a test order for another test or candidate.",
    ),
    "gone": (410, "The resource has expired."),
    "invite_expired": (410, "The invite was not used in time."),
    "session_expired": (410, "The session expired."),
    "share_link_expired": (410, "The share link has expired."),
    "share_link_revoked": (410, "The share link was revoked."),
    "request_timeout": (408, "The request head or body did not arrive in time; the connection is closed."),
    "payload_too_large": (413, "The request body is too large."),
    "code_too_large": (413, "The code is larger than the judge accepts."),
    "unsupported_media_type": (
        415,
        "The body is labelled as something other than JSON (`text/plain`, a form): send `Content-Type:"
        " application/json` (or multipart/form-data where documented). A body with no Content-Type is read as JSON.",
    ),
    "unprocessable": (422, "The request is well-formed but cannot be done."),
    "validation_error": (422, "A field is missing or invalid; `fields` lists each problem."),
    "address_not_allowed": (422, "The callback or webhook URL is not an address we may call."),
    "invalid_url": (422, "The callback or webhook URL is not a valid URL, or too long once percent-encoded."),
    "invalid_resume": (422, "The résumé is not a readable PDF."),
    "duplicate_json_key": (
        422,
        "A JSON object in the body names one key twice (at any depth; `fields` names the second).",
    ),
    "unsupported_language": (422, "The language is not one this session or the judge uses."),
    "question_not_found": (422, "No question with that id."),
    "no_matching_question": (422, "No question matches the difficulty/topic filter."),
    "unknown_notice": (422, "No notice with that version."),
    "notice_updating": (
        503,
        "The consent names a notice version newer than this server's release (a rolling deploy); retry "
        "(`Retry-After`).",
    ),
    "invalid_input": (422, "A custom input does not match the function's signature or is too large."),
    "rate_limited": (429, "Too many requests; wait and retry."),
    "redispatch_limit": (429, "The interviewer was already called again for this session."),
    "credentials_busy": (
        429,
        "Failed key and invite lookups from every caller together spent their budget, and this address or network"
        " failed one lately (or the overflow past it is spent too); a credential this server has seen valid still"
        " works; retry after `Retry-After`.",
    ),
    "report_links_busy": (
        429,
        "Report links that open nothing, from every caller together, spent their budget; retry after `Retry-After`.",
    ),
    "session_rate_limited": (
        429,
        "This organisation created too many sessions lately; retry after `Retry-After`.",
    ),
    "practice_busy": (429, "Practice interviews are at capacity for now; retry after `Retry-After`."),
    "exports_busy": (429, "Too many exports in progress (in all, or of this organisation); retry later."),
    "artifacts_busy": (
        429,
        "Too many artifact downloads in progress (in all, or of this organisation); retry later.",
    ),
    "analytics_busy": (
        429,
        "Too many analytics figures being computed (in all, or of this organisation); retry after `Retry-After`.",
    ),
    "internal_error": (500, "We failed; not the caller's fault."),
    "embedded_postgres": (500, "`shadows dev` could not start its local PostgreSQL (never in production)."),
    "service_unavailable": (503, "A dependency is down; retry (`Retry-After`)."),
    "database_unavailable": (503, "The database is unreachable; retry."),
    "not_ready": (
        503,
        "Readiness: the database, or the shared rate-limit store (Redis) when configured, is unreachable.",
    ),
    "judge_busy": (503, "Every sandbox is busy; retry in a moment."),
    "judge_unavailable": (503, "Code execution is not available on this server."),
    "practice_unavailable": (
        503,
        "Practice is on but the bank marks no question for practice (`practice: true`); an operator must import one.",
    ),
    "pdf_unavailable": (
        503,
        "The report PDF could not be rendered here (no Chromium, or it timed out); retry.",
    ),
    "pdf_busy": (503, "Too many report PDFs are waiting (in all, or of this organisation); retry."),
    "smtp_unavailable": (503, "The invite e-mail could not be sent; retry."),
    "resume_parser_busy": (503, "The résumé parser is busy; retry."),
    "analytics_timeout": (
        503,
        "The figures took longer than SHADOWS_API_ANALYTICS_TIMEOUT_S to compute; retry later or ask a shorter range.",
    ),
    "rate_limiter_unavailable": (503, "The rate limiter's store is unreachable; retry."),
    "livekit_unavailable": (503, "LiveKit could not be reached."),
    "webhook_in_flight": (
        503,
        "The webhook's first delivery is still being applied; deliver it again later.",
    ),
}
