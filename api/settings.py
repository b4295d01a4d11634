"""Configuration of the API deployable (`SHADOWS_API_*`, plus the SDKs' own `DATABASE_URL` and `LIVEKIT_*`)."""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path
from typing import Literal

import psycopg
from psycopg.conninfo import conninfo_to_dict
from pydantic import AliasChoices, Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from api import egress
from api.outbound_settings import CALLBACK_DOMAIN, DEV_SEALING_KEY, WEBHOOK_JITTER, OutboundSettings
from api.rate_limit_settings import RateLimit, RateLimitSettings
from judge.credential_mask import CredentialFreeRepr

PLACEHOLDER_PREFIXES = ("change-me", "devkey", "devsecret", "dev-")
REPO_ROOT = Path(__file__).resolve().parents[1]
# The longest interview a session may hold (the request schemas' bounds): its duration and its extra time.
MAX_DURATION_MINUTES = 180
MAX_EXTRA_TIME_MINUTES = 180
LONGEST_INTERVIEW_MINUTES = MAX_DURATION_MINUTES + MAX_EXTRA_TIME_MINUTES
DAY_S = 86_400


# Printed with URL credentials masked. The rate limits and the outbound calls' settings are groups of their own
# (api/rate_limit_settings.py, api/outbound_settings.py), read under the same prefix as the fields here.
class ApiSettings(CredentialFreeRepr, RateLimitSettings, OutboundSettings, BaseSettings):
    model_config = SettingsConfigDict(
        # hide_input_in_errors: a validation error would print every input, secrets included
        env_prefix="SHADOWS_API_",
        env_file=".env",
        extra="ignore",
        hide_input_in_errors=True,
    )

    environment: Literal["local", "test", "staging", "production"] = "local"
    host: str = "127.0.0.1"
    port: int = 8000
    public_url: str = "http://127.0.0.1:8000"  # where join links point (the web client is served by the API)

    database_url: str | None = Field(default=None, validation_alias=AliasChoices("DATABASE_URL"))
    db_pool_min: int = 2
    db_pool_max: int = 20
    # A request waits this long for a pooled connection, behind at most `db_pool_max_waiting` others; beyond
    # either it is a 503 database_unavailable (retryable) instead of an unbounded queue.
    db_pool_timeout_s: float = Field(default=10.0, gt=0)
    db_pool_max_waiting: int = Field(default=200, ge=0)
    # A request's statement waits this long for a row or advisory lock another transaction holds (PostgreSQL's
    # lock_timeout), then is a 503 database_unavailable (retryable): without it, one transaction that stalls
    # holding a session's row made every later write to that session wait for as long as it did.
    db_lock_timeout_s: float = Field(default=10.0, gt=0, le=600)
    # And any one statement of a request runs at most this long (PostgreSQL's statement_timeout), then is a 503
    # database_unavailable (retryable): a query that grows with what callers stored, or a plan gone wrong, never holds
    # a pooled connection and a backend for as long as it likes. A route may ask for less for its own statements
    # (the analytics figures: SHADOWS_API_ANALYTICS_TIMEOUT_S). The job worker's pool is not bound by it.
    db_statement_timeout_s: float = Field(default=30.0, gt=0, le=3600)
    # /readyz answers within this long, whatever the database and Redis do: past it, a 503 not_ready naming what did
    # not answer in time (a host that stopped answering held the probe for as long as TCP takes). Keep it below the
    # load balancer's probe timeout (ALB and GCP default to 5 s; Kubernetes' timeoutSeconds to 1 s: raise that).
    readyz_timeout_s: float = Field(default=3.0, gt=0, le=60)
    # Supabase's transaction pooler (port 6543) cannot keep prepared statements; set false there.
    db_prepared_statements: bool = True
    # At start, collect and freeze the heap built so far (routes, schemas, templates), so that the collector's full
    # passes walk only what requests allocate. A full collection walks the whole process: off where the app is one of
    # many in a long-lived process (the test suite starts one per test).
    gc_freeze_on_start: bool = True
    data_dir: Path = REPO_ROOT / ".data"

    livekit_url: str = Field(default="ws://127.0.0.1:7880", validation_alias=AliasChoices("LIVEKIT_URL"))
    livekit_api_key: str = Field(default="devkey", validation_alias=AliasChoices("LIVEKIT_API_KEY"))
    livekit_api_secret: SecretStr = Field(
        default=SecretStr("devsecret-change-me-0123456789abcdef"),
        validation_alias=AliasChoices("LIVEKIT_API_SECRET"),
    )
    agent_name: str = "shadows-interviewer"
    # How many times one session's interviewer may be dispatched again (the agent left a running interview, or the
    # candidate's page saw no agent join): api/redispatch.py.
    agent_redispatch_limit: int = Field(default=2, ge=0, le=10)
    # The session's grace period: room tokens, joins and runs all end at the session's end plus this.
    token_grace_minutes: int = Field(default=10, ge=0, le=60)
    # The agent's `complete` still counts this long after a room_finished webhook marked the session abandoned
    # (the webhook can overtake the agent's last call); its final code is kept and the session becomes completed.
    # Also how long after a session stopped its record takes the agent's events (then 409 session_finished).
    complete_after_abandon_s: int = Field(default=300, ge=0, le=3600)
    room_empty_timeout_s: int = 300
    room_departure_timeout_s: int = 120

    # The agent's service token. Comma-separated to rotate it: the API accepts each (`internal_tokens`), and the
    # first is the one it hands its own dev agent: "NEW,OLD" on the API, then the agents given NEW, then "NEW".
    internal_token: SecretStr = SecretStr("change-me-internal-token-0123456789")
    # Report share links: lifetime when the request names none, the most a request may ask for, and the HMAC key
    # that signs them (rotating it invalidates every link).
    share_link_days: int = Field(default=14, ge=1, le=365)
    share_link_max_days: int = Field(default=90, ge=1, le=365)
    # The most unexpired share links (revoked ones included) one session may have when a caller asks for another;
    # the links Shadows mints itself for an ATS or a webhook are not refused (they count towards it). Also the most
    # an ATS is handed for one session: past it, a revocation of the ATS's link is not replaced (profile_links).
    share_links_per_session: int = Field(default=50, ge=1, le=1000)
    # The most scorecard versions an organisation's re-grades may bring one session to (409 beyond; the CLI's
    # `shadows grade` is not bound by it).
    scorecard_versions_per_session: int = Field(default=20, ge=1, le=1000)
    share_signing_key: SecretStr = SecretStr("change-me-share-signing-key-0123456789abcdef")
    # Lifetime of the short-lived links the server mints for a reader it has authenticated (a report page's
    # timeline, a practice candidate's coaching link).
    report_view_minutes: int = Field(default=60, ge=1, le=24 * 60)
    invite_ttl_hours: int = Field(default=72, ge=1, le=24 * 30)
    session_expiry_hours: int = Field(default=24 * 7, ge=1)

    max_body_bytes: int = 2 * 1024 * 1024
    # The routes anyone may call without a key (join, LiveKit's token endpoint, practice) read a few short fields:
    # their bodies are capped lower, so that an anonymous request cannot cost the API more than a few joins' work;
    # on every other route a body past it is read only from a caller with a live credential (api/body_credentials.py).
    max_public_body_bytes: int = Field(default=64 * 1024, ge=1024)
    max_resume_bytes: int = 5 * 1024 * 1024
    max_text_chars: int = 50_000

    # Résumé PDFs are parsed in a child process under these bounds; more pages than this is a 422.
    resume_max_pages: int = Field(default=20, ge=1, le=200)
    resume_cpu_s: int = Field(default=5, ge=1, le=60)
    resume_memory_mb: int = Field(default=512, ge=64, le=4096)
    resume_timeout_s: float = Field(default=10.0, gt=0, le=120)
    # Parsers running at once per API process; an upload waits at most `resume_timeout_s` for one (else 503).
    resume_parsers: int = Field(default=2, ge=1, le=32)
    # Parsers one organisation's uploads may hold at once, per API process; its others wait for one of its own
    # (within `resume_timeout_s`), never ahead of another organisation's upload.
    resume_parsers_per_tenant: int = Field(default=2, ge=1, le=32)

    practice_enabled: bool = False
    # A practice session's invite expires this long after it was issued (an organisation's lasts invite_ttl_hours):
    # the practice rate limits (api/rate_limit_settings.py) bound how many are created, and a session costs when it
    # is used, so invites kept for days could all be started at once (api/routers/practice.py). At most
    # invite_ttl_hours.
    practice_invite_ttl_minutes: int = Field(default=60, ge=5, le=24 * 60)
    # Runs and submissions per session (`limits` notation; several separated by ";"), on top of one in flight.
    run_rate_limit: RateLimit = "20/minute;300/hour"

    # Report PDFs (GET /v1/sessions/{id}/report.pdf, and the artifact written after grading) are printed by headless
    # Chromium: its path, the deadline of one render, and how many may run at once per process.
    chromium_bin: str = "/usr/bin/chromium"
    pdf_timeout_s: float = Field(default=60.0, gt=0, le=600)
    pdf_concurrency: int = Field(default=2, ge=1, le=16)
    # At most `pdf_queue_max` requests wait for a render, each at most `pdf_queue_wait_s`, and one organisation (or
    # all practice sessions together) has at most `pdf_queue_per_tenant` waiting or printing; beyond: 503 pdf_busy.
    pdf_queue_max: int = Field(default=16, ge=0, le=1024)
    pdf_queue_per_tenant: int = Field(default=4, ge=1, le=1024)
    pdf_queue_wait_s: float = Field(default=30.0, gt=0, le=600)

    # How long the analytics figures (GET /v1/analytics, /summary) may take in PostgreSQL, lock waits included: a
    # statement timeout of their own transaction. Past it, a 503 `analytics_timeout`, never a query left running.
    analytics_timeout_s: float = Field(default=15.0, gt=0, le=300)
    # Analytics figures computed at once per process, and per organisation (each holds a pooled connection for up
    # to `analytics_timeout_s`); past either, a 429 analytics_busy (api/org_slots.py).
    analytics_concurrency: int = Field(default=8, ge=1, le=256)
    analytics_per_org: int = Field(default=2, ge=1, le=256)
    # Session exports (GET /v1/sessions/export) held at once per process, and per organisation; past either, a 429
    # exports_busy. An export whose client stops reading for `export_stall_s`, or that takes `export_hold_s` in
    # all, is ended and its spool (a temporary file the size of the export) closed.
    export_concurrency: int = Field(default=8, ge=1, le=256)
    export_per_org: int = Field(default=2, ge=1, le=256)
    export_stall_s: float = Field(default=30.0, gt=0, le=3600)
    export_hold_s: float = Field(default=600.0, gt=0, le=24 * 3600)
    # Artifact downloads (GET /v1/artifacts/{token}/{name}) held at once per process, and per organisation: each
    # holds its object (a résumé, a session dump: megabytes) in memory from the storage read until its client has
    # read it; past either, a 429 artifacts_busy. Ended like an export (`export_stall_s`, `export_hold_s`).
    artifact_download_concurrency: int = Field(default=16, ge=1, le=256)
    artifact_download_per_org: int = Field(default=4, ge=1, le=256)

    # Session artifacts (JSON dump, report PDF, résumé PDF): `local` (a directory; default data_dir/artifacts) or
    # `supabase` (Supabase Storage: SUPABASE_URL and SUPABASE_SERVICE_ROLE_KEY, a private bucket read back through
    # this API).
    storage_backend: Literal["local", "supabase"] = "local"
    storage_dir: Path | None = None
    storage_bucket: str = Field(default="session-artifacts", pattern=r"^[a-z0-9][a-z0-9_-]{2,62}$")
    storage_signed_url_s: int = Field(default=3600, ge=60, le=7 * 24 * 3600)
    storage_timeout_s: float = Field(default=30.0, gt=0, le=300)
    supabase_url: str | None = Field(default=None, validation_alias=AliasChoices("SUPABASE_URL"))
    supabase_service_role_key: SecretStr | None = Field(
        default=None, validation_alias=AliasChoices("SUPABASE_SERVICE_ROLE_KEY")
    )
    # Rate-limit counters live here when set (shared by every API process and replica), in memory otherwise.
    redis_url: str | None = None
    redis_prefix: str = Field(default="shadows", min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.:-]+$")
    # How long a rate-limit call waits to connect to Redis, and for its answer, before the route answers a retryable
    # 503. It is measured on this process's event loop, so a stall of the process itself counts against it.
    redis_timeout_s: float = Field(default=2.0, gt=0, le=30)

    # Runs admitted into this process's judge at once (default: the judge's slots), fairly across organisations
    # (practice sessions count as one). At most `run_queue_max` wait, `run_queue_per_tenant` per organisation,
    # each for at most `run_queue_wait_s`; beyond that a run is a retryable 503 judge_busy.
    run_concurrency: int | None = Field(default=None, ge=1, le=256)
    run_queue_max: int = Field(default=64, ge=0)
    run_queue_per_tenant: int = Field(default=16, ge=0)
    run_queue_wait_s: float = Field(default=30.0, gt=0)

    # Client addresses (rate-limit buckets) come from X-Forwarded-For only when the peer is one of these
    # (comma-separated IPs or CIDRs, or "*"): its right-most entry that is not one of them ("*": its right-most
    # entry). Empty: trust nobody and use the TCP peer address (api/forwarded.py).
    forwarded_allow_ips: str = ""
    # Largest request head (request line and headers) the server buffers; larger heads are refused with 400.
    max_header_bytes: int = Field(default=16 * 1024, ge=1024, le=1024 * 1024)
    # Idle keep-alive connections are closed after this many seconds; each request head must arrive within it too.
    keep_alive_s: int = Field(default=5, ge=1, le=300)
    # A request body must arrive whole within body_grace_s of its head, plus one second per body_min_bytes_per_s
    # bytes it delivers (an average rate); a slower body's connection is closed (a body trickled byte by byte).
    body_grace_s: int = Field(default=10, ge=1, le=300)
    body_min_bytes_per_s: int = Field(default=4096, ge=64, le=100 * 1024 * 1024)
    # An answer must drain at a pace too: once the server's unsent buffer for it passes 64 KiB, the client has
    # response_grace_s, plus one second per response_min_bytes_per_s bytes it takes, to bring it below 16 KiB; a
    # client that stops reading is cut off (the connection reset, the buffer dropped).
    response_grace_s: int = Field(default=30, ge=1, le=600)
    response_min_bytes_per_s: int = Field(default=4096, ge=64, le=100 * 1024 * 1024)

    # The candidate page: how long it waits for the interviewer before saying so and asking for one redispatch
    # (counted against agent_redispatch_limit), and the bounds on the integrity observations it reports.
    agent_join_timeout_s: int = Field(default=20, ge=3, le=300)
    integrity_rate_limit: RateLimit = "60/minute"
    # Draft saves per session (each rewrites up to 200 KB); the page saves ~800 ms after typing stops. Reads of the
    # drafts count these numbers in a budget of their own, one and one more per 256 KiB (api/routers/drafts.py).
    draft_rate_limit: RateLimit = "120/minute"
    integrity_max_events: int = Field(default=500, ge=10, le=10_000)
    # The most UTF-8 bytes of editor code one session's `editor_snapshot` events may store (agent snapshots arrive at
    # most every 5 s, each up to 200 KB of candidate code); a snapshot past it is kept without its code, marked
    # `code_omitted` (docs/data-model.md). Bounds what a timeline, report or grading of one session reads.
    snapshot_code_budget_bytes: int = Field(default=16 * 1024 * 1024, ge=0, le=1024 * 1024 * 1024)
    # The most bytes of payload the agent's events may store in one session (compact JSON, UTF-8; an editor
    # snapshot's `code` is left out: the budget above holds it), and the most events one session's log may hold
    # (every type). A batch of the agent's that would pass either is 409 `session_record_full`, nothing of it
    # stored (docs/internal-api.md). An honest 90-minute interview stores about 1 MB and 5,000 events; these bound
    # what the agent's context, the session, its dump and the grader read of one session.
    event_budget_bytes: int = Field(default=8 * 1024 * 1024, ge=0, le=256 * 1024 * 1024)
    event_max_count: int = Field(default=20_000, ge=1, le=1_000_000)
    # The most UTF-8 bytes of code one session's runs and submissions may store (each up to the judge's
    # max_code_bytes; up to SHADOWS_API_RUN_RATE_LIMIT of them). A run past it is judged and recorded without its
    # code, marked `code_omitted`; the newest Submit always keeps its code (docs/data-model.md).
    run_code_budget_bytes: int = Field(default=8 * 1024 * 1024, ge=0, le=1024 * 1024 * 1024)
    # The most bytes one session's stored run reports may hold (as PostgreSQL gives them back). A report shows what
    # the program returned and printed in each visible test, up to 1.3 MB a run; past the budget a run's report is
    # stored without those values and that output, marked `values_omitted` (docs/data-model.md); the newest Submit
    # always keeps its whole report. An honest report is a few KB.
    run_report_budget_bytes: int = Field(default=16 * 1024 * 1024, ge=0, le=1024 * 1024 * 1024)

    # Observability: `/metrics` wants `Authorization: Bearer <token>` when this is set (required outside local and
    # test); traces go over OTLP/HTTP to
    # OTEL_EXPORTER_OTLP_ENDPOINT (e.g. http://collector:4318) when that is set, and nowhere otherwise.
    metrics_token: SecretStr | None = None
    otlp_endpoint: str | None = Field(
        default=None,
        validation_alias=AliasChoices("OTEL_EXPORTER_OTLP_ENDPOINT", "SHADOWS_API_OTLP_ENDPOINT"),
    )
    otel_service_name: str = Field(
        default="shadows-api",
        validation_alias=AliasChoices("OTEL_SERVICE_NAME", "SHADOWS_API_OTEL_SERVICE_NAME"),
    )

    questions_dir: Path = REPO_ROOT / "questions"
    web_dir: Path = REPO_ROOT / "web" / "dist"
    log_json: bool = True

    @field_validator("database_url")
    @classmethod
    def _connection_string(cls, v: str | None) -> str | None:
        """Refused at start-up, and without quoting it: libpq's error for a string it cannot parse is the whole
        string, password included (`postgres+psycopg://...` from another service's configuration is enough)."""
        if not v:
            return v
        try:
            conninfo_to_dict(v)
        except psycopg.Error:
            raise ValueError(
                "DATABASE_URL is not a PostgreSQL connection string "
                "(postgresql://user:password@host:port/dbname, or libpq's key=value form)"
            ) from None
        return v

    @property
    def egress_guard(self) -> bool:
        """Whether outbound calls to user-supplied URLs go through the SSRF guard (https only, public addresses)."""
        return self.environment not in ("local", "test")

    @property
    def internal_tokens(self) -> list[str]:
        """The service tokens the API accepts (SHADOWS_API_INTERNAL_TOKEN, comma-separated while one is rotated)."""
        return [t.strip() for t in self.internal_token.get_secret_value().split(",") if t.strip()]

    @model_validator(mode="after")
    def _webhook_schedule(self) -> ApiSettings:
        try:
            delays = self.webhook_retry_delays
        except ValueError as e:
            raise ValueError("SHADOWS_API_WEBHOOK_RETRY_DELAYS_S is a comma-separated list of seconds") from e
        # `not 0 <= d <= max`: float() reads "nan", which fails every comparison, so `d < 0 or d > max` let it by.
        if not delays or len(delays) > 30 or any(not 0 <= d <= 2 * DAY_S for d in delays):
            raise ValueError("SHADOWS_API_WEBHOOK_RETRY_DELAYS_S: 1 to 30 delays, each 0 to 172800 seconds")
        if self.environment not in ("local", "test") and sum(delays) * (1 - WEBHOOK_JITTER) < DAY_S:
            raise ValueError("SHADOWS_API_WEBHOOK_RETRY_DELAYS_S must keep retrying for at least 24 hours")
        if not self.sealing_key_list:
            raise ValueError("SHADOWS_API_SEALING_KEYS needs at least one Fernet key")
        return self

    @model_validator(mode="after")
    def _ats_addresses(self) -> ApiSettings:
        """Refused at start-up, not call by call: a base URL the requests cannot use failed every assessment.update
        (retried for three days, then failed), and a domain list holding a URL matched no host (every send_test
        422). A bare top-level domain (`io`) would let the PATCH that carries an organisation's Greenhouse key go to
        any host under it. Errors name the variable, never its value (it may hold credentials)."""
        try:
            # A host no request can reach is refused too: a name DNS cannot hold, and (guard on) an address the
            # guard refuses (https://127.0.0.1, https://169.254.169.254): each request's own check refused it,
            # and every assessment.update was retried for days (address_not_allowed), then failed.
            base = egress.dns_host(egress.parse_url(self.ashby_base_url, guard=self.egress_guard))
            if self.egress_guard:
                egress.refuse_private_literal(base)
        except egress.UrlRefusedError as e:
            raise ValueError(f"SHADOWS_API_ASHBY_BASE_URL: {e.message}") from None
        if base.query:
            raise ValueError("SHADOWS_API_ASHBY_BASE_URL must not have a ?query: paths are appended to it")
        domains = self.greenhouse_callback_domain_list
        if any(not CALLBACK_DOMAIN.fullmatch(d) for d in domains):
            raise ValueError(
                "SHADOWS_API_GREENHOUSE_CALLBACK_DOMAINS is a comma-separated list of domain names of two labels or"
                " more (greenhouse.io), with no scheme, port or path"
            )
        if self.egress_guard and any(egress.refused_address(d) for d in domains):
            # Matched by a url on that address (`https://169.254.169.254/`), whose PATCH the guard then refused at
            # every attempt: retried for days, then failed.
            raise ValueError(
                "SHADOWS_API_GREENHOUSE_CALLBACK_DOMAINS names a private, loopback, link-local or metadata address"
            )
        if self.egress_guard and not domains:
            raise ValueError(
                "SHADOWS_API_GREENHOUSE_CALLBACK_DOMAINS names no domain: every send_test would be refused"
            )
        return self

    @model_validator(mode="after")
    def _no_placeholder_secrets(self) -> ApiSettings:
        if self.share_link_days > self.share_link_max_days:
            raise ValueError("SHADOWS_API_SHARE_LINK_DAYS exceeds SHADOWS_API_SHARE_LINK_MAX_DAYS")
        if self.storage_backend == "supabase" and not (self.supabase_url and self.supabase_service_role_key):
            raise ValueError(
                "SHADOWS_API_STORAGE_BACKEND=supabase needs SUPABASE_URL and SUPABASE_SERVICE_ROLE_KEY"
            )
        if self.practice_invite_ttl_minutes > self.invite_ttl_hours * 60:
            raise ValueError("SHADOWS_API_PRACTICE_INVITE_TTL_MINUTES exceeds SHADOWS_API_INVITE_TTL_HOURS")
        # An invite used at its last minute starts an interview that must end before the session expires (then
        # every join, run and save is 410 session_expired): the longest one, extra time and grace included.
        longest_min = LONGEST_INTERVIEW_MINUTES + self.token_grace_minutes
        if self.session_expiry_hours * 60 < self.invite_ttl_hours * 60 + longest_min:
            raise ValueError(
                "SHADOWS_API_SESSION_EXPIRY_HOURS must exceed SHADOWS_API_INVITE_TTL_HOURS by the longest interview"
                f" ({longest_min} minutes with extra time and SHADOWS_API_TOKEN_GRACE_MINUTES)"
            )
        if self.environment in ("local", "test"):
            return self
        if DEV_SEALING_KEY in self.sealing_key_list:
            raise ValueError("SHADOWS_API_SEALING_KEYS holds the development key")
        for name, value in (
            *(("SHADOWS_API_INTERNAL_TOKEN", token) for token in self.internal_tokens or [""]),
            ("SHADOWS_API_SHARE_SIGNING_KEY", self.share_signing_key.get_secret_value()),
            ("LIVEKIT_API_SECRET", self.livekit_api_secret.get_secret_value()),
        ):
            if value.startswith(PLACEHOLDER_PREFIXES) or len(value) < 32:
                raise ValueError(f"{name} is a placeholder or shorter than 32 characters")
        # `/metrics` shows every organisation's interviews in progress and grading spend, and each scrape reads
        # Postgres: outside local it is never anonymous.
        if self.metrics_token is None:
            raise ValueError("SHADOWS_API_METRICS_TOKEN is required outside the local environment")
        if len(self.metrics_token.get_secret_value()) < 32:
            raise ValueError("SHADOWS_API_METRICS_TOKEN must be at least 32 characters")
        if self.livekit_api_key.startswith(PLACEHOLDER_PREFIXES):
            raise ValueError("LIVEKIT_API_KEY is a placeholder")
        if not self.database_url:
            raise ValueError("DATABASE_URL is required outside the local environment")
        return self

    @property
    def artifacts_dir(self) -> Path:
        return self.storage_dir or self.data_dir / "artifacts"


@lru_cache
def get_settings() -> ApiSettings:
    return ApiSettings()


def child_env(**extra: str) -> dict[str, str]:
    """The environment for a worker process `shadows dev` starts (this process's, plus `extra`)."""
    return {**os.environ, **extra}


def export_database_url(url: str) -> None:
    """Make `url` the DATABASE_URL of worker processes started from this one (uvicorn --workers)."""
    os.environ["DATABASE_URL"] = url
