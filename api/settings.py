"""Configuration of the API deployable (`SHADOWS_API_*`, plus the SDKs' own `DATABASE_URL` and `LIVEKIT_*`)."""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import AliasChoices, Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PLACEHOLDER_PREFIXES = ("change-me", "devkey", "devsecret", "dev-")
REPO_ROOT = Path(__file__).resolve().parents[1]


class ApiSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="SHADOWS_API_", env_file=".env", extra="ignore")

    environment: Literal["local", "test", "staging", "production"] = "local"
    host: str = "127.0.0.1"
    port: int = 8000
    public_url: str = "http://127.0.0.1:8000"  # where join links point (the web client is served by the API)

    database_url: str | None = Field(default=None, validation_alias=AliasChoices("DATABASE_URL"))
    db_pool_min: int = 2
    db_pool_max: int = 20
    # Supabase's transaction pooler (port 6543) cannot keep prepared statements; set false there.
    db_prepared_statements: bool = True
    data_dir: Path = REPO_ROOT / ".data"

    livekit_url: str = Field(default="ws://127.0.0.1:7880", validation_alias=AliasChoices("LIVEKIT_URL"))
    livekit_api_key: str = Field(default="devkey", validation_alias=AliasChoices("LIVEKIT_API_KEY"))
    livekit_api_secret: SecretStr = Field(
        default=SecretStr("devsecret-change-me-0123456789abcdef"),
        validation_alias=AliasChoices("LIVEKIT_API_SECRET"),
    )
    agent_name: str = "shadows-interviewer"
    token_grace_minutes: int = Field(default=10, ge=0, le=60)
    room_empty_timeout_s: int = 300
    room_departure_timeout_s: int = 120

    internal_token: SecretStr = SecretStr("change-me-internal-token-0123456789")
    # Report share links: lifetime when the request names none, the most a request may ask for, and the HMAC key
    # that signs them (rotating it invalidates every link).
    share_link_days: int = Field(default=14, ge=1, le=365)
    share_link_max_days: int = Field(default=90, ge=1, le=365)
    share_signing_key: SecretStr = SecretStr("change-me-share-signing-key-0123456789abcdef")
    # Lifetime of the short-lived links the server mints for a reader it has authenticated (a report page's
    # timeline, a practice candidate's coaching link).
    report_view_minutes: int = Field(default=60, ge=1, le=24 * 60)
    invite_ttl_hours: int = Field(default=72, ge=1, le=24 * 30)
    session_expiry_hours: int = Field(default=24 * 7, ge=1)

    max_body_bytes: int = 2 * 1024 * 1024
    max_resume_bytes: int = 5 * 1024 * 1024
    max_text_chars: int = 50_000

    practice_enabled: bool = False
    practice_rate_limit: str = "5/hour"

    # Report PDFs (GET /v1/sessions/{id}/report.pdf, and the artifact written after grading) are printed by headless
    # Chromium: its path, the deadline of one render, and how many may run at once per process.
    chromium_bin: str = "/usr/bin/chromium"
    pdf_timeout_s: float = Field(default=60.0, gt=0, le=600)
    pdf_concurrency: int = Field(default=2, ge=1, le=16)

    # Session artifacts (JSON dump, report PDF, résumé PDF): `local` (a directory; default data_dir/artifacts) or
    # `supabase` (Supabase Storage: SUPABASE_URL and SUPABASE_SERVICE_ROLE_KEY, a private bucket, signed URLs).
    storage_backend: Literal["local", "supabase"] = "local"
    storage_dir: Path | None = None
    storage_bucket: str = Field(default="session-artifacts", pattern=r"^[a-z0-9][a-z0-9_-]{2,62}$")
    storage_signed_url_s: int = Field(default=3600, ge=60, le=7 * 24 * 3600)
    storage_timeout_s: float = Field(default=30.0, gt=0, le=300)
    supabase_url: str | None = Field(default=None, validation_alias=AliasChoices("SUPABASE_URL"))
    supabase_service_role_key: SecretStr | None = Field(
        default=None, validation_alias=AliasChoices("SUPABASE_SERVICE_ROLE_KEY")
    )
    # Finished sessions' transcripts and raw artifacts are erased this many days after they ended (the scorecard is
    # kept); unset or 0 keeps them.
    retention_days: int | None = Field(default=None, ge=0, le=3650)

    questions_dir: Path = REPO_ROOT / "questions"
    web_dir: Path = REPO_ROOT / "web" / "dist"
    log_json: bool = True

    @model_validator(mode="after")
    def _no_placeholder_secrets(self) -> ApiSettings:
        if self.share_link_days > self.share_link_max_days:
            raise ValueError("SHADOWS_API_SHARE_LINK_DAYS exceeds SHADOWS_API_SHARE_LINK_MAX_DAYS")
        if self.storage_backend == "supabase" and not (self.supabase_url and self.supabase_service_role_key):
            raise ValueError(
                "SHADOWS_API_STORAGE_BACKEND=supabase needs SUPABASE_URL and SUPABASE_SERVICE_ROLE_KEY"
            )
        if self.environment in ("local", "test"):
            return self
        for name, value in (
            ("SHADOWS_API_INTERNAL_TOKEN", self.internal_token.get_secret_value()),
            ("SHADOWS_API_SHARE_SIGNING_KEY", self.share_signing_key.get_secret_value()),
            ("LIVEKIT_API_SECRET", self.livekit_api_secret.get_secret_value()),
        ):
            if value.startswith(PLACEHOLDER_PREFIXES) or len(value) < 32:
                raise ValueError(f"{name} is a placeholder or shorter than 32 characters")
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
