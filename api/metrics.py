"""Prometheus metrics of the API (prometheus-client), exposed at /metrics."""

from __future__ import annotations

from prometheus_client import Counter, Gauge, Histogram

REQUESTS = Counter("shadows_http_requests_total", "HTTP requests", ["method", "route", "status"])
LATENCY = Histogram(
    "shadows_http_request_seconds",
    "HTTP request latency",
    ["method", "route"],
    buckets=(0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
WEBHOOKS = Counter("shadows_livekit_webhooks_total", "LiveKit webhooks received", ["event", "outcome"])
EVENTS = Counter("shadows_session_events_total", "Session events appended", ["type", "duplicate"])
JUDGE_RUNS = Counter("shadows_judge_runs_total", "Judge runs", ["language", "mode", "verdict"])
RUNS_RUNNING = Gauge("shadows_runs_running", "Runs admitted into this process's judge")
RUNS_WAITING = Gauge("shadows_runs_waiting", "Runs waiting for their turn at this process's judge")

# Operator signals (docs/deployment.md, deploy/prometheus/alerts.yml). Gauges read from Postgres are set when
# `/metrics` is scraped (api/ops_metrics.py), so every replica reports the same values.
INTERVIEWS_IN_PROGRESS = Gauge("shadows_interviews_in_progress", "Sessions whose interview is running")
GRADING_LLM_TOKENS = Gauge(
    "shadows_grading_llm_tokens", "Tokens of stored scorecards by grading model", ["model", "kind"]
)
GRADING_LLM_COST = Gauge(
    "shadows_grading_llm_cost_usd", "Cost of stored scorecards by grading model", ["model"]
)

# This process's judge: runs waiting for it and saturation (api/run_admission.py), runs inside it and their duration
# (api/judge_metrics.py).
JUDGE_QUEUE_DEPTH = Gauge("shadows_judge_queue_depth", "Runs waiting for this process's judge")
JUDGE_IN_FLIGHT = Gauge(
    "shadows_judge_runs_in_flight", "Runs handed to this process's judge and not finished"
)
JUDGE_SATURATION = Gauge(
    "shadows_judge_saturation",
    "(Runs admitted + waiting) / (admission capacity + waiting places): 1 means new runs get judge_busy",
)
JUDGE_RUN_SECONDS = Histogram(
    "shadows_judge_run_seconds",
    "Time from handing a run to the judge to its report (queueing included)",
    ["language", "mode"],
    buckets=(0.05, 0.1, 0.25, 0.5, 1, 2, 3, 5, 8, 13, 20, 30),
)

# Outgoing webhooks (deliveries run in `shadows worker`; its metrics port serves them): every attempt counts in
# deliveries; failures add the reason: `status` (a non-2xx answer), `timeout`, `connection`, `exhausted`
# (the delivery ended failed: retries used up, 410 Gone, or a secret no key opens; also counted once in its last
# attempt's reason when there was one), and `endpoint_disabled` (ended failed without a request: its endpoint was
# disabled by its organisation, or by a 410 Gone to another delivery; not an attempt, not `exhausted`).
WEBHOOK_DELIVERIES = Counter("shadows_webhook_deliveries_total", "Webhook delivery attempts", ["outcome"])
WEBHOOK_DELIVERY_FAILURES = Counter(
    "shadows_webhook_delivery_failures_total", "Webhook delivery attempts that failed", ["reason"]
)
# Calls back to an ATS (Greenhouse's completion PATCH, Ashby's assessment.update; sent by `shadows worker` too):
# every attempt by provider and outcome; failures by provider and reason: `status` (a non-2xx answer), `timeout`,
# `connection`, `invalid_response` (a 2xx we cannot read; retried), `rejected` (Ashby's `success: false`; final),
# `key_replaced` (an answer given to a key rotated while the request was in flight: sent again at once with the new
# key; no failure of the ATS, so left out of alerts.yml `ShadowsAtsCallbackFailureRate`), and `exhausted` once a
# call ends failed, whatever ended it (retries used up, a refusal, or a call that could not be made at all: no live
# key, an unreadable sealed secret, a host that is not the ATS's).
ATS_CALLBACKS = Counter(
    "shadows_ats_callbacks_total", "Calls back to an ATS (attempts)", ["provider", "outcome"]
)
ATS_CALLBACK_FAILURES = Counter(
    "shadows_ats_callback_failures_total", "Calls back to an ATS that failed", ["provider", "reason"]
)
# Job worker lanes started again after they stopped by themselves (api/jobs/worker.py `_run_lane`): a rise is a
# worker that keeps losing the database (alerts.yml `ShadowsWorkerLanesRestarting`).
WORKER_LANE_RESTARTS = Counter(
    "shadows_worker_lane_restarts_total",
    "Job worker lanes started again after they stopped by themselves (the database lost, then back)",
    ["lane"],
)
# Webhook deliveries and ATS calls put off because a cap on requests in flight was full
# (api/db/outbound_leases_repo.py): `kind` webhook | ats; `cap` target (the endpoint's, or the organisation's
# Greenhouse/Ashby) | organization. A steady rise names slow or hostile receivers being held to their share; the
# calls go once a slot frees (no attempt counted).
OUTBOUND_DEFERRED = Counter(
    "shadows_outbound_deferred_total",
    "Webhook deliveries and ATS calls put off: their receiver's or organisation's in-flight cap was full, or their"
    " receiver had asked to wait (429 or 503 with Retry-After)",
    ["kind", "cap"],
)
# Per-organisation limits (api/org_limits.py): sessions, re-grades, report PDFs, webhook endpoint writes and key
# issues refused (429), and invite e-mails withheld (the session scheduled without one). A rise names an
# organisation's key being misused, or a limit set too low for a real burst (the logs carry the organisation's id).
ORG_LIMITED = Counter(
    "shadows_org_limited_total",
    "Sessions, re-grades, report PDFs, webhook endpoint writes and key issues (ATS and API keys) refused, and"
    " invite e-mails withheld, by a per-organisation limit",
    ["kind"],
)
# Report reads refused by a per-caller limit (api/report_limits.py), by `kind`: client | site (a client address or
# IPv6 /48), link (a share link, or a practice session's invite and coaching links), org (an organisation's key),
# unverified (the budget of token reads that open no report, every caller together), artifact (artifact downloads
# through one key's URLs for one session). A rise in `unverified` is guessing or a flood of dead links; in `link` or
# `artifact`, a leaked link fetched in a loop.
REPORT_READ_LIMITED = Counter(
    "shadows_report_read_limited_total",
    "Report pages, timelines, scorecards and artifact downloads refused (429) by a per-caller read limit",
    ["kind"],
)
# Invite and API key lookups that found nothing (api/guess_limits.py), by `credential`: invite | api_key; and the
# requests then refused (429) by the guess limits, by `kind`: client | site (an address or IPv6 /48 spent) | global
# (every caller's budget spent: addresses that failed a lookup lately are refused, and past its overflow every
# credential this process has not seen valid). A rise in `global` is guessing from many networks; in `client`, one
# address guessing (or a script looping a revoked key).
CREDENTIAL_LOOKUPS_FAILED = Counter(
    "shadows_credential_lookups_failed_total",
    "Invite, API key and ATS key lookups that found nothing",
    ["credential"],
)
CREDENTIAL_GUESS_LIMITED = Counter(
    "shadows_credential_guess_limited_total",
    "Requests with an invite or API key refused (429) after too many lookups that found nothing",
    ["kind"],
)
AGENT_REDISPATCHES = Counter(
    "shadows_agent_redispatches_total",
    "Agent dispatches asked of LiveKit again, by cause and outcome",
    ["cause", "outcome"],
)

for _outcome in ("delivered", "failed"):
    WEBHOOK_DELIVERIES.labels(outcome=_outcome)
for _reason in ("status", "timeout", "connection", "exhausted", "endpoint_disabled"):
    WEBHOOK_DELIVERY_FAILURES.labels(reason=_reason)  # zero series exist before the first failure
for _provider in ("greenhouse", "ashby"):
    for _outcome in ("delivered", "failed"):
        ATS_CALLBACKS.labels(provider=_provider, outcome=_outcome)
    for _reason in (
        "status",
        "timeout",
        "connection",
        "invalid_response",
        "rejected",
        "key_replaced",
        "exhausted",
    ):
        ATS_CALLBACK_FAILURES.labels(provider=_provider, reason=_reason)
for _kind in ("webhook", "ats"):
    for _cap in ("target", "organization", "paused"):
        OUTBOUND_DEFERRED.labels(kind=_kind, cap=_cap)
for _kind in ("client", "site", "link", "org", "unverified", "artifact"):
    REPORT_READ_LIMITED.labels(kind=_kind)
for _credential in ("invite", "api_key", "integration_key"):
    CREDENTIAL_LOOKUPS_FAILED.labels(credential=_credential)
for _kind in ("client", "site", "global"):
    CREDENTIAL_GUESS_LIMITED.labels(kind=_kind)
